package app

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// submit answers POST /s/:code: a respondent's answers, form-encoded from
// the page or as JSON from a kiosk or API client. Valid answers are stored
// once per idempotency key and answered with Post/Redirect/Get to the
// thank-you page (JSON: 201 with the id); invalid ones with 422 and the form
// shown again as typed.
func (r *respondent) submit(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	sv, err := r.store.SurveyByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	if err := sv.Live(); err != nil {
		return err
	}
	v := r.visitOf(c, code)
	sub, err := parseSubmission(sv.Questionnaire, c.Get(fiber.HeaderContentType), c.Request().Body())
	if err != nil {
		return err
	}
	sub.Input.Channel = channelOf(sub, v)
	if sub.Trapped {
		return r.accepted(c, sub, v, survey.NewRef(), false) // a trapped bot sees what a person would
	}
	now := r.now()
	resp, err := sv.Validate(sub.Input, now)
	if ve, ok := survey.IsValidation(err); ok && !sub.JSON {
		noStore(c)
		c.Status(fiber.StatusUnprocessableEntity)
		return r.render(c, "survey", buildSurveyView(sv, v, sub.Input, ve.Fields))
	}
	if err != nil {
		return err
	}
	refund, err := r.limits.admit(c, sv.Counter.ID, v.Trusted, now)
	var limited *rateLimitedError
	if errors.As(err, &limited) && !sub.JSON {
		return r.limitedForm(c, sv, v, sub.Input, limited, now)
	}
	if err != nil {
		return err
	}
	ref, dup, err := r.store.Submit(c.UserContext(), resp)
	if err != nil || dup {
		refund()
	}
	if err != nil {
		return err
	}
	return r.accepted(c, sub, v, ref, dup)
}

// limitedForm answers a submission over a rate limit with the form shown
// again, every answer kept, and the time the respondent may send it.
func (r *respondent) limitedForm(c *fiber.Ctx, sv *survey.Survey, v visit, in survey.Input, limited *rateLimitedError, now time.Time) error {
	view := buildSurveyView(sv, v, in, nil)
	view.Notice = limited.message(now, sv.Unit.TimeZone)
	view.Title = "Jawaban belum terkirim · " + view.Title
	noStore(c)
	c.Status(fiber.StatusTooManyRequests)
	return r.render(c, "survey", view)
}

// channelOf tells how a submission came: JSON is the API (kiosk apps
// included), the kiosk page's form is the kiosk, anything else a phone that
// scanned the QR code.
func channelOf(sub submission, v visit) survey.Channel {
	switch {
	case sub.JSON:
		return survey.ChannelAPI
	case v.Kiosk:
		return survey.ChannelKiosk
	}
	return survey.ChannelQR
}

// accepted answers a stored (or trapped) submission: JSON clients get the
// response's public reference (never the database id, which follows
// arrival order), browsers are sent to the thank-you page so reloading it or going back
// cannot post the answers again.
func (r *respondent) accepted(c *fiber.Ctx, sub submission, v visit, ref string, dup bool) error {
	if sub.JSON {
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"ref": ref, "duplicate": dup})
	}
	return c.Redirect(v.path("/terima-kasih"), fiber.StatusSeeOther)
}
