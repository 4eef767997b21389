package survey

import (
	"encoding/binary"
	"errors"
	"fmt"
	"persepsi/stats"
	"sort"
)

// rollup is the statistics of a set of responses to one questionnaire
// version: everything a summary needs, mergeable exactly.
type Rollup struct {
	Q        *Questionnaire
	N        int64
	sections []*stats.Accumulator // per q.Sections
	hist     [][]int64            // per item of q.Items(), per score from Scale.Min
	control  [2]int64             // answers per q.Control.Options
	profile  [][]int64            // per q.Profile field, per option
}

func NewRollup(q *Questionnaire) *Rollup {
	r := &Rollup{Q: q}
	for _, s := range q.Sections {
		r.sections = append(r.sections, stats.NewAccumulator(len(s.Items)))
		for range s.Items {
			r.hist = append(r.hist, make([]int64, q.Scale.Max-q.Scale.Min+1))
		}
	}
	for _, f := range q.Profile {
		r.profile = append(r.profile, make([]int64, len(f.Options)))
	}
	return r
}

// add accumulates one response. A section is added only when every one of
// its items has a score in range (the writer stores only complete ones).
func (r *Rollup) Add(resp *Response) {
	r.N++
	q := r.Q
	scores := make([]int, 0, 16)
	item := 0
	for si, s := range q.Sections {
		scores = scores[:0]
		for _, it := range s.Items {
			v := resp.Score(it.Code)
			if v >= q.Scale.Min && v <= q.Scale.Max {
				r.hist[item][v-q.Scale.Min]++
				scores = append(scores, v)
			}
			item++
		}
		if len(scores) == len(s.Items) {
			r.sections[si].Add(scores)
		}
	}
	if c := q.Control; c != nil {
		for i, o := range c.Options {
			if resp.Control == o {
				r.control[i]++
			}
		}
	}
	for fi, f := range q.Profile {
		v := resp.Profile(f.Code)
		for oi, o := range f.Options {
			if v == o {
				r.profile[fi][oi]++
			}
		}
	}
}

// merge adds o (of the same questionnaire version) to r.
func (r *Rollup) Merge(o *Rollup) {
	r.N += o.N
	for i := range r.sections {
		r.sections[i].Merge(o.sections[i])
	}
	for i := range r.hist {
		for j := range r.hist[i] {
			r.hist[i][j] += o.hist[i][j]
		}
	}
	r.control[0] += o.control[0]
	r.control[1] += o.control[1]
	for i := range r.profile {
		for j := range r.profile[i] {
			r.profile[i][j] += o.profile[i][j]
		}
	}
}

// GroupKey is one counter and service pair: the finest group a summary
// breaks responses down by.
type GroupKey struct {
	CounterID, ServiceID int64
}

// Rollups gathers what Summarize needs from one unit's responses over a
// period, per counter and service pair: the statistics of the responses
// counted, the number and control answers of excluded ones, the latest
// suggestions, and a tally of responses on other questionnaire versions. The
// store fills it from its daily rollups; an exporter fills it with Add and
// AddExcluded from its own snapshot of records, so both compute with the
// same code. A Rollups is not safe for concurrent use.
type Rollups struct {
	q      *Questionnaire
	pairs  map[GroupKey]*pairStats
	others map[int64]map[GroupKey]*versionTally
}

// pairStats is one pair's share of a Rollups.
type pairStats struct {
	counted     *Rollup
	excluded    int64
	exclControl [2]int64 // control answers of excluded responses, per q.Control.Options
	suggestions []Suggestion
}

// versionTally counts one pair's responses on another questionnaire
// version.
type versionTally struct {
	counted, excluded int64
	from, to          string
}

// NewRollups returns an empty Rollups for responses to questionnaire q, the
// version summarised.
func NewRollups(q *Questionnaire) *Rollups {
	return &Rollups{q: q, pairs: map[GroupKey]*pairStats{}, others: map[int64]map[GroupKey]*versionTally{}}
}

// Questionnaire returns the version the Rollups summarises.
func (rs *Rollups) Questionnaire() *Questionnaire { return rs.q }

func (rs *Rollups) Pair(k GroupKey) *pairStats {
	p, ok := rs.pairs[k]
	if !ok {
		p = &pairStats{counted: NewRollup(rs.q)}
		rs.pairs[k] = p
	}
	return p
}

func (rs *Rollups) tally(qid int64, k GroupKey, day string) *versionTally {
	m, ok := rs.others[qid]
	if !ok {
		m = map[GroupKey]*versionTally{}
		rs.others[qid] = m
	}
	t, ok := m[k]
	if !ok {
		t = &versionTally{from: day, to: day}
		m[k] = t
	}
	t.from, t.to = min(t.from, day), max(t.to, day)
	return t
}

// Add counts one response that is not excluded. A response on another
// questionnaire version is only tallied, never mixed in.
func (rs *Rollups) Add(resp *Response) {
	k := GroupKey{resp.CounterID, resp.ServiceID}
	if resp.QuestionnaireID != rs.q.ID {
		rs.tally(resp.QuestionnaireID, k, resp.LocalDay).counted++
		return
	}
	p := rs.Pair(k)
	p.counted.Add(resp)
	if resp.Suggestion != "" {
		p.AddSuggestion(Suggestion{LocalDay: resp.LocalDay, ServiceID: resp.ServiceID, Text: resp.Suggestion})
	}
}

// AddExcluded counts one excluded response: it is left out of every
// statistic but the coached share, which is an indicator of the whole
// collection.
func (rs *Rollups) AddExcluded(resp *Response) {
	rs.AddExcludedCount(GroupKey{resp.CounterID, resp.ServiceID}, resp.QuestionnaireID, resp.LocalDay, resp.Control, 1)
}

// AddExcludedCount counts n excluded responses of pair k, version qid,
// day and control answer (a stored tally's row).
func (rs *Rollups) AddExcludedCount(k GroupKey, qid int64, day, control string, n int64) {
	if qid != rs.q.ID {
		rs.tally(qid, k, day).excluded += n
		return
	}
	p := rs.Pair(k)
	p.excluded += n
	if c := rs.q.Control; c != nil {
		for i, o := range c.Options {
			if control == o {
				p.exclControl[i] += n
			}
		}
	}
}

// AddRow merges one stored daily rollup of pair k; r is nil for a row of
// another questionnaire version, which is only tallied.
func (rs *Rollups) AddRow(k GroupKey, qid int64, day string, n int64, r *Rollup) {
	if qid != rs.q.ID {
		rs.tally(qid, k, day).counted += n
		return
	}
	rs.Pair(k).counted.Merge(r)
}

// addSuggestion keeps the pair's MaxSuggestions latest suggestions in
// suggestionOrder.
func (p *pairStats) AddSuggestion(s Suggestion) {
	i := sort.Search(len(p.suggestions), func(i int) bool { return suggestionBefore(s, p.suggestions[i]) })
	if i >= MaxSuggestions {
		return
	}
	p.suggestions = append(p.suggestions, Suggestion{})
	copy(p.suggestions[i+1:], p.suggestions[i:])
	p.suggestions[i] = s
	if len(p.suggestions) > MaxSuggestions {
		p.suggestions = p.suggestions[:MaxSuggestions]
	}
}

// suggestionBefore orders suggestions latest local day first, then by text:
// nothing in the order says which of a day's suggestions came first.
func suggestionBefore(a, b Suggestion) bool {
	if a.LocalDay != b.LocalDay {
		return a.LocalDay > b.LocalDay
	}
	if a.Text != b.Text {
		return a.Text < b.Text
	}
	return a.ServiceID < b.ServiceID
}

// rollupVersion is the first byte of every payload. The encoding is:
// version, n, then per section the length-prefixed stats.Accumulator
// encoding, then every histogram count, the two control counts and every
// profile option count, all as unsigned varints. The shape (how many
// sections, items, scores, options) comes from the questionnaire version,
// which never changes once it has responses.
const rollupVersion = 1

var errRollupCorrupt = errors.New("survey: corrupt rollup payload")

func (r *Rollup) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, rollupVersion)
	b = binary.AppendUvarint(b, uint64(r.N))
	for _, a := range r.sections {
		enc, err := a.MarshalBinary()
		if err != nil {
			return nil, err
		}
		b = binary.AppendUvarint(b, uint64(len(enc)))
		b = append(b, enc...)
	}
	for _, h := range r.hist {
		for _, c := range h {
			b = binary.AppendUvarint(b, uint64(c))
		}
	}
	b = binary.AppendUvarint(b, uint64(r.control[0]))
	b = binary.AppendUvarint(b, uint64(r.control[1]))
	for _, p := range r.profile {
		for _, c := range p {
			b = binary.AppendUvarint(b, uint64(c))
		}
	}
	return b, nil
}

// decode replaces r's statistics with those of payload p, reusing r's
// memory: a summary decodes a year of rows through one scratch rollup.
func (r *Rollup) Decode(p []byte) error {
	if len(p) == 0 || p[0] != rollupVersion {
		return errRollupCorrupt
	}
	p = p[1:]
	next := func() (int64, error) {
		v, n := binary.Uvarint(p)
		if n <= 0 || v > 1<<62 {
			return 0, errRollupCorrupt
		}
		p = p[n:]
		return int64(v), nil
	}
	var err error
	if r.N, err = next(); err != nil {
		return err
	}
	for _, a := range r.sections {
		l, err := next()
		if err != nil || l > int64(len(p)) {
			return errRollupCorrupt
		}
		if err := a.UnmarshalBinary(p[:l]); err != nil {
			return fmt.Errorf("%w: %w", errRollupCorrupt, err)
		}
		p = p[l:]
	}
	for i := range r.hist {
		for j := range r.hist[i] {
			if r.hist[i][j], err = next(); err != nil {
				return err
			}
		}
	}
	for i := range r.control {
		if r.control[i], err = next(); err != nil {
			return err
		}
	}
	for i := range r.profile {
		for j := range r.profile[i] {
			if r.profile[i][j], err = next(); err != nil {
				return err
			}
		}
	}
	if len(p) != 0 {
		return errRollupCorrupt
	}
	return nil
}
