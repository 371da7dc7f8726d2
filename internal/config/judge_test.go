// Tests of the judged runs' settings.

package config_test

import (
	"strings"
	"testing"

	"livecode/internal/config"
)

func TestJudgeSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string // "" when valid
	}{
		{map[string]string{}, ""},
		{map[string]string{"MAX_TESTS": "0"}, "MAX_TESTS"},
		{map[string]string{"MAX_TESTS_BYTES": "-1"}, "MAX_TESTS_BYTES"},
		{map[string]string{"MAX_JUDGE_TIME_MS": "0"}, "MAX_JUDGE_TIME_MS"},
		// A judged run of 30 s, its compile included, does not fit a 20 s grace.
		{map[string]string{"SHUTDOWN_GRACE": "20s"}, "SHUTDOWN_GRACE"},
		{map[string]string{"SHUTDOWN_GRACE": "20s", "MAX_JUDGE_TIME_MS": "20000"}, ""},
		{map[string]string{"MAX_JUDGE_TIME_MS": "60000"}, "SHUTDOWN_GRACE"},
		{map[string]string{"MAX_JUDGE_TIME_MS": "60000", "SHUTDOWN_GRACE": "1m"}, ""},
	} {
		c, err := config.Load(func(k string) string { return tc.env[k] })
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want one naming %s", tc.env, err, tc.want)
		case tc.want == "" && (c.MaxTests < 1 || c.MaxTestsBytes < 1 || c.MaxJudgeTimeMS < 1):
			t.Errorf("%v: %+v", tc.env, c)
		}
	}
}
