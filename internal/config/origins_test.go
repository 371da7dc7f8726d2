// Tests of CORS_ORIGINS parsing.

package config_test

import (
	"slices"
	"testing"

	"livecode/internal/config"
)

func TestOrigins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"https://App.example.com, http://localhost:5173", []string{"https://app.example.com", "http://localhost:5173"}, false},
		{"https://app.example.com/", nil, true},
		{"app.example.com", nil, true},
		{"https://*.example.com", nil, true},
		{"ftp://example.com", nil, true},
		{"https://user@example.com", nil, true},
		{"*", nil, true},
	}
	for _, tc := range tests {
		c, err := config.Load(func(k string) string {
			if k == "CORS_ORIGINS" {
				return tc.env
			}
			return ""
		})
		if (err != nil) != tc.bad {
			t.Errorf("CORS_ORIGINS=%q: Load error %v, want error %v", tc.env, err, tc.bad)
			continue
		}
		if got, _ := c.Origins(); !tc.bad && !slices.Equal(got, tc.want) {
			t.Errorf("CORS_ORIGINS=%q: Origins() = %q, want %q", tc.env, got, tc.want)
		}
	}
}
