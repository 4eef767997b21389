package cli

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// demoSuggestions are typical free-text suggestions: complaints from the
// unhappy, thanks from the happy.
var demoSuggestions = struct{ unhappy, happy []string }{
	unhappy: []string{
		"Antrean pagi terlalu panjang, mohon tambah petugas di jam sibuk.",
		"Waktu penyelesaian tidak sesuai yang dijanjikan, saya harus datang dua kali.",
		"Informasi persyaratan di situs web belum lengkap dan berbeda dengan di loket.",
		"Ruang tunggu panas, mohon perbaiki pendingin ruangan.",
		"Nomor pengaduan tidak bisa dihubungi, pesan WhatsApp tidak dibalas.",
		"Papan informasi tarif sulit dibaca dari ruang tunggu.",
		"Sistem antrean daring sering gangguan.",
		"Petugas istirahat siang bersamaan sehingga loket kosong.",
	},
	happy: []string{
		"Petugas ramah dan cepat, terima kasih.",
		"Pelayanan sudah baik, pertahankan.",
		"Alurnya jelas, saya dibantu sampai selesai.",
		"Mohon sediakan layanan daring agar tidak perlu datang.",
		"Tempat parkir perlu diperluas.",
	},
}

// demoItemShift moves an item's mean (in shares of the scale) so items
// differ as they do in real data: processing time (SPKP4) and the
// complaint channel (SPKP8) weak, information and staff strong, and among
// the SPAK items illegal levies (SPAK4) a little lower than the rest.
var demoItemShift = map[string]float64{
	"SPKP1": 0.04, "SPKP2": 0.02, "SPKP3": 0.01, "SPKP4": -0.17, "SPKP5": 0.03,
	"SPKP6": -0.04, "SPKP7": 0.05, "SPKP8": -0.12,
	"SPAK1": 0.02, "SPAK2": 0.0, "SPAK3": 0.01, "SPAK4": -0.06, "SPAK5": 0.02,
}

// demoProfile weighs each profile option as a service office sees it:
// mostly working-age adults, SMA and S1 graduates, private employees and
// entrepreneurs. A field or option not listed is drawn evenly.
var demoProfile = map[string]map[string]float64{
	"usia":          {"< 20 tahun": 3, "20–29 tahun": 24, "30–39 tahun": 31, "40–49 tahun": 23, "50–59 tahun": 13, "≥ 60 tahun": 6},
	"jenis_kelamin": {"L": 54, "P": 46},
	"pendidikan":    {"SD": 6, "SMP": 10, "SMA": 41, "D1-D3": 12, "S1": 27, "S2": 3.5, "S3": 0.5},
	"pekerjaan":     {"PNS": 9, "TNI": 1.5, "POLRI": 1.5, "Swasta": 38, "Wirausaha": 33, "Lainnya": 17},
}

// demoWeekday is each day's share of a normal day's visitors: Monday
// busiest, Friday short (Friday prayers), Saturday a half day, Sunday shut.
var demoWeekday = [7]float64{time.Sunday: 0, time.Monday: 1.35, time.Tuesday: 1.1, time.Wednesday: 1.0, time.Thursday: 0.95, time.Friday: 0.7, time.Saturday: 0.3}

// demoHour is the weight of each opening hour (08–15): a morning peak and
// a dip over lunch.
var demoHour = [...]float64{8: 0.7, 9: 1.4, 10: 1.5, 11: 1.2, 12: 0.5, 13: 0.9, 14: 0.8, 15: 0.4}

// runDemo creates a demo unit with services and counters and fills it with
// synthetic responses through the same validation and writer as real ones.
func runDemo(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "demo")
	days := fs.Int("days", 90, "jumlah hari respons, berakhir hari ini")
	perDay := fs.Int("per-day", 40, "rata-rata respons per hari")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same answers")
	tz := fs.String("tz", "Asia/Jakarta", "zona waktu unit demo")
	baseFlag := baseURLFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *days < 1 || *days > 3660 || *perDay < 1 || *perDay > 100000 {
		return usageError("--days harus 1..3660 dan --per-day 1..100000")
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		base, err := publicBaseURL(ctx, env, s, *baseFlag)
		if err != nil {
			return err
		}
		u, err := s.CreateUnit(ctx, survey.NewUnit{Name: "Mal Pelayanan Publik (Demo)", Agency: "Pemerintah Kota Contoh", TimeZone: *tz})
		if err != nil {
			return err
		}
		var svcs []*survey.Service
		for _, n := range []string{"Perizinan Berusaha", "Administrasi Kependudukan", "Pengaduan"} {
			sv, err := s.CreateService(ctx, u.ID, n)
			if err != nil {
				return err
			}
			svcs = append(svcs, sv)
		}
		var surveys []*survey.Survey
		for i, n := range []string{"Loket 1", "Loket 2", "Loket 3 (Pengaduan)"} {
			nc := survey.NewCounter{UnitID: u.ID, Name: n}
			if i == 2 {
				nc.ServiceID = svcs[2].ID
			}
			c, err := s.CreateCounter(ctx, nc)
			if err != nil {
				return err
			}
			sv, err := s.SurveyByCode(ctx, c.Code)
			if err != nil {
				return err
			}
			surveys = append(surveys, sv)
			fmt.Fprintf(env.Stdout, "%s: %s\n", n, surveyURL(base, c.Code))
		}
		gen := demoGenerator{rng: rand.New(rand.NewPCG(*seed, uint64(u.ID))), surveys: surveys, loc: u.Location()}
		inputs := gen.inputs(s.Now(), *days, *perDay)
		if err := submitAll(ctx, env.Stderr, s, inputs); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Unit demo %d (%s) dibuat dengan %d respons selama %d hari.\n", u.ID, u.Name, len(inputs), *days)
		return nil
	})
}

// demoInput is one synthetic submission with the time it is dated.
type demoInput struct {
	sv *survey.Survey
	in survey.Input
	at time.Time
}

type demoGenerator struct {
	rng     *rand.Rand
	surveys []*survey.Survey
	loc     *time.Location
}

// inputs draws the responses of the given number of days ending on now's
// local day (the unit's, not UTC's), none later than now. Visitors follow
// demoWeekday and demoHour; quality drifts slowly upward, Loket 2 and the
// busy hours are weaker, SPAK answers pile at the top, and about 4% of
// respondents report coaching (and then answer higher), as in real data.
func (g *demoGenerator) inputs(now time.Time, days, perDay int) []demoInput {
	today := now.In(g.loc)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, g.loc).AddDate(0, 0, -(days - 1))
	var out []demoInput
	for d := range days {
		day := start.AddDate(0, 0, d)
		n := int(float64(perDay)*demoWeekday[day.Weekday()]*(0.8+0.4*g.rng.Float64()) + 0.5)
		for range n {
			hour := g.pick(demoHour[:])
			if day.Weekday() == time.Saturday {
				hour = 8 + g.rng.IntN(4)
			}
			at := day.Add(time.Duration(hour)*time.Hour + time.Duration(g.rng.IntN(3600))*time.Second)
			if at.After(now) {
				continue
			}
			ci := g.rng.IntN(len(g.surveys))
			busy := demoHour[hour] > 1.2
			out = append(out, demoInput{sv: g.surveys[ci], in: g.input(g.surveys[ci], ci, float64(d)/float64(days), busy), at: at})
		}
	}
	return out
}

// pick draws an index with probability proportional to its weight.
func (g *demoGenerator) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range weights {
		if x -= w; x < 0 && w > 0 {
			return i
		}
	}
	return len(weights) - 1
}

// option draws one of a profile field's options by demoProfile.
func (g *demoGenerator) option(code string, options []string) string {
	weights := make([]float64, len(options))
	for i, o := range options {
		weights[i] = 1
		if w, ok := demoProfile[code][o]; ok {
			weights[i] = w
		}
	}
	return options[g.pick(weights)]
}

// demoCounterServices is, per counter, how often each service (by name) is
// chosen there; every service gets responses.
var demoCounterServices = []map[string]float64{
	{"Perizinan Berusaha": 0.75, "Administrasi Kependudukan": 0.2, "Pengaduan": 0.05},
	{"Perizinan Berusaha": 0.3, "Administrasi Kependudukan": 0.65, "Pengaduan": 0.05},
}

func (g *demoGenerator) input(sv *survey.Survey, counter int, progress float64, busy bool) survey.Input {
	q := sv.Questionnaire
	in := survey.Input{Answers: map[string]string{}, Profile: map[string]string{}, Channel: survey.ChannelQR}
	if counter == 1 && g.rng.IntN(4) == 0 {
		in.Channel = survey.ChannelKiosk
	}
	if _, fixed := sv.FixedService(); !fixed {
		weights := make([]float64, len(sv.Services))
		for i, s := range sv.Services {
			weights[i] = demoCounterServices[counter%len(demoCounterServices)][s.Name]
		}
		in.Service = strconv.FormatInt(sv.Services[g.pick(weights)].ID, 10)
	}
	coached := g.rng.IntN(100) < 4
	quality := 0.66 + 0.12*progress + 0.15*g.rng.Float64()
	if counter == 1 {
		quality -= 0.1
	}
	if busy {
		quality -= 0.04
	}
	if coached {
		quality += 0.15
	}
	for _, sec := range q.Sections {
		bias := quality
		if sec.Index == "IPAK" {
			bias += 0.12
		}
		for _, it := range sec.Items {
			x := bias + demoItemShift[it.Code] + g.rng.NormFloat64()*0.13
			v := 1 + int(x*float64(q.Scale.Max-1)+0.5)
			in.Answers[it.Code] = strconv.Itoa(min(max(v, q.Scale.Min), q.Scale.Max))
		}
	}
	for _, f := range q.Profile {
		if g.rng.IntN(10) > 0 {
			in.Profile[f.Code] = g.option(f.Code, f.Options)
		}
	}
	if c := q.Control; c != nil {
		in.Control = c.Options[1]
		if coached {
			in.Control = c.Options[0]
		}
	}
	switch {
	case quality < 0.7 && g.rng.IntN(3) == 0:
		in.Suggestion = demoSuggestions.unhappy[g.rng.IntN(len(demoSuggestions.unhappy))]
	case quality >= 0.7 && g.rng.IntN(10) == 0:
		in.Suggestion = demoSuggestions.happy[g.rng.IntN(len(demoSuggestions.happy))]
	}
	in.Key = fmt.Sprintf("demo-%016x%016x", g.rng.Uint64(), g.rng.Uint64())
	return in
}

// submitAll validates and submits inputs from a few goroutines, so the
// batching writer groups them, and draws a progress bar on w.
func submitAll(ctx context.Context, w io.Writer, s *sqlstore.Store, inputs []demoInput) error {
	bar := newProgress(w, "Mengisi respons", int64(len(inputs)))
	defer bar.finish()
	jobs := make(chan demoInput)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r, err := j.sv.Validate(j.in, j.at)
				if err == nil {
					_, _, err = s.Submit(ctx, r)
				}
				if err != nil {
					select {
					case errc <- err:
					default:
					}
					return
				}
				bar.add(1)
			}
		}()
	}
	var err error
feed:
	for _, in := range inputs {
		select {
		case jobs <- in:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return err
}

// progress draws a one-line progress bar, redrawn at most ten times a
// second and once more, complete, by finish.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int64
	done  int64
	last  time.Time
}

func newProgress(w io.Writer, label string, total int64) *progress {
	p := &progress{w: w, label: label, total: total}
	p.draw()
	return p
}

func (p *progress) add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if time.Since(p.last) >= 100*time.Millisecond {
		p.draw()
	}
}

func (p *progress) draw() {
	p.last = time.Now()
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	const width = 30
	filled := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %s/%s", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100,
		survey.FormatDecimal(float64(p.done), 0), survey.FormatDecimal(float64(p.total), 0))
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	fmt.Fprintln(p.w)
}
