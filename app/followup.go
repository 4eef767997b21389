package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// followUpView is the data of followup.html: the unit's plan, the weakest
// items to choose from, and the form (kept as typed when rejected).
type followUpView struct {
	consolePage
	Unit     *survey.Unit
	Items    []survey.Item
	Plan     []survey.FollowUp
	Statuses []struct{ Code, Label string }
	Form     survey.FollowUpInput
	Errors   map[string]string
	Saved    bool
}

// followUps answers GET /dashboard/units/:id/tindak-lanjut: the unit's
// follow-up plan (rencana tindak lanjut), printed in every report.
func (k *console) followUps(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	form := survey.FollowUpInput{ItemCode: strings.Clone(c.Query("butir"))}
	if fid := c.Query("ubah"); fid != "" {
		plan, err := k.store.FollowUps(c.UserContext(), id)
		if err != nil {
			return err
		}
		for _, f := range plan {
			if strconv.FormatInt(f.ID, 10) == fid {
				form = survey.FollowUpInput{ID: fid, ItemCode: f.ItemCode, Cause: f.Cause, Action: f.Action, Deadline: f.Deadline, Owner: f.Owner, Status: f.Status}
			}
		}
	}
	return k.renderFollowUps(c, id, form, nil)
}

func (k *console) renderFollowUps(c *fiber.Ctx, unitID int64, form survey.FollowUpInput, errs map[string]string) error {
	u, err := k.managedUnit(c, unitID)
	if err != nil {
		return err
	}
	q, err := k.store.Questionnaire(u.QuestionnaireID)
	if err != nil {
		return err
	}
	v := followUpView{consolePage: k.page(c, "Rencana tindak lanjut – "+u.Name, "dashboard"), Unit: u, Items: q.Items(),
		Statuses: survey.FollowUpStatuses, Form: form, Errors: errs, Saved: c.Query("ok") == "1"}
	if v.Plan, err = k.store.FollowUps(c.UserContext(), u.ID); err != nil {
		return err
	}
	if errs != nil {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return k.render(c, "followup", v)
}

// saveFollowUp answers POST /dashboard/units/:id/tindak-lanjut: add a line,
// or change one when the form carries its id.
func (k *console) saveFollowUp(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := k.managedUnit(c, id); err != nil {
		return err
	}
	in := survey.FollowUpInput{ID: strings.Clone(c.FormValue("id")), ItemCode: strings.Clone(c.FormValue("butir")),
		Cause: strings.Clone(c.FormValue("penyebab")), Action: strings.Clone(c.FormValue("tindakan")),
		Deadline: strings.Clone(c.FormValue("tenggat")), Owner: strings.Clone(c.FormValue("penanggung_jawab")), Status: strings.Clone(c.FormValue("status"))}
	if _, err := k.store.SaveFollowUp(c.UserContext(), id, in); err != nil {
		if ve, ok := survey.IsValidation(err); ok {
			return k.renderFollowUps(c, id, in, ve.Fields)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/dashboard/units/%d/tindak-lanjut?ok=1", id), fiber.StatusSeeOther)
}

// deleteFollowUp answers POST /dashboard/units/:id/tindak-lanjut/:fid/hapus.
func (k *console) deleteFollowUp(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	if _, err := k.managedUnit(c, id); err != nil {
		return err
	}
	fid, err := strconv.ParseInt(c.Params("fid"), 10, 64)
	if err != nil {
		return survey.ErrNotFound
	}
	if err := k.store.DeleteFollowUp(c.UserContext(), id, fid); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/dashboard/units/%d/tindak-lanjut?ok=1", id), fiber.StatusSeeOther)
}

// evidenceDownload answers GET /dashboard/units/:id/bukti?from=&to= for a
// signed-in user who may read the unit: the same bundle as the API.
func (k *console) evidenceDownload(ev *evidenceHandlers) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if _, err := k.readableUnit(c); err != nil {
			return err
		}
		return ev.download(c)
	}
}
