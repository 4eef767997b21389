package survey

import (
	"fmt"
	"sync"
	"time"
)

// TimeZones are the three Indonesian zones a unit can sit in, with the
// abbreviation people read on clocks.
var TimeZones = []struct{ Name, Abbr string }{
	{"Asia/Jakarta", "WIB"},
	{"Asia/Makassar", "WITA"},
	{"Asia/Jayapura", "WIT"},
}

// ZoneAbbr returns WIB, WITA or WIT for a valid zone name, and "" otherwise.
func ZoneAbbr(name string) string {
	for _, z := range TimeZones {
		if z.Name == name {
			return z.Abbr
		}
	}
	return ""
}

// Unit is a service unit (satuan kerja) building a Zona Integritas.
type Unit struct {
	ID              int64
	Name            string
	Agency          string
	TimeZone        string
	QuestionnaireID int64
	CreatedAt       time.Time
}

// Location returns the unit's time zone. Zones are validated on write, so a
// failure here means the binary lacks zone data; UTC+7 is the safe fallback.
func (u *Unit) Location() *time.Location { return ZoneLocation(u.TimeZone) }

// zones caches loaded locations: time.LoadLocation parses zone data on every
// call, and every submission needs its unit's local day.
var zones sync.Map // name → *time.Location

// ZoneLocation returns the *time.Location of an IANA zone name, cached;
// an unknown name gives WIB (UTC+7).
func ZoneLocation(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	zones.Store(name, loc)
	return loc
}

// LocalDay returns the unit's calendar day of t as YYYY-MM-DD.
func (u *Unit) LocalDay(t time.Time) string { return t.In(u.Location()).Format(time.DateOnly) }

// Service is a type of service (jenis layanan) offered by a unit.
type Service struct {
	ID        int64
	UnitID    int64
	Name      string
	Active    bool
	CreatedAt time.Time
}

// Counter is a service counter (loket) with the public code of its QR.
type Counter struct {
	ID        int64
	UnitID    int64
	ServiceID *int64
	Name      string
	Code      string
	Active    bool
	CreatedAt time.Time
}

// Channel is how a response reached the server.
type Channel string

// The channels a response can come through.
const (
	ChannelQR    Channel = "qr"
	ChannelKiosk Channel = "kiosk"
	ChannelAPI   Channel = "api"
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == ChannelQR || c == ChannelKiosk || c == ChannelAPI }

// Response is one stored, validated questionnaire response. It holds nothing
// that identifies the respondent, and no time finer than the store's bucket.
type Response struct {
	// ID is the database's row id. It follows arrival order, so it never
	// leaves the database: Ref is the response's public reference.
	ID int64
	// Ref is a random, unique public reference (NewRef).
	Ref             string
	UnitID          int64
	CounterID       int64
	ServiceID       int64
	QuestionnaireID int64
	// SubmittedAt is the start of the time bucket the response came in.
	SubmittedAt    time.Time
	LocalDay       string
	Channel        Channel
	AgeBand        string
	Sex            string
	Education      string
	Occupation     string
	Control        string
	Suggestion     string
	IdempotencyKey string
	// Salt is the secret prefix of the response's leaf in its chain
	// segment; it never leaves the database.
	Salt    []byte
	Answers []Answer `gorm:"foreignKey:ResponseID"`
}

// Answer is one scored item of a response.
type Answer struct {
	ResponseID int64  `gorm:"primaryKey;autoIncrement:false"`
	ItemCode   string `gorm:"primaryKey"`
	Value      int
}

// Score returns the value of an item, or 0 when the response lacks it.
func (r *Response) Score(code string) int {
	for _, a := range r.Answers {
		if a.ItemCode == code {
			return a.Value
		}
	}
	return 0
}

// Profile returns the profile answer for a profile field code.
func (r *Response) Profile(code string) string {
	switch code {
	case "usia":
		return r.AgeBand
	case "jenis_kelamin":
		return r.Sex
	case "pendidikan":
		return r.Education
	case "pekerjaan":
		return r.Occupation
	}
	return ""
}

// setProfile stores a profile answer under its column.
func (r *Response) setProfile(code, v string) error {
	switch code {
	case "usia":
		r.AgeBand = v
	case "jenis_kelamin":
		r.Sex = v
	case "pendidikan":
		r.Education = v
	case "pekerjaan":
		r.Occupation = v
	default:
		return fmt.Errorf("survey: profile field %q has no column", code)
	}
	return nil
}
