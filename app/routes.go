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

	// Console: sign-in, account, dashboards, administration. Every page
	// past login needs a session; every form carries the session's CSRF
	// token.
	k := s.newConsole()
	app.Get("/login", k.loginPage)
	app.Post("/login", maxBody(8<<10), k.login)
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/dashboard", fiber.StatusSeeOther) })
	auth := func(h ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{k.requireLogin, k.checkCSRF}, h...)
	}
	admin := func(h ...fiber.Handler) []fiber.Handler { return auth(append([]fiber.Handler{requireAdmin}, h...)...) }
	app.Post("/logout", auth(k.logout)...)
	app.Get("/account", auth(k.account)...)
	app.Post("/account/password", auth(k.changePassword)...)
	app.Post("/account/tokens", auth(k.createToken)...)
	app.Post("/account/tokens/:id/revoke", auth(k.revokeToken)...)
	app.Get("/dashboard", auth(k.overview)...)
	app.Get("/dashboard/units/:id", auth(k.unitDashboard)...)
	app.Get("/dashboard/units/:id/charts/:name.svg", auth(k.chartSVG)...)
	app.Get("/dashboard/units/:id/tindak-lanjut", auth(k.followUps)...)
	app.Post("/dashboard/units/:id/tindak-lanjut", auth(k.saveFollowUp)...)
	app.Post("/dashboard/units/:id/tindak-lanjut/:fid/hapus", auth(k.deleteFollowUp)...)
	app.Get("/admin", auth(k.adminHome)...)
	app.Get("/admin/units/:id", auth(k.unitAdmin)...)
	app.Post("/admin/units/:id/services", auth(k.createService)...)
	app.Post("/admin/units/:id/counters", auth(k.createCounter)...)
	app.Post("/admin/services/:id", auth(k.updateService)...)
	app.Post("/admin/counters/:id", auth(k.updateCounter)...)
	app.Get("/admin/counters/:id/regenerate", auth(k.confirmRegenerate)...)
	app.Post("/admin/counters/:id/regenerate", auth(k.regenerateCode)...)
	app.Post("/admin/units", admin(k.createUnit)...)
	app.Post("/admin/units/:id", admin(k.updateUnit)...)
	app.Post("/admin/units/:id/population", admin(k.setPopulation)...)
	app.Get("/admin/users", admin(k.users)...)
	app.Post("/admin/users", admin(k.createUser)...)
	app.Post("/admin/users/:id", admin(k.updateUser)...)
	app.Get("/admin/settings", admin(k.settings)...)
	app.Post("/admin/settings", admin(k.saveSettings)...)

	// JSON API: bearer token (or a signed-in browser's session, GET only);
	// 401 without, 403 for a unit that is not the caller's. apiAuth guards
	// every /api/v1 route, those registered below it in other blocks too.
	app.Use("/api/v1", k.apiAuth)
	app.Get("/api/v1/health", k.apiHealth)
	app.Get("/api/v1/units", k.apiUnits)
	app.Get("/api/v1/units/:id/summary", k.apiSummary)
	app.Get("/api/v1/units/:id/daily", k.apiDaily)
	app.Get("/api/v1/units/:id/counters", k.apiGroups("counters"))
	app.Get("/api/v1/units/:id/services", k.apiGroups("services"))

	// Evidence: public verification; the bundle download.
	app.Get("/verify", s.verifyForm)
	s.upload(app, verifyPath, s.cfg.UploadLimit, s.cfg.UploadConcurrency, s.newVerifier().upload)
	app.Get("/verify/kunci-publik.pem", s.verifyPublicKey)
	app.Use("/transparency/", s.newNetworkLimit("transparency:", transparencyPerHour).handler)
	app.Get("/transparency/checkpoints", s.transparencyCheckpoints)
	app.Get("/transparency/consistency", s.transparencyConsistency)
	ev := s.newEvidence()
	app.Get("/api/v1/units/:id/evidence", ev.download)
	app.Get("/dashboard/units/:id/bukti", auth(k.evidenceDownload(ev))...)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
