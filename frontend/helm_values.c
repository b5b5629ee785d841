/*
 * helm_values.c - values: pkg/chartutil's coalescing, tables and paths,
 * and the processing of dependencies (enabled/disabled, import-values).
 *
 * The functions follow coalesce.go and dependencies.go step by step,
 * including where Go copies a map deeply (copystructure), shallowly
 * (copyMap) or not at all: IR maps are pointers like Go maps, so the same
 * sharing gives the same results, down to a subchart's default globals
 * showing through the parent's nested global tables as they do in Helm.
 * Map iteration order never reaches the output (maps print sorted), so
 * insertion order stands in for Go's random order.
 *
 * Warnings Helm logs (a table replaced by a scalar, a non-bool condition,
 * a missing import table) become diagnostics of level warning.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/helm.h"
#include "mc/semver.h"

#define GLOBAL "global"

static bool is_table(const struct ir_node *n)
{
	return n && n->type == IR_MAP;
}

static bool is_nil(const struct ir_node *n)
{
	return !n || n->type == IR_NULL;
}

/* fmt's %v of a value, for messages. */
void helm_fmt_v(struct sbuf *out, const struct ir_node *n)
{
	if (!n) {
		sbuf_adds(out, "<nil>");
		return;
	}
	switch (n->type) {
	case IR_NULL:
		sbuf_adds(out, "<nil>");
		return;
	case IR_BOOL:
		sbuf_adds(out, n->s.v.b ? "true" : "false");
		return;
	case IR_INT:
		if (n->flags & IR_F_UINT)
			sbuf_printf(out, "%llu", (unsigned long long)n->s.v.u);
		else
			sbuf_printf(out, "%lld", (long long)n->s.v.i);
		return;
	case IR_FLOAT:
		go_ftoa(out, n->s.v.f, 'g', -1, 64);
		return;
	case IR_STR:
		sbuf_addstr(out, n->s.text);
		return;
	case IR_SEQ:
		sbuf_addc(out, '[');
		for (uint32_t i = 0; i < n->seq.len; i++) {
			if (i)
				sbuf_addc(out, ' ');
			helm_fmt_v(out, n->seq.items[i]);
		}
		sbuf_addc(out, ']');
		return;
	case IR_MAP: {
		/* keys sorted, as fmt prints maps */
		uint32_t len = n->map.len;
		const struct ir_pair **p = xmalloc((len + 1) * sizeof *p);
		for (uint32_t i = 0; i < len; i++)
			p[i] = &n->map.items[i];
		for (uint32_t i = 1; i < len; i++)
			for (uint32_t j = i; j > 0 && str_cmp(p[j - 1]->key->s.text, p[j]->key->s.text) > 0; j--) {
				const struct ir_pair *t = p[j];
				p[j] = p[j - 1];
				p[j - 1] = t;
			}
		sbuf_adds(out, "map[");
		for (uint32_t i = 0; i < len; i++) {
			if (i)
				sbuf_addc(out, ' ');
			sbuf_addstr(out, p[i]->key->s.text);
			sbuf_addc(out, ':');
			helm_fmt_v(out, p[i]->value);
		}
		sbuf_addc(out, ']');
		free(p);
		return;
	}
	}
}

static const char *fmt_v(struct mc_ctx *ctx, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	helm_fmt_v(&sb, n);
	const char *r = arena_strndup(&ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static const char *prefixed(struct mc_ctx *ctx, const char *a, const char *b)
{
	if (!*a)
		return b;
	return arena_printf(&ctx->arena, "%s.%s", a, b);
}

/* copyMap: a new map holding the same values. */
static struct ir_node *copy_map(struct mc_ctx *ctx, const struct ir_node *src)
{
	struct ir_node *m = ir_map(ctx, &src->pos);
	for (uint32_t i = 0; i < src->map.len; i++)
		ir_map_append(ctx, m, src->map.items[i].key, src->map.items[i].value);
	return m;
}

struct ir_node *helm_coalesce_tables(struct mc_ctx *ctx, struct ir_node *dst, struct ir_node *src,
	const char *prefix, bool merge)
{
	if (!src)
		return dst;
	if (!dst)
		return src;
	/* The keys src had with non-nil values before it is edited below. */
	uint32_t n0 = src->map.len;
	const struct str **nonnil = xmalloc((n0 + 1) * sizeof *nonnil);
	uint32_t nn = 0;
	for (uint32_t i = 0; i < n0; i++)
		if (!is_nil(src->map.items[i].value))
			nonnil[nn++] = src->map.items[i].key->s.text;
	for (uint32_t i = 0; i < dst->map.len; i++)
		if (is_nil(dst->map.items[i].value))
			ir_map_set(ctx, src, dst->map.items[i].key->s.text, dst->map.items[i].value);
	for (uint32_t i = 0; i < src->map.len; i++) {
		const struct str *key = src->map.items[i].key->s.text;
		struct ir_node *val = src->map.items[i].value;
		const char *full = prefixed(ctx, prefix, key->s);
		struct ir_pair *dp = ir_map_find(dst, key);
		bool was_nonnil = false;
		for (uint32_t j = 0; j < nn && !was_nonnil; j++)
			was_nonnil = nonnil[j] == key || str_eq(nonnil[j], key);
		if (dp && !merge && is_nil(dp->value) && was_nonnil) {
			ir_map_del(dst, key);
		} else if (!dp) {
			ir_map_append(ctx, dst, src->map.items[i].key, val);
		} else if (is_table(val)) {
			if (is_table(dp->value))
				helm_coalesce_tables(ctx, dp->value, val, full, merge);
			else
				diag_warn(&ctx->diag, &val->pos,
					"warning: cannot overwrite table with non table for %s (%s)", full,
					fmt_v(ctx, val));
		} else if (is_table(dp->value) && !is_nil(val)) {
			diag_warn(&ctx->diag, &val->pos,
				"warning: destination for %s is a table. Ignoring non-table value (%s)", full,
				fmt_v(ctx, val));
		}
	}
	free(nonnil);
	return dst;
}

static bool child_chart(const struct helm_chart *c, const struct str *key)
{
	for (size_t i = 0; i < c->ndeps; i++)
		if (str_eqc(key, c->deps[i]->meta.name))
			return true;
	return false;
}

/* Helm 4's cleanNilValues: nulls of chart defaults go before merging. */
static void clean_nils(struct ir_node *m)
{
	for (uint32_t i = 0; i < m->map.len;) {
		struct ir_node *v = m->map.items[i].value;
		if (is_nil(v)) {
			ir_map_del(m, m->map.items[i].key->s.text);
			continue;
		}
		if (is_table(v))
			clean_nils(v);
		i++;
	}
}

/* coalesceValues: the chart's defaults under the values v. */
static void coalesce_values(struct mc_ctx *ctx, const struct helm_chart *c, struct ir_node *v,
	const char *prefix, bool merge, int major)
{
	const char *sub = prefixed(ctx, prefix, c->meta.name);
	if (!c->values)
		return;
	struct ir_node *vc = ir_clone(ctx, c->values);
	for (uint32_t i = 0; i < vc->map.len; i++) {
		const struct str *key = vc->map.items[i].key->s.text;
		struct ir_node *val = vc->map.items[i].value;
		struct ir_pair *have = ir_map_find(v, key);
		if (!have) {
			if (major >= 4 && !merge) {
				if (is_nil(val))
					continue;
				if (is_table(val))
					clean_nils(val);
			}
			ir_map_append(ctx, v, vc->map.items[i].key, val);
			continue;
		}
		if (is_nil(have->value) && !merge) {
			ir_map_del(v, key);
		} else if (is_table(have->value)) {
			if (!is_table(val)) {
				if (!is_nil(val))
					diag_warn(&ctx->diag, &val->pos,
						"warning: skipped value for %s.%s: Not a table.", sub, key->s);
			} else {
				bool m = child_chart(c, key) ? true : merge;
				if (major >= 4 && !m)
					clean_nils(val);
				helm_coalesce_tables(ctx, have->value, val, prefixed(ctx, sub, key->s), m);
			}
		}
	}
}

static void coalesce_globals(struct mc_ctx *ctx, struct ir_node *dest, struct ir_node *src,
	const char *prefix)
{
	struct ir_node *dg, *sg;
	struct ir_node *d = ir_map_getc(dest, GLOBAL), *s = ir_map_getc(src, GLOBAL);
	if (!d) {
		dg = ir_map(ctx, &dest->pos);
	} else if (!is_table(d)) {
		diag_warn(&ctx->diag, &d->pos, "warning: skipping globals because destination %s is not a table.", GLOBAL);
		return;
	} else {
		dg = d;
	}
	if (!s) {
		sg = ir_map(ctx, &src->pos);
	} else if (!is_table(s)) {
		diag_warn(&ctx->diag, &s->pos, "warning: skipping globals because source %s is not a table.", GLOBAL);
		return;
	} else {
		sg = s;
	}
	for (uint32_t i = 0; i < sg->map.len; i++) {
		const struct str *key = sg->map.items[i].key->s.text;
		struct ir_node *val = sg->map.items[i].value;
		struct ir_pair *dp = ir_map_find(dg, key);
		if (is_table(val)) {
			struct ir_node *vv = copy_map(ctx, val);
			if (!dp) {
				ir_map_set(ctx, dg, key, vv);
			} else if (!is_table(dp->value)) {
				diag_warn(&ctx->diag, &val->pos,
					"Conflict: cannot merge map onto non-map for %s. Skipping.",
					go_quote_a(&ctx->arena, key->s));
			} else {
				helm_coalesce_tables(ctx, vv, dp->value, prefixed(ctx, prefix, key->s), true);
				ir_map_set(ctx, dg, key, vv);
			}
		} else if (dp && is_table(dp->value)) {
			diag_warn(&ctx->diag, &val->pos, "key %s is table. Skipping", key->s);
		} else {
			ir_map_set(ctx, dg, key, val);
		}
	}
	ir_map_setc(ctx, dest, GLOBAL, dg);
}

static int coalesce(struct mc_ctx *ctx, const struct helm_chart *c, struct ir_node *dest,
	const char *prefix, bool merge, int major);

static int coalesce_deps(struct mc_ctx *ctx, const struct helm_chart *c, struct ir_node *dest,
	const char *prefix, bool merge, int major)
{
	for (size_t i = 0; i < c->ndeps; i++) {
		const struct helm_chart *sub = c->deps[i];
		const struct str *name = mc_intern0(ctx, sub->meta.name);
		struct ir_node *have = ir_map_get(dest, name);
		if (!have) {
			have = ir_map_set(ctx, dest, name, ir_map(ctx, &dest->pos));
		} else if (!is_table(have)) {
			struct sbuf sb = SBUF_INIT;
			if (have->type == IR_BOOL)
				sbuf_adds(&sb, have->s.v.b ? "true" : "false");
			else {
				/* %t of a non-bool */
				sbuf_adds(&sb, "%!t(");
				sbuf_adds(&sb, have->type == IR_STR ? "string" : have->type == IR_INT ? "int64"
					: have->type == IR_FLOAT ? "float64" : have->type == IR_SEQ ? "[]interface {}" : "<nil>");
				if (have->type != IR_NULL) {
					sbuf_addc(&sb, '=');
					helm_fmt_v(&sb, have);
				}
				sbuf_addc(&sb, ')');
			}
			int e = diag_error(&ctx->diag, &have->pos, "type mismatch on %s: %s", name->s, sb.buf);
			sbuf_release(&sb);
			return e;
		}
		const char *sp = prefixed(ctx, prefix, c->meta.name);
		coalesce_globals(ctx, have, dest, sp);
		int e = coalesce(ctx, sub, have, sp, merge, major);
		if (e)
			return e;
	}
	return 0;
}

static int coalesce(struct mc_ctx *ctx, const struct helm_chart *c, struct ir_node *dest,
	const char *prefix, bool merge, int major)
{
	coalesce_values(ctx, c, dest, prefix, merge, major);
	return coalesce_deps(ctx, c, dest, prefix, merge, major);
}

struct ir_node *helm_coalesce_values(struct mc_ctx *ctx, const struct helm_chart *c,
	const struct ir_node *vals, bool merge, int major)
{
	struct ir_node *v = vals ? ir_clone(ctx, vals) : ir_map(ctx, &c->pos);
	if (coalesce(ctx, c, v, "", merge, major))
		return NULL;
	return v;
}

/* ------------------------------------------------------ tables, paths */

struct ir_node *helm_values_table(struct ir_node *v, const char *name)
{
	struct ir_node *t = v;
	const char *p = name;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		struct ir_node *next = NULL;
		for (uint32_t i = 0; i < t->map.len; i++) {
			const struct str *k = t->map.items[i].key->s.text;
			if (k->len == n && !memcmp(k->s, p, n)) {
				next = t->map.items[i].value;
				break;
			}
		}
		if (!is_table(next))
			return NULL;
		t = next;
		if (!dot)
			return t;
		p = dot + 1;
	}
}

/* Values.PathValue: the non-table value at a dotted path.  *found is
 * false for ErrNoValue. */
static struct ir_node *path_value(struct ir_node *v, const char *path, bool *found)
{
	*found = false;
	const char *dot = strrchr(path, '.');
	struct ir_node *t = v;
	const char *key = path;
	if (dot) {
		char *head = xstrndup(path, (size_t)(dot - path));
		t = helm_values_table(v, head);
		free(head);
		key = dot + 1;
		if (!t)
			return NULL;
	}
	struct ir_node *k = ir_map_getc(t, key);
	if (!k || is_table(k))
		return NULL;
	*found = true;
	return k;
}

/* ------------------------------------------------------- dependencies */

static struct helm_chart *alias_dependency(struct mc_ctx *ctx, struct helm_chart *c,
	const struct helm_dep *dep)
{
	for (size_t i = 0; i < c->ndeps; i++) {
		struct helm_chart *sc = c->deps[i];
		if (!sc || strcmp(sc->meta.name, dep->name))
			continue;
		if (!semver_compatible(&ctx->arena, dep->version, sc->meta.version))
			continue;
		struct helm_chart *out = arena_alloc(&ctx->arena, sizeof *out);
		*out = *sc;
		if (*dep->alias)
			out->meta.name = dep->alias;
		return out;
	}
	return NULL;
}

static void set_deps(struct mc_ctx *ctx, struct helm_chart *c, struct helm_chart **deps, size_t n)
{
	struct helm_chart **d = arena_calloc(&ctx->arena, n + 1, sizeof *d);
	for (size_t i = 0; i < n; i++) {
		d[i] = deps[i];
		d[i]->parent = c;
	}
	c->deps = d;
	c->ndeps = n;
}

static void dependency_tags(struct mc_ctx *ctx, struct helm_meta *md, struct ir_node *cvals)
{
	struct ir_node *vt = helm_values_table(cvals, "tags");
	if (!vt)
		return;
	for (size_t i = 0; i < md->ndeps; i++) {
		struct helm_dep *r = md->deps[i];
		bool has_true = false, has_false = false;
		for (size_t j = 0; j < r->ntags; j++) {
			struct ir_node *b = ir_map_getc(vt, r->tags[j]);
			if (!b)
				continue;
			if (b->type == IR_BOOL) {
				if (b->s.v.b)
					has_true = true;
				else
					has_false = true;
			} else {
				diag_warn(&ctx->diag, &b->pos, "Warning: Tag '%s' for chart %s returned non-bool value",
					r->tags[j], r->name);
			}
		}
		if (!has_true && has_false)
			r->enabled = false;
		else
			r->enabled = true;
	}
}

static void dependency_conditions(struct mc_ctx *ctx, struct helm_meta *md, struct ir_node *cvals,
	const char *cpath)
{
	for (size_t i = 0; i < md->ndeps; i++) {
		struct helm_dep *r = md->deps[i];
		/* strings.Split(strings.TrimSpace(r.Condition), ",") */
		const char *cond = r->condition;
		size_t n = strlen(cond);
		go_trim_space(&cond, &n);
		char *all = xstrndup(cond, n);
		char *p = all;
		for (;;) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			if (*p) {
				char *path = arena_printf(&ctx->arena, "%s%s", cpath, p);
				bool found;
				struct ir_node *vv = path_value(cvals, path, &found);
				if (found) {
					if (vv->type == IR_BOOL) {
						r->enabled = vv->s.v.b;
						break;
					}
					diag_warn(&ctx->diag, &vv->pos,
						"Warning: Condition path '%s' for chart %s returned non-bool value", p, r->name);
				}
			}
			if (!comma)
				break;
			p = comma + 1;
		}
		free(all);
	}
}

static int dependency_enabled(struct mc_ctx *ctx, struct helm_chart *c, struct ir_node *v,
	const char *path, int major)
{
	struct helm_meta *md = &c->meta;
	if (!md->deps)
		return 0;
	struct arena *a = &ctx->arena;
	VEC(struct helm_chart *) cds = { 0 };
	for (size_t i = 0; i < c->ndeps; i++) {
		struct helm_chart *ex = c->deps[i];
		bool listed = false;
		for (size_t j = 0; j < md->ndeps && !listed; j++)
			listed = !strcmp(ex->meta.name, md->deps[j]->name) &&
				semver_compatible(a, md->deps[j]->version, ex->meta.version);
		if (!listed)
			VEC_PUSH(a, &cds, ex);
	}
	for (size_t j = 0; j < md->ndeps; j++) {
		struct helm_dep *req = md->deps[j];
		struct helm_chart *cd = alias_dependency(ctx, c, req);
		if (cd)
			VEC_PUSH(a, &cds, cd);
		if (*req->alias)
			req->name = req->alias;
	}
	set_deps(ctx, c, cds.items, cds.len);
	for (size_t j = 0; j < md->ndeps; j++)
		md->deps[j]->enabled = true;
	struct ir_node *cvals = helm_coalesce_values(ctx, c, v, false, major);
	if (!cvals)
		return 1;
	dependency_tags(ctx, md, cvals);
	dependency_conditions(ctx, md, cvals, path);
	VEC(struct helm_chart *) keep = { 0 };
	for (size_t i = 0; i < c->ndeps; i++) {
		bool removed = false;
		for (size_t j = 0; j < md->ndeps && !removed; j++)
			removed = !md->deps[j]->enabled && !strcmp(md->deps[j]->name, c->deps[i]->meta.name);
		if (!removed)
			VEC_PUSH(a, &keep, c->deps[i]);
	}
	VEC(struct helm_dep *) keepmd = { 0 };
	for (size_t j = 0; j < md->ndeps; j++) {
		bool removed = false;
		for (size_t k = 0; k < md->ndeps && !removed; k++)
			removed = !md->deps[k]->enabled && !strcmp(md->deps[k]->name, md->deps[j]->name);
		if (!removed)
			VEC_PUSH(a, &keepmd, md->deps[j]);
	}
	for (size_t i = 0; i < keep.len; i++) {
		const char *sub = arena_printf(a, "%s%s.", path, keep.items[i]->meta.name);
		int e = dependency_enabled(ctx, keep.items[i], cvals, sub, major);
		if (e)
			return e;
	}
	/* append(nil, none...) is nil: no dependencies left means none at all */
	md->deps = NULL;
	if (keepmd.len) {
		md->deps = arena_calloc(a, keepmd.len + 1, sizeof *md->deps);
		memcpy(md->deps, keepmd.items, keepmd.len * sizeof *md->deps);
	}
	md->ndeps = keepmd.len;
	set_deps(ctx, c, keep.items, keep.len);
	return 0;
}

/* pathToMap */
static struct ir_node *path_to_map(struct mc_ctx *ctx, const char *path, struct ir_node *data)
{
	if (!strcmp(path, "."))
		return data;
	/* set(parsePath(path), data): built from the innermost key out */
	struct ir_node *cur = data;
	const char *end = path + strlen(path);
	for (;;) {
		const char *st = end;
		while (st > path && st[-1] != '.')
			st--;
		struct ir_node *m = ir_map(ctx, &data->pos);
		ir_map_set(ctx, m, mc_intern(ctx, st, (size_t)(end - st)), cur);
		cur = m;
		if (st == path)
			return cur;
		end = st - 1;
	}
}

static struct ir_node *trim_nil(struct mc_ctx *ctx, struct ir_node *vals)
{
	struct ir_node *c = ir_clone(ctx, vals);
	for (uint32_t i = 0; i < c->map.len;) {
		struct ir_node *v = c->map.items[i].value;
		if (is_nil(v)) {
			ir_map_del(c, c->map.items[i].key->s.text);
			continue;
		}
		if (is_table(v))
			c->map.items[i].value = trim_nil(ctx, v);
		i++;
	}
	return c;
}

static const char *import_str(struct mc_ctx *ctx, const struct ir_node *n)
{
	if (is_nil(n))
		return "<nil>";
	return fmt_v(ctx, n);
}

static int import_values(struct mc_ctx *ctx, struct helm_chart *c, bool merge, int major)
{
	struct helm_meta *md = &c->meta;
	if (!md->deps)
		return 0;
	struct ir_node *cvals = helm_coalesce_values(ctx, c, NULL, merge, major);
	if (!cvals)
		return 1;
	struct ir_node *b = ir_map(ctx, &c->pos);
	for (size_t j = 0; j < md->ndeps; j++) {
		struct helm_dep *r = md->deps[j];
		if (!ir_is_seq(r->import_values))
			continue;
		struct ir_node *out = ir_seq(ctx, &r->import_values->pos);
		for (uint32_t k = 0; k < r->import_values->seq.len; k++) {
			struct ir_node *iv = r->import_values->seq.items[k];
			const char *child, *parent;
			if (is_table(iv)) {
				child = import_str(ctx, ir_map_getc(iv, "child"));
				parent = import_str(ctx, ir_map_getc(iv, "parent"));
			} else if (ir_is_str(iv)) {
				child = arena_printf(&ctx->arena, "exports.%s", iv->s.text->s);
				parent = ".";
			} else {
				continue;
			}
			struct ir_node *o = ir_map(ctx, &iv->pos);
			ir_map_setc(ctx, o, "child", ir_str0(ctx, child, &iv->pos));
			ir_map_setc(ctx, o, "parent", ir_str0(ctx, parent, &iv->pos));
			ir_seq_push(ctx, out, o);
			const char *tname = arena_printf(&ctx->arena, "%s.%s", r->name, child);
			struct ir_node *vv = helm_values_table(cvals, tname);
			if (!vv) {
				diag_warn(&ctx->diag, &iv->pos, is_table(iv)
					? "Warning: ImportValues missing table from chart %s: %s"
					: "Warning: ImportValues missing table: %s%s",
					is_table(iv) ? r->name : "", go_quote_a(&ctx->arena, tname));
				continue;
			}
			struct ir_node *src = is_table(iv) ? path_to_map(ctx, parent, vv) : vv;
			b = helm_coalesce_tables(ctx, b, src, "", merge);
		}
		r->import_values = out;
	}
	if (merge) {
		cvals = ir_clone(ctx, cvals);
		c->values = helm_coalesce_tables(ctx, cvals, b, "", true);
	} else {
		cvals = trim_nil(ctx, cvals);
		c->values = helm_coalesce_tables(ctx, cvals, b, "", false);
	}
	return 0;
}

static int dependency_imports(struct mc_ctx *ctx, struct helm_chart *c, bool merge, int major)
{
	for (size_t i = 0; i < c->ndeps; i++) {
		int e = dependency_imports(ctx, c->deps[i], merge, major);
		if (e)
			return e;
	}
	return import_values(ctx, c, merge, major);
}

int helm_process_dependencies(struct mc_ctx *ctx, struct helm_chart *c, const struct ir_node *vals,
	bool merge, int major)
{
	struct ir_node *v = vals ? (struct ir_node *)vals : ir_map(ctx, &c->pos);
	int e = dependency_enabled(ctx, c, v, "", major);
	if (e)
		return e;
	return dependency_imports(ctx, c, merge, major);
}

int helm_check_dependencies(struct mc_ctx *ctx, const struct helm_chart *c)
{
	if (!c->meta.deps)
		return 0;
	struct sbuf missing = SBUF_INIT;
	for (size_t j = 0; j < c->meta.ndeps; j++) {
		bool found = false;
		for (size_t i = 0; i < c->ndeps && !found; i++)
			found = !strcmp(c->deps[i]->meta.name, c->meta.deps[j]->name);
		if (!found) {
			if (missing.len)
				sbuf_adds(&missing, ", ");
			sbuf_adds(&missing, c->meta.deps[j]->name);
		}
	}
	int e = 0;
	if (missing.len)
		e = diag_error(&ctx->diag, &c->pos,
			"An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: %s",
			missing.buf);
	sbuf_release(&missing);
	return e;
}

struct ir_node *helm_merge_maps(struct mc_ctx *ctx, struct ir_node *a, const struct ir_node *b)
{
	struct ir_node *out = copy_map(ctx, a);
	for (uint32_t i = 0; i < b->map.len; i++) {
		const struct str *k = b->map.items[i].key->s.text;
		struct ir_node *v = b->map.items[i].value;
		struct ir_node *have = ir_map_get(out, k);
		if (is_table(v) && is_table(have))
			ir_map_set(ctx, out, k, helm_merge_maps(ctx, have, v));
		else
			ir_map_set(ctx, out, k, v);
	}
	return out;
}
