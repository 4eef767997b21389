package app

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// blankForms serves the questionnaire as a fresh visit sees it without
// running the template: per counter code and mode (phone, kiosk, trusted
// kiosk) the page is rendered once with a placeholder key and kept split
// around it, plain and as gzip segments, and each request only splices in
// its own one-time key. Page views outnumber submissions; executing the
// template and compressing 18 KB on every view held the page to a twelfth of
// the server's rate (docs/PERFORMANCE.md).
//
// An entry is valid while the store hands out the same *survey.Survey for
// the code. The store builds a new one after every change to the counter,
// its unit, services or questionnaire (survey.Store.SurveyByCode), so that
// one pointer comparison is the whole invalidation.
type blankForms struct {
	placeholder string // a fresh idempotency key, so no page text can hold it
	mu          sync.RWMutex
	entries     map[blankKey]*blankForm
}

// blankFormsMax bounds the cache (about 25 KB an entry); when full it starts
// over.
const blankFormsMax = 1024

type blankKey struct {
	code           string
	kiosk, trusted bool
}

// blankForm is one rendered page: prefix + key + suffix.
type blankForm struct {
	sv             *survey.Survey
	prefix, suffix []byte
	// gzHead is the gzip header and the prefix compressed as a deflate
	// stream that ends byte-aligned with no final block (a sync flush);
	// gzTail is the suffix compressed as an independent stream ending with
	// the final block. Between them goes the key as a stored block.
	gzHead, gzTail []byte
	prefixCRC      uint32
}

func newBlankForms() *blankForms {
	return &blankForms{placeholder: survey.NewIdempotencyKey(), entries: map[blankKey]*blankForm{}}
}

// serveBlankForm answers a fresh visit to sv's questionnaire with a new
// one-time key, gzip-encoded when the client accepts it.
func (r *respondent) serveBlankForm(c *fiber.Ctx, sv *survey.Survey, v visit) error {
	f, err := r.blank.get(r.Server, sv, v)
	if err != nil {
		return err
	}
	key := survey.NewIdempotencyKey()
	c.Type("html", "utf-8")
	c.Vary(fiber.HeaderAcceptEncoding)
	resp := c.Response()
	resp.ResetBody()
	// AppendBody copies into fasthttp's own buffer: nothing shared with
	// other requests is handed to it.
	if c.Get(fiber.HeaderAcceptEncoding) == "" || c.AcceptsEncodings("gzip") != "gzip" {
		resp.AppendBody(f.prefix)
		resp.AppendBodyString(key)
		resp.AppendBody(f.suffix)
		return nil
	}
	c.Set(fiber.HeaderContentEncoding, "gzip")
	resp.AppendBody(f.gzHead)
	hdr := storedHeader(len(key))
	resp.AppendBody(hdr[:])
	resp.AppendBodyString(key)
	resp.AppendBody(f.gzTail)
	crc := crc32.Update(crc32.Update(f.prefixCRC, crc32.IEEETable, []byte(key)), crc32.IEEETable, f.suffix)
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(f.prefix)+len(key)+len(f.suffix)))
	resp.AppendBody(trailer[:])
	return nil
}

// get returns the page for sv and v, rendering it when sv is not the
// survey it was rendered from.
func (b *blankForms) get(s *Server, sv *survey.Survey, v visit) (*blankForm, error) {
	k := blankKey{code: v.Code, kiosk: v.Kiosk, trusted: v.Trusted}
	b.mu.RLock()
	f := b.entries[k]
	b.mu.RUnlock()
	if f != nil && f.sv == sv {
		return f, nil
	}
	f, err := b.render(s, sv, v)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	if len(b.entries) >= blankFormsMax {
		b.entries = map[blankKey]*blankForm{}
	}
	b.entries[k] = f
	b.mu.Unlock()
	return f, nil
}

// render executes the survey template once with the placeholder key and
// prepares both encodings.
func (b *blankForms) render(s *Server, sv *survey.Survey, v visit) (*blankForm, error) {
	page, err := s.execute("survey", buildSurveyView(sv, v, survey.Input{Key: b.placeholder}, nil))
	if err != nil {
		return nil, err
	}
	if n := bytes.Count(page, []byte(b.placeholder)); n != 1 {
		return nil, fmt.Errorf("app: blank form: the key placeholder appears %d times", n)
	}
	prefix, suffix, _ := bytes.Cut(page, []byte(b.placeholder))
	f := &blankForm{sv: sv, prefix: prefix, suffix: suffix, prefixCRC: crc32.ChecksumIEEE(prefix)}
	if f.gzHead, err = deflateSegment(gzipHeader, prefix, false); err != nil {
		return nil, err
	}
	if f.gzTail, err = deflateSegment(nil, suffix, true); err != nil {
		return nil, err
	}
	return f, nil
}

// gzipHeader is a minimal gzip member header (RFC 1952): deflate, no name,
// no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// deflateSegment appends to head the raw deflate compression of p. The
// last segment ends with the final block; any other ends with a sync flush,
// byte-aligned, so another segment can follow it.
func deflateSegment(head, p []byte, last bool) ([]byte, error) {
	out := bytes.NewBuffer(bytes.Clone(head))
	w, err := flate.NewWriter(out, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(p); err != nil {
		return nil, err
	}
	if last {
		err = w.Close()
	} else {
		err = w.Flush()
	}
	if err != nil {
		return nil, fmt.Errorf("app: blank form: deflate: %w", err)
	}
	return out.Bytes(), nil
}

// storedHeader starts a non-final stored deflate block of n bytes (RFC 1951
// §3.2.4) in a stream that is byte-aligned there: one byte of block header
// (BFINAL 0, BTYPE 00, padding), then LEN and its complement.
func storedHeader(n int) [5]byte {
	var h [5]byte
	binary.LittleEndian.PutUint16(h[1:], uint16(n))
	binary.LittleEndian.PutUint16(h[3:], ^uint16(n))
	return h
}
