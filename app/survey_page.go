package app

import (
	"html/template"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/static"
	"persepsi/survey"
)

// anonymityPromise is shown on every respondent page and on the poster.
const anonymityPromise = "Survei ini anonim: kami tidak menyimpan nama, nomor telepon, alamat IP, atau data perangkat Anda."

// respondentCSS is inlined into the respondent pages: one request on a slow
// phone instead of two, and the page's size budget covers it.
var respondentCSS = func() template.CSS {
	b, err := fs.ReadFile(static.FS, "css/survey.css")
	if err != nil {
		panic("app: respondent CSS missing from the binary: " + err.Error())
	}
	return template.CSS(b)
}()

// respondent serves the pages a service user sees: the questionnaire, the
// thank-you page, the QR code and the poster. It holds the state those
// handlers share beyond Server: the rate limits and the QR cache.
type respondent struct {
	*Server
	limits *rateLimits
	qr     *qrCache
	blank  *blankForms
}

func (s *Server) newRespondent() *respondent {
	return &respondent{Server: s, limits: s.newRateLimits(), qr: newQRCache(), blank: newBlankForms()}
}

// respondentPage is what the respondent layout needs.
type respondentPage struct {
	Title   string
	CSS     template.CSS
	Refresh string // a <meta refresh> value, for the kiosk's thank-you page
}

// surveyView is the questionnaire page: blank, or shown again with the
// respondent's values and the problems found.
type surveyView struct {
	respondentPage
	Promise    string
	Unit       survey.Unit
	Counter    string
	Service    string // the counter's fixed service, if any
	Services   *fieldView
	Sections   []sectionView
	Control    *fieldView
	Profile    []fieldView
	Suggestion fieldView
	MaxSug     int
	Key        string
	Action     string
	Kiosk      bool
	IdleMS     int64 // kiosk: clear a half-filled form after this long untouched
	Problems   []problem
	// Notice is a message about the whole form (a rate limit), shown
	// above it; the answers stay as they were.
	Notice string
}

type sectionView struct {
	Name, Intro string
	Items       []fieldView
}

// fieldView is one question: a fieldset of radios or a labelled select.
type fieldView struct {
	Name   string // the form field name
	Num    int    // the item's number on the page, 0 for unnumbered fields
	Radios bool   // a fieldset of radios rather than a select or text
	// Required marks a field that must be answered (the service; the
	// scored items are all required and the page says so once).
	Required bool
	Label    string
	Short    string // the label in the error summary
	Help     string
	Err      string
	Value    string
	Options  []choice
}

// ID is the element id to focus for the field: a select or text box, or
// the first radio of a group.
func (f fieldView) ID() string {
	if f.Radios && len(f.Options) > 0 {
		return f.Name + "-" + f.Options[0].Value
	}
	return f.Name
}

type choice struct {
	Value, Label string
	Checked      bool
}

// problem is one line of the error summary, linking to its field.
type problem struct {
	Href, Text string
}

// page answers GET /s/:code: the questionnaire of an active counter.
func (r *respondent) page(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	sv, err := r.store.SurveyByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	if err := sv.Live(); err != nil {
		return err
	}
	v := r.visitOf(c, code)
	r.ensureDeviceCookie(c)
	noStore(c)
	return r.serveBlankForm(c, sv, v)
}

// buildSurveyView lays out the questionnaire with the values in and the
// problems in errs (field name → message), in page order.
func buildSurveyView(sv *survey.Survey, v visit, in survey.Input, errs map[string]string) surveyView {
	q := sv.Questionnaire
	view := surveyView{
		respondentPage: respondentPage{Title: sv.Unit.Name, CSS: respondentCSS},
		Promise:        anonymityPromise,
		Unit:           sv.Unit,
		Counter:        sv.Counter.Name,
		MaxSug:         survey.MaxSuggestion,
		Key:            in.Key,
		Action:         v.path(""),
		Kiosk:          v.Kiosk,
		IdleMS:         v.IdleMS,
	}
	if _, bad := errs[fieldKey]; bad || view.Key == "" {
		view.Key = survey.NewIdempotencyKey()
	}
	shown := map[string]bool{}
	field := func(f fieldView) fieldView {
		f.Err = errs[f.Name]
		shown[f.Name] = true
		if f.Err != "" {
			view.Problems = append(view.Problems, problem{Href: "#" + f.ID(), Text: f.Short + ": " + f.Err})
		}
		return f
	}

	if fixed, ok := sv.FixedService(); ok {
		view.Service = fixed.Name
	} else {
		f := fieldView{Name: fieldService, Label: "Jenis layanan yang Anda terima", Short: "Jenis layanan", Value: in.Service, Required: true}
		for _, s := range sv.Services {
			id := strconv.FormatInt(s.ID, 10)
			f.Options = append(f.Options, choice{Value: id, Label: s.Name, Checked: id == in.Service})
		}
		f = field(f)
		view.Services = &f
	}

	n := 0
	for _, s := range q.Sections {
		sec := sectionView{Name: s.Name, Intro: s.Intro}
		for _, it := range s.Items {
			n++
			f := fieldView{Name: it.Code, Num: n, Radios: true, Label: it.Text, Short: "Pernyataan " + strconv.Itoa(n), Help: it.Help, Value: in.Answers[it.Code]}
			for i, label := range q.ItemLabels(it) {
				val := strconv.Itoa(q.Scale.Min + i)
				f.Options = append(f.Options, choice{Value: val, Label: label, Checked: val == strings.TrimSpace(f.Value)})
			}
			sec.Items = append(sec.Items, field(f))
		}
		view.Sections = append(view.Sections, sec)
	}

	if ctl := q.Control; ctl != nil {
		f := fieldView{Name: ctl.Code, Radios: true, Label: ctl.Text, Short: "Pertanyaan tentang arahan petugas", Value: in.Control}
		for _, o := range ctl.Options {
			f.Options = append(f.Options, choice{Value: o, Label: o, Checked: o == strings.TrimSpace(in.Control)})
		}
		f = field(f)
		view.Control = &f
	}

	for _, p := range q.Profile {
		f := fieldView{Name: p.Code, Label: p.Label, Short: p.Label, Value: in.Profile[p.Code]}
		for i, o := range p.Options {
			f.Options = append(f.Options, choice{Value: o, Label: p.OptionLabel(i), Checked: o == strings.TrimSpace(f.Value)})
		}
		view.Profile = append(view.Profile, field(f))
	}

	view.Suggestion = field(fieldView{Name: fieldSuggestion, Label: "Saran untuk unit layanan ini", Short: "Saran", Value: in.Suggestion})

	// Problems with no field on the page (a stale form key, a name the
	// questionnaire does not have) are listed too, pointing at the form.
	var rest []string
	for name := range errs {
		if !shown[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		view.Problems = append(view.Problems, problem{Href: "#jawaban", Text: name + ": " + errs[name]})
	}
	if len(view.Problems) > 0 {
		view.Title = "Ada isian yang perlu diperbaiki · " + view.Title
	}
	return view
}
