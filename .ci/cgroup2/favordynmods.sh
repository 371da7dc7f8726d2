# Inside the nested kernel (`.ci/cgroup2/run .ci/cgroup2/favordynmods.sh`): what favordynmods on
# the cgroup2 mount changes for a run, in alternating rounds with it off and on: a trivial Python
# run in the sandbox, and a process born in a fresh run cgroup.
export SANDBOX=bwrap WORK_DIR=/tmp/livecode-runs
n=0
for round in 1 2 3; do
	for mode in off on; do
		if [ "$mode" = on ]; then mount -o remount,favordynmods /sys/fs/cgroup; else mount -o remount /sys/fs/cgroup; fi
		echo "== round $round favordynmods $mode: $(grep ' /sys/fs/cgroup cgroup2 ' /proc/mounts)"
		n=$((n + 1))
		mkdir -p "/sys/fs/cgroup/bench-$n"
		(cd "$repo/internal/sandbox" && sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "/sys/fs/cgroup/bench-$n" \
			"$out/sandbox.test" -test.run '^$' -test.bench 'BenchmarkPythonSandboxed|BenchmarkRunCgroupStart' \
			-test.benchtime 20x) | grep -E '^Benchmark'
	done
done
