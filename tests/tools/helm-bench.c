/*
 * helm-bench.c - time `manifestc template` in-process: render CHART for
 * RELEASES releases (names rel-0, rel-1 ...), each from scratch (chart
 * loading, values, rendering, sorting, printing) in a fresh context, the
 * file cache shared as in a long-running process.  Prints the time per
 * render; with -o FILE also writes the last render's output.
 *
 * usage: helm-bench CHART [RELEASES] [-o FILE]      (bench/helm.sh runs it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc/frontend.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: helm-bench CHART [RELEASES] [-o FILE]\n");
		return 2;
	}
	const char *chart = argv[1], *outfile = NULL;
	int n = 100;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			outfile = argv[++i];
		else
			n = atoi(argv[i]);
	}
	if (n < 1)
		n = 1;
	struct vfs *fs = vfs_disk(NULL);
	struct sbuf last = SBUF_INIT;
	int status = 0;
	double best = 1e9, total = 0;
	for (int i = 0; i < n && !status; i++) {
		char name[32];
		snprintf(name, sizeof name, "rel-%d", i);
		struct helm_template_opts o = { 0 };
		o.chart = chart;
		o.release_name = name;
		o.namespace_ = "bench";
		double t0 = now();
		struct mc_ctx ctx;
		mc_ctx_init(&ctx, fs);
		sbuf_reset(&last);
		if (helm_template(&ctx, &o, &last)) {
			diag_print(&ctx.diag, stderr, 0);
			status = 1;
		}
		mc_ctx_release(&ctx);
		double dt = now() - t0;
		total += dt;
		if (dt < best)
			best = dt;
	}
	if (!status) {
		printf("renders: %d\nmean_ms_per_render: %.3f\nbest_ms: %.3f\noutput_bytes: %zu\n", n,
			total / n * 1e3, best * 1e3, last.len);
		if (outfile) {
			FILE *fp = fopen(outfile, "w");
			if (!fp || fwrite(last.buf, 1, last.len, fp) != last.len)
				status = 1;
			if (fp)
				fclose(fp);
		}
	}
	sbuf_release(&last);
	vfs_destroy(fs);
	return status;
}
