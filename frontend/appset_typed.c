/*
 * appset_typed.c - does a templatePatch decode into an Application?
 *
 * Argo CD first unmarshals the rendered patch into its Go Application type
 * and rejects the patch ("invalid templatePatch") when a value has the
 * wrong JSON type for its field: a string where an object is, a number in
 * a string field, a fraction in an integer field.  encoding/json ignores
 * fields the type does not have, matches field names case-insensitively,
 * accepts null anywhere, and takes anything in raw JSON fields (Helm's
 * valuesObject).  The Application CRD schema embedded in the binary stands
 * for the Go type here: its `type` keywords are the fields' Go kinds.
 *
 * A patch given as JSON text is decoded as it is; YAML text goes through
 * YAML-to-JSON first, where a number is a float64 printed back, so 2.0 is
 * an integer (2) there but not in JSON text.
 */
#include <math.h>
#include <strings.h>

#include "argocd.h"
#include "mc/schema.h"

#define TYPED_MAX_DEPTH 64

static const char *json_type(const struct ir_node *n)
{
	switch (n->type) {
	case IR_BOOL: return "bool";
	case IR_INT: case IR_FLOAT: return "number";
	case IR_STR: return "string";
	case IR_MAP: return "object";
	case IR_SEQ: return "array";
	}
	return "value";
}

static const char *go_type(const struct schema *s)
{
	if (s->flags & SCHEMA_F_INT_OR_STRING || s->format == SCHEMA_FMT_INT_OR_STRING)
		return "intstr.IntOrString";
	if (s->types & SCHEMA_T_OBJECT)
		return s->additional ? "map" : "struct";
	if (s->types & SCHEMA_T_ARRAY)
		return "slice";
	if (s->types & SCHEMA_T_STRING)
		return "string";
	if (s->types & SCHEMA_T_BOOLEAN)
		return "bool";
	if (s->types & SCHEMA_T_INTEGER)
		return s->format == SCHEMA_FMT_INT32 ? "int32" : "int64";
	return "float64";
}

/* An integer field takes an integer literal in range; through YAML a float
 * with no fraction prints as one. */
static bool integer_ok(const struct ir_node *n, bool json_text, bool is32)
{
	double v;
	if (n->type == IR_INT) {
		if (n->flags & IR_F_UINT)
			return !is32 && n->s.v.u <= INT64_MAX;
		v = (double)n->s.v.i;
	} else if (n->type == IR_FLOAT && !json_text) {
		v = n->s.v.f;
		/* %v of a float64 of 1e21 or more is in e-notation: not an integer. */
		if (v != floor(v) || fabs(v) >= 1e21)
			return false;
	} else {
		return false;
	}
	return is32 ? v >= -2147483648.0 && v <= 2147483647.0 : true;
}

/* The declared property for a JSON key: exact, else the first that matches
 * without regard to case (as encoding/json does). */
static const struct schema *field_of(const struct schema *s, const struct str *key)
{
	const struct schema *f = schema_prop(s, key->s, key->len);
	if (f)
		return f;
	for (uint32_t i = 0; i < s->nprops; i++)
		if (s->props[i].len == key->len && !strncasecmp(s->props[i].name, key->s, key->len))
			return s->props[i].schema;
	return NULL;
}

static int check(const struct schema *s, const struct ir_node *n, bool json_text, struct sbuf *path,
	int depth, struct sbuf *err)
{
	if (!s || !n || ir_is_null(n) || !s->types || (s->flags & SCHEMA_F_PRESERVE_UNKNOWN))
		return 0;
	if (depth > TYPED_MAX_DEPTH)
		return 0;
	bool ok;
	if (s->flags & SCHEMA_F_INT_OR_STRING || s->format == SCHEMA_FMT_INT_OR_STRING)
		ok = n->type == IR_STR || ((n->type == IR_INT || n->type == IR_FLOAT) &&
			integer_ok(n, json_text, true));
	else if (ir_is_map(n))
		ok = s->types & SCHEMA_T_OBJECT;
	else if (ir_is_seq(n))
		ok = s->types & SCHEMA_T_ARRAY;
	else if (n->type == IR_STR)
		ok = s->types & SCHEMA_T_STRING;
	else if (n->type == IR_BOOL)
		ok = s->types & SCHEMA_T_BOOLEAN;
	else if (s->types & SCHEMA_T_NUMBER)
		ok = true;
	else if (s->types & SCHEMA_T_INTEGER)
		ok = integer_ok(n, json_text, s->format == SCHEMA_FMT_INT32);
	else
		ok = false;
	if (!ok) {
		sbuf_printf(err, "json: cannot unmarshal %s into Go struct field Application.%s of type %s",
			json_type(n), path->buf, go_type(s));
		return 1;
	}
	size_t mark = path->len;
	if (ir_is_map(n)) {
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct str *k = n->map.items[i].key->s.text;
			const struct schema *f = field_of(s, k);
			if (!f)
				f = s->additional;
			if (!f)
				continue; /* a field the type does not have: ignored */
			sbuf_printf(path, "%s%s", mark ? "." : "", k->s);
			int rc = check(f, n->map.items[i].value, json_text, path, depth + 1, err);
			sbuf_truncate(path, mark);
			if (rc)
				return 1;
		}
	} else if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++)
			if (check(s->items, n->seq.items[i], json_text, path, depth + 1, err))
				return 1;
	}
	return 0;
}

int appset_patch_typecheck(const struct ir_node *patch, bool json_text, struct sbuf *err)
{
	const struct schema *app = schema_lookup(schema_builtin(), "argoproj.io", "v1alpha1",
		"Application");
	if (!app || !ir_is_map(patch))
		return 0;
	struct sbuf path = SBUF_INIT;
	int rc = check(app, patch, json_text, &path, 0, err);
	sbuf_release(&path);
	return rc;
}
