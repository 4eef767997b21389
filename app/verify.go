package app

import (
	"bytes"
	"io"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey/evidence"
)

// verifyPath is the public page where anyone checks a bundle or CSV; it is
// the one path that accepts uploads larger than BodyLimit (routes.go
// registers it with s.upload, which spools the body to disk).
const verifyPath = "/verify"

// verifyPage is the data of verify.html.
type verifyPage struct {
	Title       string
	PublicKey   string
	Fingerprint string
	LimitMB     int
	// Checked is true once an upload was checked; Result is its verdict.
	Checked  bool
	FileName string
	Result   *evidence.Result
	Error    string
}

func (s *Server) newVerifyPage() verifyPage {
	pub := s.cfg.SigningKey.Public()
	return verifyPage{Title: "Verifikasi bukti", PublicKey: evidence.PublicKeyPEM(pub), Fingerprint: evidence.Fingerprint(pub), LimitMB: s.cfg.UploadLimit >> 20}
}

// verifyForm shows the upload form and the instance's public key.
func (s *Server) verifyForm(c *fiber.Ctx) error {
	return s.render(c, "verify", s.newVerifyPage())
}

// verifyPublicKey serves the public key as PEM, for openssl.
func (s *Server) verifyPublicKey(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="persepsi-kunci-publik.pem"`)
	c.Type("pem")
	return c.SendString(evidence.PublicKeyPEM(s.cfg.SigningKey.Public()))
}

// verifyUpload checks an uploaded bundle or CSV against this server. A bad
// upload is a verdict (shown with status 422), never a server error.
func (s *Server) verifyUpload(c *fiber.Ctx) error {
	p := s.newVerifyPage()
	fh, err := c.FormFile("berkas")
	if err != nil {
		p.Error = "Pilih berkas paket bukti (.zip) atau CSV yang akan diperiksa."
		return s.verifyAnswer(c, p, fiber.StatusUnprocessableEntity)
	}
	p.FileName = fh.Filename
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(s.cfg.UploadLimit)+1))
	if err != nil {
		return err
	}
	if len(b) > s.cfg.UploadLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	res, err := evidence.Verify(c.UserContext(), s.store, s.cfg.SigningKey.Public(), bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	p.Checked, p.Result = true, res
	status := fiber.StatusOK
	if !res.OK() {
		status = fiber.StatusUnprocessableEntity
	}
	return s.verifyAnswer(c, p, status)
}

func (s *Server) verifyAnswer(c *fiber.Ctx, p verifyPage, status int) error {
	c.Status(status)
	if wantsJSON(c) {
		body := fiber.Map{"ok": p.Result != nil && p.Result.OK(), "key_fingerprint": p.Fingerprint}
		switch {
		case p.Error != "":
			body["error"] = p.Error
		case p.Result != nil:
			body["kind"], body["rows"], body["problem"] = p.Result.Kind, p.Result.Rows, p.Result.Problem
			if m := p.Result.Manifest; m != nil {
				body["unit"], body["period"], body["counts"] = m.Unit, m.Period, m.Counts
			}
		}
		return c.JSON(body)
	}
	return s.render(c, "verify", p)
}
