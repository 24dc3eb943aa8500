#!/usr/bin/env bash
# forwarding-bench.sh: the same traffic forwarded by (a) the Linux kernel and (b) vroom, in the same
# topology, at the same offered loads, in one run; prints JSON lines.
#
#   perf/scripts/forwarding-bench.sh [--loads 20000,50000,100000,200000] [--seconds 8] [--warmup 2]
#                                    [--frame-len 60] [--tick-us 100] [--switch-ms 500]
#                                    [--cases kernel,vroom] [--nice -10]
#                                    [--jar kernel/target/vroom.jar] [--no-build] [--keep-logs DIR]
#
# Topologies (network namespaces fb<tag>-*), built once, so vroom keeps running between its loads:
#   (a) kernel:   gen --veth-- r --veth-- sink; r has 10.70.1.1/24 and 10.70.2.1/24, ip_forward=1 and
#                 a route 10.70.3.0/24 via 10.70.2.2.
#   (b) vroom:    the same, but r has no addresses, IPv6 off, ip_forward=0, and a vroom node (one VR
#                 with the same addresses and static route) opens both veths with AF_PACKET.
#   (c) baseline: gen --veth-- sink, the same frames straight to a sink.
# Traffic: lib/fwdtraffic.c (compiled here) writes 64-byte frames (60 + FCS), UDP to 10.70.3.1, paced
# by a 100 us tick, each with a run id and a sequence number. A sink reads them from a TPACKET_V3
# ring (it wakes once per ring block) and counts them exactly: delivered, lost, duplicates,
# reordered; the sink's kernel then drops them (not its address, no forwarding, so no ICMP).
# A run of one case at one load lasts 2 x --seconds: the generator alternates every --switch-ms
# between that case's topology and the baseline (c), at the same rate, --seconds each. Before the
# measured runs vroom gets --warmup seconds of traffic at each load (the JIT compiles for each).
#
# CPU per forwarded packet, method "sender-softirq-delta":
# A veth transmission queues the frame on the sending CPU's backlog and the kernel processes it in
# softirq before the sending system call returns; this kernel has no IRQ time accounting, so that
# work is charged to the sending task. The generator (pinned to CPU 0) times its own thread inside
# each sendmmsg(2) (CLOCK_THREAD_CPUTIME_ID, exact) per destination, which holds
#   (a) its own send + r's receive, ip_forward and transmit + the sink veth's receive
#   (b) its own send + r's receive into vroom's AF_PACKET ring and the wake-up of vroom
#   (c) its own send + the sink veth's receive
# vroom runs on CPU 1 with the sink process. It is measured whole, all threads, exact, which holds
# its own work, its transmit and the sink veth's receive. The generator also samples the CPU clocks
# of ksoftirqd/0, ksoftirqd/1 and vroom at every switch, so each is split between the two phases.
# The generator, the sinks and vroom run at nice --nice: on this shared box other people's builds
# would otherwise starve them (the kernel's softirq work outranks every task anyway);
# runq_wait_pct shows how long vroom's threads still waited for a CPU.
#   router CPU = sendmmsg + ksoftirqd (router phase) - the same in the baseline phase, scaled to the
#                packets sent  [+ vroom's CPU during the router phase]
# per packet the sink received. The baseline phase takes out the generator's own work and the
# sink's receive, interleaved with the measured phase so that both see the same machine (this VM's
# per-packet costs drift by tens of percent between runs). Per-task clocks ignore other processes
# of this shared machine, which /proc/stat would count; perf has no hardware counters here.
# vroom_process_ns_per_packet is vroom's own CPU, which includes the sink veth's receive that its
# transmit triggers (the subtraction takes that out of cpu_ns_per_packet); vroom_threads_both_phases
# (per thread, over the whole run) shows where vroom's CPU goes; vroom_counters are the node's own
# counters over the run (rx_ring_drops: frames its receive ring had no room for).
#
# Lines: fwd.env (once), fwd (per case and load), fwd.ratio (per load). Exits non-zero when the
# topology cannot be built or a case cannot be run. Everything it created (namespaces, processes
# it started, vroom's counters file, its temporary directory) is removed on exit, also on Ctrl-C.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

loads=20000,50000,100000,200000 seconds=8 warmup=2 frame_len=60 tick_us=100 switch_ms=500 cases=kernel,vroom
bench_nice=-10
jar=$root/kernel/target/vroom.jar build=1 keep_logs=
while [ $# -gt 0 ]; do
  case "$1" in
    --loads) loads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --frame-len) frame_len=$2; shift 2 ;;
    --tick-us) tick_us=$2; shift 2 ;;
    --switch-ms) switch_ms=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --nice) bench_nice=$2; shift 2 ;;
    --jar) jar=$2; build=0; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep-logs) keep_logs=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "forwarding-bench: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "forwarding-bench: $*" >&2; }
fail() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces, AF_PACKET)"
for t in ip gcc awk sed taskset; do command -v "$t" >/dev/null || fail "$t not found"; done
[ "$(nproc --all)" -ge 2 ] || fail "needs 2 CPUs (generator on CPU 0, vroom and the sink on CPU 1)"
case ",$cases," in *,kernel,*) run_kernel=1 ;; *) run_kernel=0 ;; esac
case ",$cases," in *,vroom,*) run_vroom=1 ;; *) run_vroom=0 ;; esac
[ "$run_kernel" = 1 ] || [ "$run_vroom" = 1 ] || fail "--cases: kernel, vroom or both"
IFS=, read -r -a load_list <<<"$loads"
for l in "${load_list[@]}"; do [[ "$l" =~ ^[1-9][0-9]*$ ]] || fail "--loads: not a rate: $l"; done
[[ "$seconds" =~ ^[1-9][0-9]*$ && "$warmup" =~ ^[0-9]+$ ]] || fail "--seconds/--warmup: whole seconds"
[[ "$bench_nice" =~ ^-?[0-9]+$ ]] || fail "--nice: a nice value"
[[ "$switch_ms" =~ ^[1-9][0-9]*$ && "$tick_us" =~ ^[1-9][0-9]*$ && "$frame_len" =~ ^[1-9][0-9]*$ ]] ||
  fail "--switch-ms/--tick-us/--frame-len: positive whole numbers"

# --- JDK: the same choice as ./vroom (Temurin 25 or any JDK >= 21) ---
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
jflags=()
if [ "$run_vroom" = 1 ]; then
  jdk=
  for c in "${VROOM_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    v=$(java_major "$c"); v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then jdk=$c; break; fi
  done
  [ -n "$jdk" ] || fail "no JDK >= 21 found (set VROOM_JAVA_HOME)"
  export JAVA_HOME=$jdk PATH="$jdk/bin:$PATH"
  jflags=("@$root/jvm.options")
  [ "$(java_major "$jdk" | cut -d. -f1)" -ge 24 ] && jflags+=(--sun-misc-unsafe-memory-access=allow)
  if [ "$build" = 1 ] && { [ ! -f "$jar" ] || [ -n "$(cd "$root" && find . \( -path '*/src/main/*' -o -name pom.xml \) \
      -not -path './perf/*' -not -path './tests/*' -newer "$jar" -print -quit)" ]; }; then
    log "building $jar"
    (cd "$root" && ./vroom build) >&2 || fail "build failed (use --no-build to run the existing jar)"
  fi
  [ -f "$jar" ] || fail "no $jar (run ./vroom build)"
fi

# --- state and cleanup ---
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwd-bench.XXXXXX")
tag=$(printf '%04x' $(( ($$ ^ RANDOM) & 0xffff )))
namespaces=() pids=() counters_file=
cleanup() {
  local rc=$? p i
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  for p in "${namespaces[@]}"; do ip netns del "$p" 2>/dev/null || true; done
  # the vroom node leaves its counters file and lock behind for "vroom stat": ours go with us
  [ -n "$counters_file" ] && rm -f "$counters_file" "${counters_file%.counters}.lock"
  if [ -n "$keep_logs" ]; then mkdir -p "$keep_logs" && cp -r "$tmp"/. "$keep_logs"/ 2>/dev/null || true; fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
forget_pid() { local p keep=(); for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }

tool=$tmp/fwdtraffic
gcc -O2 -Wall -Wextra -o "$tool" "$here/lib/fwdtraffic.c" || fail "cannot build lib/fwdtraffic.c"

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
mac_of() { nsx "$1" cat "/sys/class/net/$2/address"; }
calc() { awk "BEGIN { $1 }"; }
json_field() { sed -n "s/.*\"$2\":\\([0-9.]*\\).*/\\1/p" "$1"; }
# gen_field FILE DEST FIELD: a number of the generator's "router" or "baseline" object
gen_field() { sed -n "s/.*\"$2\":{\\([^}]*\\)}.*/\\1/p" "$1" | sed -n "s/.*\"$3\":\\([0-9.]*\\).*/\\1/p"; }
# gen_acct FILE DEST: the CPU ns of the accounted processes (ksoftirqd/0, ksoftirqd/1 [, vroom])
gen_acct() { sed -n "s/.*\"$2\":{[^}]*\"acct_ns\":\\[\\([0-9,]*\\)\\].*/\\1/p" "$1" | tr ',' ' '; }

# pid of the kernel thread named exactly $1
kthread_pid() {
  local f c
  for f in /proc/[0-9]*/comm; do
    if { read -r c <"$f"; } 2>/dev/null && [ "$c" = "$1" ]; then f=${f#/proc/}; echo "${f%/comm}"; return 0; fi
  done
  fail "no kernel thread $1"
}
ksoftirqd="$(kthread_pid ksoftirqd/0),$(kthread_pid ksoftirqd/1)"

# topo C: namespaces fb<tag>-<C>{g,r,s}, veths <C>g<tag>/<C>i<tag> and <C>o<tag>/<C>s<tag>;
# C = k (kernel), v (vroom), b (baseline: gen and sink only, one veth <C>g<tag>/<C>s<tag>).
# The sink owns 10.70.2.2/24 (it answers ARP) but not the destination 10.70.3.1 and does not
# forward, so its kernel drops the test frames after the sink's ring has copied them (no ICMP).
topo() {
  local c=$1 g=fb$tag-${1}g r=fb$tag-${1}r s=fb$tag-${1}s ns k list
  list=("$g" "$s"); [ "$c" = b ] || list+=("$r")
  for ns in "${list[@]}"; do
    ip netns add "$ns"; namespaces+=("$ns")
    ip -n "$ns" link set lo up
    for k in net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=0 \
             net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; do nsx "$ns" sysctl -q -w "$k" >/dev/null; done
  done
  if [ "$c" = b ]; then
    ip link add "${c}g$tag" netns "$g" type veth peer name "${c}s$tag" netns "$s"
  else
    ip link add "${c}g$tag" netns "$g" type veth peer name "${c}i$tag" netns "$r"
    ip link add "${c}o$tag" netns "$r" type veth peer name "${c}s$tag" netns "$s"
    ip -n "$r" link set "${c}i$tag" up
    ip -n "$r" link set "${c}o$tag" up
  fi
  ip -n "$g" link set "${c}g$tag" up
  ip -n "$s" link set "${c}s$tag" up
  ip -n "$g" addr add 10.70.1.2/24 dev "${c}g$tag"
  ip -n "$s" addr add 10.70.2.2/24 dev "${c}s$tag"
  if [ "$c" = k ]; then
    ip -n "$r" addr add 10.70.1.1/24 dev "${c}i$tag"
    ip -n "$r" addr add 10.70.2.1/24 dev "${c}o$tag"
    ip -n "$r" route add 10.70.3.0/24 via 10.70.2.2
    nsx "$r" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null
  fi
}

# --- vroom per-thread CPU: "<name> ns wakeups user_ticks system_ticks runq_wait_ns" lines (schedstat:
# run time and time spent runnable but waiting for a CPU; voluntary context switches; /proc/<tid>/stat) ---
threads_snapshot() {
  local t comm rt wait rest vcs ticks
  for t in /proc/"$1"/task/*; do
    comm=$(tr ' "\\' '___' <"$t/comm" 2>/dev/null) || continue
    { read -r rt wait rest <"$t/schedstat"; } 2>/dev/null || continue
    vcs=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status" 2>/dev/null) || vcs=0
    ticks=$(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{ print $12, $13 }') || ticks="0 0"
    echo "$comm $rt ${vcs:-0} ${ticks:-0 0} ${wait:-0}"
  done
}
# threads_report BEFORE AFTER PACKETS SECONDS: threads with >= 2% of the process CPU, the rest as "other"
threads_report() {
  awk -v pk="$3" -v secs="$4" '
    FNR == NR { ns0[$1] += $2; sw0[$1] += $3; u0[$1] += $4; s0[$1] += $5; q0[$1] += $6; next }
    { ns1[$1] += $2; sw1[$1] += $3; u1[$1] += $4; s1[$1] += $5; q1[$1] += $6 }
    END {
      for (k in ns1) { d[k] = ns1[k] - ns0[k]; w[k] = sw1[k] - sw0[k]; total += d[k] }
      printf "{"; sep = ""; other = 0
      for (k in d) {
        if (d[k] > 0 && d[k] * 50 >= total) {
          u = u1[k] - u0[k]; sy = s1[k] - s0[k]; share = "null"
          if (u + sy > 0) share = sprintf("%.2f", sy / (u + sy))
          printf "%s\"%s\":{\"ns_per_packet\":%.0f,\"wakeups_per_s\":%.0f,\"kernel_share\":%s,\"runq_wait_pct\":%.1f}",
            sep, k, d[k] / pk, w[k] / secs, share, (q1[k] - q0[k]) / (secs * 1e7); sep = ","
        } else other += d[k]
      }
      printf "%s\"other\":{\"ns_per_packet\":%.0f}}", sep, other / pk
    }' "$1" "$2"
}

# vroom_counters FILE: the node's counters as "entity.metric value" lines (bytes left out)
vroom_counters() {
  "$JAVA_HOME/bin/java" "${jflags[@]}" -cp "$jar" org.vroom.kernel.stats.StatTool --node "fwdbench-$tag" --json 2>/dev/null |
    sed -n 's/.*"record":"counter".*"entity":"\([^"]*\)".*"metric":"\([^"]*\)","value":\([0-9]*\).*/\1.\2 \3/p' |
    grep -v '_bytes ' >"$1" || true
}
# counters_delta BEFORE AFTER: JSON members for the counters that changed
counters_delta() {
  awk 'FNR == NR { a[$1] = $2; next } { d = $2 - a[$1]; if (d != 0) { printf "%s\"%s\":%d", sep, $1, d; sep = "," } }' "$1" "$2"
}

# sink_start C RUN_ID COUNT OUT: a sink on CPU 1 on topology C's sink veth; sets sink_pid
sink_start() {
  ip netns exec "fb$tag-${1}s" nice -n "$bench_nice" taskset -c 1 "$tool" sink --if "${1}s$tag" --run-id "$2" --count "$3" \
    >"$4" 2>"$4.err" &
  sink_pid=$!; pids+=("$sink_pid")
}
sink_ready() {
  local i
  for i in $(seq 100); do grep -q READY "$1" 2>/dev/null && return 0; sleep 0.05; done
  fail "sink did not start: $(cat "$1.err")"
}
# sink_stop PID OUT: gives the sink up to 1 s to see every frame, then stops it (it reads what is
# left in its ring first) and checks its report
sink_stop() {
  local i
  for i in $(seq 20); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" || true; forget_pid "$1"
  grep -q '"unique"' "$2" || fail "sink gave no report: $(cat "$2.err")"
}

run_id=100
declare -A result
# run_case C RATE SECONDS [quiet]: one run through the kernel (k) or vroom (v), alternating with the
# baseline; prints the fwd line unless quiet
run_case() {
  local c=$1 rate=$2 secs=$3 quiet=${4:-} name vp= acct=$ksoftirqd dmac
  run_id=$((run_id + 2))
  if [ "$c" = k ]; then
    name=kernel; dmac=$(mac_of "fb$tag-kr" "ki$tag")
  else
    name=vroom; vp=$vroom_pid; acct+=",$vp"
    dmac=02:00:00:01:00:00 # vroom's MAC of VR id 1, interface 0 (Vif.macFor)
  fi
  local pre=$tmp/$c-$rate-$run_id count=$((rate * secs)) sp sbp
  [ -n "$vp" ] && [ -z "$quiet" ] && vroom_counters "$pre.vc0"
  sink_start "$c" "$run_id" "$count" "$pre.sink"; sp=$sink_pid
  sink_start b $((run_id + 1)) "$count" "$pre.bsink"; sbp=$sink_pid
  sink_ready "$pre.sink"; sink_ready "$pre.bsink"
  local load1; load1=$(cut -d' ' -f1 /proc/loadavg)
  [ -n "$vp" ] && threads_snapshot "$vp" >"$pre.th0"
  ip netns exec "fb$tag-${c}g" nice -n "$bench_nice" taskset -c 0 "$tool" gen --if "${c}g$tag" --src-mac "$(mac_of "fb$tag-${c}g" "${c}g$tag")" \
    --dst-mac "$dmac" --src-ip 10.70.1.2 --dst-ip 10.70.3.1 --rate "$rate" --seconds "$secs" --run-id "$run_id" \
    --frame-len "$frame_len" --tick-us "$tick_us" --switch-ms "$switch_ms" --account "$acct" \
    --base-if "bg$tag" --base-netns "fb$tag-bg" --base-src-mac "$(mac_of "fb$tag-bg" "bg$tag")" \
    --base-dst-mac "$(mac_of "fb$tag-bs" "bs$tag")" --base-run-id $((run_id + 1)) >"$pre.gen" &
  local gp=$!; pids+=("$gp")
  wait "$gp" || fail "generator failed" # (waiting in "wait" lets a TERM/INT trap run at once)
  forget_pid "$gp"
  [ -n "$vp" ] && threads_snapshot "$vp" >"$pre.th1"
  sink_stop "$sp" "$pre.sink"; sink_stop "$sbp" "$pre.bsink"
  local unique; unique=$(json_field "$pre.sink" unique)
  result[$c,$rate,unique]=$unique
  [ -n "$quiet" ] && return 0
  [ "$unique" -gt 0 ] || fail "$name delivered nothing at $rate pps"

  local sent refused send bsent bsend ra ba lost
  sent=$(gen_field "$pre.gen" router sent); refused=$(gen_field "$pre.gen" router refused)
  send=$(gen_field "$pre.gen" router send_cpu_ns); ra=($(gen_acct "$pre.gen" router))
  bsent=$(gen_field "$pre.gen" baseline sent); bsend=$(gen_field "$pre.gen" baseline send_cpu_ns)
  ba=($(gen_acct "$pre.gen" baseline))
  lost=$(json_field "$pre.sink" lost)
  [ "$(json_field "$pre.bsink" lost)" = 0 ] || log "baseline sink lost $(json_field "$pre.bsink" lost) frames ($name $rate pps)"
  # ns per packet: kernel work charged to the sender, its baseline, vroom in the router phase
  local kern base vroom=0 vidle=0 total
  kern=$(calc "printf \"%.1f\", ($send + ${ra[0]} + ${ra[1]}) / $unique")
  base=$(calc "printf \"%.1f\", ($bsend + ${ba[0]} + ${ba[1]}) / $bsent * $sent / $unique")
  if [ -n "$vp" ]; then
    vroom=$(calc "printf \"%.1f\", ${ra[2]} / $unique")
    vidle=$(calc "printf \"%.2f\", ${ba[2]} / ($secs * 1e7)") # % of a CPU while it had no traffic
  fi
  total=$(calc "printf \"%.0f\", $kern - $base + $vroom")
  result[$c,$rate,cpu]=$total
  result[$c,$rate,lost]=$lost
  local extra=""
  if [ -n "$vp" ]; then
    vroom_counters "$pre.vc1"
    extra=",\"vroom_process_ns_per_packet\":$(calc "printf \"%.0f\", $vroom"),\"vroom_idle_cpu_pct\":$vidle"
    extra+=",\"vroom_threads_both_phases\":$(threads_report "$pre.th0" "$pre.th1" "$unique" $((2 * secs)))"
    extra+=",\"vroom_counters\":{$(counters_delta "$pre.vc0" "$pre.vc1")}"
  fi
  printf '{"bench":"fwd","case":"%s","offered_pps":%s,"sent_pps":%s,"sent":%s,"delivered":%s,"lost":%s,"lost_at_router_ingress_queue":%s,"sink_ring_drops":%s,"reordered":%s,"duplicates":%s,"cpu_ns_per_packet":%s,"cpu_method":"sender-softirq-delta","kernel_in_sender_ns_per_packet":%s,"baseline_ns_per_packet":%s,"router_cpu_pct":%s%s,"seconds":%s,"load1":%s}\n' \
    "$name" "$rate" "$(gen_field "$pre.gen" router sent_pps)" "$sent" "$unique" "$lost" "$refused" \
    "$(json_field "$pre.sink" sink_ring_drops)" "$(json_field "$pre.sink" reordered)" \
    "$(json_field "$pre.sink" duplicates)" "$total" "$(calc "printf \"%.0f\", $kern")" "$(calc "printf \"%.0f\", $base")" \
    "$(calc "printf \"%.1f\", $total * $unique / ($secs * 1e7)")" "$extra" "$secs" "$load1"
}

# --- build, start, warm up ---
max_load=0; for l in "${load_list[@]}"; do [ "$l" -gt "$max_load" ] && max_load=$l; done
perf_note="not used"
if command -v perf >/dev/null && perf stat -x, -e cycles true 2>&1 | grep -q 'not supported'; then
  perf_note="no hardware counters on this machine"
fi
printf '{"bench":"fwd.env","cpus":%s,"kernel":"%s","cpu":"%s","loadavg":"%s","frame_len":%s,"tick_us":%s,"switch_ms":%s,"seconds":%s,"vroom_cpu":1,"nice":%s,"cpu_method":"sender-softirq-delta: the kernel runs a veth frame'"'"'s receive softirq inside the sending call and charges it to the sender; CPU of the generator inside sendmmsg + ksoftirqd (+ vroom, all threads) while it sends to the router, minus the same while it sends straight to a sink (alternating every switch_ms), per packet the sink received","perf_stat":"%s"}\n' \
  "$(nproc --all)" "$(uname -r)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$frame_len" "$tick_us" "$switch_ms" "$seconds" "$bench_nice" "$perf_note"

topo b
if [ "$run_kernel" = 1 ]; then
  topo k
  log "kernel topology up (tag $tag); warm-up 1 s"
  run_case k "$max_load" 1 quiet
  [ "${result[k,$max_load,unique]}" -gt 0 ] || fail "kernel forwarding delivered nothing in the warm-up"
fi
if [ "$run_vroom" = 1 ]; then
  topo v
  cat >"$tmp/vroom.yaml" <<EOF
node:
  name: fwdbench-$tag
  workers: 1
ports:
  - name: in
    interface: vi$tag
  - name: out
    interface: vo$tag
vrs:
  - name: fwd
    id: 1
    interfaces:
      - name: eth0
        port: in
        address: 10.70.1.1/24
      - name: eth1
        port: out
        address: 10.70.2.1/24
    static-routes:
      - prefix: 10.70.3.0/24
        via: 10.70.2.2
EOF
  # vroom on CPU 1 (with the sink, which wakes once per ring block), the generator alone on CPU 0
  ip netns exec "fb$tag-vr" nice -n "$bench_nice" taskset -c 1 "$JAVA_HOME/bin/java" "${jflags[@]}" -jar "$jar" "$tmp/vroom.yaml" \
    >"$tmp/vroom.log" 2>&1 &
  vroom_pid=$!; pids+=("$vroom_pid")
  for i in $(seq 600); do
    grep -q '"state":"running"' "$tmp/vroom.log" 2>/dev/null && break
    kill -0 "$vroom_pid" 2>/dev/null || fail "vroom exited: $(tail -5 "$tmp/vroom.log")"
    sleep 0.1
  done
  grep -q '"state":"running"' "$tmp/vroom.log" || fail "vroom did not start in 60 s: $(tail -5 "$tmp/vroom.log")"
  counters_file=$(sed -n 's/.*"counters":"\([^"]*\)".*/\1/p' "$tmp/vroom.log" | head -1)
  log "vroom up (pid $vroom_pid, tag $tag); warm-up $warmup s of traffic at each load (JIT)"
  if [ "$warmup" -gt 0 ]; then
    for rate in "${load_list[@]}"; do
      run_case v "$rate" "$warmup" quiet
      [ "${result[v,$rate,unique]}" -gt 0 ] || fail "vroom delivered nothing in the warm-up: $(tail -5 "$tmp/vroom.log")"
    done
  fi
fi

# --- measured runs: per load both cases, alternating which goes first ---
n=0
for rate in "${load_list[@]}"; do
  order=(k v); [ $((n % 2)) = 1 ] && order=(v k); n=$((n + 1))
  for c in "${order[@]}"; do
    if [ "$c" = k ] && [ "$run_kernel" = 1 ]; then run_case k "$rate" "$seconds"; fi
    if [ "$c" = v ] && [ "$run_vroom" = 1 ]; then run_case v "$rate" "$seconds"; fi
  done
  if [ "$run_kernel" = 1 ] && [ "$run_vroom" = 1 ]; then
    kc=${result[k,$rate,cpu]} vc=${result[v,$rate,cpu]}
    printf '{"bench":"fwd.ratio","offered_pps":%s,"vroom_cpu_over_kernel":%s,"kernel_cpu_ns_per_packet":%s,"vroom_cpu_ns_per_packet":%s,"kernel_lost":%s,"vroom_lost":%s}\n' \
      "$rate" "$(calc "if ($kc > 0) printf \"%.2f\", $vc / $kc; else printf \"null\"")" "$kc" "$vc" \
      "${result[k,$rate,lost]}" "${result[v,$rate,lost]}"
  fi
done
