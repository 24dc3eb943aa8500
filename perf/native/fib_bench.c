/*
 * fib_bench: the DPDK rte_fib (DIR24_8) side of the FIB baseline.
 *
 * Reads the directory written by org.vroom.perf.FibBaselineExport (raw little-endian arrays plus
 * meta.txt), then
 *   1. builds an rte_fib DIR24_8 (4-byte next hops) from empty with one rte_fib_add per route,
 *      timed over all the adds (routes/s), --build-reps times;
 *   2. looks up each address trace once with batches of 64 (untimed) into a result array, optionally
 *      written out (dpdk-results-<trace>.i32) so the Java side can compare address by address;
 *   3. for every lookup implementation asked for and every batch size: --reps timed passes over the
 *      whole trace with rte_fib_lookup_bulk (lookups/s, best and median), each folding the results
 *      into a checksum that must equal the checksum of step 2.
 *
 * Every pass does per batch exactly what FibBaselineJava does: copy the batch's addresses from the
 * trace into a burst array (the stand-in for pulling destination addresses out of packet headers),
 * look them up, fold the next hops into the checksum. The checksum is
 *     sum over trace positions k of  u32(nh_k) * (2k + 1)   (mod 2^64),
 * with a miss (no covering route) counted as nh = 0xFFFFFFFF (Java's NO_ROUTE = -1). The odd
 * weights make any single differing result change the sum.
 *
 * Output: one JSON object per line on stdout; diagnostics on stderr. Exit status 0 on success,
 * 1 on a usage/environment error, 3 when lookup results disagree between passes or implementations.
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_vect_{get,set}_max_simd_bitwidth are experimental in 22.11 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cpuflags.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_version.h>
#include <rte_vect.h>

#define MAX_BATCH 64
#define MAX_REPS 64
#define MISS_NH 0x7FFFFFFFu /* default_nh: the largest next hop a 4-byte DIR24_8 can hold */
#define NO_ROUTE 0xFFFFFFFFu /* what a miss counts as in the checksum (Java's -1) */

static const char *trace_names[] = {"uniform", "prefix"};
#define NTRACES 2

struct lookup_impl {
	const char *opt;  /* name on the command line */
	const char *name; /* impl in the JSON output */
	const char *fn;   /* the lookup function */
	enum rte_fib_lookup_type type;
};

/* RTE_FIB_LOOKUP_DEFAULT is resolved to one of the others by dpdk_default_fn(). */
static const struct lookup_impl impls[] = {
	{"default", "dpdk-rte_fib", NULL, RTE_FIB_LOOKUP_DEFAULT},
	{"scalar-macro", "dpdk-rte_fib-scalar-macro", "scalar-macro", RTE_FIB_LOOKUP_DIR24_8_SCALAR_MACRO},
	{"scalar-inline", "dpdk-rte_fib-scalar-inline", "scalar-inline", RTE_FIB_LOOKUP_DIR24_8_SCALAR_INLINE},
	{"scalar-uni", "dpdk-rte_fib-scalar-uni", "scalar-uni", RTE_FIB_LOOKUP_DIR24_8_SCALAR_UNI},
	{"avx512", "dpdk-rte_fib-avx512", "vector-avx512", RTE_FIB_LOOKUP_DIR24_8_VECTOR_AVX512},
};
#define NIMPLS (sizeof(impls) / sizeof(impls[0]))

struct input {
	uint32_t routes;
	uint32_t num_tbl8;
	uint32_t max_next_hops;
	uint32_t trace_len;
	uint32_t *prefixes;
	uint8_t *lengths;
	uint32_t *next_hops;
	uint32_t *traces[NTRACES];
};

/* The EAL's runtime directory: root's is under /var/run/dpdk whatever XDG_RUNTIME_DIR says. */
static char runtime_dir[PATH_MAX];

/* atexit: remove what the EAL left in our own (uniquely named) runtime directory, then the directory. */
static void remove_runtime_dir(void)
{
	if (runtime_dir[0] == '\0')
		return;
	DIR *d = opendir(runtime_dir);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[PATH_MAX + 256];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", runtime_dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(runtime_dir);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "fib_bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void *read_file(const char *dir, const char *name, size_t expect)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		die("cannot open %s", path);
	void *buf = malloc(expect > 0 ? expect : 1);
	if (buf == NULL)
		die("out of memory reading %s", path);
	size_t got = fread(buf, 1, expect, f);
	int extra = fgetc(f);
	fclose(f);
	if (got != expect || extra != EOF)
		die("%s does not have the size meta.txt says", path);
	return buf;
}

/* The files are little-endian; so is x86-64, the only target of this harness. */
static void read_input(const char *dir, struct input *in)
{
	char path[4096], line[256];
	snprintf(path, sizeof(path), "%s/meta.txt", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("cannot open %s (run FibBaselineExport first)", path);
	memset(in, 0, sizeof(*in));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		unsigned long v = strtoul(eq + 1, NULL, 10);
		if (strcmp(line, "routes") == 0)
			in->routes = (uint32_t)v;
		else if (strcmp(line, "num_tbl8") == 0)
			in->num_tbl8 = (uint32_t)v;
		else if (strcmp(line, "max_next_hops") == 0)
			in->max_next_hops = (uint32_t)v;
		else if (strcmp(line, "trace_len") == 0)
			in->trace_len = (uint32_t)v;
	}
	fclose(f);
	if (in->routes == 0 || in->num_tbl8 == 0 || in->trace_len == 0 || in->max_next_hops == 0)
		die("%s lacks routes, num_tbl8, max_next_hops or trace_len", path);
	in->prefixes = read_file(dir, "prefixes.u32", (size_t)in->routes * 4);
	in->lengths = read_file(dir, "lengths.u8", in->routes);
	in->next_hops = read_file(dir, "nexthops.u32", (size_t)in->routes * 4);
	for (int t = 0; t < NTRACES; t++) {
		char name[64];
		snprintf(name, sizeof(name), "trace-%s.u32", trace_names[t]);
		in->traces[t] = read_file(dir, name, (size_t)in->trace_len * 4);
	}
	for (uint32_t i = 0; i < in->routes; i++) {
		if (in->lengths[i] > 32 || in->next_hops[i] >= in->max_next_hops)
			die("%s: bad route (length > 32 or next hop out of range)", dir);
	}
}

static struct rte_fib *create_fib(const struct input *in)
{
	struct rte_fib_conf conf;
	memset(&conf, 0, sizeof(conf));
	conf.type = RTE_FIB_DIR24_8;
	conf.default_nh = MISS_NH;
	conf.max_routes = (int)in->routes;
	conf.rib_ext_sz = 0;
	conf.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
	conf.dir24_8.num_tbl8 = in->num_tbl8;
	struct rte_fib *fib = rte_fib_create("fib_bench", SOCKET_ID_ANY, &conf);
	if (fib == NULL)
		die("rte_fib_create failed: %s", rte_strerror(rte_errno));
	return fib;
}

/* One timed build from empty; returns the seconds all the rte_fib_add calls took. */
static double build(struct rte_fib *fib, const struct input *in)
{
	const uint32_t *p = in->prefixes, *nh = in->next_hops;
	const uint8_t *l = in->lengths;
	uint32_t failed = 0;
	int first_err = 0;
	double t0 = now_s();
	for (uint32_t i = 0; i < in->routes; i++) {
		int rc = rte_fib_add(fib, p[i], l[i], nh[i]);
		if (__builtin_expect(rc != 0, 0)) {
			if (failed++ == 0)
				first_err = rc;
		}
	}
	double t = now_s() - t0;
	if (failed != 0) {
		fprintf(stderr, "fib_bench: %u rte_fib_add calls failed, first with %d (%s)\n", failed,
			first_err, rte_strerror(-first_err));
		exit(1);
	}
	return t;
}

static inline uint64_t fold(uint64_t sum, uint64_t nh, uint64_t k)
{
	uint32_t v = (uint32_t)nh;
	v = v == MISS_NH ? NO_ROUTE : v;
	return sum + (uint64_t)v * (2 * k + 1);
}

/* One pass over the trace; the checksum is returned, the seconds in *secs. */
static uint64_t lookup_pass(struct rte_fib *fib, const uint32_t *trace, uint32_t n, uint32_t batch,
			    double *secs)
{
	uint32_t ips[MAX_BATCH] __attribute__((aligned(64)));
	uint64_t nhs[MAX_BATCH] __attribute__((aligned(64)));
	uint64_t sum = 0;
	double t0 = now_s();
	for (uint32_t k = 0; k < n; k += batch) {
		uint32_t b = n - k < batch ? n - k : batch;
		memcpy(ips, trace + k, (size_t)b * 4);
		rte_fib_lookup_bulk(fib, ips, nhs, (int)b);
		for (uint32_t j = 0; j < b; j++)
			sum = fold(sum, nhs[j], (uint64_t)k + j);
	}
	*secs = now_s() - t0;
	return sum;
}

/* The untimed reference pass: all results kept (a miss as -1) and checksummed. */
static uint64_t reference_pass(struct rte_fib *fib, const uint32_t *trace, uint32_t n, int32_t *out)
{
	uint32_t ips[MAX_BATCH];
	uint64_t nhs[MAX_BATCH];
	uint64_t sum = 0;
	for (uint32_t k = 0; k < n; k += MAX_BATCH) {
		uint32_t b = n - k < MAX_BATCH ? n - k : MAX_BATCH;
		memcpy(ips, trace + k, (size_t)b * 4);
		rte_fib_lookup_bulk(fib, ips, nhs, (int)b);
		for (uint32_t j = 0; j < b; j++) {
			out[k + j] = (uint32_t)nhs[j] == MISS_NH ? -1 : (int32_t)nhs[j];
			sum = fold(sum, nhs[j], (uint64_t)k + j);
		}
	}
	return sum;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Rates are sorted in place; best = max, median = middle (mean of the two middles when even). */
static void best_median(double *rates, int n, double *best, double *median)
{
	qsort(rates, (size_t)n, sizeof(double), cmp_double);
	*best = rates[n - 1];
	*median = n % 2 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
}

static const char *dpdk_default_fn(void)
{
	bool avx512 = rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0;
	/* dir24_8_get_lookup_fn(DEFAULT): the AVX512 function when the CPU has AVX512F and the EAL's
	 * max SIMD bitwidth allows 512, else the macro-based scalar function. */
	return avx512 && rte_vect_get_max_simd_bitwidth() >= RTE_VECT_SIMD_512 ? "vector-avx512"
									 : "scalar-macro";
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fib_bench DIR [--reps N] [--build-reps N] [--batches 8,16,32,64]\n"
		"                 [--impls default,scalar-macro,scalar-inline,scalar-uni,avx512]\n"
		"                 [--results-out] [--eal-file-prefix NAME]\n"
		"  DIR is written by org.vroom.perf.FibBaselineExport. --results-out writes\n"
		"  DIR/dpdk-results-<trace>.i32 (the next hop of every trace address, -1 = no route).\n"
		"  'avx512' raises the EAL's max SIMD bitwidth to 512 for that run only.\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int reps = 5, build_reps = 3;
	uint32_t batches[8] = {8, 16, 32, 64};
	int nbatches = 4;
	bool want[NIMPLS] = {true, false, false, false, true};
	bool results_out = false;
	char file_prefix[64];
	snprintf(file_prefix, sizeof(file_prefix), "fib_bench_%d", (int)getpid());

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--reps") == 0 && v) {
			reps = atoi(v), i++;
		} else if (strcmp(a, "--build-reps") == 0 && v) {
			build_reps = atoi(v), i++;
		} else if (strcmp(a, "--batches") == 0 && v) {
			char *copy = strdup(v), *save = NULL;
			nbatches = 0;
			for (char *s = strtok_r(copy, ",", &save); s && nbatches < 8; s = strtok_r(NULL, ",", &save))
				batches[nbatches++] = (uint32_t)atoi(s);
			free(copy);
			i++;
		} else if (strcmp(a, "--impls") == 0 && v) {
			memset(want, 0, sizeof(want));
			char *copy = strdup(v), *save = NULL;
			for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
				size_t m = 0;
				while (m < NIMPLS && strcmp(impls[m].opt, s) != 0)
					m++;
				if (m == NIMPLS)
					die("unknown lookup implementation %s", s);
				want[m] = true;
			}
			free(copy);
			i++;
		} else if (strcmp(a, "--results-out") == 0) {
			results_out = true;
		} else if (strcmp(a, "--eal-file-prefix") == 0 && v) {
			snprintf(file_prefix, sizeof(file_prefix), "%s", v), i++;
		} else if (a[0] != '-' && dir == NULL) {
			dir = a;
		} else {
			usage();
		}
	}
	if (dir == NULL || reps < 1 || reps > MAX_REPS || build_reps < 1 || build_reps > MAX_REPS || nbatches == 0)
		usage();
	for (int b = 0; b < nbatches; b++)
		if (batches[b] < 1 || batches[b] > MAX_BATCH)
			die("batch sizes must be %s", "1..64");

	/* No hugepages, no PCI devices, no shared config: only the EAL's allocator is used. */
	char prefix_arg[96];
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", file_prefix);
	char *eal_argv[] = {argv[0], "--no-huge", "--no-pci", "-m", "1024", "--no-shconf", "--no-telemetry",
			    "-l", "0", prefix_arg, "--log-level=lib.eal:error", NULL};
	int eal_argc = (int)(sizeof(eal_argv) / sizeof(eal_argv[0])) - 1;
	if (rte_eal_init(eal_argc, eal_argv) < 0)
		die("rte_eal_init failed: %s", rte_strerror(rte_errno));
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	atexit(remove_runtime_dir);

	struct input in;
	read_input(dir, &in);

	bool cpu_avx512f = rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0;
	uint16_t eal_simd_bitwidth = rte_vect_get_max_simd_bitwidth();
	const char *default_fn = dpdk_default_fn();
	printf("{\"bench\":\"fib.info\",\"impl\":\"dpdk-rte_fib\",\"version\":\"%s\",\"type\":\"DIR24_8\","
	       "\"nh_size\":4,\"default_lookup_fn\":\"%s\",\"cpu_avx512f\":%s,\"max_simd_bitwidth\":%u,"
	       "\"routes\":%u,\"num_tbl8\":%u,\"trace_len\":%u}\n",
	       rte_version(), default_fn, cpu_avx512f ? "true" : "false",
	       (unsigned)rte_vect_get_max_simd_bitwidth(), in.routes, in.num_tbl8, in.trace_len);
	fflush(stdout);

	/* 1. build from empty */
	double rates[MAX_REPS], best, median;
	struct rte_fib *fib = NULL;
	for (int r = 0; r < build_reps; r++) {
		if (fib != NULL)
			rte_fib_free(fib);
		fib = create_fib(&in);
		rates[r] = in.routes / build(fib, &in);
	}
	best_median(rates, build_reps, &best, &median);
	printf("{\"bench\":\"fib.build\",\"impl\":\"dpdk-rte_fib\",\"routes\":%u,\"routes_per_s\":%.0f,"
	       "\"routes_per_s_median\":%.0f,\"reps\":%d}\n",
	       in.routes, best, median, build_reps);
	fflush(stdout);

	/* 2. reference results with DPDK's default lookup function */
	uint64_t ref_sum[NTRACES];
	int32_t *results = malloc((size_t)in.trace_len * 4);
	if (results == NULL)
		die("out of memory for %s", "results");
	for (int t = 0; t < NTRACES; t++) {
		ref_sum[t] = reference_pass(fib, in.traces[t], in.trace_len, results);
		uint64_t misses = 0;
		for (uint32_t k = 0; k < in.trace_len; k++)
			misses += results[k] < 0;
		printf("{\"bench\":\"fib.reference\",\"impl\":\"dpdk-rte_fib\",\"trace\":\"%s\",\"lookups\":%u,"
		       "\"misses\":%" PRIu64 ",\"checksum\":\"%016" PRIx64 "\"}\n",
		       trace_names[t], in.trace_len, misses, ref_sum[t]);
		if (results_out) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/dpdk-results-%s.i32", dir, trace_names[t]);
			FILE *f = fopen(path, "wb");
			if (f == NULL || fwrite(results, 4, in.trace_len, f) != in.trace_len || fclose(f) != 0)
				die("cannot write %s", path);
		}
	}
	free(results);
	fflush(stdout);

	/* 3. timed lookups */
	int status = 0;
	for (size_t m = 0; m < NIMPLS; m++) {
		if (!want[m])
			continue;
		const struct lookup_impl *im = &impls[m];
		const char *fn = im->fn != NULL ? im->fn : default_fn;
		if (im->type == RTE_FIB_LOOKUP_DIR24_8_VECTOR_AVX512) {
			if (strcmp(default_fn, "vector-avx512") == 0 && want[0])
				continue; /* already measured as the default */
			if (!cpu_avx512f || rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512) != 0) {
				fprintf(stderr, "fib_bench: AVX512 lookup not available here, skipped\n");
				continue;
			}
		} else if (im->type != RTE_FIB_LOOKUP_DEFAULT && want[0] && strcmp(fn, default_fn) == 0) {
			continue; /* same function as the default */
		}
		if (rte_fib_select_lookup(fib, im->type) != 0) {
			fprintf(stderr, "fib_bench: rte_fib_select_lookup(%s) failed, skipped\n", im->opt);
			continue;
		}
		for (int t = 0; t < NTRACES; t++) {
			for (int b = 0; b < nbatches; b++) {
				uint64_t sum = 0;
				for (int r = 0; r < reps; r++) {
					double secs;
					sum = lookup_pass(fib, in.traces[t], in.trace_len, batches[b], &secs);
					rates[r] = in.trace_len / secs;
					if (sum != ref_sum[t]) {
						fprintf(stderr,
							"fib_bench: %s trace %s batch %u: checksum %016" PRIx64
							" != reference %016" PRIx64 "\n",
							im->opt, trace_names[t], batches[b], sum, ref_sum[t]);
						status = 3;
					}
				}
				best_median(rates, reps, &best, &median);
				printf("{\"bench\":\"fib.lookup\",\"impl\":\"%s\",\"lookup_fn\":\"%s\",\"trace\":\"%s\","
				       "\"batch\":%u,\"lookups\":%u,\"lookups_per_s\":%.0f,\"lookups_per_s_median\":%.0f,"
				       "\"reps\":%d,\"checksum\":\"%016" PRIx64 "\"}\n",
				       im->name, fn, trace_names[t], batches[b], in.trace_len, best, median, reps, sum);
				fflush(stdout);
			}
		}
		if (im->type == RTE_FIB_LOOKUP_DIR24_8_VECTOR_AVX512) {
			rte_vect_set_max_simd_bitwidth(eal_simd_bitwidth);
			rte_fib_select_lookup(fib, RTE_FIB_LOOKUP_DEFAULT);
		}
	}

	rte_fib_free(fib);
	rte_eal_cleanup();
	return status;
}
