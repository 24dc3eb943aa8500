/*
 * tcppeer: the Linux-kernel end of vroom's TCP interop tests. It connects to (or accepts one connection
 * from) a VR's user-space TCP, then both sends and receives a byte stream at the same time: it sends
 * SEND bytes of the pattern seeded with SEED_OUT and checks that exactly RECV bytes of the pattern seeded
 * with SEED_IN arrive, in order, then the peer's FIN. Optional TCP-MD5 (RFC 2385) key. Prints one JSON
 * line and exits 0 only when everything arrived intact, in order, with an orderly close and no reset.
 *
 * usage: tcppeer connect ADDR PORT | listen ADDR PORT
 *                SEND RECV SEED_OUT SEED_IN [md5 KEY] [timeout SECONDS]
 *
 * The pattern: byte i of stream seeded s is the low byte of xorshift32 state after i+1 steps from s|1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint32_t step(uint32_t x) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void set_md5(int fd, const char *addr, const char *key) {
    struct tcp_md5sig sig;
    memset(&sig, 0, sizeof sig);
    struct sockaddr_in *sin = (struct sockaddr_in *) &sig.tcpm_addr;
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, addr, &sin->sin_addr);
    sig.tcpm_keylen = (uint16_t) strlen(key);
    memcpy(sig.tcpm_key, key, sig.tcpm_keylen);
    if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) {
        printf("{\"error\":\"setsockopt TCP_MD5SIG: %s\"}\n", strerror(errno));
        exit(3);
    }
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: tcppeer connect|listen ADDR PORT SEND RECV SEED_OUT SEED_IN [md5 KEY] [timeout S]\n");
        return 2;
    }
    int listening = strcmp(argv[1], "listen") == 0;
    const char *addr = argv[2];
    int port = atoi(argv[3]);
    long long to_send = atoll(argv[4]);
    long long to_recv = atoll(argv[5]);
    uint32_t out = (uint32_t) strtoul(argv[6], 0, 10) | 1;
    uint32_t in = (uint32_t) strtoul(argv[7], 0, 10) | 1;
    const char *md5 = 0;
    double timeout = 120;
    for (int i = 8; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "md5") == 0) md5 = argv[i + 1];
        else if (strcmp(argv[i], "timeout") == 0) timeout = atof(argv[i + 1]);
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t) port);
    inet_pton(AF_INET, addr, &sa.sin_addr);
    int fd;
    double start = now();
    if (listening) {
        int l = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in any = sa;
        any.sin_addr.s_addr = htonl(INADDR_ANY);
        if (md5) set_md5(l, addr, md5); /* ADDR: the peer allowed to connect */
        if (bind(l, (struct sockaddr *) &any, sizeof any) != 0 || listen(l, 1) != 0) {
            printf("{\"error\":\"bind/listen: %s\"}\n", strerror(errno));
            return 3;
        }
        printf("{\"listening\":%d}\n", port);
        fflush(stdout);
        struct pollfd p = {l, POLLIN, 0};
        if (poll(&p, 1, (int) (timeout * 1000)) <= 0) {
            printf("{\"error\":\"no connection within the timeout\"}\n");
            return 1;
        }
        fd = accept(l, 0, 0);
        close(l);
    } else {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (md5) set_md5(fd, addr, md5);
        struct timeval tv = {(time_t) timeout, 0};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* bounds connect() */
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
            printf("{\"connected\":false,\"error\":\"connect: %s\"}\n", strerror(errno));
            return 1;
        }
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    static unsigned char sbuf[65536], rbuf[65536];
    long long sent = 0, received = 0, bad_at = -1;
    size_t chunk_len = 0, chunk_off = 0;
    int fin = 0, reset = 0, shut = 0;
    const char *err = "";
    while (!(fin && (sent == to_send))) {
        if (now() - start > timeout) { err = "timeout"; break; }
        struct pollfd p = {fd, POLLIN | (sent < to_send ? POLLOUT : 0), 0};
        if (poll(&p, 1, 200) < 0 && errno != EINTR) { err = "poll"; break; }
        if (sent < to_send && (p.revents & POLLOUT)) {
            if (chunk_off == chunk_len) { /* the next chunk of the pattern */
                size_t n = sizeof sbuf;
                if ((long long) n > to_send - sent) n = (size_t) (to_send - sent);
                for (size_t i = 0; i < n; i++) { out = step(out); sbuf[i] = (unsigned char) out; }
                chunk_len = n;
                chunk_off = 0;
            }
            ssize_t w = send(fd, sbuf + chunk_off, chunk_len - chunk_off, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN) { reset = errno == ECONNRESET || errno == EPIPE; err = strerror(errno); break; }
            if (w > 0) { sent += w; chunk_off += (size_t) w; }
        }
        if (sent == to_send && !shut) { shutdown(fd, SHUT_WR); shut = 1; }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(fd, rbuf, sizeof rbuf, 0);
            if (r == 0) { fin = 1; continue; }
            if (r < 0) {
                if (errno == EAGAIN) continue;
                reset = errno == ECONNRESET; err = strerror(errno); break;
            }
            for (ssize_t i = 0; i < r; i++) {
                in = step(in);
                if (bad_at < 0 && rbuf[i] != (unsigned char) in) bad_at = received + i;
            }
            received += r;
        }
    }
    double secs = now() - start;
    int ok = sent == to_send && received == to_recv && bad_at < 0 && fin && !reset && !*err;
    printf("{\"ok\":%s,\"sent\":%lld,\"received\":%lld,\"firstBadByte\":%lld,\"fin\":%s,\"reset\":%s,"
           "\"seconds\":%.3f,\"error\":\"%s\"}\n", ok ? "true" : "false", sent, received, bad_at,
           fin ? "true" : "false", reset ? "true" : "false", secs, err);
    close(fd);
    return ok ? 0 : 1;
}
