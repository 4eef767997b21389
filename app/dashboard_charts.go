package app

import (
	"strings"

	"github.com/gofiber/fiber/v2"

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
	format := chart.SVG
	if c.Query("ukuran") == "ponsel" {
		format = chart.PhoneSVG
	}
	var svg []byte
	switch kind {
	case "trend":
		d, err := k.store.Daily(ctx, u.ID, p, f)
		if err != nil {
			return err
		}
		if svg, err = chart.Trend(d, arg, format); err != nil {
			return survey.ErrNotFound
		}
	case "items", "profile":
		sum, err := k.store.Summary(ctx, u.ID, p, f)
		if err != nil {
			return err
		}
		if svg, err = summaryChart(sum, kind, arg, format); err != nil {
			return err
		}
	default:
		return survey.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=60")
	c.Type("svg")
	return c.Send(svg)
}

// summaryChart draws the item chart of a section or the chart of a profile
// field as SVG, at the dashboard's or (?ukuran=ponsel) a phone's size.
func summaryChart(sum *survey.Summary, kind, arg string, f chart.Format) ([]byte, error) {
	if kind == "items" {
		for i := range sum.Sections {
			if sec := &sum.Sections[i]; sec.Code == arg {
				return chart.Items(sec, sum.Thresholds, f)
			}
		}
		return nil, survey.ErrNotFound
	}
	for i := range sum.Profile {
		if ps := &sum.Profile[i]; ps.Code == arg {
			return chart.Profile(ps, f)
		}
	}
	return nil, survey.ErrNotFound
}
