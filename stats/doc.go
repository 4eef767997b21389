// Package stats computes the perception indices of Persepsi (IPAK, IPKP and
// the SKM/IKM of PermenPANRB 14/2017) with their uncertainty: item means
// (NRR), section indices, conversion to the 4-point index of the LKE,
// predicates, confidence intervals, threshold verdicts, validity and
// reliability, sample sizes and comparisons between periods.
//
// It depends only on the standard library and gonum, knows no storage and no
// HTTP, and never mutates its inputs.
//
// # Sufficient statistics
//
// An Accumulator holds exact integer sums of one questionnaire section:
// the number of respondents, the item sums and the item cross-product
// matrix. Add one response, Merge two Accumulators; MarshalBinary stores one
// (a daily rollup) and UnmarshalBinary reads it back. Every statistic of a
// section (item means and intervals, the section index and its interval,
// Cronbach's α, the item–total correlations) is computed from an
// Accumulator, so the statistics of any date range come exactly from its
// daily rollups. Variances are formed from exact 128-bit co-moments
// n·Σxy − Σx·Σy, so they are never negative, and zero exactly when the data
// have no spread.
//
// # Formulas
//
// Each function documents its formula and where it comes from: the section
// index is the unweighted mean of the item means (PermenPANRB 14/2017), the
// interval is Student's t on the per-respondent section means with the
// finite population correction when the period's population N is known,
// proportions use the Wilson score interval, sample sizes use Krejcie &
// Morgan (1970) or Slovin.
//
// # Errors
//
// The package distinguishes programmer errors from undefined results.
//
// Programmer errors panic with a message starting "stats:", as in gonum:
// a response with the wrong number of scores or a score outside
// [0, MaxScore], merging sections of different sizes, a confidence level
// outside (0, 1), an unknown Conversion, a scale maximum below 2, an empty
// slice where data are required. Callers validate outside input before it
// reaches these functions.
//
// Results that cannot be computed from valid input are not errors: too few
// respondents, zero variance (SPAK answers pile up at the top of the scale,
// so every respondent may give the same score), a population smaller than
// the sample. Such results carry Defined = false and a short Reason in
// Bahasa Indonesia, for instance "n < 2" or "tidak dapat dihitung (varians
// nol)", ready to print in place of the number. Their numeric fields hold
// finite values (an undefined interval has Lo = Hi = Mean). No NaN or Inf
// is ever returned for valid input.
//
// Decoding stored bytes is the one operation on outside input: UnmarshalBinary
// returns an error wrapping ErrCorrupt for anything MarshalBinary could not
// have produced, and never panics.
package stats
