// The callback URL policy: which URLs a run may give, and which addresses a delivery may connect to.

package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// MaxURLBytes bounds a callback_url.
const MaxURLBytes = 2048

// Policy decides where callbacks may go. By default every public unicast address; refused are
// loopback, private (RFC 1918, ULA), link-local, shared (CGNAT), multicast, unspecified,
// reserved and documentation ranges and the cloud metadata addresses, unless the operator
// allows them (WEBHOOK_ALLOW) by CIDR or by host name. The zero value allows nothing extra.
type Policy struct {
	allow []netip.Prefix
	hosts map[string]bool
}

// NewPolicy returns the policy that also allows the addresses of allow and the host names of
// hosts (lower case, without a trailing dot), whatever they resolve to.
func NewPolicy(allow []netip.Prefix, hosts []string) *Policy {
	p := &Policy{allow: allow, hosts: map[string]bool{}}
	for _, h := range hosts {
		p.hosts[h] = true
	}
	return p
}

// RefusedError is a callback target the policy refuses: its address and the class of it.
type RefusedError struct {
	Addr  netip.Addr
	Class string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s is a %s address, which callbacks may not reach (WEBHOOK_ALLOW)", e.Addr, e.Class)
}

// CheckURL checks a callback_url at admission: at most MaxURLBytes, http or https, a host and no
// user info; a host that is an address (or "localhost") the policy refuses is refused here
// already. Host names are checked again at every connection, whatever they resolve to then.
// The error says what is wrong, for a 422.
func (p *Policy) CheckURL(raw string) error {
	if len(raw) > MaxURLBytes {
		return fmt.Errorf("is longer than %d bytes", MaxURLBytes)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http or https URL")
	case u.Opaque != "" || u.Host == "":
		return errors.New("has no host")
	case u.User != nil:
		return errors.New("must not carry user info")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return errors.New("has a port out of range")
		}
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if p.hosts[host] {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return errors.New("must not name an interface zone")
		}
		return p.check(a)
	}
	if !dnsName(host) {
		return errors.New("has a host that is neither an address nor a DNS name")
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		// Resolves to loopback by definition (RFC 6761): refused unless loopback is allowed.
		if err := p.check(netip.MustParseAddr("127.0.0.1")); err != nil {
			return err
		}
	}
	return nil
}

// check returns a *RefusedError for an address the policy refuses, else nil.
func (p *Policy) check(a netip.Addr) error {
	a = a.WithZone("").Unmap()
	for _, pre := range p.allow {
		if pre.Contains(a) {
			return nil
		}
	}
	if class := refusedClass(a); class != "" {
		return &RefusedError{Addr: a, Class: class}
	}
	return nil
}

// trusted reports whether host is allowed by name: connections to it are not checked.
func (p *Policy) trusted(host string) bool {
	return p.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// control is a net.Dialer's Control: it runs after the name was resolved and before the socket
// connects, on the very address connected to, so DNS rebinding between a check and the
// connection cannot slip a refused address through.
func (p *Policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("callback address %q: %w", address, err)
	}
	return p.check(ap.Addr())
}

// dnsName reports whether host is a DNS name: labels of letters, digits and hyphens whose last
// is not all digits, so that numeric forms some resolvers take as addresses (2130706433,
// 0177.1, 0x7f.1) are refused rather than checked only once resolved.
func dnsName(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' ||
			strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}
