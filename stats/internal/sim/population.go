// Package sim compares confidence intervals for the mean of a bounded score
// by simulation, on populations shaped like SPAK/SPKP answers. It backs the
// choice of stats.DefaultInterval (docs/STATISTICS.md) and is run by
// `make stats-sim`; its test asserts the headline figures at a smaller size.
package sim

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// Population is the exact distribution of the per-respondent section mean
// (the section total T over K items, so a value Min + t/K for t = 0…K·(Max−Min))
// of a population of respondents.
type Population struct {
	Name     string
	Min, Max int       // the answer scale
	K        int       // items of the section; 1 for an item interval
	P        []float64 // P[t] = P(T − K·Min = t)
	Mean     float64   // the true mean on the answer scale
	// AtThreshold marks a population whose true index is exactly at the
	// 3.60 minimum on the 4-point scale (proportional conversion).
	AtThreshold bool
	// TopShare is the share of respondents giving the top score on every
	// item.
	TopShare float64
}

// Value returns the section mean of category t.
func (p *Population) Value(t int) float64 {
	return float64(p.Min) + float64(t)/float64(p.K)
}

// latent is a respondent model: a respondent's level θ ~ N(Mu, SDTheta) and
// item answers round(θ + ε), ε ~ N(0, SDItem), clamped to the scale,
// independently given θ (a graded, discretised one-factor model).
type latent struct {
	Mu, SDTheta, SDItem float64
}

// totals returns the exact distribution of T − K·Min under the latent
// model, integrating θ on a fine grid (±7 SD, 1,401 nodes, trapezoid rule;
// the mass outside is below 1e-11).
func (l latent) totals(lo, hi, k int) []float64 {
	cats := hi - lo + 1
	out := make([]float64, k*(cats-1)+1)
	norm := distuv.UnitNormal
	const nodes = 1401
	step := 14 * l.SDTheta / (nodes - 1)
	item := make([]float64, cats)
	var wsum float64
	for g := range nodes {
		theta := l.Mu - 7*l.SDTheta + float64(g)*step
		w := norm.Prob((theta - l.Mu) / l.SDTheta)
		if g == 0 || g == nodes-1 {
			w /= 2
		}
		wsum += w
		for j := range cats {
			score := float64(lo + j)
			up, down := 1.0, 0.0
			if j < cats-1 {
				up = norm.CDF((score + 0.5 - theta) / l.SDItem)
			}
			if j > 0 {
				down = norm.CDF((score - 0.5 - theta) / l.SDItem)
			}
			item[j] = up - down
		}
		dist := []float64{1}
		for range k {
			dist = convolve(dist, item)
		}
		for t, v := range dist {
			out[t] += w * v
		}
	}
	for t := range out {
		out[t] /= wsum
	}
	return out
}

func convolve(a, b []float64) []float64 {
	out := make([]float64, len(a)+len(b)-1)
	for i, x := range a {
		for j, y := range b {
			out[i+j] += x * y
		}
	}
	return out
}

// spec describes a population: a latent model for most respondents mixed
// with a share top of respondents who give the top score on every item.
// When target > 0 the top share is solved so that the mean is exactly
// target: π = (target − m)/(Max − m), m the latent part's mean.
type spec struct {
	name     string
	lo, hi   int
	k        int
	l        latent
	top      float64
	target   float64
	atThresh bool
}

func (s spec) build() Population {
	p := Population{Name: s.name, Min: s.lo, Max: s.hi, K: s.k, AtThreshold: s.atThresh}
	base := s.l.totals(s.lo, s.hi, s.k)
	p.P = base
	m := mean(&p)
	top := s.top
	if s.target > 0 {
		top = (s.target - m) / (float64(s.hi) - m)
	}
	if top < 0 || top >= 1 {
		panic(fmt.Sprintf("sim: population %s needs top share %v", s.name, top))
	}
	for t := range base {
		base[t] *= 1 - top
	}
	base[len(base)-1] += top
	p.P, p.TopShare = base, top
	p.Mean = mean(&p)
	return p
}

func mean(p *Population) float64 {
	var m float64
	for t, v := range p.P {
		m += v * p.Value(t)
	}
	return m
}

// threshold6 and threshold4 are the raw means whose proportional 4-point
// index is the 3.60 minimum: 3.60 × 6/4 and 3.60 on a 1–4 scale.
const (
	threshold6 = 3.60 * 6 / 4
	threshold4 = 3.60
)

// Populations returns the simulated populations: SPAK-like sections (5 items
// on 1–6 and on 1–4) with a half to three quarters of respondents at the top
// of every item, three of them with the true index exactly at 3.60; an SPKP
// section (8 items, 1–6) with a moderate ceiling; symmetric sections on both
// scales; a polarised SPAK where a few respondents report corruption on
// every item; and single items (K = 1) for the item intervals.
func Populations() []Population {
	specs := []spec{
		{name: "spak6-top75-at-3.60", lo: 1, hi: 6, k: 5, l: latent{3.63, 1.0, 0.8}, target: threshold6, atThresh: true},
		{name: "spak6-top50-at-3.60", lo: 1, hi: 6, k: 5, l: latent{4.8, 0.8, 0.6}, target: threshold6, atThresh: true},
		{name: "spak4-top60-at-3.60", lo: 1, hi: 4, k: 5, l: latent{3.0, 0.6, 0.6}, target: threshold4, atThresh: true},
		{name: "spak6-top75", lo: 1, hi: 6, k: 5, l: latent{4.6, 0.9, 0.7}, top: 0.75},
		{name: "spak6-polarised", lo: 1, hi: 6, k: 5, l: latent{1.5, 0.5, 0.5}, top: 0.85},
		{name: "spkp6-top20", lo: 1, hi: 6, k: 8, l: latent{4.7, 0.7, 0.7}, top: 0.20},
		{name: "spkp6-symmetric", lo: 1, hi: 6, k: 8, l: latent{3.5, 0.9, 0.8}},
		{name: "ipak4-symmetric", lo: 1, hi: 4, k: 10, l: latent{2.5, 0.5, 0.6}},
		{name: "item6-top75-at-3.60", lo: 1, hi: 6, k: 1, l: latent{3.63, 1.0, 0.7}, target: threshold6, atThresh: true},
		{name: "item4-top60-at-3.60", lo: 1, hi: 4, k: 1, l: latent{2.9, 0.6, 0.6}, target: threshold4, atThresh: true},
	}
	out := make([]Population, len(specs))
	for i, s := range specs {
		out[i] = s.build()
	}
	return out
}

// Lower returns the scale minimum as a float.
func (p *Population) Lower() float64 { return float64(p.Min) }

// Upper returns the scale maximum as a float.
func (p *Population) Upper() float64 { return float64(p.Max) }
