/*
 * repo_tree.c - the file list of a repository, as Argo CD's checkout of it
 * would hold it.
 *
 * The git generators read a fresh clone: tracked files only, no empty or
 * untracked directories.  So when the rendered directory is the top of a
 * git work tree, the list comes from its index (libgit2): committed and
 * staged files, which is also what a pre-commit hook is about to commit.
 * Otherwise (a plain directory, an export) every regular file below the root
 * is taken.  Directories are derived from the files: the git directory
 * generator lists them in filepath.WalkDir order (a parent before its
 * children, siblings by byte order), skipping hidden directories and their
 * subtrees.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "argocd.h"

#define MAX_FILES 2000000

struct strlist {
	char **items;
	size_t len, cap;
};

static void push(struct strlist *l, char *s)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->len++] = s;
}

static int cmp_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* WalkDir order: component by component (os.ReadDir sorts names
 * bytewise), an ancestor before its descendants. */
static int cmp_walk(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	for (;;) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
		int c = memcmp(a, b, la < lb ? la : lb);
		if (c)
			return c < 0 ? -1 : 1;
		if (la != lb)
			return la < lb ? -1 : 1;
		if (!a[la] || !b[lb])
			return !a[la] && !b[lb] ? 0 : !a[la] ? -1 : 1;
		a += la + 1;
		b += lb + 1;
	}
}

static bool from_git_index(struct repo_tree *t, struct strlist *files, struct sbuf *err)
{
	struct sbuf dotgit = SBUF_INIT;
	sbuf_printf(&dotgit, "%s/.git", t->root);
	struct stat st;
	bool is_top = lstat(dotgit.buf, &st) == 0;
	sbuf_release(&dotgit);
	if (!is_top)
		return false;
	git_libgit2_init();
	git_repository *repo = NULL;
	git_index *index = NULL;
	bool ok = false;
	if (git_repository_open_ext(&repo, t->root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0 &&
		!git_repository_is_bare(repo) && git_repository_index(&index, repo) == 0) {
		size_t n = git_index_entrycount(index);
		const char *last = NULL;
		for (size_t i = 0; i < n && files->len < MAX_FILES; i++) {
			const git_index_entry *e = git_index_get_byindex(index, i);
			/* Gitlinks (submodules) are directories Argo CD leaves empty. */
			if ((e->mode & 0170000) == 0160000)
				continue;
			if (last && !strcmp(last, e->path))
				continue; /* conflict stages of one path */
			push(files, xstrdup(e->path));
			last = files->items[files->len - 1];
		}
		ok = true;
	} else {
		const git_error *ge = git_error_last();
		sbuf_printf(err, "reading the git index of %s: %s", t->root, ge ? ge->message : "unknown error");
	}
	git_index_free(index);
	git_repository_free(repo);
	git_libgit2_shutdown();
	t->from_git = ok;
	return true;
}

static int walk(const char *root, struct sbuf *rel, struct strlist *files, int depth)
{
	if (depth > 256)
		return ELOOP;
	struct sbuf abs = SBUF_INIT;
	sbuf_adds(&abs, root);
	if (rel->len) {
		sbuf_addc(&abs, '/');
		sbuf_add(&abs, rel->buf, rel->len);
	}
	DIR *d = opendir(abs.buf);
	if (!d) {
		int e = errno;
		sbuf_release(&abs);
		return e;
	}
	struct strlist names = { 0 };
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			push(&names, xstrdup(de->d_name));
	closedir(d);
	if (names.len)
		qsort(names.items, names.len, sizeof *names.items, cmp_bytes);
	int rc = 0;
	size_t base = rel->len;
	for (size_t i = 0; i < names.len; i++) {
		if (!rc && !(depth == 0 && !strcmp(names.items[i], ".git"))) {
			if (base)
				sbuf_addc(rel, '/');
			sbuf_adds(rel, names.items[i]);
			sbuf_reset(&abs);
			sbuf_printf(&abs, "%s/%s", root, rel->buf);
			struct stat st;
			if (lstat(abs.buf, &st) == 0) {
				if (S_ISDIR(st.st_mode))
					rc = walk(root, rel, files, depth + 1);
				else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && files->len < MAX_FILES)
					push(files, xstrndup(rel->buf, rel->len));
			}
			sbuf_truncate(rel, base);
		}
		free(names.items[i]);
	}
	free(names.items);
	sbuf_release(&abs);
	return rc;
}

static bool hidden_component(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '.' && (i == 0 || p[i - 1] == '/'))
			return true;
	return false;
}

static void finish(struct repo_tree *t, struct strlist files);

int repo_tree_load(struct repo_tree *t, const char *root, struct sbuf *err)
{
	memset(t, 0, sizeof *t);
	t->root = xstrdup(root);
	struct strlist files = { 0 };
	size_t errlen = err->len;
	if (from_git_index(t, &files, err)) {
		if (err->len != errlen) {
			repo_tree_release(t);
			return EIO;
		}
	} else {
		struct sbuf rel = SBUF_INIT;
		int rc = walk(root, &rel, &files, 0);
		sbuf_release(&rel);
		if (rc) {
			sbuf_printf(err, "listing %s: %s", root, strerror(rc));
			for (size_t i = 0; i < files.len; i++)
				free(files.items[i]);
			free(files.items);
			repo_tree_release(t);
			return rc;
		}
	}
	finish(t, files);
	return 0;
}

/* The files below root/rel through the vfs.  A symlink is a file (as git
 * stores it), never followed into: realpath tells it from a directory. */
static int walk_fs(struct vfs *fs, const char *root, struct sbuf *rel, struct strlist *files,
	int depth)
{
	if (depth > 256)
		return ELOOP;
	char *dir = rel->len ? path_clean(root, rel->buf) : xstrdup(root);
	char **names = NULL;
	size_t n = 0;
	int rc = vfs_list(fs, dir, &names, &n);
	size_t base = rel->len;
	for (size_t i = 0; !rc && i < n; i++) {
		if (depth == 0 && !strcmp(names[i], ".git"))
			continue;
		if (base)
			sbuf_addc(rel, '/');
		sbuf_adds(rel, names[i]);
		char *p = path_clean(root, rel->buf), *real = NULL;
		enum vfs_kind k = VFS_MISSING;
		bool link = vfs_realpath(fs, p, &real) != 0 || strcmp(real, p) != 0;
		if (!link && vfs_stat(fs, p, &k) == 0 && k == VFS_DIR)
			rc = walk_fs(fs, root, rel, files, depth + 1);
		else if ((link || k == VFS_FILE) && files->len < MAX_FILES)
			push(files, xstrndup(rel->buf, rel->len));
		free(real);
		free(p);
		sbuf_truncate(rel, base);
	}
	if (names)
		vfs_free_list(names, n);
	free(dir);
	return rc;
}

int repo_tree_load_fs(struct repo_tree *t, struct vfs *fs, const char *root, struct sbuf *err)
{
	if (!fs || !vfs_git_id(fs)) {
		if (fs)
			vfs_record_taint(fs);
		return repo_tree_load(t, root, err);
	}
	memset(t, 0, sizeof *t);
	t->root = xstrdup(root);
	t->from_git = true;
	struct strlist files = { 0 };
	struct sbuf rel = SBUF_INIT;
	char *croot = NULL; /* absolute, so realpaths compare */
	int rc = vfs_realpath(fs, root, &croot);
	if (!rc)
		rc = walk_fs(fs, croot, &rel, &files, 0);
	free(croot);
	sbuf_release(&rel);
	if (rc) {
		sbuf_printf(err, "listing %s at %.12s: %s", root, vfs_git_id(fs), strerror(rc));
		for (size_t i = 0; i < files.len; i++)
			free(files.items[i]);
		free(files.items);
		repo_tree_release(t);
		return rc;
	}
	finish(t, files);
	return 0;
}

static void finish(struct repo_tree *t, struct strlist files)
{
	if (files.len)
		qsort(files.items, files.len, sizeof *files.items, cmp_bytes);
	t->files = files.items;
	t->nfiles = files.len;
	/* Every ancestor directory of every file, once. */
	struct strlist all = { 0 };
	for (size_t i = 0; i < files.len; i++) {
		const char *f = files.items[i];
		for (const char *s = strchr(f, '/'); s; s = strchr(s + 1, '/'))
			push(&all, xstrndup(f, (size_t)(s - f)));
	}
	if (all.len)
		qsort(all.items, all.len, sizeof *all.items, cmp_bytes);
	size_t w = 0;
	for (size_t i = 0; i < all.len; i++) {
		if (w && !strcmp(all.items[w - 1], all.items[i]))
			free(all.items[i]);
		else
			all.items[w++] = all.items[i];
	}
	all.len = w;
	t->alldirs = all.items;
	t->nalldirs = all.len;
	struct strlist dirs = { 0 };
	for (size_t i = 0; i < all.len; i++)
		if (!hidden_component(all.items[i], strlen(all.items[i])))
			push(&dirs, all.items[i]);
	if (dirs.len)
		qsort(dirs.items, dirs.len, sizeof *dirs.items, cmp_walk);
	t->dirs = dirs.items;
	t->ndirs = dirs.len;
}

void repo_tree_release(struct repo_tree *t)
{
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	for (size_t i = 0; i < t->nalldirs; i++)
		free(t->alldirs[i]);
	free(t->files);
	free(t->alldirs);
	free(t->dirs); /* its strings belong to alldirs */
	free(t->root);
	memset(t, 0, sizeof *t);
}
