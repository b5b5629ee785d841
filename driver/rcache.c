/*
 * rcache.c - the render cache: one Application's render, reused while its
 * inputs are unchanged.
 *
 * `manifestc diff --base` renders a repository twice per run, and a pull
 * request usually touches one service; re-rendering every Application of
 * both revisions each time would waste nearly all of the work.  An entry
 * is found by a key that the caller computes (XXH3-128 of the Application
 * spec, the tool options and the manifestc version) and holds up to
 * RCACHE_VARIANTS variants, each a list of recorded reads (vfs_deps: which
 * files, listings and stats the render made, with an XXH3 of each outcome)
 * and the bytes of the render.  A lookup replays each variant's reads on
 * the revision at hand and returns the first whose outcomes all match, so
 * the base and head revisions of a pull request, or two branches, keep
 * separate variants under one key without evicting each other.
 *
 * Files live at DIR/v1/KEY[0..2]/KEY.  Writes go to a temporary file in
 * the same directory and are renamed into place, so a reader sees an old
 * entry or a new one, never half of one, and concurrent writers simply
 * race to the last rename; render threads share one struct rcache.  A malformed or foreign file is a miss.  Hits
 * refresh the file's modification time; when the cache grows past its
 * bound, the least recently used files go first.  None of this changes
 * what a run prints: an entry gives exactly the bytes a render would.
 */
#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "driver.h"
#include "mc/diff.h"
#include "mc/frontend.h"

#define MAGIC "manifestc-cache 1\n"
#define RCACHE_VARIANTS 4
#define RCACHE_MAX_ENTRY (256u << 20)

struct rcache {
	char *dir;       /* DIR/v1 */
	uint64_t max_bytes;
	atomic_bool wrote; /* something was stored: check the bound at close */
	atomic_uint seq;   /* temporary file names (render threads store at once) */
};

void rcache_key(char out[33], const void *p, size_t n)
{
	XXH128_hash_t h = XXH3_128bits(p, n);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
		(unsigned long long)h.low64);
}

char *rcache_default_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME");
	struct sbuf sb = SBUF_INIT;
	if (x && x[0] == '/') {
		sbuf_printf(&sb, "%s/manifestc", x);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home) {
			sbuf_release(&sb);
			return NULL;
		}
		sbuf_printf(&sb, "%s/.cache/manifestc", home);
	}
	return sbuf_detach(&sb, NULL);
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int err = 0;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				err = errno;
			*s = c;
			if (!c || err)
				break;
		}
	}
	free(p);
	return err;
}

struct rcache *rcache_open(const char *dir, uint64_t max_bytes, struct sbuf *err)
{
	char cwd[4096];
	if (dir[0] != '/' && !getcwd(cwd, sizeof cwd)) {
		sbuf_printf(err, "cache directory %s: %s", dir, strerror(errno));
		return NULL;
	}
	char *root = path_clean(dir[0] == '/' ? NULL : cwd, dir);
	struct rcache *c = xcalloc(1, sizeof *c);
	c->dir = path_clean(root, "v1");
	free(root);
	c->max_bytes = max_bytes;
	int e = mkdirs(c->dir);
	if (e) {
		sbuf_printf(err, "cache directory %s: %s", c->dir, strerror(e));
		free(c->dir);
		free(c);
		return NULL;
	}
	return c;
}

static char *entry_path(const struct rcache *c, const char *key)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_printf(&sb, "%s/%.2s/%s", c->dir, key, key);
	return sbuf_detach(&sb, NULL);
}

static bool valid_key(const char *key)
{
	size_t n = strlen(key);
	if (n < 8 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", key[i]))
			return false;
	return true;
}

/* ---- the file format ----
 *
 *   manifestc-cache 1
 *   variants K
 *   then K times:
 *     deps N
 *     N lines: OP HASH16 LEN PATH   (OP a digit, LEN the path's bytes)
 *     blob LEN
 *     LEN bytes, then a newline
 */

struct variant {
	struct vfs_deps deps;
	const char *blob; /* points into the file's bytes */
	size_t len;
};

struct reader {
	const char *p, *end;
};

static bool read_word(struct reader *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return false;
	r->p += n;
	return true;
}

static bool read_num(struct reader *r, int base, uint64_t *out)
{
	const char *s = r->p;
	while (r->p < r->end && strchr(base == 16 ? "0123456789abcdef" : "0123456789", *r->p))
		r->p++;
	return r->p > s && r->p - s <= 20 && go_parse_uint(s, (size_t)(r->p - s), base, out);
}

static bool read_variant(struct reader *r, struct variant *v)
{
	uint64_t n, op, hash, len;
	if (!read_word(r, "deps ") || !read_num(r, 10, &n) || !read_word(r, "\n") || n > 1u << 24)
		return false;
	for (uint64_t i = 0; i < n; i++) {
		if (!read_num(r, 10, &op) || op > VFS_OP_LOAD || !read_word(r, " ") ||
		    !read_num(r, 16, &hash) || !read_word(r, " ") || !read_num(r, 10, &len) ||
		    !read_word(r, " ") || len > (uint64_t)(r->end - r->p))
			return false;
		char *path = xstrndup(r->p, (size_t)len);
		r->p += len;
		bool ok = strlen(path) == len && read_word(r, "\n");
		if (ok)
			vfs_deps_add(&v->deps, (enum vfs_op)op, path, hash);
		free(path);
		if (!ok)
			return false;
	}
	if (!read_word(r, "blob ") || !read_num(r, 10, &len) || !read_word(r, "\n") ||
	    len >= (uint64_t)(r->end - r->p))
		return false;
	v->blob = r->p;
	v->len = (size_t)len;
	r->p += len;
	return read_word(r, "\n");
}

/* Parse a whole file; returns the number of variants (0 when malformed). */
static size_t parse(const char *data, size_t len, struct variant *vs)
{
	struct reader r = { data, data + len };
	uint64_t k;
	if (!read_word(&r, MAGIC) || !read_word(&r, "variants ") || !read_num(&r, 10, &k) ||
	    !read_word(&r, "\n") || k == 0 || k > RCACHE_VARIANTS)
		return 0;
	for (size_t i = 0; i < k; i++) {
		memset(&vs[i], 0, sizeof vs[i]);
		if (!read_variant(&r, &vs[i])) {
			for (size_t j = 0; j <= i; j++)
				vfs_deps_release(&vs[j].deps);
			return 0;
		}
	}
	if (r.p != r.end) {
		for (size_t j = 0; j < k; j++)
			vfs_deps_release(&vs[j].deps);
		return 0;
	}
	return (size_t)k;
}

static void write_variant(struct sbuf *out, const struct vfs_deps *d, const char *blob, size_t len)
{
	sbuf_printf(out, "deps %zu\n", d->len);
	for (size_t i = 0; i < d->len; i++)
		sbuf_printf(out, "%u %016llx %zu %s\n", (unsigned)d->items[i].op,
			(unsigned long long)d->items[i].hash, strlen(d->items[i].path), d->items[i].path);
	sbuf_printf(out, "blob %zu\n", len);
	sbuf_add(out, blob, len);
	sbuf_addc(out, '\n');
}

static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)RCACHE_MAX_ENTRY) {
		close(fd);
		return NULL;
	}
	size_t n = (size_t)st.st_size, off = 0;
	char *buf = xmalloc(n + 1);
	while (off < n) {
		ssize_t r = read(fd, buf + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return buf;
}

char *rcache_get(struct rcache *c, const char *key, struct vfs *fs, size_t *len)
{
	if (!c || !valid_key(key))
		return NULL;
	char *path = entry_path(c, key);
	size_t flen = 0;
	char *data = slurp(path, &flen);
	char *result = NULL;
	struct variant vs[RCACHE_VARIANTS];
	size_t k = data ? parse(data, flen, vs) : 0;
	for (size_t i = 0; i < k; i++) {
		if (!result && vfs_deps_check(fs, &vs[i].deps)) {
			result = xmalloc(vs[i].len + 1);
			memcpy(result, vs[i].blob, vs[i].len);
			result[vs[i].len] = '\0';
			*len = vs[i].len;
		}
		vfs_deps_release(&vs[i].deps);
	}
	if (result)
		utimensat(AT_FDCWD, path, NULL, 0); /* recently used */
	free(data);
	free(path);
	return result;
}

int rcache_put(struct rcache *c, const char *key, const struct vfs_deps *deps, const char *blob,
	size_t len)
{
	if (!c || !valid_key(key))
		return EINVAL;
	for (size_t i = 0; i < deps->len; i++)
		if (strchr(deps->items[i].path, '\n'))
			return EINVAL; /* not representable; simply not cached */
	char *path = entry_path(c, key);
	char *dir = path_dir(path);
	int err = mkdirs(dir);
	/* The new variant first, then the others it does not replace. */
	struct sbuf body = SBUF_INIT;
	size_t flen = 0, kept = 0;
	char *old = err ? NULL : slurp(path, &flen);
	struct variant vs[RCACHE_VARIANTS];
	size_t k = old ? parse(old, flen, vs) : 0;
	write_variant(&body, deps, blob, len);
	kept = 1;
	for (size_t i = 0; i < k; i++) {
		bool same = vs[i].deps.len == deps->len;
		for (size_t j = 0; same && j < deps->len; j++)
			same = vs[i].deps.items[j].hash == deps->items[j].hash &&
				vs[i].deps.items[j].op == deps->items[j].op &&
				!strcmp(vs[i].deps.items[j].path, deps->items[j].path);
		if (!same && kept < RCACHE_VARIANTS) {
			write_variant(&body, &vs[i].deps, vs[i].blob, vs[i].len);
			kept++;
		}
		vfs_deps_release(&vs[i].deps);
	}
	free(old);
	struct sbuf file = SBUF_INIT;
	sbuf_printf(&file, MAGIC "variants %zu\n", kept);
	sbuf_add(&file, body.buf, body.len);
	sbuf_release(&body);
	if (!err && file.len > RCACHE_MAX_ENTRY)
		err = EFBIG;
	if (!err) {
		struct sbuf tmp = SBUF_INIT;
		sbuf_printf(&tmp, "%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&c->seq, 1));
		int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			err = errno;
		} else {
			err = cli_write_fd(fd, file.buf, file.len);
			if (close(fd) != 0 && !err)
				err = errno;
			if (!err && rename(tmp.buf, path) != 0)
				err = errno;
			if (err)
				unlink(tmp.buf);
		}
		sbuf_release(&tmp);
	}
	if (!err)
		atomic_store(&c->wrote, true);
	sbuf_release(&file);
	free(dir);
	free(path);
	return err;
}

/* ---- the size bound ---- */

struct cfile {
	char *path;
	off_t size;
	struct timespec used;
};

static int cmp_used(const void *a, const void *b)
{
	const struct cfile *x = a, *y = b;
	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

void rcache_trim(struct rcache *c)
{
	DIR *top = opendir(c->dir);
	if (!top)
		return;
	struct cfile *files = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	struct dirent *e;
	while ((e = readdir(top))) {
		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		char *sub = path_clean(c->dir, e->d_name);
		DIR *d = opendir(sub);
		struct dirent *f;
		while (d && (f = readdir(d))) {
			if (f->d_name[0] == '.')
				continue;
			char *p = path_clean(sub, f->d_name);
			struct stat st;
			if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				files = xrealloc(files, cap * sizeof *files);
			}
			files[n++] = (struct cfile){ p, st.st_size, st.st_mtim };
			total += (uint64_t)st.st_size;
		}
		if (d)
			closedir(d);
		free(sub);
	}
	closedir(top);
	if (total > c->max_bytes) {
		/* Down to 90% of the bound, least recently used first. */
		qsort(files, n, sizeof *files, cmp_used);
		uint64_t goal = c->max_bytes / 10 * 9;
		for (size_t i = 0; i < n && total > goal; i++)
			if (unlink(files[i].path) == 0)
				total -= (uint64_t)files[i].size;
	}
	for (size_t i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}

void rcache_close(struct rcache *c)
{
	if (!c)
		return;
	if (atomic_load(&c->wrote) && c->max_bytes)
		rcache_trim(c);
	free(c->dir);
	free(c);
}
