/*
 * yaml.c - YAML output byte-identical to kustomize's (sigs.k8s.io/yaml).
 *
 * kustomize, Helm's toYaml and Argo CD all print YAML the same way: marshal
 * the value to JSON, decode that JSON with go-yaml v2 and encode it again
 * with go-yaml v2.  So the output is a function of the JSON data model, and
 * we reproduce it in three steps:
 *   1. numbers: a float goes through encoding/json's text and go-yaml v2's
 *      resolver (1.0 prints as 1, 1e20 as 1e+20);
 *   2. strings: go-yaml's encoder asks for a literal block when the string
 *      has a newline, for a plain scalar when the string would read back as
 *      a string under YAML 1.1 (so "yes", "1:20", "010" and "" are quoted),
 *      and for double quotes otherwise;
 *   3. libyaml's emitter, of which go-yaml's is a line-by-line port, then
 *      demotes styles the text does not allow, folds at 80 columns and
 *      indents by two.  Map keys are sorted in go-yaml's natural order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "mc/backend.h"
#include "mc/frontend.h"

/* ---- key order ---- */

static bool rune_letter(uint32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
	/* Outside ASCII: letters unless in the blocks of punctuation, symbols
	 * and spaces (an approximation of unicode.IsLetter that is exact for
	 * Latin-1 and the scripts keys are written in). */
	if (r < 0xc0)
		return r == 0xaa || r == 0xb5 || r == 0xba;
	if (r == 0xd7 || r == 0xf7)
		return false;
	if (r >= 0x2000 && r <= 0x2bff)
		return false;
	if (r >= 0x3000 && r <= 0x303f)
		return false;
	if (r >= 0xfe30 && r <= 0xfe4f)
		return false;
	if (r >= 0xff00 && r <= 0xff20)
		return false;
	return true;
}

static bool rune_digit(uint32_t r)
{
	return r >= '0' && r <= '9';
}

static size_t to_runes(const struct str *s, uint32_t *buf, size_t cap, uint32_t **out)
{
	uint32_t *v = buf;
	if (s->len > cap)
		v = xmalloc(s->len * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < s->len;) {
		uint32_t r;
		i += utf8_decode(s->s + i, s->len - i, &r);
		v[n++] = r;
	}
	*out = v;
	return n;
}

/* go-yaml's comparison at the first differing character i of two keys
 * given as code points (ASCII bytes or decoded runes). */
#define KEY_DIFF(ar, an_, br, bn_, i)                                                  \
	do {                                                                           \
		bool al = rune_letter(ar[i]), bl = rune_letter(br[i]);                \
		if (al && bl)                                                          \
			return ar[i] < br[i] ? -1 : 1;                                 \
		if (al || bl)                                                          \
			return bl ? -1 : 1; /* the non-letter sorts first */           \
		int64_t an = 0, bn = 0;                                                \
		if (ar[i] == '0' || br[i] == '0') {                                    \
			for (size_t j = i; j-- > 0 && rune_digit(ar[j]);) {            \
				if (ar[j] != '0') {                                    \
					an = bn = 1;                                   \
					break;                                         \
				}                                                      \
			}                                                              \
		}                                                                      \
		size_t ai = i, bi = i;                                                 \
		/* Go's int arithmetic wraps on long digit runs: do the same   \
		 * without signed overflow. */                                         \
		for (; ai < an_ && rune_digit(ar[ai]); ai++)                           \
			an = (int64_t)((uint64_t)an * 10 + (uint64_t)(ar[ai] - '0'));  \
		for (; bi < bn_ && rune_digit(br[bi]); bi++)                           \
			bn = (int64_t)((uint64_t)bn * 10 + (uint64_t)(br[bi] - '0'));  \
		if (an != bn)                                                          \
			return an < bn ? -1 : 1;                                       \
		if (ai != bi)                                                          \
			return ai < bi ? -1 : 1;                                       \
		return ar[i] < br[i] ? -1 : 1;                                         \
	} while (0)

/* Keys are nearly always ASCII: when everything up to and including the
 * first difference is, bytes are code points and no decoding is needed. */
static int keycmp_ascii(const unsigned char *ar, size_t an_, const unsigned char *br,
	size_t bn_, size_t i)
{
	KEY_DIFF(ar, an_, br, bn_, i);
}

static int keycmp_runes(const uint32_t *ar, size_t an_, const uint32_t *br, size_t bn_)
{
	size_t i = 0;
	while (i < an_ && i < bn_ && ar[i] == br[i])
		i++;
	if (i == an_ || i == bn_)
		return an_ < bn_ ? -1 : an_ > bn_ ? 1 : 0;
	KEY_DIFF(ar, an_, br, bn_, i);
}

int emit_keycmp(const struct str *a, const struct str *b)
{
	if (str_eq(a, b))
		return 0;
	const unsigned char *x = (const unsigned char *)a->s, *y = (const unsigned char *)b->s;
	size_t n = a->len < b->len ? a->len : b->len, i = 0;
	bool ascii = true;
	while (i < n && x[i] == y[i]) {
		ascii &= x[i] < 0x80;
		i++;
	}
	if (i == n && ascii)
		return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
	if (ascii && x[i] < 0x80 && y[i] < 0x80)
		return keycmp_ascii(x, a->len, y, b->len, i);
	uint32_t abuf[64], bbuf[64], *ar, *br;
	size_t an_ = to_runes(a, abuf, 64, &ar), bn_ = to_runes(b, bbuf, 64, &br);
	int res = keycmp_runes(ar, an_, br, bn_);
	if (ar != abuf)
		free(ar);
	if (br != bbuf)
		free(br);
	return res;
}

/* ---- scalar style ---- */

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool base60_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	i++;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
		i++;
	int groups = 0;
	while (i < n && s[i] == ':') {
		i++;
		size_t d = 0;
		if (i < n && s[i] >= '0' && s[i] <= '5' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
			d = 2;
		else if (i < n && s[i] >= '0' && s[i] <= '9')
			d = 1;
		if (!d)
			return false;
		i += d;
		groups++;
	}
	if (!groups)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			i++;
	}
	return i == n;
}

bool emit_plain_ok(const char *s, size_t n)
{
	struct ir_node tmp;
	memset(&tmp, 0, sizeof tmp);
	if (yaml_resolve(YAML_V2, s, n, &tmp) != IR_STR)
		return false;
	if (n && s[0] >= '0' && s[0] <= '9' && yaml_timestamp(s, n, NULL))
		return false;
	return !base60_float(s, n);
}

/* ---- emitting ---- */

struct em {
	yaml_emitter_t e;
	struct sbuf *out;
	struct sbuf tmp;
	const char *err;
};

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	sbuf_add(data, buffer, size);
	return 1;
}

static bool emit_event(struct em *m, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(&m->e, ev)) {
		if (!m->err)
			m->err = m->e.problem ? m->e.problem : "YAML emitter error";
		return false;
	}
	return true;
}

static bool scalar(struct em *m, const char *s, size_t n, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, 1, 1, style))
		mc_oom(n);
	return emit_event(m, &ev);
}

/* A string as encoding/json would carry it: invalid UTF-8 becomes U+FFFD. */
static void json_clean(struct sbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t l = utf8_decode(s + i, n - i, &r);
		if (r == 0xfffd && l == 1 && !(n - i >= 3 && !memcmp(s + i, "\xef\xbf\xbd", 3)))
			sbuf_add(out, "\xef\xbf\xbd", 3);
		else
			sbuf_add(out, s + i, l);
		i += l;
	}
}

static bool string_scalar(struct em *m, const char *s, size_t n)
{
	if (!utf8_valid(s, n)) {
		sbuf_reset(&m->tmp);
		json_clean(&m->tmp, s, n);
		s = m->tmp.buf;
		n = m->tmp.len;
	}
	yaml_scalar_style_t style;
	if (memchr(s, '\n', n))
		style = YAML_LITERAL_SCALAR_STYLE;
	else if (emit_plain_ok(s, n))
		style = YAML_PLAIN_SCALAR_STYLE;
	else
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return scalar(m, s, n, style);
}

/* The text of a null, bool or number as sigs.k8s.io/yaml prints it (numbers
 * through encoding/json's text and go-yaml v2's reading of it); false for
 * NaN and infinities, which JSON cannot carry. */
static bool scalar_text(struct sbuf *sb, const struct ir_node *n)
{
	if (!n || n->type == IR_NULL) {
		sbuf_adds(sb, "null");
		return true;
	}
	if (n->type == IR_BOOL) {
		sbuf_adds(sb, n->s.v.b ? "true" : "false");
		return true;
	}
	if (n->type == IR_INT) {
		if (n->flags & IR_F_UINT)
			sbuf_printf(sb, "%llu", (unsigned long long)n->s.v.u);
		else
			sbuf_printf(sb, "%lld", (long long)n->s.v.i);
		return true;
	}
	if (n->type != IR_FLOAT)
		return false;
	double f = n->s.v.f;
	if (isnan(f) || isinf(f))
		return false;
	size_t mark = sb->len;
	go_json_float(sb, f);
	struct ir_node tmp;
	memset(&tmp, 0, sizeof tmp);
	enum ir_type t = yaml_resolve(YAML_V2, sb->buf + mark, sb->len - mark, &tmp);
	sbuf_truncate(sb, mark);
	if (t == IR_INT) {
		if (tmp.flags & IR_F_UINT)
			sbuf_printf(sb, "%llu", (unsigned long long)tmp.s.v.u);
		else
			sbuf_printf(sb, "%lld", (long long)tmp.s.v.i);
	} else {
		go_ftoa(sb, f, 'g', -1, 64);
	}
	return true;
}

static bool number_scalar(struct em *m, const struct ir_node *n)
{
	if (n->type == IR_FLOAT && (isnan(n->s.v.f) || isinf(n->s.v.f))) {
		double f = n->s.v.f;
		m->err = isnan(f) ? "json: unsupported value: NaN"
			: f > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf";
		return false;
	}
	struct sbuf js = SBUF_INIT;
	scalar_text(&js, n);
	bool ok = scalar(m, js.buf, js.len, YAML_PLAIN_SCALAR_STYLE);
	sbuf_release(&js);
	return ok;
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct ir_pair *x = *(const struct ir_pair *const *)a;
	const struct ir_pair *y = *(const struct ir_pair *const *)b;
	return emit_keycmp(x->key->s.text, y->key->s.text);
}

static bool node(struct em *m, const struct ir_node *n)
{
	yaml_event_t ev;
	if (!n)
		return scalar(m, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	switch (n->type) {
	case IR_NULL:
		return scalar(m, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	case IR_BOOL:
		return n->s.v.b ? scalar(m, "true", 4, YAML_PLAIN_SCALAR_STYLE)
				: scalar(m, "false", 5, YAML_PLAIN_SCALAR_STYLE);
	case IR_INT:
	case IR_FLOAT:
		return number_scalar(m, n);
	case IR_STR:
		if (n->flags & IR_F_TIMESTAMP) {
			struct sbuf ts = SBUF_INIT;
			bool ok = yaml_timestamp(n->s.text->s, n->s.text->len, &ts)
				? string_scalar(m, ts.buf, ts.len)
				: string_scalar(m, n->s.text->s, n->s.text->len);
			sbuf_release(&ts);
			return ok;
		}
		return string_scalar(m, n->s.text->s, n->s.text->len);
	case IR_SEQ:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
		if (!emit_event(m, &ev))
			return false;
		for (uint32_t i = 0; i < n->seq.len; i++)
			if (!node(m, n->seq.items[i]))
				return false;
		yaml_sequence_end_event_initialize(&ev);
		return emit_event(m, &ev);
	case IR_MAP: {
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!emit_event(m, &ev))
			return false;
		const struct ir_pair *small[32];
		const struct ir_pair **order = n->map.len <= 32 ? small
			: xmalloc(n->map.len * sizeof *order);
		for (uint32_t i = 0; i < n->map.len; i++)
			order[i] = &n->map.items[i];
		qsort(order, n->map.len, sizeof *order, cmp_pairs);
		bool ok = true;
		for (uint32_t i = 0; ok && i < n->map.len; i++) {
			const struct str *k = order[i]->key->s.text;
			ok = string_scalar(m, k->s, k->len) && node(m, order[i]->value);
		}
		if (order != small)
			free(order);
		if (!ok)
			return false;
		yaml_mapping_end_event_initialize(&ev);
		return emit_event(m, &ev);
	}
	}
	return false;
}

/*
 * The direct writer.  Most documents are block maps and sequences of short
 * ASCII scalars, for which libyaml's output is fully determined: two-space
 * indentation, sequences at their key's indentation, `- ` carrying the
 * first entry of a nested collection, `{}`/`[]` for empty ones, a plain
 * scalar when go-yaml asks for plain and libyaml would allow it, `"..."`
 * when go-yaml asks for double quotes and nothing needs escaping.  For such
 * documents we write the bytes directly (libyaml's event machinery was a
 * fifth of a build); at the first scalar outside that set (a line break, a
 * character that needs escaping or single quotes, a line that could fold
 * at 80 columns, a key too long to be a simple key) the caller throws the
 * partial output away and runs libyaml.  tests/unit/test_emit.c checks the
 * two agree (emit_yaml against emit_yaml_libyaml) on every document of the
 * test corpora.
 */

struct dw {
	struct sbuf *out;
	struct sbuf num;
	size_t line_start; /* offset in out where the current line began */
};

/* Characters libyaml may not start a plain scalar with, or that make it
 * quote one somewhere in the middle: kept out of the direct path. */
static bool plain_head_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("-?:,[]{}#&*!|>'\"%@`", c);
}

/* Is s printable ASCII that libyaml would print as is, in plain style when
 * plain is true (block context), else between double quotes? */
static bool direct_ok(const char *s, size_t n, bool plain)
{
	if (plain) {
		if (!n || !plain_head_ok((unsigned char)s[0]) || s[n - 1] == ' ' || s[n - 1] == ':')
			return false;
		if (n >= 3 && !memcmp(s, "...", 3))
			return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f)
			return false;
		if (!plain && (c == '"' || c == '\\'))
			return false;
		if (plain && ((c == ':' && i + 1 < n && s[i + 1] == ' ') ||
			      (c == '#' && i > 0 && s[i - 1] == ' ')))
			return false;
	}
	return true;
}

/* Write a string scalar; false when it needs libyaml. */
static bool dw_string(struct dw *w, const char *s, size_t n, bool key)
{
	if (key && n > 128)
		return false;
	bool plain = emit_plain_ok(s, n);
	if (!direct_ok(s, n, plain))
		return false;
	size_t col = w->out->len - w->line_start;
	/* A space past column 80 would be a fold: only short lines go here. */
	if (memchr(s, ' ', n) && col + n + (plain ? 0 : 2) > 80)
		return false;
	if (!plain)
		sbuf_addc(w->out, '"');
	sbuf_add(w->out, s, n);
	if (!plain)
		sbuf_addc(w->out, '"');
	return true;
}

static void dw_newline(struct dw *w)
{
	sbuf_addc(w->out, '\n');
	w->line_start = w->out->len;
}

static void dw_indent(struct dw *w, unsigned indent)
{
	sbuf_grow(w->out, indent);
	memset(w->out->buf + w->out->len, ' ', indent);
	w->out->len += indent;
	w->out->buf[w->out->len] = '\0';
}

/* The text of a non-string scalar, as the emitter prints it. */
static bool scalar_text(struct sbuf *sb, const struct ir_node *n);

static bool dw_map(struct dw *w, const struct ir_node *n, unsigned indent, bool inline_first);
static bool dw_seq(struct dw *w, const struct ir_node *n, unsigned indent, bool inline_first);

/* A value after "key:" or "- " (after_dash); the line is open. */
static bool dw_value(struct dw *w, const struct ir_node *v, unsigned indent, bool after_dash)
{
	if (v && v->type == IR_MAP && v->map.len) {
		if (after_dash)
			return dw_map(w, v, indent + 2, true);
		dw_newline(w);
		return dw_map(w, v, indent + 2, false);
	}
	if (v && v->type == IR_SEQ && v->seq.len) {
		if (after_dash)
			return dw_seq(w, v, indent + 2, true);
		dw_newline(w);
		return dw_seq(w, v, indent, false);
	}
	if (!after_dash)
		sbuf_addc(w->out, ' ');
	if (v && v->type == IR_MAP)
		sbuf_adds(w->out, "{}");
	else if (v && v->type == IR_SEQ)
		sbuf_adds(w->out, "[]");
	else if (v && v->type == IR_STR) {
		const char *s = v->s.text->s;
		size_t n = v->s.text->len;
		if (v->flags & IR_F_TIMESTAMP) {
			sbuf_reset(&w->num);
			if (yaml_timestamp(s, n, &w->num))
				s = w->num.buf, n = w->num.len;
		}
		if (!dw_string(w, s, n, false))
			return false;
	} else {
		sbuf_reset(&w->num);
		if (!scalar_text(&w->num, v))
			return false;
		sbuf_add(w->out, w->num.buf, w->num.len);
	}
	dw_newline(w);
	return true;
}

static bool dw_map(struct dw *w, const struct ir_node *n, unsigned indent, bool inline_first)
{
	const struct ir_pair *small[32];
	const struct ir_pair **order = n->map.len <= 32 ? small : xmalloc(n->map.len * sizeof *order);
	for (uint32_t i = 0; i < n->map.len; i++)
		order[i] = &n->map.items[i];
	qsort(order, n->map.len, sizeof *order, cmp_pairs);
	bool ok = true;
	for (uint32_t i = 0; ok && i < n->map.len; i++) {
		if (i || !inline_first)
			dw_indent(w, indent);
		const struct str *k = order[i]->key->s.text;
		ok = dw_string(w, k->s, k->len, true);
		if (ok) {
			sbuf_addc(w->out, ':');
			ok = dw_value(w, order[i]->value, indent, false);
		}
	}
	if (order != small)
		free(order);
	return ok;
}

static bool dw_seq(struct dw *w, const struct ir_node *n, unsigned indent, bool inline_first)
{
	for (uint32_t i = 0; i < n->seq.len; i++) {
		if (i || !inline_first)
			dw_indent(w, indent);
		sbuf_adds(w->out, "- ");
		if (!dw_value(w, n->seq.items[i], indent, true))
			return false;
	}
	return true;
}

/* Write doc directly; false (with out unchanged) when libyaml must do it. */
static bool direct(struct sbuf *out, const struct ir_node *doc)
{
	if (!doc || (doc->type != IR_MAP && doc->type != IR_SEQ))
		return false;
	size_t mark = out->len;
	struct dw w = { out, SBUF_INIT, out->len };
	bool ok;
	if (doc->type == IR_MAP && !doc->map.len) {
		sbuf_adds(out, "{}\n");
		ok = true;
	} else if (doc->type == IR_SEQ && !doc->seq.len) {
		sbuf_adds(out, "[]\n");
		ok = true;
	} else {
		ok = doc->type == IR_MAP ? dw_map(&w, doc, 0, false) : dw_seq(&w, doc, 0, false);
	}
	sbuf_release(&w.num);
	if (!ok)
		sbuf_truncate(out, mark);
	return ok;
}

int emit_yaml(struct sbuf *out, const struct ir_node *doc, const char **err)
{
	if (direct(out, doc))
		return 0;
	return emit_yaml_libyaml(out, doc, err);
}

int emit_yaml_libyaml(struct sbuf *out, const struct ir_node *doc, const char **err)
{
	struct em m = { .out = out, .tmp = SBUF_INIT };
	size_t mark = out->len;
	if (!yaml_emitter_initialize(&m.e))
		mc_oom(sizeof m.e);
	yaml_emitter_set_output(&m.e, write_handler, out);
	yaml_emitter_set_unicode(&m.e, 1);
	yaml_emitter_set_indent(&m.e, 2);
	yaml_emitter_set_width(&m.e, 80);
	yaml_emitter_set_break(&m.e, YAML_LN_BREAK);
	yaml_event_t ev;
	bool ok;
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = emit_event(&m, &ev);
	if (ok) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		ok = emit_event(&m, &ev);
	}
	ok = ok && node(&m, doc);
	if (ok) {
		yaml_document_end_event_initialize(&ev, 1);
		ok = emit_event(&m, &ev);
	}
	if (ok) {
		yaml_stream_end_event_initialize(&ev);
		ok = emit_event(&m, &ev);
	}
	if (ok)
		ok = yaml_emitter_flush(&m.e);
	yaml_emitter_delete(&m.e);
	/* libyaml 0.2.5 closes a stream whose last scalar is plain with an
	 * explicit "..." (open-ended) marker; go-yaml does not.  A value "..."
	 * would be quoted, so a final "...\n" line can only be the marker. */
	if (ok && out->len - mark >= 4 && !memcmp(out->buf + out->len - 4, "...\n", 4) &&
	    (out->len - mark == 4 || out->buf[out->len - 5] == '\n'))
		sbuf_truncate(out, out->len - 4);
	sbuf_release(&m.tmp);
	if (!ok) {
		sbuf_truncate(out, mark);
		if (err)
			*err = m.err ? m.err : "YAML emitter error";
		return -1;
	}
	return 0;
}

int emit_yaml_stream(struct sbuf *out, struct ir_node *const *docs, size_t n, const char **err)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_adds(out, "---\n");
		if (emit_yaml(out, docs[i], err) != 0)
			return -1;
	}
	return 0;
}
