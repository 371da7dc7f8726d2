// Signatures: X-Livecode-Signature, an HMAC-SHA256 of the timestamp and the body.

package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The headers of every delivery.
const (
	// SignatureHeader is "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
	SignatureHeader = "X-Livecode-Signature"
	// DeliveryHeader is the delivery's id (its execution's), the same on every attempt, so
	// that a receiver can drop a delivery it already has.
	DeliveryHeader = "X-Livecode-Delivery"
	// AttemptHeader counts the attempts of a delivery from 1.
	AttemptHeader = "X-Livecode-Attempt"
)

// Sign returns the SignatureHeader value of body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Errors of Verify.
var (
	ErrSignatureFormat = errors.New("webhook: malformed signature header")
	ErrSignatureStale  = errors.New("webhook: signature timestamp outside the tolerance")
	ErrSignature       = errors.New("webhook: signature does not match")
)

// Verify checks a SignatureHeader value against body, as a receiver does: the timestamp must be
// within tolerance of now (against replay) and one v1 signature must match, compared in
// constant time. Errors: ErrSignatureFormat, ErrSignatureStale, ErrSignature.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureFormat
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureStale
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrSignature
}
