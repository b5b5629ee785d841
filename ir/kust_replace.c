/*
 * kust_replace.c - `replacements` (and the ReplacementTransformer builtin)
 * as kustomize v5.5.0 applies them.
 *
 * Each replacement copies one value, read from the single resource its
 * source selects, into fields of the resources its targets select, in
 * order, so a later replacement sees what an earlier one wrote.  Sources
 * and targets are selected by exact group/version/kind/name/namespace
 * (any current or previous identity), targets also by label and
 * annotation selectors, minus the rejects.
 *
 * Field paths use kyaml's syntax: dot-separated, `\.` for a literal dot,
 * `[a.b]` for a key with dots, `[name=value]` to pick list elements, a
 * number for an index, `*` for every element (targets only).  The two ends
 * read it differently, as kustomize does: in a source `[name=value]` is an
 * exact match and picks the first element; in a target it is an
 * unanchored regular expression on the field's YAML text and picks every
 * element that matches.  With `create`, missing target fields are made.
 *
 * Writing a scalar keeps the target's type (so "2" into replicas is the
 * number 2, and "foo" into it is an error, as kustomize's serialisation
 * fails); a field created for the value takes the type its text reads as.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/passes.h"
#include "mc/re2.h"

struct rid {
	const struct str *group, *version, *kind, *name, *ns; /* "" = any */
};

struct ropts {
	const struct str *delim;
	int64_t index;
	bool create;
};

struct rsource {
	struct rid id;
	const struct str *fieldpath;
	struct ropts opts;
	struct srcpos pos;
};

struct rselect {
	struct rid id;
	struct kust_selector ls; /* label and annotation selectors only */
	bool has_ls;
};

struct rtarget {
	struct rselect select;
	struct rselect *rejects;
	size_t nrejects;
	const struct str **paths;
	size_t npaths;
	struct ropts opts;
	struct srcpos pos;
};

struct repl {
	struct rsource src;
	struct rtarget *targets;
	size_t ntargets;
	bool has_src, has_targets; /* given (kustomize tests for nil) */
	struct srcpos pos;
};

typedef VEC(struct repl) repl_vec;

/* ------------------------------------------------------------ parsing */

static const char *jtype(const struct ir_node *v)
{
	return ir_is_map(v) ? "object" : ir_is_seq(v) ? "array" : v->type == IR_BOOL ? "bool"
		: v->type == IR_STR ? "string" : "number";
}

static int type_err(struct mc_ctx *ctx, const struct ir_node *v, const char *field,
	const char *type)
{
	return diag_error(&ctx->diag, &v->pos,
		"json: cannot unmarshal %s into Go struct field %s of type %s", jtype(v), field, type);
}

static int get_str(struct mc_ctx *ctx, const struct ir_node *v, const char *field,
	const struct str **out)
{
	if (ir_is_null(v))
		return 0;
	if (!ir_is_str(v))
		return type_err(ctx, v, field, "string");
	*out = v->s.text;
	return 0;
}

static int parse_opts(struct mc_ctx *ctx, const struct ir_node *o, struct ropts *out)
{
	if (ir_is_null(o))
		return 0;
	if (!ir_is_map(o))
		return type_err(ctx, o, "options", "types.FieldOptions");
	int errors = 0;
	for (uint32_t i = 0; i < o->map.len; i++) {
		const struct str *k = o->map.items[i].key->s.text;
		const struct ir_node *v = o->map.items[i].value;
		if (str_eqc(k, "delimiter"))
			errors += get_str(ctx, v, "delimiter", &out->delim);
		else if (str_eqc(k, "encoding")) {
			const struct str *enc = NULL;
			errors += get_str(ctx, v, "encoding", &enc);
		} else if (str_eqc(k, "index")) {
			if (ir_is_null(v))
				continue;
			if (v->type != IR_INT && !(v->type == IR_FLOAT && v->s.v.f == (double)(int64_t)v->s.v.f))
				errors += type_err(ctx, v, "index", "int");
			else
				out->index = v->type == IR_INT ? v->s.v.i : (int64_t)v->s.v.f;
		} else if (str_eqc(k, "create")) {
			if (ir_is_null(v))
				continue;
			if (v->type != IR_BOOL)
				errors += type_err(ctx, v, "create", "bool");
			else
				out->create = v->s.v.b;
		} else {
			errors += diag_error(&ctx->diag, &o->map.items[i].key->pos,
				"json: unknown field \"%s\"", k->s);
		}
	}
	return errors;
}

/* The ResId fields of a selector map; other keys go to other(). */
static int parse_id(struct mc_ctx *ctx, const struct str *key, const struct ir_node *v,
	struct rid *id, bool *used)
{
	static const char *const names[] = { "group", "version", "kind", "name", "namespace" };
	const struct str **slots[] = { &id->group, &id->version, &id->kind, &id->name, &id->ns };
	for (int i = 0; i < 5; i++) {
		if (str_eqc(key, names[i])) {
			*used = true;
			return get_str(ctx, v, names[i], slots[i]);
		}
	}
	*used = false;
	return 0;
}

static int parse_selector(struct mc_ctx *ctx, const struct ir_node *n, struct rselect *s)
{
	memset(s, 0, sizeof *s);
	if (!ir_is_map(n))
		return type_err(ctx, n, "select", "types.Selector");
	int errors = 0;
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct str *k = n->map.items[i].key->s.text;
		const struct ir_node *v = n->map.items[i].value;
		bool used;
		errors += parse_id(ctx, k, v, &s->id, &used);
		if (used)
			continue;
		if (str_eqc(k, "labelSelector"))
			errors += get_str(ctx, v, "labelSelector", &s->ls.label_selector);
		else if (str_eqc(k, "annotationSelector"))
			errors += get_str(ctx, v, "annotationSelector", &s->ls.anno_selector);
		else
			errors += diag_error(&ctx->diag, &n->map.items[i].key->pos,
				"json: unknown field \"%s\"", k->s);
	}
	s->ls.pos = n->pos;
	s->has_ls = (s->ls.label_selector && s->ls.label_selector->len) ||
		(s->ls.anno_selector && s->ls.anno_selector->len);
	return errors;
}

static int parse_target(struct mc_ctx *ctx, const struct ir_node *n, struct rtarget *t)
{
	memset(t, 0, sizeof *t);
	t->pos = n->pos;
	if (!ir_is_map(n))
		return type_err(ctx, n, "targets", "types.TargetSelector");
	int errors = 0;
	bool has_select = false;
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct str *k = n->map.items[i].key->s.text;
		const struct ir_node *v = n->map.items[i].value;
		if (str_eqc(k, "select")) {
			if (ir_is_null(v))
				continue;
			has_select = true;
			errors += parse_selector(ctx, v, &t->select);
		} else if (str_eqc(k, "reject")) {
			if (ir_is_null(v))
				continue;
			if (!ir_is_seq(v)) {
				errors += type_err(ctx, v, "reject", "[]*types.Selector");
				continue;
			}
			t->rejects = arena_calloc(&ctx->arena, v->seq.len ? v->seq.len : 1, sizeof *t->rejects);
			for (uint32_t j = 0; j < v->seq.len; j++) {
				if (ir_is_null(v->seq.items[j]))
					continue;
				errors += parse_selector(ctx, v->seq.items[j], &t->rejects[t->nrejects++]);
			}
		} else if (str_eqc(k, "fieldPaths")) {
			if (ir_is_null(v))
				continue;
			if (!ir_is_seq(v)) {
				errors += type_err(ctx, v, "fieldPaths", "[]string");
				continue;
			}
			t->paths = arena_calloc(&ctx->arena, v->seq.len ? v->seq.len : 1, sizeof *t->paths);
			for (uint32_t j = 0; j < v->seq.len; j++) {
				const struct str *p = ctx->s_empty;
				errors += get_str(ctx, v->seq.items[j], "fieldPaths", &p);
				t->paths[t->npaths++] = p;
			}
		} else if (str_eqc(k, "options")) {
			errors += parse_opts(ctx, v, &t->opts);
		} else {
			errors += diag_error(&ctx->diag, &n->map.items[i].key->pos,
				"json: unknown field \"%s\"", k->s);
		}
	}
	if (!errors && !has_select)
		errors += diag_error(&ctx->diag, &n->pos, "target must specify resources to select");
	return errors;
}

static int parse_replacement(struct mc_ctx *ctx, const struct ir_node *n, struct repl *r)
{
	memset(r, 0, sizeof *r);
	bool *has_src = &r->has_src, *has_targets = &r->has_targets;
	r->pos = n->pos;
	int errors = 0;
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct str *k = n->map.items[i].key->s.text;
		const struct ir_node *v = n->map.items[i].value;
		if (str_eqc(k, "source")) {
			if (ir_is_null(v))
				continue;
			if (!ir_is_map(v)) {
				errors += type_err(ctx, v, "source", "types.SourceSelector");
				continue;
			}
			*has_src = true;
			r->src.pos = v->pos;
			for (uint32_t j = 0; j < v->map.len; j++) {
				const struct str *sk = v->map.items[j].key->s.text;
				const struct ir_node *sv = v->map.items[j].value;
				bool used;
				errors += parse_id(ctx, sk, sv, &r->src.id, &used);
				if (used)
					continue;
				if (str_eqc(sk, "fieldPath"))
					errors += get_str(ctx, sv, "fieldPath", &r->src.fieldpath);
				else if (str_eqc(sk, "options"))
					errors += parse_opts(ctx, sv, &r->src.opts);
				else
					errors += diag_error(&ctx->diag, &v->map.items[j].key->pos,
						"json: unknown field \"%s\"", sk->s);
			}
		} else if (str_eqc(k, "targets")) {
			if (ir_is_null(v))
				continue;
			if (!ir_is_seq(v)) {
				errors += type_err(ctx, v, "targets", "[]*types.TargetSelector");
				continue;
			}
			*has_targets = true;
			r->targets = arena_calloc(&ctx->arena, v->seq.len ? v->seq.len : 1, sizeof *r->targets);
			for (uint32_t j = 0; j < v->seq.len; j++) {
				if (ir_is_null(v->seq.items[j]))
					continue;
				errors += parse_target(ctx, v->seq.items[j], &r->targets[r->ntargets++]);
			}
		} else if (!str_eqc(k, "path")) {
			errors += diag_error(&ctx->diag, &n->map.items[i].key->pos,
				"json: unknown field \"%s\"", k->s);
		}
	}
	return errors;
}

/* One `replacements:` entry: inline, or `path:` to a file holding one
 * replacement or a list of them. */
static int parse_entry(struct mc_ctx *ctx, struct kust *k, const struct ir_node *e, repl_vec *out)
{
	if (!ir_is_map(e))
		return type_err(ctx, e, "replacements", "types.ReplacementField");
	const struct ir_node *path = ir_map_getc(e, "path");
	const struct str *p = NULL;
	if (get_str(ctx, path, "path", &p))
		return 1;
	struct repl r;
	int errors = parse_replacement(ctx, e, &r);
	if (errors)
		return errors;
	if (p && p->len) {
		if (r.has_src || r.has_targets)
			return diag_error(&ctx->diag, &e->pos,
				"cannot specify both path and inline replacement");
		const struct srcfile *f = kust_load_file(ctx, k, p->s, &path->pos);
		if (!f)
			return 1;
		struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_DUPKEYS_OK };
		struct ir_node *doc;
		if (yaml_load_one(ctx, f, &yo, &doc))
			return 1;
		if (ir_is_seq(doc)) {
			for (uint32_t i = 0; i < doc->seq.len && !errors; i++) {
				const struct ir_node *it = doc->seq.items[i];
				if (ir_is_null(it)) {
					VEC_PUSH(&ctx->arena, out, ((struct repl){ .pos = doc->pos }));
					continue;
				}
				if (!ir_is_map(it))
					return type_err(ctx, it, "replacements", "types.Replacement");
				errors += parse_replacement(ctx, it, &r);
				VEC_PUSH(&ctx->arena, out, r);
			}
			return errors;
		}
		if (ir_is_map(doc)) {
			errors = parse_replacement(ctx, doc, &r);
			VEC_PUSH(&ctx->arena, out, r);
			return errors;
		}
		return diag_error(&ctx->diag, doc ? &doc->pos : &path->pos,
			"unsupported replacement type encountered within replacement path: %s",
			!doc || doc->type == IR_NULL ? "invalid" : doc->type == IR_STR ? "string"
			: doc->type == IR_BOOL ? "bool" : "float64");
	}
	VEC_PUSH(&ctx->arena, out, r);
	return 0;
}

/* --------------------------------------------------------- selection */

static bool rid_empty(const struct rid *s)
{
	return !(s->group && s->group->len) && !(s->version && s->version->len) &&
		!(s->kind && s->kind->len) && !(s->name && s->name->len) && !(s->ns && s->ns->len);
}

static bool eq_or_any(const struct str *sel, const struct str *v)
{
	return !sel || !sel->len || str_eq(sel, v);
}

/* ResId.IsSelectedBy */
static bool id_selected(struct mc_ctx *ctx, const struct ir_resid *id, const struct rid *s)
{
	if (!eq_or_any(s->name, id->name))
		return false;
	if (s->ns && s->ns->len) {
		struct ir_resid sid = { s->group ? s->group : ctx->s_empty,
			s->version ? s->version : ctx->s_empty, s->kind ? s->kind : ctx->s_empty,
			s->ns, s->name ? s->name : ctx->s_empty };
		if (!str_eq(kust_effective_ns(ctx, &sid), kust_effective_ns(ctx, id)))
			return false;
	}
	return eq_or_any(s->group, id->group) && eq_or_any(s->version, id->version) &&
		eq_or_any(s->kind, id->kind);
}

#define MAX_IDS 64

/* MakeResIds: the current id, then the previous ones. */
static size_t res_ids(struct mc_ctx *ctx, struct ir_resource *r, struct ir_resid *ids)
{
	ids[0] = r->id;
	return 1 + kust_previds(ctx, r, ids + 1, MAX_IDS - 1);
}

static bool any_selected(struct mc_ctx *ctx, const struct ir_resid *ids, size_t n, const struct rid *s)
{
	for (size_t i = 0; i < n; i++)
		if (id_selected(ctx, &ids[i], s))
			return true;
	return false;
}

/* ---------------------------------------------------------- field paths */

typedef VEC(const struct str *) strvec_t;

/* kyaml's SmarterPathSplitter (over PathSplitter's escaped dots). */
static void split_path(struct mc_ctx *ctx, const struct str *path, strvec_t *out)
{
	strvec_t raw = { 0 };
	const char *s = path->s, *end = s + path->len;
	struct sbuf cur = SBUF_INIT;
	const char *p = s;
	for (;;) {
		const char *d = memchr(p, '.', (size_t)(end - p));
		const char *e = d ? d : end;
		VEC_PUSH(&ctx->arena, &raw, mc_intern(ctx, p, (size_t)(e - p)));
		if (!d)
			break;
		p = d + 1;
	}
	size_t first = raw.len > 1 && !raw.items[0]->len ? 1 : 0;
	strvec_t parts = { 0 };
	for (size_t i = first; i < raw.len; i++) {
		const struct str *x = raw.items[i];
		if (parts.len && parts.items[parts.len - 1]->len &&
		    parts.items[parts.len - 1]->s[parts.items[parts.len - 1]->len - 1] == '\\') {
			const struct str *last = parts.items[parts.len - 1];
			sbuf_reset(&cur);
			sbuf_add(&cur, last->s, last->len - 1);
			sbuf_addc(&cur, '.');
			sbuf_addstr(&cur, x);
			parts.items[parts.len - 1] = mc_intern(ctx, cur.buf, cur.len);
		} else {
			VEC_PUSH(&ctx->arena, &parts, x);
		}
	}
	for (size_t i = 0; i < parts.len; i++) {
		const struct str *x = parts.items[i];
		bool open = x->len && x->s[0] == '[';
		bool close = x->len && x->s[x->len - 1] == ']';
		if (!open || close) {
			VEC_PUSH(&ctx->arena, out, x);
			continue;
		}
		sbuf_reset(&cur);
		sbuf_addstr(&cur, x);
		while (i < parts.len - 1) {
			i++;
			sbuf_addc(&cur, '.');
			sbuf_addstr(&cur, parts.items[i]);
			if (parts.items[i]->len && parts.items[i]->s[parts.items[i]->len - 1] == ']')
				break;
		}
		if (memchr(cur.buf, '=', cur.len)) {
			VEC_PUSH(&ctx->arena, out, mc_intern(ctx, cur.buf, cur.len));
		} else {
			size_t b = 0, e = cur.len;
			while (b < e && (cur.buf[b] == '[' || cur.buf[b] == ']'))
				b++;
			while (e > b && (cur.buf[e - 1] == '[' || cur.buf[e - 1] == ']'))
				e--;
			VEC_PUSH(&ctx->arena, out, mc_intern(ctx, cur.buf + b, e - b));
		}
	}
	sbuf_release(&cur);
}

static bool is_list_index(const struct str *p)
{
	return p->len >= 2 && p->s[0] == '[' && p->s[p->len - 1] == ']';
}

static bool split_name_value(struct mc_ctx *ctx, const struct str *p, const struct str **name,
	const struct str **value)
{
	const char *b = p->s + 1;
	size_t n = p->len - 2;
	const char *eq = memchr(b, '=', n);
	if (!eq)
		return false;
	*name = mc_intern(ctx, b, (size_t)(eq - b));
	*value = mc_intern(ctx, eq + 1, n - (size_t)(eq - b) - 1);
	return true;
}

static const char *kind_name(const struct ir_node *n)
{
	return ir_is_map(n) ? "MappingNode" : ir_is_seq(n) ? "SequenceNode" : "ScalarNode";
}

/* yaml.Lookup (PathGetter without create): the source's field, or NULL;
 * -1 on an error (message in err). */
static int lookup(struct mc_ctx *ctx, struct ir_node *n, const strvec_t *path, struct ir_node **out,
	struct sbuf *err)
{
	*out = NULL;
	for (size_t i = 0; i < path->len; i++) {
		const struct str *part = path->items[i];
		/* cleanPath: trimmed, empty parts skipped */
		size_t b = 0, e = part->len;
		while (b < e && (part->s[b] == ' ' || part->s[b] == '\t' || part->s[b] == '\n'))
			b++;
		while (e > b && (part->s[e - 1] == ' ' || part->s[e - 1] == '\t' || part->s[e - 1] == '\n'))
			e--;
		if (b == e)
			continue;
		part = mc_intern(ctx, part->s + b, e - b);
		if (ir_is_null(n))
			return 0;
		int64_t idx;
		if (go_parse_int(part->s, part->len, 10, &idx)) {
			if (idx < 0) {
				sbuf_printf(err, "array index %lld cannot be negative", (long long)idx);
				return -1;
			}
			if (!ir_is_seq(n)) {
				sbuf_printf(err, "wrong node kind: expected SequenceNode but got %s", kind_name(n));
				return -1;
			}
			if (idx >= n->seq.len)
				return 0;
			n = n->seq.items[idx];
		} else if (str_eqc(part, "-")) {
			if (!ir_is_seq(n)) {
				sbuf_printf(err, "wrong node kind: expected SequenceNode but got %s", kind_name(n));
				return -1;
			}
			if (!n->seq.len)
				return 0;
			n = n->seq.items[n->seq.len - 1];
		} else if (str_eqc(part, "*")) {
			sbuf_adds(err, "wildcard is not supported in PathGetter");
			return -1;
		} else if (is_list_index(part)) {
			const struct str *name, *value;
			if (!split_name_value(ctx, part, &name, &value)) {
				sbuf_adds(err, "list path element must contain fieldName=fieldValue for element to match");
				return -1;
			}
			if (!ir_is_seq(n)) {
				sbuf_printf(err, "wrong node kind: expected SequenceNode but got %s", kind_name(n));
				return -1;
			}
			struct ir_node *hit = NULL;
			for (uint32_t j = 0; j < n->seq.len && !hit; j++) {
				struct ir_node *el = n->seq.items[j];
				if (!name->len) {
					if (ir_is_scalar(el) && str_eq(el->s.text, value))
						hit = el;
				} else if (ir_is_map(el)) {
					const struct ir_pair *p = ir_map_find(el, name);
					if (p && ir_is_scalar(p->value) && str_eq(p->value->s.text, value))
						hit = el;
					else if (p && !ir_is_scalar(p->value) && !value->len)
						hit = el;
				}
			}
			if (!hit)
				return 0;
			n = hit;
		} else {
			if (!ir_is_map(n)) {
				sbuf_printf(err, "wrong node kind: expected MappingNode but got %s", kind_name(n));
				return -1;
			}
			const struct ir_pair *p = ir_map_find(n, part);
			if (!p)
				return 0;
			n = p->value;
		}
	}
	*out = n;
	return 0;
}

/* yaml.PathMatcher: every node the path reaches, creating missing parts
 * (leaf of kind create_kind) when create_kind >= 0. */
struct pm {
	struct mc_ctx *ctx;
	struct sbuf *err;
	int create;            /* -1, or IR_MAP / IR_SEQ / IR_STR for the leaf */
	VEC(struct ir_node *) hits;
	int depth;
};

/* IsIdxNumber: a non-negative strconv.Atoi number. */
static bool index_part(const struct str *p, int64_t *idx)
{
	return go_parse_int(p->s, p->len, 10, idx) && *idx >= 0;
}

static int kind_for_next(const struct str *next, int create)
{
	if (!next)
		return create;
	if (is_list_index(next))
		return IR_SEQ;
	int64_t idx;
	if (index_part(next, &idx))
		return IR_SEQ;
	return IR_MAP;
}

static struct ir_node *new_kind(struct mc_ctx *ctx, int kind, const struct srcpos *pos)
{
	if (kind == IR_MAP)
		return ir_map(ctx, pos);
	if (kind == IR_SEQ)
		return ir_seq(ctx, pos);
	/* an untagged empty scalar */
	struct ir_node *n = ir_str(ctx, "", 0, pos);
	n->tag = mc_intern0(ctx, "");
	return n;
}

/* The YAML text of a node, trimmed (what [field=regex] is matched on). */
static const struct str *node_text(struct mc_ctx *ctx, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	const char *e = NULL;
	if (!n || emit_yaml(&sb, n, &e))
		sbuf_reset(&sb);
	size_t b = 0, end = sb.len;
	while (b < end && (sb.buf[b] == ' ' || sb.buf[b] == '\n' || sb.buf[b] == '\t' || sb.buf[b] == '\r'))
		b++;
	while (end > b && (sb.buf[end - 1] == ' ' || sb.buf[end - 1] == '\n' || sb.buf[end - 1] == '\t' ||
		sb.buf[end - 1] == '\r'))
		end--;
	const struct str *s = mc_intern(ctx, sb.buf + b, end - b);
	sbuf_release(&sb);
	return s;
}

/* regexp.MatchString (unanchored). -1 on a bad expression. */
static int regex_find(struct pm *P, const struct str *re, const struct str *s)
{
	struct re2 *c = re2_compile(re->s, re->len, P->err);
	if (!c)
		return -1;
	bool m = re2_match(c, s->s, s->len);
	re2_free(c);
	return m;
}

static int pm_filter(struct pm *P, struct ir_node *n, const struct str *const *path, size_t len);

static int pm_seq(struct pm *P, struct ir_node *n, const struct str *const *path, size_t len)
{
	const struct str *field, *value;
	if (!split_name_value(P->ctx, path[0], &field, &value)) {
		sbuf_adds(P->err, "list path element must contain fieldName=fieldValue for element to match");
		return -1;
	}
	if (!ir_is_null(n) && !ir_is_seq(n)) {
		sbuf_printf(P->err, "wrong node kind: expected SequenceNode but got %s", kind_name(n));
		return -1;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		size_t before = P->hits.len;
		bool found = false;
		for (uint32_t i = 0; ir_is_seq(n) && i < n->seq.len; i++) {
			struct ir_node *el = n->seq.items[i];
			if (!field->len) {
				int m = regex_find(P, value, node_text(P->ctx, el));
				if (m < 0)
					return -1;
				if (m) {
					VEC_PUSH(&P->ctx->arena, &P->hits, el);
					found = true;
				}
				continue;
			}
			const struct ir_pair *p = ir_is_map(el) ? ir_map_find(el, field) : NULL;
			if (!p)
				continue;
			int m = regex_find(P, value, node_text(P->ctx, p->value));
			if (m < 0)
				return -1;
			if (!m)
				continue;
			size_t h = P->hits.len;
			if (pm_filter(P, el, path + 1, len - 1))
				return -1;
			found |= P->hits.len > h;
		}
		if (found || P->create < 0 || !ir_is_seq(n) || attempt)
			return 0;
		(void)before;
		/* Create the element the selector describes, then search again. */
		struct ir_node *v = ir_str(P->ctx, value->s, value->len, &n->pos);
		yaml_resolve(YAML_V3, value->s, value->len, v);
		struct ir_node *el = v;
		if (field->len) {
			el = ir_map(P->ctx, &n->pos);
			ir_map_append(P->ctx, el, ir_strs(P->ctx, field, &n->pos), v);
		}
		ir_seq_push(P->ctx, n, el);
	}
	return 0;
}

static int pm_filter(struct pm *P, struct ir_node *n, const struct str *const *path, size_t len)
{
	int64_t idx;
	if (++P->depth > 256) {
		sbuf_adds(P->err, "field path too deep");
		return -1;
	}
	int rc = 0;
	if (!len) {
		VEC_PUSH(&P->ctx->arena, &P->hits, n);
	} else if (index_part(path[0], &idx)) {
		if (!ir_is_null(n) && !ir_is_seq(n)) {
			sbuf_printf(P->err, "wrong node kind: expected SequenceNode but got %s", kind_name(n));
			rc = -1;
		} else {
			uint32_t count = ir_is_seq(n) ? n->seq.len : 0;
			if ((int64_t)count == idx && P->create >= 0 && ir_is_seq(n)) {
				ir_seq_push(P->ctx, n, new_kind(P->ctx,
					kind_for_next(len > 1 ? path[1] : NULL, P->create), &n->pos));
				count++;
			}
			if ((int64_t)count < idx + 1) {
				sbuf_printf(P->err, "index %lld specified but only %u elements found",
					(long long)idx, count);
				rc = -1;
			} else {
				rc = pm_filter(P, n->seq.items[idx], path + 1, len - 1);
			}
		}
	} else if (is_list_index(path[0])) {
		rc = pm_seq(P, n, path, len);
	} else if (str_eqc(path[0], "*")) {
		if (!ir_is_null(n) && !ir_is_seq(n)) {
			sbuf_printf(P->err, "wrong node kind: expected SequenceNode but got %s", kind_name(n));
			rc = -1;
		}
		for (uint32_t i = 0; !rc && ir_is_seq(n) && i < n->seq.len; i++)
			rc = pm_filter(P, n->seq.items[i], path + 1, len - 1);
	} else {
		struct ir_node *f = NULL;
		if (!ir_is_null(n)) {
			if (!ir_is_map(n)) {
				sbuf_printf(P->err, "wrong node kind: expected MappingNode but got %s",
					kind_name(n));
				P->depth--;
				return -1;
			}
			const struct ir_pair *p = ir_map_find(n, path[0]);
			if (p)
				f = p->value;
		}
		if (!f && P->create >= 0 && ir_is_map(n)) {
			f = new_kind(P->ctx, kind_for_next(len > 1 ? path[1] : NULL, P->create), &n->pos);
			ir_map_append(P->ctx, n, ir_strs(P->ctx, path[0], &n->pos), f);
		}
		if (f)
			rc = pm_filter(P, f, path + 1, len - 1);
	}
	P->depth--;
	return rc;
}

/* -------------------------------------------------------------- values */

static void split_on(struct mc_ctx *ctx, const struct str *s, const struct str *d, strvec_t *out)
{
	const char *p = s->s, *end = s->s + s->len;
	for (;;) {
		const char *hit = NULL;
		for (const char *q = p; d->len && q + d->len <= end; q++)
			if (!memcmp(q, d->s, d->len)) {
				hit = q;
				break;
			}
		if (!hit) {
			VEC_PUSH(&ctx->arena, out, mc_intern(ctx, p, (size_t)(end - p)));
			return;
		}
		VEC_PUSH(&ctx->arena, out, mc_intern(ctx, p, (size_t)(hit - p)));
		p = hit + d->len;
	}
}

static const struct str *value_text(struct mc_ctx *ctx, const struct ir_node *n)
{
	return ir_is_scalar(n) ? n->s.text : ctx->s_empty;
}

/* Set a scalar target's text, keeping its type as kustomize's
 * serialisation does (a text that cannot be of that type marks the node
 * KUST_F_UNDECODABLE). */
static int set_scalar(struct ir_node *t, const struct str *text, struct sbuf *err)
{
	t->flags &= (uint16_t)~KUST_F_UNDECODABLE;
	struct ir_node r;
	memset(&r, 0, sizeof r);
	enum ir_type got = yaml_resolve(YAML_V3, text->s, text->len, &r);
	if (t->tag && !t->tag->len && (t->style == IR_STYLE_SQUOTED || t->style == IR_STYLE_DQUOTED ||
		t->style == IR_STYLE_LITERAL || t->style == IR_STYLE_FOLDED)) {
		/* untagged but quoted: the quotes keep it a string */
		t->type = IR_STR;
		t->flags = 0;
		t->s.text = text;
		return 0;
	}
	if (t->tag && !t->tag->len) {
		/* created by a path or set by a transformer (SetScalar,
		 * SetName): untagged, it reads as its text reads, now and after
		 * the next write (the empty tag stays) */
		t->type = (uint8_t)got;
		t->flags = r.flags;
		t->s.v = r.s.v;
		t->s.text = text;
		t->style = IR_STYLE_ANY;
		return 0;
	}
	switch (t->type) {
	case IR_STR:
		if ((t->flags & IR_F_TIMESTAMP) && !(got == IR_STR && (r.flags & IR_F_TIMESTAMP)))
			goto bad;
		t->s.text = text;
		return 0;
	case IR_NULL:
		if (got != IR_NULL)
			goto bad;
		t->s.text = text;
		return 0;
	case IR_BOOL:
		if (got != IR_BOOL)
			goto bad;
		break;
	case IR_INT:
		if (got != IR_INT)
			goto bad;
		break;
	case IR_FLOAT:
		if (got == IR_INT) {
			r.s.v.f = (r.flags & IR_F_UINT) ? (double)r.s.v.u : (double)r.s.v.i;
			r.flags = 0;
		} else if (got != IR_FLOAT) {
			goto bad;
		}
		break;
	default:
		break;
	}
	t->flags = r.flags;
	t->s.v = r.s.v;
	t->s.text = text;
	return 0;
bad:
	/* kyaml only sets the Value and keeps the tag: nothing fails until the
	 * resource is decoded (written out, or JSON-patched), and a later patch
	 * that replaces the node clears it.  The node remembers the text it
	 * cannot be (kust_undecodable reports it then). */
	(void)err;
	t->s.text = text;
	t->flags |= KUST_F_UNDECODABLE;
	return 0;
}

static int set_field_value(struct mc_ctx *ctx, const struct ropts *o, struct ir_node *t,
	const struct ir_node *value, struct sbuf *err)
{
	const struct str *vtext = value_text(ctx, value);
	if (o->delim && o->delim->len) {
		if (!ir_is_scalar(t)) {
			sbuf_adds(err, "delimiter option can only be used with scalar nodes");
			return -1;
		}
		strvec_t tv = { 0 };
		split_on(ctx, t->s.text, o->delim, &tv);
		const struct str *v = ir_is_null(value) ? ctx->s_empty : vtext;
		struct sbuf j = SBUF_INIT;
		if (o->index < 0 || o->index >= (int64_t)tv.len) {
			if (o->index < 0)
				sbuf_addstr(&j, v);
			for (size_t i = 0; i < tv.len; i++) {
				if (i || o->index < 0)
					sbuf_addstr(&j, o->delim);
				sbuf_addstr(&j, tv.items[i]);
			}
			if (o->index >= 0) {
				sbuf_addstr(&j, o->delim);
				sbuf_addstr(&j, v);
			}
		} else {
			for (size_t i = 0; i < tv.len; i++) {
				if (i)
					sbuf_addstr(&j, o->delim);
				sbuf_addstr(&j, (int64_t)i == o->index ? v : tv.items[i]);
			}
		}
		vtext = mc_intern(ctx, j.buf, j.len);
		sbuf_release(&j);
		if (!ir_is_scalar(value)) {
			/* a copy of a collection with its Value set: only the text
			 * reaches a scalar target */
		}
	}
	if (ir_is_scalar(t))
		return set_scalar(t, vtext, err);
	struct ir_node *c = ir_clone(ctx, value);
	if (o->delim && o->delim->len && ir_is_scalar(c))
		c->s.text = vtext;
	struct srcpos keep = t->pos;
	*t = *c;
	t->pos = keep;
	return 0;
}

/* getRefinedValue: the part of the source a delimiter selects. */
static int refine(struct mc_ctx *ctx, const struct ropts *o, struct ir_node **v, struct sbuf *err)
{
	if (!o->delim || !o->delim->len)
		return 0;
	if (!ir_is_scalar(*v)) {
		sbuf_adds(err, "delimiter option can only be used with scalar nodes");
		return -1;
	}
	const struct str *text = ir_is_null(*v) ? ctx->s_empty : (*v)->s.text;
	strvec_t parts = { 0 };
	split_on(ctx, text, o->delim, &parts);
	if (o->index >= (int64_t)parts.len || o->index < 0) {
		sbuf_printf(err, "options.index %lld is out of bounds for value %s", (long long)o->index,
			text->s);
		return -1;
	}
	struct ir_node *c = ir_clone(ctx, *v);
	c->s.text = parts.items[o->index];
	if (c->type != IR_STR) {
		struct ir_node tmp = *c;
		if (yaml_resolve(YAML_V3, c->s.text->s, c->s.text->len, &tmp) == c->type)
			c->s.v = tmp.s.v;
	}
	*v = c;
	return 0;
}

/* ---------------------------------------------------------- applying */

static const char *rid_str(struct mc_ctx *ctx, const struct rid *id)
{
	struct ir_resid r = { id->group ? id->group : ctx->s_empty,
		id->version ? id->version : ctx->s_empty, id->kind ? id->kind : ctx->s_empty,
		id->ns ? id->ns : ctx->s_empty, id->name ? id->name : ctx->s_empty };
	return kust_id_str(ctx, &r);
}

static int apply_one(struct ir_module *m, struct repl *r)
{
	struct mc_ctx *ctx = m->ctx;
	struct ir_resid ids[MAX_IDS];
	struct ir_resource *source = NULL;
	for (size_t i = 0; i < m->res.len; i++) {
		size_t n = res_ids(ctx, m->res.items[i], ids);
		if (!any_selected(ctx, ids, n, &r->src.id))
			continue;
		if (source)
			return diag_error(&ctx->diag, &r->src.pos, "multiple matches for selector %s",
				rid_str(ctx, &r->src.id));
		source = m->res.items[i];
	}
	if (!source)
		return diag_error(&ctx->diag, &r->src.pos, "nothing selected by %s",
			rid_str(ctx, &r->src.id));
	const struct str *fp = r->src.fieldpath && r->src.fieldpath->len ? r->src.fieldpath
		: mc_intern0(ctx, "metadata.name");
	strvec_t path = { 0 };
	split_path(ctx, fp, &path);
	struct sbuf err = SBUF_INIT;
	struct ir_node *value;
	if (lookup(ctx, source->body, &path, &value, &err)) {
		int e = diag_error(&ctx->diag, &r->src.pos, "error looking up replacement source: %s",
			err.buf);
		sbuf_release(&err);
		return e;
	}
	if (!value || ir_is_null(value) || (ir_is_map(value) && !value->map.len) ||
	    (ir_is_seq(value) && !value->seq.len)) {
		sbuf_release(&err);
		return diag_error(&ctx->diag, &r->src.pos,
			"fieldPath `%s` is missing for replacement source %s", fp->s,
			rid_str(ctx, &r->src.id));
	}
	if (refine(ctx, &r->src.opts, &value, &err)) {
		int e = diag_error(&ctx->diag, &r->src.pos, "%s", err.buf);
		sbuf_release(&err);
		return e;
	}
	for (size_t t = 0; t < r->ntargets; t++) {
		struct rtarget *tg = &r->targets[t];
		int e = 0;
		if (tg->select.has_ls)
			e += kust_selector_compile(ctx, &tg->select.ls);
		for (size_t j = 0; j < tg->nrejects && !e; j++)
			if (tg->rejects[j].has_ls)
				e += kust_selector_compile(ctx, &tg->rejects[j].ls);
		if (e) {
			sbuf_release(&err);
			return e;
		}
		const struct str *def = mc_intern0(ctx, "metadata.name");
		const struct str *const *paths = tg->npaths ? tg->paths : &def;
		size_t npaths = tg->npaths ? tg->npaths : 1;
		for (size_t i = 0; i < m->res.len; i++) {
			struct ir_resource *res = m->res.items[i];
			size_t n = res_ids(ctx, res, ids);
			if (tg->select.has_ls && !kust_selector_match(ctx, &tg->select.ls, res))
				continue;
			bool rejected = false;
			for (size_t j = 0; j < tg->nrejects && !rejected; j++)
				if (tg->rejects[j].has_ls && kust_selector_match(ctx, &tg->rejects[j].ls, res))
					rejected = true;
			if (rejected || !any_selected(ctx, ids, n, &tg->select.id))
				continue;
			for (size_t j = 0; j < tg->nrejects && !rejected; j++)
				if (!rid_empty(&tg->rejects[j].id) &&
				    any_selected(ctx, ids, n, &tg->rejects[j].id))
					rejected = true;
			if (rejected)
				continue;
			int create = tg->opts.create
				? (ir_is_map(value) ? IR_MAP : ir_is_seq(value) ? IR_SEQ : IR_STR) : -1;
			for (size_t p = 0; p < npaths; p++) {
				strvec_t tp = { 0 };
				split_path(ctx, paths[p], &tp);
				struct pm P = { ctx, &err, create, { 0 }, 0 };
				const char *what = create >= 0 ? "unable to find or create field" : "unable to find field";
				if (pm_filter(&P, res->body, tp.items, tp.len)) {
					int x = diag_error(&ctx->diag, &tg->pos, "%s \"%s\" in replacement target: %s",
						what, paths[p]->s, err.buf);
					sbuf_release(&err);
					return x;
				}
				if (!P.hits.len) {
					sbuf_release(&err);
					return diag_error(&ctx->diag, &tg->pos, "%s \"%s\" in replacement target",
						what, paths[p]->s);
				}
				for (size_t h = 0; h < P.hits.len; h++) {
					if (set_field_value(ctx, &tg->opts, P.hits.items[h], value, &err)) {
						int x = diag_error(&ctx->diag, &tg->pos, "%s", err.buf);
						sbuf_release(&err);
						return x;
					}
				}
			}
			ir_resource_sync(ctx, res);
		}
	}
	sbuf_release(&err);
	return 0;
}

static void release_all(repl_vec *rs)
{
	for (size_t i = 0; i < rs->len; i++) {
		for (size_t t = 0; t < rs->items[i].ntargets; t++) {
			struct rtarget *tg = &rs->items[i].targets[t];
			kust_selector_release(&tg->select.ls);
			for (size_t j = 0; j < tg->nrejects; j++)
				kust_selector_release(&tg->rejects[j].ls);
		}
	}
}

static int run_all(struct ir_module *m, struct kust *k, repl_vec *rs)
{
	int e = 0;
	/* Sources and targets see the build annotations (a source
	 * `metadata.annotations` copies them; a target there replaces them). */
	struct kust_shown *shown = rs->len ? arena_calloc(&m->ctx->arena, m->res.len ? m->res.len : 1,
		sizeof *shown) : NULL;
	size_t nshown = rs->len ? m->res.len : 0;
	for (size_t i = 0; i < nshown; i++)
		kust_buildann_show(m->ctx, m->res.items[i], &shown[i]);
	for (size_t i = 0; i < rs->len && !e; i++) {
		struct repl *r = &rs->items[i];
		if (!r->has_src || !r->has_targets)
			e = diag_error(&m->ctx->diag, &r->pos,
				"replacements must specify a source and at least one target");
		else
			e = apply_one(m, r);
	}
	for (size_t i = 0; i < nshown; i++) {
		kust_buildann_absorb(m->ctx, m->res.items[i], &shown[i]);
		ir_resource_sync(m->ctx, m->res.items[i]);
	}
	release_all(rs);
	kust_acc_touched(k);
	return e;
}

int kust_pass_replacements(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *list = ir_map_getc(k->doc, "replacements");
	if (ir_is_null(list))
		return 0;
	if (!ir_is_seq(list))
		return type_err(ctx, list, "Kustomization.replacements", "[]types.ReplacementField");
	if (!list->seq.len)
		return 0;
	repl_vec rs = { 0 };
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len && !errors; i++)
		errors += parse_entry(ctx, k, list->seq.items[i], &rs);
	if (errors)
		return errors;
	errors = run_all(m, k, &rs);
	kust_after_transformer(m, k, "ReplacementTransformer");
	return errors;
}

int kust_plugin_replacement(struct ir_module *m, struct kust *k, struct ir_node *cfg)
{
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *list = ir_map_getc(cfg, "replacements");
	if (ir_is_null(list))
		return 0;
	if (!ir_is_seq(list))
		return type_err(ctx, list, "replacements", "[]types.ReplacementField");
	repl_vec rs = { 0 };
	int errors = 0;
	for (uint32_t i = 0; i < list->seq.len && !errors; i++)
		errors += parse_entry(ctx, k, list->seq.items[i], &rs);
	if (!errors)
		errors = run_all(m, k, &rs);
	return errors;
}
