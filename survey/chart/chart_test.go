package chart_test

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/chart"
)

var out = flag.String("out", "", "directory to write the rendered charts to, for looking at them")

// sampleDaily is a 60-day IPAK series with a few small days and a gap.
func sampleDaily() *survey.Daily {
	d := &survey.Daily{Zone: "WIT", Window: 7, SmallN: 10, Indexes: []string{"IPAK"},
		Labels: []string{"IPAK – Indeks Persepsi Anti Korupsi (skala 4)"}, Thresholds: survey.DefaultThresholds()}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		n := int64(5 + i%20)
		m := 3.4 + 0.004*float64(i) + 0.05*float64(i%3)
		e := survey.Estimate{N: n, Index: m, Lo: m - 0.2, Hi: m + 0.2, HasInterval: true, Defined: true}
		r := survey.Estimate{N: n * 7, Index: m - 0.02, Lo: m - 0.1, Hi: m + 0.06, HasInterval: true, Defined: true}
		if i == 30 {
			n, e, r = 0, survey.Estimate{}, survey.Estimate{}
		}
		d.Points = append(d.Points, survey.DayPoint{Day: day.AddDate(0, 0, i).Format(time.DateOnly), N: n,
			Sections: []survey.Estimate{e}, Rolling: []survey.Estimate{r}})
	}
	return d
}

func sampleSection() *survey.SectionSummary {
	sec := &survey.SectionSummary{Index: "IPAK", Label: "IPAK – Indeks Persepsi Anti Korupsi (skala 4)"}
	for i := range 5 {
		m := 3.2 + 0.12*float64(i)
		sec.Weakest = append(sec.Weakest, survey.ItemSummary{Code: fmt.Sprintf("SPAK%d", i+1),
			Est: survey.Estimate{Index: m, Lo: m - 0.1, Hi: m + 0.1, HasInterval: true, Defined: true}})
	}
	return sec
}

func TestChartsRenderSmallSVGAndPNG(t *testing.T) {
	t.Parallel()
	prof := &survey.ProfileSummary{Label: "Pendidikan", Unanswered: 3,
		Options: []survey.OptionCount{{Label: "SMA", Count: 10}, {Label: "S1", Count: 25}}}
	for _, c := range []struct {
		name string
		draw func(chart.Format) ([]byte, error)
	}{
		{"trend", func(f chart.Format) ([]byte, error) { return chart.Trend(sampleDaily(), "IPAK", f) }},
		{"items", func(f chart.Format) ([]byte, error) {
			return chart.Items(sampleSection(), survey.DefaultThresholds(), f)
		}},
		{"profile", func(f chart.Format) ([]byte, error) { return chart.Profile(prof, f) }},
	} {
		svg, err := c.draw(chart.SVG)
		if err != nil {
			t.Fatal(err)
		}
		// Fonts are referenced, not embedded: a chart stays small.
		if len(svg) > 60_000 || !strings.Contains(string(svg), "<svg") {
			t.Errorf("%s: SVG of %d bytes", c.name, len(svg))
		}
		pb, err := c.draw(chart.PNG(144))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(pb)); err != nil {
			t.Errorf("%s: PNG does not decode: %v", c.name, err)
		}
		t.Logf("%s: SVG %d bytes, PNG %d bytes", c.name, len(svg), len(pb))
		phone, err := c.draw(chart.PhoneSVG)
		if err != nil {
			t.Fatal(err)
		}
		if *out != "" {
			_ = os.WriteFile(filepath.Join(*out, c.name+"-phone.svg"), phone, 0o644)
			_ = os.WriteFile(filepath.Join(*out, c.name+".svg"), svg, 0o644)
			_ = os.WriteFile(filepath.Join(*out, c.name+".png"), pb, 0o644)
		}
	}
	if _, err := chart.Trend(sampleDaily(), "IKM", chart.SVG); err == nil {
		t.Error("a series without the index gave a chart")
	}
}

var (
	tickNumber = regexp.MustCompile(`>(-?\d+,\d+)</text>`)
	svgPath    = regexp.MustCompile(`<path d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)(?:L([\d.]+),([\d.]+)L([\d.]+),([\d.]+)Z)?" style="([^"]*)"`)
)

// The trend's y axis stays on the 4-point scale, however close to 4 the
// data and their intervals come (it used to add headroom above 4 for the
// legend), and whatever the format.
func TestTrendAxisStaysOnScale(t *testing.T) {
	t.Parallel()
	d := sampleDaily()
	for i := range d.Points {
		for _, e := range []*survey.Estimate{&d.Points[i].Sections[0], &d.Points[i].Rolling[0]} {
			if e.Defined {
				e.Index, e.Lo, e.Hi = 3.93, 3.85, 4.0
			}
		}
	}
	d.Points[5].Sections[0] = survey.Estimate{N: 12, Index: 1.4, Lo: 1.0, Hi: 1.8, HasInterval: true, Defined: true}
	for _, f := range []chart.Format{chart.SVG, chart.PhoneSVG} {
		svg, err := chart.Trend(d, "IPAK", f)
		if err != nil {
			t.Fatal(err)
		}
		ticks := tickNumber.FindAllStringSubmatch(string(svg), -1)
		if len(ticks) < 2 {
			t.Fatalf("%d tick labels", len(ticks))
		}
		for _, m := range ticks {
			v, _ := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
			if v > 4 || v < 1 {
				t.Errorf("tick %s off the 1–4 scale", m[1])
			}
		}
	}
}

// The longest profile bar ends inside the plotting area, with room to
// spare: it used to end exactly on the frame, where it read as cut off.
func TestProfileLongestBarInsidePlot(t *testing.T) {
	t.Parallel()
	prof := &survey.ProfileSummary{Label: "Pekerjaan", Unanswered: 4,
		Options: []survey.OptionCount{{Label: "PNS", Count: 12}, {Label: "Swasta", Count: 61}, {Label: "Wirausaha", Count: 30}}}
	for _, f := range []chart.Format{chart.SVG, chart.PhoneSVG} {
		svg, err := chart.Profile(prof, f)
		if err != nil {
			t.Fatal(err)
		}
		var axisEnd, barEnd, width float64
		for _, m := range svgPath.FindAllStringSubmatch(string(svg), -1) {
			x0, _ := strconv.ParseFloat(m[1], 64)
			x1, _ := strconv.ParseFloat(m[3], 64)
			switch {
			case strings.Contains(m[9], "fill:#7FA8D6"):
				x2, _ := strconv.ParseFloat(m[5], 64)
				barEnd = max(barEnd, x2)
			case strings.Contains(m[9], "stroke:#000000") && m[2] == m[4]:
				axisEnd = max(axisEnd, x1)
				width = max(width, x1-x0)
			}
		}
		if barEnd == 0 || axisEnd == 0 {
			t.Fatalf("no bars (%v) or no x axis (%v) found", barEnd, axisEnd)
		}
		if gap := axisEnd - barEnd; gap < 0.03*width {
			t.Errorf("longest bar ends at %.1f, the axis at %.1f: %.1f%% to spare, want at least 3%%", barEnd, axisEnd, 100*gap/width)
		}
	}
}
