/*
 * schema_compile.c - JSON Schema / OpenAPI documents (as IR nodes) into
 * compiled schema nodes.
 *
 * One compiler serves every source: the Kubernetes OpenAPI files at build
 * time (ir/schemagen/schemagen.c runs it, then prints the nodes as C), CRDs, custom
 * OpenAPI documents and kubeconform JSON Schemas at run time.  It resolves
 * every $ref (named components get a node up front, so recursive schemas
 * such as JSONSchemaProps are just cycles of pointers), folds the
 * `allOf: [{$ref}]` wrappers the v3 files put around every reference (the
 * wrapper's patch metadata is kept on a copy of the target), and
 * hash-conses anonymous nodes, which shrinks the CRDs' repeated pod
 * templates to one copy each.  Unsupported keywords are reported, not
 * ignored.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "schema_int.h"

#define COMPILE_MAX_DEPTH 200

/* The schema that accepts anything, and the one that accepts nothing. */
static const struct schema schema_any_node = { 0 };
static const struct schema schema_never_node = { .flags = SCHEMA_F_NEVER };

struct fixup {
	struct schema *node;           /* to complete */
	const struct schema *target;   /* copy its validation content */
	struct schema meta;            /* the wrapper's own metadata */
	struct schema_more meta_more;
	bool has_more;
	const char *name;              /* a named component's name, or NULL */
	int state;                     /* 0 pending, 1 resolving, 2 done */
};

struct schema_builder {
	struct schema_map dedup;       /* serialized node -> node */
	struct schema_map pending;     /* incomplete nodes (pointer bytes) */
	/* per document */
	const struct ir_node *defs;
	const char *ref_prefix;        /* "#/definitions/" or "#/components/schemas/" */
	struct schema_map local;       /* name -> placeholder */
	VEC(struct fixup *) fixups;
	struct mc_ctx *ctx;
	struct schema_set *set;
	int errors;
	const char *comp_name;         /* component being compiled (its top node) */
};

static bool is_pending(struct schema_builder *b, const struct schema *s)
{
	return schema_map_get(&b->pending, (const char *)&s, sizeof s) != NULL;
}

static void set_pending(struct schema_builder *b, const struct schema *s, bool on)
{
	schema_map_put(&b->set->arena, &b->pending, (const char *)&s, sizeof s, on ? s : NULL);
}

static struct schema_builder *builder(struct schema_set *s, struct mc_ctx *ctx)
{
	if (!s->builder)
		s->builder = xcalloc(1, sizeof *s->builder);
	struct schema_builder *b = s->builder;
	b->ctx = ctx;
	b->set = s;
	b->errors = 0;
	return b;
}

void schema_builder_free(struct schema_set *s)
{
	struct schema_builder *b = s->builder;
	if (!b)
		return;
	schema_map_free(&b->dedup);
	schema_map_free(&b->pending);
	schema_map_free(&b->local);
	free(b);
	s->builder = NULL;
}

static int berr(struct schema_builder *b, const struct ir_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int berr(struct schema_builder *b, const struct ir_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(&b->ctx->diag, DIAG_ERROR, n ? &n->pos : NULL, "schema/compile", NULL, fmt, ap);
	va_end(ap);
	b->errors++;
	return 1;
}

/* ---------------------------------------------------------- hash-consing */

static void ser_ptr(struct sbuf *k, const void *p)
{
	sbuf_add(k, &p, sizeof p);
}

static void ser_str(struct sbuf *k, const char *s)
{
	if (!s) {
		sbuf_addc(k, 0);
		return;
	}
	uint32_t n = (uint32_t)strlen(s);
	sbuf_addc(k, 1);
	sbuf_add(k, &n, sizeof n);
	sbuf_add(k, s, n);
}

static void ser_strs(struct sbuf *k, const char *const *v, size_t n)
{
	sbuf_add(k, &n, sizeof n);
	for (size_t i = 0; i < n; i++)
		ser_str(k, v[i]);
}

static void ser_ptrs(struct sbuf *k, const struct schema *const *v, size_t n)
{
	sbuf_add(k, &n, sizeof n);
	for (size_t i = 0; i < n; i++)
		ser_ptr(k, v[i]);
}

static void serialize(struct sbuf *k, const struct schema *s, const struct schema_more *m)
{
	sbuf_addc(k, (char)s->types);
	sbuf_addc(k, (char)s->format);
	sbuf_addc(k, (char)s->list_type);
	sbuf_addc(k, (char)(s->map_type | (s->patch << 2)));
	sbuf_add(k, &s->flags, sizeof s->flags);
	sbuf_add(k, &s->nprops, sizeof s->nprops);
	for (uint32_t i = 0; i < s->nprops; i++) {
		ser_str(k, s->props[i].name);
		ser_ptr(k, s->props[i].schema);
	}
	ser_strs(k, s->required, s->nrequired);
	ser_ptr(k, s->items);
	ser_ptr(k, s->additional);
	if (!m) {
		sbuf_addc(k, 0);
		return;
	}
	sbuf_addc(k, 1);
	ser_str(k, m->name);
	ser_ptrs(k, m->all_of, m->nall);
	ser_ptrs(k, m->any_of, m->nany);
	ser_ptrs(k, m->one_of, m->none);
	ser_ptr(k, m->not_);
	ser_strs(k, m->enum_json, m->nenum);
	ser_strs(k, m->kenum, m->nkenum);
	ser_str(k, m->pattern ? m->pattern->src : NULL);
	ser_str(k, m->patch_merge_key);
	ser_strs(k, m->list_map_keys, m->nlistkeys);
	sbuf_add(k, &m->minimum, sizeof m->minimum);
	sbuf_add(k, &m->maximum, sizeof m->maximum);
	sbuf_add(k, &m->multiple_of, sizeof m->multiple_of);
	int64_t v[6] = { m->min_length, m->max_length, m->min_items, m->max_items,
		m->min_props, m->max_props };
	sbuf_add(k, v, sizeof v);
	sbuf_addc(k, (char)m->kcheck);
}

static bool more_used(const struct schema_more *m)
{
	static const struct schema_more empty = {
		.min_length = -1, .max_length = -1, .min_items = -1, .max_items = -1,
		.min_props = -1, .max_props = -1,
	};
	return memcmp(m, &empty, sizeof *m) != 0;
}

static void more_init(struct schema_more *m)
{
	memset(m, 0, sizeof *m);
	m->min_length = m->max_length = -1;
	m->min_items = m->max_items = -1;
	m->min_props = m->max_props = -1;
}

/* The node with this content: an existing one, or a new copy. */
static const struct schema *intern(struct schema_builder *b, const struct schema *s,
	const struct schema_more *m)
{
	if (m && !more_used(m))
		m = NULL;
	if (!m && !memcmp(s, &schema_any_node, sizeof *s))
		return &schema_any_node;
	struct sbuf k = SBUF_INIT;
	serialize(&k, s, m);
	const struct schema *found = schema_map_get(&b->dedup, k.buf, k.len);
	if (found) {
		sbuf_release(&k);
		return found;
	}
	struct schema *n = arena_alloc(&b->set->arena, sizeof *n);
	*n = *s;
	if (m) {
		struct schema_more *mm = arena_alloc(&b->set->arena, sizeof *mm);
		*mm = *m;
		n->more = mm;
	} else {
		n->more = NULL;
	}
	schema_map_put(&b->set->arena, &b->dedup, k.buf, k.len, n);
	sbuf_release(&k);
	return n;
}

/* --------------------------------------------------------------- values */

static bool get_bool(struct schema_builder *b, const struct ir_node *n, const char *kw, bool *out)
{
	if (!n || n->type != IR_BOOL) {
		berr(b, n, "%s must be a boolean", kw);
		return false;
	}
	*out = n->s.v.b;
	return true;
}

static bool get_number(struct schema_builder *b, const struct ir_node *n, const char *kw, double *out)
{
	if (n && n->type == IR_INT) {
		*out = (n->flags & IR_F_UINT) ? (double)n->s.v.u : (double)n->s.v.i;
		return true;
	}
	if (n && n->type == IR_FLOAT) {
		*out = n->s.v.f;
		if (isfinite(*out))
			return true;
		berr(b, n, "%s must be a finite number", kw);
		return false;
	}
	berr(b, n, "%s must be a number", kw);
	return false;
}

static bool get_count(struct schema_builder *b, const struct ir_node *n, const char *kw, int64_t *out)
{
	double d = 0; /* set when get_number succeeds (-O2 may not see it) */
	if (!get_number(b, n, kw, &d))
		return false;
	if (d < 0 || d != floor(d) || d > 9.2e18) {
		berr(b, n, "%s must be a non-negative integer", kw);
		return false;
	}
	*out = (int64_t)d;
	return true;
}

static const char *dup_text(struct schema_builder *b, const struct ir_node *n)
{
	return arena_strndup(&b->set->arena, n->s.text->s, n->s.text->len);
}

static const char *const *get_strings(struct schema_builder *b, const struct ir_node *n,
	const char *kw, uint32_t *count)
{
	*count = 0;
	if (!ir_is_seq(n)) {
		berr(b, n, "%s must be a list of strings", kw);
		return NULL;
	}
	const char **v = arena_alloc(&b->set->arena, (n->seq.len ? n->seq.len : 1) * sizeof *v);
	for (uint32_t i = 0; i < n->seq.len; i++) {
		if (!ir_is_str(n->seq.items[i])) {
			berr(b, n->seq.items[i], "%s must be a list of strings", kw);
			return NULL;
		}
		v[i] = dup_text(b, n->seq.items[i]);
	}
	*count = n->seq.len;
	return v;
}

/* ------------------------------------------------------------- keywords */

enum kwclass { KW_IGNORE, KW_META, KW_VALIDATE, KW_UNSUPPORTED };

static const struct {
	const char *name;
	enum kwclass cls;
} keywords[] = {
	{ "$ref", KW_VALIDATE }, { "$schema", KW_IGNORE }, { "$id", KW_IGNORE }, { "id", KW_IGNORE },
	{ "$comment", KW_IGNORE }, { "definitions", KW_IGNORE }, { "$defs", KW_IGNORE },
	{ "description", KW_IGNORE }, { "title", KW_IGNORE }, { "default", KW_IGNORE },
	{ "example", KW_IGNORE }, { "examples", KW_IGNORE }, { "externalDocs", KW_IGNORE },
	{ "readOnly", KW_IGNORE }, { "writeOnly", KW_IGNORE }, { "deprecated", KW_IGNORE },
	{ "discriminator", KW_IGNORE }, { "xml", KW_IGNORE }, { "additionalItems", KW_IGNORE },
	{ "x-kubernetes-validations", KW_IGNORE }, { "x-kubernetes-group-version-kind", KW_IGNORE },
	{ "x-kubernetes-unions", KW_IGNORE }, { "x-kubernetes-selectable-fields", KW_IGNORE },
	{ "x-kubernetes-patch-merge-key", KW_META }, { "x-kubernetes-patch-strategy", KW_META },
	{ "x-kubernetes-list-type", KW_META }, { "x-kubernetes-list-map-keys", KW_META },
	{ "x-kubernetes-map-type", KW_META },
	{ "type", KW_VALIDATE }, { "properties", KW_VALIDATE }, { "additionalProperties", KW_VALIDATE },
	{ "required", KW_VALIDATE }, { "enum", KW_VALIDATE }, { "const", KW_VALIDATE },
	{ "items", KW_VALIDATE }, { "allOf", KW_VALIDATE }, { "anyOf", KW_VALIDATE },
	{ "oneOf", KW_VALIDATE }, { "not", KW_VALIDATE }, { "pattern", KW_VALIDATE },
	{ "minimum", KW_VALIDATE }, { "maximum", KW_VALIDATE }, { "exclusiveMinimum", KW_VALIDATE },
	{ "exclusiveMaximum", KW_VALIDATE }, { "multipleOf", KW_VALIDATE },
	{ "minLength", KW_VALIDATE }, { "maxLength", KW_VALIDATE }, { "minItems", KW_VALIDATE },
	{ "maxItems", KW_VALIDATE }, { "uniqueItems", KW_VALIDATE }, { "minProperties", KW_VALIDATE },
	{ "maxProperties", KW_VALIDATE }, { "format", KW_VALIDATE }, { "nullable", KW_VALIDATE },
	{ "x-kubernetes-int-or-string", KW_VALIDATE },
	{ "x-kubernetes-preserve-unknown-fields", KW_VALIDATE },
	{ "x-kubernetes-embedded-resource", KW_VALIDATE },
	{ "patternProperties", KW_UNSUPPORTED }, { "dependencies", KW_UNSUPPORTED },
	{ "dependentRequired", KW_UNSUPPORTED }, { "dependentSchemas", KW_UNSUPPORTED },
	{ "if", KW_UNSUPPORTED }, { "then", KW_UNSUPPORTED }, { "else", KW_UNSUPPORTED },
	{ "contains", KW_UNSUPPORTED }, { "propertyNames", KW_UNSUPPORTED },
	{ "unevaluatedProperties", KW_UNSUPPORTED }, { "unevaluatedItems", KW_UNSUPPORTED },
	{ "prefixItems", KW_UNSUPPORTED },
};

static enum kwclass kwclass(const struct str *k)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (str_eqc(k, keywords[i].name))
			return keywords[i].cls;
	return KW_IGNORE; /* unknown words (and x-* extensions) are annotations */
}

static uint8_t format_of(const char *f)
{
	static const struct { const char *n; uint8_t f; } tab[] = {
		{ "int32", SCHEMA_FMT_INT32 }, { "int64", SCHEMA_FMT_INT64 },
		{ "float", SCHEMA_FMT_FLOAT }, { "double", SCHEMA_FMT_DOUBLE },
		{ "byte", SCHEMA_FMT_BYTE }, { "date-time", SCHEMA_FMT_DATE_TIME },
		{ "date", SCHEMA_FMT_DATE }, { "duration", SCHEMA_FMT_DURATION },
		{ "int-or-string", SCHEMA_FMT_INT_OR_STRING },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(tab[i].n, f))
			return tab[i].f;
	return SCHEMA_FMT_NONE; /* other formats are annotations (JSON Schema) */
}

static const struct schema *compile(struct schema_builder *b, const struct ir_node *n, int depth);
static const struct schema *as_resource(struct schema_builder *b, const struct schema *root);

/* Resolve a $ref string to a node. */
static const struct schema *resolve_ref(struct schema_builder *b, const struct ir_node *ref)
{
	if (!ir_is_str(ref)) {
		berr(b, ref, "$ref must be a string");
		return NULL;
	}
	const char *r = ref->s.text->s;
	const char *name = NULL;
	static const char *const prefixes[] = { "#/components/schemas/", "#/definitions/", "#/$defs/" };
	for (size_t i = 0; i < 3 && !name; i++) {
		size_t pl = strlen(prefixes[i]);
		if (!strncmp(r, prefixes[i], pl))
			name = r + pl;
	}
	if (!name) {
		berr(b, ref, "unsupported $ref \"%s\": only references inside the document (#/definitions/..., #/components/schemas/...) are supported", r);
		return NULL;
	}
	const struct schema *s = schema_map_get(&b->local, name, strlen(name));
	if (s)
		return s;
	s = schema_named(b->set, name);
	if (s)
		return s;
	berr(b, ref, "unresolved $ref \"%s\"", r);
	return NULL;
}

static const struct schema *const *compile_list(struct schema_builder *b, const struct ir_node *n,
	const char *kw, uint16_t *count, int depth)
{
	*count = 0;
	if (!ir_is_seq(n) || n->seq.len == 0 || n->seq.len > 0xffff) {
		berr(b, n, "%s must be a non-empty list of schemas", kw);
		return NULL;
	}
	const struct schema **v = arena_alloc(&b->set->arena, n->seq.len * sizeof *v);
	for (uint32_t i = 0; i < n->seq.len; i++) {
		v[i] = compile(b, n->seq.items[i], depth + 1);
		if (!v[i])
			return NULL;
	}
	*count = (uint16_t)n->seq.len;
	return v;
}

static int prop_cmp(const void *a, const void *b)
{
	const struct schema_prop *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);
	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* Copy target's validation content into node, keeping node's metadata. */
static void overlay(struct schema_builder *b, struct schema *node, const struct schema *target,
	const struct schema *meta, const struct schema_more *meta_more, const char *name)
{
	*node = *target;
	if (meta->list_type)
		node->list_type = meta->list_type;
	if (meta->map_type)
		node->map_type = meta->map_type;
	if (meta->patch)
		node->patch = meta->patch;
	struct schema_more m;
	if (target->more)
		m = *target->more;
	else
		more_init(&m);
	if (meta_more) {
		if (meta_more->patch_merge_key)
			m.patch_merge_key = meta_more->patch_merge_key;
		if (meta_more->nlistkeys) {
			m.list_map_keys = meta_more->list_map_keys;
			m.nlistkeys = meta_more->nlistkeys;
		}
		if (meta_more->nkenum) {
			m.kenum = meta_more->kenum;
			m.nkenum = meta_more->nkenum;
		}
		if (meta_more->kcheck)
			m.kcheck = meta_more->kcheck;
	}
	if (name)
		m.name = name;
	if (more_used(&m)) {
		struct schema_more *mm = arena_alloc(&b->set->arena, sizeof *mm);
		*mm = m;
		node->more = mm;
	} else {
		node->more = NULL;
	}
}

/* A node that takes target's content plus metadata; deferred when target
 * is not compiled yet (a reference cycle). */
static const struct schema *make_overlay(struct schema_builder *b, const struct schema *target,
	const struct schema *meta, const struct schema_more *meta_more)
{
	if (!is_pending(b, target)) {
		struct schema tmp;
		overlay(b, &tmp, target, meta, meta_more, NULL);
		return intern(b, &tmp, tmp.more);
	}
	struct schema *node = arena_calloc(&b->set->arena, 1, sizeof *node);
	struct fixup *f = arena_calloc(&b->set->arena, 1, sizeof *f);
	f->node = node;
	f->target = target;
	f->meta = *meta;
	if (meta_more) {
		f->meta_more = *meta_more;
		f->has_more = true;
	}
	VEC_PUSH(&b->set->arena, &b->fixups, f);
	set_pending(b, node, true);
	return node;
}

static const struct schema *compile(struct schema_builder *b, const struct ir_node *n, int depth)
{
	if (depth > COMPILE_MAX_DEPTH) {
		berr(b, n, "schema nested too deeply (more than %d levels)", COMPILE_MAX_DEPTH);
		return NULL;
	}
	if (n && n->type == IR_BOOL)
		return n->s.v.b ? &schema_any_node : &schema_never_node;
	if (!ir_is_map(n)) {
		berr(b, n, "a schema must be an object or a boolean");
		return NULL;
	}
	const char *comp = b->comp_name;
	b->comp_name = NULL;
	struct schema s = { 0 };
	struct schema_more m;
	more_init(&m);
	bool validates = false, has_meta = false;
	const struct schema *ref_target = NULL;
	const struct ir_node *props = NULL;
	for (uint32_t i = 0; i < n->map.len; i++) {
		const struct str *k = n->map.items[i].key->s.text;
		const struct ir_node *v = n->map.items[i].value;
		enum kwclass cls = kwclass(k);
		if (cls == KW_UNSUPPORTED) {
			berr(b, n->map.items[i].key, "unsupported JSON Schema keyword \"%s\"", k->s);
			return NULL;
		}
		if (cls == KW_IGNORE)
			continue;
		if (cls == KW_META)
			has_meta = true;
		else if (!str_eqc(k, "allOf") && !str_eqc(k, "$ref"))
			validates = true;
		const char *kw = k->s;
		if (!strcmp(kw, "$ref")) {
			ref_target = resolve_ref(b, v);
			if (!ref_target)
				return NULL;
		} else if (!strcmp(kw, "type")) {
			static const char *const names[] = { "null", "boolean", "integer", "number",
				"string", "array", "object" };
			const struct ir_node *const *items = &v;
			uint32_t cnt = 1;
			if (ir_is_seq(v)) {
				items = (const struct ir_node *const *)v->seq.items;
				cnt = v->seq.len;
			}
			for (uint32_t j = 0; j < cnt; j++) {
				const char *t = ir_cstr(items[j]);
				size_t x = 0;
				while (t && x < 7 && strcmp(t, names[x]))
					x++;
				if (!t || x == 7) {
					berr(b, items[j], "unknown type \"%s\"", t ? t : "?");
					return NULL;
				}
				s.types |= (uint8_t)(1u << x);
			}
		} else if (!strcmp(kw, "properties")) {
			if (!ir_is_map(v)) {
				berr(b, v, "properties must be an object");
				return NULL;
			}
			props = v;
		} else if (!strcmp(kw, "additionalProperties")) {
			if (v && v->type == IR_BOOL) {
				s.flags |= v->s.v.b ? SCHEMA_F_ADDL_TRUE : SCHEMA_F_ADDL_FALSE;
			} else {
				s.additional = compile(b, v, depth + 1);
				if (!s.additional)
					return NULL;
			}
		} else if (!strcmp(kw, "required")) {
			uint32_t cnt;
			s.required = get_strings(b, v, kw, &cnt);
			if (!s.required && cnt == 0 && !ir_is_seq(v))
				return NULL;
			if (cnt > 0xffff) {
				berr(b, v, "too many required properties");
				return NULL;
			}
			s.nrequired = (uint16_t)cnt;
		} else if (!strcmp(kw, "enum") || !strcmp(kw, "const")) {
			const struct ir_node *const *items = &v;
			uint32_t cnt = 1;
			if (!strcmp(kw, "enum")) {
				if (!ir_is_seq(v) || v->seq.len > 0xffff) {
					berr(b, v, "enum must be a list");
					return NULL;
				}
				items = (const struct ir_node *const *)v->seq.items;
				cnt = v->seq.len;
			}
			const char **vals = arena_alloc(&b->set->arena, (cnt ? cnt : 1) * sizeof *vals);
			for (uint32_t j = 0; j < cnt; j++) {
				struct sbuf js = SBUF_INIT;
				const char *err = NULL;
				if (emit_json(&js, items[j], EMIT_JSON_COMPACT, &err)) {
					berr(b, items[j], "enum value: %s", err);
					sbuf_release(&js);
					return NULL;
				}
				vals[j] = arena_strndup(&b->set->arena, js.buf, js.len);
				sbuf_release(&js);
			}
			m.enum_json = vals;
			m.nenum = (uint16_t)cnt;
		} else if (!strcmp(kw, "items")) {
			if (ir_is_seq(v)) {
				berr(b, v, "unsupported JSON Schema keyword form: \"items\" as a list (tuple validation)");
				return NULL;
			}
			s.items = compile(b, v, depth + 1);
			if (!s.items)
				return NULL;
		} else if (!strcmp(kw, "allOf")) {
			m.all_of = compile_list(b, v, kw, &m.nall, depth);
			if (!m.all_of)
				return NULL;
		} else if (!strcmp(kw, "anyOf")) {
			m.any_of = compile_list(b, v, kw, &m.nany, depth);
			if (!m.any_of)
				return NULL;
		} else if (!strcmp(kw, "oneOf")) {
			m.one_of = compile_list(b, v, kw, &m.none, depth);
			if (!m.one_of)
				return NULL;
		} else if (!strcmp(kw, "not")) {
			m.not_ = compile(b, v, depth + 1);
			if (!m.not_)
				return NULL;
		} else if (!strcmp(kw, "pattern")) {
			if (!ir_is_str(v)) {
				berr(b, v, "pattern must be a string");
				return NULL;
			}
			struct sbuf err = SBUF_INIT;
			m.pattern = schema_set_pattern(b->set, v->s.text->s, v->s.text->len, &err);
			if (!m.pattern) {
				berr(b, v, "invalid pattern: %s", err.buf);
				sbuf_release(&err);
				return NULL;
			}
			sbuf_release(&err);
		} else if (!strcmp(kw, "minimum") || !strcmp(kw, "maximum")) {
			double d = 0;
			if (!get_number(b, v, kw, &d))
				return NULL;
			if (kw[1] == 'i') {
				m.minimum = d;
				s.flags |= SCHEMA_F_HAS_MIN;
			} else {
				m.maximum = d;
				s.flags |= SCHEMA_F_HAS_MAX;
			}
		} else if (!strcmp(kw, "exclusiveMinimum") || !strcmp(kw, "exclusiveMaximum")) {
			bool lo = !strcmp(kw, "exclusiveMinimum");
			if (v && v->type == IR_BOOL) {
				if (v->s.v.b)
					s.flags |= lo ? SCHEMA_F_EXCL_MIN : SCHEMA_F_EXCL_MAX;
			} else {
				/* draft 6+: the bound itself */
				double d = 0;
				if (!get_number(b, v, kw, &d))
					return NULL;
				if (lo) {
					m.minimum = d;
					s.flags |= SCHEMA_F_HAS_MIN | SCHEMA_F_EXCL_MIN;
				} else {
					m.maximum = d;
					s.flags |= SCHEMA_F_HAS_MAX | SCHEMA_F_EXCL_MAX;
				}
			}
		} else if (!strcmp(kw, "multipleOf")) {
			if (!get_number(b, v, kw, &m.multiple_of))
				return NULL;
			if (!(m.multiple_of > 0)) {
				berr(b, v, "multipleOf must be greater than 0");
				return NULL;
			}
		} else if (!strcmp(kw, "minLength")) {
			if (!get_count(b, v, kw, &m.min_length))
				return NULL;
		} else if (!strcmp(kw, "maxLength")) {
			if (!get_count(b, v, kw, &m.max_length))
				return NULL;
		} else if (!strcmp(kw, "minItems")) {
			if (!get_count(b, v, kw, &m.min_items))
				return NULL;
		} else if (!strcmp(kw, "maxItems")) {
			if (!get_count(b, v, kw, &m.max_items))
				return NULL;
		} else if (!strcmp(kw, "minProperties")) {
			if (!get_count(b, v, kw, &m.min_props))
				return NULL;
		} else if (!strcmp(kw, "maxProperties")) {
			if (!get_count(b, v, kw, &m.max_props))
				return NULL;
		} else if (!strcmp(kw, "uniqueItems")) {
			bool u = false;
			if (!get_bool(b, v, kw, &u))
				return NULL;
			if (u)
				s.flags |= SCHEMA_F_UNIQUE;
		} else if (!strcmp(kw, "format")) {
			if (!ir_is_str(v)) {
				berr(b, v, "format must be a string");
				return NULL;
			}
			s.format = format_of(v->s.text->s);
		} else if (!strcmp(kw, "nullable") || !strcmp(kw, "x-kubernetes-int-or-string") ||
			   !strcmp(kw, "x-kubernetes-preserve-unknown-fields") ||
			   !strcmp(kw, "x-kubernetes-embedded-resource")) {
			bool on = false;
			if (!get_bool(b, v, kw, &on))
				return NULL;
			uint16_t f = kw[0] == 'n' ? SCHEMA_F_NULLABLE :
				!strcmp(kw, "x-kubernetes-int-or-string") ? SCHEMA_F_INT_OR_STRING :
				!strcmp(kw, "x-kubernetes-preserve-unknown-fields") ? SCHEMA_F_PRESERVE_UNKNOWN :
				SCHEMA_F_EMBEDDED_RESOURCE;
			if (on)
				s.flags |= f;
		} else if (!strcmp(kw, "x-kubernetes-patch-merge-key")) {
			if (!ir_is_str(v)) {
				berr(b, v, "%s must be a string", kw);
				return NULL;
			}
			m.patch_merge_key = dup_text(b, v);
		} else if (!strcmp(kw, "x-kubernetes-patch-strategy")) {
			if (!ir_is_str(v)) {
				berr(b, v, "%s must be a string", kw);
				return NULL;
			}
			const char *p = v->s.text->s;
			while (*p) {
				size_t len = strcspn(p, ",");
				if (len == 5 && !strncmp(p, "merge", 5))
					s.patch |= SCHEMA_PATCH_MERGE;
				else if (len == 7 && !strncmp(p, "replace", 7))
					s.patch |= SCHEMA_PATCH_REPLACE;
				else if (len == 10 && !strncmp(p, "retainKeys", 10))
					s.patch |= SCHEMA_PATCH_RETAIN_KEYS;
				p += len;
				if (*p == ',')
					p++;
			}
		} else if (!strcmp(kw, "x-kubernetes-list-type")) {
			const char *t = ir_cstr(v);
			if (t && !strcmp(t, "atomic"))
				s.list_type = SCHEMA_LIST_ATOMIC;
			else if (t && !strcmp(t, "set"))
				s.list_type = SCHEMA_LIST_SET;
			else if (t && !strcmp(t, "map"))
				s.list_type = SCHEMA_LIST_MAP;
			else {
				berr(b, v, "%s must be atomic, set or map", kw);
				return NULL;
			}
		} else if (!strcmp(kw, "x-kubernetes-list-map-keys")) {
			uint32_t cnt;
			m.list_map_keys = get_strings(b, v, kw, &cnt);
			if (!m.list_map_keys)
				return NULL;
			m.nlistkeys = (uint16_t)(cnt > 0xffff ? 0xffff : cnt);
		} else if (!strcmp(kw, "x-kubernetes-map-type")) {
			const char *t = ir_cstr(v);
			if (t && !strcmp(t, "atomic"))
				s.map_type = SCHEMA_MAP_ATOMIC;
			else if (t && !strcmp(t, "granular"))
				s.map_type = SCHEMA_MAP_GRANULAR;
			else {
				berr(b, v, "%s must be atomic or granular", kw);
				return NULL;
			}
		}
	}

	/* A bare reference, or the v3 wrapper `{allOf: [{$ref}], description,
	 * default}`: the target itself, or a copy with the wrapper's patch
	 * metadata. */
	const struct schema *only = NULL;
	if (!validates && !props) {
		if (ref_target && m.nall == 0)
			only = ref_target;
		else if (!ref_target && m.nall == 1)
			only = m.all_of[0];
	}
	if (only) {
		if (!has_meta)
			return only;
		struct schema_more mm;
		more_init(&mm);
		mm.patch_merge_key = m.patch_merge_key;
		mm.list_map_keys = m.list_map_keys;
		mm.nlistkeys = m.nlistkeys;
		return make_overlay(b, only, &s, &mm);
	}
	if (ref_target) {
		/* $ref with sibling keywords: both apply. */
		const struct schema **all = arena_alloc(&b->set->arena, (m.nall + 1u) * sizeof *all);
		all[0] = ref_target;
		for (uint16_t i = 0; i < m.nall; i++)
			all[i + 1] = m.all_of[i];
		m.all_of = all;
		m.nall++;
	}

	if (props) {
		if (props->map.len > 0xfffff) {
			berr(b, props, "too many properties");
			return NULL;
		}
		struct schema_prop *pv = arena_alloc(&b->set->arena,
			(props->map.len ? props->map.len : 1) * sizeof *pv);
		for (uint32_t i = 0; i < props->map.len; i++) {
			const struct str *name = props->map.items[i].key->s.text;
			pv[i].name = arena_strndup(&b->set->arena, name->s, name->len);
			pv[i].len = name->len;
			pv[i].schema = compile(b, props->map.items[i].value, depth + 1);
			if (!pv[i].schema)
				return NULL;
			if (comp) {
				struct schema meta = { 0 };
				struct schema_more mm;
				more_init(&mm);
				uint8_t fmt = 0;
				bool on_items = false;
				schema_k8s_rules(comp, pv[i].name, &mm.kcheck, &mm.kenum, &mm.nkenum, &fmt,
					&on_items);
				if (!mm.kcheck && !mm.nkenum)
					continue;
				const struct schema *ps = pv[i].schema;
				if (!on_items) {
					pv[i].schema = make_overlay(b, ps, &meta, &mm);
				} else if (ps->items && !is_pending(b, ps) && !is_pending(b, ps->items)) {
					struct schema list = *ps;
					list.items = make_overlay(b, ps->items, &meta, &mm);
					pv[i].schema = intern(b, &list, ps->more);
				}
			}
		}
		qsort(pv, props->map.len, sizeof *pv, prop_cmp);
		s.props = pv;
		s.nprops = props->map.len;
	}
	if (comp) {
		uint8_t fmt = 0, kc = 0;
		const char *const *ke = NULL;
		uint16_t nke = 0;
		bool it = false;
		schema_k8s_rules(comp, NULL, &kc, &ke, &nke, &fmt, &it);
		if (fmt)
			s.format = fmt;
	}
	const struct schema *r = intern(b, &s, &m);
	if (s.flags & SCHEMA_F_EMBEDDED_RESOURCE)
		r = as_resource(b, r);
	return r;
}

/* ----------------------------------------------------------- documents */

static void resolve_fixup(struct schema_builder *b, struct fixup *f, int depth);

static struct fixup *fixup_of(struct schema_builder *b, const struct schema *node)
{
	for (size_t i = 0; i < b->fixups.len; i++)
		if (b->fixups.items[i]->node == node)
			return b->fixups.items[i];
	return NULL;
}

static void resolve_fixup(struct schema_builder *b, struct fixup *f, int depth)
{
	if (f->state == 2)
		return;
	if (f->state == 1 || depth > 100) {
		/* A cycle of pure aliases: nothing to copy; accept anything. */
		*f->node = schema_any_node;
		f->state = 2;
		set_pending(b, f->node, false);
		return;
	}
	f->state = 1;
	if (is_pending(b, f->target)) {
		struct fixup *g = fixup_of(b, f->target);
		if (g)
			resolve_fixup(b, g, depth + 1);
	}
	overlay(b, f->node, f->target, &f->meta, f->has_more ? &f->meta_more : NULL, f->name);
	f->state = 2;
	set_pending(b, f->node, false);
}

static void finish_doc(struct schema_builder *b)
{
	for (size_t i = 0; i < b->fixups.len; i++)
		resolve_fixup(b, b->fixups.items[i], 0);
	b->fixups.len = 0;
	schema_map_free(&b->local);
	b->defs = NULL;
}

/* Compile every component of defs into named nodes (placeholders first so
 * that references in any order and cycles resolve). */
static void compile_defs(struct schema_builder *b, const struct ir_node *defs)
{
	b->defs = defs;
	struct schema **ph = xcalloc(defs->map.len ? defs->map.len : 1, sizeof *ph);
	/* A component this set already has (the Kubernetes files repeat each
	 * shared one, identically) is taken as it is. */
	bool *known = xcalloc(defs->map.len ? defs->map.len : 1, sizeof *known);
	for (uint32_t i = 0; i < defs->map.len; i++) {
		const struct str *name = defs->map.items[i].key->s.text;
		const struct schema *old = schema_set_own_named(b->set, name->s);
		if (old) {
			known[i] = true;
			schema_map_put(&b->set->arena, &b->local, name->s, name->len, old);
			continue;
		}
		ph[i] = arena_calloc(&b->set->arena, 1, sizeof *ph[i]);
		set_pending(b, ph[i], true);
		schema_map_put(&b->set->arena, &b->local, name->s, name->len, ph[i]);
	}
	for (uint32_t i = 0; i < defs->map.len; i++) {
		if (known[i])
			continue;
		const struct str *name = defs->map.items[i].key->s.text;
		const char *cname = arena_strndup(&b->set->arena, name->s, name->len);
		b->comp_name = cname;
		const struct schema *c = compile(b, defs->map.items[i].value, 0);
		b->comp_name = NULL;
		if (!c) {
			*ph[i] = schema_any_node;
			set_pending(b, ph[i], false);
			continue;
		}
		struct schema none = { 0 };
		if (is_pending(b, c) && c != ph[i]) {
			struct fixup *f = arena_calloc(&b->set->arena, 1, sizeof *f);
			f->node = ph[i];
			f->target = c;
			f->meta = none;
			f->name = cname;
			VEC_PUSH(&b->set->arena, &b->fixups, f);
			continue;
		}
		if (c == ph[i]) {
			*ph[i] = schema_any_node;
		} else {
			overlay(b, ph[i], c, &none, NULL, cname);
		}
		set_pending(b, ph[i], false);
	}
	for (uint32_t i = 0; i < defs->map.len; i++)
		if (!known[i])
			schema_set_put_named(b->set, defs->map.items[i].key->s.text->s, ph[i]);
	free(ph);
	free(known);
}

/* Scope of every kind served by the paths of an OpenAPI document: a kind
 * served under .../namespaces/{namespace}/... is namespaced, one served
 * only elsewhere is cluster-scoped. */
static void scopes_from_paths(struct schema_builder *b, const struct ir_node *paths)
{
	if (!ir_is_map(paths))
		return;
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < paths->map.len; i++) {
			const char *path = paths->map.items[i].key->s.text->s;
			bool ns = strstr(path, "/namespaces/{namespace}/") != NULL;
			if (ns != (pass == 1))
				continue; /* cluster paths first, namespaced ones override */
			const struct ir_node *item = paths->map.items[i].value;
			if (!ir_is_map(item))
				continue;
			for (uint32_t j = 0; j < item->map.len; j++) {
				const struct ir_node *gvk = ir_map_getc(item->map.items[j].value,
					"x-kubernetes-group-version-kind");
				const char *g = ir_path_cstr(gvk, "group"), *k = ir_path_cstr(gvk, "kind");
				if (!g || !k)
					continue;
				schema_set_put_scope(b->set, g, k,
					ns ? SCHEMA_SCOPE_NAMESPACED : SCHEMA_SCOPE_CLUSTER, true);
			}
		}
}

int schema_set_add_openapi(struct schema_set *s, struct mc_ctx *ctx, const struct ir_node *doc)
{
	struct schema_builder *b = builder(s, ctx);
	const struct ir_node *defs = ir_map_getc(doc, "definitions");
	if (!defs)
		defs = ir_path(doc, "components/schemas");
	if (!ir_is_map(defs))
		return berr(b, doc, "not an OpenAPI document: no definitions or components.schemas");
	compile_defs(b, defs);
	finish_doc(b);
	for (uint32_t i = 0; i < defs->map.len; i++) {
		const struct ir_node *gvks = ir_map_getc(defs->map.items[i].value,
			"x-kubernetes-group-version-kind");
		if (!ir_is_seq(gvks))
			continue;
		const struct schema *node = schema_named(s, defs->map.items[i].key->s.text->s);
		for (uint32_t j = 0; j < gvks->seq.len; j++) {
			const char *g = ir_path_cstr(gvks->seq.items[j], "group");
			const char *v = ir_path_cstr(gvks->seq.items[j], "version");
			const char *k = ir_path_cstr(gvks->seq.items[j], "kind");
			if (g && v && k && node)
				schema_set_put_kind(s, g, v, k, node);
		}
	}
	scopes_from_paths(b, ir_map_getc(doc, "paths"));
	return b->errors;
}

#define OBJECTMETA "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

/* A resource root (CRD or embedded resource): apiVersion and kind are
 * strings and metadata is ObjectMeta, whatever the schema says. */
static const struct schema *as_resource(struct schema_builder *b, const struct schema *root)
{
	const struct schema *meta = schema_named(b->set, OBJECTMETA);
	static const struct schema str_node = { .types = SCHEMA_T_STRING };
	const struct schema *strn = intern(b, &str_node, NULL);
	struct schema s = *root;
	size_t n = root->nprops;
	struct schema_prop *pv = arena_alloc(&b->set->arena, (n + 3) * sizeof *pv);
	if (n)
		memcpy(pv, root->props, n * sizeof *pv);
	const char *names[3] = { "apiVersion", "kind", "metadata" };
	for (int i = 0; i < 3; i++) {
		const struct schema *want = i < 2 ? strn : meta;
		const struct schema *have = schema_prop(root, names[i], strlen(names[i]));
		if (i == 2 && !meta)
			continue;
		if (have && (i < 2 || have == meta))
			continue;
		if (have) {
			for (size_t j = 0; j < n; j++)
				if (!strcmp(pv[j].name, names[i]))
					pv[j].schema = want;
			continue;
		}
		pv[n].name = names[i];
		pv[n].len = (uint32_t)strlen(names[i]);
		pv[n].schema = want;
		n++;
	}
	qsort(pv, n, sizeof *pv, prop_cmp);
	if (root->nprops == 0 && !(root->flags & SCHEMA_F_PRESERVE_UNKNOWN) && !root->additional)
		s.flags |= SCHEMA_F_ADDL_TRUE; /* it declared nothing: stay open */
	s.props = pv;
	s.nprops = (uint32_t)n;
	s.types = SCHEMA_T_OBJECT;
	return intern(b, &s, root->more);
}

int schema_set_add_crd(struct schema_set *s, struct mc_ctx *ctx, const struct ir_node *crd)
{
	struct schema_builder *b = builder(s, ctx);
	const char *api = ir_path_cstr(crd, "apiVersion");
	if (!api || strncmp(api, "apiextensions.k8s.io/", 21) || !str_eqc(ir_text(ir_map_getc(crd, "kind")), "CustomResourceDefinition"))
		return berr(b, crd, "not a CustomResourceDefinition");
	const char *group = ir_path_cstr(crd, "spec/group");
	const char *kind = ir_path_cstr(crd, "spec/names/kind");
	if (!group || !kind)
		return berr(b, crd, "CustomResourceDefinition without spec.group or spec.names.kind");
	const char *scope = ir_path_cstr(crd, "spec/scope");
	schema_set_put_scope(s, group, kind,
		scope && !strcmp(scope, "Cluster") ? SCHEMA_SCOPE_CLUSTER : SCHEMA_SCOPE_NAMESPACED, false);
	const struct ir_node *versions = ir_path(crd, "spec/versions");
	const struct ir_node *shared = ir_path(crd, "spec/validation/openAPIV3Schema");
	const char *v1beta1_version = ir_path_cstr(crd, "spec/version");
	if (!ir_is_seq(versions) || versions->seq.len == 0) {
		if (!v1beta1_version)
			return berr(b, crd, "CustomResourceDefinition without spec.versions");
		const struct schema *root = shared ? compile(b, shared, 0) : &schema_any_node;
		finish_doc(b);
		if (root)
			schema_set_put_kind(s, group, v1beta1_version, kind, as_resource(b, root));
		return b->errors;
	}
	for (uint32_t i = 0; i < versions->seq.len; i++) {
		const struct ir_node *v = versions->seq.items[i];
		const char *name = ir_path_cstr(v, "name");
		const struct ir_node *served = ir_map_getc(v, "served");
		if (!name)
			continue;
		if (served && served->type == IR_BOOL && !served->s.v.b)
			continue;
		const struct ir_node *sch = ir_path(v, "schema/openAPIV3Schema");
		if (!sch)
			sch = shared;
		const struct schema *root = sch ? compile(b, sch, 0) : &schema_any_node;
		finish_doc(b);
		if (!root)
			continue;
		schema_set_put_kind(s, group, name, kind, as_resource(b, root));
	}
	return b->errors;
}

int schema_set_add_jsonschema(struct schema_set *s, struct mc_ctx *ctx,
	const struct ir_node *schema, const char *key)
{
	struct schema_builder *b = builder(s, ctx);
	const struct ir_node *defs = ir_map_getc(schema, "definitions");
	if (!defs)
		defs = ir_map_getc(schema, "$defs");
	if (ir_is_map(defs))
		compile_defs(b, defs);
	const struct schema *root = compile(b, schema, 0);
	finish_doc(b);
	/* A resource's root: apiVersion, kind and metadata are always there,
	 * as for CRDs (kubeconform's converted CRD schemas leave them out). */
	if (root && (root->types & SCHEMA_T_OBJECT))
		root = as_resource(b, root);
	if (root)
		schema_set_put_key(s, key, root);
	return b->errors;
}
