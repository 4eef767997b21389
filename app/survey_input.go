package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// Field names of the respondent form that are not item or profile codes.
// JSON clients send the same names.
const (
	fieldService    = "layanan"
	fieldSuggestion = "saran"
	fieldKey        = "kunci"
	// fieldTrap is the honeypot: hidden from people, tempting to bots.
	fieldTrap = "website"
	// fieldControl names the control answer when the questionnaire has no
	// control question, so a stray answer is still reported under it.
	fieldControl = "KONTROL"
)

// maxFields bounds how many names one body may carry. A questionnaire has a
// few dozen; the bound keeps a 64 KB body of made-up names from turning into
// thousands of problems to list on the page shown again.
const maxFields = 200

// submission is one parsed request body.
type submission struct {
	Input survey.Input
	// Trapped is true when the honeypot was filled: the request is answered
	// as if accepted and nothing is stored.
	Trapped bool
	// JSON is true when the body was JSON (an API or kiosk client).
	JSON bool
}

// errBadBody is a body that cannot be read as the form or as a JSON object.
var errBadBody = fiber.NewError(fiber.StatusBadRequest, "Isi permintaan tidak dapat dibaca. Kirim formulir dari halaman survei, atau JSON berupa satu objek.")

// errMediaType is a body of a type the submission endpoint does not take.
var errMediaType = fiber.NewError(fiber.StatusUnsupportedMediaType, "Kirim sebagai application/x-www-form-urlencoded atau application/json.")

// parseSubmission reads a respondent's answers from a form-encoded or JSON
// body, without judging them: every value stays a string exactly as sent so
// a rejected form can be shown again. Fields are routed by name: the fixed
// names above, the questionnaire's profile codes, and everything else as an
// item answer, so an unknown name is reported by validation rather than
// dropped. It fails with errMediaType, errBadBody or, for JSON values that
// are neither text nor numbers, a *survey.ValidationError.
func parseSubmission(q *survey.Questionnaire, contentType string, body []byte) (submission, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return submission{}, errMediaType
	}
	var sub submission
	switch mt {
	case fiber.MIMEApplicationForm:
		form, err := url.ParseQuery(string(body))
		if err != nil || len(form) > maxFields {
			return submission{}, errBadBody
		}
		fields := make(map[string]string, len(form))
		for name, vs := range form {
			fields[name] = vs[0]
		}
		sub.Input, sub.Trapped = routeFields(q, fields)
		return sub, nil
	case fiber.MIMEApplicationJSON:
		fields, err := decodeJSONObject(body)
		if err != nil {
			return submission{}, err
		}
		sub.JSON = true
		sub.Input, sub.Trapped = routeFields(q, fields)
		return sub, nil
	}
	return submission{}, errMediaType
}

// routeFields builds an Input from named values and reports whether the
// honeypot was filled.
func routeFields(q *survey.Questionnaire, fields map[string]string) (in survey.Input, trapped bool) {
	in = survey.Input{Answers: map[string]string{}, Profile: map[string]string{}}
	control := fieldControl
	if q.Control != nil {
		control = q.Control.Code
	}
	profile := map[string]bool{}
	for _, f := range q.Profile {
		profile[f.Code] = true
	}
	for name, value := range fields {
		switch {
		case name == fieldService:
			in.Service = value
		case name == fieldSuggestion:
			in.Suggestion = value
		case name == fieldKey:
			in.Key = value
		case name == fieldTrap:
			trapped = strings.TrimSpace(value) != ""
		case name == control:
			in.Control = value
		case profile[name]:
			in.Profile[name] = value
		default:
			in.Answers[name] = value
		}
	}
	return in, trapped
}

// decodeJSONObject reads one JSON object whose values are strings, numbers
// or null (null meaning "not answered"). Numbers keep their literal text, so
// 5 and "5" are the same answer and 5.5 is rejected by validation as it
// would be typed in a form.
func decodeJSONObject(body []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil || len(raw) > maxFields {
		return nil, errBadBody
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errBadBody
	}
	out := make(map[string]string, len(raw))
	ve := &survey.ValidationError{}
	for name, v := range raw {
		switch v := v.(type) {
		case nil:
			out[name] = ""
		case string:
			out[name] = v
		case json.Number:
			out[name] = v.String()
		default:
			if ve.Fields == nil {
				ve.Fields = map[string]string{}
			}
			ve.Fields[name] = "Nilai harus berupa teks atau angka."
		}
	}
	if len(ve.Fields) > 0 {
		return nil, ve
	}
	return out, nil
}
