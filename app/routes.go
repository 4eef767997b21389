package app

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"persepsi/static"
)

// routes is the route table: every path the application answers, in one
// place.
func (s *Server) routes(app *fiber.App) {
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.FS), MaxAge: 86400}))
	app.Get("/healthz", s.health)

	// Respondent pages: public, one counter code each.
	rs := s.newRespondent()
	app.Get("/s/:code", rs.page)
	app.Post("/s/:code", rs.submit)
	app.Get("/s/:code/terima-kasih", rs.thanks)
	app.Get("/s/:code/qr.png", rs.qrPNG)
	app.Get("/s/:code/poster", rs.poster)

	// Evidence: public verification; the bundle download.
	app.Get("/verify", s.verifyForm)
	app.Post("/verify", s.verifyUpload)
	app.Get("/verify/kunci-publik.pem", s.verifyPublicKey)
	ev := s.newEvidence()
	app.Get("/api/v1/units/:id/evidence", ev.download)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// health answers liveness probes.
func (s *Server) health(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}
