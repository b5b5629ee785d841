/*
 * vfs_rec.c - recording what a computation reads through the vfs.
 *
 * `manifestc diff --base` renders a repository twice and caches each
 * Application's render.  Which files an Application reads is only known
 * by rendering it, so the cache stores, with the render, the list of reads
 * and a hash of each outcome; a later run replays the list against its own
 * revision and reuses the render when nothing differs (ccache's "direct
 * mode" applied to a file system).  Stats, listings and realpaths are
 * recorded too: a file that appears where a kustomization looked for one,
 * or a new directory under a git generator's path, changes the result as
 * surely as changed bytes do.
 *
 * The recorder is per thread (renders run one Application per worker), so
 * the hot path costs one thread-local load when nothing records.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/frontend.h"
#include "vfs_rec.h"

static _Thread_local struct vfs *rec_fs;
static _Thread_local struct vfs_deps *rec_deps;

void vfs_record_begin(struct vfs *fs, struct vfs_deps *deps)
{
	rec_fs = fs;
	rec_deps = deps;
}

void vfs_record_end(void)
{
	rec_fs = NULL;
	rec_deps = NULL;
}

void vfs_record_taint(struct vfs *fs)
{
	if (vfs_rec_active(fs))
		rec_deps->tainted = true;
}

bool vfs_rec_active(const struct vfs *fs)
{
	return rec_fs && rec_fs == fs;
}

static uint64_t key_hash(enum vfs_op op, const char *path)
{
	return str_hash(path, strlen(path)) * 31 + (uint64_t)op;
}

/* The slot of (op, path) in the set: holding its index + 1, or 0. */
static uint32_t *find(const struct vfs_deps *d, enum vfs_op op, const char *path)
{
	size_t i = key_hash(op, path) & (d->setcap - 1);
	for (;;) {
		uint32_t v = d->set[i];
		if (!v || (d->items[v - 1].op == op && !strcmp(d->items[v - 1].path, path)))
			return &d->set[i];
		i = (i + 1) & (d->setcap - 1);
	}
}

static void grow_set(struct vfs_deps *d)
{
	free(d->set);
	d->setcap = d->setcap ? d->setcap * 2 : 64;
	d->set = xcalloc(d->setcap, sizeof *d->set);
	for (size_t i = 0; i < d->len; i++)
		*find(d, d->items[i].op, d->items[i].path) = (uint32_t)(i + 1);
}

static bool seen(struct vfs_deps *d, enum vfs_op op, const char *path)
{
	return d->setcap && *find(d, op, path) != 0;
}

void vfs_deps_add(struct vfs_deps *d, enum vfs_op op, const char *path, uint64_t hash)
{
	if (seen(d, op, path))
		return;
	if ((d->len + 1) * 2 > d->setcap)
		grow_set(d);
	if (d->len == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->items = xrealloc(d->items, d->cap * sizeof *d->items);
	}
	d->items[d->len] = (struct vfs_dep){ (uint8_t)op, hash, xstrdup(path) };
	d->len++;
	*find(d, op, path) = (uint32_t)d->len;
}

void vfs_deps_release(struct vfs_deps *d)
{
	for (size_t i = 0; i < d->len; i++)
		free(d->items[i].path);
	free(d->items);
	free(d->set);
	memset(d, 0, sizeof *d);
}

/* The hash that stands for an outcome: the bytes, or the error. */
static uint64_t outcome(int err, const char *data, size_t len)
{
	if (err)
		return 0x8000000000000000ull | (uint64_t)(unsigned)err;
	return str_hash(data ? data : "", len) & 0x7fffffffffffffffull;
}

void vfs_rec_note(struct vfs *fs, enum vfs_op op, const char *abs, int err, const char *data,
	size_t len)
{
	if (!vfs_rec_active(fs))
		return;
	const char *rel = path_rel(vfs_root(fs), abs);
	if (seen(rec_deps, op, rel))
		return;
	vfs_deps_add(rec_deps, op, rel, outcome(err, data, len));
}

/* The outcome of one dependency on fs, computed as the recorder saw it. */
static uint64_t replay(struct vfs *fs, const struct vfs_dep *dep)
{
	const char *root = vfs_root(fs);
	char *abs = path_clean(dep->path[0] == '/' ? NULL : root, dep->path);
	uint64_t h = 0;
	switch ((enum vfs_op)dep->op) {
	case VFS_OP_STAT: {
		enum vfs_kind kind;
		int err = vfs_stat(fs, abs, &kind);
		h = outcome(err, (const char *)&kind, sizeof kind);
		break;
	}
	case VFS_OP_LIST: {
		char **names = NULL;
		size_t n = 0;
		int err = vfs_list(fs, abs, &names, &n);
		struct sbuf all = SBUF_INIT;
		for (size_t i = 0; !err && i < n; i++)
			sbuf_add(&all, names[i], strlen(names[i]) + 1);
		h = outcome(err, all.buf, all.len);
		sbuf_release(&all);
		if (!err)
			vfs_free_list(names, n);
		break;
	}
	case VFS_OP_REALPATH: {
		char *out = NULL;
		int err = vfs_realpath(fs, abs, &out);
		const char *rel = err ? "" : path_rel(root, out);
		h = outcome(err, rel, strlen(rel));
		free(out);
		break;
	}
	case VFS_OP_LOAD: {
		int err = 0;
		const struct srcfile *f = vfs_load(fs, abs, dep->path, &err);
		h = outcome(err, f ? f->data : NULL, f ? f->len : 0);
		break;
	}
	default:
		h = ~dep->hash; /* unknown operation: never equal */
	}
	free(abs);
	return h;
}

bool vfs_deps_check(struct vfs *fs, const struct vfs_deps *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (replay(fs, &d->items[i]) != d->items[i].hash)
			return false;
	return true;
}
