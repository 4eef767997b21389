package app

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey/evidence"
)

// maxFeedPage bounds the checkpoints one feed answer carries.
const maxFeedPage = 1000

// transparencyPerHour bounds the feed and proof requests of one network an
// hour: ten a minute, ample for witnesses polling every few minutes (even
// several behind one office's NAT), while a flood gets 429 with
// Retry-After.
const transparencyPerHour = 600

// errBadFeedQuery answers a malformed feed or proof query.
var errBadFeedQuery = fiber.NewError(fiber.StatusBadRequest, "Parameter unit, since, from dan to harus bilangan bulat tidak negatif.")

// transparencyCheckpoints is the public checkpoint feed: every unit's
// latest signed checkpoint, or with ?unit=ID[&since=SEQ] that unit's
// checkpoints after SEQ, oldest first. Witnesses poll it.
func (s *Server) transparencyCheckpoints(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if c.Query("unit") == "" {
		cps, err := s.store.LatestCheckpoints(ctx)
		if err != nil {
			return err
		}
		return s.sendFeed(c, evidence.NewFeed(s.baseURL().String(), s.cfg.SigningKey, cps))
	}
	q, ok := feedQuery(c, "unit", "since")
	if !ok {
		return errBadFeedQuery
	}
	cps, err := s.store.Checkpoints(ctx, q[0], q[1], maxFeedPage)
	if err != nil {
		return err
	}
	return s.sendFeed(c, evidence.NewFeed(s.baseURL().String(), s.cfg.SigningKey, cps))
}

// transparencyConsistency serves the consistency proof of a unit's chain
// from one seq to a later one (?unit=ID&from=SEQ&to=SEQ): the headers of
// the entries between, at most evidence.MaxProofEntries per answer.
func (s *Server) transparencyConsistency(c *fiber.Ctx) error {
	q, ok := feedQuery(c, "unit", "from", "to")
	if !ok || q[2] < q[1] {
		return errBadFeedQuery
	}
	es, err := s.store.ChainEntries(c.UserContext(), q[0], q[1], q[2], evidence.MaxProofEntries)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(evidence.NewProof(q[0], q[1], q[2], es))
}

func (s *Server) sendFeed(c *fiber.Ctx, f evidence.Feed) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(f)
}

// feedQuery reads non-negative integer query parameters; a missing one is 0.
func feedQuery(c *fiber.Ctx, names ...string) ([]int64, bool) {
	out := make([]int64, len(names))
	for i, n := range names {
		v := c.Query(n)
		if v == "" {
			continue
		}
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil || x < 0 {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}
