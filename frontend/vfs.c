/*
 * vfs.c - the file system the frontends read through.
 *
 * Every input goes through here so that (1) a file is read once however
 * many kustomizations, charts or Applications use it, also across worker
 * threads (the cache is locked; its srcfiles are immutable once made);
 * (2) nothing outside the root is read unless the caller chose no root;
 * (3) another backing store (a git tree for `diff --base`) can stand in for
 * the disk by providing the same operations.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc/frontend.h"
#include "vfs_rec.h"

struct cache_entry {
	const char *key;
	struct srcfile *file;
	int err;
};

struct vfs {
	const struct vfs_ops *ops;
	void *priv; /* the backing store's state (vfs_new) */
	char *root; /* clean absolute path, or NULL */
	pthread_mutex_t lock;
	struct arena arena; /* srcfiles and their bytes; guarded by lock */
	struct cache_entry *slots;
	size_t cap, len;
};

/* ---- the disk ---- */

static int disk_stat(struct vfs *fs, const char *path, enum vfs_kind *kind)
{
	(void)fs;
	struct stat st;
	if (stat(path, &st) != 0) {
		*kind = VFS_MISSING;
		return errno;
	}
	*kind = S_ISREG(st.st_mode) ? VFS_FILE : S_ISDIR(st.st_mode) ? VFS_DIR : VFS_OTHER;
	return 0;
}

static int disk_read(struct vfs *fs, const char *path, char **data, size_t *len)
{
	(void)fs;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return e;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return EISDIR;
	}
	if (st.st_size > (off_t)VFS_MAX_FILE) {
		close(fd);
		return EFBIG;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > VFS_MAX_FILE) {
				free(buf);
				close(fd);
				return EFBIG;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int disk_list(struct vfs *fs, const char *path, char ***names, size_t *n)
{
	(void)fs;
	DIR *d = opendir(path);
	if (!d)
		return errno;
	size_t len = 0, cap = 16;
	char **v = xmalloc(cap * sizeof *v);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (len == cap)
			v = xrealloc(v, (cap *= 2) * sizeof *v);
		v[len++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(v, len, sizeof *v, cmp_names);
	*names = v;
	*n = len;
	return 0;
}

static int disk_realpath(struct vfs *fs, const char *path, char **out)
{
	(void)fs;
	char *r = realpath(path, NULL);
	if (!r)
		return errno;
	*out = r;
	return 0;
}

static void disk_destroy(struct vfs *fs)
{
	(void)fs;
}

static const struct vfs_ops disk_ops = {
	disk_stat, disk_read, disk_list, disk_realpath, disk_destroy,
};

struct vfs *vfs_disk(const char *root)
{
	return vfs_new(&disk_ops, root, NULL);
}

struct vfs *vfs_new(const struct vfs_ops *ops, const char *root, void *priv)
{
	struct vfs *fs = xcalloc(1, sizeof *fs);
	fs->ops = ops;
	fs->priv = priv;
	if (root) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			strcpy(cwd, "/");
		fs->root = path_clean(cwd, root);
	}
	pthread_mutex_init(&fs->lock, NULL);
	arena_init(&fs->arena);
	fs->cap = 256;
	fs->slots = xcalloc(fs->cap, sizeof *fs->slots);
	return fs;
}

void vfs_destroy(struct vfs *fs)
{
	if (!fs)
		return;
	fs->ops->destroy(fs);
	for (size_t i = 0; i < fs->cap; i++)
		if (fs->slots[i].file)
			free((char *)fs->slots[i].file->data);
	free(fs->slots);
	arena_release(&fs->arena);
	pthread_mutex_destroy(&fs->lock);
	free(fs->root);
	free(fs);
}

const char *vfs_root(const struct vfs *fs)
{
	return fs->root;
}

void *vfs_priv(const struct vfs *fs)
{
	return fs->priv;
}

/* Absolute, clean form of path, and whether the root allows it. */
static char *absolute(struct vfs *fs, const char *path, int *err)
{
	char cwd[PATH_MAX];
	if (path[0] != '/' && !getcwd(cwd, sizeof cwd)) {
		*err = errno;
		return NULL;
	}
	char *abs = path_clean(path[0] == '/' ? NULL : cwd, path);
	if (fs->root && !path_within(abs, fs->root)) {
		free(abs);
		*err = EACCES;
		return NULL;
	}
	*err = 0;
	return abs;
}

int vfs_stat(struct vfs *fs, const char *path, enum vfs_kind *kind)
{
	int err;
	char *abs = absolute(fs, path, &err);
	if (!abs) {
		*kind = VFS_MISSING;
		return err;
	}
	err = fs->ops->stat(fs, abs, kind);
	vfs_rec_note(fs, VFS_OP_STAT, abs, err, (const char *)kind, sizeof *kind);
	free(abs);
	return err;
}

int vfs_list(struct vfs *fs, const char *path, char ***names, size_t *n)
{
	int err;
	char *abs = absolute(fs, path, &err);
	if (!abs)
		return err;
	err = fs->ops->list(fs, abs, names, n);
	if (vfs_rec_active(fs)) {
		struct sbuf all = SBUF_INIT;
		for (size_t i = 0; !err && i < *n; i++)
			sbuf_add(&all, (*names)[i], strlen((*names)[i]) + 1);
		vfs_rec_note(fs, VFS_OP_LIST, abs, err, all.buf, all.len);
		sbuf_release(&all);
	}
	free(abs);
	return err;
}

void vfs_free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int vfs_realpath(struct vfs *fs, const char *path, char **out)
{
	int err;
	char *abs = absolute(fs, path, &err);
	if (!abs)
		return err;
	err = fs->ops->realpath(fs, abs, out);
	if (!err && fs->root && !path_within(*out, fs->root)) {
		free(*out);
		*out = NULL;
		err = EACCES;
	}
	if (vfs_rec_active(fs)) {
		const char *rel = err ? "" : path_rel(fs->root, *out);
		vfs_rec_note(fs, VFS_OP_REALPATH, abs, err, rel, strlen(rel));
	}
	free(abs);
	return err;
}

static struct cache_entry *cache_slot(struct vfs *fs, const char *key)
{
	size_t i = str_hash(key, strlen(key)) & (fs->cap - 1);
	while (fs->slots[i].key && strcmp(fs->slots[i].key, key) != 0)
		i = (i + 1) & (fs->cap - 1);
	return &fs->slots[i];
}

static void cache_grow(struct vfs *fs)
{
	struct cache_entry *old = fs->slots;
	size_t ocap = fs->cap;
	fs->cap *= 2;
	fs->slots = xcalloc(fs->cap, sizeof *fs->slots);
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			*cache_slot(fs, old[i].key) = old[i];
	free(old);
}

static const struct srcfile *load(struct vfs *fs, const char *abs, const char *path,
	const char *display, int *err);

const struct srcfile *vfs_load(struct vfs *fs, const char *path, const char *display, int *err)
{
	char *abs = absolute(fs, path, err);
	if (!abs)
		return NULL;
	const struct srcfile *f = load(fs, abs, path, display, err);
	if (vfs_rec_active(fs))
		vfs_rec_note(fs, VFS_OP_LOAD, abs, *err, f ? f->data : NULL, f ? f->len : 0);
	free(abs);
	return f;
}

static const struct srcfile *load(struct vfs *fs, const char *abs, const char *path,
	const char *display, int *err)
{
	pthread_mutex_lock(&fs->lock);
	struct cache_entry *e = cache_slot(fs, abs);
	if (e->key) {
		struct srcfile *f = e->file;
		*err = e->err;
		pthread_mutex_unlock(&fs->lock);
		return f;
	}
	/* Read under the lock: simple, and a file is read once either way. */
	char *data = NULL;
	size_t len = 0;
	int rc = fs->ops->read(fs, abs, &data, &len);
	e->key = arena_strdup(&fs->arena, abs);
	e->err = rc;
	if (!rc) {
		struct srcfile *f = arena_calloc(&fs->arena, 1, sizeof *f);
		f->abspath = e->key;
		f->path = arena_strdup(&fs->arena, display ? display : path);
		f->data = data; /* adopted: read() gives a NUL-terminated malloc'd buffer */
		f->len = len;
		srcfile_index(f, &fs->arena);
		e->file = f;
	}
	if (++fs->len * 2 > fs->cap)
		cache_grow(fs);
	/* e may have moved; look the entry up again for the result. */
	struct cache_entry *r = cache_slot(fs, abs);
	struct srcfile *f = r->file;
	*err = r->err;
	pthread_mutex_unlock(&fs->lock);
	return f;
}

const struct srcfile *srcfile_mem(struct mc_ctx *ctx, const char *name, const char *data,
	size_t len)
{
	struct srcfile *f = arena_calloc(&ctx->arena, 1, sizeof *f);
	f->path = arena_strdup(&ctx->arena, name);
	f->abspath = f->path;
	f->data = arena_strndup(&ctx->arena, data, len);
	f->len = len;
	srcfile_index(f, &ctx->arena);
	return f;
}
