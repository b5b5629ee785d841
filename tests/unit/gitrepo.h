/*
 * gitrepo.h - building small git repositories in a temporary directory for
 * the tests of the git vfs and of `manifestc diff` (through the git
 * command, with a fixed identity and dates so commits are reproducible).
 */
#ifndef MC_TEST_GITREPO_H
#define MC_TEST_GITREPO_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", repo);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", repo);
	free(repo);
}

#endif
