package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
)

// Questionnaire is one immutable version of a questionnaire, as defined in
// data/questionnaires/*.json. Its scale belongs to the version: the same
// items are run on 1–6 by some units and on 1–4 by others.
type Questionnaire struct {
	// ID is the database id, set once the version is stored.
	ID          int64          `json:"-"`
	Key         string         `json:"key"`
	Version     int            `json:"version"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Scale       Scale          `json:"scale"`
	Conversion  string         `json:"conversion"`
	Sections    []Section      `json:"sections"`
	Control     *Control       `json:"control,omitempty"`
	Profile     []ProfileField `json:"profile"`

	// SHA256 is the digest of the definition file, which pins the version.
	SHA256 string `json:"-"`
	raw    []byte
}

// Scale is the answer scale of every scored item in a questionnaire version.
type Scale struct {
	Min    int      `json:"min"`
	Max    int      `json:"max"`
	Labels []string `json:"labels"`
}

// Section is a scored group of items that yields one index (IPKP, IPAK, IKM).
type Section struct {
	Code  string `json:"code"`
	Index string `json:"index"`
	Name  string `json:"name"`
	Intro string `json:"intro"`
	Items []Item `json:"items"`
}

// Item is one scored statement. Labels, when present, replace the scale's
// labels for this item (the SKM questions each have their own answers).
type Item struct {
	Code   string   `json:"code"`
	Name   string   `json:"name,omitempty"`
	Text   string   `json:"text"`
	Help   string   `json:"help"`
	Labels []string `json:"labels,omitempty"`
}

// Control is the unscored control question on coaching ("Ya"/"Tidak").
type Control struct {
	Code    string   `json:"code"`
	Text    string   `json:"text"`
	TextEn  string   `json:"text_en"`
	Options []string `json:"options"`
}

// ProfileField is one respondent profile question of the PermenPANRB 14/2017
// model form. Every profile field is optional: a respondent may decline.
type ProfileField struct {
	Code         string   `json:"code"`
	Label        string   `json:"label"`
	LabelEn      string   `json:"label_en"`
	Options      []string `json:"options"`
	OptionLabels []string `json:"option_labels,omitempty"`
}

// OptionLabel returns the display label of option i.
func (f ProfileField) OptionLabel(i int) string {
	if i < len(f.OptionLabels) {
		return f.OptionLabels[i]
	}
	return f.Options[i]
}

// Allows reports whether v is one of the field's options.
func (f ProfileField) Allows(v string) bool {
	for _, o := range f.Options {
		if o == v {
			return true
		}
	}
	return false
}

// Ref is the human name of a version, e.g. "spkp-spak-6@1".
func (q *Questionnaire) Ref() string { return fmt.Sprintf("%s@%d", q.Key, q.Version) }

// Items returns every scored item in order, across sections.
func (q *Questionnaire) Items() []Item {
	var items []Item
	for _, s := range q.Sections {
		items = append(items, s.Items...)
	}
	return items
}

// ItemLabels returns the answer labels of an item, lowest score first.
func (q *Questionnaire) ItemLabels(it Item) []string {
	if len(it.Labels) > 0 {
		return it.Labels
	}
	return q.Scale.Labels
}

// Section returns the section with the given code (e.g. "SPAK").
func (q *Questionnaire) Section(code string) (Section, bool) {
	for _, s := range q.Sections {
		if s.Code == code {
			return s, true
		}
	}
	return Section{}, false
}

// SectionByIndex returns the section that yields the named index (e.g. "IPAK").
func (q *Questionnaire) SectionByIndex(index string) (Section, bool) {
	for _, s := range q.Sections {
		if s.Index == index {
			return s, true
		}
	}
	return Section{}, false
}

// Raw returns the definition exactly as loaded; it is what the digest covers.
func (q *Questionnaire) Raw() []byte { return q.raw }

// profileCodes are the profile fields a questionnaire may ask: those of the
// PermenPANRB 14/2017 model form, each with its own column.
var profileCodes = map[string]bool{"usia": true, "jenis_kelamin": true, "pendidikan": true, "pekerjaan": true}

var (
	codeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)
	keyRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
)

// ParseQuestionnaire parses and checks one definition.
func ParseQuestionnaire(raw []byte) (*Questionnaire, error) {
	var q Questionnaire
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, fmt.Errorf("survey: questionnaire: %w", err)
	}
	if err := q.check(); err != nil {
		return nil, fmt.Errorf("survey: questionnaire %s: %w", q.Ref(), err)
	}
	sum := sha256.Sum256(raw)
	q.SHA256 = hex.EncodeToString(sum[:])
	q.raw = append([]byte(nil), raw...)
	return &q, nil
}

func (q *Questionnaire) check() error {
	if !keyRE.MatchString(q.Key) {
		return fmt.Errorf("bad key %q", q.Key)
	}
	if q.Version < 1 {
		return fmt.Errorf("version must be ≥ 1")
	}
	if q.Scale.Min != 1 || q.Scale.Max < 2 || q.Scale.Max > 10 {
		return fmt.Errorf("scale must run from 1 to 2..10, got %d..%d", q.Scale.Min, q.Scale.Max)
	}
	if len(q.Scale.Labels) != q.Scale.Max-q.Scale.Min+1 {
		return fmt.Errorf("scale needs %d labels", q.Scale.Max-q.Scale.Min+1)
	}
	if q.Conversion != "proportional" && q.Conversion != "endpoint-linear" {
		return fmt.Errorf("conversion must be proportional or endpoint-linear, got %q", q.Conversion)
	}
	if len(q.Sections) == 0 {
		return fmt.Errorf("no sections")
	}
	seen := map[string]bool{}
	for _, s := range q.Sections {
		if !codeRE.MatchString(s.Code) || len(s.Items) == 0 {
			return fmt.Errorf("section %q needs a code and items", s.Code)
		}
		for _, it := range s.Items {
			if !codeRE.MatchString(it.Code) || seen[it.Code] {
				return fmt.Errorf("item code %q is invalid or repeated", it.Code)
			}
			seen[it.Code] = true
			if it.Text == "" {
				return fmt.Errorf("item %s has no text", it.Code)
			}
			if len(it.Labels) > 0 && len(it.Labels) != len(q.Scale.Labels) {
				return fmt.Errorf("item %s needs %d labels", it.Code, len(q.Scale.Labels))
			}
		}
	}
	if q.Control != nil && (len(q.Control.Options) != 2 || q.Control.Text == "") {
		return fmt.Errorf("control question needs text and two options")
	}
	for _, f := range q.Profile {
		if !profileCodes[f.Code] || seen[f.Code] || len(f.Options) == 0 {
			return fmt.Errorf("profile field %q is invalid or repeated", f.Code)
		}
		seen[f.Code] = true
		if len(f.OptionLabels) > 0 && len(f.OptionLabels) != len(f.Options) {
			return fmt.Errorf("profile field %s: labels and options differ in number", f.Code)
		}
	}
	return nil
}

// LoadQuestionnaires reads every *.json file of dir in fsys, sorted by key
// and version.
func LoadQuestionnaires(fsys fs.FS, dir string) ([]*Questionnaire, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("survey: unable to list questionnaires: %w", err)
	}
	var qs []*Questionnaire
	refs := map[string]bool{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("survey: unable to read %s: %w", name, err)
		}
		q, err := ParseQuestionnaire(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if refs[q.Ref()] {
			return nil, fmt.Errorf("survey: %s: questionnaire %s defined twice", name, q.Ref())
		}
		refs[q.Ref()] = true
		qs = append(qs, q)
	}
	SortQuestionnaires(qs)
	return qs, nil
}

func SortQuestionnaires(qs []*Questionnaire) {
	sort.Slice(qs, func(i, j int) bool {
		if qs[i].Key != qs[j].Key {
			return qs[i].Key < qs[j].Key
		}
		return qs[i].Version < qs[j].Version
	})
}
