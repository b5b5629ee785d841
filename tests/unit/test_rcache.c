/* Unit tests: the render cache (variants per key replayed against a
 * revision, malformed entries, the size bound, the default directory). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "gitrepo.h"
#include "mc/diff.h"
#include "testutil.h"

static struct vfs *rev(const char *repo, const char *r)
{
	struct sbuf err = SBUF_INIT;
	struct vfs *fs = vfs_git(repo, r, &err);
	cr_assert_not_null(fs, "%s", err.buf);
	sbuf_release(&err);
	return fs;
}

/* Record the reads of a pretend render of app/ on fs. */
static void render(struct vfs *fs, const char *repo, struct vfs_deps *deps, struct sbuf *out)
{
	char path[1100];
	snprintf(path, sizeof path, "%s/app/values.yaml", repo);
	vfs_record_begin(fs, deps);
	int err;
	const struct srcfile *f = vfs_load(fs, path, NULL, &err);
	cr_assert_not_null(f);
	snprintf(path, sizeof path, "%s/app/kustomization.yml", repo);
	enum vfs_kind k;
	vfs_stat(fs, path, &k); /* absent: its absence is an input too */
	vfs_record_end();
	sbuf_printf(out, "rendered:%s", f->data);
}

Test(rcache, variants_follow_the_revision)
{
	char *repo = gr_init();
	gr_write(repo, "app/values.yaml", "tag: 1\n");
	gr_commit(repo, "one");
	gr_write(repo, "app/values.yaml", "tag: 2\n");
	gr_commit(repo, "two");
	gr_write(repo, "app/kustomization.yml", "resources: []\n");
	gr_commit(repo, "three");
	char dir[1100];
	snprintf(dir, sizeof dir, "%s/cache", repo);
	struct sbuf err = SBUF_INIT;
	struct rcache *c = rcache_open(dir, 0, &err);
	cr_assert_not_null(c, "%s", err.buf);
	char key[33];
	rcache_key(key, "spec of app", 11);
	cr_assert_eq(strlen(key), 32);

	struct vfs *v1 = rev(repo, "HEAD~2"), *v2 = rev(repo, "HEAD~1"), *v3 = rev(repo, "HEAD");
	size_t len;
	cr_assert_null(rcache_get(c, key, v1, &len), "empty cache");
	struct vfs_deps d1 = { 0 }, d2 = { 0 };
	struct sbuf r1 = SBUF_INIT, r2 = SBUF_INIT;
	render(v1, repo, &d1, &r1);
	render(v2, repo, &d2, &r2);
	cr_assert_eq(rcache_put(c, key, &d1, r1.buf, r1.len), 0);
	cr_assert_eq(rcache_put(c, key, &d2, r2.buf, r2.len), 0);
	char *g1 = rcache_get(c, key, v1, &len), *g2 = rcache_get(c, key, v2, &len);
	cr_assert_str_eq(g1, "rendered:tag: 1\n", "both variants kept");
	cr_assert_str_eq(g2, "rendered:tag: 2\n");
	cr_assert_eq(len, r2.len);
	cr_assert_null(rcache_get(c, key, v3, &len), "a new file where one was looked for");
	char other[33];
	rcache_key(other, "spec of another app", 19);
	cr_assert_null(rcache_get(c, other, v1, &len));
	free(g1);
	free(g2);

	/* A damaged entry is a miss, never a crash. */
	char path[1300];
	snprintf(path, sizeof path, "%s/v1/%.2s/%s", dir, key, key);
	FILE *fp = fopen(path, "r+");
	cr_assert_not_null(fp);
	fseek(fp, 40, SEEK_SET);
	fputs("garbage", fp);
	fclose(fp);
	cr_assert_null(rcache_get(c, key, v1, &len));
	cr_assert_eq(truncate(path, 10), 0);
	cr_assert_null(rcache_get(c, key, v1, &len));
	cr_assert_eq(rcache_put(c, key, &d1, r1.buf, r1.len), 0, "rewritten over damage");
	g1 = rcache_get(c, key, v1, &len);
	cr_assert_str_eq(g1, "rendered:tag: 1\n");
	free(g1);
	cr_assert_null(rcache_get(c, "../../etc/passwd", v1, &len), "keys are hex");

	vfs_deps_release(&d1);
	vfs_deps_release(&d2);
	sbuf_release(&r1);
	sbuf_release(&r2);
	sbuf_release(&err);
	rcache_close(c);
	vfs_destroy(v1);
	vfs_destroy(v2);
	vfs_destroy(v3);
	gr_remove(repo);
}

Test(rcache, bounded_least_recently_used_first)
{
	char tmpl[] = "/tmp/mc-cache-XXXXXX";
	char *dir = mkdtemp(tmpl);
	cr_assert_not_null(dir);
	struct sbuf err = SBUF_INIT;
	struct rcache *c = rcache_open(dir, 10000, &err);
	cr_assert_not_null(c);
	struct vfs *fs = vfs_disk(NULL);
	struct vfs_deps none = { 0 };
	char blob[2800];
	memset(blob, 'x', sizeof blob);
	char keys[6][33];
	for (int i = 0; i < 6; i++) {
		char spec[16];
		snprintf(spec, sizeof spec, "app-%d", i);
		rcache_key(keys[i], spec, strlen(spec));
		cr_assert_eq(rcache_put(c, keys[i], &none, blob, sizeof blob), 0);
		/* Distinct, increasing use times. */
		/* dir is the short mkdtemp name above; the key is 32 digits. */
		char path[sizeof tmpl + 64];
		snprintf(path, sizeof path, "%.*s/v1/%.2s/%.32s", (int)(sizeof tmpl - 1), dir, keys[i],
			keys[i]);
		struct timespec t[2] = { { 1000 + i, 0 }, { 1000 + i, 0 } };
		cr_assert_eq(utimensat(AT_FDCWD, path, t, 0), 0);
	}
	size_t len;
	char *hit = rcache_get(c, keys[0], fs, &len); /* 0 becomes the most recent */
	cr_assert_not_null(hit);
	free(hit);
	rcache_close(c); /* 6 x ~3 KB > 10 KB: trimmed to <= 9 KB */
	c = rcache_open(dir, 10000, &err);
	int left = 0;
	for (int i = 0; i < 6; i++) {
		char *g = rcache_get(c, keys[i], fs, &len);
		left += g != NULL;
		if (i >= 1 && i <= 3)
			cr_assert_null(g, "entry %d is among the least recently used", i);
		free(g);
	}
	cr_assert_eq(left, 3);
	rcache_close(c);
	vfs_destroy(fs);
	sbuf_release(&err);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(rcache, default_directory)
{
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	char *d = rcache_default_dir();
	cr_assert_str_eq(d, "/x/cache/manifestc");
	free(d);
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	d = rcache_default_dir();
	cr_assert_str_eq(d, "/home/u/.cache/manifestc");
	free(d);
	setenv("XDG_CACHE_HOME", "relative", 1); /* ignored, as the spec says */
	d = rcache_default_dir();
	cr_assert_str_eq(d, "/home/u/.cache/manifestc");
	free(d);
}
