package app

import (
	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// health answers liveness probes: the process serves requests. It says
// nothing more to the public: the store's counts once showed the live
// response counter, which someone at a counter could match to the person
// just served (apiHealth has the details, for admins).
func (s *Server) health(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// apiHealth answers GET /api/v1/health for admins (token or session): the
// store's sizes, counts and a write probe, and this node's view where
// several serve one database (its id, whether it runs the maintenance,
// whether it hears the other nodes). A store that cannot write is
// "degraded" with 503, so a monitor raises the alarm while reads still
// work. A node that does not hear the others is "degraded" with 200: it
// serves correctly, caching for a second at most until it hears them
// again, so a balancer need not take it out.
func (k *console) apiHealth(c *fiber.Ctx) error {
	if currentUser(c).Role != survey.RoleAdmin {
		return fiber.ErrForbidden
	}
	h, err := k.store.Health(c.UserContext())
	if err != nil {
		return err
	}
	status, problems := "ok", []string{}
	if !h.Writable {
		status, problems = "degraded", append(problems, "writes_failing")
		c.Status(fiber.StatusServiceUnavailable)
	}
	if h.Listener == "disconnected" {
		status, problems = "degraded", append(problems, "not_hearing_other_nodes")
	}
	return c.JSON(fiber.Map{"status": status, "problems": problems, "store": h})
}
