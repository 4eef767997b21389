package app

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"gonum.org/v1/plot"

	"persepsi/survey"
	"persepsi/survey/chart"
)

// chartSVG answers GET /dashboard/units/:id/charts/:name.svg for the same
// period and filter as the page: trend-IPAK, items-SPAK, profile-pendidikan.
// Charts are images, so they show with JavaScript off; each is described in
// text on the page as well.
func (k *console) chartSVG(c *fiber.Ctx) error {
	u, err := k.readableUnit(c)
	if err != nil {
		return err
	}
	p, _, err := k.periodOf(c, u)
	if err != nil {
		return err
	}
	f := filterOf(c)
	kind, arg, _ := strings.Cut(c.Params("name"), "-")
	ctx := c.UserContext()
	var pl *plot.Plot
	size := chart.TrendSize
	switch kind {
	case "trend":
		d, err := k.store.Daily(ctx, u.ID, p, f)
		if err != nil {
			return err
		}
		if pl, err = chart.Trend(d, arg); err != nil {
			return survey.ErrNotFound
		}
	case "items", "profile":
		sum, err := k.store.Summary(ctx, u.ID, p, f)
		if err != nil {
			return err
		}
		if pl, size, err = summaryChart(sum, kind, arg); err != nil {
			return err
		}
	default:
		return survey.ErrNotFound
	}
	svg, err := chart.SVG(pl, size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=60")
	c.Type("svg")
	return c.Send(svg)
}

// summaryChart draws the item chart of a section or the chart of a profile
// field.
func summaryChart(sum *survey.Summary, kind, arg string) (*plot.Plot, chart.Size, error) {
	if kind == "items" {
		for i := range sum.Sections {
			if sec := &sum.Sections[i]; sec.Code == arg {
				pl, err := chart.Items(sec, sum.Thresholds)
				return pl, chart.BarsSize(len(sec.Items)), err
			}
		}
		return nil, chart.Size{}, survey.ErrNotFound
	}
	for i := range sum.Profile {
		if ps := &sum.Profile[i]; ps.Code == arg {
			pl, err := chart.Profile(ps)
			return pl, chart.BarsSize(len(ps.Options) + 1), err
		}
	}
	return nil, chart.Size{}, survey.ErrNotFound
}
