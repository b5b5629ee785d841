/* Unit tests: masking of sensitive resources, and render diffs built in
 * memory (the markdown size bound, images, order, formats that must never
 * show a secret). */
#include "mc/diff.h"
#include "testutil.h"

static struct ir_node *doc(struct mc_ctx *ctx, const char *text)
{
	struct ir_docs d;
	cr_assert_eq(tu_load(ctx, text, YAML_V2, 0, &d), 0);
	cr_assert_eq(d.len, 1);
	return d.items[0];
}

static char *yaml(const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	const char *err;
	cr_assert_eq(emit_yaml(&sb, n, &err), 0);
	return sbuf_detach(&sb, NULL);
}

static const char secret_old[] =
	"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  annotations:\n"
	"    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"password\":\"aHVudGVyMg==\"}}'\n"
	"data:\n  password: aHVudGVyMg==\n  user: YWRtaW4=\n  gone: Z29uZQ==\n"
	"stringData:\n  token: plain-old-token\n";
static const char secret_new[] =
	"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  annotations:\n"
	"    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"password\":\"czNjcjN0\"}}'\n"
	"data:\n  password: czNjcjN0\n  user: YWRtaW4=\n  fresh: ZnJlc2g=\n"
	"stringData:\n  token: plain-old-token\n";

static const char *const secrets[] = {
	"aHVudGVyMg", "hunter2", "YWRtaW4", "admin", "Z29uZQ", "ZnJlc2g", "czNjcjN0", "s3cr3t",
	"plain-old-token",
};

static void assert_no_secret(const char *text)
{
	for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
		cr_assert_null(strstr(text, secrets[i]), "'%s' leaked in:\n%s", secrets[i], text);
}

Test(mask, secret_values_replaced_pairwise_and_keys_named)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *o = doc(&ctx, secret_old), *n = doc(&ctx, secret_new), *mo, *mn;
	struct mask_keys k;
	cr_assert(mask_pair(&ctx, NULL, o, n, &mo, &mn, &k));
	cr_assert_str_eq(ir_path_cstr(mo, "data/password"), "(masked, old value)");
	cr_assert_str_eq(ir_path_cstr(mn, "data/password"), "(masked, new value)");
	cr_assert_str_eq(ir_path_cstr(mo, "data/user"), "(masked)");
	cr_assert_str_eq(ir_path_cstr(mn, "data/user"), "(masked)");
	cr_assert_str_eq(ir_path_cstr(mo, "data/gone"), "(masked)");
	cr_assert_str_eq(ir_path_cstr(mn, "data/fresh"), "(masked)");
	cr_assert_str_eq(ir_path_cstr(mn, "stringData/token"), "(masked)");
	const struct ir_node *ann = ir_path(mn, "metadata/annotations");
	cr_assert_str_eq(ir_cstr(ir_map_getc(ann, "kubectl.kubernetes.io/last-applied-configuration")),
		"(masked, new value)");
	cr_assert_eq(k.changed.len, 1);
	cr_assert_str_eq(k.changed.items[0], "data.password");
	cr_assert_eq(k.added.len, 1);
	cr_assert_str_eq(k.added.items[0], "data.fresh");
	cr_assert_eq(k.removed.len, 1);
	cr_assert_str_eq(k.removed.items[0], "data.gone");
	/* The originals are untouched; the copies hold no value. */
	cr_assert_str_eq(ir_path_cstr(o, "data/password"), "aHVudGVyMg==");
	char *a = yaml(mo), *b = yaml(mn);
	assert_no_secret(a);
	assert_no_secret(b);
	free(a);
	free(b);
	mc_ctx_release(&ctx);
}

Test(mask, what_is_sensitive)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *cm = doc(&ctx, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: prod\ndata:\n  k: v\n");
	struct ir_node *marked = doc(&ctx, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
		"  annotations:\n    manifestc.io/sensitive: \"true\"\ndata:\n  k: v2\n");
	struct ir_node *other = doc(&ctx, "apiVersion: example.com/v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: v\n");
	cr_assert_not(mask_sensitive(NULL, cm));
	cr_assert(mask_sensitive(NULL, marked));
	cr_assert_not(mask_sensitive(NULL, other), "only the core Secret kind");
	const char *rules1[] = { "ConfigMap" }, *rules2[] = { "ConfigMap/c" },
		*rules3[] = { "ConfigMap/prod/c" }, *rules4[] = { "ConfigMap/dev/c" },
		*rules5[] = { "ConfigMap/d" };
	cr_assert(mask_sensitive(&(struct mask_rules){ rules1, 1 }, cm));
	cr_assert(mask_sensitive(&(struct mask_rules){ rules2, 1 }, cm));
	cr_assert(mask_sensitive(&(struct mask_rules){ rules3, 1 }, cm));
	cr_assert_not(mask_sensitive(&(struct mask_rules){ rules4, 1 }, cm));
	cr_assert_not(mask_sensitive(&(struct mask_rules){ rules5, 1 }, cm));
	/* Marked on one side only: both sides are masked. */
	struct ir_node *mo, *mn;
	cr_assert(mask_pair(&ctx, NULL, cm, marked, &mo, &mn, NULL));
	cr_assert_str_eq(ir_path_cstr(mo, "data/k"), "(masked, old value)");
	cr_assert_str_eq(ir_path_cstr(mn, "data/k"), "(masked, new value)");
	/* Not sensitive: copied as is. */
	cr_assert_not(mask_pair(&ctx, NULL, cm, cm, &mo, &mn, NULL));
	cr_assert_str_eq(ir_path_cstr(mn, "data/k"), "v");
	mc_ctx_release(&ctx);
}

Test(mask, lists_and_malformed_data)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_node *l = doc(&ctx, "apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: a\n  data:\n    p: aHVudGVyMg==\n"
		"- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n  data: hunter2\n");
	struct ir_node *mo, *mn;
	cr_assert(mask_pair(&ctx, NULL, NULL, l, &mo, &mn, NULL));
	cr_assert_null(mo);
	char *t = yaml(mn);
	assert_no_secret(t);
	cr_assert(strstr(t, "data: (masked)"), "%s", t);
	free(t);
	mc_ctx_release(&ctx);
}

/* ---- render diffs in memory ---- */

struct fixture {
	struct mc_ctx ctx;
	struct rout o, n;
	struct rout_env eo, en;
};

static void set_res(struct mc_ctx *ctx, struct rout_res *r, const char *text, const char *digest,
	long wave)
{
	r->body = doc(ctx, text);
	r->api_version = ir_path_cstr(r->body, "apiVersion");
	const char *sl = strchr(r->api_version, '/');
	r->group = sl ? arena_strndup(&ctx->arena, r->api_version, (size_t)(sl - r->api_version)) : "";
	r->kind = ir_path_cstr(r->body, "kind");
	r->ns = ir_path_cstr(r->body, "metadata/namespace");
	r->ns = r->ns ? r->ns : "";
	r->name = ir_path_cstr(r->body, "metadata/name");
	r->digest = digest;
	r->wave = wave;
}

static void app(struct mc_ctx *ctx, struct rout_app *a, const char *name, const char *digest,
	size_t nres)
{
	memset(a, 0, sizeof *a);
	a->name = name;
	a->digest = digest;
	a->project = "default";
	a->server = "https://kubernetes.default.svc";
	a->dest_ns = "prod";
	a->file = "x.yaml";
	a->nres = nres;
	a->res = arena_calloc(&ctx->arena, nres ? nres : 1, sizeof *a->res);
	a->loaded = true;
}

static const char *deploy(struct mc_ctx *ctx, const char *name, const char *image)
{
	return arena_printf(&ctx->arena,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: prod\n"
		"spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: %s\n"
		"      initContainers:\n      - name: i\n        image: busybox:1.36\n",
		name, image);
}

/* n Applications, each changing an image and a Secret. */
static void build(struct fixture *f, size_t napps)
{
	mc_ctx_init(&f->ctx, NULL);
	struct mc_ctx *ctx = &f->ctx;
	f->eo = (struct rout_env){ "prod", "e0", arena_calloc(&ctx->arena, napps, sizeof(struct rout_app)), napps };
	f->en = (struct rout_env){ "prod", "e1", arena_calloc(&ctx->arena, napps, sizeof(struct rout_app)), napps };
	for (size_t i = 0; i < napps; i++) {
		const char *name = arena_printf(&ctx->arena, "svc-%03zu", i);
		app(ctx, &f->eo.apps[i], name, "a0", 2);
		app(ctx, &f->en.apps[i], name, "a1", 2);
		set_res(ctx, &f->eo.apps[i].res[0], secret_old, "s0", 0);
		set_res(ctx, &f->en.apps[i].res[0], secret_new, "s1", 0);
		set_res(ctx, &f->eo.apps[i].res[1], deploy(ctx, name,
			arena_printf(&ctx->arena, "registry.example.com/team/%s:1.3.1", name)), "d0", 0);
		set_res(ctx, &f->en.apps[i].res[1], deploy(ctx, name,
			arena_printf(&ctx->arena, "registry.example.com/team/%s:1.3.2@sha256:0123456789abcdef0123", name)),
			"d1", 1);
	}
	f->o = (struct rout){ NULL, "r0", &f->eo, 1 };
	f->n = (struct rout){ NULL, "r1", &f->en, 1 };
}

Test(rdiff, images_waves_and_no_secret_in_any_format)
{
	struct fixture f;
	build(&f, 2);
	struct rdiff d;
	struct rdiff_opts opts = { 3, { NULL, 0 } };
	cr_assert_eq(rdiff_compute(&f.ctx, &f.o, &f.n, &opts, &d), 0);
	cr_assert(d.differs);
	cr_assert_eq(d.nenvs, 1);
	cr_assert_eq(d.envs[0].napps, 2);
	cr_assert_eq(d.res_changed, 4);
	cr_assert_eq(d.envs[0].nimages, 2, "busybox did not change");
	cr_assert_str_eq(d.envs[0].images[0].repo, "registry.example.com/team/svc-000");
	cr_assert_str_eq(d.envs[0].images[0].old, "1.3.1");
	cr_assert_str_eq(d.envs[0].images[0].new, "1.3.2@sha256:0123456789ab");
	const struct rd_res *dep = &d.envs[0].apps[0].res[1];
	cr_assert(dep->wave_changed);
	cr_assert_not(dep->moved);
	struct rdiff_fmt fmt = { .old_label = "a", .new_label = "b" };
	struct sbuf out = SBUF_INIT;
	rdiff_text(&out, &d, &fmt);
	rdiff_markdown(&out, &d, &fmt);
	cr_assert_eq(rdiff_json(&f.ctx, &out, &d, &fmt), 0);
	assert_no_secret(out.buf);
	cr_assert(strstr(out.buf, "prod: registry.example.com/team/svc-001 1.3.1 → 1.3.2@sha256:0123456789ab"));
	cr_assert(strstr(out.buf, "apps/Deployment prod/svc-000: changed, sync wave 0 → 1"));
	sbuf_release(&out);
	mc_ctx_release(&f.ctx);
}

Test(rdiff, markdown_stays_under_the_limit_and_says_what_was_cut)
{
	struct fixture f;
	build(&f, 400);
	struct rdiff d;
	struct rdiff_opts opts = { 3, { NULL, 0 } };
	cr_assert_eq(rdiff_compute(&f.ctx, &f.o, &f.n, &opts, &d), 0);
	struct rdiff_fmt fmt = { 0 };
	struct sbuf out = SBUF_INIT;
	rdiff_markdown(&out, &d, &fmt);
	cr_assert_lt(out.len, RDIFF_MD_LIMIT);
	cr_assert_gt(out.len, RDIFF_MD_LIMIT - 4000, "the budget is used");
	cr_assert(strstr(out.buf, "Cut to stay under GitHub's 65,536-character comment limit"));
	cr_assert(strstr(out.buf, "entirely left out"));
	/* Every <details> is closed. */
	size_t open = 0, close = 0;
	for (const char *p = out.buf; (p = strstr(p, "<details>")); p++)
		open++;
	for (const char *p = out.buf; (p = strstr(p, "</details>")); p++)
		close++;
	cr_assert_eq(open, close);
	assert_no_secret(out.buf);
	/* A small limit: compact sections first. */
	sbuf_reset(&out);
	fmt.limit = 6000;
	rdiff_markdown(&out, &d, &fmt);
	cr_assert_lt(out.len, 6000);
	sbuf_release(&out);
	mc_ctx_release(&f.ctx);
}

Test(rdiff, order_changes_are_the_fewest_moves)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	static const char *names[] = { "a", "b", "c", "d", "e" };
	struct rout_app ao, an;
	app(&ctx, &ao, "app", "x0", 5);
	app(&ctx, &an, "app", "x1", 5);
	/* old a b c d e, new b c d a e: only a moved. */
	static const int perm[] = { 1, 2, 3, 0, 4 };
	for (int i = 0; i < 5; i++) {
		const char *t = arena_printf(&ctx.arena, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n", names[i]);
		set_res(&ctx, &ao.res[i], t, names[i], 0);
		const char *u = arena_printf(&ctx.arena, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n", names[perm[i]]);
		set_res(&ctx, &an.res[i], u, names[perm[i]], 0);
	}
	struct rout_env eo = { "dev", "0", &ao, 1 }, en = { "dev", "1", &an, 1 };
	struct rout o = { NULL, "0", &eo, 1 }, n = { NULL, "1", &en, 1 };
	struct rdiff d;
	struct rdiff_opts opts = { 3, { NULL, 0 } };
	cr_assert_eq(rdiff_compute(&ctx, &o, &n, &opts, &d), 0);
	cr_assert_eq(d.envs[0].apps[0].nres, 1);
	const struct rd_res *r = &d.envs[0].apps[0].res[0];
	cr_assert_str_eq(r->header, "ConfigMap a");
	cr_assert(r->moved);
	cr_assert_eq(r->old_pos, 1);
	cr_assert_eq(r->new_pos, 4);
	cr_assert_str_eq(r->patch, "");
	mc_ctx_release(&ctx);
}
