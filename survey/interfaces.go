package survey

import (
	"context"
	"time"
)

// The interfaces below are what the app, the evidence writer and the CLI
// need from storage. Each states the guarantees a store must keep; the
// contract suite in survey/storetest checks them on every store
// (survey/sqlite, survey/postgres).

// Catalog is the units, their services and counters, and the questionnaire
// versions they use. Reads on the store that made a change see it at once.
// Other stores on the same database (other nodes) see it as soon as they
// hear of the write: a PostgreSQL store drops its caches when another
// node's change commits (milliseconds), and keeps entries at most 1 s
// while it cannot hear; a SQLite file has one server, and a CLI command's
// change shows there within the caches' TTL (10 s). SyncQuestionnaires is
// safe to run from several processes at once: each version is stored once
// and a stored version is never altered.
type Catalog interface {
	// Units lists every unit by name.
	Units(ctx context.Context) ([]Unit, error)
	// Unit returns a unit by id.
	Unit(ctx context.Context, id int64) (*Unit, error)
	// CreateUnit validates and stores a unit.
	CreateUnit(ctx context.Context, in NewUnit) (*Unit, error)
	// UpdateUnit changes a unit's name, agency, time zone and questionnaire
	// version. Stored responses keep the local day they were given; a new
	// questionnaire version starts a new series (summaries report the break).
	UpdateUnit(ctx context.Context, id int64, in UnitChange) (*Unit, error)
	// Services lists a unit's services by name.
	Services(ctx context.Context, unitID int64) ([]Service, error)
	// Service returns a service by id.
	Service(ctx context.Context, id int64) (*Service, error)
	// CreateService adds a service type to a unit.
	CreateService(ctx context.Context, unitID int64, name string) (*Service, error)
	// UpdateService renames a service and sets its active flag; an inactive
	// service is no longer offered to respondents.
	UpdateService(ctx context.Context, id int64, name string, active bool) (*Service, error)
	// Counters lists a unit's counters by name.
	Counters(ctx context.Context, unitID int64) ([]Counter, error)
	// Counter returns a counter by id.
	Counter(ctx context.Context, id int64) (*Counter, error)
	// CreateCounter adds a counter with a fresh unguessable code.
	CreateCounter(ctx context.Context, in NewCounter) (*Counter, error)
	// UpdateCounter renames a counter, sets its fixed service and its active flag.
	UpdateCounter(ctx context.Context, counterID int64, name string, serviceID int64, active bool) (*Counter, error)
	// RegenerateCode gives a counter a new code and retires the old one,
	// so printed posters of the old code stop working.
	RegenerateCode(ctx context.Context, counterID int64) (*Counter, error)
	// SurveyByCode returns the survey behind an active counter code. An unknown,
	// malformed, retired or inactive code gives ErrNotFound; a retired one as a
	// *RetiredCodeError naming its counter.
	SurveyByCode(ctx context.Context, code string) (*Survey, error)
	// Questionnaires lists the stored versions, by key then version.
	Questionnaires() []*Questionnaire
	// Questionnaire returns a stored version by id.
	Questionnaire(id int64) (*Questionnaire, error)
	// QuestionnaireByRef returns a stored version by key and version, or the
	// newest version of key when version is 0.
	QuestionnaireByRef(key string, version int) (*Questionnaire, error)
	// PeriodQuestionnaires returns the questionnaire versions the unit's responses
	// in the period were given on, oldest version first, or the unit's current
	// questionnaire when the period has no response.
	PeriodQuestionnaires(ctx context.Context, u *Unit, p Period) ([]*Questionnaire, error)
	// SyncQuestionnaires stores every given version that the database lacks and
	// loads all stored versions into memory. A stored version whose definition
	// differs from the file is accepted only while no response uses it; once it
	// has responses it is immutable, and the file must bump its version.
	SyncQuestionnaires(ctx context.Context, qs []*Questionnaire) error
	// Populations lists a unit's population figures, newest period first.
	Populations(ctx context.Context, unitID int64) ([]Population, error)
	// PopulationFor returns N for exactly the given period, or 0 when the admin
	// has not set it.
	PopulationFor(ctx context.Context, unitID int64, p Period) (int64, error)
	// SetPopulation records N for a unit's period (replacing an earlier value for
	// the same period); n = 0 removes it. N below the number of responses already
	// stored for the period is refused: a sample cannot outnumber its population.
	// (Responses arriving later can still overtake N; Summarize then ignores N and
	// says so in SampleSize.FPCNote.)
	SetPopulation(ctx context.Context, unitID int64, p Period, n int64) error
	// FollowUps lists a unit's follow-up plan by deadline.
	FollowUps(ctx context.Context, unitID int64) ([]FollowUp, error)
	// SaveFollowUp validates and stores a follow-up of a unit: a new one when
	// in.ID is empty, else an update of the unit's existing one. The item must be
	// one of the unit's questionnaire.
	SaveFollowUp(ctx context.Context, unitID int64, in FollowUpInput) (*FollowUp, error)
	// DeleteFollowUp removes one line of a unit's plan. The plan is the unit's
	// working document, not evidence of responses, so lines may be removed.
	DeleteFollowUp(ctx context.Context, unitID, id int64) error
}

// Submissions stores respondents' responses. Submit returns only after
// the response, its answers and its unit's daily rollup have committed
// together; an acknowledged response is stored exactly once. A retry with
// the same counter and idempotency key returns the first reference with
// dup = true, also when the two arrive at once on different connections or
// nodes. Rollup updates are serialised per unit, so concurrent submissions
// never lose one another's counts. Responses are append-only: Exclude and
// ExcludeCoached record chained exclusion events (who, when, why) and
// never delete or alter a response.
type Submissions interface {
	// Submit stores a validated response through the batching writer and returns
	// its public reference once committed. A response whose idempotency key is
	// already stored for the same counter is not stored again: Submit returns the
	// first one's reference and dup=true. The stored time is never finer than the
	// store's bucket (capped at an hour for longer buckets, whose local alignment
	// Validate computes).
	Submit(ctx context.Context, r *Response) (ref string, dup bool, err error)
	// CountResponses returns how many responses a unit has stored, excluded ones
	// included.
	CountResponses(ctx context.Context, unitID int64) (int64, error)
	// CountPeriodResponses counts the unit's responses whose local day lies in the
	// period: an upper bound on what EachRecord yields as of any chain position.
	CountPeriodResponses(ctx context.Context, unitID int64, p Period) (int64, error)
	// Exclude takes responses of a unit, named by their public references, out of
	// the statistics. In one transaction it records an exclusion per response,
	// appends a chain event for each and rebuilds the unit's rollups for the
	// affected days. Nothing is written when any reference is malformed, unknown,
	// belongs to another unit or is already excluded; the *ValidationError names
	// them.
	Exclude(ctx context.Context, unitID int64, refs []string, reason, actor string) ([]Exclusion, error)
	// ExcludeCoached applies the coaching policy: every response of the unit whose
	// local day lies in the period and whose control answer is ControlCoached,
	// and that is not excluded yet, is excluded with CoachedReason. Running it
	// twice excludes nothing the second time.
	ExcludeCoached(ctx context.Context, unitID int64, p Period, actor string) ([]Exclusion, error)
	// Exclusions lists every exclusion of a unit with the chain seq that records
	// it, oldest first.
	Exclusions(ctx context.Context, unitID int64) ([]Exclusion, error)
}

// RollupReader answers the dashboard from the daily rollups. Summary and
// Daily equal what Summarize computes over every non-excluded response of
// the period (the contract suite checks this against a recomputation from
// the raw rows); a store may cache a result briefly, but never across a
// submission or exclusion it has made itself.
type RollupReader interface {
	// Summary returns the numbers of a unit over a period of its local days,
	// optionally narrowed to a counter or service. It reads the daily rollups
	// (excluded responses are already left out there) in one short read
	// transaction, and is cached for a few seconds: callers must not modify the
	// result. Responses on another questionnaire version than the unit's current
	// one are not mixed in; they are reported in VersionBreaks.
	Summary(ctx context.Context, unitID int64, p Period, f Filter) (*Summary, error)
	// Daily returns the daily series of a unit over a period: every local day with
	// each section's own estimate and its rolling estimate over RollingWindow
	// days, both converted to the 4-point scale. The rolling window reaches back
	// before the period's first day, so the first points of a short period are not
	// built on fewer days. Cached like Summary.
	Daily(ctx context.Context, unitID int64, p Period, f Filter) (*Daily, error)
	// RebuildRollups recomputes every rollup of a unit (of every unit when unitID
	// is 0) from the raw responses. It is idempotent, and runs as a series of
	// short transactions so submissions keep flowing meanwhile.
	RebuildRollups(ctx context.Context, unitID int64) error
}

// RecordSource reads responses and the hash chain as of a chain position,
// for evidence. EachRecord with asOfSeq > 0 yields exactly the responses
// and exclusions committed at or before that entry, whatever is
// submitted meanwhile, so one bundle is one snapshot. Sealing a unit's
// closed buckets is serialised per unit across connections and processes:
// the chain never forks and each sequence number is used once.
type RecordSource interface {
	// EachRecord calls fn for every response of the unit whose local day lies in
	// the period, by local day, then time bucket, then public reference (a random
	// order within a bucket: never the order of arrival). With asOfSeq > 0 it
	// yields only the responses sealed at or before that chain entry, and an
	// exclusion counts only when its entry is at or before it (0: every
	// response and exclusion), so an export can be rebuilt exactly as it was
	// at a past chain position.
	// Records passed to fn are reused: fn must copy what it keeps.
	EachRecord(ctx context.Context, unitID int64, p Period, asOfSeq int64, fn func(*Record) error) error
	// ChainHead returns the last entry of a unit's chain, or ErrNotFound when the
	// chain is empty.
	ChainHead(ctx context.Context, unitID int64) (ChainEntry, error)
	// ChainEntryAt returns the entry of a unit's chain at seq.
	ChainEntryAt(ctx context.Context, unitID, seq int64) (ChainEntry, error)
	// ChainEntries returns the entries of a unit's chain with after < seq <= upTo,
	// in seq order, at most limit of them: the body of a consistency proof between
	// two heads.
	ChainEntries(ctx context.Context, unitID, after, upTo int64, limit int) ([]ChainEntry, error)
	// EachChainEntry calls fn for every entry of a unit's chain in seq order,
	// with the state the stored data give it now (ChainState), and returns the
	// coverage counts; everything is read in one snapshot, so sealing or excluding
	// meanwhile cannot make an intact chain look broken. A v1-head entry refers to
	// data that no longer exist (the v1 chain); its state is the entry's own.
	EachChainEntry(ctx context.Context, unitID int64, fn func(e ChainEntry, now ChainState) error) (ChainCoverage, error)
	// SealUnit seals every unsealed response of a unit, the current bucket's
	// included (a later response of that bucket goes into another segment of it).
	// An export calls it first, so the chain head it certifies commits every
	// response it contains.
	SealUnit(ctx context.Context, unitID int64) (int, error)
	// SealClosed seals, for every unit, the responses of every bucket that
	// has ended. The maintenance loop calls it; it is the one routine owner of
	// sealing. It returns how many responses it sealed.
	SealClosed(ctx context.Context) (int, error)
	// V1Head returns the entry recording where the unit's chain of format v1 ended
	// when the database was upgraded to v2 (Count is the last v1 seq, Root its
	// hash), or ErrNotFound when the unit had no v1 chain.
	V1Head(ctx context.Context, unitID int64) (ChainEntry, error)
	// Bucket returns the time bucket responses are stored in.
	Bucket() time.Duration
	// Now returns the store's clock reading.
	Now() time.Time
}

// Transparency keeps signed checkpoints of each unit's chain head and the
// register of issued evidence bundles.
type Transparency interface {
	// Checkpoints returns a unit's checkpoints after seq since, oldest first,
	// at most limit of them.
	Checkpoints(ctx context.Context, unitID, since int64, limit int) ([]Checkpoint, error)
	// LatestCheckpoint returns a unit's latest checkpoint, or ErrNotFound.
	LatestCheckpoint(ctx context.Context, unitID int64) (Checkpoint, error)
	// LatestCheckpointAtOrBefore returns a unit's latest checkpoint at or before
	// seq, or ErrNotFound.
	LatestCheckpointAtOrBefore(ctx context.Context, unitID, seq int64) (Checkpoint, error)
	// LatestCheckpoints returns every unit's latest checkpoint, by unit.
	LatestCheckpoints(ctx context.Context) ([]Checkpoint, error)
	// PublishCheckpoints records a checkpoint at the chain head of every unit
	// whose chain grew past its latest checkpoint, dated at (the caller passes
	// the scheduled time, e.g. the hour), and returns the new ones. A unit whose
	// head is behind its latest checkpoint (its tail was removed) gets none:
	// that is for a witness to notice, and it is logged here.
	PublishCheckpoints(ctx context.Context, at time.Time) ([]Checkpoint, error)
	// RecordIssuedBundle adds a bundle and its files to the register, in one
	// transaction.
	RecordIssuedBundle(ctx context.Context, b *IssuedBundle) error
	// IssuedFileBySHA256 finds an issued file by its SHA-256 (lowercase hex) and
	// returns the file and its bundle, or ErrNotFound.
	IssuedFileBySHA256(ctx context.Context, sum string) (*IssuedFile, *IssuedBundle, error)
}

// Accounts holds staff users, their sessions and API tokens. Passwords
// are stored as argon2id hashes; session ids and tokens only as digests.
// Authenticate costs the same for unknown, inactive and known users.
type Accounts interface {
	// Authenticate checks a username and password. It answers an unknown user,
	// an inactive one and a wrong password alike (ErrBadCredentials),
	// and runs argon2 in every case (against a dummy hash for an unknown user),
	// so neither the answer nor its timing tells which usernames exist. It keeps
	// no failure count: throttling guesses is the caller's job (the web app slows
	// each username per network), so nobody can lock an owner out.
	Authenticate(ctx context.Context, username, password string) (*User, error)
	// Users lists every user by username, with their unit assignments.
	Users(ctx context.Context) ([]User, error)
	// User returns a user with their unit assignments.
	User(ctx context.Context, id int64) (*User, error)
	// UserByName returns a user by username.
	UserByName(ctx context.Context, username string) (*User, error)
	// CreateUser validates and stores a user with the given unit assignments.
	CreateUser(ctx context.Context, in NewUser) (*User, error)
	// UpdateUser sets a user's role, active flag and unit assignments.
	// A user made inactive is signed out everywhere and their tokens are revoked,
	// so reactivating the user later brings none of them back.
	UpdateUser(ctx context.Context, id int64, role Role, active bool, units []int64) (*User, error)
	// SetPassword sets a user's password without the current one (an admin reset),
	// ends all of the user's sessions and revokes their API tokens: a reset
	// answers a lost or leaked password, and a token made by whoever held it must
	// not outlive it.
	SetPassword(ctx context.Context, userID int64, password string) error
	// ChangePassword sets a new password after checking the current one, and ends
	// every other session of the user (keepSession is the raw id of the session to
	// keep; empty ends all).
	ChangePassword(ctx context.Context, userID int64, current, next, keepSession string) error
	// UnlockSignIn clears the sign-in throttle of a user: the running server
	// forgets the failures recorded before now (persepsi user unlock).
	UnlockSignIn(ctx context.Context, userID int64) error
	// SignInResetAt returns when the sign-in throttle of a username was last
	// cleared (UnlockSignIn, SetPassword), or the zero time: for an unknown
	// username too, which costs the same one indexed read.
	SignInResetAt(ctx context.Context, username string) (time.Time, error)
	// CreateSession starts a session for a user and returns its secret id (to put
	// in a cookie; only its digest is stored) and its expiry.
	CreateSession(ctx context.Context, userID int64) (string, time.Time, error)
	// SessionByID returns the live session with the given secret id and its active
	// user, or ErrNotFound.
	SessionByID(ctx context.Context, raw string) (*Session, error)
	// DeleteSession ends a session (logout), and sweeps expired sessions.
	DeleteSession(ctx context.Context, raw string) error
	// CreateToken issues an API token for a user and returns it in clear, once. It
	// works for lifetime (DefaultTokenLifetime when 0; at most MaxTokenLifetime).
	CreateToken(ctx context.Context, userID int64, name string, lifetime time.Duration) (string, *APIToken, error)
	// Token returns one token by id.
	Token(ctx context.Context, id int64) (*APIToken, error)
	// Tokens lists tokens, newest first: a user's when userID is not 0, else
	// everyone's.
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	// TokenUser returns the active user of a live token (not revoked, not
	// expired), or ErrNotFound, and records the token's use.
	TokenUser(ctx context.Context, raw string) (*User, error)
	// RevokeToken stops a token from working; revoking twice is harmless.
	RevokeToken(ctx context.Context, id int64) error
}

// SettingsStore holds the installation's settings (thresholds, minimum
// group, base URL). A change is seen by every node's next read.
type SettingsStore interface {
	// Settings returns the settings in force: stored values over the defaults.
	Settings(ctx context.Context) (Settings, error)
	// SetSettings validates and stores the settings. Thresholds are matched to
	// the defaults by index and predicate; others are ignored. An empty BaseURL
	// removes the recorded public address.
	SetSettings(ctx context.Context, st Settings) error
	// SetBaseURL records the instance's public address alone (what `serve
	// --base-url` does); "" removes it. Other settings are left as they are.
	SetBaseURL(ctx context.Context, raw string) error
}

// Store is everything the web app needs: the interfaces above, the
// health probe, and the classification of a store's own errors.
type Store interface {
	Catalog
	Submissions
	RollupReader
	RecordSource
	Transparency
	Accounts
	SettingsStore
	// Health reads the file sizes and a few counts (SQLite counts on its smallest
	// index), and probes writing: one row of health_probe is rewritten through
	// the writer connection, the path every submission takes. A failed probe is
	// reported as Writable false, not as an error; an error means the store could
	// not be read. Where several nodes serve one database it is this node's
	// view: its id, whether it runs the maintenance, whether it hears the
	// others' changes.
	Health(ctx context.Context) (Health, error)
	// Maintain seals closed time buckets into the chain and keeps the WAL bounded
	// until ctx ends. Sealing: every interval, the responses of every bucket that
	// has ended are committed as chain segments (SealClosed); this loop is their
	// one routine owner (an export also seals its unit first). WAL: whenever the
	// WAL did not grow during the last interval (the server is quiet), it runs a
	// TRUNCATE checkpoint, which empties the WAL file. Under steady load SQLite's
	// own automatic checkpoints (every 1000 pages) keep recycling the file;
	// this catches the WAL left large after a burst. The checkpoint goes through
	// the single writer connection, so it queues behind submissions instead of
	// fighting them for the lock. One store on a database runs it (a
	// session advisory lock on PostgreSQL); the others try to take over at
	// every interval, so when the owner dies another runs it within one.
	Maintain(ctx context.Context, every time.Duration)
	// PublishEvery publishes checkpoints once at start, then on a fixed schedule
	// until ctx ends: at every whole multiple of every (UTC; every hour by
	// default), dated at that boundary, so the feed's times say nothing finer
	// about when responses came. The start-up checkpoint (dated at the minute the
	// node started, which is no respondent's time) lets a witness and a bundle
	// anchor data loaded before the first boundary, e.g. a demo or an upgrade,
	// instead of waiting up to an interval. Only the store running
	// Maintain's claim publishes.
	PublishEvery(ctx context.Context, every time.Duration)
	// Close drains the batching writer, then closes both pools.
	Close() error
	// Path returns the database file's path.
	Path() string
	// IsUnavailable reports whether err means the store cannot serve now
	// (closed, disk full, server unreachable) rather than a bug: the app
	// answers 503 and asks the client to retry.
	IsUnavailable(err error) bool
}
