/* Unit tests: the git vfs (reading a revision from the object database,
 * symlinks inside and outside the tree, missing paths, the root) and the
 * recorder of reads that render caching replays. */
#include <errno.h>

#include "gitrepo.h"
#include "testutil.h"

static char *read_at(struct vfs *fs, const char *path, int *err)
{
	const struct srcfile *f = vfs_load(fs, path, NULL, err);
	return f ? xstrdup(f->data) : NULL;
}

static struct vfs *open_rev(const char *dir, const char *rev)
{
	struct sbuf err = SBUF_INIT;
	struct vfs *fs = vfs_git(dir, rev, &err);
	cr_assert_not_null(fs, "vfs_git(%s, %s): %s", dir, rev, err.buf);
	sbuf_release(&err);
	return fs;
}

/* Two commits: a.yaml changes, b/ appears, old.yaml disappears. */
static char *two_commits(void)
{
	char *repo = gr_init();
	gr_write(repo, "app/a.yaml", "v: 1\n");
	gr_write(repo, "app/old.yaml", "old: true\n");
	gr_commit(repo, "one");
	gr_write(repo, "app/a.yaml", "v: 2\n");
	gr_write(repo, "app/b/c.yaml", "c: 3\n");
	gr_sh(repo, "git rm -q app/old.yaml");
	gr_commit(repo, "two");
	/* Uncommitted: only the disk sees it. */
	gr_write(repo, "app/a.yaml", "v: dirty\n");
	return repo;
}

Test(vfs_git, reads_each_revision_from_objects)
{
	char *repo = two_commits();
	char path[1100];
	snprintf(path, sizeof path, "%s/app/a.yaml", repo);
	int err;

	struct vfs *head = open_rev(repo, "HEAD");
	struct vfs *prev = open_rev(repo, "HEAD~1");
	struct vfs *disk = vfs_disk(repo);
	char *h = read_at(head, path, &err), *p = read_at(prev, path, &err), *d = read_at(disk, path, &err);
	cr_assert_str_eq(h, "v: 2\n");
	cr_assert_str_eq(p, "v: 1\n");
	cr_assert_str_eq(d, "v: dirty\n", "the disk view has uncommitted files");
	free(h);
	free(p);
	free(d);

	/* A branch name and a sha resolve too. */
	struct vfs *br = open_rev(repo, "main");
	cr_assert_str_eq(vfs_git_id(br), vfs_git_id(head));
	struct vfs *sha = open_rev(repo, vfs_git_id(prev));
	snprintf(path, sizeof path, "%s/app/old.yaml", repo);
	char *o = read_at(sha, path, &err);
	cr_assert_str_eq(o, "old: true\n");
	free(o);
	cr_assert_null(read_at(head, path, &err), "deleted at HEAD");
	cr_assert_eq(err, ENOENT);
	cr_assert_null(vfs_git_id(disk));

	vfs_destroy(br);
	vfs_destroy(sha);
	vfs_destroy(disk);
	vfs_destroy(prev);
	vfs_destroy(head);
	gr_remove(repo);
}

Test(vfs_git, stat_list_and_missing_paths)
{
	char *repo = two_commits();
	struct vfs *head = open_rev(repo, "HEAD");
	struct vfs *prev = open_rev(repo, "HEAD~1");
	char path[1100];
	enum vfs_kind k;

	snprintf(path, sizeof path, "%s/app", repo);
	cr_assert_eq(vfs_stat(head, path, &k), 0);
	cr_assert_eq(k, VFS_DIR);
	char **names;
	size_t n;
	cr_assert_eq(vfs_list(head, path, &names, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(names[0], "a.yaml");
	cr_assert_str_eq(names[1], "b");
	vfs_free_list(names, n);
	cr_assert_eq(vfs_list(prev, path, &names, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(names[1], "old.yaml");
	vfs_free_list(names, n);

	snprintf(path, sizeof path, "%s/app/b", repo);
	cr_assert_eq(vfs_stat(prev, path, &k), ENOENT);
	cr_assert_eq(k, VFS_MISSING);
	cr_assert_eq(vfs_list(prev, path, &names, &n), ENOENT);

	snprintf(path, sizeof path, "%s/app/a.yaml/x", repo);
	cr_assert_eq(vfs_stat(head, path, &k), ENOTDIR);
	snprintf(path, sizeof path, "%s/app/a.yaml", repo);
	cr_assert_eq(vfs_list(head, path, &names, &n), ENOTDIR);
	snprintf(path, sizeof path, "%s/app", repo);
	int err;
	cr_assert_null(vfs_load(head, path, NULL, &err));
	cr_assert_eq(err, EISDIR);

	/* Relative paths are taken from the current directory. */
	char cwd[1024];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	cr_assert_eq(chdir(repo), 0);
	cr_assert_eq(vfs_stat(head, "app/b/c.yaml", &k), 0);
	cr_assert_eq(k, VFS_FILE);
	cr_assert_eq(chdir(cwd), 0);

	vfs_destroy(prev);
	vfs_destroy(head);
	gr_remove(repo);
}

Test(vfs_git, symlinks_inside_the_tree)
{
	char *repo = gr_init();
	gr_write(repo, "base/deploy.yaml", "kind: Deployment\n");
	gr_write(repo, "secret.txt", "outside the root\n");
	gr_sh(repo, "mkdir -p env/prod && ln -s ../../base env/prod/base"
		" && ln -s deploy.yaml base/alias.yaml"
		" && ln -s %s/base/deploy.yaml env/abs.yaml"
		" && ln -s ../../../../etc/passwd env/escape"
		" && ln -s /etc/passwd env/absout"
		" && ln -s loop1 env/loop2 && ln -s loop2 env/loop1"
		" && ln -s nowhere env/dangling"
		" && ln -s ../secret.txt env/up", repo);
	gr_commit(repo, "links");
	struct vfs *fs = open_rev(repo, "HEAD");
	char path[1100];
	int err;

	snprintf(path, sizeof path, "%s/env/prod/base/alias.yaml", repo);
	char *t = read_at(fs, path, &err);
	cr_assert_str_eq(t, "kind: Deployment\n", "a link to a directory, then to a file");
	free(t);
	char *real;
	cr_assert_eq(vfs_realpath(fs, path, &real), 0);
	char want[1200];
	snprintf(want, sizeof want, "%s/base/deploy.yaml", repo);
	cr_assert_str_eq(real, want);
	free(real);

	snprintf(path, sizeof path, "%s/env/prod/base/../base/deploy.yaml", repo);
	enum vfs_kind k;
	cr_assert_eq(vfs_stat(fs, path, &k), 0, "clean paths are lexical, as on disk");

	snprintf(path, sizeof path, "%s/env/abs.yaml", repo);
	t = read_at(fs, path, &err);
	cr_assert_str_eq(t, "kind: Deployment\n", "an absolute link into the work tree");
	free(t);

	snprintf(path, sizeof path, "%s/env/escape", repo);
	cr_assert_null(read_at(fs, path, &err));
	cr_assert_eq(err, EACCES, "a link out of the tree is refused");
	snprintf(path, sizeof path, "%s/env/absout", repo);
	cr_assert_eq(vfs_stat(fs, path, &k), EACCES);
	snprintf(path, sizeof path, "%s/env/loop1", repo);
	cr_assert_eq(vfs_stat(fs, path, &k), ELOOP);
	snprintf(path, sizeof path, "%s/env/dangling", repo);
	cr_assert_eq(vfs_stat(fs, path, &k), ENOENT);

	/* Listing shows link names; stat follows them. */
	snprintf(path, sizeof path, "%s/env/prod", repo);
	char **names;
	size_t n;
	cr_assert_eq(vfs_list(fs, path, &names, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(names[0], "base");
	vfs_free_list(names, n);
	snprintf(path, sizeof path, "%s/env/prod/base", repo);
	cr_assert_eq(vfs_stat(fs, path, &k), 0);
	cr_assert_eq(k, VFS_DIR);
	vfs_destroy(fs);

	/* Rooted below the top: a link up to a file of the tree resolves, and
	 * realpath (which the kustomize loader checks) shows it is outside. */
	snprintf(path, sizeof path, "%s/env", repo);
	fs = open_rev(path, "HEAD");
	snprintf(path, sizeof path, "%s/env/up", repo);
	cr_assert_eq(vfs_realpath(fs, path, &real), EACCES);
	snprintf(path, sizeof path, "%s/secret.txt", repo);
	cr_assert_null(read_at(fs, path, &err));
	cr_assert_eq(err, EACCES, "outside the root");
	vfs_destroy(fs);
	gr_remove(repo);
}

Test(vfs_git, bad_revisions_and_directories)
{
	char *repo = two_commits();
	struct sbuf err = SBUF_INIT;
	cr_assert_null(vfs_git(repo, "no-such-branch", &err));
	cr_assert(strstr(err.buf, "unknown revision 'no-such-branch'"), "%s", err.buf);
	sbuf_reset(&err);
	cr_assert_null(vfs_git(repo, "HEAD~5", &err));
	sbuf_reset(&err);
	cr_assert_null(vfs_git("/nonexistent/dir", "HEAD", &err));
	cr_assert(strstr(err.buf, "/nonexistent/dir"), "%s", err.buf);
	sbuf_reset(&err);
	cr_assert_null(vfs_git("/tmp", "HEAD", &err), "not a repository");
	sbuf_reset(&err);
	char gd[1100];
	snprintf(gd, sizeof gd, "%s/.git", repo);
	cr_assert_null(vfs_git(gd, "HEAD", &err), "%s", err.buf);
	sbuf_release(&err);
	gr_remove(repo);
}

Test(vfs_git, recorded_reads_replay_against_another_revision)
{
	char *repo = two_commits();
	struct vfs *head = open_rev(repo, "HEAD");
	struct vfs *prev = open_rev(repo, "HEAD~1");
	char a[1100], dir[1100], b[1100];
	snprintf(a, sizeof a, "%s/app/a.yaml", repo);
	snprintf(dir, sizeof dir, "%s/app", repo);
	snprintf(b, sizeof b, "%s/app/b", repo);

	struct vfs_deps deps = { 0 };
	vfs_record_begin(head, &deps);
	int err;
	enum vfs_kind k;
	cr_assert_not_null(vfs_load(head, a, NULL, &err));
	cr_assert_not_null(vfs_load(head, a, NULL, &err)); /* recorded once */
	cr_assert_eq(vfs_stat(head, b, &k), 0);
	vfs_record_end();
	cr_assert_eq(deps.len, 2);
	cr_assert_str_eq(deps.items[0].path, "app/a.yaml", "relative to the root");
	cr_assert(vfs_deps_check(head, &deps));
	cr_assert_not(vfs_deps_check(prev, &deps), "a.yaml differs and b is missing");
	vfs_deps_release(&deps);

	/* The listing of app/ differs between the revisions; its other file
	 * does not. */
	vfs_record_begin(prev, &deps);
	char **names;
	size_t n;
	cr_assert_eq(vfs_list(prev, dir, &names, &n), 0);
	vfs_free_list(names, n);
	vfs_record_end();
	cr_assert_not(vfs_deps_check(head, &deps));
	vfs_deps_release(&deps);

	vfs_record_begin(prev, &deps);
	cr_assert_eq(vfs_stat(prev, dir, &k), 0);
	vfs_record_end();
	cr_assert(vfs_deps_check(head, &deps));
	/* Another thread or vfs does not record. */
	cr_assert_eq(deps.len, 1);
	vfs_deps_release(&deps);

	vfs_destroy(prev);
	vfs_destroy(head);
	gr_remove(repo);
}

Test(vfs_git, head_of_a_repository_without_commits_is_empty)
{
	char *repo = gr_init();
	gr_write(repo, "a.yaml", "a: 1\n");
	struct vfs *fs = open_rev(repo, "HEAD");
	cr_assert_str_eq(vfs_git_id(fs), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
	enum vfs_kind k;
	cr_assert_eq(vfs_stat(fs, repo, &k), 0);
	cr_assert_eq(k, VFS_DIR);
	char **names;
	size_t n;
	cr_assert_eq(vfs_list(fs, repo, &names, &n), 0);
	cr_assert_eq(n, 0);
	vfs_free_list(names, n);
	char path[1100];
	snprintf(path, sizeof path, "%s/a.yaml", repo);
	cr_assert_eq(vfs_stat(fs, path, &k), ENOENT);
	vfs_destroy(fs);
	struct sbuf err = SBUF_INIT;
	cr_assert_null(vfs_git(repo, "HEAD~1", &err), "only HEAD itself");
	sbuf_release(&err);
	gr_remove(repo);
}
