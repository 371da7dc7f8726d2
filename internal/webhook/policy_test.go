// Tests of the callback URL policy: what admission refuses, and what a connection may reach.

package webhook

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	open := NewPolicy(nil, nil)
	tests := []struct {
		url  string
		want string // "" when allowed, else a word of the refusal
	}{
		{"https://hooks.example.com/livecode?x=1", ""},
		{"http://93.184.216.34:8080/hook", ""},
		{"http://[2606:4700::1111]/hook", ""},
		{"https://hooks.example.com:443", ""},

		{"ftp://hooks.example.com/", "http or https"},
		{"file:///etc/passwd", "http or https"},
		{"gopher://127.0.0.1:6379/_INFO", "http or https"},
		{"javascript:alert(1)", "http or https"},
		{"hooks.example.com/x", "http or https"},
		{"https:///path", "no host"},
		{"https://user:pass@hooks.example.com/", "user info"},
		{"https://user@hooks.example.com/", "user info"},
		{"https://hooks.example.com:0/", "port"},
		{"https://hooks.example.com:70000/", "port"},
		{"https://hooks.example.com/" + strings.Repeat("a", MaxURLBytes), "longer than 2048"},
		{"http://%zz/", "not a URL"},

		{"http://127.0.0.1/", "loopback"},
		{"http://127.1.2.3:3000/", "loopback"},
		{"http://[::1]/", "loopback"},
		{"http://[::ffff:127.0.0.1]/", "loopback"},
		{"http://localhost:3000/", "loopback"},
		{"http://LOCALHOST./", "loopback"},
		{"http://api.localhost/", "loopback"},
		{"http://10.0.0.1/", "private"},
		{"http://172.16.5.4/", "private"},
		{"http://172.31.255.255/", "private"},
		{"http://192.168.1.1/", "private"},
		{"http://[fd12:3456::1]/", "private"},
		{"http://[fc00::1]/", "private"},
		{"http://169.254.1.1/", "link-local"},
		{"http://[fe80::1]/", "link-local"},
		{"http://[fe80::1%25eth0]/", "zone"},
		{"http://100.64.0.1/", "CGNAT"},
		{"http://100.127.255.254/", "CGNAT"},
		{"http://224.0.0.1/", "multicast"},
		{"http://[ff02::1]/", "multicast"},
		{"http://0.0.0.0/", "unspecified"},
		{"http://0.1.2.3/", "unspecified"},
		{"http://[::]/", "unspecified"},
		{"http://255.255.255.255/", "reserved"},
		{"http://169.254.169.254/latest/meta-data/", "metadata"},
		{"http://[fd00:ec2::254]/", "metadata"},
		{"http://100.100.100.200/", "metadata"},
		{"http://192.0.0.192/", "metadata"},
		{"http://[64:ff9b::7f00:1]/", "loopback"},        // NAT64 of 127.0.0.1
		{"http://[64:ff9b::a9fe:a9fe]/", "metadata"},     // NAT64 of 169.254.169.254
		{"http://[2002:c0a8:101::1]/", "private"},        // 6to4 of 192.168.1.1
		{"http://[::ffff:169.254.169.254]/", "metadata"}, // IPv4-mapped
		{"http://2130706433/", "neither an address nor a DNS name"},
		{"http://0177.0.0.1/", "neither an address nor a DNS name"},
		{"http://0x7f.1/", "neither an address nor a DNS name"},
		{"http://127.1/", "neither an address nor a DNS name"},
		{"http://hooks_example.com/", "neither an address nor a DNS name"},
	}
	for _, tt := range tests {
		err := open.CheckURL(tt.url)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v, want allowed", tt.url, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckURL(%q) = %v, want a refusal saying %q", tt.url, err, tt.want)
		}
	}
}

func TestCheckURLAllowed(t *testing.T) {
	t.Parallel()
	p := NewPolicy([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.0.0/16")}, []string{"hooks.internal"})
	tests := []struct {
		url     string
		allowed bool
	}{
		{"http://127.0.0.1:8080/", true},
		{"http://[::ffff:127.0.0.1]/", true},
		{"http://localhost:8080/", true}, // loopback allowed
		{"http://127.0.0.2/", false},
		{"http://[::1]/", false},
		{"http://10.1.2.3/", true},
		{"http://10.2.0.1/", false},
		{"http://hooks.internal/x", true},
		{"http://HOOKS.INTERNAL./x", true},
		{"http://169.254.169.254/", false},
	}
	for _, tt := range tests {
		if err := p.CheckURL(tt.url); (err == nil) != tt.allowed {
			t.Errorf("CheckURL(%q) = %v, want allowed=%v", tt.url, err, tt.allowed)
		}
	}
}

// TestControl checks the connect-time check on the resolved address itself.
func TestControl(t *testing.T) {
	t.Parallel()
	p := NewPolicy([]netip.Prefix{netip.MustParsePrefix("192.168.7.0/24")}, nil)
	tests := []struct {
		addr    string
		allowed bool
	}{
		{"93.184.216.34:443", true},
		{"[2606:4700::1111]:443", true},
		{"127.0.0.1:80", false},
		{"[::1]:80", false},
		{"[::ffff:10.0.0.1]:80", false},
		{"[fe80::1%eth0]:80", false},
		{"169.254.169.254:80", false},
		{"192.168.7.9:80", true},
		{"192.168.8.9:80", false},
		{"not an address", false},
	}
	for _, tt := range tests {
		if err := p.control("tcp", tt.addr, nil); (err == nil) != tt.allowed {
			t.Errorf("control(%q) = %v, want allowed=%v", tt.addr, err, tt.allowed)
		}
	}
}
