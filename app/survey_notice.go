package app

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// noticeView is a respondent page that explains why there is no
// questionnaire to answer, and what to do instead.
type noticeView struct {
	respondentPage
	Agency, Unit, Counter string
	Heading, Message      string
	Next                  string
}

// respondentNotice turns the errors a respondent can meet at a counter into
// a page that says what happened and what to do: a replaced code (an old
// poster), a counter whose unit is not ready. ok is false for other errors.
func respondentNotice(err error) (status int, v noticeView, ok bool) {
	var retired *survey.RetiredCodeError
	var notLive *survey.NotLiveError
	switch {
	case errors.As(err, &retired):
		return fiber.StatusGone, noticeView{
			respondentPage: respondentPage{Title: "Kode QR sudah diganti", CSS: respondentCSS},
			Agency:         retired.Agency, Unit: retired.Unit, Counter: retired.Counter,
			Heading: "Kode QR ini sudah diganti",
			Message: "Poster survei yang Anda pindai sudah tidak berlaku sejak " + survey.FormatTime(retired.RetiredAt, retired.Zone) + ", karena unit layanan telah membuat kode baru untuk loket ini.",
			Next:    "Silakan pindai kode QR terbaru yang terpasang di loket, atau minta tautan survei kepada petugas. Terima kasih atas kesediaan Anda mengisi survei.",
		}, true
	case errors.As(err, &notLive):
		return fiber.StatusServiceUnavailable, noticeView{
			respondentPage: respondentPage{Title: "Survei belum dibuka", CSS: respondentCSS},
			Agency:         notLive.Agency, Unit: notLive.Unit, Counter: notLive.Counter,
			Heading: "Survei di loket ini belum dibuka",
			Message: "Unit layanan masih menyiapkan survei ini, jadi belum ada pertanyaan yang dapat Anda jawab.",
			Next:    "Mohon maaf atas ketidaknyamanannya. Silakan coba lagi lain waktu, atau sampaikan kepada petugas bahwa survei belum dapat diisi.",
		}, true
	}
	return 0, noticeView{}, false
}

// message is the notice in one line, for JSON clients.
func (v noticeView) message() string {
	return strings.Join([]string{v.Heading + ".", v.Message, v.Next}, " ")
}
