// Test main: the sandbox's tests run programs as root under bubblewrap and cgroups, which the fast tier (-short) goes without.

package sandbox_test

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("sandbox: skipped under -short: its tests need root, bubblewrap and cgroups")
		os.Exit(0)
	}
	os.Exit(m.Run())
}
