package app

import (
	"html/template"
	"io/fs"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/static"
	"persepsi/survey"
)

// posterCSS lays the poster out on one A4 sheet, on paper and on screen.
var posterCSS = func() template.CSS {
	b, err := fs.ReadFile(static.FS, "css/poster.css")
	if err != nil {
		panic("app: poster CSS missing from the binary: " + err.Error())
	}
	return template.CSS(b)
}()

// posterQRSize is sharp at 10 cm when printed at 300 dpi.
const posterQRSize = 1200

type posterView struct {
	respondentPage
	Promise string
	Unit    survey.Unit
	Counter string
	Service string
	QR      string
	URL     string
}

// poster answers GET /s/:code/poster: a printable A4 sheet to put up at the
// counter, with the QR code, the counter's name and the anonymity promise.
// It needs no JavaScript; the browser's print command does the rest.
func (r *respondent) poster(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	sv, err := r.store.SurveyByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	view := posterView{
		respondentPage: respondentPage{Title: "Poster " + sv.Counter.Name + " · " + sv.Unit.Name, CSS: posterCSS},
		Promise:        anonymityPromise,
		Unit:           sv.Unit,
		Counter:        sv.Counter.Name,
		QR:             visit{Code: code}.path("/qr.png") + "?size=" + strconv.Itoa(posterQRSize),
		URL:            r.surveyURL(code),
	}
	if s, ok := sv.FixedService(); ok {
		view.Service = s.Name
	}
	return r.render(c, "poster", view)
}
