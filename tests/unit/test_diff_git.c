/* `manifestc diff --base` end to end: a small GitOps repository (an
 * ApplicationSet over the environments, kustomize base and overlays) built
 * with git in a temporary directory; one commit changes an image tag, a
 * patch, a Secret and a sync wave.  The diff must show exactly those, no
 * secret value may appear in any format, and the exit codes follow
 * git diff's rule (0 same or no --exit-code, 1 differs with --exit-code,
 * 2 errors). */
#include "gitrepo.h"
#include "testutil.h"

static const char appset[] =
	"apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: inventory\n"
	"  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n  - git:\n"
	"      repoURL: https://git.example.com/gitops.git\n      revision: HEAD\n"
	"      directories:\n      - path: environments/*\n  template:\n    metadata:\n"
	"      name: 'inventory-{{.path.basename}}'\n      labels:\n"
	"        environment: '{{.path.basename}}'\n    spec:\n      project: default\n"
	"      source:\n        repoURL: https://git.example.com/gitops.git\n"
	"        targetRevision: HEAD\n        path: '{{.path.path}}'\n      destination:\n"
	"        server: https://kubernetes.default.svc\n        namespace: '{{.path.basename}}'\n";

static const char deployment[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: inventory\nspec:\n  replicas: 1\n"
	"  selector:\n    matchLabels:\n      app: inventory\n  template:\n    metadata:\n"
	"      labels:\n        app: inventory\n    spec:\n      containers:\n      - name: inventory\n"
	"        image: ghcr.io/bookverse/bookverse-inventory:1.0.0\n";

static const char job_fmt[] =
	"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
	"    argocd.argoproj.io/sync-wave: \"%s\"\nspec:\n  template:\n    spec:\n"
	"      restartPolicy: Never\n      containers:\n      - name: migrate\n"
	"        image: ghcr.io/bookverse/bookverse-migrate:1.0.0\n";

static const char kust_fmt[] =
	"namespace: %s\nresources:\n- ../../base\n- secret.yaml\n- settings.yaml\npatches:\n"
	"- path: replicas.yaml\nimages:\n- name: ghcr.io/bookverse/bookverse-inventory\n  newTag: %s\n";

static const char replicas_fmt[] =
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: inventory\nspec:\n  replicas: %d\n";

/* base64 of hunter2 and of s3cr3t-password */
static const char secret_fmt[] =
	"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\n"
	"data:\n  password: %s\nstringData:\n  username: %s\n";

static const char settings_fmt[] =
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n"
	"    manifestc.io/sensitive: \"true\"\ndata:\n  api-token: %s\n  mode: fast\n";

/* Every secret value, plain and base64, on either side. */
static const char *const secret_values[] = {
	"hunter2", "aHVudGVyMg==", "aHVudGVyMg", "s3cr3t-password", "czNjcjN0LXBhc3N3b3Jk",
	"svc-user-old", "c3ZjLXVzZXItb2xk", "svc-user-new", "c3ZjLXVzZXItbmV3",
	"tok-0ld-9f8e7d", "tok-n3w-1a2b3c",
};

static void write_env(const char *repo, const char *env, const char *tag, int replicas,
	const char *password, const char *user, const char *token)
{
	char path[256], text[1024];
	snprintf(path, sizeof path, "environments/%s/kustomization.yaml", env);
	snprintf(text, sizeof text, kust_fmt, env, tag);
	gr_write(repo, path, text);
	snprintf(path, sizeof path, "environments/%s/replicas.yaml", env);
	snprintf(text, sizeof text, replicas_fmt, replicas);
	gr_write(repo, path, text);
	snprintf(path, sizeof path, "environments/%s/secret.yaml", env);
	snprintf(text, sizeof text, secret_fmt, password, user);
	gr_write(repo, path, text);
	snprintf(path, sizeof path, "environments/%s/settings.yaml", env);
	snprintf(text, sizeof text, settings_fmt, token);
	gr_write(repo, path, text);
}

static void write_job(const char *repo, const char *wave)
{
	char text[1024];
	snprintf(text, sizeof text, job_fmt, wave);
	gr_write(repo, "base/migrate.yaml", text);
}

/* HEAD~1: the start.  HEAD: image tag, patch, Secret, sync wave. */
static char *make_repo(void)
{
	char *repo = gr_init();
	gr_write(repo, "apps/appset.yaml", appset);
	gr_write(repo, "base/kustomization.yaml", "resources:\n- deployment.yaml\n- migrate.yaml\n");
	gr_write(repo, "base/deployment.yaml", deployment);
	write_job(repo, "-1");
	write_env(repo, "prod", "1.3.1", 2, "aHVudGVyMg==", "svc-user-old", "tok-0ld-9f8e7d");
	write_env(repo, "staging", "1.3.1", 1, "aHVudGVyMg==", "svc-user-old", "tok-0ld-9f8e7d");
	gr_commit(repo, "start");
	write_env(repo, "prod", "1.3.2", 3, "czNjcjN0LXBhc3N3b3Jk", "svc-user-new", "tok-0ld-9f8e7d");
	write_job(repo, "-2");
	gr_commit(repo, "release");
	return repo;
}

static struct gr_out run_diff(const char *repo, const char *cache, bool color,
	const char *const *args)
{
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)MC_BINARY;
	argv[n++] = (char *)"diff";
	for (int i = 0; args[i] && n < 13; i++)
		argv[n++] = (char *)args[i];
	char cflag[1200];
	if (cache) {
		snprintf(cflag, sizeof cflag, "--cache=%s", cache);
		argv[n++] = cflag;
	} else {
		argv[n++] = (char *)"--no-cache";
	}
	argv[n] = NULL;
	struct gr_out o;
	gr_run(repo, argv, !color, &o);
	return o;
}

/* diff(repo, cache, color, args...): the arguments after `manifestc diff`. */
#define diff(repo, cache, color, ...) \
	run_diff(repo, cache, color, (const char *const[]){ __VA_ARGS__, NULL })

static void assert_no_secret(const char *what, const char *text)
{
	for (size_t i = 0; i < sizeof secret_values / sizeof *secret_values; i++)
		cr_assert_null(strstr(text, secret_values[i]), "%s: secret value '%s' printed:\n%s",
			what, secret_values[i], text);
}

/* The changed lines of a text diff ('-' and '+' lines), in order. */
static char *changed_lines(const char *text)
{
	struct sbuf sb = SBUF_INIT;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
		if (*p == '-' || *p == '+')
			sbuf_add(&sb, p, n);
		p += n;
	}
	return sbuf_detach(&sb, NULL);
}

/* Resource header lines ("Kind ns/name: status..."), in order. */
static char *headers(const char *text)
{
	struct sbuf sb = SBUF_INIT;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
		if (*p != '-' && *p != '+' && *p != ' ' && *p != '@' && *p != '\n')
			sbuf_add(&sb, p, n);
		p += n;
	}
	return sbuf_detach(&sb, NULL);
}

Test(diff_git, shows_exactly_the_committed_changes, .timeout = 60)
{
	char *repo = make_repo();
	struct gr_out o = diff(repo, NULL, false, "--base", "HEAD~1", "--head", "HEAD");
	cr_assert_eq(o.status, 0, "stderr: %s", o.err);
	char *h = headers(o.out);
	cr_assert_str_eq(h,
		"images\n"
		"prod/inventory-prod: changed (3 changed)\n"
		"batch/Job prod/migrate: changed, sync wave -1 → -2\n"
		"Secret prod/db-credentials: changed (values masked; changed: data.password, stringData.username)\n"
		"apps/Deployment prod/inventory: changed\n"
		"staging/inventory-staging: changed (1 changed)\n"
		"batch/Job staging/migrate: changed, sync wave -1 → -2\n"
		"2 Applications differ in 2 environments; 4 resources: 4 changed\n");
	cr_assert(strstr(o.out, "images\n  prod: ghcr.io/bookverse/bookverse-inventory 1.3.1 → 1.3.2\n\n"),
		"%s", o.out);
	char *c = changed_lines(o.out);
	cr_assert_str_eq(c,
		"-    argocd.argoproj.io/sync-wave: \"-1\"\n"
		"+    argocd.argoproj.io/sync-wave: \"-2\"\n"
		"-  password: (masked, old value)\n"
		"+  password: (masked, new value)\n"
		"-  username: (masked, old value)\n"
		"+  username: (masked, new value)\n"
		"-  replicas: 2\n"
		"+  replicas: 3\n"
		"-      - image: ghcr.io/bookverse/bookverse-inventory:1.3.1\n"
		"+      - image: ghcr.io/bookverse/bookverse-inventory:1.3.2\n"
		"-    argocd.argoproj.io/sync-wave: \"-1\"\n"
		"+    argocd.argoproj.io/sync-wave: \"-2\"\n");
	cr_assert(strstr(o.out, "\n@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n"), "hunks with context");
	free(h);
	free(c);
	gr_out_release(&o);
	gr_remove(repo);
}

Test(diff_git, no_secret_value_in_any_format, .timeout = 60)
{
	char *repo = make_repo();
	/* Also an uncommitted change to the sensitive ConfigMap. */
	write_env(repo, "staging", "1.3.1", 1, "aHVudGVyMg==", "svc-user-old", "tok-n3w-1a2b3c");
	static const char *const formats[] = { "text", "markdown", "json" };
	for (int color = 0; color < 2; color++)
		for (size_t f = 0; f < 3; f++) {
			char fmt[32];
			snprintf(fmt, sizeof fmt, "--format=%s", formats[f]);
			struct gr_out o = diff(repo, NULL, color, "--base", "HEAD~1", fmt,
				color ? "--color=always" : "--color=auto");
			cr_assert_eq(o.status, 0, "%s: %s", fmt, o.err);
			cr_assert_gt(strlen(o.out), 100);
			assert_no_secret(fmt, o.out);
			assert_no_secret(fmt, o.err);
			cr_assert(strstr(o.out, "api-token"), "the changed key is named");
			cr_assert(strstr(o.out, "bookverse-inventory"));
			gr_out_release(&o);
		}
	struct gr_out o = diff(repo, NULL, false, "--base", "HEAD~1");
	cr_assert(strstr(o.out, "ConfigMap staging/settings: changed (values masked; changed: data.api-token)"),
		"%s", o.out);
	cr_assert(strstr(o.out, "   mode: (masked)\n"), "context lines are masked too");
	gr_out_release(&o);
	gr_remove(repo);
}

Test(diff_git, exit_codes, .timeout = 60)
{
	char *repo = make_repo();
	struct gr_out o = diff(repo, NULL, false, "--base", "HEAD", "--exit-code");
	cr_assert_eq(o.status, 0, "clean working tree: %s", o.err);
	cr_assert_str_eq(o.out, "", "nothing differs, nothing printed");
	gr_out_release(&o);
	o = diff(repo, NULL, false, "--base", "HEAD~1");
	cr_assert_eq(o.status, 0, "differs, without --exit-code");
	gr_out_release(&o);
	o = diff(repo, NULL, false, "--base", "HEAD~1", "--exit-code");
	cr_assert_eq(o.status, 1, "differs, with --exit-code");
	gr_out_release(&o);
	o = diff(repo, NULL, false, "--base", "HEAD~1", "--head", "HEAD~1", "--exit-code");
	cr_assert_eq(o.status, 0);
	gr_out_release(&o);
	o = diff(repo, NULL, false, "--base", "no-such-rev", "--exit-code");
	cr_assert_eq(o.status, 2);
	cr_assert(strstr(o.err, "unknown revision 'no-such-rev'"), "%s", o.err);
	gr_out_release(&o);
	o = diff(repo, NULL, false, "--head", "HEAD");
	cr_assert_eq(o.status, 2, "usage");
	gr_out_release(&o);
	/* The working tree does not render: an error, not a difference. */
	gr_write(repo, "environments/prod/replicas.yaml", "kind: [\n");
	o = diff(repo, NULL, false, "--base", "HEAD", "--exit-code");
	cr_assert_eq(o.status, 2, "%s", o.err);
	cr_assert_str_eq(o.out, "");
	cr_assert(strstr(o.err, "working tree does not render"), "%s", o.err);
	gr_out_release(&o);
	gr_remove(repo);
}

Test(diff_git, working_tree_and_cache, .timeout = 60)
{
	char *repo = make_repo();
	char cache[1100];
	snprintf(cache, sizeof cache, "%s.cache", repo);
	/* An uncommitted change is the head when --head is absent. */
	write_env(repo, "staging", "1.4.0", 1, "aHVudGVyMg==", "svc-user-old", "tok-0ld-9f8e7d");
	struct gr_out cold = diff(repo, cache, false, "--base", "HEAD~1");
	struct gr_out warm = diff(repo, cache, false, "--base", "HEAD~1");
	struct gr_out none = diff(repo, NULL, false, "--base", "HEAD~1");
	cr_assert_eq(cold.status, 0, "%s", cold.err);
	cr_assert(strstr(cold.out, "staging: ghcr.io/bookverse/bookverse-inventory 1.3.1 → 1.4.0"), "%s",
		cold.out);
	cr_assert_str_eq(cold.out, warm.out, "a cached render gives the same bytes");
	cr_assert_str_eq(cold.out, none.out);
	struct stat st;
	char v1[1200];
	snprintf(v1, sizeof v1, "%s/v1", cache);
	cr_assert_eq(stat(v1, &st), 0, "the cache was written");
	/* Change a file the staging render reads: the entry is not reused. */
	write_env(repo, "staging", "1.5.0", 1, "aHVudGVyMg==", "svc-user-old", "tok-0ld-9f8e7d");
	struct gr_out again = diff(repo, cache, false, "--base", "HEAD~1");
	cr_assert(strstr(again.out, "1.3.1 → 1.5.0"), "%s", again.out);
	gr_out_release(&cold);
	gr_out_release(&warm);
	gr_out_release(&none);
	gr_out_release(&again);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
	cr_assert_eq(system(cmd), 0);
	gr_remove(repo);
}

/* JSON without its top-level "old" and "new" labels. */
static char *without_labels(const char *json)
{
	struct sbuf sb = SBUF_INIT;
	for (const char *p = json; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
		if (strncmp(p, "  \"old\": ", 9) && strncmp(p, "  \"new\": ", 9))
			sbuf_add(&sb, p, n);
		p += n;
	}
	return sbuf_detach(&sb, NULL);
}

/* Comparing two `manifestc render` outputs gives the same diff as
 * rendering the two revisions from git objects. */
Test(diff_git, render_outputs_and_revisions_agree, .timeout = 60)
{
	char *repo = make_repo();
	char a[1100], b[1100];
	snprintf(a, sizeof a, "%s.out-a", repo);
	snprintf(b, sizeof b, "%s.out-b", repo);
	struct gr_out r;
	gr_sh(repo, "git checkout -q HEAD~1");
	gr_run(repo, (char *const[]){ (char *)MC_BINARY, (char *)"render", (char *)".", (char *)"-o", a, NULL },
		true, &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	gr_out_release(&r);
	gr_sh(repo, "git checkout -q main");
	gr_run(repo, (char *const[]){ (char *)MC_BINARY, (char *)"render", (char *)".", (char *)"-o", b, NULL },
		true, &r);
	cr_assert_eq(r.status, 0, "%s", r.err);
	gr_out_release(&r);
	static const char *const formats[] = { "--format=text", "--format=json" };
	for (int f = 0; f < 2; f++) {
		struct gr_out outs = diff(repo, NULL, false, a, b, formats[f], "--exit-code");
		struct gr_out revs = diff(repo, NULL, false, "--base", "HEAD~1", "--head", "HEAD",
			formats[f], "--exit-code");
		cr_assert_eq(outs.status, 1, "%s", outs.err);
		cr_assert_eq(revs.status, 1, "%s", revs.err);
		if (f == 0) {
			cr_assert_str_eq(outs.out, revs.out);
		} else {
			/* The labels differ (directories vs revisions), nothing else. */
			char *x = without_labels(outs.out), *y = without_labels(revs.out);
			cr_assert_gt(strlen(x), 1000);
			cr_assert_str_eq(x, y);
			free(x);
			free(y);
		}
		gr_out_release(&outs);
		gr_out_release(&revs);
	}
	char cmd[2400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", a, b);
	cr_assert_eq(system(cmd), 0);
	gr_remove(repo);
}
