#!/usr/bin/env bash
# fib-baseline.sh: our DIR-24-8 FIB (org.vroom.fib) against DPDK's rte_fib DIR24_8, same machine,
# same table (FullTable.load(1_050_000, seed)), same address traces, same next hops.
#
#   perf/scripts/fib-baseline.sh [--reps N] [--build-reps N] [--routes N] [--trace-len N]
#                                [--dpdk-impls default,avx512,...] [--batches 8,16,32,64]
#
# Builds perf/native/build/fib_bench (needs libdpdk-dev and pkg-config), builds the perf jar if it
# is missing, exports the routes and traces to a temporary directory, runs the DPDK harness and then
# the Java harness, and prints one JSON object per line: fib.info, fib.build, fib.reference,
# fib.compare, fib.env, fib.lookup (per impl, trace, batch) and the ratios fib.build.ratio and
# fib.lookup.ratio (vroom over each DPDK lookup function measured). Exits 3 when the two sides
# computed different next hops (fib.diff lines name the addresses), non-zero on any other failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

reps=5 build_reps=3 routes=1050000 trace_len=16777216 dpdk_impls=default,avx512 batches=8,16,32,64
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --build-reps) build_reps=$2; shift 2 ;;
    --routes) routes=$2; shift 2 ;;
    --trace-len) trace_len=$2; shift 2 ;;
    --dpdk-impls) dpdk_impls=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fib-baseline: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "fib-baseline: $*" >&2; }

# --- JDK: the same choice as ./vroom (Temurin 25 or any JDK >= 21) ---
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
jdk=
for c in "${VROOM_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
  v=$(java_major "$c"); v=${v%%.*}
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then jdk=$c; break; fi
done
[ -n "$jdk" ] || { log "no JDK >= 21 found (set VROOM_JAVA_HOME)"; exit 1; }
export JAVA_HOME=$jdk PATH="$jdk/bin:$PATH"
jflags=("@$root/jvm.options")
[ "$(java_major "$jdk" | cut -d. -f1)" -ge 24 ] && jflags+=(--sun-misc-unsafe-memory-access=allow)

# --- the C harness ---
pkg-config --exists libdpdk 2>/dev/null || { log "libdpdk not found by pkg-config (apt-get install libdpdk-dev pkg-config)"; exit 1; }
mkdir -p "$root/perf/native/build"
bin=$root/perf/native/build/fib_bench
# shellcheck disable=SC2046 # pkg-config output is a list of words
gcc $(pkg-config --cflags libdpdk) -O3 -march=native -Wall -Wextra -o "$bin" "$root/perf/native/fib_bench.c" \
  $(pkg-config --libs libdpdk)

# --- the perf jar ---
jar=$root/perf/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  log "building $jar"
  (cd "$root" && ./vroom build)
fi

# --- data, runs, comparison ---
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fib-baseline.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data" "$tmp/run"

java "${jflags[@]}" -cp "$jar" org.vroom.perf.FibBaselineExport "$tmp/data" \
  --routes "$routes" --trace-len "$trace_len"

# The machine's state, to read the figures against (2 shared cores: other work shows in loadavg).
printf '{"bench":"fib.env","cpu":"%s","cpus":%s,"loadavg":"%s","kernel":"%s"}\n' \
  "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -r)"

log "running DPDK rte_fib ($dpdk_impls)"
dpdk_rc=0
XDG_RUNTIME_DIR=$tmp/run "$bin" "$tmp/data" --results-out --reps "$reps" --build-reps "$build_reps" \
  --batches "$batches" --impls "$dpdk_impls" >"$tmp/dpdk.jsonl" || dpdk_rc=$?
cat "$tmp/dpdk.jsonl"
[ "$dpdk_rc" -eq 0 ] || { log "fib_bench exited $dpdk_rc"; exit "$dpdk_rc"; }

log "running vroom Dir24_8Fib"
java_rc=0
java "${jflags[@]}" -cp "$jar" org.vroom.perf.FibBaselineJava "$tmp/data" --reps "$reps" \
  --build-reps "$build_reps" --batches "$batches" >"$tmp/vroom.jsonl" || java_rc=$?
cat "$tmp/vroom.jsonl"

# Ratios and the cross-check of every checksum against DPDK's reference checksum of its trace.
check_rc=0
cat "$tmp/dpdk.jsonl" "$tmp/vroom.jsonl" | awk '
  function get(line, key,   v) {
    if (!match(line, "\"" key "\":\"?[^,\"}]*")) return ""
    v = substr(line, RSTART, RLENGTH); sub("^\"" key "\":\"?", "", v); return v
  }
  { bench = get($0, "bench"); impl = get($0, "impl"); trace = get($0, "trace") }
  bench == "fib.reference" && impl == "dpdk-rte_fib" { ref[trace] = get($0, "checksum") }
  bench == "fib.reference" || bench == "fib.lookup" { sums[++nsums] = trace SUBSEP get($0, "checksum") SUBSEP impl }
  bench == "fib.compare" && get($0, "differences") != 0 { bad = 1 }
  bench == "fib.build" { build[impl] = get($0, "routes_per_s"); buildmed[impl] = get($0, "routes_per_s_median") }
  bench == "fib.lookup" && impl == "vroom" {
    key = trace SUBSEP get($0, "batch"); vbest[key] = get($0, "lookups_per_s"); vmed[key] = get($0, "lookups_per_s_median")
    vkeys[++nv] = key
  }
  bench == "fib.lookup" && impl != "vroom" {
    k = impl SUBSEP trace SUBSEP get($0, "batch"); dbest[k] = get($0, "lookups_per_s"); dmed[k] = get($0, "lookups_per_s_median")
    lfn[impl] = get($0, "lookup_fn"); if (!(impl in seen)) { seen[impl] = 1; impls[++ni] = impl }
  }
  END {
    for (i = 1; i <= nsums; i++) {
      split(sums[i], s, SUBSEP)
      if (!(s[1] in ref) || s[2] != ref[s[1]]) {
        printf "fib-baseline: checksum mismatch: %s trace %s: %s, DPDK reference %s\n", s[3], s[1], s[2], ref[s[1]] > "/dev/stderr"
        bad = 1
      }
    }
    if (build["vroom"] > 0 && build["dpdk-rte_fib"] > 0)
      printf "{\"bench\":\"fib.build.ratio\",\"vroom_over_dpdk\":%.3f,\"vroom_over_dpdk_median\":%.3f}\n",
        build["vroom"] / build["dpdk-rte_fib"], buildmed["vroom"] / buildmed["dpdk-rte_fib"]
    for (j = 1; j <= ni; j++) {
      for (i = 1; i <= nv; i++) {
        split(vkeys[i], kk, SUBSEP); k = impls[j] SUBSEP vkeys[i]
        if (!(k in dbest) || dbest[k] == 0) continue
        printf "{\"bench\":\"fib.lookup.ratio\",\"trace\":\"%s\",\"batch\":%s,\"dpdk_impl\":\"%s\",\"dpdk_lookup_fn\":\"%s\",\"vroom_over_dpdk\":%.3f,\"vroom_over_dpdk_median\":%.3f}\n",
          kk[1], kk[2], impls[j], lfn[impls[j]], vbest[vkeys[i]] / dbest[k], vmed[vkeys[i]] / dmed[k]
      }
    }
    exit bad ? 3 : 0
  }' || check_rc=$?

if [ "$java_rc" -ne 0 ]; then log "FibBaselineJava exited $java_rc"; exit "$java_rc"; fi
if [ "$check_rc" -ne 0 ]; then log "the two FIBs computed different next hops"; exit 3; fi
