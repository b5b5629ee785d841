/*
 * kust_vars.c - the deprecated `vars:` field.
 *
 * Each kustomization's vars are attached, after its transformers ran, to
 * the one resource their objref names (by current or previous id; with no
 * namespace the namespace is not compared), and merged up the tree (a name
 * declared twice is an error).  At the top, after name references are
 * fixed, each var takes the value at its fieldPath in that resource, and
 * every `$(NAME)` in the varReference fields is replaced: a field that is
 * exactly `$(NAME)` takes the value's type (a number stays a number), an
 * embedded reference is replaced by the value's text, `$$` escapes a `$`,
 * and an unknown name is left as written.  A var naming no resource, or a
 * field the resource lacks, is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

static const struct str *opt(struct mc_ctx *ctx, const struct ir_node *map, const char *key)
{
	const struct ir_node *n = ir_map_getc(map, key);
	return ir_is_str(n) ? n->s.text : ctx->s_empty;
}

/* Target.GVK(): apiVersion, when given, overrides group and version. */
static void var_gvk(struct mc_ctx *ctx, const struct kust_var *v, struct ir_resid *id)
{
	id->group = v->group;
	id->version = v->version;
	id->kind = v->kind;
	id->name = v->obj_name;
	id->ns = v->obj_ns;
	if (v->api_version->len) {
		const char *s = v->api_version->s;
		const char *slash = strchr(s, '/');
		if (slash && !strchr(slash + 1, '/')) {
			id->group = mc_intern(ctx, s, (size_t)(slash - s));
			id->version = mc_intern0(ctx, slash + 1);
		} else if (!slash) {
			id->version = v->api_version;
		}
	}
}

static bool gvkn_equals(const struct ir_resid *a, const struct ir_resid *b)
{
	return str_eq(a->name, b->name) && str_eq(a->group, b->group) &&
		str_eq(a->version, b->version) && str_eq(a->kind, b->kind);
}

/* The var's id never counts as cluster-scoped (kustomize builds it without
 * the scope lookup). */
static bool var_equals(struct mc_ctx *ctx, const struct ir_resid *v, const struct ir_resid *r,
	bool r_prev)
{
	if (!gvkn_equals(v, r))
		return false;
	const struct str *vns = !v->ns->len || str_eqc(v->ns, "default") ? mc_intern0(ctx, "default")
		: v->ns;
	const struct str *rns = r_prev ? (r->ns->len ? r->ns : mc_intern0(ctx, "default"))
		: kust_effective_ns(ctx, r);
	return str_eq(vns, rns);
}

int kust_pass_vars(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	const struct ir_node *l = ir_map_getc(k->doc, "vars");
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len && !errors; i++) {
		const struct ir_node *e = l->seq.items[i];
		const struct ir_node *ref = ir_map_getc(e, "objref");
		struct kust_var v = {
			opt(ctx, e, "name"), opt(ctx, ref, "apiVersion"), opt(ctx, ref, "group"),
			opt(ctx, ref, "version"), opt(ctx, ref, "kind"), opt(ctx, ref, "name"),
			opt(ctx, ref, "namespace"), opt(ctx, ir_map_getc(e, "fieldref"), "fieldPath"),
			e->pos,
		};
		if (!v.fieldpath->len)
			v.fieldpath = mc_intern0(ctx, "metadata.name");
		struct ir_resid id;
		var_gvk(ctx, &v, &id);
		bool with_ns = id.ns->len != 0;
		/* GetMatchingResourcesByAnyId: each resource once, list order. */
		struct ir_resource *match = NULL;
		size_t nmatch = 0;
		for (size_t j = 0; j < m->res.len; j++) {
			struct ir_resource *r = m->res.items[j];
			bool hit = with_ns ? var_equals(ctx, &id, &r->id, false) : gvkn_equals(&id, &r->id);
			struct ir_resid prev[64];
			size_t np = kust_previds(ctx, r, prev, 64);
			for (size_t q = 0; q < np && q < 64 && !hit; q++)
				hit = with_ns ? var_equals(ctx, &id, &prev[q], true) : gvkn_equals(&id, &prev[q]);
			if (hit) {
				match = r;
				nmatch++;
			}
		}
		if (nmatch > 1) {
			errors += diag_error(&ctx->diag, &e->pos,
				"found %zu resId matches for var %s (unable to disambiguate)", nmatch, v.name->s);
			break;
		}
		if (match)
			VEC_PUSH(&ctx->arena, &kust_res_of(ctx, match)->refvars, v.name);
		for (size_t j = 0; j < k->acc->vars.len; j++)
			if (str_eq(k->acc->vars.items[j].name, v.name))
				errors += diag_error(&ctx->diag, &e->pos, "var '%s' already encountered",
					v.name->s);
		VEC_PUSH(&ctx->arena, &k->acc->vars, v);
	}
	return errors;
}

/* ------------------------------------------------------------ resolving */

/* GetFieldValue: a dotted path with [n] indexes and [k=v] selectors. */
static const struct ir_node *field_value(struct mc_ctx *ctx, const struct ir_node *n,
	const char *path, const char **err)
{
	/* SmarterPathSplitter on '.', then convertSliceIndex */
	const char *p = path;
	*err = NULL;
	while (n) {
		const char *end = p;
		if (*p == '[') {
			const char *close = strchr(p, ']');
			end = close ? close + 1 : p + strlen(p);
			while (*end && *end != '.')
				end++;
		} else {
			while (*end && *end != '.')
				end++;
		}
		char *part = arena_strndup(&ctx->arena, p, (size_t)(end - p));
		size_t pl = strlen(part);
		/* name[3] -> name, 3 */
		char *idx = NULL;
		if (pl && part[pl - 1] == ']') {
			char *open = strrchr(part, '[');
			bool digits = open && open[1] != ']';
			for (char *c = open ? open + 1 : NULL; digits && c < part + pl - 1; c++)
				digits = *c >= '0' && *c <= '9';
			if (digits) {
				*open = 0;
				idx = open + 1;
				part[pl - 1] = 0;
			}
		}
		const char *parts[2] = { part, idx };
		for (int q = 0; q < 2 && n; q++) {
			const char *s = parts[q];
			if (!s || (q == 0 && !*s && idx))
				continue;
			bool number = *s != 0;
			for (const char *c = s; *c && number; c++)
				number = (*c >= '0' && *c <= '9');
			if (number || !strcmp(s, "-")) {
				if (!ir_is_seq(n)) {
					*err = "wrong node kind: expected a sequence";
					return NULL;
				}
				long i = !strcmp(s, "-") ? (long)n->seq.len - 1 : strtol(s, NULL, 10);
				n = i >= 0 && (uint32_t)i < n->seq.len ? n->seq.items[i] : NULL;
			} else if (s[0] == '[' && strchr(s, '=')) {
				if (!ir_is_seq(n)) {
					*err = "wrong node kind: expected a sequence";
					return NULL;
				}
				const char *eq = strchr(s, '=');
				size_t sl = strlen(s);
				const struct str *key = mc_intern(ctx, s + 1, (size_t)(eq - s - 1));
				const char *val = eq + 1;
				size_t vl = sl - (size_t)(val - s) - (s[sl - 1] == ']');
				const struct ir_node *hit = NULL;
				for (uint32_t i = 0; i < n->seq.len && !hit; i++) {
					const struct ir_node *f = ir_map_get(n->seq.items[i], key);
					if (ir_is_scalar(f) && f->s.text->len == vl && !memcmp(f->s.text->s, val, vl))
						hit = n->seq.items[i];
				}
				n = hit;
			} else {
				if (!ir_is_map(n)) {
					if (ir_is_null(n))
						return NULL;
					*err = "wrong node kind: expected a map";
					return NULL;
				}
				n = ir_map_getc(n, s);
			}
		}
		if (!*end)
			break;
		p = end + 1;
	}
	return n;
}

struct resolved {
	const struct str *name;
	const struct ir_node *value;
	size_t uses;
};

struct varmap {
	struct resolved *items;
	size_t len;
};

static struct resolved *lookup(struct varmap *vm, const char *s, size_t n)
{
	/* vars are few; sorted by name, binary search */
	size_t lo = 0, hi = vm->len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct str *k = vm->items[mid].name;
		size_t ml = k->len < n ? k->len : n;
		int c = memcmp(k->s, s, ml);
		if (!c)
			c = k->len < n ? -1 : k->len > n;
		if (!c)
			return &vm->items[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* fmt.Sprintf("%v", value) of a scalar var value. */
static void value_text(struct sbuf *out, const struct ir_node *v)
{
	if (v->type == IR_FLOAT) {
		go_ftoa(out, v->s.v.f, 'g', -1, 64);
		return;
	}
	if (v->type == IR_BOOL) {
		sbuf_adds(out, v->s.v.b ? "true" : "false");
		return;
	}
	sbuf_addstr(out, v->s.text);
}

struct subst {
	struct varmap *vm;
	int errors;
	const struct srcpos *at;
};

/* DoReplacements on one string node. */
static int replace(struct mc_ctx *ctx, struct subst *s, struct ir_node **slot)
{
	struct ir_node *node = *slot;
	const struct str *in = node->s.text;
	const char *p = in->s;
	size_t n = in->len;
	if (!memchr(p, '$', n))
		return 0;
	struct sbuf buf = SBUF_INIT;
	size_t checkpoint = 0;
	for (size_t cur = 0; cur < n; cur++) {
		if (p[cur] != '$' || cur + 1 >= n)
			continue;
		sbuf_add(&buf, p + checkpoint, cur - checkpoint);
		const char *rest = p + cur + 1;
		size_t rl = n - cur - 1;
		size_t advance = 1;
		if (rest[0] == '$') {
			sbuf_addc(&buf, '$');
		} else if (rest[0] == '(') {
			const char *close = memchr(rest + 1, ')', rl - 1);
			if (!close) {
				sbuf_adds(&buf, "$(");
			} else {
				size_t vl = (size_t)(close - rest - 1);
				struct resolved *r = lookup(s->vm, rest + 1, vl);
				advance = vl + 2;
				if (r && !ir_is_scalar(r->value)) {
					sbuf_release(&buf);
					return diag_error(&ctx->diag, s->at,
						"var '%s' has a map or list value and cannot replace $(%s)",
						r->name->s, r->name->s);
				}
				if (r)
					r->uses++;
				if (cur == 0 && vl + 3 == n) {
					/* the whole string is the reference: keep the type */
					sbuf_release(&buf);
					if (r) {
						struct ir_node *v = ir_clone(ctx, r->value);
						v->pos = node->pos;
						v->style = IR_STYLE_ANY;
						v->tag = NULL;
						*slot = v;
					}
					return 0;
				}
				if (r)
					value_text(&buf, r->value);
				else
					sbuf_add(&buf, rest - 1, vl + 3);
			}
		} else {
			sbuf_addc(&buf, '$');
			sbuf_addc(&buf, rest[0]);
		}
		cur += advance;
		checkpoint = cur + 1;
	}
	if (checkpoint < n)
		sbuf_add(&buf, p + checkpoint, n - checkpoint);
	*slot = ir_str(ctx, buf.buf, buf.len, &node->pos);
	sbuf_release(&buf);
	return 0;
}

/* IsYNodeString: tagged !!str, or untagged (a field a replacement created,
 * a name a transformer set) whatever its text reads as. */
static bool untagged(const struct ir_node *n)
{
	return ir_is_scalar(n) && n->tag && !n->tag->len;
}

static bool is_string(const struct ir_node *n)
{
	return (ir_is_str(n) && !(n->flags & IR_F_TIMESTAMP)) || untagged(n);
}

/* updateNodeValue: an untagged scalar becomes a string even when it holds
 * no reference. */
static int replace_string(struct mc_ctx *ctx, struct subst *s, struct ir_node **slot)
{
	struct ir_node *n = *slot;
	if (untagged(n) && n->type != IR_STR)
		*slot = ir_strs(ctx, n->s.text, &n->pos);
	return replace(ctx, s, slot);
}

static int set_var(struct kust_fs_visit *v, struct ir_node **slot)
{
	struct subst *s = v->arg;
	struct ir_node *n = *slot;
	if (ir_is_null(n))
		return 0;
	if (ir_is_scalar(n))
		return is_string(n) ? replace_string(v->ctx, s, slot) : 0;
	if (ir_is_map(n)) {
		for (uint32_t i = 0; i < n->map.len; i++) {
			if (!is_string(n->map.items[i].value))
				continue;
			int e = replace_string(v->ctx, s, &n->map.items[i].value);
			if (e)
				return e;
		}
		return 0;
	}
	for (uint32_t i = 0; i < n->seq.len; i++) {
		if (!is_string(n->seq.items[i]))
			return diag_error(&v->ctx->diag, v->at, "invalid value type expect a string");
		int e = replace_string(v->ctx, s, &n->seq.items[i]);
		if (e)
			return e;
	}
	return 0;
}

static int cmp_resolved(const void *a, const void *b)
{
	return str_cmp(((const struct resolved *)a)->name, ((const struct resolved *)b)->name);
}

int kust_pass_resolve_vars(struct ir_module *m)
{
	struct kust *k = m->unit;
	struct mc_ctx *ctx = m->ctx;
	size_t nv = k->acc->vars.len;
	if (!nv)
		return 0;
	struct varmap vm = { arena_calloc(&ctx->arena, nv, sizeof *vm.items), nv };
	/* The resource carrying each var: the first in list order. */
	for (size_t i = 0; i < nv; i++)
		vm.items[i].name = k->acc->vars.items[i].name;
	qsort(vm.items, nv, sizeof *vm.items, cmp_resolved);
	int errors = 0;
	for (size_t i = 0; i < nv && !errors; i++) {
		const struct kust_var *v = NULL;
		for (size_t j = 0; j < nv; j++)
			if (str_eq(k->acc->vars.items[j].name, vm.items[i].name))
				v = &k->acc->vars.items[j];
		struct ir_resource *holder = NULL;
		for (size_t j = 0; j < m->res.len && !holder; j++) {
			struct kust_res *x = m->res.items[j]->ext;
			for (size_t q = 0; x && q < x->refvars.len && !holder; q++)
				if (str_eq(x->refvars.items[q], v->name))
					holder = m->res.items[j];
		}
		if (!holder) {
			errors += diag_error(&ctx->diag, &v->pos,
				"var '%s' cannot be mapped to a field in the set of known resources", v->name->s);
			break;
		}
		const char *err;
		const struct ir_node *val = field_value(ctx, holder->body, v->fieldpath->s, &err);
		if (!val) {
			errors += diag_error(&ctx->diag, &v->pos,
				"field specified in var '%s' not found in corresponding resource%s%s",
				v->name->s, err ? ": " : "", err ? err : "");
			break;
		}
		vm.items[i].value = val;
	}
	if (errors)
		return errors;
	struct subst s = { &vm, 0, NULL };
	const struct kust_fslist *specs = &k->acc->tc.fs[KUST_FS_VARREF];
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		s.at = &r->origin;
		struct kust_fs_visit fv = { ctx, set_var, -1, &s, &r->origin, r };
		for (size_t j = 0; j < specs->len && !errors; j++)
			errors += kust_fs_apply(&fv, &specs->items[j], &r->body);
	}
	struct sbuf unused = SBUF_INIT;
	for (size_t i = 0; i < nv; i++)
		if (!vm.items[i].uses)
			sbuf_printf(&unused, "%s%s", unused.len ? "," : "", vm.items[i].name->s);
	if (unused.len && !errors)
		diag_warn(&ctx->diag, NULL, "well-defined vars that were never replaced: %s", unused.buf);
	sbuf_release(&unused);
	return errors;
}
