/*
 * fwdtraffic: the paced generator and the exact sink of perf/scripts/forwarding-bench.sh.
 *
 *   fwdtraffic gen  --if IF --src-mac M --dst-mac M --src-ip A --dst-ip A --rate PPS --seconds S
 *                   [--run-id N] [--sport P] [--dport P] [--frame-len 60] [--tick-us 100] [--burst-max 64]
 *                   [--base-if IF [--base-netns NAME|PATH] --base-src-mac M --base-dst-mac M --base-run-id N
 *                    [--switch-ms 500]]
 *                   [--account PID,PID,...]
 *   fwdtraffic sink --if IF --run-id N --count N [--port 9000] [--idle-ms 0] [--block-kib 256]
 *                   [--blocks 64] [--retire-ms 20]
 *   fwdtraffic cputime PID...
 *
 * gen writes complete Ethernet/IPv4/UDP frames to an AF_PACKET socket on IF (queueing discipline
 * bypassed), so the same frames reach the Linux kernel and vroom. The UDP payload carries
 * magic "VFWD" (u32), run id (u32) and a sequence number (u64), big-endian; the UDP checksum is 0
 * (none, allowed over IPv4) and the IPv4 checksum is computed once (only the payload changes).
 * Pacing: every tick the generator sends, in one sendmmsg(2), the frames that are due by then
 * (rate * elapsed), at most --burst-max at once, then sleeps until the next tick with a 1 ns
 * timer slack (no spinning). Exactly rate * seconds frames are sent; a frame the link refused
 * (ENOBUFS: the receiving veth's queue was full) consumes its sequence number and is counted in
 * "refused". The thread CPU time inside the sendmmsg calls is measured (CLOCK_THREAD_CPUTIME_ID
 * around each call): on a veth it includes the receive softirq the kernel runs before the call
 * returns, i.e. everything the receiving side's kernel does with the frame.
 * With --base-if the generator alternates every --switch-ms between IF and a second destination
 * (its own frames, run id and sequence numbers; opened in --base-netns if given), each paced at --rate on its own clock and sent
 * rate * seconds frames, so a measurement and its baseline see the same machine. --account samples
 * the CPU clocks of whole processes at each switch and splits their CPU between the destinations.
 * It prints one JSON line: duration_ns, cpu_ns (its own process), and per destination ("router",
 * "baseline") sent, refused, sent_pps (over that destination's own time), send_cpu_ns, acct_ns.
 *
 * sink reads IF's IPv4 frames from a TPACKET_V3 ring (it wakes once per filled or retired block,
 * not per frame, so the receive cost the sink causes does not depend on how the router batches)
 * and counts one run exactly with a bitmap of sequence numbers: unique, duplicates, reordered
 * (arrived after a higher sequence number), lost (count - unique), foreign (not this run / not our
 * format), and sink_ring_drops (the kernel's count of frames the ring had no room for: a sink
 * problem, not a router one). What the kernel does with the frames afterwards is the namespace's
 * business (the benchmark sends them to an address the sink does not own, with forwarding off, so
 * they are dropped without ICMP). It prints "READY IF" once bound, and one JSON line when all
 * frames have arrived, on SIGTERM/SIGINT (after the block being filled is retired), or (with
 * --idle-ms) when nothing arrived for that long after the first frame.
 *
 * cputime prints the CPU time of whole processes (every thread, also exited ones) in ns, from
 * clock_getcpuclockid(3): exact where /proc/PID/stat has 10 ms ticks.
 *
 * Only what a lab needs: IPv4, one flow, Linux. Build: gcc -O2 -Wall -o fwdtraffic fwdtraffic.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x56465744u /* "VFWD" */
#define HDR_LEN 42        /* Ethernet 14 + IPv4 20 + UDP 8 */
#define PAYLOAD_MIN 16    /* magic, run id, sequence */
#define MAX_BURST 1024
#define MAX_FRAME 1514
#define MAX_ACCT 8

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void die(const char *what) {
    fprintf(stderr, "fwdtraffic: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(const char *msg) {
    fprintf(stderr, "fwdtraffic: %s (see the comment at the top of fwdtraffic.c)\n", msg);
    exit(2);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) < 0) die("clock_gettime");
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t parse_u64(const char *name, const char *v) {
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *v == '\0' || *end != '\0') {
        fprintf(stderr, "fwdtraffic: %s: not a number: %s\n", name, v);
        exit(2);
    }
    return (uint64_t)x;
}

static void parse_mac(const char *name, const char *v, uint8_t mac[6]) {
    unsigned int b[6];
    char tail;
    if (sscanf(v, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6) {
        fprintf(stderr, "fwdtraffic: %s: not a MAC address: %s\n", name, v);
        exit(2);
    }
    for (int i = 0; i < 6; i++) {
        if (b[i] > 255) {
            fprintf(stderr, "fwdtraffic: %s: not a MAC address: %s\n", name, v);
            exit(2);
        }
        mac[i] = (uint8_t)b[i];
    }
}

static uint32_t parse_ip(const char *name, const char *v) {
    struct in_addr a;
    if (inet_pton(AF_INET, v, &a) != 1) {
        fprintf(stderr, "fwdtraffic: %s: not an IPv4 address: %s\n", name, v);
        exit(2);
    }
    return a.s_addr; /* network order */
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p) {
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static uint16_t ip_checksum(const uint8_t *h, int len) {
    uint32_t sum = 0;
    for (int i = 0; i < len; i += 2) {
        sum += (uint32_t)h[i] << 8 | h[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* One destination of the generator: a socket on an interface and its frames. */
struct dest {
    int fd;
    uint64_t sent, refused, send_cpu;
    uint64_t acct[MAX_ACCT]; /* CPU of the accounted processes during this destination's segments */
    uint8_t (*frames)[MAX_FRAME];
    struct iovec *iov;
    struct mmsghdr *msgs;
};

static void dest_open(struct dest *d, const char *ifname, const uint8_t smac[6], const uint8_t dmac[6], uint32_t sip,
                      uint32_t dip, uint64_t sport, uint64_t dport, uint64_t run_id, uint64_t frame_len,
                      uint64_t burst_max) {
    memset(d, 0, sizeof *d);
    int ifindex = (int)if_nametoindex(ifname);
    if (ifindex == 0) die(ifname);
    d->fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: transmit only, receives nothing */
    if (d->fd < 0) die("socket(AF_PACKET)");
    int one = 1;
    if (setsockopt(d->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) die("PACKET_QDISC_BYPASS");
    int sndbuf = 4 << 20;
    setsockopt(d->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = ifindex;
    if (bind(d->fd, (struct sockaddr *)&sll, sizeof sll) < 0) die("bind");

    uint8_t tmpl[MAX_FRAME];
    memset(tmpl, 0, sizeof tmpl);
    memcpy(tmpl, dmac, 6);
    memcpy(tmpl + 6, smac, 6);
    put16(tmpl + 12, 0x0800);
    uint8_t *ip = tmpl + 14;
    int ip_len = (int)frame_len - 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)ip_len);
    put16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, &sip, 4);
    memcpy(ip + 16, &dip, 4);
    put16(ip + 10, ip_checksum(ip, 20));
    uint8_t *udp = ip + 20;
    put16(udp, (uint16_t)sport);
    put16(udp + 2, (uint16_t)dport);
    put16(udp + 4, (uint16_t)(ip_len - 20));
    put32(udp + 8, MAGIC);
    put32(udp + 12, (uint32_t)run_id);

    d->frames = calloc(burst_max, MAX_FRAME);
    d->iov = calloc(burst_max, sizeof *d->iov);
    d->msgs = calloc(burst_max, sizeof *d->msgs);
    if (!d->frames || !d->iov || !d->msgs) die("calloc");
    for (uint64_t i = 0; i < burst_max; i++) {
        memcpy(d->frames[i], tmpl, frame_len);
        d->iov[i].iov_base = d->frames[i];
        d->iov[i].iov_len = frame_len;
        d->msgs[i].msg_hdr.msg_iov = &d->iov[i];
        d->msgs[i].msg_hdr.msg_iovlen = 1;
    }
}

/* Sends the next n frames of d in one sendmmsg(2) (more if the link refuses some), timing the calls. */
static void dest_send(struct dest *d, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) put64(d->frames[i] + HDR_LEN + 8, d->sent + i);
    uint64_t done = 0;
    const uint64_t c0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    while (done < n) {
        int r = sendmmsg(d->fd, d->msgs + done, (unsigned)(n - done), 0);
        if (r > 0) {
            done += (uint64_t)r;
        } else if (r < 0 && (errno == ENOBUFS || errno == EAGAIN)) {
            d->refused++; /* this frame is lost at the link: skip it */
            done++;
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else {
            die("sendmmsg");
        }
    }
    d->send_cpu += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
    d->sent += n;
}

static void acct_sample(const clockid_t *clocks, int n, uint64_t *out) {
    for (int i = 0; i < n; i++) out[i] = cpu_ns(clocks[i]);
}

static void sleep_until(uint64_t t) {
    struct timespec wake = {(time_t)(t / 1000000000u), (long)(t % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL) == EINTR) {
    }
}

static void print_dest(const char *name, const struct dest *d, int nacct, uint64_t dur) {
    printf("\"%s\":{\"sent\":%llu,\"refused\":%llu,\"sent_pps\":%.0f,\"send_cpu_ns\":%llu,\"acct_ns\":[", name,
           (unsigned long long)d->sent, (unsigned long long)d->refused, (double)d->sent * 1e9 / (double)dur,
           (unsigned long long)d->send_cpu);
    for (int i = 0; i < nacct; i++) printf("%s%llu", i ? "," : "", (unsigned long long)d->acct[i]);
    printf("]}");
}

static int gen(int argc, char **argv) {
    const char *ifname = NULL, *base_if = NULL, *base_netns = NULL, *acct_list = NULL;
    uint8_t smac[6] = {0}, dmac[6] = {0}, base_smac[6] = {0}, base_dmac[6] = {0};
    uint32_t sip = 0, dip = 0;
    uint64_t rate = 0, seconds = 0, run_id = 1, base_run_id = 0, sport = 9000, dport = 9000, frame_len = 60,
             tick_us = 100, burst_max = 64, switch_ms = 500;
    int have_smac = 0, have_dmac = 0, have_base_smac = 0, have_base_dmac = 0;
    for (int i = 2; i < argc; i++) {
        const char *k = argv[i];
        if (i + 1 >= argc) usage("option without a value");
        const char *v = argv[++i];
        if (!strcmp(k, "--if")) ifname = v;
        else if (!strcmp(k, "--src-mac")) { parse_mac(k, v, smac); have_smac = 1; }
        else if (!strcmp(k, "--dst-mac")) { parse_mac(k, v, dmac); have_dmac = 1; }
        else if (!strcmp(k, "--src-ip")) sip = parse_ip(k, v);
        else if (!strcmp(k, "--dst-ip")) dip = parse_ip(k, v);
        else if (!strcmp(k, "--rate")) rate = parse_u64(k, v);
        else if (!strcmp(k, "--seconds")) seconds = parse_u64(k, v);
        else if (!strcmp(k, "--run-id")) run_id = parse_u64(k, v);
        else if (!strcmp(k, "--sport")) sport = parse_u64(k, v);
        else if (!strcmp(k, "--dport")) dport = parse_u64(k, v);
        else if (!strcmp(k, "--frame-len")) frame_len = parse_u64(k, v);
        else if (!strcmp(k, "--tick-us")) tick_us = parse_u64(k, v);
        else if (!strcmp(k, "--burst-max")) burst_max = parse_u64(k, v);
        else if (!strcmp(k, "--base-if")) base_if = v;
        else if (!strcmp(k, "--base-netns")) base_netns = v;
        else if (!strcmp(k, "--base-src-mac")) { parse_mac(k, v, base_smac); have_base_smac = 1; }
        else if (!strcmp(k, "--base-dst-mac")) { parse_mac(k, v, base_dmac); have_base_dmac = 1; }
        else if (!strcmp(k, "--base-run-id")) base_run_id = parse_u64(k, v);
        else if (!strcmp(k, "--switch-ms")) switch_ms = parse_u64(k, v);
        else if (!strcmp(k, "--account")) acct_list = v;
        else usage("unknown option");
    }
    if (!ifname || !have_smac || !have_dmac || !sip || !dip || !rate || !seconds) {
        usage("gen needs --if --src-mac --dst-mac --src-ip --dst-ip --rate --seconds");
    }
    if (base_if && (!have_base_smac || !have_base_dmac || !base_run_id)) {
        usage("--base-if needs --base-src-mac, --base-dst-mac and --base-run-id");
    }
    if (frame_len < HDR_LEN + PAYLOAD_MIN || frame_len > MAX_FRAME) usage("--frame-len must be 58..1514");
    if (burst_max < 1 || burst_max > MAX_BURST) usage("--burst-max must be 1..1024");
    if (tick_us < 1 || tick_us > 1000000) usage("--tick-us must be 1..1000000");
    if (switch_ms < 1 || switch_ms > 3600000) usage("--switch-ms must be 1..3600000");
    if (sport > 65535 || dport > 65535 || run_id > 0xffffffffu || base_run_id > 0xffffffffu) {
        usage("port or run id out of range");
    }
    clockid_t acct[MAX_ACCT];
    int nacct = 0;
    if (acct_list) {
        char *list = strdup(acct_list), *save = NULL;
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (nacct == MAX_ACCT) usage("--account: too many pids");
            int e = clock_getcpuclockid((pid_t)parse_u64("--account", t), &acct[nacct]);
            if (e != 0) {
                errno = e;
                die(t);
            }
            nacct++;
        }
        free(list);
    }
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

    static struct dest dests[2];
    dest_open(&dests[0], ifname, smac, dmac, sip, dip, sport, dport, run_id, frame_len, burst_max);
    const int ndest = base_if ? 2 : 1;
    if (base_if) {
        if (base_netns) { /* the baseline interface lives in another network namespace */
            char path[256];
            snprintf(path, sizeof path, strchr(base_netns, '/') ? "%s" : "/run/netns/%s", base_netns);
            int nsfd = open(path, O_RDONLY | O_CLOEXEC);
            if (nsfd < 0) die(path);
            if (setns(nsfd, CLONE_NEWNET) < 0) die("setns");
            close(nsfd);
        }
        dest_open(&dests[1], base_if, base_smac, base_dmac, sip, dip, sport, dport, base_run_id, frame_len, burst_max);
    }

    /* Segments of switch_ms alternate between the destinations (router first); within a segment the
     * active destination is paced at `rate` on its own clock (the sum of its segments so far). */
    const uint64_t count = rate * seconds;
    const uint64_t tick_ns = tick_us * 1000, seg_ns = ndest == 2 ? switch_ms * 1000000 : UINT64_MAX / 4;
    const uint64_t cpu0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    const uint64_t t0 = now_ns();
    uint64_t active_ns[2] = {0, 0}, a0[MAX_ACCT], a1[MAX_ACCT];
    for (int seg = 0; dests[0].sent < count || (ndest == 2 && dests[1].sent < count); seg++) {
        struct dest *d = &dests[seg % ndest];
        uint64_t *clock = &active_ns[seg % ndest];
        if (d->sent >= count) continue;
        const uint64_t s0 = now_ns();
        acct_sample(acct, nacct, a0);
        for (uint64_t next = s0;;) {
            uint64_t t = now_ns();
            uint64_t elapsed = *clock + (t - s0);
            unsigned __int128 due128 = (unsigned __int128)rate * elapsed / 1000000000u + 1;
            uint64_t due = due128 > count ? count : (uint64_t)due128;
            if (due > d->sent) dest_send(d, due - d->sent > burst_max ? burst_max : due - d->sent);
            if (d->sent >= count || t - s0 >= seg_ns) break;
            next += tick_ns;
            uint64_t after = now_ns();
            if (next < after) next = after; /* fell behind: catch up by at most one burst per tick */
            sleep_until(next);
        }
        *clock += now_ns() - s0;
        acct_sample(acct, nacct, a1);
        for (int i = 0; i < nacct; i++) d->acct[i] += a1[i] - a0[i];
    }
    uint64_t dur = now_ns() - t0;
    uint64_t cpu = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    if (dur == 0) dur = 1;
    /* sent_pps of a destination: over its own active time */
    printf("{\"duration_ns\":%llu,\"cpu_ns\":%llu,", (unsigned long long)dur, (unsigned long long)cpu);
    print_dest("router", &dests[0], nacct, active_ns[0] ? active_ns[0] : dur);
    if (ndest == 2) {
        printf(",");
        print_dest("baseline", &dests[1], nacct, active_ns[1] ? active_ns[1] : dur);
    }
    printf("}\n");
    return 0;
}

static int sink(int argc, char **argv) {
    const char *ifname = NULL;
    uint64_t port = 9000, run_id = 0, count = 0, idle_ms = 0, block_kib = 256, blocks = 64, tov_ms = 20;
    for (int i = 2; i < argc; i++) {
        const char *k = argv[i];
        if (i + 1 >= argc) usage("option without a value");
        const char *v = argv[++i];
        if (!strcmp(k, "--if")) ifname = v;
        else if (!strcmp(k, "--port")) port = parse_u64(k, v);
        else if (!strcmp(k, "--run-id")) run_id = parse_u64(k, v);
        else if (!strcmp(k, "--count")) count = parse_u64(k, v);
        else if (!strcmp(k, "--idle-ms")) idle_ms = parse_u64(k, v);
        else if (!strcmp(k, "--block-kib")) block_kib = parse_u64(k, v);
        else if (!strcmp(k, "--blocks")) blocks = parse_u64(k, v);
        else if (!strcmp(k, "--retire-ms")) tov_ms = parse_u64(k, v);
        else usage("unknown option");
    }
    if (!ifname || !run_id || !count || port == 0 || port > 65535) usage("sink needs --if, --run-id and --count");
    if (block_kib < 4 || block_kib > 4096 || (block_kib & (block_kib - 1)) || blocks < 2 || blocks > 4096)
        usage("--block-kib must be a power of two 4..4096, --blocks 2..4096");
    uint8_t *seen = calloc((size_t)(count + 7) / 8, 1);
    if (!seen) die("calloc");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int ifindex = (int)if_nametoindex(ifname);
    if (ifindex == 0) die(ifname);
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
    if (fd < 0) die("socket(AF_PACKET)");
    int version = TPACKET_V3;
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) < 0) die("PACKET_VERSION");
    struct tpacket_req3 req;
    memset(&req, 0, sizeof req);
    req.tp_block_size = (unsigned)(block_kib * 1024);
    req.tp_block_nr = (unsigned)blocks;
    req.tp_frame_size = 2048;
    req.tp_frame_nr = req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
    req.tp_retire_blk_tov = (unsigned)tov_ms;
    if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) die("PACKET_RX_RING");
    size_t ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
    uint8_t *ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (ring == MAP_FAILED) die("mmap");
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IP);
    sll.sll_ifindex = ifindex;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) die("bind");
    struct tpacket_stats_v3 st;
    socklen_t stl = sizeof st;
    getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stl); /* reset the counters */
    printf("READY %s\n", ifname);
    fflush(stdout);

    uint64_t received = 0, unique = 0, dups = 0, reordered = 0, foreign = 0, highest = 0, ring_drops = 0;
    int any = 0;
    uint64_t first = 0, last = 0;
    unsigned blk = 0;
    int draining = 0;
    while (unique < count) {
        struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(ring + (size_t)blk * req.tp_block_size);
        if ((__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) {
            if (draining) break; /* stop requested and every retired block read */
            if (stop_requested) {
                /* the block being filled is handed over by the retire timer: wait for it once */
                struct pollfd pf = {fd, POLLIN, 0};
                poll(&pf, 1, (int)tov_ms * 2 + 10);
                draining = 1;
                continue;
            }
            struct pollfd pf = {fd, POLLIN, 0};
            int r = poll(&pf, 1, 100);
            if (r < 0 && errno != EINTR) die("poll");
            if (r == 0 && idle_ms && any && now_ns() - last > idle_ms * 1000000ull) break;
            continue;
        }
        uint64_t t = now_ns();
        uint32_t n = bd->hdr.bh1.num_pkts;
        uint8_t *p = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
        for (uint32_t i = 0; i < n; i++) {
            struct tpacket3_hdr *h = (struct tpacket3_hdr *)p;
            const uint8_t *f = p + h->tp_mac;
            uint32_t len = h->tp_snaplen;
            p += h->tp_next_offset;
            /* Ethernet (no VLAN), IPv4, UDP to our port, our payload */
            if (len < 14 + 20 + 8 + PAYLOAD_MIN || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || f[23] != 17) {
                foreign++;
                continue;
            }
            uint32_t ihl = (uint32_t)(f[14] & 0x0f) * 4;
            if (ihl < 20 || len < 14 + ihl + 8 + PAYLOAD_MIN) {
                foreign++;
                continue;
            }
            const uint8_t *udp = f + 14 + ihl, *pl = udp + 8;
            uint64_t s = get64(pl + 8);
            if (((uint32_t)udp[2] << 8 | udp[3]) != port || get32(pl) != MAGIC || get32(pl + 4) != (uint32_t)run_id
                || s >= count) {
                foreign++;
                continue;
            }
            received++;
            if (!any) {
                any = 1;
                first = t;
            }
            last = t;
            uint8_t bit = (uint8_t)(1u << (s & 7));
            if (seen[s >> 3] & bit) {
                dups++;
                continue;
            }
            seen[s >> 3] |= bit;
            unique++;
            if (unique > 1 && s < highest) reordered++;
            if (s > highest) highest = s;
        }
        __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        blk = (blk + 1) % req.tp_block_nr;
    }
    stl = sizeof st;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stl) == 0) ring_drops = st.tp_drops;
    printf("{\"count\":%llu,\"received\":%llu,\"unique\":%llu,\"lost\":%llu,\"duplicates\":%llu,"
           "\"reordered\":%llu,\"foreign\":%llu,\"sink_ring_drops\":%llu,\"rx_span_ns\":%llu}\n",
           (unsigned long long)count, (unsigned long long)received, (unsigned long long)unique,
           (unsigned long long)(count - unique), (unsigned long long)dups, (unsigned long long)reordered,
           (unsigned long long)foreign, (unsigned long long)ring_drops, (unsigned long long)(any ? last - first : 0));
    fflush(stdout);
    free(seen);
    munmap(ring, ring_len);
    close(fd);
    return 0;
}

/* CPU time of whole processes (every thread, also those that exited), ns: one "pid ns" line each. */
static int cputime(int argc, char **argv) {
    for (int i = 2; i < argc; i++) {
        clockid_t clock;
        pid_t pid = (pid_t)parse_u64("pid", argv[i]);
        int e = clock_getcpuclockid(pid, &clock);
        if (e != 0) {
            errno = e;
            die(argv[i]);
        }
        printf("%d %llu\n", (int)pid, (unsigned long long)cpu_ns(clock));
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) usage("gen, sink or cputime?");
    if (!strcmp(argv[1], "cputime")) return cputime(argc, argv);
    if (!strcmp(argv[1], "gen")) return gen(argc, argv);
    if (!strcmp(argv[1], "sink")) return sink(argc, argv);
    usage("gen or sink?");
    return 2;
}
