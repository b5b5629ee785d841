/*
 * yaml.c - the YAML loader: libfyaml events to IR nodes.
 *
 * We use libfyaml's event parser rather than its document API: events carry
 * a start mark for every node (collections included, which the 0.7 document
 * API does not expose), and building our own nodes directly avoids a second
 * tree.  On top of the parser this file adds what the Go libraries behind
 * kustomize, Helm and kubectl do and libfyaml does not: scalar resolution
 * (go-yaml v2's YAML 1.1 rules or v3's), merge keys, duplicate-key errors,
 * and caps on depth and on the number of nodes, which also bounds alias
 * expansion (a "billion laughs" document fails with a clear error instead
 * of exhausting memory).  Aliases are expanded by copying, so the IR stays
 * a tree that passes may edit freely.
 */
#include <libfyaml.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/frontend.h"

#if defined(__SANITIZE_ADDRESS__)
#define PARSE_RECYCLING_FLAG FYPCF_DISABLE_RECYCLING
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARSE_RECYCLING_FLAG FYPCF_DISABLE_RECYCLING
#endif
#endif
#ifndef PARSE_RECYCLING_FLAG
#define PARSE_RECYCLING_FLAG 0
#endif

/* ------------------------------------------------------------ resolution */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Go time.Parse getnum: one or two digits (exactly two when fixed). */
static bool getnum(const char **p, const char *e, bool fixed, int *out)
{
	const char *s = *p;
	if (s >= e || !is_digit(s[0]))
		return false;
	if (s + 1 >= e || !is_digit(s[1])) {
		if (fixed)
			return false;
		*out = s[0] - '0';
		*p = s + 1;
		return true;
	}
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	*p = s + 2;
	return true;
}

static int days_in(int month, int year)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return d[month - 1];
}

/* One of go-yaml's allowedTimestampFormats.  form: 0 "2006-1-2T15:4:5.999999999Z07:00",
 * 1 the same with 't', 2 "2006-1-2 15:4:5.999999999", 3 "2006-1-2". */
static bool parse_time(const char *s, const char *e, int form, struct sbuf *out)
{
	const char *p = s;
	int year = 0, mon, day, hh = 0, mm = 0, ss = 0, tzh = 0, tzm = 0, tzsign = 0;
	char frac[10] = "";
	if (e - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		if (!is_digit(p[i]))
			return false;
		year = year * 10 + (p[i] - '0');
	}
	p += 4;
	if (p >= e || *p++ != '-' || !getnum(&p, e, false, &mon))
		return false;
	if (p >= e || *p++ != '-' || !getnum(&p, e, false, &day))
		return false;
	if (form != 3) {
		char sep = form == 0 ? 'T' : form == 1 ? 't' : ' ';
		if (p >= e || *p++ != sep || !getnum(&p, e, false, &hh))
			return false;
		if (p >= e || *p++ != ':' || !getnum(&p, e, false, &mm))
			return false;
		if (p >= e || *p++ != ':' || !getnum(&p, e, false, &ss))
			return false;
		if (e - p >= 2 && (*p == '.' || *p == ',') && is_digit(p[1])) {
			const char *f = ++p;
			while (p < e && is_digit(*p))
				p++;
			size_t n = (size_t)(p - f);
			if (n > 9)
				n = 9;
			memcpy(frac, f, n);
			frac[n] = '\0';
		}
		if (form <= 1) {
			if (p < e && *p == 'Z') {
				p++;
			} else {
				if (e - p < 6 || (p[0] != '+' && p[0] != '-') || p[3] != ':')
					return false;
				tzsign = p[0] == '-' ? -1 : 1;
				const char *q = p + 1;
				if (!getnum(&q, p + 3, true, &tzh))
					return false;
				q = p + 4;
				if (!getnum(&q, p + 6, true, &tzm))
					return false;
				if (tzh > 24 || tzm > 60)
					return false;
				p += 6;
			}
		}
	}
	if (p != e)
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > days_in(mon, year))
		return false;
	if (hh > 23 || mm > 59 || ss > 59)
		return false;
	if (out) {
		sbuf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d", year, mon, day, hh, mm, ss);
		size_t n = strlen(frac);
		while (n > 0 && frac[n - 1] == '0')
			n--;
		if (n) {
			sbuf_addc(out, '.');
			sbuf_add(out, frac, n);
		}
		if (tzsign == 0 || (tzh == 0 && tzm == 0))
			sbuf_addc(out, 'Z');
		else
			sbuf_printf(out, "%c%02d:%02d", tzsign < 0 ? '-' : '+', tzh, tzm);
	}
	return true;
}

bool yaml_timestamp(const char *s, size_t n, struct sbuf *out)
{
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i != 4 || i == n || s[i] != '-')
		return false;
	for (int form = 0; form < 4; form++) {
		size_t mark = out ? out->len : 0;
		if (parse_time(s, s + n, form, out))
			return true;
		if (out)
			sbuf_truncate(out, mark);
	}
	return false;
}

struct word {
	const char *w;
	uint8_t len;
	enum ir_type t;
	int v; /* bool value, or float class: 1 +inf, -1 -inf, 2 nan */
};

#define W(s, t, v) { s, sizeof s - 1, t, v }

static const struct word v2_words[] = {
	W("y", IR_BOOL, 1), W("Y", IR_BOOL, 1), W("yes", IR_BOOL, 1), W("Yes", IR_BOOL, 1),
	W("YES", IR_BOOL, 1), W("on", IR_BOOL, 1), W("On", IR_BOOL, 1), W("ON", IR_BOOL, 1),
	W("true", IR_BOOL, 1), W("True", IR_BOOL, 1), W("TRUE", IR_BOOL, 1),
	W("n", IR_BOOL, 0), W("N", IR_BOOL, 0), W("no", IR_BOOL, 0), W("No", IR_BOOL, 0),
	W("NO", IR_BOOL, 0), W("off", IR_BOOL, 0), W("Off", IR_BOOL, 0), W("OFF", IR_BOOL, 0),
	W("false", IR_BOOL, 0), W("False", IR_BOOL, 0), W("FALSE", IR_BOOL, 0),
	{ NULL, 0, 0, 0 },
};

static const struct word v3_words[] = {
	W("true", IR_BOOL, 1), W("True", IR_BOOL, 1), W("TRUE", IR_BOOL, 1),
	W("false", IR_BOOL, 0), W("False", IR_BOOL, 0), W("FALSE", IR_BOOL, 0),
	{ NULL, 0, 0, 0 },
};

static const struct word common_words[] = {
	W("~", IR_NULL, 0), W("null", IR_NULL, 0), W("Null", IR_NULL, 0), W("NULL", IR_NULL, 0),
	W(".nan", IR_FLOAT, 2), W(".NaN", IR_FLOAT, 2), W(".NAN", IR_FLOAT, 2),
	W(".inf", IR_FLOAT, 1), W(".Inf", IR_FLOAT, 1), W(".INF", IR_FLOAT, 1),
	W("+.inf", IR_FLOAT, 1), W("+.Inf", IR_FLOAT, 1), W("+.INF", IR_FLOAT, 1),
	W("-.inf", IR_FLOAT, -1), W("-.Inf", IR_FLOAT, -1), W("-.INF", IR_FLOAT, -1),
	{ NULL, 0, 0, 0 },
};

static const struct word *lookup_word(const struct word *tab, const char *s, size_t n)
{
	/* Every word is at most 6 bytes: most scalars are ruled out at once. */
	if (n > 6)
		return NULL;
	for (; tab->w; tab++)
		if (tab->len == n && tab->w[0] == s[0] && memcmp(tab->w, s, n) == 0)
			return tab;
	return NULL;
}

#undef W

/* The number of digits at s[*i], which moves past them. */
static size_t digits(const char *s, size_t n, size_t *i)
{
	size_t d = *i;
	while (*i < n && is_digit(s[*i]))
		(*i)++;
	return *i - d;
}

/* go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		if (!digits(s, n, &i))
			return false;
	} else {
		if (!digits(s, n, &i))
			return false;
		if (i < n && s[i] == '.') {
			i++;
			digits(s, n, &i);
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digits(s, n, &i))
			return false;
	}
	return i == n;
}

static void set_float(struct ir_node *node, double f)
{
	node->type = IR_FLOAT;
	node->s.v.f = f;
}

enum ir_type yaml_resolve(enum yaml_schema schema, const char *s, size_t n,
	struct ir_node *node)
{
	node->flags &= (uint16_t)~(IR_F_UINT | IR_F_TIMESTAMP);
	node->type = IR_STR;
	if (n == 0) {
		node->type = IR_NULL;
		return IR_NULL;
	}
	char c = s[0];
	char hint = 0;
	if (c == '+' || c == '-')
		hint = 'S';
	else if (is_digit(c))
		hint = 'D';
	else if (c == 'n' || c == 'N' || c == 't' || c == 'T' || c == 'f' || c == 'F' || c == '~' ||
		 (schema == YAML_V2 && (c == 'y' || c == 'Y' || c == 'o' || c == 'O')))
		hint = 'M';
	else if (c == '.')
		hint = '.';
	if (!hint)
		return IR_STR;
	const struct word *w = lookup_word(schema == YAML_V2 ? v2_words : v3_words, s, n);
	if (!w)
		w = lookup_word(common_words, s, n);
	if (w) {
		node->type = (uint8_t)w->t;
		if (w->t == IR_BOOL)
			node->s.v.b = w->v;
		else if (w->t == IR_FLOAT)
			set_float(node, w->v == 2 ? NAN : w->v > 0 ? INFINITY : -INFINITY);
		return w->t;
	}
	if (hint == '.') {
		double f;
		if (go_parse_float(s, n, &f)) {
			set_float(node, f);
			return IR_FLOAT;
		}
		return IR_STR;
	}
	if (hint == 'M')
		return IR_STR;
	/* 'D' or 'S': timestamp, int, float. */
	if (hint == 'D' && yaml_timestamp(s, n, NULL)) {
		if (schema == YAML_V3)
			node->flags |= IR_F_TIMESTAMP;
		return IR_STR;
	}
	char small[64];
	char *plain = n < sizeof small ? small : xmalloc(n + 1);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			plain[m++] = s[i];
	plain[m] = '\0';
	enum ir_type t = IR_STR;
	int64_t iv;
	uint64_t uv;
	double fv;
	if (go_parse_int(plain, m, 0, &iv)) {
		node->type = IR_INT;
		node->s.v.i = iv;
		t = IR_INT;
	} else if (go_parse_uint(plain, m, 0, &uv)) {
		node->type = IR_INT;
		node->s.v.u = uv;
		node->flags |= IR_F_UINT;
		t = IR_INT;
	} else if (yaml_style_float(plain, m) && go_parse_float(plain, m, &fv)) {
		set_float(node, fv);
		t = IR_FLOAT;
	}
	if (plain != small)
		free(plain);
	return t;
}

/* --------------------------------------------------------------- loader */

struct frame {
	struct ir_node *node;
	struct ir_node *key;    /* map: the pending key */
	bool merge_next;        /* map: the pending key is "<<" */
	VEC(struct ir_node *) merges;
};

struct anchor {
	const struct str *name;
	struct ir_node *node;
};

struct loader {
	struct mc_ctx *ctx;
	const struct yaml_opts *o;
	const struct srcfile *f;
	const struct srcfile *posf;
	VEC(struct frame) stack;
	VEC(struct anchor) anchors;
	struct ir_node *root;
	bool have_root;
	size_t nodes, max_nodes;
	int errors;
	bool failed; /* stop building after a structural error */
	/* Empty entries of indentless sequences, written as `- ~` in a copy
	 * of the text (libfyaml refuses them): line and column of each `~`. */
	struct srcfile *mended;
	uint32_t fix_line[64], fix_col[64];
	unsigned nfix;
};

static struct srcpos mark_pos(struct loader *L, struct fy_token *t)
{
	struct srcpos p = { L->posf, 0, 0 };
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
	if (m) {
		p.line = (uint32_t)m->line + 1 + L->o->line_offset;
		p.col = (uint32_t)m->column + 1 + L->o->col_offset;
	}
	return p;
}

static int lerror(struct loader *L, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lerror(struct loader *L, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(&L->ctx->diag, DIAG_ERROR, pos, "yaml", NULL, fmt, ap);
	va_end(ap);
	L->errors++;
	L->failed = true;
	return 1;
}

static bool count_nodes(struct loader *L, size_t n, const struct srcpos *pos)
{
	L->nodes += n;
	if (L->nodes > L->max_nodes) {
		lerror(L, pos, "document too large: more than %zu nodes (after expanding aliases)",
			L->max_nodes);
		return false;
	}
	return true;
}

static const char *tag_short(const struct str *tag)
{
	static const char pfx[] = "tag:yaml.org,2002:";
	if (tag && tag->len > sizeof pfx - 1 && memcmp(tag->s, pfx, sizeof pfx - 1) == 0)
		return tag->s + sizeof pfx - 1;
	return NULL;
}

static void add_anchor(struct loader *L, struct fy_token *anchor, struct ir_node *n)
{
	if (!anchor)
		return;
	size_t len;
	const char *a = fy_token_get_text(anchor, &len);
	if (!a)
		return;
	struct anchor an = { mc_intern(L->ctx, a, len), n };
	/* A later anchor of the same name shadows the earlier one. */
	for (size_t i = 0; i < L->anchors.len; i++)
		if (L->anchors.items[i].name == an.name) {
			L->anchors.items[i].node = n;
			return;
		}
	VEC_PUSH(&L->ctx->arena, &L->anchors, an);
}

static void attach(struct loader *L, struct ir_node *n, const struct srcpos *pos, bool plain_merge);

/* The value of a single-quoted scalar from its source text (between the
 * quotes): '' is a quote, and line breaks fold as in every flow scalar
 * (trailing and leading white space dropped, one break is a space, n
 * breaks are n-1 newlines).  libfyaml 0.7.12 gets runs of two or more ''
 * wrong (and leaks while doing so), so such scalars are decoded here. */
static void single_quoted(const char *p, size_t n, struct sbuf *out)
{
	size_t i = 0, ws = 0; /* ws: pending blanks not yet known to be inner */
	while (i < n) {
		char c = p[i];
		if (c == ' ' || c == '\t') {
			ws++;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			size_t breaks = 0;
			while (i < n) {
				if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
					i += 2, breaks++;
				else if (p[i] == '\n' || p[i] == '\r')
					i++, breaks++;
				else if (p[i] == ' ' || p[i] == '\t')
					i++;
				else
					break;
			}
			ws = 0;
			if (breaks == 1)
				sbuf_addc(out, ' ');
			for (size_t b = 1; b < breaks; b++)
				sbuf_addc(out, '\n');
			continue;
		}
		sbuf_add(out, p + i - ws, ws);
		ws = 0;
		if (c == '\'' && i + 1 < n && p[i + 1] == '\'') {
			sbuf_addc(out, '\'');
			i += 2;
			continue;
		}
		sbuf_addc(out, c);
		i++;
	}
	sbuf_add(out, p + n - ws, ws);
}

static bool has_escape(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '\'' && p[i + 1] == '\'')
			return true;
	return false;
}

/*
 * The text of a scalar that needs no processing, sliced from the input:
 * a plain scalar on one line, or a double-quoted one on one line without
 * escapes (single-quoted ones go through their own decoder above).
 * libfyaml's fy_token_get_text formats every token into a fresh buffer,
 * which was a tenth of the time of a build; most scalars are this simple.
 */
static const char *direct_text(struct loader *L, enum fy_scalar_style st,
	const struct fy_mark *sm, const struct fy_mark *em, size_t *len)
{
	if (!sm || !em || sm->line != em->line || em->input_pos < sm->input_pos ||
	    em->input_pos > L->f->len)
		return NULL;
	const char *p = L->f->data + sm->input_pos;
	size_t n = em->input_pos - sm->input_pos;
	if (st == FYSS_PLAIN) {
		*len = n;
		return p;
	}
	/* Quoted: only when the marks include both quotes (they do not for
	 * every token kind) and nothing inside needs decoding. */
	if (st != FYSS_DOUBLE_QUOTED || n < 2 || p[0] != '"' || p[n - 1] != '"' ||
	    memchr(p + 1, '\\', n - 2))
		return NULL;
	*len = n - 2;
	return p + 1;
}

static struct ir_node *make_scalar(struct loader *L, struct fy_event *e)
{
	struct fy_token *t = e->scalar.value;
	struct srcpos pos = mark_pos(L, t);
	size_t len = 0;
	enum fy_scalar_style st = fy_token_scalar_style(t);
	const struct fy_mark *sm = fy_token_start_mark(t), *em = fy_token_end_mark(t);
	const char *text;
	struct sbuf sq = SBUF_INIT;
	if (st == FYSS_SINGLE_QUOTED && sm && em && em->input_pos >= sm->input_pos &&
	    em->input_pos <= L->f->len &&
	    has_escape(L->f->data + sm->input_pos, em->input_pos - sm->input_pos)) {
		single_quoted(L->f->data + sm->input_pos, em->input_pos - sm->input_pos, &sq);
		text = sq.buf;
		len = sq.len;
	} else if (!(text = direct_text(L, st, sm, em, &len))) {
		text = fy_token_get_text(t, &len);
		if (!text)
			text = "", len = 0;
	}
	if (L->nfix && st == FYSS_PLAIN && len == 1 && text[0] == '~' && sm)
		for (unsigned i = 0; i < L->nfix; i++)
			if (L->fix_line[i] == (uint32_t)sm->line + 1 &&
			    L->fix_col[i] == (uint32_t)sm->column + 1)
				len = 0; /* the empty entry it stands for */
	struct ir_node *n = ir_str(L->ctx, text, len, &pos);
	sbuf_release(&sq);
	text = n->s.text->s;
	switch (st) {
	case FYSS_SINGLE_QUOTED: n->style = IR_STYLE_SQUOTED; break;
	case FYSS_DOUBLE_QUOTED: n->style = IR_STYLE_DQUOTED; break;
	case FYSS_LITERAL: n->style = IR_STYLE_LITERAL; break;
	case FYSS_FOLDED: n->style = IR_STYLE_FOLDED; break;
	default: n->style = IR_STYLE_PLAIN; break;
	}
	if (e->scalar.tag) {
		size_t tl;
		const char *tt = fy_token_get_text(e->scalar.tag, &tl);
		if (tt && tl)
			n->tag = mc_intern(L->ctx, tt, tl);
	}
	const char *ts = tag_short(n->tag);
	bool nonspecific = n->tag && n->tag->len == 1 && n->tag->s[0] == '!';
	if (n->style == IR_STYLE_PLAIN && !n->tag) {
		yaml_resolve(L->o->schema, text, len, n);
	} else if (ts && !nonspecific) {
		struct ir_node tmp = *n;
		enum ir_type want = IR_STR;
		if (!strcmp(ts, "int"))
			want = IR_INT;
		else if (!strcmp(ts, "float"))
			want = IR_FLOAT;
		else if (!strcmp(ts, "bool"))
			want = IR_BOOL;
		else if (!strcmp(ts, "null"))
			want = IR_NULL;
		if (!strcmp(ts, "binary")) {
			struct sbuf dec = SBUF_INIT;
			if (!b64_decode(&dec, text, len))
				lerror(L, &pos, "!!binary value contains invalid base64 data");
			else
				n->s.text = mc_intern(L->ctx, dec.buf, dec.len);
			sbuf_release(&dec);
		} else if (!strcmp(ts, "timestamp")) {
			if (!yaml_timestamp(text, len, NULL))
				lerror(L, &pos, "cannot decode !!str `%.*s` as a !!timestamp", (int)len, text);
			else if (L->o->schema == YAML_V3)
				n->flags |= IR_F_TIMESTAMP;
		} else if (want != IR_STR) {
			enum ir_type got = yaml_resolve(L->o->schema, text, len, &tmp);
			if (got == want || (want == IR_FLOAT && got == IR_INT)) {
				if (want == IR_FLOAT && got == IR_INT)
					set_float(&tmp, (tmp.flags & IR_F_UINT) ? (double)tmp.s.v.u : (double)tmp.s.v.i);
				n->type = tmp.type;
				n->flags = tmp.flags;
				n->s.v = tmp.s.v;
			} else {
				lerror(L, &pos, "cannot decode !!str `%.*s` as a !!%s", (int)len, text, ts);
			}
		}
	}
	if ((L->o->flags & YAML_JSON_NUMBERS) && n->type == IR_INT)
		set_float(n, (n->flags & IR_F_UINT) ? (double)n->s.v.u : (double)n->s.v.i);
	return n;
}

static void merge_into(struct loader *L, struct ir_node *map, struct ir_node *src)
{
	for (uint32_t i = 0; i < src->map.len; i++)
		if (!ir_map_find(map, src->map.items[i].key->s.text))
			ir_map_append(L->ctx, map, src->map.items[i].key, src->map.items[i].value);
}

static void finish_map(struct loader *L, struct frame *fr)
{
	/* Merged keys never override explicit ones; among merged maps the
	 * earlier wins, as the YAML merge-key spec says. */
	for (size_t i = 0; i < fr->merges.len; i++) {
		struct ir_node *m = fr->merges.items[i];
		if (ir_is_map(m)) {
			merge_into(L, fr->node, m);
		} else if (ir_is_seq(m)) {
			for (uint32_t j = 0; j < m->seq.len; j++) {
				if (!ir_is_map(m->seq.items[j])) {
					lerror(L, &m->seq.items[j]->pos,
						"map merge requires map or sequence of maps as the value");
					return;
				}
				merge_into(L, fr->node, m->seq.items[j]);
			}
		} else {
			lerror(L, &m->pos, "map merge requires map or sequence of maps as the value");
			return;
		}
	}
}

/* The string sigs.k8s.io/yaml makes of a resolved non-string key
 * (convertToJSONableObject): integers in decimal, floats as
 * FormatFloat(f, 'g', -1, 32), booleans as true/false; nil and uint64
 * keys are refused. */
static bool json_key(struct loader *L, struct ir_node *n)
{
	struct sbuf b = SBUF_INIT;
	if (n->type == IR_INT && !(n->flags & IR_F_UINT)) {
		sbuf_printf(&b, "%lld", (long long)n->s.v.i);
	} else if (n->type == IR_FLOAT) {
		double f = n->s.v.f;
		if (isnan(f))
			sbuf_adds(&b, ".nan");
		else if (isinf(f))
			sbuf_adds(&b, f > 0 ? ".inf" : "-.inf");
		else
			go_ftoa(&b, f, 'g', -1, 32);
	} else if (n->type == IR_BOOL) {
		sbuf_adds(&b, n->s.v.b ? "true" : "false");
	} else {
		lerror(L, &n->pos, "unsupported map key of type %s: %s",
			n->type == IR_NULL ? "<nil>" : "uint64", n->s.text->s);
		return false;
	}
	n->s.text = mc_intern(L->ctx, b.buf, b.len);
	sbuf_release(&b);
	return true;
}

static void attach(struct loader *L, struct ir_node *n, const struct srcpos *pos, bool plain_merge)
{
	if (L->stack.len == 0) {
		L->root = n;
		L->have_root = true;
		return;
	}
	struct frame *fr = &L->stack.items[L->stack.len - 1];
	struct ir_node *top = fr->node;
	if (top->type == IR_SEQ) {
		ir_seq_push(L->ctx, top, n);
		return;
	}
	if (!fr->key) {
		if (!ir_is_scalar(n)) {
			lerror(L, pos, "invalid map key: a %s cannot be a key",
				n->type == IR_MAP ? "mapping" : "sequence");
			return;
		}
		/* Keys are strings whatever they resolve to. */
		if (n->type != IR_STR) {
			if ((L->o->flags & YAML_JSON_KEYS) && !json_key(L, n))
				return;
			n->type = IR_STR;
			n->flags = 0;
		}
		fr->key = n;
		fr->merge_next = plain_merge;
		return;
	}
	struct ir_node *key = fr->key;
	fr->key = NULL;
	if (fr->merge_next) {
		VEC_PUSH(&L->ctx->arena, &fr->merges, n);
		return;
	}
	struct ir_pair *dup = ir_map_find(top, key->s.text);
	if (dup) {
		if (L->o->flags & YAML_DUPKEYS_OK) {
			dup->value = n;
			return;
		}
		lerror(L, &key->pos, "mapping key \"%s\" already defined at line %u",
			key->s.text->s, dup->key->pos.line);
		return;
	}
	ir_map_append(L->ctx, top, key, n);
}

static void push(struct loader *L, struct ir_node *n, const struct srcpos *pos)
{
	if (L->stack.len >= (L->o->max_depth ? L->o->max_depth : YAML_MAX_DEPTH)) {
		lerror(L, pos, "document nested too deeply (more than %u levels)",
			L->o->max_depth ? L->o->max_depth : YAML_MAX_DEPTH);
		return;
	}
	struct frame fr = { 0 };
	fr.node = n;
	VEC_PUSH(&L->ctx->arena, &L->stack, fr);
}

static bool is_merge_key(struct ir_node *n, struct fy_event *e)
{
	if (n->s.text->len != 2 || memcmp(n->s.text->s, "<<", 2) != 0)
		return false;
	if (!n->tag)
		return n->style == IR_STYLE_PLAIN;
	const char *ts = tag_short(n->tag);
	(void)e;
	return ts && !strcmp(ts, "merge");
}

static void on_event(struct loader *L, struct fy_event *e)
{
	switch (e->type) {
	case FYET_SCALAR: {
		struct ir_node *n = make_scalar(L, e);
		struct srcpos pos = n->pos;
		if (!count_nodes(L, 1, &pos))
			return;
		add_anchor(L, e->scalar.anchor, n);
		bool mk = false;
		if (L->stack.len && L->stack.items[L->stack.len - 1].node->type == IR_MAP &&
		    !L->stack.items[L->stack.len - 1].key)
			mk = is_merge_key(n, e);
		attach(L, n, &pos, mk);
		return;
	}
	case FYET_ALIAS: {
		struct srcpos pos = mark_pos(L, e->alias.anchor);
		size_t len;
		const char *a = fy_token_get_text(e->alias.anchor, &len);
		const struct str *name = mc_intern(L->ctx, a ? a : "", a ? len : 0);
		struct ir_node *target = NULL;
		for (size_t i = 0; i < L->anchors.len; i++)
			if (L->anchors.items[i].name == name)
				target = L->anchors.items[i].node;
		if (!target) {
			lerror(L, &pos, "unknown anchor '%s' referenced", name->s);
			return;
		}
		if (!count_nodes(L, ir_count(target), &pos))
			return;
		struct ir_node *c = ir_clone(L->ctx, target);
		attach(L, c, &pos, false);
		return;
	}
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START: {
		bool map = e->type == FYET_MAPPING_START;
		struct fy_token *t = map ? e->mapping_start.mapping_start : e->sequence_start.sequence_start;
		struct srcpos pos = mark_pos(L, t);
		if (!count_nodes(L, 1, &pos))
			return;
		struct ir_node *n = map ? ir_map(L->ctx, &pos) : ir_seq(L->ctx, &pos);
		size_t tl;
		enum fy_token_type tt = t ? fy_token_get_type(t) : FYTT_NONE;
		if (tt == FYTT_FLOW_MAPPING_START || tt == FYTT_FLOW_SEQUENCE_START)
			n->style = IR_STYLE_FLOW;
		struct fy_token *tag = map ? e->mapping_start.tag : e->sequence_start.tag;
		if (tag) {
			const char *tx = fy_token_get_text(tag, &tl);
			if (tx && tl)
				n->tag = mc_intern(L->ctx, tx, tl);
		}
		add_anchor(L, map ? e->mapping_start.anchor : e->sequence_start.anchor, n);
		push(L, n, &pos);
		return;
	}
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END: {
		if (!L->stack.len)
			return;
		struct frame fr = L->stack.items[--L->stack.len];
		if (fr.node->type == IR_MAP)
			finish_map(L, &fr);
		attach(L, fr.node, &fr.node->pos, false);
		return;
	}
	default:
		return;
	}
}

static uint32_t first_rune(const char *p, size_t n)
{
	uint32_t r;
	utf8_decode(p, n, &r);
	return r;
}

/* The first byte that is not valid UTF-8 or starts a character YAML does
 * not allow (go-yaml's is_printable test), or n. */
static size_t first_bad_char(const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return i;
			i++;
			continue;
		}
		uint32_t r;
		size_t l = utf8_decode(p + i, n - i, &r);
		if (r == 0xfffd && l == 1)
			return i;
		if (!(r == 0x85 || (r >= 0xa0 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) ||
		      (r >= 0x10000 && r <= 0x10ffff)))
			return i;
		i += l;
	}
	return n;
}

/* ------------------------------------------------- go-yaml's scanner */

/* Where libyaml (and so go-yaml v2 and v3) refuses a tab that libfyaml
 * takes.  libyaml eats tabs between tokens only where a simple key cannot
 * start: not at the start of a line in block context, and not after `-`,
 * `?` or the `:` of a complex key; a plain scalar's continuation lines may
 * hold a tab only at or beyond its indentation, and a block scalar's
 * indentation is spaces.  The tokens of libfyaml's scanner give the
 * context; only inputs holding a tab pay for this second scan. */
struct tabscan {
	const char *d;
	size_t n;
	int indent[YAML_MAX_DEPTH]; /* columns of the open block collections */
	int depth, flow;
	size_t bad;                 /* offset of the offending tab, or n */
	const char *why;
};

static int ts_indent(const struct tabscan *t)
{
	return t->depth ? t->indent[t->depth - 1] : -1;
}

static void ts_fail(struct tabscan *t, size_t at, const char *why)
{
	if (at < t->bad) {
		t->bad = at;
		t->why = why;
	}
}

/* The blanks from p on: a tab among them is refused. */
static void ts_after_indicator(struct tabscan *t, size_t p)
{
	for (; p < t->n && (t->d[p] == ' ' || t->d[p] == '\t'); p++)
		if (t->d[p] == '\t') {
			ts_fail(t, p, "found character that cannot start any token");
			return;
		}
}

/* Line starts in [a, b): the text between two tokens.  After a plain
 * scalar (plain_indent >= 0), libyaml's scalar scanner reads the blank
 * lines up to the next text with its own rule (a tab below the scalar's
 * indentation); from there on, and after other tokens, a tab in a line's
 * leading blanks cannot start a token. */
static void ts_gap(struct tabscan *t, size_t a, size_t b, int plain_indent)
{
	bool plain = plain_indent >= 0;
	size_t p = a;
	if (plain) {
		/* the rest of the scalar's own line */
		while (p < b && t->d[p] != '\n')
			if (t->d[p++] != ' ' && t->d[p - 1] != '\t' && t->d[p - 1] != '\r')
				plain = false;
	} else if (p > 0 && t->d[p - 1] != '\n') {
		while (p < b && t->d[p] != '\n')
			p++;
	}
	while (p < b) {
		if (t->d[p] == '\n')
			p++;
		if (p >= b)
			break;
		int col = 0;
		size_t q = p;
		while (q < t->n && t->d[q] == ' ')
			q++, col++;
		if (q < t->n && t->d[q] == '\t' && !t->flow) {
			if (!plain)
				ts_fail(t, q, "found character that cannot start any token");
			else if (col < plain_indent)
				ts_fail(t, q, "found a tab character that violates indentation");
		}
		while (q < t->n && (t->d[q] == ' ' || t->d[q] == '\t'))
			q++;
		if (q < t->n && t->d[q] != '\n' && t->d[q] != '\r')
			plain = false; /* text: the scalar ended or went on */
		p = q;
		while (p < b && t->d[p] != '\n')
			p++;
	}
}

/* A block scalar's lines [a, b): spaces up to its indentation, then
 * content (libyaml's yaml_parser_scan_block_scalar_breaks). */
static void ts_block_scalar(struct tabscan *t, size_t a, size_t b)
{
	/* The header is the last `|` or `>` before the body. */
	size_t h = a;
	while (h > 0 && t->d[h - 1] != '|' && t->d[h - 1] != '>')
		h--;
	int indent = 0;
	for (size_t i = h; i < a && t->d[i] != '\n' && t->d[i] != ' ' && t->d[i] != '#'; i++)
		if (t->d[i] >= '1' && t->d[i] <= '9')
			indent = ts_indent(t) >= 0 ? ts_indent(t) + (t->d[i] - '0') : t->d[i] - '0';
	int max_indent = 0;
	size_t p = a;
	while (p < b) {
		int col = 0;
		while (p < t->n && t->d[p] == ' ' && (!indent || col < indent))
			p++, col++;
		if (col > max_indent)
			max_indent = col;
		if (p < t->n && t->d[p] == '\t' && (!indent || col < indent)) {
			ts_fail(t, p, "found a tab character where an indentation space is expected");
			return;
		}
		bool empty = p >= t->n || t->d[p] == '\n' || t->d[p] == '\r';
		if (!empty && !indent) {
			indent = max_indent;
			if (indent < ts_indent(t) + 1)
				indent = ts_indent(t) + 1;
			if (indent < 1)
				indent = 1;
		}
		while (p < b && t->d[p] != '\n')
			p++;
		p++;
	}
}

static bool line_starts_at(const char *d, size_t p)
{
	while (p > 0 && d[p - 1] == ' ')
		p--;
	return p == 0 || d[p - 1] == '\n';
}

/* The offset of the first tab go-yaml refuses, or n; *why: its message. */
static size_t go_tab_error(const char *d, size_t n, const char **why)
{
	struct tabscan *t = xcalloc(1, sizeof *t);
	t->d = d;
	t->n = n;
	t->bad = n;
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	struct fy_diag *fyd = fy_diag_create(&dcfg);
	if (!fyd)
		mc_oom(0);
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_DISABLE_DEPTH_LIMIT |
			 PARSE_RECYCLING_FLAG,
		.diag = fyd,
	};
	struct fy_parser *p = fy_parser_create(&cfg);
	if (!p)
		mc_oom(0);
	fy_parser_set_string(p, d, n);
	size_t hi = 0;
	int plain_indent = -1;
	struct fy_token *tok;
	while ((tok = fy_scan(p))) {
		enum fy_token_type ty = fy_token_get_type(tok);
		const struct fy_mark *sm = fy_token_start_mark(tok), *em = fy_token_end_mark(tok);
		size_t s = sm ? sm->input_pos : hi, e = em ? em->input_pos : s;
		if (s > n)
			s = n;
		if (e > n)
			e = n;
		if (s > hi)
			ts_gap(t, hi, s, plain_indent);
		if (e > hi || s >= hi) {
			/* a token that is text (zero-width ones mark places) */
			if (e > s)
				plain_indent = -1;
		}
		switch (ty) {
		case FYTT_BLOCK_SEQUENCE_START:
		case FYTT_BLOCK_MAPPING_START:
			if (t->depth < YAML_MAX_DEPTH)
				t->indent[t->depth] = sm ? sm->column : 0;
			t->depth++;
			break;
		case FYTT_BLOCK_END:
			if (t->depth)
				t->depth--;
			break;
		case FYTT_FLOW_SEQUENCE_START:
		case FYTT_FLOW_MAPPING_START:
			t->flow++;
			break;
		case FYTT_FLOW_SEQUENCE_END:
		case FYTT_FLOW_MAPPING_END:
			if (t->flow)
				t->flow--;
			break;
		case FYTT_BLOCK_ENTRY:
			if (!t->flow)
				ts_after_indicator(t, e);
			break;
		case FYTT_KEY:
			if (!t->flow && e == s + 1 && d[s] == '?')
				ts_after_indicator(t, e);
			break;
		case FYTT_VALUE:
			if (!t->flow && e == s + 1 && line_starts_at(d, s))
				ts_after_indicator(t, e);
			break;
		case FYTT_SCALAR: {
			enum fy_scalar_style st = fy_token_scalar_style(tok);
			if (st == FYSS_LITERAL || st == FYSS_FOLDED)
				ts_block_scalar(t, s, e);
			else if (st == FYSS_PLAIN && !t->flow && e > s) {
				plain_indent = ts_indent(t) + 1 > 0 ? ts_indent(t) + 1 : 0;
				/* its continuation lines */
				for (size_t i = s; i < e; i++) {
					if (d[i] != '\n')
						continue;
					int col = 0;
					size_t q = i + 1;
					while (q < e && d[q] == ' ')
						q++, col++;
					if (q < e && d[q] == '\t' && col < plain_indent)
						ts_fail(t, q, "found a tab character that violates indentation");
				}
			}
			break;
		}
		default:
			break;
		}
		if (e > hi)
			hi = e;
		fy_scan_token_free(p, tok);
		if (t->bad < n)
			break;
	}
	fy_parser_destroy(p);
	fy_diag_destroy(fyd);
	size_t bad = t->bad;
	*why = t->why;
	free(t);
	return bad;
}

/* `...` before the stream's first document: libyaml parses an implicit
 * document there and finds no node. */
static size_t leading_doc_end(const char *d, size_t n)
{
	size_t p = 0;
	if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3))
		p = 3;
	while (p < n) {
		size_t q = p;
		while (q < n && (d[q] == ' ' || d[q] == '\t' || d[q] == '\r'))
			q++;
		if (q < n && d[q] != '\n' && d[q] != '#') {
			if (q == p && n - q >= 3 && !memcmp(d + q, "...", 3) &&
			    (n - q == 3 || strchr(" \t\r\n", d[q + 3])))
				return q;
			return n;
		}
		while (q < n && d[q] != '\n')
			q++;
		p = q + 1;
	}
	return n;
}

/* libfyaml 0.7 refuses an empty entry of an indentless sequence
 * ("k:\n- a\n-\nj: 1\n": "did not find expected node content" on the
 * line after it), which libyaml and go-yaml read as null.  When that error
 * follows such an entry (a `-` line, blank and comment lines, then a line
 * indented no deeper than the `-`), the entry becomes `- ~` in a copy of
 * the text, the `~` is remembered so it reads as the empty scalar it
 * replaces, and the text is parsed again.  Returns 1 when it mended one. */
static int empty_entry_fix(struct loader *L, int err_line)
{
	if (L->nfix >= sizeof L->fix_line / sizeof L->fix_line[0] || err_line < 2)
		return 0;
	const char *d = L->f->data;
	size_t n = L->f->len;
	/* the start of each line up to err_line (1-based) */
	VEC(size_t) ls = { 0 };
	VEC_PUSH(&L->ctx->arena, &ls, (size_t)0);
	for (size_t i = 0; i < n && ls.len < (size_t)err_line; i++)
		if (d[i] == '\n')
			VEC_PUSH(&L->ctx->arena, &ls, i + 1);
	size_t err_ind = 0;
	if ((size_t)err_line <= ls.len) {
		size_t q = ls.items[err_line - 1];
		while (q < n && d[q] == ' ')
			q++, err_ind++;
	}
	for (int l = err_line - 1; l >= 1; l--) {
		size_t p = ls.items[l - 1], q = p;
		while (q < n && d[q] == ' ')
			q++;
		size_t ind = q - p;
		if (q >= n || d[q] == '\n' || d[q] == '\r' || d[q] == '#')
			continue; /* blank or comment */
		if (d[q] != '-')
			return 0;
		size_t r = q + 1;
		while (r < n && (d[r] == ' ' || d[r] == '\t'))
			r++;
		if (r < n && d[r] != '\n' && d[r] != '\r' && d[r] != '#')
			return 0;
		if ((size_t)err_line <= ls.len && err_ind > ind)
			return 0;
		/* d[..q] "-" " ~" d[q+1..] */
		struct srcfile *m = arena_calloc(&L->ctx->arena, 1, sizeof *m);
		*m = *L->f;
		char *buf = arena_alloc(&L->ctx->arena, n + 3);
		memcpy(buf, d, q + 1);
		memcpy(buf + q + 1, " ~", 2);
		memcpy(buf + q + 3, d + q + 1, n - q - 1);
		buf[n + 2] = 0;
		m->data = buf;
		m->len = n + 2;
		L->fix_line[L->nfix] = (uint32_t)l;
		L->fix_col[L->nfix] = (uint32_t)ind + 3;
		L->nfix++;
		L->mended = m;
		L->f = m;
		return 1;
	}
	return 0;
}

static bool load_split(struct mc_ctx *ctx, const struct srcfile *f,
	const struct yaml_opts *opts, struct ir_docs *out, int *errors);

static int load(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *opts,
	struct ir_docs *out, bool one, struct ir_node **one_out, size_t *nodes_out)
{
	struct yaml_opts defaults = { 0 };
	if (!opts)
		opts = &defaults;
	struct loader L = { 0 };
	L.ctx = ctx;
	L.o = opts;
	L.f = f;
	L.posf = opts->pos_file ? opts->pos_file : f;
	L.max_nodes = opts->max_nodes ? opts->max_nodes : YAML_MAX_NODES;
	if (one_out)
		*one_out = NULL;
	if (f->len > VFS_MAX_FILE) {
		struct srcpos p = { L.posf, 0, 0 };
		return lerror(&L, &p, "input too large (%zu bytes; the limit is %u)", f->len,
			VFS_MAX_FILE);
	}

	/* YAML is UTF-8 text without control characters, as go-yaml reads it;
	 * checking first also keeps such bytes away from libfyaml, which can
	 * loop or leak on some of them. */
	size_t bad = first_bad_char(f->data, f->len);
	if (bad < f->len) {
		uint32_t line = 1, col = 1;
		for (size_t i = 0; i < bad; i++) {
			if (f->data[i] == '\n')
				line++, col = 1;
			else
				col++;
		}
		struct srcpos p = { L.posf, line + opts->line_offset, col + opts->col_offset };
		unsigned char c = (unsigned char)f->data[bad];
		if (c >= 0x80 && utf8_invalid_at(f->data + bad, f->len - bad) == 0)
			return lerror(&L, &p, "invalid UTF-8 byte 0x%02x: YAML input must be UTF-8", c);
		return lerror(&L, &p, "control characters are not allowed (U+%04X)", (unsigned)first_rune(f->data + bad, f->len - bad));
	}

	if (opts->flags & YAML_GO_STRICT) {
		const char *why = "did not find expected node content";
		size_t at = leading_doc_end(f->data, f->len);
		if (at == f->len && memchr(f->data, '\t', f->len))
			at = go_tab_error(f->data, f->len, &why);
		if (at < f->len) {
			uint32_t line = 1, col = 1;
			for (size_t i = 0; i < at; i++) {
				if (f->data[i] == '\n')
					line++, col = 1;
				else
					col++;
			}
			struct srcpos p = { L.posf, line + opts->line_offset, col + opts->col_offset };
			return lerror(&L, &p, "%s", why);
		}
	}

	int split_errors;
	if (!one && !nodes_out && load_split(ctx, f, opts, out, &split_errors))
		return split_errors;

	size_t out0 = out ? out->len : 0;
again:;
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	struct fy_diag *fyd = fy_diag_create(&dcfg);
	if (!fyd)
		mc_oom(0);
	fy_diag_set_collect_errors(fyd, true);
	/* libfyaml recycles tokens and events between documents, which saves
	 * a tenth of the parse time; sanitizer builds turn that off so every
	 * allocation is checked on its own. */
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DEFAULT_VERSION_1_2 |
			 FYPCF_DISABLE_DEPTH_LIMIT | PARSE_RECYCLING_FLAG,
		.diag = fyd,
	};
	struct fy_parser *p = fy_parser_create(&cfg);
	if (!p)
		mc_oom(0);
	fy_parser_set_string(p, L.f->data, L.f->len);

	struct srcpos docstart = { L.posf, 1 + opts->line_offset, 1 + opts->col_offset };
	size_t ndocs = 0;
	struct fy_event *e;
	while ((e = fy_parser_parse(p))) {
		if (!L.failed) {
			if (e->type == FYET_DOCUMENT_START) {
				L.root = NULL;
				L.have_root = false;
				L.stack.len = 0;
				L.anchors.len = 0; /* anchors do not cross documents */
				struct fy_token *t = e->document_start.document_start;
				docstart = mark_pos(&L, t);
				if (!docstart.line)
					docstart = (struct srcpos){ L.posf, 1 + opts->line_offset, 1 };
			} else if (e->type == FYET_DOCUMENT_END) {
				ndocs++;
				/* "---" with nothing after it: an empty plain scalar
				 * stands for the missing node. */
				if (L.have_root && L.root && L.root->type == IR_NULL &&
				    L.root->s.text->len == 0 && L.root->style == IR_STYLE_PLAIN &&
				    !L.root->tag) {
					L.have_root = false;
					L.root = NULL;
				}
				if (one) {
					if (ndocs == 1)
						*one_out = L.root;
					if (opts->flags & YAML_FIRST_ONLY) {
						fy_parser_event_free(p, e);
						break;
					}
				} else if (L.have_root || (opts->flags & YAML_KEEP_EMPTY)) {
					struct ir_node *root = L.have_root ? L.root : NULL;
					if (out->len == out->cap) {
						size_t nc = out->cap ? out->cap * 2 : 4;
						out->items = arena_grow(&ctx->arena, out->items,
							out->cap * sizeof *out->items, nc * sizeof *out->items);
						out->starts = arena_grow(&ctx->arena, out->starts,
							out->cap * sizeof *out->starts, nc * sizeof *out->starts);
						out->cap = nc;
					}
					out->items[out->len] = root;
					out->starts[out->len] = root ? root->pos : docstart;
					if (root && root->type != IR_MAP && root->type != IR_SEQ)
						out->starts[out->len] = docstart;
					out->len++;
				}
			} else {
				on_event(&L, e);
			}
		}
		fy_parser_event_free(p, e);
	}
	int retry = 0;
	if (fy_parser_get_stream_error(p) || fy_diag_got_error(fyd)) {
		void *it = NULL;
		struct fy_diag_error *de;
		bool any = false;
		while ((de = fy_diag_errors_iterate(fyd, &it))) {
			if (de->type < FYET_ERROR)
				continue;
			if (!L.errors && !strcmp(de->msg, "did not find expected node content") &&
			    (retry = empty_entry_fix(&L, de->line)))
				break;
			struct srcpos pos = { L.posf, (uint32_t)de->line + opts->line_offset,
				(uint32_t)de->column + opts->col_offset };
			if (de->line <= 0)
				pos.line = pos.col = 0;
			diag_add(&ctx->diag, DIAG_ERROR, &pos, "yaml", NULL, "%s", de->msg);
			L.errors++;
			any = true;
			break; /* the first error explains the rest */
		}
		if (!any && !retry) {
			struct srcpos pos = { L.posf, 0, 0 };
			lerror(&L, &pos, "invalid YAML");
		}
	}
	fy_parser_destroy(p);
	fy_diag_destroy(fyd);
	if (retry) {
		/* Again on the mended text, from a clean slate. */
		if (out)
			out->len = out0;
		if (one_out)
			*one_out = NULL;
		L.root = NULL;
		L.have_root = false;
		L.stack.len = 0;
		L.anchors.len = 0;
		L.nodes = 0;
		L.failed = false;
		goto again;
	}
	if (nodes_out)
		*nodes_out = L.nodes;
	return L.errors;
}

/* ------------------------------------------------------ two halves at once
 *
 * A large multi-document file (a base of a thousand Deployments) is parsed
 * as two halves cut at a `---` line near the middle, the second on another
 * thread into a context of its own; its nodes then take this context's
 * interned strings and its arena joins this one.  Documents never span a
 * `---` line at column 0, and a file without directives starts each
 * document afresh, so the halves give the documents the whole file gives;
 * anything unusual (an error in either half, a node count that the whole
 * file would exceed) is parsed again whole, so diagnostics are the same
 * bytes either way.  Only commands that run one compilation at a time turn
 * it on (yaml_set_parallel): render already keeps every core busy. */

#define SPLIT_MIN (128 * 1024)

static bool split_enabled;

void yaml_set_parallel(bool on)
{
	split_enabled = on;
}

/* Where the second half starts: a `---` line at or after the middle; 0 for none. */
static size_t split_point(const char *s, size_t n)
{
	if (n && s[0] == '%')
		return 0;
	for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
		if (p + 1 < s + n && p[1] == '%')
			return 0; /* directives: keep the stream whole */
	for (const char *p = s + n / 2; (p = memchr(p, '\n', (size_t)(s + n - p))); p++) {
		const char *l = p + 1;
		if (s + n - l >= 4 && l[0] == '-' && l[1] == '-' && l[2] == '-' &&
		    (l[3] == '\n' || l[3] == ' ' || l[3] == '\t' || l[3] == '\r'))
			return (size_t)(l - s);
	}
	return 0;
}

struct half {
	struct mc_ctx ctx;
	const struct srcfile *f;
	const struct yaml_opts *opts;
	struct ir_docs docs;
	size_t nodes;
	int errors;
};

static void *half_main(void *arg)
{
	struct half *h = arg;
	h->errors = load(&h->ctx, h->f, h->opts, &h->docs, false, NULL, &h->nodes);
	return NULL;
}

/* n's strings from ctx's table (n was made with another one). */
static void reintern(struct mc_ctx *ctx, struct ir_node *n)
{
	if (!n)
		return;
	if (n->tag)
		n->tag = mc_intern(ctx, n->tag->s, n->tag->len);
	if (n->type == IR_MAP) {
		for (uint32_t i = 0; i < n->map.len; i++) {
			reintern(ctx, n->map.items[i].key);
			reintern(ctx, n->map.items[i].value);
		}
	} else if (n->type == IR_SEQ) {
		for (uint32_t i = 0; i < n->seq.len; i++)
			reintern(ctx, n->seq.items[i]);
	} else if (n->s.text) {
		n->s.text = mc_intern(ctx, n->s.text->s, n->s.text->len);
	}
}

static void push_doc(struct mc_ctx *ctx, struct ir_docs *out, struct ir_node *root,
	struct srcpos start)
{
	if (out->len == out->cap) {
		size_t nc = out->cap ? out->cap * 2 : 4;
		out->items = arena_grow(&ctx->arena, out->items, out->cap * sizeof *out->items,
			nc * sizeof *out->items);
		out->starts = arena_grow(&ctx->arena, out->starts, out->cap * sizeof *out->starts,
			nc * sizeof *out->starts);
		out->cap = nc;
	}
	out->items[out->len] = root;
	out->starts[out->len++] = start;
}

static bool load_split(struct mc_ctx *ctx, const struct srcfile *f,
	const struct yaml_opts *opts, struct ir_docs *out, int *errors)
{
	if (!split_enabled || f->len < SPLIT_MIN)
		return false;
	size_t at = split_point(f->data, f->len);
	if (!at)
		return false;
	uint32_t lines = 0;
	for (const char *p = f->data; (p = memchr(p, '\n', (size_t)(f->data + at - p))); p++)
		lines++;
	struct yaml_opts po = *opts;
	po.pos_file = opts->pos_file ? opts->pos_file : f;
	struct yaml_opts po2 = po;
	po2.line_offset = opts->line_offset + lines;
	struct half h = { .f = srcfile_mem(ctx, f->path, f->data + at, f->len - at), .opts = &po2 };
	const struct srcfile *first = srcfile_mem(ctx, f->path, f->data, at);
	mc_ctx_init(&h.ctx, ctx->fs);
	pthread_t t;
	if (pthread_create(&t, NULL, half_main, &h)) {
		mc_ctx_release(&h.ctx);
		return false;
	}
	/* The first half here, its diagnostics aside until both are known good. */
	struct diag saved = ctx->diag;
	diag_init(&ctx->diag);
	size_t out0 = out->len, nodes = 0;
	int e = load(ctx, first, &po, out, false, NULL, &nodes);
	pthread_join(t, NULL);
	struct diag mine = ctx->diag;
	ctx->diag = saved;
	size_t cap = opts->max_nodes ? opts->max_nodes : YAML_MAX_NODES;
	bool ok = !e && !h.errors && !diag_errors(&mine) && !diag_errors(&h.ctx.diag) &&
		nodes + h.nodes <= cap;
	if (ok) {
		diag_merge(&ctx->diag, &mine);
		diag_merge(&ctx->diag, &h.ctx.diag);
		for (size_t i = 0; i < h.docs.len; i++) {
			reintern(ctx, h.docs.items[i]);
			push_doc(ctx, out, h.docs.items[i], h.docs.starts[i]);
		}
		arena_adopt(&ctx->arena, &h.ctx.arena);
	} else {
		out->len = out0;
	}
	diag_release(&mine);
	mc_ctx_release(&h.ctx);
	*errors = 0;
	return ok;
}

int yaml_load(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *opts,
	struct ir_docs *out)
{
	return load(ctx, f, opts, out, false, NULL, NULL);
}

int yaml_load_one(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *opts,
	struct ir_node **out)
{
	return load(ctx, f, opts, NULL, true, out, NULL);
}

const char *yaml_string_field(struct mc_ctx *ctx, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	switch (n ? n->type : IR_NULL) {
	case IR_STR:
		return n->s.text->s;
	case IR_BOOL:
		return n->s.v.b ? "true" : "false";
	case IR_INT:
		if (n->flags & IR_F_UINT)
			sbuf_printf(&sb, "%llu", (unsigned long long)n->s.v.u);
		else
			sbuf_printf(&sb, "%lld", (long long)n->s.v.i);
		break;
	case IR_FLOAT:
		go_ftoa(&sb, n->s.v.f, 'g', -1, 32);
		break;
	default:
		return NULL;
	}
	const char *r = arena_strndup(&ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}
