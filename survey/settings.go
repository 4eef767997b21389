package survey

import (
	"net"
	"net/url"
	"strings"
)

// settingBaseURL is the settings key of the instance's public address.
const SettingBaseURL = "base_url"

// CheckBaseURL validates a public address: an absolute http(s) URL with a
// host, no query or fragment. It returns the address without a trailing
// slash, or a *ValidationError on field "base_url".
func CheckBaseURL(raw string) (string, error) {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", &ValidationError{Fields: map[string]string{SettingBaseURL: "Isi alamat lengkap yang diawali http:// atau https://, mis. https://survei.contoh.go.id."}}
	}
	return s, nil
}

// IsLoopbackURL reports whether an address points at the machine that opens
// it (localhost, 127.0.0.0/8, ::1, or the unspecified 0.0.0.0 and ::): such
// an address works on the server itself and nowhere else, so a respondent's
// phone or an evaluator cannot reach it. An unparsable address counts as
// loopback: it is no public address either.
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return true
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
