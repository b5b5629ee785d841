/*
 * kust_generators.c - configMapGenerator and secretGenerator.
 *
 * Each entry becomes a ConfigMap or Secret built as kustomize builds it:
 * key/value pairs from env files first, then literals, then files (a key
 * may appear once); ConfigMap values that are not UTF-8 go to binaryData,
 * Secret values are base64, both folded into 70-character lines when
 * longer (which is why long Secret values print as `|` blocks: the value
 * itself contains newlines, and the hash suffix is computed over them).
 * The kustomization's generatorOptions are merged into each entry's own
 * options (the entry's labels and annotations win, the global booleans
 * cannot be switched off).
 *
 * A generated resource is then absorbed into the accumulator by its
 * `behavior`: create (the default) appends it, merge and replace find the
 * one resource with the same id, current or previous, that a base
 * produced, and take its place keeping its name, namespace and history.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

struct kv {
	const struct str *key;
	const char *value;
	size_t len;
	size_t at; /* position among the pairs */
};

typedef VEC(struct kv) kvvec;

static bool valid_utf8(const char *p, size_t n)
{
	return utf8_valid(p, n);
}

/* unicode.IsSpace over the bytes of a UTF-8 line prefix. */
static size_t left_space(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
			i++;
			continue;
		}
		if (c == 0xc2 && i + 1 < n && ((unsigned char)p[i + 1] == 0x85 ||
		    (unsigned char)p[i + 1] == 0xa0)) {
			i += 2;
			continue;
		}
		if (c >= 0xe1) {
			uint32_t r;
			size_t l = utf8_decode(p + i, n - i, &r);
			if (r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 ||
			    r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000) {
				i += l;
				continue;
			}
		}
		break;
	}
	return i;
}

static int env_pairs(struct mc_ctx *ctx, const struct srcfile *f, const struct srcpos *at,
	kvvec *out)
{
	const char *p = f->data;
	size_t n = f->len;
	size_t line = 0;
	for (size_t i = 0; i < n || (i == n && 0);) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n;
		size_t ll = end - i;
		const char *l = p + i;
		/* bufio.ScanLines drops a trailing \r */
		if (ll && l[ll - 1] == '\r')
			ll--;
		if (ll > 65536)
			return diag_error(&ctx->diag, at, "bufio.Scanner: token too long");
		if (!valid_utf8(l, ll))
			return diag_error(&ctx->diag, at, "line %zu has invalid utf8 bytes", line);
		if (line == 0 && ll >= 3 && !memcmp(l, "\xef\xbb\xbf", 3)) {
			l += 3;
			ll -= 3;
		}
		size_t sp = left_space(l, ll);
		l += sp;
		ll -= sp;
		if (ll && l[0] != '#') {
			const char *eq = memchr(l, '=', ll);
			size_t kl = eq ? (size_t)(eq - l) : ll;
			if (kl) {
				struct kv kv = { mc_intern(ctx, l, kl), eq ? eq + 1 : "",
					eq ? ll - kl - 1 : 0, 0 };
				VEC_PUSH(&ctx->arena, out, kv);
			}
		}
		line++;
		if (!nl)
			break;
		i = end + 1;
	}
	return 0;
}

static const char *base_name(const char *s)
{
	/* path.Base */
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			slash = s + i;
	return slash && n > 1 ? slash + 1 : s;
}

/* Load the pairs of one generator entry (kv.loader.Load). */
static int load_pairs(struct mc_ctx *ctx, struct kust *k, const struct ir_node *g, kvvec *out)
{
	int errors = 0;
	const struct ir_node *envs = ir_map_getc(g, "envs");
	for (uint32_t i = 0; ir_is_seq(envs) && i < envs->seq.len && !errors; i++) {
		const struct ir_node *e = envs->seq.items[i];
		const struct srcfile *f = kust_load_file(ctx, k, ir_cstr(e), &e->pos);
		if (!f)
			return 1;
		errors += env_pairs(ctx, f, &e->pos, out);
	}
	const struct ir_node *lits = ir_map_getc(g, "literals");
	for (uint32_t i = 0; ir_is_seq(lits) && i < lits->seq.len && !errors; i++) {
		const struct ir_node *e = lits->seq.items[i];
		const char *s = ir_cstr(e);
		const char *eq = strchr(s, '=');
		if (!eq || eq == s)
			return diag_error(&ctx->diag, &e->pos,
				"invalid literal source %s, expected key=value", s);
		const char *v = eq + 1;
		size_t vl = strlen(v);
		if (vl >= 2 && v[0] == v[vl - 1] && (v[0] == '"' || v[0] == '\'')) {
			v++;
			vl -= 2;
		}
		struct kv kv = { mc_intern(ctx, s, (size_t)(eq - s)), v, vl, 0 };
		VEC_PUSH(&ctx->arena, out, kv);
	}
	const struct ir_node *files = ir_map_getc(g, "files");
	for (uint32_t i = 0; ir_is_seq(files) && i < files->seq.len && !errors; i++) {
		const struct ir_node *e = files->seq.items[i];
		const char *s = ir_cstr(e);
		size_t neq = 0;
		for (const char *c = s; *c; c++)
			neq += *c == '=';
		const char *key, *path;
		size_t sl = strlen(s);
		if (neq == 0) {
			key = base_name(s);
			path = s;
		} else if (neq == 1 && s[0] == '=') {
			return diag_error(&ctx->diag, &e->pos,
				"missing key name for file path \"%s\" in source \"%s\"", s + 1, s);
		} else if (neq == 1 && s[sl - 1] == '=') {
			return diag_error(&ctx->diag, &e->pos,
				"missing file path for key name \"%.*s\" in source \"%s\"", (int)(sl - 1), s, s);
		} else if (neq > 1) {
			return diag_error(&ctx->diag, &e->pos,
				"source \"%s\" key name or file path contains '='", s);
		} else {
			const char *eq = strchr(s, '=');
			key = arena_strndup(&ctx->arena, s, (size_t)(eq - s));
			path = eq + 1;
		}
		const struct srcfile *f = kust_load_file(ctx, k, path, &e->pos);
		if (!f)
			return 1;
		struct kv kv = { mc_intern0(ctx, key), f->data, f->len, 0 };
		VEC_PUSH(&ctx->arena, out, kv);
	}
	return errors;
}

/* kyaml's encodeBase64: 70-character lines, each ending in a newline once
 * there is more than one. */
static struct ir_node *b64_node(struct mc_ctx *ctx, const char *p, size_t n, const struct srcpos *pos)
{
	struct sbuf enc = SBUF_INIT, out = SBUF_INIT;
	b64_encode(&enc, p, n);
	size_t lines = enc.len / 70 + 1;
	for (size_t i = 0; i < enc.len; i += 70) {
		size_t j = i + 70 < enc.len ? i + 70 : enc.len;
		sbuf_add(&out, enc.buf + i, j - i);
		if (lines > 1)
			sbuf_addc(&out, '\n');
	}
	struct ir_node *r = ir_str(ctx, out.buf, out.len, pos);
	sbuf_release(&enc);
	sbuf_release(&out);
	return r;
}

static int cmp_kv(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int c = str_cmp(x->key, y->key);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The options in effect: the entry's, with the kustomization's merged in. */
struct genopts {
	const struct ir_node *labels[2], *annotations[2]; /* local, global */
	bool disable_hash, immutable;
};

static void get_opts(const struct ir_node *local, const struct ir_node *global, struct genopts *o)
{
	memset(o, 0, sizeof *o);
	o->labels[0] = ir_map_getc(local, "labels");
	o->annotations[0] = ir_map_getc(local, "annotations");
	o->labels[1] = ir_map_getc(global, "labels");
	o->annotations[1] = ir_map_getc(global, "annotations");
	const struct ir_node *b;
	if ((b = ir_map_getc(local, "disableNameSuffixHash")) && b->type == IR_BOOL && b->s.v.b)
		o->disable_hash = true;
	if ((b = ir_map_getc(global, "disableNameSuffixHash")) && b->type == IR_BOOL && b->s.v.b)
		o->disable_hash = true;
	if ((b = ir_map_getc(local, "immutable")) && b->type == IR_BOOL && b->s.v.b)
		o->immutable = true;
	if ((b = ir_map_getc(global, "immutable")) && b->type == IR_BOOL && b->s.v.b)
		o->immutable = true;
}

/* Labels or annotations: local entries, then global ones not set locally. */
static void set_meta_map(struct mc_ctx *ctx, struct ir_node *md, const char *field,
	const struct ir_node *const maps[2])
{
	for (int m = 0; m < 2; m++) {
		const struct ir_node *src = maps[m];
		if (!ir_is_map(src))
			continue;
		struct ir_node *dst = ir_map_getc(md, field);
		for (uint32_t i = 0; i < src->map.len; i++) {
			const struct ir_pair *p = &src->map.items[i];
			if (m == 1 && ir_is_map(maps[0]) && ir_map_get(maps[0], p->key->s.text))
				continue;
			if (!dst)
				dst = ir_map_setc(ctx, md, field, ir_map(ctx, &src->pos));
			ir_map_set(ctx, dst, p->key->s.text, ir_strs(ctx, ir_text(p->value), &p->value->pos));
		}
	}
}

static const char *behavior_names[] = { "unspecified", "create", "replace", "merge" };

static enum kust_behavior parse_behavior(const char *s)
{
	if (!s)
		return KUST_BEHAVIOR_UNSET;
	for (int i = 1; i < 4; i++)
		if (!strcmp(s, behavior_names[i]))
			return (enum kust_behavior)i;
	return KUST_BEHAVIOR_UNSET;
}

/* SetK8sName / SetK8sNamespace: a new string field, double-quoted when
 * YAML 1.1 would read its text as another type (FieldSetter), a style a
 * later SetName/SetNamespace keeps. */
static struct ir_node *meta_str(struct mc_ctx *ctx, const char *s, const struct srcpos *pos)
{
	struct ir_node *n = ir_str0(ctx, s, pos);
	struct ir_node r;
	memset(&r, 0, sizeof r);
	if (*s && !strchr(s, '\n') && yaml_resolve(YAML_V2, s, strlen(s), &r) != IR_STR)
		n->style = IR_STYLE_DQUOTED;
	return n;
}
/* Build one ConfigMap or Secret from a generator entry. */
static struct ir_resource *generate(struct mc_ctx *ctx, struct kust *k, const struct ir_node *g,
	bool secret, const struct ir_node *global, int *errors)
{
	const struct srcpos *pos = &g->pos;
	const char *name = ir_cstr(ir_map_getc(g, "name"));
	const char *ns = ir_cstr(ir_map_getc(g, "namespace"));
	if (!name || !*name) {
		*errors += diag_error(&ctx->diag, pos, "a configmap must have a name");
		return NULL;
	}
	kvvec pairs = { 0 };
	if ((*errors += load_pairs(ctx, k, g, &pairs)))
		return NULL;
	/* Keys must be unique; kustomize keeps them in a map and emits them
	 * sorted.  The sort is stable by position, so the first key repeating
	 * an earlier one is the least second occurrence. */
	struct kv *sorted = xmalloc((pairs.len + 1) * sizeof *sorted);
	if (pairs.len)
		memcpy(sorted, pairs.items, pairs.len * sizeof *sorted);
	for (size_t i = 0; i < pairs.len; i++)
		sorted[i].at = i;
	qsort(sorted, pairs.len, sizeof *sorted, cmp_kv);
	size_t repeat = SIZE_MAX;
	for (size_t i = 1; i < pairs.len; i++)
		if (sorted[i].key == sorted[i - 1].key && sorted[i].at < repeat)
			repeat = sorted[i].at;
	if (repeat != SIZE_MAX) {
		*errors += diag_error(&ctx->diag, pos, "configmap %s illegally repeats the key `%s`",
			name, pairs.items[repeat].key->s);
		free(sorted);
		return NULL;
	}

	struct ir_node *body = ir_map(ctx, pos);
	ir_map_setc(ctx, body, "apiVersion", ir_str0(ctx, "v1", pos));
	ir_map_setc(ctx, body, "kind", ir_str0(ctx, secret ? "Secret" : "ConfigMap", pos));
	struct ir_node *md = ir_map_setc(ctx, body, "metadata", ir_map(ctx, pos));
	ir_map_setc(ctx, md, "name", meta_str(ctx, name, pos));
	if (ns && *ns)
		ir_map_setc(ctx, md, "namespace", meta_str(ctx, ns, pos));
	if (secret) {
		const char *type = ir_cstr(ir_map_getc(g, "type"));
		ir_map_setc(ctx, body, "type", ir_str0(ctx, type && *type ? type : "Opaque", pos));
		struct ir_node *data = ir_map_setc(ctx, body, "data", ir_map(ctx, pos));
		for (size_t i = 0; i < pairs.len; i++)
			ir_map_set(ctx, data, sorted[i].key,
				b64_node(ctx, sorted[i].value, sorted[i].len, pos));
	} else {
		struct ir_node *data = NULL, *bin = NULL;
		for (size_t i = 0; i < pairs.len; i++) {
			if (valid_utf8(sorted[i].value, sorted[i].len)) {
				if (!data)
					data = ir_map_setc(ctx, body, "data", ir_map(ctx, pos));
				ir_map_set(ctx, data, sorted[i].key,
					ir_str(ctx, sorted[i].value, sorted[i].len, pos));
			} else {
				if (!bin)
					bin = ir_map_setc(ctx, body, "binaryData", ir_map(ctx, pos));
				ir_map_set(ctx, bin, sorted[i].key,
					b64_node(ctx, sorted[i].value, sorted[i].len, pos));
			}
		}
	}
	free(sorted);
	struct genopts o;
	const struct ir_node *local = ir_map_getc(g, "options");
	get_opts(local, global, &o);
	set_meta_map(ctx, md, "labels", o.labels);
	set_meta_map(ctx, md, "annotations", o.annotations);
	if (o.immutable)
		ir_map_setc(ctx, body, "immutable", ir_bool(ctx, true, pos));
	struct ir_resource *r = ir_resource_new(ctx, body, pos);
	struct kust_res *x = kust_res_of(ctx, r);
	x->needs_hash = !o.disable_hash;
	x->behavior = (uint8_t)parse_behavior(ir_cstr(ir_map_getc(g, "behavior")));
	x->generated = true;
	return r;
}

/* MergeDataMapFrom / MergeBinaryDataMapFrom: the old resource's map (as
 * strings: GetDataMap reads scalars by text) with the new one's entries
 * winning, written back sorted (SetDataMap); data values that are not
 * UTF-8 move to binaryData as kyaml's LoadMapIntoConfigMapData does. */
static void merge_data(struct mc_ctx *ctx, struct ir_node *dst_body, const struct ir_node *old_body,
	const char *field)
{
	const struct ir_node *old = ir_map_getc(old_body, field);
	const struct ir_node *cur = ir_map_getc(dst_body, field);
	const struct srcpos *pos = &dst_body->pos;
	struct ir_node *merged = ir_map(ctx, pos);
	for (int pass = 0; pass < 2; pass++) {
		const struct ir_node *m = pass ? cur : old;
		for (uint32_t i = 0; ir_is_map(m) && i < m->map.len; i++) {
			const struct ir_pair *p = &m->map.items[i];
			const struct str *v = ir_is_scalar(p->value) && p->value->type != IR_NULL
				? p->value->s.text : ctx->s_empty;
			ir_map_set(ctx, merged, p->key->s.text, ir_strs(ctx, v, &p->value->pos));
		}
	}
	ir_map_delc(dst_body, field);
	if (!merged->map.len)
		return;
	struct kv *all = xmalloc(merged->map.len * sizeof *all);
	for (uint32_t i = 0; i < merged->map.len; i++) {
		const struct str *v = merged->map.items[i].value->s.text;
		all[i] = (struct kv){ merged->map.items[i].key->s.text, v->s, v->len, i };
	}
	qsort(all, merged->map.len, sizeof *all, cmp_kv);
	bool binary = !strcmp(field, "binaryData");
	struct ir_node *data = NULL, *bin = NULL;
	for (uint32_t i = 0; i < merged->map.len; i++) {
		if (binary || valid_utf8(all[i].value, all[i].len)) {
			struct ir_node **slot = binary ? &bin : &data;
			if (!*slot)
				*slot = ir_map_setc(ctx, dst_body, field, ir_map(ctx, pos));
			ir_map_set(ctx, *slot, all[i].key, ir_str(ctx, all[i].value, all[i].len, pos));
		} else {
			if (!bin)
				bin = ir_map_getc(dst_body, "binaryData");
			if (!ir_is_map(bin))
				bin = ir_map_setc(ctx, dst_body, "binaryData", ir_map(ctx, pos));
			ir_map_set(ctx, bin, all[i].key, b64_node(ctx, all[i].value, all[i].len, pos));
		}
	}
	free(all);
}

/* CopyMergeMetaDataFieldsFrom: labels and annotations merged (the new
 * resource's win), name, namespace and build state from the old one. */
static void copy_merge_meta(struct mc_ctx *ctx, struct ir_resource *res, struct ir_resource *old)
{
	struct ir_node *md = ir_map_child(ctx, res->body, "metadata");
	const struct ir_node *omd = ir_map_get(old->body, ctx->s_metadata);
	static const char *const fields[] = { "labels", "annotations" };
	for (int f = 0; f < 2; f++) {
		const struct ir_node *o = ir_map_getc(omd, fields[f]);
		struct ir_node *n = ir_map_getc(md, fields[f]);
		if (!ir_is_map(o) || !o->map.len)
			continue;
		struct ir_node *merged = ir_map(ctx, &md->pos);
		for (uint32_t i = 0; i < o->map.len; i++)
			ir_map_set(ctx, merged, o->map.items[i].key->s.text,
				ir_strs(ctx, ir_text(o->map.items[i].value) ? ir_text(o->map.items[i].value)
					: ctx->s_empty, &o->map.items[i].value->pos));
		for (uint32_t i = 0; ir_is_map(n) && i < n->map.len; i++)
			ir_map_set(ctx, merged, n->map.items[i].key->s.text, n->map.items[i].value);
		ir_map_setc(ctx, md, fields[f], merged);
	}
	struct ir_node *oname = ir_map_get(omd, ctx->s_name);
	ir_map_set(ctx, md, ctx->s_name, oname ? ir_clone(ctx, oname) : ir_str(ctx, "", 0, &md->pos));
	/* SetNamespace(GetNamespace()): the old namespace's text in an
	 * untagged node, set as FieldSetter sets it. */
	struct ir_node *ons = ir_map_get(omd, ctx->s_namespace);
	if (ons && ir_text(ons) && ir_text(ons)->len) {
		struct ir_pair *p = ir_map_find(md, ctx->s_namespace);
		if (p) {
			kust_set_scalar(ctx, &p->value, ir_text(ons), IR_NULL,
				p->value ? &p->value->pos : &ons->pos);
		} else {
			struct ir_node *v = NULL;
			kust_set_scalar(ctx, &v, ir_text(ons), IR_NULL, &ons->pos);
			ir_map_set(ctx, md, ctx->s_namespace, v);
		}
	} else {
		ir_map_del(md, ctx->s_namespace);
	}
	bool needs = res->ext && ((struct kust_res *)res->ext)->needs_hash;
	struct kust_res *ox = kust_res_of(ctx, old);
	kust_res_copy(ctx, res, old);
	struct kust_res *x = kust_res_of(ctx, res);
	/* The build annotations come from the old resource
	 * (mergeStringMapsWithBuildAnnotations): a plain resource replaced by
	 * a generator has no generatorBehavior. */
	x->needs_hash = needs && ox->needs_hash;
	ir_resource_sync(ctx, res);
}

static const char *origin_ann = "config.kubernetes.io/origin";

/* AbsorbAll: append, merge or replace by the generated resource's id. */
int kust_absorb(struct ir_module *m, struct kust *k, struct ir_resource *res,
	const struct srcpos *at)
{
	struct mc_ctx *ctx = m->ctx;
	struct ir_resource *found[2];
	size_t n = kust_acc_find_any(m, k, &res->id, found, 2);
	struct kust_res *x = kust_res_of(ctx, res);
	if (n == 0) {
		if (x->behavior == KUST_BEHAVIOR_MERGE || x->behavior == KUST_BEHAVIOR_REPLACE)
			return diag_error(&ctx->diag, at, "id %s does not exist; cannot merge or replace",
				kust_id_str(ctx, &res->id));
		return kust_acc_append(m, k, res, at);
	}
	if (n > 1)
		return diag_error(&ctx->diag, at,
			"found multiple objects that could accept merge of %s", kust_id_str(ctx, &res->id));
	struct ir_resource *old = found[0];
	if (x->behavior == KUST_BEHAVIOR_REPLACE) {
		copy_merge_meta(ctx, res, old);
	} else if (x->behavior == KUST_BEHAVIOR_MERGE) {
		const struct ir_node *oann = ir_path(old->body, "metadata/annotations");
		struct ir_node *oorigin = ir_map_getc(oann, origin_ann);
		copy_merge_meta(ctx, res, old);
		merge_data(ctx, res->body, old->body, "data");
		merge_data(ctx, res->body, old->body, "binaryData");
		if (oorigin)
			kust_set_annotation(ctx, res->body, origin_ann, ir_cstr(oorigin) ? ir_cstr(oorigin) : "");
	} else {
		return diag_error(&ctx->diag, at, "id %s exists; behavior must be merge or replace",
			kust_id_str(ctx, &res->id));
	}
	/* ResMap.Replace finds the place by the merged resource's current id,
	 * which is the old one's only if a patch did not change its kind. */
	struct ir_resource *here[2];
	size_t nhere = kust_acc_find_cur(m, k, &res->id, here, 2);
	if (!nhere)
		return diag_error(&ctx->diag, at, "cannot find resource with id %s to replace",
			kust_id_str(ctx, &res->id));
	if (here[0] != old)
		return diag_error(&ctx->diag, at, "unexpected target index in replacement");
	for (size_t i = 0; i < m->res.len; i++)
		if (m->res.items[i] == old)
			m->res.items[i] = res;
	kust_acc_touched(k);
	return 0;
}

static const char *generator_origin(struct mc_ctx *ctx, struct kust *k, const char *kind)
{
	const char *kf = k->file ? k->file->path : "kustomization.yaml";
	const char *slash = strrchr(kf, '/');
	const char *base = slash ? slash + 1 : kf;
	const char *in = *k->origin_path ? arena_printf(&ctx->arena, "%s/%s", k->origin_path, base)
		: base;
	return arena_printf(&ctx->arena,
		"configuredIn: %s\nconfiguredBy:\n  apiVersion: builtin\n  kind: %s\n",
		kust_origin_quote(ctx, in), kind);
}

/* Generate and absorb one entry (also used for builtin generator plugin
 * configs). */
int kust_generate(struct ir_module *m, struct kust *k, const struct ir_node *g, bool secret,
	const struct ir_node *global_opts, const char *origin)
{
	int errors = 0;
	struct ir_resource *r = generate(m->ctx, k, g, secret, global_opts, &errors);
	if (!r)
		return errors ? errors : 1;
	if (origin) {
		const struct ir_node *ann = ir_path(r->body, "metadata/annotations");
		if (!ir_map_getc(ann, origin_ann))
			kust_set_annotation(m->ctx, r->body, origin_ann, origin);
	}
	return kust_absorb(m, k, r, &g->pos);
}

int kust_pass_generators(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *global = ir_map_getc(k->doc, "generatorOptions");
	static const char *const fields[] = { "configMapGenerator", "secretGenerator" };
	static const char *const kinds[] = { "ConfigMapGenerator", "SecretGenerator" };
	int errors = 0;
	for (int f = 0; f < 2 && !errors; f++) {
		const struct ir_node *l = ir_map_getc(k->doc, fields[f]);
		const char *origin = k->origin_path ? generator_origin(ctx, k, kinds[f]) : NULL;
		for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len && !errors; i++) {
			const struct ir_node *g = l->seq.items[i];
			if (ir_is_null(g))
				g = ir_map(ctx, &l->pos);
			errors += kust_generate(m, k, g, f == 1, global, origin);
		}
	}
	const struct ir_node *helm = ir_map_getc(k->doc, "helmCharts");
	for (uint32_t i = 0; !errors && ir_is_seq(helm) && i < helm->seq.len; i++)
		errors += kust_helm_chart(m, k, helm->seq.items[i], ir_map_getc(k->doc, "helmGlobals"));
	if (!errors)
		errors += kust_plugins_generators(m, k);
	return errors;
}
