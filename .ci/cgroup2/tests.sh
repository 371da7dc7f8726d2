# The tests run inside the nested kernel (init runs this after repo= and out= are set; full test
# output goes to the results directory, /mnt/results there).
# Memory touching is slow there: every time limit and wall bound the tests assert is scaled.
export LIVECODE_TIME_SCALE=${LIVECODE_TIME_SCALE:-6} SANDBOX=bwrap
# The host root is read-only here: caches and run dirs go to this kernel's own tmpfs.
export COMPILE_CACHE_DIR=/tmp/livecode-compile WORK_DIR=/tmp/livecode-runs
# The services the e2e tests start share their cgroup with the test binary, so they cannot make
# it their own (v2's no-internal-processes rule): they use a parent of their own at the root.
export CGROUP_PARENT=/livecode-runs
rc=0
step() { # name dir test-binary args...: runs one test binary alone in a cgroup of its own, which
	# its sandboxes make theirs (relative parents), and prints its verdict lines
	name=$1 dir=$2; shift 2
	echo "== $name ($(date +%T))"
	(cd "$dir" && mkdir -p "/sys/fs/cgroup/step-$name" &&
		sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "/sys/fs/cgroup/step-$name" "$@" -test.count=1 -test.v) \
		> "/mnt/results/$name.log" 2>&1 || rc=1
	grep -E '^(--- |ok|FAIL|PASS)|^    --- FAIL' "/mnt/results/$name.log"
}
step sandbox "$repo/internal/sandbox" "$out/sandbox.test" -test.timeout 50m \
	-test.run 'TestHostProbes|TestHelloWorld|TestOutcomes|TestTimeLimit|TestOutputLimit|TestNothingSurvives|TestSweepLeftovers|TestAttacks|TestWarmNothingCrosses|TestWarmLimits|TestWarmKeyMiss|TestWarmCompiled'
step e2e "$repo/e2e" env LIVECODE_BINARY="$out/livecode" "$out/e2e.test" -test.timeout 10m -test.run 'TestEmbeddedPrograms|TestDoctor'
echo "== doctor ($(date +%T))"
"$out/livecode" doctor
echo "== done ($(date +%T))"
exit $rc
