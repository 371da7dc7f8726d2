// The HTTP client of deliveries: guarded connections, no proxy, no redirects, bounded answers.

package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// The bounds of reading a receiver's answer: what is read of its body before the connection is
// dropped, and what of it is kept in the delivery record.
const (
	maxAnswerBytes = 64 << 10
	maxKeptBytes   = 256
)

// client sends deliveries within the policy.
type client struct {
	http *http.Client
}

func newClient(p *Policy, timeout time.Duration) *client {
	guarded := &net.Dialer{Timeout: timeout, Control: p.control}
	trusted := &net.Dialer{Timeout: timeout}
	tr := &http.Transport{
		// No proxy from the environment: the check must see the receiver's address, not a proxy's.
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(addr); err == nil && p.trusted(host) {
				return trusted.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        30 * time.Second,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &client{http: &http.Client{Transport: tr, Timeout: timeout,
		// A redirect is answered as it is, a failure: following it would leave the checked URL.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// attempt is what one try of a delivery found: the receiver's status (0 when it did not
// answer) and, unless it answered 2xx, why it failed.
type attempt struct {
	status int
	err    string
}

func (a attempt) ok() bool { return a.status >= 200 && a.status < 300 }

// send makes one try. It never returns a Go error: every failure is the attempt's.
func (c *client) send(ctx context.Context, method, url string, body []byte, header http.Header) attempt {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return attempt{err: "request: " + err.Error()}
	}
	req.Header = header
	res, err := c.http.Do(req)
	if err != nil {
		return attempt{err: describe(err)}
	}
	defer res.Body.Close()
	kept := make([]byte, maxKeptBytes)
	n, _ := io.ReadFull(res.Body, kept)
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxAnswerBytes-int64(n)))
	a := attempt{status: res.StatusCode}
	switch {
	case a.ok():
	case res.StatusCode >= 300 && res.StatusCode < 400:
		a.err = fmt.Sprintf("answered %d; redirects are not followed", res.StatusCode)
	default:
		a.err = fmt.Sprintf("answered %d", res.StatusCode)
		if text := strings.TrimSpace(strings.ToValidUTF8(string(kept[:n]), "")); text != "" && utf8.ValidString(text) {
			a.err += ": " + text
		}
	}
	return a
}

// describe is a failed request's error without Go's wrapping of the URL, the policy's refusal
// in its own words.
func describe(err error) string {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refused.Error()
	}
	var uerr interface{ Unwrap() error }
	if errors.As(err, &uerr) {
		if inner := uerr.Unwrap(); inner != nil {
			err = inner
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout") {
		return "timed out"
	}
	return err.Error()
}
