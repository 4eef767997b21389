// Package chart draws Persepsi's charts with gonum/plot: the daily trend of
// an index with its interval band, rolling mean and threshold lines; item
// means with their intervals; and respondent profile bars. Each returns the
// encoded chart, SVG for the dashboard (no JavaScript needed) or PNG for the
// PDF report, so no caller depends on gonum/plot. SVG output references
// fonts by name rather than embedding them, which keeps a chart to a few
// tens of kilobytes; so text is laid out with a font a browser will draw
// (see handler).
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"persepsi/survey"
	"persepsi/survey/fonts"
)

// Colours: the product's blue, and colours with enough contrast on white.
var (
	blue    = color.RGBA{R: 0x0b, G: 0x5c, B: 0xad, A: 0xff}
	band    = color.NRGBA{R: 0x0b, G: 0x5c, B: 0xad, A: 0x38}
	grey    = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	red     = color.RGBA{R: 0x8a, G: 0x1c, B: 0x1c, A: 0xff}
	amber   = color.RGBA{R: 0x9a, G: 0x5b, B: 0x00, A: 0xff}
	barFill = color.RGBA{R: 0x7f, G: 0xa8, B: 0xd6, A: 0xff}
)

// sans is the face every chart's text is laid out in: DejaVu Sans, which a
// Debian browser draws and which is at least as wide as the sans-serif
// fonts of phones (Roboto, Noto Sans) and of other desktops (Arial,
// Liberation Sans). gonum/plot's default, Liberation Serif, is on few
// machines, and the wider serif a browser draws instead ran past the
// chart's edges.
var sans = font.Font{Typeface: "DejaVu", Variant: "Sans"}

// family is the font list the SVG names, ending in the generic family, so
// a browser without DejaVu Sans picks a sans-serif of similar width.
const family = "'DejaVu Sans', 'Liberation Sans', Arial, Roboto, 'Noto Sans', sans-serif"

// slack is how much wider than sans's metrics say the layout measures each
// line of text: room for a browser's substitute font and its hinting.
const slack = 1.12

// handler lays text out in sans, measuring every line slack times wider
// than the font says; it draws as text.Plain, so an aligned label stays
// placed by its true width and the slack falls outside it.
var handler text.Handler = func() padded {
	face, err := opentype.Parse(fonts.Regular)
	if err != nil {
		panic("chart: embedded font: " + err.Error())
	}
	return padded{text.Plain{Fonts: font.NewCache(font.Collection{{Font: sans, Face: face}})}}
}()

type padded struct{ text.Plain }

func (h padded) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	width, height, depth = h.Plain.Box(txt, fnt)
	return width * slack, height, depth
}

// size is a chart's size in points (1/72 inch).
type size struct{ W, H vg.Length }

// Format is how a chart is encoded: SVG for the dashboard (no JavaScript
// needed, scales to its column), the same at phone size, or PNG at a
// resolution for the PDF.
type Format struct {
	dpi   int // 0: SVG
	phone bool
}

// SVG encodes a chart as SVG, 480 points (640 CSS px) wide.
var SVG = Format{}

// PhoneSVG encodes a chart as SVG for a phone's column: 240 points (320 CSS
// px) wide with text of at least 10 points, so that shown across a 360 px
// screen's column (about 326 px) no text is smaller than 13 px. The
// dashboard's SVG there would shrink 9-point text to 6 px.
var PhoneSVG = Format{phone: true}

// edge is the free strip at a chart's left, top and bottom edges.
const edge = 3

// margin is the free strip at the chart's right edge.
func (f Format) margin() vg.Length {
	if f.phone {
		return 14
	}
	return 8
}

// width is the chart's width; the trend's height follows it.
func (f Format) width() vg.Length {
	if f.phone {
		return 240
	}
	return 480
}

func (f Format) trendSize() size {
	if f.phone {
		return size{W: f.width(), H: 260}
	}
	return size{W: f.width(), H: 280}
}

// PNG encodes a chart as a PNG image at dpi dots per inch.
func PNG(dpi int) Format {
	if dpi <= 0 {
		panic("chart: PNG resolution must be positive")
	}
	return Format{dpi: dpi}
}

// encode draws p at size s in the format.
func (f Format) encode(p *plot.Plot, s size) ([]byte, error) {
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	if f.dpi == 0 {
		c = vgsvg.New(s.W, s.H)
	} else {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(s.W, s.H), vgimg.UseDPI(f.dpi))}
	}
	// A margin on the right: a browser may draw the text in a wider font
	// than the metrics the layout used, and the last tick label sits on the
	// edge. A browser's box of a line of text (the font's ascent and
	// descent) reaches past the glyphs the layout measured, so the other
	// edges keep a strip too.
	p.Draw(draw.Crop(draw.New(c), edge, -f.margin(), edge, -edge))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("chart: encode: %w", err)
	}
	if f.dpi == 0 {
		return bytes.ReplaceAll(b.Bytes(), []byte("font-family:DejaVu Sans;"), []byte("font-family:"+family+";")), nil
	}
	return b.Bytes(), nil
}

// newPlot starts a plot with the format's type sizes: 12/9/10 points at
// the dashboard's and the report's size, 11/10/10 at a phone's.
func newPlot(title string, f Format) *plot.Plot {
	titleSize, tick, label := vg.Points(12), vg.Points(9), vg.Points(10)
	if f.phone {
		titleSize, tick, label = vg.Points(11), vg.Points(10), vg.Points(10)
	}
	p := plot.New()
	p.Title.Text = title
	for _, ts := range []*text.Style{&p.Title.TextStyle, &p.Legend.TextStyle, &p.X.Tick.Label,
		&p.Y.Tick.Label, &p.X.Label.TextStyle, &p.Y.Label.TextStyle} {
		ts.Font, ts.Handler = sans, handler
	}
	p.Title.TextStyle.Font.Size = titleSize
	// Bottom left: the indices pile up towards the top of the scale, and
	// the axes stop at the scale's ends, so the room is below the data.
	p.Legend.Top = false
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = tick
	// Rows as far apart as a browser's line boxes: the font's height
	// alone set them closer than the text a browser draws.
	p.Legend.Padding = tick * 0.35
	p.X.Tick.Label.Font.Size = tick
	p.Y.Tick.Label.Font.Size = tick
	p.X.Label.TextStyle.Font.Size = label
	p.Y.Label.TextStyle.Font.Size = label
	return p
}

// decimalTicks labels an axis with comma decimals, the Indonesian way.
type decimalTicks struct{ decimals int }

func (t decimalTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = survey.FormatDecimal(ticks[i].Value, t.decimals)
		}
	}
	return ticks
}

// Trend draws the daily series of one index (e.g. "IPAK") on the 4-point
// scale: the rolling mean as a line inside its interval band, each day's
// mean as a dot (hollow when the day has fewer than SmallN responses), and
// one dashed line per threshold, encoded in f. It returns an error when the
// series has no such index.
func Trend(d *survey.Daily, index string, f Format) ([]byte, error) {
	si := -1
	for i, x := range d.Indexes {
		if x == index {
			si = i
		}
	}
	if si < 0 {
		return nil, fmt.Errorf("chart: series has no index %q", index)
	}
	title := fmt.Sprintf("%s harian (skala 4), hari lokal %s", index, d.Zone)
	if f.phone {
		title = fmt.Sprintf("%s harian, hari lokal %s", index, d.Zone)
	}
	p := newPlot(title, f)
	// The index's full name (d.Labels) is longer than the axis; the page
	// around the chart names it.
	p.Y.Label.Text = index + " (skala 4)"
	p.Y.Tick.Marker = decimalTicks{2}
	p.X.Tick.Marker = dayTicks(d, f)

	var upper, lower, roll, big, small plotter.XYs
	lo, hi := 4.0, 1.0
	for i, pt := range d.Points {
		x := float64(i)
		if r := pt.Rolling[si]; r.HasInterval {
			upper = append(upper, plotter.XY{X: x, Y: r.Hi})
			lower = append(lower, plotter.XY{X: x, Y: r.Lo})
			lo, hi = math.Min(lo, r.Lo), math.Max(hi, r.Hi)
		}
		if r := pt.Rolling[si]; r.Defined {
			roll = append(roll, plotter.XY{X: x, Y: r.Index})
		}
		if e := pt.Sections[si]; e.Defined {
			xy := plotter.XY{X: x, Y: e.Index}
			lo, hi = math.Min(lo, e.Index), math.Max(hi, e.Index)
			if pt.N < d.SmallN {
				small = append(small, xy)
			} else {
				big = append(big, xy)
			}
		}
	}
	if len(upper) > 1 {
		ring := append(append(plotter.XYs{}, upper...), reverse(lower)...)
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return nil, err
		}
		poly.Color = band
		poly.LineStyle.Width = 0
		p.Add(poly)
		label := "interval 95% rata-rata bergerak"
		if f.phone {
			label = "interval 95%"
		}
		p.Legend.Add(label, poly)
	}
	if len(roll) > 1 {
		l, err := plotter.NewLine(roll)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = blue, vg.Points(2)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("rata-rata %d hari", d.Window), l)
	}
	if len(big) > 0 {
		sc, err := plotter.NewScatter(big)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		p.Legend.Add("harian", sc)
	}
	if len(small) > 0 {
		sc, err := plotter.NewScatter(small)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: grey, Radius: vg.Points(2.5), Shape: draw.RingGlyph{}}
		p.Add(sc)
		p.Legend.Add(fmt.Sprintf("harian, n < %d", d.SmallN), sc)
	}
	for _, th := range d.Thresholds.For(index) {
		lo, hi = math.Min(lo, th.Min), math.Max(hi, th.Min)
		if err := addHLine(p, th, len(d.Points)); err != nil {
			return nil, err
		}
	}
	if hi <= lo {
		lo, hi = 1, 4
	}
	rows := len(d.Thresholds.For(index))
	for _, drawn := range []bool{len(upper) > 1, len(roll) > 1, len(big) > 0, len(small) > 0} {
		if drawn {
			rows++
		}
	}
	p.Y.Min, p.Y.Max = scaleBounds(lo, hi, legendShare(rows, f))
	p.X.Min, p.X.Max = -0.5, float64(len(d.Points))-0.5
	return f.encode(p, f.trendSize())
}

// scaleMin and scaleMax are the ends of the 4-point scale every index is
// drawn on: an axis never runs past them.
const scaleMin, scaleMax = 1.0, 4.0

// scaleBounds returns a y range for data in [lo, hi] inside the 4-point
// scale, leaving the bottom share of the plot free for the legend.
func scaleBounds(lo, hi, share float64) (float64, float64) {
	top := math.Min(scaleMax, math.Ceil((hi+0.05)*10)/10)
	bottom := lo - (top-lo)*share/(1-share)
	return math.Max(scaleMin, math.Floor(bottom*10)/10), top
}

// legendShare is the part of the trend's height its legend of n rows takes.
func legendShare(n int, f Format) float64 {
	row := 0.075 // of the dashboard trend's data area, per row
	if f.phone {
		row = 0.085
	}
	return math.Min(0.6, 0.04+row*float64(n))
}

// addHLine draws a threshold as a dashed horizontal line with its legend.
func addHLine(p *plot.Plot, th survey.Threshold, n int) error {
	l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: th.Min}, {X: float64(n) - 0.5, Y: th.Min}})
	if err != nil {
		return err
	}
	l.Color = red
	if th.Predicate != "WBK" {
		l.Color = amber
	}
	l.Width = vg.Points(1.2)
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(l)
	p.Legend.Add(fmt.Sprintf("batas %s %s", th.Predicate, survey.FormatDecimal(th.Min, 2)), l)
	return nil
}

func reverse(xys plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(xys))
	for i, xy := range xys {
		out[len(xys)-1-i] = xy
	}
	return out
}

// dayTicks labels about eight days along the x axis as "2 Jan", four on a
// phone.
func dayTicks(d *survey.Daily, f Format) plot.Ticker {
	n := len(d.Points)
	labels := 8
	if f.phone {
		labels = 4
	}
	step := max(1, (n+labels-1)/labels)
	var ticks plot.ConstantTicks
	for i := 0; i < n; i += step {
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: survey.FormatDayShort(d.Points[i].Day)})
	}
	return ticks
}

// barHeight is the height one bar of a horizontal bar chart takes.
const barHeight = 22

// barsSize is the size of a horizontal bar chart of n bars: as wide as the
// trend, as high as its bars need (and its axis label's lines).
func (f Format) barsSize(n, labelLines int) size {
	return size{W: f.width(), H: vg.Length(58 + 12*labelLines + barHeight*n)}
}

// Items draws the 4-point mean of each item of a section, weakest at the
// top, with its 95% interval and the section's threshold lines, encoded in f.
func Items(sec *survey.SectionSummary, th survey.Thresholds, f Format) ([]byte, error) {
	p := newPlot(fmt.Sprintf("%s per butir (skala 4)", sec.Index), f)
	p.X.Label.Text = "Nilai (skala 4), dengan interval 95%"
	p.X.Tick.Marker = decimalTicks{1}
	items := sec.Weakest
	n := len(items)
	vals := make(plotter.Values, n)
	errs := make(plotter.XErrors, n)
	xys := make(plotter.XYs, n)
	var names []string
	for i, it := range items {
		row := n - 1 - i // weakest at the top
		vals[row] = it.Est.Index
		xys[row] = plotter.XY{X: it.Est.Index, Y: float64(row)}
		if it.Est.HasInterval {
			errs[row] = struct{ Low, High float64 }{Low: it.Est.Index - it.Est.Lo, High: it.Est.Hi - it.Est.Index}
		}
		names = append(names, it.Code)
	}
	labels := make([]string, n)
	for i, name := range names {
		labels[n-1-i] = name
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(barHeight*0.7))
	if err != nil {
		return nil, err
	}
	bars.Horizontal, bars.Color, bars.LineStyle.Width = true, barFill, 0
	p.Add(bars)
	eb, err := plotter.NewXErrorBars(struct {
		plotter.XYs
		plotter.XErrors
	}{xys, errs})
	if err != nil {
		return nil, err
	}
	eb.LineStyle.Color, eb.LineStyle.Width, eb.CapWidth = grey, vg.Points(1.2), vg.Points(6)
	p.Add(eb)
	p.NominalY(labels...)
	var lines []string
	for _, t := range th.For(sec.Index) {
		l, err := plotter.NewLine(plotter.XYs{{X: t.Min, Y: -0.5}, {X: t.Min, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		l.Color = red
		if t.Predicate != "WBK" {
			l.Color = amber
		}
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		lines = append(lines, fmt.Sprintf("%s %s", t.Predicate, survey.FormatDecimal(t.Min, 2)))
	}
	if len(lines) > 0 {
		// A legend would sit on the bars; the axis label names the lines,
		// on a line of its own on a phone.
		if f.phone {
			p.X.Label.Text = "Nilai (skala 4), interval 95%\ngaris putus-putus: batas\n" + strings.Join(lines, ", ")
		} else {
			p.X.Label.Text += "; garis putus-putus: batas " + strings.Join(lines, ", ")
		}
	}
	p.X.Min, p.X.Max = 0, scaleMax
	return f.encode(p, f.barsSize(n, strings.Count(p.X.Label.Text, "\n")+1))
}

// Profile draws the respondent counts of one profile field, encoded in f.
func Profile(ps *survey.ProfileSummary, f Format) ([]byte, error) {
	p := newPlot("Responden menurut "+lowerFirst(ps.Label), f)
	p.X.Label.Text = "Jumlah responden"
	p.X.Tick.Marker = decimalTicks{0}
	n := len(ps.Options) + 1
	vals := make(plotter.Values, n)
	labels := make([]string, n)
	for i, o := range ps.Options {
		vals[n-1-i] = float64(o.Count)
		labels[n-1-i] = o.Label
	}
	vals[0], labels[0] = float64(ps.Unanswered), "Tidak diisi"
	longest := 1.0
	for _, v := range vals {
		longest = math.Max(longest, v)
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(barHeight*0.7))
	if err != nil {
		return nil, err
	}
	bars.Horizontal, bars.Color, bars.LineStyle.Width = true, barFill, 0
	p.Add(bars)
	p.NominalY(labels...)
	// Room past the longest bar, so its end is never cut by the frame.
	p.X.Min, p.X.Max = 0, longest*1.08
	return f.encode(p, f.barsSize(n, 1))
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'A' && r[0] <= 'Z' {
		r[0] += 'a' - 'A'
	}
	return string(r)
}
