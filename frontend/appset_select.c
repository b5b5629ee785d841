/*
 * appset_select.c - label selectors over parameters and cluster Secrets.
 *
 * Argo CD filters generator parameters with its own copy of
 * LabelSelectorAsSelector: keys must be qualified names, values are not
 * validated (so a selector may match a server URL), operators are In,
 * NotIn, Exists and DoesNotExist, and NotIn passes when the key is absent.
 * Cluster Secrets are listed with the Kubernetes original, which also
 * validates values as label values.  Requirements are kept sorted by key as
 * the Go code does; matching is the conjunction of all of them.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"

enum op { OP_IN, OP_NOTIN, OP_EXISTS, OP_NOTEXISTS };

struct req {
	const struct str *key;
	enum op op;
	const struct str **values;
	size_t nvalues;
};

struct appset_selector {
	struct req *reqs;
	size_t len;
};

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 bytes. */
static bool label_name(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 1123 subdomain, at most 253 bytes. */
static bool dns_subdomain(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '.')
			e++;
		if (e == i || !lower_alnum(s[i]) || !lower_alnum(s[e - 1]))
			return false;
		for (size_t j = i; j < e; j++)
			if (!lower_alnum(s[j]) && s[j] != '-')
				return false;
		if (e == n)
			break;
		i = e + 1;
		if (i == n)
			return false;
	}
	return true;
}

bool appset_qualified_name(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	if (!slash)
		return label_name(s, n);
	size_t pl = (size_t)(slash - s);
	if (memchr(slash + 1, '/', n - pl - 1))
		return false;
	return dns_subdomain(s, pl) && label_name(slash + 1, n - pl - 1);
}

bool appset_label_value(const char *s, size_t n)
{
	return n == 0 || label_name(s, n);
}

static int cmp_req(const void *a, const void *b)
{
	return str_cmp(((const struct req *)a)->key, ((const struct req *)b)->key);
}

static int add_req(struct mc_ctx *ctx, struct appset_selector *s, size_t *cap,
	const struct str *key, enum op op, const struct ir_node *values, const struct ir_node *single,
	bool check_values, struct sbuf *err)
{
	if (!appset_qualified_name(key->s, key->len)) {
		sbuf_printf(err, "key: Invalid value: \"%s\": "
			"name part must consist of alphanumeric characters, '-', '_' or '.', and must "
			"start and end with an alphanumeric character", key->s);
		return 1;
	}
	if (s->len == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		struct req *r = arena_alloc(&ctx->arena, *cap * sizeof *r);
		if (s->len)
			memcpy(r, s->reqs, s->len * sizeof *r);
		s->reqs = r;
	}
	struct req *r = &s->reqs[s->len++];
	memset(r, 0, sizeof *r);
	r->key = key;
	r->op = op;
	size_t nv = single ? 1 : ir_is_seq(values) ? values->seq.len : 0;
	r->values = arena_alloc(&ctx->arena, (nv ? nv : 1) * sizeof *r->values);
	for (size_t i = 0; i < nv; i++) {
		const struct ir_node *v = single ? single : values->seq.items[i];
		const struct str *t = ir_text(v);
		if (!t || ir_is_null(v)) {
			sbuf_printf(err, "values must be strings");
			return 1;
		}
		if (check_values && !appset_label_value(t->s, t->len)) {
			sbuf_printf(err, "values[%zu][%s]: Invalid value: "
				"\"%s\": a valid label must be an empty string or consist of alphanumeric "
				"characters, '-', '_' or '.', and must start and end with an alphanumeric "
				"character", i, key->s, t->s);
			return 1;
		}
		r->values[r->nvalues++] = t;
	}
	if ((op == OP_IN || op == OP_NOTIN) && !nv) {
		sbuf_printf(err, "values: Invalid value: []: "
			"for 'in', 'notin' operators, values set can't be empty");
		return 1;
	}
	if ((op == OP_EXISTS || op == OP_NOTEXISTS) && nv) {
		sbuf_printf(err, "values: Invalid value: "
			"values set must be empty for exists and does not exist");
		return 1;
	}
	return 0;
}

int appset_selector_parse(struct mc_ctx *ctx, const struct ir_node *sel, bool check_values,
	struct appset_selector **out, struct sbuf *err)
{
	struct appset_selector *s = arena_calloc(&ctx->arena, 1, sizeof *s);
	*out = s;
	if (ir_is_null(sel))
		return 0;
	if (!ir_is_map(sel)) {
		sbuf_adds(err, "a selector must be a map");
		return 1;
	}
	size_t cap = 0;
	const struct ir_node *ml = ir_map_getc(sel, "matchLabels");
	if (!ir_is_null(ml) && !ir_is_map(ml)) {
		sbuf_adds(err, "matchLabels must be a map");
		return 1;
	}
	for (uint32_t i = 0; ir_is_map(ml) && i < ml->map.len; i++)
		if (add_req(ctx, s, &cap, ml->map.items[i].key->s.text, OP_IN, NULL,
			ml->map.items[i].value, check_values, err))
			return 1;
	const struct ir_node *me = ir_map_getc(sel, "matchExpressions");
	if (!ir_is_null(me) && !ir_is_seq(me)) {
		sbuf_adds(err, "matchExpressions must be a list");
		return 1;
	}
	for (uint32_t i = 0; ir_is_seq(me) && i < me->seq.len; i++) {
		const struct ir_node *e = me->seq.items[i];
		const char *opname = ir_cstr(ir_map_getc(e, "operator"));
		const struct str *key = ir_text(ir_map_getc(e, "key"));
		enum op op;
		if (!opname)
			opname = "";
		if (!strcmp(opname, "In"))
			op = OP_IN;
		else if (!strcmp(opname, "NotIn"))
			op = OP_NOTIN;
		else if (!strcmp(opname, "Exists"))
			op = OP_EXISTS;
		else if (!strcmp(opname, "DoesNotExist"))
			op = OP_NOTEXISTS;
		else {
			sbuf_printf(err, "\"%s\" is not a valid pod selector operator",
				opname);
			return 1;
		}
		if (add_req(ctx, s, &cap, key ? key : ctx->s_empty, op, ir_map_getc(e, "values"), NULL,
			check_values, err))
			return 1;
	}
	if (s->len)
		qsort(s->reqs, s->len, sizeof *s->reqs, cmp_req);
	return 0;
}

bool appset_selector_match(const struct appset_selector *s, const struct ir_node *labels)
{
	for (size_t i = 0; i < s->len; i++) {
		const struct req *r = &s->reqs[i];
		const struct ir_node *v = ir_map_get(labels, r->key);
		bool has = v != NULL;
		bool in = false;
		for (size_t j = 0; has && j < r->nvalues && !in; j++)
			in = str_eq(ir_text(v), r->values[j]);
		bool ok;
		switch (r->op) {
		case OP_IN: ok = has && in; break;
		case OP_NOTIN: ok = !has || !in; break;
		case OP_EXISTS: ok = has; break;
		default: ok = !has; break;
		}
		if (!ok)
			return false;
	}
	return true;
}
