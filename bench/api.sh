#!/usr/bin/env bash
# API throughput next to its floor: autosave (PATCH /code-sessions/{id}) and the execution read
# (GET /executions/{id}) of `livecode serve`, then of bench/floor on the same database, in
# alternating wrk rounds so both see the same machine; prints each round and the medians' ratios:
# of throughput, and of the CPU each server spends per request (from /proc, steadier than
# throughput when other work shares the cores).
# Environment: DURATION (s per round, 5), CONNECTIONS (16), ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${DURATION:-5} conns=${CONNECTIONS:-16} rounds=${ROUNDS:-3}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/livecode" ./cmd/livecode
go build -o "$tmp/floor" ./bench/floor

PORT=3901 DATABASE_URL="sqlite:$tmp/db.sqlite" COMPILE_CACHE_DIR="$tmp/cache" RUN_RATE_LIMIT=0 \
	MAX_ACTIVE_PER_SESSION=0 LOG_LEVEL=warn "$tmp/livecode" serve 2>"$tmp/livecode.log" &
pids+=($!)
livecode=$!
for _ in $(seq 100); do curl -fs localhost:3901/healthz >/dev/null && break; sleep 0.1; done
sid=$(curl -fs localhost:3901/code-sessions -H 'Content-Type: application/json' \
	-d '{"language":"python","source_code":"print(1)"}' | sed 's/.*"session_id":"\([^"]*\)".*/\1/')
eid=$(curl -fs -X POST "localhost:3901/code-sessions/$sid/run" | sed 's/.*"execution_id":"\([^"]*\)".*/\1/')
for _ in $(seq 100); do curl -fs "localhost:3901/executions/$eid" | grep -q '"status":"COMPLETED"' && break; sleep 0.1; done
"$tmp/floor" -db "$tmp/db.sqlite" -addr 127.0.0.1:3902 &
pids+=($!)
floor=$!
for _ in $(seq 100); do curl -fs "localhost:3902/executions/$eid" >/dev/null && break; sleep 0.1; done

# cputicks PID: user+system CPU of a process so far, in clock ticks.
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

# measure NAME PID URL [wrk args…]: one wrk round; prints "NAME req/s p99-ms cpu-µs-per-request".
measure() {
	local name=$1 pid=$2 url=$3; shift 3
	local before; before=$(cputicks "$pid")
	wrk -t2 -c"$conns" -d"${dur}s" --latency "$@" "$url" > "$tmp/wrk"
	awk -v n="$name" -v ticks=$(($(cputicks "$pid") - before)) -v tick_us="$tick_us" '
		/requests in/ { reqs = $1 }
		/Requests\/sec/ { rps = $2 }
		$1 == "99%" { v = $2; ms = v + 0; if (v ~ /us$/) ms /= 1000; else if (v ~ /[0-9]s$/) ms *= 1000; p99 = ms }
		END { printf "%s %.0f %.2f %.0f\n", n, rps, p99, ticks * tick_us / reqs }' "$tmp/wrk"
}
for r in $(seq "$rounds"); do
	measure patch-livecode "$livecode" "http://127.0.0.1:3901/code-sessions/$sid" -s bench/patch.lua
	measure patch-floor "$floor" "http://127.0.0.1:3902/code-sessions/$sid" -s bench/patch.lua
	measure get-livecode "$livecode" "http://127.0.0.1:3901/executions/$eid"
	measure get-floor "$floor" "http://127.0.0.1:3902/executions/$eid"
done | tee "$tmp/rounds" | awk '{ printf "round  %-15s %8s req/s  p99 %6s ms  %5s µs CPU/request\n", $1, $2, $3, $4 }'
awk '{ rps[$1] = rps[$1] " " $2; p99[$1] = p99[$1] " " $3; cpu[$1] = cpu[$1] " " $4 }
	function median(list,   a, n, i, j, t) { n = split(list, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((n + 1) / 2)] }
	END { split("patch get", eps, " ")
		for (k = 1; k <= 2; k++) { ep = eps[k]
			l = median(rps[ep "-livecode"]); f = median(rps[ep "-floor"])
			lc = median(cpu[ep "-livecode"]); fc = median(cpu[ep "-floor"])
			printf "%-5s livecode %6.0f req/s (p99 %s ms, %s µs CPU)  floor %6.0f req/s (p99 %s ms, %s µs CPU)  throughput ratio %.2f  CPU ratio %.2f\n",
				ep, l, median(p99[ep "-livecode"]), lc, f, median(p99[ep "-floor"]), fc, l / f, fc / lc } }' "$tmp/rounds"
