package chart_test

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
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
		if *out != "" {
			_ = os.WriteFile(filepath.Join(*out, c.name+".svg"), svg, 0o644)
			_ = os.WriteFile(filepath.Join(*out, c.name+".png"), pb, 0o644)
		}
	}
	if _, err := chart.Trend(sampleDaily(), "IKM", chart.SVG); err == nil {
		t.Error("a series without the index gave a chart")
	}
}
