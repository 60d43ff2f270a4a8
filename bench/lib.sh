# Shell functions the benchmarks share; sourced, never run. The caller sets $tmp (a scratch
# folder) and keeps the pids of what it starts in the array `pids`, stopped by bench_cleanup.

pids=()

# SIGTERM first so a server shuts down normally, SIGKILL if it hangs.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Stops a server and drops it from the cleanup list.
stop_server() {
  local pid=$1 kept=() p
  stop_pid "$pid"
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

bench_cleanup() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  rm -rf "$tmp"
}

# A port nobody listens on now; the kernel picks it, the server binds it soon after.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_200 PORT PATH SECONDS PID: true once GET PATH answers 200, false when PID exits first.
wait_200() {
  local port=$1 path=$2 deadline=$((SECONDS + $3)) pid=$4
  while [ "$SECONDS" -le "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")" = 200 ] && return 0
    sleep 0.02
  done
  return 1
}

# wrk latency figures come as 123.45us / 1.23ms / 1.20s; prints milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

# Busy share of a set of cores between two /proc/stat snapshots: cpu_busy BEFORE AFTER CPULIST.
cpu_busy() {
  awk -v list="$3" 'BEGIN {
      n = split(list, parts, ",")
      for (i = 1; i <= n; i++) {
        if (split(parts[i], range, "-") == 2) { for (c = range[1]; c <= range[2]; c++) want["cpu" c] = 1 }
        else want["cpu" parts[i]] = 1
      }
    }
    ($1 in want) {
      idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i
      if (FILENAME == ARGV[1]) { i0 += idle; t0 += total } else { i1 += idle; t1 += total }
    }
    END { printf "%.0f", (t1 > t0) ? 100 * (1 - (i1 - i0) / (t1 - t0)) : 0 }' "$1" "$2"
}

# A as a whole percentage of B; A - B signed; A / B to two places.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0) ? 100 * a / b : 0 }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# "ok" when value <= target (or >= with "ge"), else "MISS"; targets are informative only.
verdict() {
  awk -v v="$1" -v t="$2" -v op="${3:-le}" 'BEGIN {
    pass = (op == "ge") ? (v + 0 >= t + 0) : (v + 0 <= t + 0)
    print pass ? "ok" : "MISS"
  }'
}

# Kilobytes of one field of /proc/PID/status (VmRSS, RssAnon, VmHWM...).
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
