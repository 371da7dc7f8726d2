// Tests that the defaults in code are the ones the README documents, and what an explicit 0 means.

package config

import (
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// readmeDefaults returns the defaults README.md documents: the configuration table's
// "| `A`, `B` | `1`, `2` | … |" rows where names and values pair up one to one (a value cell
// without a backquoted value documents an unset variable: ""), and the limits table's
// "`NAME` (number)" and "`NAME` (number MiB)" cells.
func readmeDefaults(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	quoted := regexp.MustCompile("`([^`]*)`")
	inline := regexp.MustCompile("`([A-Z][A-Z0-9_]+)` \\(([0-9]+)( [KMG]iB)?\\)")
	units := map[string]int{"": 1, " KiB": 1 << 10, " MiB": 1 << 20, " GiB": 1 << 30}
	known := map[string]bool{}
	for _, n := range names() {
		known[n] = true
	}
	docs := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		for _, m := range inline.FindAllStringSubmatch(line, -1) {
			if n, err := strconv.Atoi(m[2]); err == nil && known[m[1]] {
				docs[m[1]] = strconv.Itoa(n * units[m[3]])
			}
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(line, "| `") {
			continue
		}
		var vars, values []string
		for _, m := range quoted.FindAllStringSubmatch(cells[1], -1) {
			vars = append(vars, m[1])
		}
		for _, m := range quoted.FindAllStringSubmatch(cells[2], -1) {
			values = append(values, m[1])
		}
		if !known[vars[0]] {
			continue
		}
		switch {
		case len(values) == len(vars):
			for i, v := range vars {
				docs[v] = values[i]
			}
		case len(values) == 0 && strings.TrimSpace(cells[2]) == "":
			for _, v := range vars {
				docs[v] = ""
			}
		}
	}
	return docs
}

// TestDefaultsAreDocumented loads each documented default as if it were set and checks that
// it changes nothing: the README's table and Default agree, variable by variable.
func TestDefaultsAreDocumented(t *testing.T) {
	t.Parallel()
	want := Default()
	want.Workers = runtime.NumCPU()
	got, err := Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(empty) = %+v\nwant Default() = %+v", got, want)
	}
	docs := readmeDefaults(t)
	for _, n := range names() {
		if _, ok := docs[n]; !ok && !undocumented[n] {
			t.Errorf("README documents no default of %s", n)
		}
	}
	for name, value := range docs {
		if value == "" {
			// Unset by default: Default leaves the field at its zero value.
			if f := field(t, &want, name); !f.IsZero() {
				t.Errorf("%s: README gives no default, Default() = %v", name, f)
			}
			continue
		}
		c, err := Load(func(k string) string {
			if k == name {
				return value
			}
			return ""
		})
		if err != nil {
			t.Errorf("%s=%s (README's default): %v", name, value, err)
			continue
		}
		if g, w := field(t, &c, name).Interface(), field(t, &want, name).Interface(); g != w {
			t.Errorf("%s: README's default %q is %v, Default() has %v", name, value, g, w)
		}
	}
}

// undocumented are the variables whose defaults README gives in words, not as a value.
var undocumented = map[string]bool{
	"WORKERS":    true,                                                                // the number of CPUs
	"REDIS_HOST": true, "REDIS_PORT": true, "REDIS_PASSWORD": true, "REDIS_TLS": true, // one cell for four names
}

// field returns the field of c read from the variable name.
func field(t *testing.T, c *Config, name string) reflect.Value {
	t.Helper()
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		if strings.Split(v.Type().Field(i).Tag.Get("env"), ",")[0] == name {
			return v.Field(i)
		}
	}
	t.Fatalf("no field reads %s", name)
	return reflect.Value{}
}

// TestExplicitZero checks what an explicit 0 means: taken as written where it has a meaning,
// refused with an error naming the variable elsewhere, never silently the default.
func TestExplicitZero(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ok   bool // 0 has a meaning
	}{
		{"PORT", true}, {"WORKERS", true}, {"MAX_ACTIVE_PER_SESSION", true}, {"RUN_RATE_LIMIT", true},
		{"IDEMPOTENCY_TTL", true}, {"RETENTION_EXECUTIONS", true}, {"RETENTION_SESSIONS", true},
		{"QUOTA_MAX_ACTIVE", true}, {"QUOTA_RUN_RATE_LIMIT", true},
		{"REDIS_PORT", false}, {"QUEUE_CAPACITY", false}, {"QUEUE_TIMEOUT", false}, {"QUEUE_POLL_INTERVAL", false},
		{"MAX_ATTEMPTS", false}, {"LEASE_DURATION", false}, {"REAP_INTERVAL", false}, {"REQUEUE_AFTER", false},
		{"SHUTDOWN_GRACE", false}, {"MAX_BODY_BYTES", false}, {"RUN_RATE_WINDOW", false}, {"MAX_WAIT_MS", false},
		{"RETENTION_INTERVAL", false}, {"RETENTION_BATCH", false}, {"TIME_LIMIT_MS", false},
		{"MEMORY_LIMIT_MB", false}, {"MAX_PROCESSES", false}, {"OUTPUT_LIMIT_BYTES", false},
		{"MAX_TIME_LIMIT_MS", false}, {"SANDBOX_UID_BASE", false}, {"COMPILE_CACHE_MAX_BYTES", false},
		{"COMPILE_TIME_LIMIT_MS", false}, {"QUOTA_RUN_RATE_WINDOW", false}, {"WEBHOOK_MAX_ATTEMPTS", false},
		{"WEBHOOK_TIMEOUT", false}, {"WEBHOOK_CONCURRENCY", false},
	} {
		c, err := Load(func(k string) string {
			if k == tc.name {
				return "0"
			}
			return ""
		})
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s=0: %v", tc.name, err)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), tc.name)):
			t.Errorf("%s=0: error %v, want one naming %s", tc.name, err, tc.name)
		case tc.ok && tc.name == "WORKERS" && c.Workers != runtime.NumCPU():
			t.Errorf("WORKERS=0: Workers = %d, want the number of CPUs", c.Workers)
		case tc.ok && tc.name != "WORKERS" && !field(t, &c, tc.name).IsZero():
			t.Errorf("%s=0: field is %v, want 0 as written", tc.name, field(t, &c, tc.name))
		}
	}
}
