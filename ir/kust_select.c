/*
 * kust_select.c - choosing resources the way kustomize's selectors do.
 *
 * A `target:` (patches, patchesJson6902, replacements, builtin plugin
 * configs) names resources by group, version, kind, name and namespace,
 * each a Go regular expression that kustomize anchors as ^(?:re)$, plus a
 * label selector and an annotation selector in Kubernetes' selector
 * syntax.  A resource is chosen when its original or current name (and
 * namespace) match, so a patch written against a base's names keeps
 * working after an overlay adds a prefix.
 *
 * Regular expressions are Go's (mc/re2.h).  Label selectors
 * are parsed by a port of apimachinery's lexer and parser, with its key and
 * value validation, so malformed selectors fail as kustomize fails.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"
#include "mc/re2.h"

/* ------------------------------------------------------ Go regexps */

struct kust_regex {
	struct re2 *re;
};

/* Compile ^(?:p)$ as kustomize anchors selector patterns. */
static const char *regex_compile(struct mc_ctx *ctx, struct kust_regex *re, const char *p,
	size_t n, struct sbuf *err)
{
	(void)ctx;
	struct sbuf pat = SBUF_INIT;
	sbuf_adds(&pat, "^(?:");
	sbuf_add(&pat, p, n);
	sbuf_adds(&pat, ")$");
	re->re = re2_compile(pat.buf, pat.len, err);
	sbuf_release(&pat);
	return re->re ? NULL : err->buf;
}

static bool regex_match(const struct kust_regex *re, const struct str *s)
{
	return re2_match(re->re, s->s, s->len);
}

/* ------------------------------------------------- label selectors */

enum lsel_op { LS_IN, LS_NOTIN, LS_EQ, LS_NE, LS_EXISTS, LS_NOTEXISTS, LS_GT, LS_LT };

struct lsel_req {
	const struct str *key;
	enum lsel_op op;
	const struct str **vals;
	size_t nvals;
	int64_t num;
};

struct kust_lsel {
	struct lsel_req *reqs;
	size_t n;
};

enum tok { T_ERR, T_END, T_CLOSE, T_COMMA, T_NOT, T_EQEQ, T_EQ, T_GT, T_ID, T_IN, T_LT, T_NE,
	T_NOTIN, T_OPEN };

struct lex_item {
	enum tok t;
	const char *s;
	size_t n;
};

static bool ls_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static bool ls_special(char c) { return c && strchr("=!(),><", c); }

static enum tok ls_keyword(const char *s, size_t n)
{
	static const struct { const char *s; enum tok t; } kw[] = {
		{ ")", T_CLOSE }, { ",", T_COMMA }, { "!", T_NOT }, { "==", T_EQEQ },
		{ "=", T_EQ }, { ">", T_GT }, { "in", T_IN }, { "<", T_LT }, { "!=", T_NE },
		{ "notin", T_NOTIN }, { "(", T_OPEN },
	};
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (strlen(kw[i].s) == n && !memcmp(kw[i].s, s, n))
			return kw[i].t;
	return T_ERR;
}

/* apimachinery's lexer: identifiers run to a space or special symbol;
 * special symbols take the longest run that is still a keyword. */
static size_t ls_lex(const char *s, size_t n, size_t pos, struct lex_item *it)
{
	while (pos < n && ls_space(s[pos]))
		pos++;
	if (pos >= n || !s[pos]) {
		*it = (struct lex_item){ T_END, s + pos, 0 };
		return pos;
	}
	size_t start = pos;
	if (ls_special(s[pos])) {
		enum tok last = T_ERR;
		size_t lastlen = 0;
		while (pos < n && ls_special(s[pos])) {
			enum tok t = ls_keyword(s + start, pos - start + 1);
			if (t != T_ERR) {
				last = t;
				lastlen = pos - start + 1;
			} else if (last != T_ERR) {
				break;
			}
			pos++;
		}
		if (last == T_ERR) {
			*it = (struct lex_item){ T_ERR, s + start, pos - start };
			return pos;
		}
		*it = (struct lex_item){ last, s + start, lastlen };
		return start + lastlen;
	}
	while (pos < n && s[pos] && !ls_special(s[pos]) && !ls_space(s[pos]))
		pos++;
	enum tok t = ls_keyword(s + start, pos - start);
	*it = (struct lex_item){ t == T_IN || t == T_NOTIN ? t : T_ID, s + start, pos - start };
	return pos;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool qualified_name_part(const char *s, size_t n)
{
	if (!n || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool dns1123_subdomain(const char *s, size_t n)
{
	if (!n || n > 253)
		return false;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '.')
			j++;
		if (j == i)
			return false;
		for (size_t k = i; k < j; k++) {
			char c = s[k];
			bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
			if (!ok || ((k == i || k == j - 1) && c == '-'))
				return false;
		}
		i = j + 1;
		if (j < n && i == n)
			return false;
	}
	return true;
}

static bool label_key_ok(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	const char *name = s;
	size_t nl = n;
	if (slash) {
		size_t pl = (size_t)(slash - s);
		if (memchr(slash + 1, '/', n - pl - 1))
			return false;
		if (!dns1123_subdomain(s, pl))
			return false;
		name = slash + 1;
		nl = n - pl - 1;
	}
	return nl > 0 && nl <= 63 && qualified_name_part(name, nl);
}

static bool label_value_ok(const char *s, size_t n)
{
	return n == 0 || (n <= 63 && qualified_name_part(s, n));
}

static int cmp_req(const void *a, const void *b)
{
	return str_cmp(((const struct lsel_req *)a)->key, ((const struct lsel_req *)b)->key);
}

static int cmp_strp(const void *a, const void *b)
{
	return str_cmp(*(const struct str *const *)a, *(const struct str *const *)b);
}

struct lparser {
	struct mc_ctx *ctx;
	struct lex_item *items;
	size_t n, pos;
	struct sbuf *err;
};

static enum tok lp_peek(struct lparser *p, bool values)
{
	enum tok t = p->items[p->pos].t;
	if (values && (t == T_IN || t == T_NOTIN))
		t = T_ID;
	return t;
}

static struct lex_item *lp_next(struct lparser *p)
{
	return &p->items[p->pos < p->n - 1 ? p->pos++ : p->pos];
}

/* "found '<token>', expected: <what>" */
static bool lp_fail(struct lparser *p, const char *what, const struct lex_item *it)
{
	sbuf_printf(p->err, "found '%.*s', expected: %s", (int)it->n, it->s, what);
	return false;
}

typedef VEC(const struct str *) strvec_t;

static void add_val(struct mc_ctx *ctx, strvec_t *v, const char *s, size_t n)
{
	const struct str *x = mc_intern(ctx, s, n);
	for (size_t i = 0; i < v->len; i++)
		if (v->items[i] == x)
			return;
	VEC_PUSH(&ctx->arena, v, x);
}

static bool lp_requirement(struct lparser *p, struct lsel_req *r)
{
	memset(r, 0, sizeof *r);
	struct lex_item *it = lp_next(p);
	bool notexists = false;
	if (it->t == T_NOT) {
		notexists = true;
		it = lp_next(p);
	}
	enum tok kt = it->t == T_IN || it->t == T_NOTIN ? T_ID : it->t;
	if (kt != T_ID)
		return lp_fail(p, "identifier", it);
	if (!label_key_ok(it->s, it->n)) {
		sbuf_printf(p->err, "invalid label key \"%.*s\"", (int)it->n, it->s);
		return false;
	}
	r->key = mc_intern(p->ctx, it->s, it->n);
	enum tok la = lp_peek(p, true);
	if (la == T_END || la == T_COMMA || notexists) {
		if (notexists) {
			r->op = LS_NOTEXISTS;
			return true;
		}
		r->op = LS_EXISTS;
		return true;
	}
	it = lp_next(p);
	switch (it->t) {
	case T_IN: r->op = LS_IN; break;
	case T_NOTIN: r->op = LS_NOTIN; break;
	case T_EQ: case T_EQEQ: r->op = LS_EQ; break;
	case T_NE: r->op = LS_NE; break;
	case T_GT: r->op = LS_GT; break;
	case T_LT: r->op = LS_LT; break;
	default:
		return lp_fail(p, "'=', '!=', '==', 'in', notin'", it);
	}
	strvec_t vals = { 0 };
	if (r->op == LS_IN || r->op == LS_NOTIN) {
		it = lp_next(p);
		if (it->t != T_OPEN)
			return lp_fail(p, "'('", it);
		enum tok t = lp_peek(p, true);
		if (t == T_CLOSE) {
			lp_next(p);
			add_val(p->ctx, &vals, "", 0);
		} else if (t == T_ID || t == T_COMMA) {
			for (;;) {
				it = lp_next(p);
				enum tok ct = it->t == T_IN || it->t == T_NOTIN ? T_ID : it->t;
				if (ct == T_ID) {
					add_val(p->ctx, &vals, it->s, it->n);
					enum tok t2 = lp_peek(p, true);
					if (t2 == T_COMMA)
						continue;
					if (t2 == T_CLOSE)
						break;
					return lp_fail(p, "',' or ')'", &p->items[p->pos]);
				} else if (ct == T_COMMA) {
					if (!vals.len)
						add_val(p->ctx, &vals, "", 0);
					enum tok t2 = lp_peek(p, true);
					if (t2 == T_CLOSE) {
						add_val(p->ctx, &vals, "", 0);
						break;
					}
					if (t2 == T_COMMA) {
						lp_next(p);
						add_val(p->ctx, &vals, "", 0);
					}
				} else {
					return lp_fail(p, "',', or identifier", it);
				}
			}
			it = lp_next(p);
			if (it->t != T_CLOSE)
				return lp_fail(p, "')'", it);
		} else {
			return lp_fail(p, "',', ')' or identifier", &p->items[p->pos]);
		}
	} else {
		enum tok t = lp_peek(p, true);
		if (t == T_END || t == T_COMMA) {
			add_val(p->ctx, &vals, "", 0);
		} else {
			it = lp_next(p);
			enum tok ct = it->t == T_IN || it->t == T_NOTIN ? T_ID : it->t;
			if (ct != T_ID)
				return lp_fail(p, "identifier", it);
			add_val(p->ctx, &vals, it->s, it->n);
		}
	}
	if (r->op == LS_GT || r->op == LS_LT) {
		if (!go_parse_int(vals.items[0]->s, vals.items[0]->len, 10, &r->num)) {
			sbuf_adds(p->err, "for 'Gt', 'Lt' operators, the value must be an integer");
			return false;
		}
	}
	qsort(vals.items, vals.len, sizeof *vals.items, cmp_strp);
	for (size_t i = 0; i < vals.len; i++) {
		if (!label_value_ok(vals.items[i]->s, vals.items[i]->len)) {
			sbuf_printf(p->err, "invalid label value: \"%s\": at key: \"%s\"",
				vals.items[i]->s, r->key->s);
			return false;
		}
	}
	r->vals = vals.items;
	r->nvals = vals.len;
	return true;
}

/* Parse a selector; false with a message in err. */
static bool lsel_parse(struct mc_ctx *ctx, const struct str *sel, struct kust_lsel *out,
	struct sbuf *err)
{
	memset(out, 0, sizeof *out);
	VEC(struct lex_item) items = { 0 };
	size_t pos = 0;
	for (;;) {
		struct lex_item it;
		pos = ls_lex(sel->s, sel->len, pos, &it);
		VEC_PUSH(&ctx->arena, &items, it);
		if (it.t == T_END)
			break;
	}
	struct lparser p = { ctx, items.items, items.len, 0, err };
	VEC(struct lsel_req) reqs = { 0 };
	for (;;) {
		enum tok t = lp_peek(&p, true);
		if (t == T_END)
			break;
		if (t != T_ID && t != T_NOT) {
			const struct lex_item *it = &p.items[p.pos];
			sbuf_printf(err, "found '%.*s', expected: !, identifier, or 'end of string'",
				(int)it->n, it->s);
			return false;
		}
		struct lsel_req r;
		size_t mark = err->len;
		if (!lp_requirement(&p, &r)) {
			struct sbuf tmp = SBUF_INIT;
			sbuf_adds(&tmp, "unable to parse requirement: ");
			sbuf_add(&tmp, err->buf + mark, err->len - mark);
			sbuf_truncate(err, mark);
			sbuf_add(err, tmp.buf, tmp.len);
			sbuf_release(&tmp);
			return false;
		}
		VEC_PUSH(&ctx->arena, &reqs, r);
		const struct lex_item *it = lp_next(&p);
		enum tok nt = it->t == T_IN || it->t == T_NOTIN ? T_ID : it->t;
		if (nt == T_END)
			break;
		if (nt != T_COMMA) {
			sbuf_printf(err, "found '%.*s', expected: ',' or 'end of string'", (int)it->n, it->s);
			return false;
		}
		enum tok t2 = lp_peek(&p, true);
		if (t2 != T_ID && t2 != T_NOT) {
			const struct lex_item *n2 = &p.items[p.pos];
			sbuf_printf(err, "found '%.*s', expected: identifier after ','", (int)n2->n, n2->s);
			return false;
		}
	}
	if (reqs.len)
		qsort(reqs.items, reqs.len, sizeof *reqs.items, cmp_req);
	out->reqs = reqs.items;
	out->n = reqs.len;
	return true;
}

/* The value of key in a labels/annotations map as Go's map[string]string
 * sees it; *has is false when absent. */
static const struct str *label_get(struct mc_ctx *ctx, const struct ir_node *m,
	const struct str *key, bool *has)
{
	const struct ir_node *v = ir_map_get(m, key);
	*has = ir_map_find(m, key) != NULL;
	if (!*has)
		return NULL;
	if (ir_is_scalar(v) && v->type != IR_NULL)
		return v->s.text;
	return ctx->s_empty;
}

static bool req_has(const struct lsel_req *r, const struct str *v)
{
	for (size_t i = 0; i < r->nvals; i++)
		if (str_eq(r->vals[i], v))
			return true;
	return false;
}

static bool lsel_match(struct mc_ctx *ctx, const struct kust_lsel *s, const struct ir_node *m)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct lsel_req *r = &s->reqs[i];
		bool has;
		const struct str *v = label_get(ctx, m, r->key, &has);
		bool ok;
		switch (r->op) {
		case LS_IN: case LS_EQ: ok = has && req_has(r, v); break;
		case LS_NOTIN: case LS_NE: ok = !has || !req_has(r, v); break;
		case LS_EXISTS: ok = has; break;
		case LS_NOTEXISTS: ok = !has; break;
		default: {
			int64_t x;
			ok = has && go_parse_int(v->s, v->len, 10, &x) &&
				(r->op == LS_GT ? x > r->num : x < r->num);
			break;
		}
		}
		if (!ok)
			return false;
	}
	return true;
}

/* ------------------------------------------------------- selectors */

static const char *const sel_fields[] = {
	"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector",
};

int kust_selector_parse(struct mc_ctx *ctx, const struct ir_node *target, const char *what,
	struct kust_selector *sel)
{
	memset(sel, 0, sizeof *sel);
	if (target)
		sel->pos = target->pos;
	if (ir_is_null(target))
		return 0;
	if (!ir_is_map(target))
		return diag_error(&ctx->diag, &target->pos,
			"invalid %s: json: cannot unmarshal %s into Go value of type types.Selector",
			what, ir_is_seq(target) ? "array" : "string");
	const struct str **slots[] = { &sel->group, &sel->version, &sel->kind, &sel->name,
		&sel->ns, &sel->label_selector, &sel->anno_selector };
	int errors = 0;
	for (uint32_t i = 0; i < target->map.len; i++) {
		const struct ir_pair *p = &target->map.items[i];
		size_t f = 0;
		while (f < sizeof sel_fields / sizeof sel_fields[0] && !str_eqc(p->key->s.text, sel_fields[f]))
			f++;
		if (f == sizeof sel_fields / sizeof sel_fields[0]) {
			errors += diag_error(&ctx->diag, &p->key->pos,
				"invalid %s: json: unknown field \"%s\"", what, p->key->s.text->s);
			continue;
		}
		if (ir_is_null(p->value))
			continue;
		if (!ir_is_str(p->value)) {
			errors += diag_error(&ctx->diag, &p->value->pos,
				"invalid %s: json: cannot unmarshal %s into Go struct field %s of type string",
				what, ir_is_scalar(p->value) ? (p->value->type == IR_BOOL ? "bool" : "number")
				: ir_is_seq(p->value) ? "array" : "object", sel_fields[f]);
			continue;
		}
		*slots[f] = p->value->s.text;
	}
	return errors;
}

struct kust_selector_re {
	struct kust_regex re[5]; /* group, version, kind, name, namespace */
	struct kust_lsel labels, anno;
	bool has_labels, has_anno;
	int errors;
};

int kust_selector_compile(struct mc_ctx *ctx, struct kust_selector *sel)
{
	if (sel->re)
		return sel->re->errors;
	struct kust_selector_re *c = arena_calloc(&ctx->arena, 1, sizeof *c);
	sel->re = c;
	const struct str *pats[5] = { sel->group, sel->version, sel->kind, sel->name, sel->ns };
	struct sbuf err = SBUF_INIT;
	int errors = 0;
	for (int i = 0; i < 5 && !errors; i++) {
		if (!pats[i] || !pats[i]->len)
			continue;
		sbuf_reset(&err);
		if (regex_compile(ctx, &c->re[i], pats[i]->s, pats[i]->len, &err))
			errors += diag_error(&ctx->diag, &sel->pos, "%s", err.buf);
	}
	const struct str *ls[2] = { sel->label_selector, sel->anno_selector };
	for (int i = 0; i < 2 && !errors; i++) {
		if (!ls[i] || !ls[i]->len)
			continue;
		sbuf_reset(&err);
		if (!lsel_parse(ctx, ls[i], i ? &c->anno : &c->labels, &err))
			errors += diag_error(&ctx->diag, &sel->pos, "%s", err.buf);
		else if (i)
			c->has_anno = true;
		else
			c->has_labels = true;
	}
	sbuf_release(&err);
	c->errors = errors;
	return errors;
}

void kust_selector_release(struct kust_selector *sel)
{
	if (!sel->re)
		return;
	for (int i = 0; i < 5; i++)
		if (sel->re->re[i].re)
			re2_free(sel->re->re[i].re);
	sel->re = NULL;
}

static bool re_ok(const struct kust_selector_re *c, int i, const struct str *pat,
	const struct str *s)
{
	return !pat || !pat->len || regex_match(&c->re[i], s);
}

bool kust_selector_match(struct mc_ctx *ctx, const struct kust_selector *sel,
	struct ir_resource *r)
{
	const struct kust_selector_re *c = sel->re;
	if (!c || c->errors)
		return false;
	struct ir_resid org;
	kust_orgid(ctx, r, &org);
	const struct ir_resid *cur = &r->id;
	if (sel->ns && sel->ns->len &&
		!regex_match(&c->re[4], kust_effective_ns(ctx, &org)) &&
		!regex_match(&c->re[4], kust_effective_ns(ctx, cur)))
		return false;
	if (sel->name && sel->name->len && !regex_match(&c->re[3], org.name) &&
		!regex_match(&c->re[3], cur->name))
		return false;
	if (!re_ok(c, 0, sel->group, cur->group) || !re_ok(c, 1, sel->version, cur->version) ||
		!re_ok(c, 2, sel->kind, cur->kind))
		return false;
	const struct ir_node *md = ir_map_get(r->body, ctx->s_metadata);
	if (c->has_labels && !lsel_match(ctx, &c->labels, ir_map_get(md, ctx->s_labels)))
		return false;
	if (c->has_anno && !lsel_match(ctx, &c->anno, ir_map_get(md, ctx->s_annotations)))
		return false;
	return true;
}

int kust_select(struct mc_ctx *ctx, struct kust_selector *sel, const struct ir_reslist *in,
	struct ir_reslist *out)
{
	int errors = kust_selector_compile(ctx, sel);
	if (errors)
		return errors;
	for (size_t i = 0; i < in->len; i++)
		if (kust_selector_match(ctx, sel, in->items[i]))
			ir_reslist_push(ctx, out, in->items[i]);
	return 0;
}

const char *kust_selector_fmt(struct mc_ctx *ctx, const struct kust_selector *sel)
{
	/* types.Selector's String(): the ResId, then the two selectors. */
	const char *g = sel->group ? sel->group->s : "", *v = sel->version ? sel->version->s : "",
		*k = sel->kind ? sel->kind->s : "";
	const char *nm = sel->name && sel->name->len ? sel->name->s : "[noName]";
	const char *ns = sel->ns && sel->ns->len ? sel->ns->s : "[noNs]";
	return arena_printf(&ctx->arena, "%s.%s.%s/%s.%s:a=%s:l=%s", *k ? k : "[noKind]",
		*v ? v : "[noVer]", *g ? g : "[noGrp]", nm, ns,
		sel->anno_selector ? sel->anno_selector->s : "",
		sel->label_selector ? sel->label_selector->s : "");
}
