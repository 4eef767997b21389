package survey

// Record is a stored response with the chain segment that commits it and,
// when it is excluded, its exclusion. Exports are built from records.
// Seq and Hash are the segment entry's (0 and "" while the response is not
// sealed yet), for positions in the chain; they are shared by the rows of
// a segment, so a row must not carry them: rows with the same segment came
// in the same bucket, which would undo any coarsening of the exported
// time. Leaf is the row's own commitment (hex of Response.Leaf): salted, so
// no exported field can be checked against it, unrelated to any other
// row's, and what the segment's Merkle root is built from.
type Record struct {
	Response
	Seq       int64
	Hash      string
	Leaf      string
	Exclusion *Exclusion
}

// ChainState is what a unit's stored data says a chain entry should hold
// now: for a segment, the leaves and Merkle root recomputed from the
// responses that name it; for an exclusion, the digest of the stored
// exclusion ("" when it is gone). A chain check compares it with the
// entry.
type ChainState struct {
	Count int64
	Root  string
}

// ChainCoverage counts, in the snapshot a chain walk read, what a unit's
// chain must account for: responses that name a segment, and exclusions.
// A chain check compares them with the sum of its segments' counts and its
// number of exclusion entries, which finds a response moved out of the
// chain or an exclusion without an entry.
type ChainCoverage struct {
	Sealed, Exclusions int64
}
