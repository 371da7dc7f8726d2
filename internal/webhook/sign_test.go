// Tests of signatures: what Sign makes, Verify accepts.

package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"
)

func TestSign(t *testing.T) {
	t.Parallel()
	secret, body, at := []byte("0123456789abcdef"), []byte(`{"status":"COMPLETED"}`), time.Unix(1767225600, 0)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("1767225600." + string(body)))
	want := "t=1767225600,v1=" + hex.EncodeToString(m.Sum(nil))
	if got := Sign(secret, at, body); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	tests := []struct {
		name   string
		secret string
		header string
		body   string
		now    time.Time
		want   error
	}{
		{"valid", "0123456789abcdef", want, string(body), at.Add(time.Minute), nil},
		{"second signature", "0123456789abcdef", "t=1767225600,v1=00," + want[len("t=1767225600,"):], string(body), at, nil},
		{"other secret", "fedcba9876543210", want, string(body), at, ErrSignature},
		{"changed body", "0123456789abcdef", want, `{"status":"FAILED"}`, at, ErrSignature},
		{"replayed late", "0123456789abcdef", want, string(body), at.Add(6 * time.Minute), ErrSignatureStale},
		{"from the future", "0123456789abcdef", want, string(body), at.Add(-6 * time.Minute), ErrSignatureStale},
		{"no timestamp", "0123456789abcdef", want[len("t=1767225600,"):], string(body), at, ErrSignatureFormat},
		{"empty", "0123456789abcdef", "", string(body), at, ErrSignatureFormat},
	}
	for _, tt := range tests {
		err := Verify([]byte(tt.secret), tt.header, []byte(tt.body), tt.now, 5*time.Minute)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
}
