/*
 * The golden directory cases: golden/<suite>/<case>/ holds
 *   cmd           the arguments after `manifestc` (one line; '...' quotes)
 *   in/           the input tree; the command runs with it as the cwd
 *   expected      the exact stdout
 *   expected.err  the exact stderr (optional: compared when present)
 *   exit          the expected exit status (optional, default 0)
 * Each case runs twice and both runs must print the same bytes
 * (determinism).  MC_UPDATE_GOLDEN=1 rewrites expected, expected.err (when
 * stderr is not empty) and exit instead of comparing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/parameterized.h>

#include "testutil.h"

struct golden_case {
	char dir[512];
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(((const struct golden_case *)a)->dir, ((const struct golden_case *)b)->dir);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

ParameterizedTestParameters(golden, cases)
{
	static struct golden_case cases[4096];
	size_t n = 0;
	char root[512];
	snprintf(root, sizeof root, "%s/golden", MC_SOURCE_DIR);
	DIR *d = opendir(root);
	struct dirent *s;
	while (d && (s = readdir(d))) {
		if (s->d_name[0] == '.')
			continue;
		char suite[1024];
		snprintf(suite, sizeof suite, "%.500s/%.250s", root, s->d_name);
		DIR *sd = opendir(suite);
		struct dirent *c;
		while (sd && (c = readdir(sd))) {
			if (c->d_name[0] == '.' || n == sizeof cases / sizeof *cases)
				continue;
			char dir[1400], cmd[1500];
			snprintf(dir, sizeof dir, "%.1000s/%.250s", suite, c->d_name);
			snprintf(cmd, sizeof cmd, "%s/cmd", dir);
			if (!is_dir(dir) || access(cmd, R_OK) != 0)
				continue;
			snprintf(cases[n++].dir, sizeof cases[0].dir, "%.200s/%.250s", s->d_name, c->d_name);
		}
		if (sd)
			closedir(sd);
	}
	if (d)
		closedir(d);
	qsort(cases, n, sizeof *cases, cmp_names);
	if (n == 0) /* Criterion needs at least one parameter */
		snprintf(cases[n++].dir, sizeof cases[0].dir, "%s", "(none)");
	return cr_make_param_array(struct golden_case, cases, n);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	size_t r;
	while ((r = fread(buf, 1, sizeof buf, f)) > 0)
		sbuf_add(&sb, buf, r);
	fclose(f);
	return sbuf_detach(&sb, len);
}

static void spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "cannot write %s", path);
	fwrite(data, 1, len, f);
	fclose(f);
}

/* Split the cmd line into argv (whitespace-separated, '...' quoting). */
static size_t split_args(char *line, char **argv, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (*p && n < max - 1) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *w = p, *o = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					*o++ = *p++;
				if (*p)
					p++;
			} else {
				*o++ = *p++;
			}
		}
		if (*p)
			p++;
		*o = '\0';
		argv[n++] = w;
	}
	argv[n] = NULL;
	return n;
}

struct run {
	char *out, *err;
	size_t out_len, err_len;
	int status;
};

static void run_case(const char *dir, char **args, struct run *r)
{
	char outp[] = "/tmp/mc-golden-out-XXXXXX", errp[] = "/tmp/mc-golden-err-XXXXXX";
	int fo = mkstemp(outp), fe = mkstemp(errp);
	cr_assert(fo >= 0 && fe >= 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char in[1200];
		snprintf(in, sizeof in, "%s/in", dir);
		if (chdir(is_dir(in) ? in : dir) != 0)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		setenv("NO_COLOR", "1", 1);
		setenv("LC_ALL", "C", 1);
		setenv("TZ", "UTC", 1);
		unsetenv("MC_DUMP_AFTER");
		execv(MC_BINARY, args);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	close(fo);
	close(fe);
	r->out = slurp(outp, &r->out_len);
	r->err = slurp(errp, &r->err_len);
	unlink(outp);
	unlink(errp);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

ParameterizedTest(struct golden_case *gc, golden, cases, .timeout = 120)
{
	if (!strcmp(gc->dir, "(none)"))
		cr_skip_test("no golden cases");
	char dir[1024], path[1200];
	snprintf(dir, sizeof dir, "%s/golden/%s", MC_SOURCE_DIR, gc->dir);
	snprintf(path, sizeof path, "%s/cmd", dir);
	size_t len;
	char *line = slurp(path, &len);
	cr_assert_not_null(line);
	char *args[64];
	args[0] = (char *)"manifestc";
	split_args(line, args + 1, 63);

	struct run a, b;
	run_case(dir, args, &a);
	run_case(dir, args, &b);
	cr_assert(a.out_len == b.out_len && !memcmp(a.out, b.out, a.out_len),
		"%s: two runs printed different output", gc->dir);

	int want_exit = 0;
	snprintf(path, sizeof path, "%s/exit", dir);
	char *ex = slurp(path, &len);
	if (ex)
		want_exit = atoi(ex);
	if (getenv("MC_UPDATE_GOLDEN")) {
		snprintf(path, sizeof path, "%s/expected", dir);
		spit(path, a.out, a.out_len);
		snprintf(path, sizeof path, "%s/expected.err", dir);
		if (a.err_len)
			spit(path, a.err, a.err_len);
		else
			unlink(path);
		snprintf(path, sizeof path, "%s/exit", dir);
		if (a.status) {
			char s[16];
			int n = snprintf(s, sizeof s, "%d\n", a.status);
			spit(path, s, (size_t)n);
		} else {
			unlink(path);
		}
	} else {
		cr_expect_eq(a.status, want_exit, "%s: exit status %d, expected %d; stderr:\n%s",
			gc->dir, a.status, want_exit, a.err);
		snprintf(path, sizeof path, "%s/expected", dir);
		char *want = slurp(path, &len);
		cr_assert_not_null(want, "%s: no expected file (run with MC_UPDATE_GOLDEN=1)", gc->dir);
		cr_expect(len == a.out_len && !memcmp(want, a.out, len),
			"%s: stdout differs\n--- expected\n%s\n--- got\n%s", gc->dir, want, a.out);
		free(want);
		snprintf(path, sizeof path, "%s/expected.err", dir);
		char *werr = slurp(path, &len);
		if (werr)
			cr_expect(len == a.err_len && !memcmp(werr, a.err, len),
				"%s: stderr differs\n--- expected\n%s\n--- got\n%s", gc->dir, werr, a.err);
		free(werr);
	}
	free(ex);
	free(line);
	free(a.out);
	free(a.err);
	free(b.out);
	free(b.err);
}
