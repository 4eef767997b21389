package app

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/static"
	"persepsi/survey"
)

// views holds one parsed template set per page: each page file together
// with layout.html, so pages can define blocks of the same name.
type views struct {
	pages map[string]*template.Template
}

func parseViews() (*views, error) {
	layout, err := fs.ReadFile(static.FS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("app: views: %w", err)
	}
	names, err := fs.Glob(static.FS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("app: views: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".html")
		if page == "layout" {
			continue
		}
		body, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return nil, fmt.Errorf("app: views: %w", err)
		}
		t := template.New(page).Funcs(funcs)
		if _, err := t.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("app: views: layout: %w", err)
		}
		if _, err := t.Parse(string(body)); err != nil {
			return nil, fmt.Errorf("app: views: %s: %w", name, err)
		}
		v.pages[page] = t
	}
	return v, nil
}

// render executes a page into a buffer first, so a template failure becomes
// a clean error page instead of half a page. The buffer is fresh and
// belongs to the response from then on: fasthttp keeps the slice given to
// Send until it has written it, after the handler returns, so a pooled
// buffer would carry another request's page (TestRenderConcurrentBodies).
func (s *Server) render(c *fiber.Ctx, page string, data any) error {
	b, err := s.execute(page, data)
	if err != nil {
		return err
	}
	c.Type("html", "utf-8")
	return c.Send(b)
}

// execute runs a page's template into a fresh buffer.
func (s *Server) execute(page string, data any) ([]byte, error) {
	t, ok := s.views.pages[page]
	if !ok {
		return nil, fmt.Errorf("app: no view %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, page, data); err != nil {
		return nil, fmt.Errorf("app: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// funcs are the helpers every template may use. tanggal and waktu print a
// day and an instant the Indonesian way ("1 Desember 2026",
// "1 Desember 2026, 14.05 WITA"), through the same helpers as the PDF.
var funcs = template.FuncMap{
	"tanggal": survey.FormatDay,
	"waktu":   formatInstant,
	"add":     func(a, b int) int { return a + b },
	"seq": func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	},
}

// formatInstant is survey.FormatTime for a template, which may hold a time
// or a pointer to one (nil prints "–").
func formatInstant(t any, zone string) string {
	switch t := t.(type) {
	case time.Time:
		return survey.FormatTime(t, zone)
	case *time.Time:
		if t != nil {
			return survey.FormatTime(*t, zone)
		}
	}
	return "–"
}
