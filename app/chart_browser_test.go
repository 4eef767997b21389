package app

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
	"persepsi/survey/chart"
)

// browserCharts are the dashboard's charts with the longest texts they
// draw (the IPKP trend with both thresholds, the age profile, an item
// chart with its threshold caption), at both sizes, by name, each also
// with its font swapped for a wider one.
func browserCharts(t *testing.T) map[string][]byte {
	t.Helper()
	d := &survey.Daily{Zone: "WITA", Window: 7, SmallN: 10, Indexes: []string{"IPKP"},
		Labels: []string{"IPKP – Indeks Persepsi Kualitas Pelayanan (skala 4)"}, Thresholds: survey.DefaultThresholds()}
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 45 {
		n := int64(4 + i%15)
		m := 3.3 + 0.01*float64(i%9)
		e := survey.Estimate{N: n, Index: m, Lo: m - 0.25, Hi: m + 0.2, HasInterval: true, Defined: true}
		r := survey.Estimate{N: 7 * n, Index: m, Lo: m - 0.1, Hi: m + 0.08, HasInterval: true, Defined: true}
		d.Points = append(d.Points, survey.DayPoint{Day: day.AddDate(0, 0, i).Format(time.DateOnly), N: n,
			Sections: []survey.Estimate{e}, Rolling: []survey.Estimate{r}})
	}
	sec := &survey.SectionSummary{Index: "IPKP", Label: d.Labels[0]}
	for i := range 9 {
		m := 3.1 + 0.08*float64(i)
		sec.Weakest = append(sec.Weakest, survey.ItemSummary{Code: fmt.Sprintf("SPKP%d", i+1),
			Est: survey.Estimate{Index: m, Lo: m - 0.15, Hi: m + 0.12, HasInterval: true, Defined: true}})
	}
	prof := &survey.ProfileSummary{Label: "Usia", Unanswered: 7, Options: []survey.OptionCount{
		{Label: "< 20 tahun", Count: 9}, {Label: "20–29 tahun", Count: 48}, {Label: "30–39 tahun", Count: 61},
		{Label: "40–49 tahun", Count: 33}, {Label: "50 tahun ke atas", Count: 12}}}
	out := map[string][]byte{}
	for suffix, f := range map[string]chart.Format{"": chart.SVG, "-phone": chart.PhoneSVG} {
		for name, draw := range map[string]func() ([]byte, error){
			"trend":   func() ([]byte, error) { return chart.Trend(d, "IPKP", f) },
			"items":   func() ([]byte, error) { return chart.Items(sec, d.Thresholds, f) },
			"profile": func() ([]byte, error) { return chart.Profile(prof, f) },
		} {
			svg, err := draw()
			if err != nil {
				t.Fatal(err)
			}
			out[name+suffix] = svg
			// A browser without DejaVu Sans draws a substitute; DejaVu
			// Serif is wider than the sans-serifs phones and other
			// desktops carry (Roboto, Noto Sans, Arial).
			wide := bytes.ReplaceAll(svg, []byte("font-family:'DejaVu Sans'"), []byte("font-family:'DejaVu Serif'"))
			if bytes.Equal(wide, svg) {
				t.Fatalf("%s: the SVG names no 'DejaVu Sans' font to swap", name+suffix)
			}
			out[name+suffix+"-wide"] = wide
		}
	}
	return out
}

// renderedText is one <text> of an SVG as Chromium draws it, in CSS px
// from the SVG's top left corner.
type renderedText struct {
	S                        string
	Left, Top, Right, Bottom float64
}

// svgView is a chart SVG's size in CSS px and its texts as drawn.
type svgView struct {
	Width, Height float64
	Texts         []renderedText
}

// TestChartTextInsideInBrowser opens each chart SVG in Chromium, which
// draws its text in whatever font it has (DejaVu Sans here, not the
// Liberation Serif the layout used to measure; and DejaVu Serif as a wider
// stand-in for a browser without DejaVu Sans), and checks every label
// lies inside the SVG's viewport and the trend legend's rows do not
// overlap. With the serif layout the phone profile's labels were cut at the
// left, the desktop trend's y caption at the top and the item chart's x
// caption at the right, and the legend rows overlapped.
func TestChartTextInsideInBrowser(t *testing.T) {
	t.Parallel()
	charts := browserCharts(t)
	a := fiber.New()
	a.Get("/:name.svg", func(c *fiber.Ctx) error {
		svg, ok := charts[c.Params("name")]
		if !ok {
			return fiber.ErrNotFound
		}
		c.Type("svg")
		return c.Send(svg)
	})
	base := serveLoopback(t, a)
	bctx := newBrowser(t)
	names := make([]string, 0, len(charts))
	for name := range charts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/"+name+".svg")); err != nil {
			t.Fatal(err)
		}
		view, err := chromedp.Run(bctx, chromedp.Evaluate[svgView](`(() => {
			const root = document.documentElement.getBoundingClientRect();
			return {Width: root.width, Height: root.height, Texts: [...document.querySelectorAll('text')].map(t => {
				const r = t.getBoundingClientRect();
				return {S: t.textContent, Left: r.left - root.left, Top: r.top - root.top, Right: r.right - root.left, Bottom: r.bottom - root.top};
			})};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Texts) < 5 || view.Width < 300 {
			t.Fatalf("%s: %d texts in %.0f×%.0f px", name, len(view.Texts), view.Width, view.Height)
		}
		var legend []renderedText
		for _, x := range view.Texts {
			if x.Left < 0 || x.Top < 0 || x.Right > view.Width || x.Bottom > view.Height {
				t.Errorf("%s: %q drawn at x %.1f–%.1f, y %.1f–%.1f, outside the %.0f×%.0f px chart",
					name, x.S, x.Left, x.Right, x.Top, x.Bottom, view.Width, view.Height)
			}
			if strings.HasPrefix(x.S, "interval") || strings.HasPrefix(x.S, "rata-rata") ||
				strings.HasPrefix(x.S, "harian") || strings.HasPrefix(x.S, "batas") {
				legend = append(legend, x)
			}
		}
		if strings.HasPrefix(name, "trend") {
			if len(legend) != 6 {
				t.Fatalf("%s: %d legend rows, want 6", name, len(legend))
			}
			sort.Slice(legend, func(i, j int) bool { return legend[i].Top < legend[j].Top })
			for i := 1; i < len(legend); i++ {
				if legend[i].Top < legend[i-1].Bottom {
					t.Errorf("%s: legend rows %q (y %.1f–%.1f) and %q (y %.1f–%.1f) overlap", name,
						legend[i-1].S, legend[i-1].Top, legend[i-1].Bottom, legend[i].S, legend[i].Top, legend[i].Bottom)
				}
			}
		}
	}
}
