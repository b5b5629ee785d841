/*
 * vfs_git.c - a vfs over the tree of a git revision (libgit2).
 *
 * `manifestc diff --base REV` renders the repository as it was at REV.
 * Checking REV out (or adding a worktree, or unpacking into a temporary
 * directory) would cost time and disk and race with the user's own work;
 * instead every read goes straight to the object database: a path below
 * the work tree maps to the same path in REV's tree, directories are tree
 * objects and files are blobs.  Frontends cannot tell the difference,
 * because they only ever read through the vfs.
 *
 * HEAD of a repository without commits is the empty tree (as for
 * `git diff --cached`), so a first commit can be diffed too.
 *
 * Symlinks are blobs holding their target.  They are followed inside the
 * tree (relative targets from the link's directory, absolute targets when
 * they point into the work tree); a target that leaves the tree is
 * refused with EACCES, as a missing object would be dishonest and reading
 * the disk would mix revisions.  Gitlinks (submodules) are VFS_OTHER: their
 * content is another repository's.
 *
 * libgit2 objects are not meant to be shared between threads without
 * care, so one mutex serialises this store; reads are few (each file is
 * read once, vfs_load caches it) and each costs microseconds.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "mc/frontend.h"

#define GIT_MAX_LINKS 40   /* symlinks followed in one lookup (as Linux) */
#define GIT_MAX_DEPTH 4096 /* path components in one lookup */

#define EMPTY_TREE "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
#define GITFS_MAGIC 0x67697466u /* tells a git vfs from other stores */

struct gitfs {
	uint32_t magic;
	git_repository *repo;
	git_tree *root;   /* the revision's tree */
	char *base;       /* the work tree's absolute path: the tree's root */
	char id[GIT_OID_HEXSZ + 1];
	pthread_mutex_t lock;
};

/* Where a lookup ended. */
struct found {
	enum vfs_kind kind;
	git_oid oid;
	struct sbuf path; /* resolved, relative to the tree root ("" = root) */
};

/* The stack of trees walked so far: trees[0] is the root. */
struct walk {
	git_tree **trees;
	size_t len, cap;
	size_t *ends; /* length of found.path after each level */
};

static void walk_push(struct walk *w, git_tree *t, size_t end)
{
	if (w->len == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->trees = xrealloc(w->trees, w->cap * sizeof *w->trees);
		w->ends = xrealloc(w->ends, w->cap * sizeof *w->ends);
	}
	w->trees[w->len] = t;
	w->ends[w->len] = end;
	w->len++;
}

static void walk_release(struct walk *w)
{
	for (size_t i = 1; i < w->len; i++) /* trees[0] belongs to the store */
		git_tree_free(w->trees[i]);
	free(w->trees);
	free(w->ends);
}

/* Resolve rel (relative to the tree root; any form) following every
 * symlink.  Fills *out; returns 0 or an errno value. */
static int resolve(struct gitfs *g, const char *rel, struct found *out)
{
	if (!g->root) { /* the empty tree: only its root exists */
		sbuf_reset(&out->path);
		out->kind = VFS_DIR;
		for (const char *p = rel; *p; p++)
			if (*p != '/' && *p != '.')
				return ENOENT;
		return 0;
	}
	struct walk w = { 0 };
	walk_push(&w, g->root, 0);
	sbuf_reset(&out->path);
	out->kind = VFS_DIR;
	git_oid_cpy(&out->oid, git_tree_id(g->root));
	char *todo = xstrdup(rel);
	const char *p = todo;
	int links = 0, err = 0;
	size_t steps = 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *next = e ? e + 1 : p + n;
		if (++steps > GIT_MAX_DEPTH) {
			err = ENAMETOOLONG;
			break;
		}
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p = next;
			continue;
		}
		if (out->kind != VFS_DIR) {
			err = ENOTDIR;
			break;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (w.len == 1) { /* above the root of the tree */
				err = EACCES;
				break;
			}
			git_tree_free(w.trees[--w.len]);
			sbuf_truncate(&out->path, w.ends[w.len - 1]);
			git_oid_cpy(&out->oid, git_tree_id(w.trees[w.len - 1]));
			p = next;
			continue;
		}
		char *name = xstrndup(p, n);
		const git_tree_entry *te = git_tree_entry_byname(w.trees[w.len - 1], name);
		free(name);
		if (!te) {
			err = ENOENT;
			break;
		}
		git_filemode_t mode = git_tree_entry_filemode(te);
		if (mode == GIT_FILEMODE_LINK) {
			if (++links > GIT_MAX_LINKS) {
				err = ELOOP;
				break;
			}
			git_blob *b = NULL;
			if (git_blob_lookup(&b, g->repo, git_tree_entry_id(te)) != 0) {
				err = EIO;
				break;
			}
			struct sbuf t = SBUF_INIT;
			sbuf_add(&t, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
			git_blob_free(b);
			if (t.len == 0 || memchr(t.buf, '\0', t.len)) {
				sbuf_release(&t);
				err = ENOENT;
				break;
			}
			if (t.buf[0] == '/') {
				/* Absolute: only into the work tree, from its root. */
				char *clean = path_clean(NULL, t.buf);
				bool inside = path_within(clean, g->base);
				sbuf_reset(&t);
				if (inside)
					sbuf_adds(&t, path_rel(g->base, clean));
				free(clean);
				if (!inside) {
					sbuf_release(&t);
					err = EACCES;
					break;
				}
				while (w.len > 1)
					git_tree_free(w.trees[--w.len]);
				sbuf_reset(&out->path);
				git_oid_cpy(&out->oid, git_tree_id(g->root));
			}
			if (*next) {
				sbuf_addc(&t, '/');
				sbuf_adds(&t, next);
			}
			free(todo);
			todo = sbuf_detach(&t, NULL);
			p = todo;
			continue;
		}
		if (out->path.len)
			sbuf_addc(&out->path, '/');
		sbuf_add(&out->path, p, n);
		git_oid_cpy(&out->oid, git_tree_entry_id(te));
		if (mode == GIT_FILEMODE_TREE) {
			git_tree *sub = NULL;
			if (git_tree_lookup(&sub, g->repo, git_tree_entry_id(te)) != 0) {
				err = EIO;
				break;
			}
			walk_push(&w, sub, out->path.len);
			out->kind = VFS_DIR;
		} else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			out->kind = VFS_FILE;
		} else {
			out->kind = VFS_OTHER; /* a gitlink: another repository */
		}
		p = next;
	}
	free(todo);
	walk_release(&w);
	return err;
}

/* Resolve an absolute path handed over by vfs.c (already inside the root). */
static int lookup(struct vfs *fs, const char *abs, struct found *out)
{
	struct gitfs *g = vfs_priv(fs);
	if (!path_within(abs, g->base))
		return EACCES;
	const char *rel = path_rel(g->base, abs);
	return resolve(g, strcmp(rel, ".") ? rel : "", out);
}

static int git_stat(struct vfs *fs, const char *path, enum vfs_kind *kind)
{
	struct gitfs *g = vfs_priv(fs);
	struct found f = { .path = SBUF_INIT };
	pthread_mutex_lock(&g->lock);
	int err = lookup(fs, path, &f);
	pthread_mutex_unlock(&g->lock);
	*kind = err ? VFS_MISSING : f.kind;
	sbuf_release(&f.path);
	return err;
}

static int git_read(struct vfs *fs, const char *path, char **data, size_t *len)
{
	struct gitfs *g = vfs_priv(fs);
	struct found f = { .path = SBUF_INIT };
	pthread_mutex_lock(&g->lock);
	int err = lookup(fs, path, &f);
	if (!err && f.kind == VFS_DIR)
		err = EISDIR;
	else if (!err && f.kind != VFS_FILE)
		err = EINVAL;
	git_blob *b = NULL;
	if (!err && git_blob_lookup(&b, g->repo, &f.oid) != 0)
		err = EIO;
	if (!err) {
		git_object_size_t n = git_blob_rawsize(b);
		if (n > VFS_MAX_FILE) {
			err = EFBIG;
		} else {
			*len = (size_t)n;
			*data = xmalloc(*len + 1);
			memcpy(*data, git_blob_rawcontent(b), *len);
			(*data)[*len] = '\0';
		}
		git_blob_free(b);
	}
	pthread_mutex_unlock(&g->lock);
	sbuf_release(&f.path);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int git_list(struct vfs *fs, const char *path, char ***names, size_t *n)
{
	struct gitfs *g = vfs_priv(fs);
	struct found f = { .path = SBUF_INIT };
	pthread_mutex_lock(&g->lock);
	int err = lookup(fs, path, &f);
	if (!err && f.kind != VFS_DIR)
		err = ENOTDIR;
	git_tree *t = NULL;
	if (!err && !g->root) {
		*names = xmalloc(sizeof **names);
		*n = 0;
	} else if (!err && git_tree_lookup(&t, g->repo, &f.oid) != 0) {
		err = EIO;
	} else if (!err) {
		size_t cnt = git_tree_entrycount(t);
		char **v = xmalloc((cnt ? cnt : 1) * sizeof *v);
		for (size_t i = 0; i < cnt; i++)
			v[i] = xstrdup(git_tree_entry_name(git_tree_entry_byindex(t, i)));
		/* git orders a directory as if its name ended in '/'. */
		qsort(v, cnt, sizeof *v, cmp_names);
		*names = v;
		*n = cnt;
		git_tree_free(t);
	}
	pthread_mutex_unlock(&g->lock);
	sbuf_release(&f.path);
	return err;
}

static int git_realpath(struct vfs *fs, const char *path, char **out)
{
	struct gitfs *g = vfs_priv(fs);
	struct found f = { .path = SBUF_INIT };
	pthread_mutex_lock(&g->lock);
	int err = lookup(fs, path, &f);
	pthread_mutex_unlock(&g->lock);
	if (!err)
		*out = f.path.len ? path_clean(g->base, f.path.buf) : xstrdup(g->base);
	sbuf_release(&f.path);
	return err;
}

static void git_destroy(struct vfs *fs)
{
	struct gitfs *g = vfs_priv(fs);
	git_tree_free(g->root);
	git_repository_free(g->repo);
	pthread_mutex_destroy(&g->lock);
	free(g->base);
	free(g);
	git_libgit2_shutdown();
}

static const struct vfs_ops git_ops = {
	git_stat, git_read, git_list, git_realpath, git_destroy,
};

static void git_message(struct sbuf *err, const char *what)
{
	const git_error *e = git_error_last();
	sbuf_printf(err, "%s: %s", what, e && e->message ? e->message : "unknown error");
}

struct vfs *vfs_git(const char *repo_dir, const char *rev, struct sbuf *err)
{
	char *abs = realpath(repo_dir, NULL);
	if (!abs) {
		sbuf_printf(err, "%s: %s", repo_dir, strerror(errno));
		return NULL;
	}
	git_libgit2_init();
	/* Every lookup walks trees from the root: keep them all inflated
	 * (libgit2 caches only trees under 4 KiB by default). */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
	struct gitfs *g = xcalloc(1, sizeof *g);
	g->magic = GITFS_MAGIC;
	git_object *obj = NULL;
	if (git_repository_open_ext(&g->repo, abs, 0, NULL) != 0) {
		git_message(err, repo_dir);
		goto fail;
	}
	const char *wd = git_repository_workdir(g->repo);
	if (wd) {
		g->base = realpath(wd, NULL);
		if (!g->base) {
			sbuf_printf(err, "%s: %s", wd, strerror(errno));
			goto fail;
		}
	} else {
		g->base = xstrdup(abs); /* bare: the directory stands for the tree */
	}
	if (!path_within(abs, g->base)) {
		sbuf_printf(err, "%s: not inside the work tree %s", repo_dir, g->base);
		goto fail;
	}
	const char *rel = path_rel(g->base, abs);
	if (wd && (!strcmp(rel, ".git") || !strncmp(rel, ".git/", 5))) {
		sbuf_printf(err, "%s: inside the .git directory", repo_dir);
		goto fail;
	}
	if (git_revparse_single(&obj, g->repo, rev) != 0 && !strcmp(rev, "HEAD") &&
	    git_repository_head_unborn(g->repo) == 1) {
		/* No commit yet: HEAD is the empty tree, as for git diff --cached. */
		snprintf(g->id, sizeof g->id, "%s", EMPTY_TREE);
		pthread_mutex_init(&g->lock, NULL);
		struct vfs *fs = vfs_new(&git_ops, abs, g);
		free(abs);
		return fs;
	}
	if (!obj) {
		sbuf_printf(err, "unknown revision '%s'", rev);
		const git_error *e = git_error_last();
		if (e && e->message)
			sbuf_printf(err, ": %s", e->message);
		goto fail;
	}
	git_object *commit = NULL;
	if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(g->id, sizeof g->id, git_object_id(commit));
		git_object_free(commit);
	}
	if (git_object_peel((git_object **)&g->root, obj, GIT_OBJECT_TREE) != 0) {
		git_message(err, rev);
		goto fail;
	}
	if (!g->id[0])
		git_oid_tostr(g->id, sizeof g->id, git_tree_id(g->root));
	git_object_free(obj);
	pthread_mutex_init(&g->lock, NULL);
	struct vfs *fs = vfs_new(&git_ops, abs, g);
	free(abs);
	return fs;
fail:
	git_object_free(obj);
	git_tree_free(g->root);
	git_repository_free(g->repo);
	free(g->base);
	free(g);
	free(abs);
	git_libgit2_shutdown();
	return NULL;
}

const char *vfs_git_id(const struct vfs *fs)
{
	const struct gitfs *g = vfs_priv(fs);
	return g && g->magic == GITFS_MAGIC ? g->id : NULL;
}
