package app

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
	"persepsi/survey/evidence"
)

// exports bounds how many evidence bundles are built at once: each reads a
// whole period and writes a PDF and a workbook, so a few suffice.
const exports = 2

// evidenceHandlers serve the evidence bundle download.
type evidenceHandlers struct {
	s    *Server
	slot chan struct{}
}

func (s *Server) newEvidence() *evidenceHandlers {
	return &evidenceHandlers{s: s, slot: make(chan struct{}, exports)}
}

// download streams the evidence bundle of a unit and period
// (?from=YYYY-MM-DD&to=YYYY-MM-DD). The bundle is built into an unlinked
// temporary file first, so a failure sends an error, never half a zip.
func (h *evidenceHandlers) download(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return survey.ErrNotFound
	}
	period := survey.Period{From: strings.Clone(c.Query("from")), To: strings.Clone(c.Query("to"))}
	if err := period.Validate(); err != nil {
		return err
	}
	ctx := c.UserContext()
	select {
	case h.slot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-h.slot }()
	f, err := os.CreateTemp("", "persepsi-bukti-*.zip")
	if err != nil {
		return err
	}
	// Unlinked at once: the open file lives until the response is sent.
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return err
	}
	opt := evidence.Options{BaseURL: h.s.baseURL().String(), Key: h.s.cfg.SigningKey, Now: h.s.now, IssuedBy: issuer(c)}
	if _, err := evidence.WriteBundle(ctx, f, h.s.store, int64(id), period, opt); err != nil {
		_ = f.Close()
		return err
	}
	size, err := f.Seek(0, 1)
	if err == nil {
		_, err = f.Seek(0, 0)
	}
	if err != nil {
		_ = f.Close()
		return errors.Join(err, errors.New("app: unable to rewind the bundle"))
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bukti-unit%d-%s-%s.zip"`, id, period.From, period.To))
	c.Type("zip")
	return sendDownload(c, f, int(size))
}

// issuer names who asked for a bundle, for the register of issued bundles:
// the signed-in user, or the user whose API token was used.
func issuer(c *fiber.Ctx) string {
	if u := currentUser(c); u != nil {
		return "pengguna " + u.Username
	}
	return "(tidak disebut)"
}
