package app

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey/evidence"
)

// verifyPath is the public page where anyone checks a bundle or CSV; it is
// the one path that accepts uploads larger than BodyLimit (routes.go
// registers it with s.upload, which spools the body to disk).
const verifyPath = "/verify"

// VerifyUploadLimit is the default bound of a /verify upload in bytes
// (Config.UploadLimit): about a year of a busy unit's bundle.
const VerifyUploadLimit = 16 << 20

// The public check's bounds beyond the upload route's (Config.UploadLimit
// and UploadConcurrency, body_limit.go): one network may start
// verifyPerHour checks an hour, and a witness record is at most
// maxWitnessUpload bytes.
const (
	verifyPerHour    = 30
	maxWitnessUpload = 4 << 20
)

// verifier serves the public verification page.
type verifier struct {
	s       *Server
	checker *evidence.Checker
	limit   *networkLimit
}

func (s *Server) newVerifier() *verifier {
	return &verifier{s: s, checker: evidence.NewChecker(s.store, s.cfg.SigningKey.Public()),
		limit: s.newNetworkLimit("verify:", verifyPerHour)}
}

// verifyPage is the data of verify.html.
type verifyPage struct {
	Title       string
	PublicKey   string
	Fingerprint string
	LimitMB     int
	// Checked is true once an upload was checked; Result is its verdict.
	Checked  bool
	FileName string
	Witness  bool
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

// upload checks an uploaded bundle, CSV or issued file (and optionally a
// witness record) against this server. The body arrives spooled to disk
// under the upload route's concurrency bound (503 with Retry-After past
// it). A bad upload is a verdict (422), never a server error; past the
// network's hourly checks it answers 429 with Retry-After.
func (v *verifier) upload(c *fiber.Ctx) error {
	p := v.s.newVerifyPage()
	if v.limit.admit(c) != nil {
		p.Error = "Terlalu banyak pemeriksaan dari jaringan ini dalam satu jam. Silakan coba lagi nanti."
		return v.s.verifyAnswer(c, p, fiber.StatusTooManyRequests)
	}
	up, err := receiveUpload(c, int64(v.s.cfg.UploadLimit))
	if errors.Is(err, errTooLarge) {
		return errBodyTooLarge(c)
	}
	if err != nil {
		return err
	}
	defer up.close()
	p.FileName, p.Witness = up.name, up.witness != nil
	if up.problem != "" {
		p.Error = up.problem
		return v.s.verifyAnswer(c, p, fiber.StatusUnprocessableEntity)
	}
	res, err := v.checker.Verify(c.UserContext(), up.file, up.size, up.witness)
	if err != nil {
		return err
	}
	p.Checked, p.Result = true, res
	status := fiber.StatusOK
	if !res.OK() {
		status = fiber.StatusUnprocessableEntity
	}
	return v.s.verifyAnswer(c, p, status)
}

// errTooLarge stops an upload past its limit.
var errTooLarge = errors.New("app: upload past its limit")

// received is an upload streamed to an unlinked temporary file.
type received struct {
	file    *os.File
	size    int64
	name    string
	witness *evidence.WitnessRecord
	problem string
}

func (r *received) close() {
	if r.file != nil {
		_ = r.file.Close()
	}
}

// receiveUpload reads the multipart body (the spooled file) as a stream:
// the "berkas" part goes to a temporary file (unlinked at once) and stops
// one byte past limit; the optional "saksi" part is a witness record.
// Nothing but the current read buffer is held in memory.
func receiveUpload(c *fiber.Ctx, limit int64) (*received, error) {
	r := &received{}
	boundary := string(c.Request().Header.MultipartFormBoundary())
	if boundary == "" {
		r.problem = "Kirim berkas melalui formulir unggah (multipart/form-data)."
		return r, nil
	}
	var body io.Reader = c.Context().RequestBodyStream()
	if body == nil {
		body = bytes.NewReader(c.Body())
	}
	mr := multipart.NewReader(body, boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			r.close()
			return &received{problem: "Unggahan tidak utuh; kirim kembali berkasnya."}, nil
		}
		if err := r.take(part, limit); err != nil {
			r.close()
			return nil, err
		}
	}
	if r.file == nil && r.problem == "" {
		r.problem = "Pilih berkas paket bukti (.zip), CSV atau laporan PDF yang akan diperiksa."
	}
	return r, nil
}

// take reads one part of the upload.
func (r *received) take(part *multipart.Part, limit int64) error {
	defer part.Close()
	switch part.FormName() {
	case "berkas":
		if r.file != nil || part.FileName() == "" {
			break
		}
		f, err := os.CreateTemp("", "persepsi-verify-*")
		if err != nil {
			return err
		}
		if err := os.Remove(f.Name()); err != nil {
			_ = f.Close()
			return err
		}
		r.file, r.name = f, part.FileName()
		n, err := io.Copy(f, io.LimitReader(part, limit+1))
		if err != nil {
			r.problem = "Unggahan tidak utuh; kirim kembali berkasnya."
			return nil
		}
		if n > limit {
			return errTooLarge
		}
		r.size = n
		if n == 0 {
			r.problem = "Berkas yang diunggah kosong."
		}
	case "saksi":
		b, err := io.ReadAll(io.LimitReader(part, maxWitnessUpload+1))
		if err != nil || len(b) == 0 {
			break
		}
		if len(b) > maxWitnessUpload {
			r.problem = "Berkas catatan saksi terlalu besar."
			break
		}
		if r.witness, err = evidence.ParseWitnessRecord(b); err != nil {
			r.problem = "Berkas catatan saksi tidak dapat dibaca: " + err.Error() + "."
		}
	}
	_, err := io.Copy(io.Discard, io.LimitReader(part, 1<<20))
	return err
}

func (s *Server) verifyAnswer(c *fiber.Ctx, p verifyPage, status int) error {
	c.Status(status)
	if wantsJSON(c) {
		return c.JSON(verifyJSON(p))
	}
	return s.render(c, "verify", p)
}

// verifyJSON is the JSON verdict: what the page shows, never more.
func verifyJSON(p verifyPage) fiber.Map {
	body := fiber.Map{"ok": p.Result != nil && p.Result.OK(), "key_fingerprint": p.Fingerprint}
	switch {
	case p.Error != "":
		body["error"] = p.Error
	case p.Result != nil:
		r := p.Result
		body["kind"], body["problem"], body["notes"] = r.Kind, r.Problem, r.Notes
		if r.Kind != "file" {
			body["rows"] = r.Rows
		}
		if r.Format != "" {
			body["format"] = r.Format
		}
		if len(r.Lines) > 0 {
			body["lines"] = r.Lines
		}
		if m := r.Manifest; m != nil {
			body["unit"], body["period"], body["counts"] = m.Unit, m.Period, m.Counts
		}
		if b := r.Issued; b != nil {
			body["issued"] = fiber.Map{"file": r.IssuedFile, "unit": b.UnitID, "from": b.PeriodFrom, "to": b.PeriodTo, "at": b.IssuedAt.UTC().Format(time.RFC3339)}
		}
	}
	return body
}
