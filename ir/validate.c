/*
 * validate.c - validating a value against a compiled schema.
 *
 * One recursive walk over the instance, carrying the schema node and the
 * JSON pointer being built (one buffer, extended and truncated as the walk
 * goes down and up, copied into the arena only when a finding needs it).
 * anyOf/oneOf/not try their branches in "quiet" mode (findings counted,
 * not reported) and then re-run the branch whose type fits, so the message
 * is the specific one ("missing required field") rather than "matches
 * none of".  The checks beyond the schema (k8s/...) ride on the same walk,
 * keyed by what the compiler attached to the nodes (schema_k8s.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/validate.h"
#include "validate_int.h"

#define MAX_DEPTH 1000
#define UNIQUE_MAX 100000

void vs_report(struct vstate *v, const struct ir_node *at, enum diag_level lvl,
	const char *rule, const char *fmt, ...)
{
	if (lvl == DIAG_ERROR)
		v->fails++;
	if (v->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	const char *p = vs_pointer(v);
	diag_vadd(&v->ctx->diag, lvl, at ? &at->pos : NULL, rule, p, fmt, ap);
	va_end(ap);
}

const char *vs_pointer(struct vstate *v)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, v->ptr.buf, v->ptr.len);
	for (size_t i = 0; i < v->nsegs; i++) {
		const struct vseg *g = &v->segs[i];
		if (!g->key) {
			sbuf_printf(&sb, "/%u", g->len);
			continue;
		}
		sbuf_addc(&sb, '/');
		for (uint32_t j = 0; j < g->len; j++) {
			if (g->key[j] == '~')
				sbuf_adds(&sb, "~0");
			else if (g->key[j] == '/')
				sbuf_adds(&sb, "~1");
			else
				sbuf_addc(&sb, g->key[j]);
		}
	}
	char *r = arena_strndup(&v->ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static size_t push_seg(struct vstate *v, const char *key, uint32_t len)
{
	if (v->nsegs == v->capsegs) {
		v->capsegs = v->capsegs ? v->capsegs * 2 : 32;
		v->segs = xrealloc(v->segs, v->capsegs * sizeof *v->segs);
	}
	v->segs[v->nsegs].key = key;
	v->segs[v->nsegs].len = len;
	return v->nsegs++;
}

size_t vs_push(struct vstate *v, const char *seg, size_t n)
{
	return push_seg(v, seg, (uint32_t)n);
}

size_t vs_push_index(struct vstate *v, size_t i)
{
	return push_seg(v, NULL, (uint32_t)i);
}

void vs_pop(struct vstate *v, size_t mark)
{
	v->nsegs = mark;
}

/* A short description of a value for messages: `string "abc"`, `integer 3`. */
const char *vs_describe(struct vstate *v, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	switch (n ? n->type : IR_NULL) {
	case IR_NULL: sbuf_adds(&sb, "null"); break;
	case IR_BOOL: sbuf_printf(&sb, "boolean %s", n->s.v.b ? "true" : "false"); break;
	case IR_INT: sbuf_printf(&sb, "integer %s", n->s.text->s); break;
	case IR_FLOAT: sbuf_printf(&sb, "number %s", n->s.text->s); break;
	case IR_STR: {
		sbuf_adds(&sb, "string ");
		size_t len = n->s.text->len;
		bool cut = len > 60;
		emit_json_string(&sb, n->s.text->s, cut ? 57 : len);
		if (cut)
			sbuf_adds(&sb, "...");
		break;
	}
	case IR_MAP: sbuf_adds(&sb, "object"); break;
	default: sbuf_adds(&sb, "array"); break;
	}
	char *r = arena_strndup(&v->ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static const char *type_names(struct sbuf *sb, unsigned types)
{
	static const char *const names[] = { "null", "boolean", "integer", "number", "string",
		"array", "object" };
	bool first = true;
	sbuf_reset(sb);
	/* integer is implied by number */
	if ((types & SCHEMA_T_NUMBER) && (types & SCHEMA_T_INTEGER))
		types &= ~(unsigned)SCHEMA_T_INTEGER;
	for (int i = 0; i < 7; i++)
		if (types & (1u << i)) {
			if (!first)
				sbuf_adds(sb, " or ");
			sbuf_adds(sb, names[i]);
			first = false;
		}
	return sb->buf;
}

/* The JSON types a node is (an integral float is also an integer). */
static unsigned node_types(const struct ir_node *n)
{
	switch (n->type) {
	case IR_NULL: return SCHEMA_T_NULL;
	case IR_BOOL: return SCHEMA_T_BOOLEAN;
	case IR_INT: return SCHEMA_T_INTEGER | SCHEMA_T_NUMBER;
	case IR_FLOAT:
		if (isfinite(n->s.v.f) && n->s.v.f == floor(n->s.v.f))
			return SCHEMA_T_INTEGER | SCHEMA_T_NUMBER;
		return SCHEMA_T_NUMBER;
	case IR_STR: return SCHEMA_T_STRING;
	case IR_MAP: return SCHEMA_T_OBJECT;
	default: return SCHEMA_T_ARRAY;
	}
}

static double num_value(const struct ir_node *n)
{
	if (n->type == IR_FLOAT)
		return n->s.v.f;
	return (n->flags & IR_F_UINT) ? (double)n->s.v.u : (double)n->s.v.i;
}

/* ------------------------------------------------------------- objects */

static bool closed_object(const struct vstate *v, const struct schema *s, int depth)
{
	if (!s || depth > 32)
		return false;
	if (s->flags & (SCHEMA_F_PRESERVE_UNKNOWN | SCHEMA_F_ADDL_TRUE) || s->additional)
		return false;
	if (s->flags & SCHEMA_F_ADDL_FALSE)
		return true;
	bool props = s->nprops > 0;
	if (s->more)
		for (uint16_t i = 0; i < s->more->nall; i++) {
			const struct schema *a = s->more->all_of[i];
			if (a->flags & (SCHEMA_F_PRESERVE_UNKNOWN | SCHEMA_F_ADDL_TRUE) || a->additional)
				return false;
			if (a->flags & SCHEMA_F_ADDL_FALSE)
				return true;
			if (a->nprops || closed_object(v, a, depth + 1))
				props = true;
		}
	return props && v->o->strict;
}

static void check(struct vstate *v, const struct ir_node *n, const struct schema *s);

static void check_required(struct vstate *v, const struct ir_node *n, const struct schema *s,
	int depth)
{
	if (!s || depth > 32)
		return;
	for (uint16_t i = 0; i < s->nrequired; i++) {
		const struct ir_node *val = ir_map_getc(n, s->required[i]);
		if (!val || val->type == IR_NULL)
			vs_report(v, n, DIAG_ERROR, "schema/required",
				"missing required field \"%s\"", s->required[i]);
	}
	if (s->more)
		for (uint16_t i = 0; i < s->more->nall; i++)
			check_required(v, n, s->more->all_of[i], depth + 1);
}

static bool accepts_null(const struct schema *s)
{
	return !s->types || (s->types & SCHEMA_T_NULL) || (s->flags & SCHEMA_F_NULLABLE);
}

static void check_object(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	check_required(v, n, s, 0);
	bool closed = closed_object(v, s, 0);
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct ir_node *key = n->map.items[i].key;
		const struct ir_node *val = n->map.items[i].value;
		const struct str *k = key->s.text;
		const struct schema *child = schema_prop(s, k->s, k->len);
		size_t mark = vs_push(v, k->s, k->len);
		if (!child)
			child = schema_child(s, k->s, k->len);
		if (!child) {
			/* `key: null` is unset, so not there to be unknown either. */
			if (closed && val->type != IR_NULL)
				vs_report(v, key, DIAG_ERROR, "schema/unknown-field",
					"unknown field \"%s\"", k->s);
		} else if (val->type == IR_NULL && !accepts_null(child)) {
			/* `key: null` leaves an optional field unset. */
		} else {
			check(v, val, child);
		}
		vs_pop(v, mark);
	}
	const struct schema_more *m = s->more;
	if (!m || (m->min_props < 0 && m->max_props < 0))
		return;
	/* Null-valued keys are unset: they do not count. */
	uint32_t set = 0;
	for (uint32_t i = 0; i < n->map.len; i++)
		set += n->map.items[i].value->type != IR_NULL;
	if (m->min_props >= 0 && set < (uint64_t)m->min_props)
		vs_report(v, n, DIAG_ERROR, "schema/properties",
			"has %u properties, fewer than the minimum %lld", set, (long long)m->min_props);
	if (m->max_props >= 0 && set > (uint64_t)m->max_props)
		vs_report(v, n, DIAG_ERROR, "schema/properties",
			"has %u properties, more than the maximum %lld", set, (long long)m->max_props);
}

/* -------------------------------------------------------------- arrays */

/* Canonical JSON of the list-map key tuple of an item (for uniqueness). */
static bool item_key(const struct ir_node *item, const char *const *keys, size_t nk,
	struct sbuf *out)
{
	sbuf_reset(out);
	const char *err;
	if (!nk)
		return emit_json(out, item, EMIT_JSON_COMPACT, &err) == 0;
	if (!ir_is_map(item))
		return false;
	for (size_t i = 0; i < nk; i++) {
		const struct ir_node *v = ir_map_getc(item, keys[i]);
		if (v && emit_json(out, v, EMIT_JSON_COMPACT, &err))
			return false;
		sbuf_addc(out, 0);
	}
	return true;
}

static void check_unique(struct vstate *v, const struct ir_node *n, const struct schema *s,
	bool is_map_list, enum diag_level lvl)
{
	size_t nk = 0;
	const char *const *keys = is_map_list ? schema_list_map_keys(s, &nk) : NULL;
	uint32_t len = n->seq.len;
	if (len < 2 || len > UNIQUE_MAX)
		return;
	size_t cap = 16;
	while (cap < (size_t)len * 2)
		cap <<= 1;
	struct slot { uint64_t h; uint32_t idx; } *tab = xcalloc(cap, sizeof *tab);
	char **texts = xcalloc(len, sizeof *texts);
	size_t *lens = xcalloc(len, sizeof *lens);
	struct sbuf kb = SBUF_INIT;
	for (uint32_t i = 0; i < len; i++) {
		if (!item_key(n->seq.items[i], keys, nk, &kb))
			continue;
		uint64_t h = str_hash(kb.buf, kb.len) | 1;
		texts[i] = xmalloc(kb.len + 1);
		memcpy(texts[i], kb.buf, kb.len);
		lens[i] = kb.len;
		size_t j = h & (cap - 1);
		for (; tab[j].h; j = (j + 1) & (cap - 1))
			if (tab[j].h == h && lens[tab[j].idx] == kb.len &&
			    !memcmp(texts[tab[j].idx], kb.buf, kb.len))
				break;
		if (tab[j].h) {
			size_t mark = vs_push_index(v, i);
			if (is_map_list)
				vs_report(v, n->seq.items[i], lvl, "schema/list-unique",
					"duplicate entry: item %u has the same key (%s) as item %u",
					i, nk ? keys[0] : "", tab[j].idx);
			else
				vs_report(v, n->seq.items[i], lvl, "schema/list-unique",
					"duplicate entry: item %u equals item %u", i, tab[j].idx);
			vs_pop(v, mark);
			continue;
		}
		tab[j].h = h;
		tab[j].idx = i;
	}
	for (uint32_t i = 0; i < len; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	free(tab);
	sbuf_release(&kb);
}

static void check_array(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	const struct schema *items = schema_items(s);
	if (items)
		for (uint32_t i = 0; i < n->seq.len; i++) {
			size_t mark = vs_push_index(v, i);
			check(v, n->seq.items[i], items);
			vs_pop(v, mark);
		}
	const struct schema_more *m = s->more;
	if (m && m->min_items >= 0 && n->seq.len < (uint64_t)m->min_items)
		vs_report(v, n, DIAG_ERROR, "schema/items", "has %u items, fewer than the minimum %lld",
			n->seq.len, (long long)m->min_items);
	if (m && m->max_items >= 0 && n->seq.len > (uint64_t)m->max_items)
		vs_report(v, n, DIAG_ERROR, "schema/items", "has %u items, more than the maximum %lld",
			n->seq.len, (long long)m->max_items);
	if (s->flags & SCHEMA_F_UNIQUE)
		check_unique(v, n, s, false, DIAG_ERROR);
	/* x-kubernetes-list-type: the API server enforces it for custom
	 * resources and server-side apply refuses duplicates; for built-in
	 * kinds hand-written validation decides (duplicate env names only
	 * warn), so this is a warning. */
	if (s->list_type == SCHEMA_LIST_SET)
		check_unique(v, n, s, false, DIAG_WARNING);
	else if (s->list_type == SCHEMA_LIST_MAP)
		check_unique(v, n, s, true, DIAG_WARNING);
}

/* ------------------------------------------------------------- scalars */

static size_t code_points(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Is the value being checked the resource's own metadata.name? */
static bool own_name(const struct vstate *v)
{
	return v->nsegs == 2 && v->segs[0].key && v->segs[0].len == 8 &&
		!memcmp(v->segs[0].key, "metadata", 8) && v->segs[1].key && v->segs[1].len == 4 &&
		!memcmp(v->segs[1].key, "name", 4);
}

static void check_string(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	const char *str = n->s.text->s;
	size_t len = n->s.text->len;
	const struct schema_more *m = s->more;
	if (m && (m->min_length >= 0 || m->max_length >= 0)) {
		size_t cp = code_points(str, len);
		if (m->min_length >= 0 && cp < (uint64_t)m->min_length)
			vs_report(v, n, DIAG_ERROR, "schema/length",
				"length %zu is less than the minimum %lld", cp, (long long)m->min_length);
		if (m->max_length >= 0 && cp > (uint64_t)m->max_length)
			vs_report(v, n, DIAG_ERROR, "schema/length",
				"length %zu is greater than the maximum %lld", cp, (long long)m->max_length);
	}
	if (m && m->pattern && !schema_pattern_match(m->pattern, str, len))
		vs_report(v, n, DIAG_ERROR, "schema/pattern", "%s does not match the pattern %s",
			vs_describe(v, n) + 7, m->pattern->src);
	const char *why = NULL;
	switch (s->format) {
	case SCHEMA_FMT_DATE_TIME: why = rfc3339_date_time(str, len); break;
	case SCHEMA_FMT_DATE: why = rfc3339_date(str, len); break;
	case SCHEMA_FMT_DURATION:
		why = go_duration(str, len);
		if (why && !iso8601_duration(str, len))
			why = NULL;
		break;
	default: break;
	}
	if (why)
		vs_report(v, n, DIAG_ERROR, "schema/format", "%s: %s", vs_describe(v, n) + 7, why);
	if (v->o->no_k8s)
		return;
	if (s->format == SCHEMA_FMT_BYTE && (why = go_base64(str, len)))
		vs_report(v, n, DIAG_ERROR, "k8s/base64", "value is not valid base64 (%s)", why);
	if (s->format == SCHEMA_FMT_QUANTITY && (why = k8s_quantity(str, len)))
		vs_report(v, n, DIAG_ERROR, "k8s/quantity", "%s is not a valid quantity: %s",
			vs_describe(v, n) + 7, why);
	if (!m)
		return;
	if (m->nkenum && (len || m->kcheck == SCHEMA_K_ENUM_STRICT)) {
		bool ok = false;
		for (uint16_t i = 0; i < m->nkenum && !ok; i++)
			ok = !strcmp(m->kenum[i], str);
		if (!ok) {
			struct sbuf vals = SBUF_INIT;
			for (uint16_t i = 0; i < m->nkenum; i++)
				sbuf_printf(&vals, "%s\"%s\"", i ? ", " : "", m->kenum[i]);
			vs_report(v, n, DIAG_ERROR, "k8s/enum", "unsupported value %s: supported values: %s",
				vs_describe(v, n) + 7, vals.buf);
			sbuf_release(&vals);
		}
	}
	switch (m->kcheck) {
	case SCHEMA_K_DNS1123_LABEL: why = k8s_dns1123_label(str, len); break;
	case SCHEMA_K_DNS1123_SUBDOMAIN: why = k8s_dns1123_subdomain(str, len); break;
	case SCHEMA_K_IANA_SVC_NAME: why = k8s_port_name(str, len); break;
	case SCHEMA_K_OBJECT_NAME:
		/* The resource's own name follows its kind (check_meta). */
		why = own_name(v) ? NULL : k8s_dns1123_subdomain(str, len);
		break;
	default: why = NULL; break;
	}
	if (why)
		vs_report(v, n, DIAG_ERROR, "k8s/name", "invalid name %s: %s", vs_describe(v, n) + 7, why);
}

/* Digits (and a sign) only: an integer too large for int64 and uint64
 * that the YAML reader made a float (possibly rounded into range). */
static bool int_literal(const struct str *t)
{
	size_t i = t->len && (t->s[0] == '-' || t->s[0] == '+');
	if (i == t->len)
		return false;
	for (; i < t->len; i++)
		if ((t->s[i] < '0' || t->s[i] > '9') && t->s[i] != '_')
			return false;
	return true;
}

static void check_number(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	double d = num_value(n);
	const struct schema_more *m = s->more;
	if (m && (s->flags & SCHEMA_F_HAS_MIN)) {
		bool bad = (s->flags & SCHEMA_F_EXCL_MIN) ? d <= m->minimum : d < m->minimum;
		if (bad) {
			struct sbuf b = SBUF_INIT;
			go_json_float(&b, m->minimum);
			vs_report(v, n, DIAG_ERROR, "schema/range", "%s is less than %sthe minimum %s",
				n->s.text->s, (s->flags & SCHEMA_F_EXCL_MIN) ? "or equal to " : "", b.buf);
			sbuf_release(&b);
		}
	}
	if (m && (s->flags & SCHEMA_F_HAS_MAX)) {
		bool bad = (s->flags & SCHEMA_F_EXCL_MAX) ? d >= m->maximum : d > m->maximum;
		if (bad) {
			struct sbuf b = SBUF_INIT;
			go_json_float(&b, m->maximum);
			vs_report(v, n, DIAG_ERROR, "schema/range", "%s is greater than %sthe maximum %s",
				n->s.text->s, (s->flags & SCHEMA_F_EXCL_MAX) ? "or equal to " : "", b.buf);
			sbuf_release(&b);
		}
	}
	if (m && m->multiple_of > 0) {
		double q = d / m->multiple_of;
		if (!isfinite(q) || fabs(q - nearbyint(q)) > 1e-9 * fmax(1, fabs(q)))
			vs_report(v, n, DIAG_ERROR, "schema/multiple-of", "%s is not a multiple of %g",
				n->s.text->s, m->multiple_of);
	}
	bool integral = node_types(n) & SCHEMA_T_INTEGER;
	if (s->format == SCHEMA_FMT_INT64 && integral &&
	    ((n->type == IR_INT && (n->flags & IR_F_UINT)) ||
	     (n->type == IR_FLOAT && (d >= 9223372036854775808.0 || d < -9223372036854775808.0 ||
				      int_literal(n->s.text))))) {
		vs_report(v, n, DIAG_ERROR, "k8s/int64", "%s does not fit in a 64-bit integer",
			n->s.text->s);
	} else if (s->format == SCHEMA_FMT_INT32 && integral && !v->o->no_k8s &&
		   (d > 2147483647.0 || d < -2147483648.0)) {
		vs_report(v, n, DIAG_ERROR, "k8s/int32", "%s does not fit in a 32-bit integer "
			"(-2147483648 to 2147483647)", n->s.text->s);
	}
}

/* ---------------------------------------------------------- combinators */

/* Does n validate against s?  (quietly) */
static bool passes(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	size_t before = v->fails;
	v->quiet++;
	check(v, n, s);
	v->quiet--;
	bool ok = v->fails == before;
	v->fails = before;
	return ok;
}

static bool type_fits(const struct ir_node *n, const struct schema *s)
{
	if (schema_is_int_or_string(s))
		return n->type == IR_STR || (node_types(n) & SCHEMA_T_INTEGER);
	return !s->types || (node_types(n) & s->types);
}

static void alternatives(struct vstate *v, const struct ir_node *n,
	const struct schema *const *alts, uint16_t nalts, bool one)
{
	uint16_t ok = 0;
	for (uint16_t i = 0; i < nalts; i++)
		if (passes(v, n, alts[i]))
			ok++;
	if (one ? ok == 1 : ok > 0)
		return;
	if (ok > 1) {
		vs_report(v, n, DIAG_ERROR, "schema/one-of",
			"%s matches %u of the alternatives; exactly one must match", vs_describe(v, n), ok);
		return;
	}
	/* Explain through the one alternative of the right type, if any. */
	const struct schema *fit = NULL;
	unsigned nfit = 0, types = 0;
	for (uint16_t i = 0; i < nalts; i++) {
		types |= alts[i]->types;
		if (type_fits(n, alts[i])) {
			fit = alts[i];
			nfit++;
		}
	}
	if (nfit == 1) {
		check(v, n, fit);
		return;
	}
	if (nfit == 0 && types) {
		struct sbuf tn = SBUF_INIT;
		vs_report(v, n, DIAG_ERROR, "schema/type", "got %s, want %s", vs_describe(v, n),
			type_names(&tn, types));
		sbuf_release(&tn);
		return;
	}
	vs_report(v, n, DIAG_ERROR, one ? "schema/one-of" : "schema/any-of",
		"%s matches none of the %u alternatives", vs_describe(v, n), nalts);
}

/* ------------------------------------------------------------ the walk */

static void check(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	if (!s || !n)
		return;
	if (s->flags & SCHEMA_F_NEVER) {
		vs_report(v, n, DIAG_ERROR, "schema/never", "no value is allowed here");
		return;
	}
	if (++v->depth > MAX_DEPTH) {
		v->depth--;
		return;
	}
	unsigned t = node_types(n);
	if (n->type == IR_NULL) {
		if (!accepts_null(s)) {
			struct sbuf tn = SBUF_INIT;
			vs_report(v, n, DIAG_ERROR, "schema/type", "got null, want %s",
				schema_is_int_or_string(s) ? "integer or string" : type_names(&tn, s->types));
			sbuf_release(&tn);
		}
		v->depth--;
		return;
	}
	if (n->type == IR_FLOAT && !isfinite(n->s.v.f)) {
		vs_report(v, n, DIAG_ERROR, "schema/type", "%s cannot be represented in JSON",
			n->s.text->s);
		v->depth--;
		return;
	}
	if (schema_is_int_or_string(s)) {
		if (n->type != IR_STR && !(t & SCHEMA_T_INTEGER)) {
			vs_report(v, n, DIAG_ERROR, "schema/type", "got %s, want integer or string",
				vs_describe(v, n));
			v->depth--;
			return;
		}
	} else if (s->types && !(t & s->types)) {
		struct sbuf tn = SBUF_INIT;
		vs_report(v, n, DIAG_ERROR, "schema/type", "got %s, want %s", vs_describe(v, n),
			type_names(&tn, s->types));
		sbuf_release(&tn);
		v->depth--;
		return;
	}
	const struct schema_more *m = s->more;
	if (m && m->nenum) {
		struct sbuf js = SBUF_INIT;
		const char *err;
		bool ok = false;
		if (emit_json(&js, n, EMIT_JSON_COMPACT, &err) == 0)
			for (uint16_t i = 0; i < m->nenum && !ok; i++)
				ok = !strcmp(m->enum_json[i], js.buf);
		if (!ok) {
			struct sbuf vals = SBUF_INIT;
			for (uint16_t i = 0; i < m->nenum && i < 12; i++)
				sbuf_printf(&vals, "%s%s", i ? ", " : "", m->enum_json[i]);
			if (m->nenum > 12)
				sbuf_adds(&vals, ", ...");
			const char *d = vs_describe(v, n);
			vs_report(v, n, DIAG_ERROR, "schema/enum", "unsupported value %s: must be one of %s",
				n->type == IR_STR ? d + 7 : d, vals.buf);
			sbuf_release(&vals);
		}
		sbuf_release(&js);
	}
	switch (n->type) {
	case IR_STR: check_string(v, n, s); break;
	case IR_INT:
	case IR_FLOAT: check_number(v, n, s); break;
	case IR_MAP: check_object(v, n, s); break;
	case IR_SEQ: check_array(v, n, s); break;
	default: break;
	}
	if (m) {
		for (uint16_t i = 0; i < m->nall; i++)
			check(v, n, m->all_of[i]);
		if (m->nany && !schema_is_int_or_string(s))
			alternatives(v, n, m->any_of, m->nany, false);
		if (m->none && !schema_is_int_or_string(s))
			alternatives(v, n, m->one_of, m->none, true);
		if (m->not_ && passes(v, n, m->not_))
			vs_report(v, n, DIAG_ERROR, "schema/not", "%s must not match the schema under \"not\"",
				vs_describe(v, n));
	}
	v->depth--;
}

void vs_init(struct vstate *v, struct mc_ctx *ctx, const struct validate_opts *o,
	const char *pointer)
{
	memset(v, 0, sizeof *v);
	v->ctx = ctx;
	v->o = o;
	sbuf_init(&v->ptr);
	if (pointer)
		sbuf_adds(&v->ptr, pointer);
}

void vs_release(struct vstate *v)
{
	sbuf_release(&v->ptr);
	free(v->segs);
}

void vs_check(struct vstate *v, const struct ir_node *n, const struct schema *s)
{
	check(v, n, s);
}

int validate_value(struct mc_ctx *ctx, const struct schema *s, const struct ir_node *value,
	const char *pointer, const struct validate_opts *o)
{
	struct validate_opts def = { 0 };
	struct vstate v;
	vs_init(&v, ctx, o ? o : &def, pointer);
	check(&v, value, s);
	vs_release(&v);
	return (int)v.fails;
}
