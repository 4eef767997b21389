// Package stats computes the perception indices of Persepsi (IPAK, IPKP and
// the SKM/IKM of PermenPANRB 14/2017) with their uncertainty.
package stats
