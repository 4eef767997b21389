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
)

// demoSuggestions are typical free-text suggestions, sampled for realism.
var demoSuggestions = []string{
	"Antrean pagi terlalu panjang, mohon tambah petugas.",
	"Petugas ramah dan cepat, terima kasih.",
	"Informasi persyaratan di situs web belum lengkap.",
	"Ruang tunggu panas, mohon perbaiki pendingin ruangan.",
	"Mohon sediakan layanan daring agar tidak perlu datang.",
	"Pelayanan sudah baik, pertahankan.",
	"Papan informasi tarif sulit dibaca.",
	"Nomor pengaduan tidak bisa dihubungi.",
}

// runDemo creates a demo unit with services and counters and fills it with
// synthetic responses through the same validation and writer as real ones.
func runDemo(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "demo")
	days := fs.Int("days", 90, "number of days of responses, ending today")
	perDay := fs.Int("per-day", 40, "average responses per day")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same answers")
	tz := fs.String("tz", "Asia/Jakarta", "time zone of the demo unit")
	baseFlag := baseURLFlag(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *days < 1 || *days > 3660 || *perDay < 1 || *perDay > 100000 {
		return usageError("--days must be 1..3660 and --per-day 1..100000")
	}
	return withStore(ctx, env, *db, func(s *survey.Store) error {
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
		fmt.Fprintf(env.Stdout, "Demo unit %d (%s) created with %d responses over %d days.\n", u.ID, u.Name, len(inputs), *days)
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

// inputs draws the responses of the given number of days ending at now's day.
// Quality drifts slowly upward, Loket 2 is weaker, SPAK answers pile at the
// top, and about 3% of respondents report coaching, as in real data.
func (g *demoGenerator) inputs(now time.Time, days, perDay int) []demoInput {
	today := now.In(g.loc)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, g.loc).AddDate(0, 0, -(days - 1))
	var out []demoInput
	for d := range days {
		day := start.AddDate(0, 0, d)
		if day.Weekday() == time.Sunday {
			continue
		}
		n := perDay/2 + g.rng.IntN(perDay+1)
		if day.Weekday() == time.Saturday {
			n /= 3
		}
		for range n {
			at := day.Add(time.Duration(8*3600+g.rng.IntN(7*3600)) * time.Second)
			if at.After(now) {
				continue
			}
			ci := g.rng.IntN(len(g.surveys))
			out = append(out, demoInput{sv: g.surveys[ci], in: g.input(g.surveys[ci], ci, float64(d)/float64(days)), at: at})
		}
	}
	return out
}

func (g *demoGenerator) input(sv *survey.Survey, counter int, progress float64) survey.Input {
	q := sv.Questionnaire
	in := survey.Input{Answers: map[string]string{}, Profile: map[string]string{}, Channel: survey.ChannelQR}
	if counter == 1 && g.rng.IntN(4) == 0 {
		in.Channel = survey.ChannelKiosk
	}
	if _, fixed := sv.FixedService(); !fixed {
		in.Service = strconv.FormatInt(sv.Services[g.rng.IntN(2)].ID, 10)
	}
	quality := 0.62 + 0.12*progress + 0.15*g.rng.Float64()
	if counter == 1 {
		quality -= 0.12
	}
	for _, sec := range q.Sections {
		bias := quality
		if sec.Index == "IPAK" {
			bias += 0.12
		}
		for _, it := range sec.Items {
			x := bias + g.rng.NormFloat64()*0.13
			v := 1 + int(x*float64(q.Scale.Max-1)+0.5)
			in.Answers[it.Code] = strconv.Itoa(min(max(v, q.Scale.Min), q.Scale.Max))
		}
	}
	for _, f := range q.Profile {
		if g.rng.IntN(10) > 0 {
			in.Profile[f.Code] = f.Options[g.rng.IntN(len(f.Options))]
		}
	}
	if c := q.Control; c != nil {
		in.Control = c.Options[1]
		if g.rng.IntN(100) < 3 {
			in.Control = c.Options[0]
		}
	}
	if g.rng.IntN(8) == 0 {
		in.Suggestion = demoSuggestions[g.rng.IntN(len(demoSuggestions))]
	}
	in.Key = fmt.Sprintf("demo-%016x%016x", g.rng.Uint64(), g.rng.Uint64())
	return in
}

// submitAll validates and submits inputs from a few goroutines, so the
// batching writer groups them, and draws a progress bar on w.
func submitAll(ctx context.Context, w io.Writer, s *survey.Store, inputs []demoInput) error {
	bar := newProgress(w, "Mengisi respons", len(inputs))
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

// progress draws a one-line progress bar, redrawn at most ten times a second.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	done  int
	last  time.Time
}

func newProgress(w io.Writer, label string, total int) *progress {
	p := &progress{w: w, label: label, total: total}
	p.draw()
	return p
}

func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if time.Since(p.last) >= 100*time.Millisecond || p.done == p.total {
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
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %d/%d", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, p.done, p.total)
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	fmt.Fprintln(p.w)
}
