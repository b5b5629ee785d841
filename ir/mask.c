/*
 * mask.c - the copies of sensitive resources that diffs may print.
 *
 * A diff is posted as a pull-request comment and kept in CI logs, so no
 * value of a Secret may appear in it, in any format, not even as a context
 * line.  Rather than filtering output (where one missed path leaks), the
 * diff is computed on masked copies: every value under `data`, `stringData`
 * and `binaryData` of a sensitive resource is replaced by a placeholder
 * before anything is printed, and the placeholders are chosen pairwise so
 * that the diff still shows which keys changed:
 *
 *   unchanged  (masked)             on both sides (a context line)
 *   changed    (masked, old value)  -> (masked, new value)
 *   added      (masked)             on the new side only
 *   removed    (masked)             on the old side only
 *
 * No hash or length of a value is shown (a hash of a short password can be
 * brute-forced).  The kubectl last-applied-configuration annotation, which
 * holds a copy of the whole object, is masked the same way.
 *
 * Sensitive means: a core Secret (apiVersion v1), a resource annotated
 * `manifestc.io/sensitive: "true"` (for ConfigMaps that carry credentials),
 * or one matched by a rule (`--sensitive ConfigMap/prod/db-config`).  When
 * either side is sensitive, both are masked.  Items of a `*List` are
 * masked the same way, pairwise by position.
 */
#include <string.h>

#include "mc/diff.h"

#define MASK_SAME "(masked)"
#define MASK_OLD "(masked, old value)"
#define MASK_NEW "(masked, new value)"

static const char *const masked_fields[] = { "data", "stringData", "binaryData" };
static const char last_applied[] = "kubectl.kubernetes.io/last-applied-configuration";

static bool rule_matches(const char *rule, const char *kind, const char *ns, const char *name)
{
	/* KIND, KIND/NAME or KIND/NAMESPACE/NAME */
	const char *s1 = strchr(rule, '/');
	size_t kl = s1 ? (size_t)(s1 - rule) : strlen(rule);
	if (strlen(kind) != kl || strncmp(rule, kind, kl) != 0)
		return false;
	if (!s1)
		return true;
	const char *rest = s1 + 1, *s2 = strchr(rest, '/');
	if (!s2)
		return !strcmp(rest, name);
	return strlen(ns) == (size_t)(s2 - rest) && !strncmp(rest, ns, (size_t)(s2 - rest)) &&
		!strcmp(s2 + 1, name);
}

bool mask_sensitive(const struct mask_rules *rules, const struct ir_node *body)
{
	if (!ir_is_map(body))
		return false;
	const char *api = ir_path_cstr(body, "apiVersion");
	const char *kind = ir_path_cstr(body, "kind");
	if (kind && api && !strcmp(kind, "Secret") && !strcmp(api, "v1"))
		return true;
	const struct ir_node *ann = ir_path(body, "metadata/annotations");
	const char *mark = ir_cstr(ir_map_getc(ann, MASK_ANNOTATION));
	if (mark && !strcmp(mark, "true"))
		return true;
	if (rules && kind) {
		const char *ns = ir_path_cstr(body, "metadata/namespace");
		const char *name = ir_path_cstr(body, "metadata/name");
		for (size_t i = 0; i < rules->n; i++)
			if (rule_matches(rules->items[i], kind, ns ? ns : "", name ? name : ""))
				return true;
	}
	return false;
}

static void note(struct mc_ctx *ctx, struct mask_keys *keys, int which, const char *field,
	const char *key)
{
	if (!keys)
		return;
	const char *name = key ? arena_printf(&ctx->arena, "%s.%s", field, key)
		: arena_strdup(&ctx->arena, field);
	struct mask_names *v = which == 0 ? &keys->changed : which == 1 ? &keys->added : &keys->removed;
	VEC_PUSH(&ctx->arena, v, name);
}

/* Replace the value of field in the copies o and n (either may lack it),
 * comparing the originals ro and rn, which have the same shape. */
static void mask_field(struct mc_ctx *ctx, struct ir_node *o, struct ir_node *n,
	const struct ir_node *ro, const struct ir_node *rn, const char *field,
	struct mask_keys *keys)
{
	const struct str *f = mc_intern0(ctx, field);
	struct ir_pair *po = ir_is_map(o) ? ir_map_find(o, f) : NULL;
	struct ir_pair *pn = ir_is_map(n) ? ir_map_find(n, f) : NULL;
	if (!po && !pn)
		return;
	const struct ir_node *vo = po ? ir_map_get(ro, f) : NULL;
	const struct ir_node *vn = pn ? ir_map_get(rn, f) : NULL;
	if ((!vo || ir_is_map(vo)) && (!vn || ir_is_map(vn))) {
		/* Key by key; the key names stay visible. */
		for (uint32_t i = 0; vo && i < vo->map.len; i++) {
			const struct ir_pair *p = &vo->map.items[i];
			const struct ir_node *other = vn ? ir_map_get(vn, p->key->s.text) : NULL;
			bool same = other && ir_equal(p->value, other);
			if (n && !other)
				note(ctx, keys, 2, field, p->key->s.text->s);
			else if (n && !same)
				note(ctx, keys, 0, field, p->key->s.text->s);
			struct ir_pair *c = &po->value->map.items[i];
			c->value = ir_str0(ctx, same || !other ? MASK_SAME : MASK_OLD, &p->value->pos);
		}
		for (uint32_t i = 0; vn && i < vn->map.len; i++) {
			const struct ir_pair *p = &vn->map.items[i];
			const struct ir_node *other = vo ? ir_map_get(vo, p->key->s.text) : NULL;
			bool same = other && ir_equal(p->value, other);
			if (o && !other)
				note(ctx, keys, 1, field, p->key->s.text->s);
			struct ir_pair *c = &pn->value->map.items[i];
			c->value = ir_str0(ctx, same || !other ? MASK_SAME : MASK_NEW, &p->value->pos);
		}
		return;
	}
	/* Not a map (malformed, but never printed either): one value. */
	bool same = vo && vn && ir_equal(vo, vn);
	if (vo && vn && !same)
		note(ctx, keys, 0, field, NULL);
	else if (o && n && !vo)
		note(ctx, keys, 1, field, NULL);
	else if (o && n && !vn)
		note(ctx, keys, 2, field, NULL);
	if (po)
		po->value = ir_str0(ctx, same || !vn ? MASK_SAME : MASK_OLD, &vo->pos);
	if (pn)
		pn->value = ir_str0(ctx, same || !vo ? MASK_SAME : MASK_NEW, &vn->pos);
}

static void mask_annotation(struct mc_ctx *ctx, struct ir_node *o, struct ir_node *n)
{
	struct ir_node *ao = ir_path(o, "metadata/annotations");
	struct ir_node *an = ir_path(n, "metadata/annotations");
	struct ir_pair *po = ir_is_map(ao) ? ir_map_find(ao, mc_intern0(ctx, last_applied)) : NULL;
	struct ir_pair *pn = ir_is_map(an) ? ir_map_find(an, mc_intern0(ctx, last_applied)) : NULL;
	bool same = po && pn && ir_equal(po->value, pn->value);
	if (po)
		po->value = ir_str0(ctx, same || !pn ? MASK_SAME : MASK_OLD, &po->value->pos);
	if (pn)
		pn->value = ir_str0(ctx, same || !po ? MASK_SAME : MASK_NEW, &pn->value->pos);
}

static bool is_list(const struct ir_node *b)
{
	const char *kind = ir_path_cstr(b, "kind");
	size_t n = kind ? strlen(kind) : 0;
	return n >= 4 && !strcmp(kind + n - 4, "List") && ir_is_seq(ir_map_getc(b, "items"));
}

/* Mask o and n (copies, either NULL) in place; depth caps List nesting. */
static bool mask_in_place(struct mc_ctx *ctx, const struct mask_rules *rules, struct ir_node *o,
	struct ir_node *n, const struct ir_node *ro, const struct ir_node *rn,
	struct mask_keys *keys, int depth)
{
	bool any = false;
	if (mask_sensitive(rules, ro) || mask_sensitive(rules, rn)) {
		for (size_t i = 0; i < sizeof masked_fields / sizeof *masked_fields; i++)
			mask_field(ctx, o, n, ro, rn, masked_fields[i], keys);
		mask_annotation(ctx, o, n);
		any = true;
	}
	if (depth < 8 && (is_list(o) || is_list(n))) {
		struct ir_node *io = is_list(o) ? ir_map_getc(o, "items") : NULL;
		struct ir_node *in = is_list(n) ? ir_map_getc(n, "items") : NULL;
		const struct ir_node *rio = io ? ir_map_getc(ro, "items") : NULL;
		const struct ir_node *rin = in ? ir_map_getc(rn, "items") : NULL;
		uint32_t lo = io ? io->seq.len : 0, ln = in ? in->seq.len : 0;
		for (uint32_t i = 0; i < (lo > ln ? lo : ln); i++)
			any |= mask_in_place(ctx, rules, i < lo ? io->seq.items[i] : NULL,
				i < ln ? in->seq.items[i] : NULL, i < lo ? rio->seq.items[i] : NULL,
				i < ln ? rin->seq.items[i] : NULL, NULL, depth + 1);
	}
	return any;
}

bool mask_pair(struct mc_ctx *ctx, const struct mask_rules *rules, const struct ir_node *old,
	const struct ir_node *new, struct ir_node **mold, struct ir_node **mnew,
	struct mask_keys *keys)
{
	struct ir_node *o = old ? ir_clone(ctx, old) : NULL;
	struct ir_node *n = new ? ir_clone(ctx, new) : NULL;
	if (keys)
		memset(keys, 0, sizeof *keys);
	bool any = mask_in_place(ctx, rules, o, n, old, new, keys, 0);
	*mold = o;
	*mnew = n;
	return any;
}
