/*
 * Unit tests of the kustomize pipeline's building blocks: the content hash,
 * field spec paths and their walk, identity rules, the transformer config
 * merge, and the in-memory build API.  Expected values come from
 * `kubectl kustomize` (Kustomize v5.5.0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc/backend.h"
#include "mc/frontend.h"
#include "mc/passes.h"
#include "testutil.h"

static struct mc_ctx ctx;

static void setup(void)
{
	mc_ctx_init(&ctx, NULL);
}

static void teardown(void)
{
	mc_ctx_release(&ctx);
}

static struct ir_node *parse(const char *text)
{
	const struct srcfile *f = srcfile_mem(&ctx, "t.yaml", text, strlen(text));
	struct yaml_opts yo = { .schema = YAML_V3 };
	struct ir_node *doc = NULL;
	cr_assert_eq(yaml_load_one(&ctx, f, &yo, &doc), 0);
	return doc;
}

TestSuite(kust, .init = setup, .fini = teardown);

Test(kust, hash_configmap)
{
	/* configMapGenerator x with literal a=b: x-4h2mbtbbt6 */
	struct ir_node *cm = parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n");
	struct sbuf enc = SBUF_INIT;
	kust_hash_encode(cm, mc_intern0(&ctx, "ConfigMap"), &enc);
	cr_assert_str_eq(enc.buf, "{\"data\":{\"a\":\"b\"},\"kind\":\"ConfigMap\",\"name\":\"\"}");
	char h[11];
	kust_hash_suffix(enc.buf, enc.len, h);
	cr_assert_str_eq(h, "4h2mbtbbt6");
	sbuf_release(&enc);
}

Test(kust, hash_secret_html_escaping)
{
	/* secretGenerator s with literal k=<v&>: s-gcfkmh48h4 (the base64 value
	 * has no HTML characters, the encoding of the Secret's fields does) */
	struct sbuf b64 = SBUF_INIT;
	b64_encode(&b64, "<v&>", 4);
	char doc[256];
	snprintf(doc, sizeof doc, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\n"
		"data:\n  k: %s\n", b64.buf);
	struct ir_node *s = parse(doc);
	struct sbuf enc = SBUF_INIT;
	kust_hash_encode(s, mc_intern0(&ctx, "Secret"), &enc);
	char h[11];
	kust_hash_suffix(enc.buf, enc.len, h);
	cr_assert_str_eq(h, "gcfkmh48h4");
	sbuf_release(&enc);
	sbuf_release(&b64);
}

Test(kust, fieldspec_path_split)
{
	struct kust_fs fs;
	kust_fs_init(&ctx, &fs, NULL, NULL, "Ingress",
		"metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret", false);
	cr_assert_eq(fs.nparts, 3);
	cr_assert_str_eq(fs.parts[2]->s, "nginx.ingress.kubernetes.io/auth-secret");
	kust_fs_init(&ctx, &fs, NULL, NULL, NULL, "/spec/containers[]/image", true);
	cr_assert_eq(fs.nparts, 3);
	cr_assert_str_eq(fs.parts[0]->s, "spec");
	cr_assert_str_eq(fs.parts[1]->s, "containers[]");
}

static int set_x(struct kust_fs_visit *v, struct ir_node **slot)
{
	*slot = ir_str0(v->ctx, "x", &(*slot)->pos);
	return 0;
}

Test(kust, fieldspec_walk_sequences_and_create)
{
	struct ir_node *body = parse("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
		"      - name: a\n      - name: b\n        image: old\n");
	struct ir_resource *r = ir_resource_new(&ctx, body, NULL);
	struct kust_fs fs;
	/* without a kind to create (the images transformer gives none), a
	 * create spec creates nothing: only b's image is set */
	kust_fs_init(&ctx, &fs, NULL, NULL, NULL, "spec/template/spec/containers[]/image", true);
	struct kust_fs_visit v = { &ctx, set_x, -1, NULL, NULL, r };
	cr_assert_eq(kust_fs_apply(&v, &fs, &r->body), 0);
	const struct ir_node *cs = ir_path(r->body, "spec/template/spec/containers");
	cr_assert_null(ir_map_getc(cs->seq.items[0], "image"));
	cr_assert_str_eq(ir_cstr(ir_map_getc(cs->seq.items[1], "image")), "x");
	/* create makes the missing maps on the way */
	kust_fs_init(&ctx, &fs, NULL, NULL, "Deployment", "spec/template/metadata/labels", true);
	struct kust_fs_visit vm = { &ctx, set_x, IR_MAP, NULL, NULL, r };
	cr_assert_eq(kust_fs_apply(&vm, &fs, &r->body), 0);
	cr_assert_str_eq(ir_path_cstr(r->body, "spec/template/metadata/labels"), "x");
	/* a kind that does not match is left alone */
	kust_fs_init(&ctx, &fs, NULL, NULL, "Service", "spec/selector", true);
	cr_assert_eq(kust_fs_apply(&vm, &fs, &r->body), 0);
	cr_assert_null(ir_path(r->body, "spec/selector"));
	/* a scalar before the end of the path is an error */
	struct diag saved = ctx.diag;
	diag_init(&ctx.diag);
	kust_fs_init(&ctx, &fs, NULL, NULL, NULL, "kind/x", false);
	cr_assert_eq(kust_fs_apply(&v, &fs, &r->body), 1);
	diag_release(&ctx.diag);
	ctx.diag = saved;
}

Test(kust, identity_rules)
{
	const struct str *e = ctx.s_empty;
	struct ir_resid ns = { e, mc_intern0(&ctx, "v1"), mc_intern0(&ctx, "Namespace"), e,
		mc_intern0(&ctx, "a") };
	cr_assert_str_eq(kust_effective_ns(&ctx, &ns)->s, "_non_namespaceable_");
	struct ir_resid cm = { e, mc_intern0(&ctx, "v1"), mc_intern0(&ctx, "ConfigMap"), e,
		mc_intern0(&ctx, "a") };
	cr_assert_str_eq(kust_effective_ns(&ctx, &cm)->s, "default");
	struct ir_resid cm2 = cm;
	cm2.ns = mc_intern0(&ctx, "default");
	cr_assert(kust_id_equals(&ctx, &cm, &cm2));
	cm2.ns = mc_intern0(&ctx, "other");
	cr_assert_not(kust_id_equals(&ctx, &cm, &cm2));
	/* kustomize's builtin schema is Kubernetes 1.21: v1 FlowSchema was
	 * unknown then, so it counts as namespaced */
	cr_assert_not(kust_cluster_scoped(&ctx, mc_intern0(&ctx, "flowcontrol.apiserver.k8s.io"),
		mc_intern0(&ctx, "v1"), mc_intern0(&ctx, "FlowSchema")));
	cr_assert(kust_cluster_scoped(&ctx, mc_intern0(&ctx, "rbac.authorization.k8s.io"),
		mc_intern0(&ctx, "v1"), mc_intern0(&ctx, "ClusterRole")));
	cr_assert_str_eq(kust_id_str(&ctx, &cm), "ConfigMap.v1.[noGrp]/a.[noNs]");
}

Test(kust, tconfig_merge_is_order_sensitive)
{
	/* A kind-specific spec merged first displaces a later generic one (the
	 * generic spec's GVK selects it); the other way round both stay. */
	struct kust_fs generic, foo;
	kust_fs_init(&ctx, &generic, NULL, NULL, NULL, "metadata/name", false);
	kust_fs_init(&ctx, &foo, NULL, NULL, "Foo", "metadata/name", false);
	struct kust_fslist a = { 0 }, b = { 0 };
	cr_assert_eq(kust_fs_merge(&ctx, &a, &foo, NULL), 0);
	cr_assert_eq(kust_fs_merge(&ctx, &a, &generic, NULL), 0);
	cr_assert_eq(a.len, 1);
	cr_assert_eq(kust_fs_merge(&ctx, &b, &generic, NULL), 0);
	cr_assert_eq(kust_fs_merge(&ctx, &b, &foo, NULL), 0);
	cr_assert_eq(b.len, 2);
	/* the same path and GVK with another create flag conflicts */
	struct kust_fs generic_create;
	kust_fs_init(&ctx, &generic_create, NULL, NULL, NULL, "metadata/name", true);
	struct diag saved = ctx.diag;
	diag_init(&ctx.diag);
	cr_assert_eq(kust_fs_merge(&ctx, &b, &generic_create, NULL), 1);
	diag_release(&ctx.diag);
	ctx.diag = saved;
}

Test(kust, tconfig_default_is_sorted_by_gvk)
{
	const struct kust_tconfig *tc = kust_tconfig_default(&ctx);
	const struct kust_fslist *l = &tc->fs[KUST_FS_COMMON_LABELS];
	cr_assert_gt(l->len, 20);
	/* kinds ranked first (Service...) come before unranked ones, and
	 * specs for every kind (empty fields sort as "~") last */
	cr_assert_str_eq(l->items[l->len - 1].path->s, "metadata/labels");
	cr_assert_eq(l->items[l->len - 1].kind->len, 0);
	cr_assert_str_eq(l->items[0].kind->s, "Service");
	cr_assert_gt(tc->nameref.len, 10);
}

/* The in-memory API (Argo CD applies its overrides to a copy of the
 * kustomization): files come from the directory, the kustomization from
 * memory. */
Test(kust, build_doc_in_memory)
{
	char dir[] = "/tmp/mc-kust-unit-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char p[256];
	snprintf(p, sizeof p, "%s/cm.yaml", dir);
	FILE *f = fopen(p, "w");
	fputs("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/kustomization.yaml", dir);
	f = fopen(p, "w");
	fputs("resources: [cm.yaml]\n", f);
	fclose(f);
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx c;
	mc_ctx_init(&c, fs);
	const char *doc = "resources: [cm.yaml]\nnamePrefix: argo-\nnamespace: apps\n";
	struct kust_opts o = { 0 };
	struct ir_reslist out = { 0 };
	cr_assert_eq(kust_build_doc(&c, dir, NULL, doc, strlen(doc), &o, &out), 0);
	cr_assert_eq(out.len, 1);
	cr_assert_str_eq(ir_path_cstr(out.items[0]->body, "metadata/name"), "argo-cm");
	cr_assert_str_eq(ir_path_cstr(out.items[0]->body, "metadata/namespace"), "apps");
	mc_ctx_release(&c);
	vfs_destroy(fs);
	unlink(p);
	snprintf(p, sizeof p, "%s/cm.yaml", dir);
	unlink(p);
	rmdir(dir);
}

/* libfyaml 0.7.12 decodes runs of '' in single-quoted scalars wrongly; the
 * loader decodes those itself (go-yaml: 'a''''b' is a''b). */
Test(kust, single_quoted_escapes)
{
	struct ir_node *d = parse("a: 'x''''''''x'\nb: 'it''s\n  folded\n\n  twice '' '\nc: ''''\n");
	cr_assert_str_eq(ir_cstr(ir_map_getc(d, "a")), "x''''x");
	cr_assert_str_eq(ir_cstr(ir_map_getc(d, "b")), "it's folded\ntwice ' ");
	cr_assert_str_eq(ir_cstr(ir_map_getc(d, "c")), "'");
}
