/*
 * gitrepo.h - building small git repositories in a temporary directory for
 * the tests of the git vfs and of `manifestc diff` (through the git
 * command, with a fixed identity and dates so commits are reproducible).
 */
#ifndef MC_TEST_GITREPO_H
#define MC_TEST_GITREPO_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A fresh, empty repository; returns its malloc'd absolute path. */
static inline char *gr_init(void)
{
	char tmpl[] = "/tmp/mc-git-XXXXXX";
	char *d = mkdtemp(tmpl);
	cr_assert_not_null(d);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	setenv("GIT_AUTHOR_NAME", "t", 1);
	setenv("GIT_AUTHOR_EMAIL", "t@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "t", 1);
	setenv("GIT_COMMITTER_EMAIL", "t@example.com", 1);
	setenv("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z", 1);
	setenv("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z", 1);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "git -C %s init -q -b main", d);
	cr_assert_eq(system(cmd), 0);
	char *r = realpath(d, NULL);
	cr_assert_not_null(r);
	return r;
}

/* Write repo/rel (creating directories). */
static inline void gr_write(const char *repo, const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", repo, rel);
	for (char *p = path + strlen(repo) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* Run a shell command in repo; asserts success. */
static inline void gr_sh(const char *repo, const char *fmt, ...)
{
	char body[2048], cmd[3072];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "cd '%s' && %s", repo, body);
	cr_assert_eq(system(cmd), 0, "failed: %s", cmd);
}

/* Stage everything and commit. */
static inline void gr_commit(const char *repo, const char *msg)
{
	gr_sh(repo, "git add -A && git commit -q -m '%s'", msg);
}

static inline void gr_remove(char *repo)
{
	if (getenv("MC_KEEP_REPO")) { /* for debugging a failing test */
		fprintf(stderr, "kept %s\n", repo);
		free(repo);
		return;
	}
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", repo);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", repo);
	free(repo);
}

/* What a command printed and its exit status. */
struct gr_out {
	char *out, *err; /* malloc'd, NUL-terminated */
	int status;
};

static inline char *gr_slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	lseek(fd, 0, SEEK_SET);
	ssize_t r;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	return buf;
}

/* Run argv (argv[0] is the program) in cwd with NO_COLOR unset unless
 * no_color. */
static inline void gr_run(const char *cwd, char *const *argv, bool no_color, struct gr_out *o)
{
	char op[] = "/tmp/mc-run-out-XXXXXX", ep[] = "/tmp/mc-run-err-XXXXXX";
	int fo = mkstemp(op), fe = mkstemp(ep);
	cr_assert(fo >= 0 && fe >= 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (chdir(cwd) != 0)
			_exit(127);
		dup2(fo, 1);
		dup2(fe, 2);
		if (no_color)
			setenv("NO_COLOR", "1", 1);
		else
			unsetenv("NO_COLOR");
		setenv("LC_ALL", "C", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	o->out = gr_slurp_fd(fo);
	o->err = gr_slurp_fd(fe);
	close(fo);
	close(fe);
	unlink(op);
	unlink(ep);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline void gr_out_release(struct gr_out *o)
{
	free(o->out);
	free(o->err);
}

#endif
