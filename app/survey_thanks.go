package app

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// kioskResetSeconds is how long the kiosk shows its thank-you page before
// the blank form returns for the next respondent.
const kioskResetSeconds = 8

type thanksView struct {
	respondentPage
	Promise string
	Unit    survey.Unit
	Next    string // the kiosk's blank form, or "" off the kiosk
	Seconds int
}

// thanks answers GET /s/:code/terima-kasih, where a stored submission lands.
// On a kiosk it returns to a blank form by itself.
func (r *respondent) thanks(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	sv, err := r.store.SurveyByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	v := r.visitOf(c, code)
	view := thanksView{
		respondentPage: respondentPage{Title: "Terima kasih · " + sv.Unit.Name, CSS: respondentCSS},
		Promise:        anonymityPromise,
		Unit:           sv.Unit,
	}
	if v.Kiosk {
		view.Next, view.Seconds = v.path(""), kioskResetSeconds
		view.Refresh = strconv.Itoa(kioskResetSeconds) + ";url=" + view.Next
	}
	noStore(c)
	return r.render(c, "thanks", view)
}
