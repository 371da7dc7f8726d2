// Measurement, enabled by LIVECODE_MEASURE=1: cached against uncached run time of large builds,
// for this build and, side by side, an earlier one named by LIVECODE_BEFORE. Run it with
// -bench=None so that this build, like a release, is built without the race detector.

package e2e

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"
)

func TestMeasureCachedRunCost(t *testing.T) {
	if os.Getenv("LIVECODE_MEASURE") == "" {
		t.Skip("set LIVECODE_MEASURE=1 to measure")
	}
	builds := map[string]string{"after": binary}
	if b := os.Getenv("LIVECODE_BEFORE"); b != "" {
		builds["before"] = b
	}
	programs := []struct{ name, lang, code string }{
		{"c hello", "c", corpus["c"].hello},
		{"java 1500 classes", "java", javaClasses(1500)},
		{"java 3200 classes", "java", javaClasses(3200)},
	}
	servers := map[string]string{}
	for i, name := range []string{"before", "after"} {
		if bin, ok := builds[name]; ok {
			p, _ := startLanguagesOf(t, bin, 70300+100*i)
			servers[name] = p.URL
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, prog := range programs {
		for _, name := range []string{"before", "after"} { // interleaved: the same machine state
			base, ok := servers[name]
			if !ok {
				continue
			}
			first := runOnce(ctx, t, base, prog.lang, prog.code, nil)
			var cached, seen []int64 // execution_time_ms; POST to terminal status at the client
			status := ""
			for range 11 {
				r := runOnce(ctx, t, base, prog.lang, prog.code, nil)
				cached, status = append(cached, r.ExecTimeMS), r.Status+"/"+r.Reason
				seen = append(seen, int64(r.elapsed*1000))
			}
			slices.Sort(cached)
			slices.Sort(seen)
			compile := int64(-1)
			if first.CompileTimeMS != nil {
				compile = *first.CompileTimeMS
			}
			t.Logf("%-18s %-6s uncached %s/%s compile %d ms run %5d ms | cached %s run median %5d ms (min %d, max %d), at the client %d ms",
				prog.name, name, first.Status, first.Reason, compile, first.ExecTimeMS, status, cached[5], cached[0], cached[10], seen[5])
			if first.Status != "COMPLETED" {
				t.Logf("uncached run's compile output: %.300q", first.CompileOutput)
			}
		}
	}
}
