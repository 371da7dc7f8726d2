// Fuzzing of the callback URL check: whatever it admits is a URL the client can send to, and no
// admitted address literal is one the connect-time check refuses.

package webhook

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/x", "http://127.0.0.1/", "http://[::ffff:10.0.0.1]:80/",
		"http://2130706433/", "http://[fe80::1%25eth0]/", "https://u@h.example/", "http://%31%32%37.0.0.1/", "http://[64:ff9b::a00:1]/"} {
		f.Add(s)
	}
	p := NewPolicy(nil, nil)
	f.Fuzz(func(t *testing.T, raw string) {
		if p.CheckURL(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || len(raw) > MaxURLBytes {
			t.Fatalf("admitted %q", raw)
		}
		host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		if a, err := netip.ParseAddr(host); err == nil && p.check(a) != nil {
			t.Fatalf("admitted %q, whose address the dialer refuses", raw)
		}
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			t.Fatalf("admitted %q", raw)
		}
	})
}
