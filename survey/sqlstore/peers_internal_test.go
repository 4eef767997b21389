package sqlstore

import "testing"

// TestAnnouncementRoundTrip: every set of changes a write announces
// survives its payload, the announcing node is recognised, and a payload
// this version cannot read (a newer node's name, no names, no node) drops
// every cache rather than none.
func TestAnnouncementRoundTrip(t *testing.T) {
	for c := Changes(1); c <= AllChanges; c++ {
		p := announcement("abc123", c)
		if got, mine := parseAnnouncement(p, "abc123"); got != c || !mine {
			t.Errorf("%q from this node: %b mine=%v, want %b mine=true", p, got, mine, c)
		}
		if got, mine := parseAnnouncement(p, "def456"); got != c || mine {
			t.Errorf("%q from another node: %b mine=%v, want %b mine=false", p, got, mine, c)
		}
	}
	for _, p := range []string{"abc123:catalog,rates", "abc123:", "no-node", ""} {
		if got, _ := parseAnnouncement(p, "def456"); got != AllChanges {
			t.Errorf("%q: %b, want every cache (%b)", p, got, AllChanges)
		}
	}
}
