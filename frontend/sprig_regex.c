/*
 * sprig_regex.c - Sprig's regex functions with Go's regexp (RE2 syntax)
 * semantics, executed by PCRE2.
 *
 * A pattern is first parsed with RE2's grammar (regexp/syntax): what RE2
 * rejects (backreferences, lookarounds, possessive and nested repetitions,
 * counts above 1000, unknown escapes) fails with Go's error text, and the
 * pattern is rewritten into the PCRE2 construct that means the same thing
 * (\s is [\t\n\f\r ], \v a plain character, octal escapes become \x{..},
 * a '{' that does not start a repetition a literal, $ without (?m) the end
 * of text only).  Iteration over matches (FindAll, ReplaceAll, Split)
 * reimplements Go's rules for empty matches, and replacement templates use
 * Go's $1 / ${name} expansion.  A match limit keeps backtracking bounded.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "sprig_impl.h"

#define S (&gt_t_string)
#define I (&gt_t_int)

struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	uint32_t ncap;        /* capture groups + 1 */
	const char **names;   /* names[i] of group i, or NULL */
	char *err;            /* Go's message when compiling failed */
};

/* ---- RE2 parsing and translation ---- */

struct tr {
	const char *p, *end, *whole;
	size_t wlen;
	struct sbuf out;
	struct arena *a;
	char *err;
	uint32_t ncap;
	VEC(const char *) names;
	int depth;
};

static bool terr(struct tr *t, const char *code, const char *arg, size_t argn)
{
	if (!t->err)
		t->err = arena_printf(t->a, "error parsing regexp: %s: `%.*s`", code, (int)argn, arg);
	return false;
}

static bool terr0(struct tr *t, const char *code)
{
	if (!t->err)
		t->err = arena_printf(t->a, "error parsing regexp: %s", code);
	return false;
}

static void emit_rune(struct sbuf *o, uint32_t r)
{
	sbuf_printf(o, "\\x{%x}", r);
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static bool is_word_ascii(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

enum esc_kind { E_RUNE, E_CLASS, E_ASSERT, E_NONE };

/*
 * Parse one escape at t->p (pointing at '\\'); for a single character set
 * *r; for a class emit its PCRE form to cls (in_class: without brackets);
 * for an assertion (outside classes) emit it.
 */
static enum esc_kind parse_escape(struct tr *t, bool in_class, uint32_t *r, struct sbuf *cls)
{
	const char *start = t->p;
	t->p++;
	if (t->p >= t->end) {
		terr0(t, "trailing backslash at end of expression");
		return E_NONE;
	}
	uint32_t c;
	size_t w = utf8_decode(t->p, (size_t)(t->end - t->p), &c);
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (t->p + 1 >= t->end || t->p[1] < '0' || t->p[1] > '7')
			break;
		/* fall through */
	case '0': {
		uint32_t v = c - '0';
		t->p++;
		for (int i = 0; i < 2 && t->p < t->end && *t->p >= '0' && *t->p <= '7'; i++)
			v = v * 8 + (uint32_t)(*t->p++ - '0');
		*r = v;
		return E_RUNE;
	}
	case 'x': {
		t->p++;
		if (t->p >= t->end)
			break;
		if (*t->p == '{') {
			t->p++;
			uint32_t v = 0;
			int nd = 0;
			while (t->p < t->end && *t->p != '}') {
				int h = hexv(*t->p);
				if (h < 0 || v > 0x10ffff)
					goto bad;
				v = v * 16 + (uint32_t)h;
				nd++;
				t->p++;
			}
			if (t->p >= t->end || nd == 0 || v > 0x10ffff)
				goto bad;
			t->p++;
			*r = v;
			return E_RUNE;
		}
		if (t->end - t->p < 2 || hexv(t->p[0]) < 0 || hexv(t->p[1]) < 0)
			goto bad;
		*r = (uint32_t)(hexv(t->p[0]) * 16 + hexv(t->p[1]));
		t->p += 2;
		return E_RUNE;
	}
	case 'a': *r = 7; t->p++; return E_RUNE;
	case 'f': *r = 12; t->p++; return E_RUNE;
	case 'n': *r = 10; t->p++; return E_RUNE;
	case 'r': *r = 13; t->p++; return E_RUNE;
	case 't': *r = 9; t->p++; return E_RUNE;
	case 'v': *r = 11; t->p++; return E_RUNE;
	case 'd': case 'D': case 'w': case 'W':
		t->p++;
		if (in_class)
			sbuf_printf(cls, "\\%c", (char)c);
		else
			sbuf_printf(cls, "\\%c", (char)c);
		return E_CLASS;
	case 's':
		t->p++;
		sbuf_adds(cls, in_class ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
		return E_CLASS;
	case 'S':
		t->p++;
		if (in_class) {
			sbuf_adds(cls, "\\x{0}-\\x{8}\\x{b}\\x{e}-\\x{1f}\\x{21}-\\x{10ffff}");
			return E_CLASS;
		}
		sbuf_adds(cls, "[^\\t\\n\\f\\r ]");
		return E_CLASS;
	case 'p': case 'P': {
		bool neg = c == 'P';
		const char *q = t->p + 1;
		const char *name;
		size_t nn;
		if (q >= t->end)
			goto bad;
		if (*q == '{') {
			const char *e = memchr(q, '}', (size_t)(t->end - q));
			if (!e)
				goto bad;
			name = q + 1;
			nn = (size_t)(e - name);
			t->p = e + 1;
		} else {
			uint32_t rr;
			size_t ww = utf8_decode(q, (size_t)(t->end - q), &rr);
			name = q;
			nn = ww;
			t->p = q + ww;
		}
		if (nn && name[0] == '^') {
			neg = !neg;
			name++;
			nn--;
		}
		if (nn == 0) {
			terr(t, "invalid character class range", start, (size_t)(t->p - start));
			return E_NONE;
		}
		for (size_t i = 0; i < nn; i++)
			if (!is_word_ascii((unsigned char)name[i])) {
				terr(t, "invalid character class range", start, (size_t)(t->p - start));
				return E_NONE;
			}
		if (nn == 3 && !memcmp(name, "Any", 3)) {
			sbuf_adds(cls, neg ? (in_class ? "" : "[^\\x{0}-\\x{10ffff}]")
				: (in_class ? "\\x{0}-\\x{10ffff}" : "[\\x{0}-\\x{10ffff}]"));
			return E_CLASS;
		}
		sbuf_printf(cls, "\\%c{%.*s}", neg ? 'P' : 'p', (int)nn, name);
		return E_CLASS;
	}
	case 'b': case 'B': case 'A': case 'z':
		if (in_class)
			break;
		t->p++;
		sbuf_printf(cls, "\\%c", (char)c);
		return E_ASSERT;
	default:
		if (c < 0x80 && !is_word_ascii(c)) {
			*r = c;
			t->p += w;
			return E_RUNE;
		}
		break;
	}
bad:
	{
		/* Go quotes the escape: the backslash and the next character */
		const char *e = start + 1;
		uint32_t rr;
		if (e < t->end)
			e += utf8_decode(e, (size_t)(t->end - e), &rr);
		terr(t, "invalid escape sequence", start, (size_t)(e - start));
	}
	return E_NONE;
}

/* POSIX classes (ASCII only, as in RE2): sorted ranges, 0-terminated. */
static const struct { const char *name; uint32_t r[10]; } posix_classes[] = {
	{ "alnum", { '0', '9', 'A', 'Z', 'a', 'z' } },
	{ "alpha", { 'A', 'Z', 'a', 'z' } },
	{ "ascii", { 0, 0x7f } },
	{ "blank", { '\t', '\t', ' ', ' ' } },
	{ "cntrl", { 0, 0x1f, 0x7f, 0x7f } },
	{ "digit", { '0', '9' } },
	{ "graph", { '!', '~' } },
	{ "lower", { 'a', 'z' } },
	{ "print", { ' ', '~' } },
	{ "punct", { '!', '/', ':', '@', '[', '`', '{', '~' } },
	{ "space", { '\t', '\r', ' ', ' ' } },
	{ "upper", { 'A', 'Z' } },
	{ "word", { '0', '9', 'A', 'Z', '_', '_', 'a', 'z' } },
	{ "xdigit", { '0', '9', 'A', 'F', 'a', 'f' } },
};

static size_t posix_nranges(size_t i)
{
	size_t k = 0;
	while (k < 10 && (posix_classes[i].r[k] || posix_classes[i].r[k + 1] || k == 0) &&
	       !(k > 0 && posix_classes[i].r[k] == 0 && posix_classes[i].r[k + 1] == 0))
		k += 2;
	return k / 2;
}

static void emit_range(struct sbuf *o, uint32_t lo, uint32_t hi)
{
	emit_rune(o, lo);
	if (hi != lo) {
		sbuf_addc(o, '-');
		emit_rune(o, hi);
	}
}

static void emit_posix(struct sbuf *o, size_t i, bool neg)
{
	size_t nr = posix_nranges(i);
	const uint32_t *r = posix_classes[i].r;
	if (!neg) {
		for (size_t k = 0; k < nr; k++)
			emit_range(o, r[2 * k], r[2 * k + 1]);
		return;
	}
	uint32_t next = 0;
	for (size_t k = 0; k < nr; k++) {
		if (r[2 * k] > next)
			emit_range(o, next, r[2 * k] - 1);
		next = r[2 * k + 1] + 1;
	}
	emit_range(o, next, 0x10ffff);
}

static bool parse_class(struct tr *t)
{
	const char *start = t->p;
	t->p++; /* '[' */
	bool neg = false;
	if (t->p < t->end && *t->p == '^') {
		neg = true;
		t->p++;
	}
	struct sbuf pos = SBUF_INIT;
	bool first = true;
	while (t->p < t->end && (*t->p != ']' || first)) {
		/* POSIX class */
		if (*t->p == '[' && t->end - t->p >= 2 && t->p[1] == ':') {
			const char *e = NULL;
			for (const char *q = t->p + 2; q + 1 < t->end; q++)
				if (q[0] == ':' && q[1] == ']') {
					e = q;
					break;
				}
			if (e) {
				const char *nm = t->p + 2;
				bool pneg = false;
				if (nm < e && *nm == '^') {
					pneg = true;
					nm++;
				}
				size_t nn = (size_t)(e - nm);
				size_t found = (size_t)-1;
				for (size_t i = 0; i < sizeof posix_classes / sizeof posix_classes[0]; i++)
					if (strlen(posix_classes[i].name) == nn &&
					    !memcmp(posix_classes[i].name, nm, nn))
						found = i;
				if (found == (size_t)-1) {
					sbuf_release(&pos);
					return terr(t, "invalid character class range", t->p,
						(size_t)(e + 2 - t->p));
				}
				emit_posix(&pos, found, pneg);
				t->p = e + 2;
				first = false;
				continue;
			}
		}
		const char *item = t->p;
		uint32_t lo;
		if (*t->p == '\\') {
			struct sbuf cls = SBUF_INIT;
			enum esc_kind k = parse_escape(t, true, &lo, &cls);
			if (k == E_NONE) {
				sbuf_release(&cls);
				sbuf_release(&pos);
				return false;
			}
			if (k == E_CLASS) {
				sbuf_add(&pos, cls.buf, cls.len);
				sbuf_release(&cls);
				first = false;
				continue;
			}
			sbuf_release(&cls);
		} else {
			t->p += utf8_decode(t->p, (size_t)(t->end - t->p), &lo);
		}
		uint32_t hi = lo;
		if (t->end - t->p >= 2 && *t->p == '-' && t->p[1] != ']') {
			t->p++;
			if (*t->p == '\\') {
				struct sbuf cls = SBUF_INIT;
				enum esc_kind k = parse_escape(t, true, &hi, &cls);
				sbuf_release(&cls);
				if (k != E_RUNE) {
					sbuf_release(&pos);
						if (k == E_CLASS)
						return terr(t, "invalid character class range", item,
							(size_t)(t->p - item));
					return false;
				}
			} else {
				t->p += utf8_decode(t->p, (size_t)(t->end - t->p), &hi);
			}
			if (hi < lo) {
				sbuf_release(&pos);
				return terr(t, "invalid character class range", item, (size_t)(t->p - item));
			}
		}
		emit_rune(&pos, lo);
		if (hi != lo) {
			sbuf_addc(&pos, '-');
			emit_rune(&pos, hi);
		}
		first = false;
	}
	if (t->p >= t->end) {
		sbuf_release(&pos);
		return terr(t, "missing closing ]", start, (size_t)(t->end - start));
	}
	t->p++; /* ']' */
	if (pos.len == 0) /* matches nothing, or (negated) everything */
		sbuf_adds(&t->out, neg ? "[\\x{0}-\\x{10ffff}]" : "(?!)");
	else
		sbuf_printf(&t->out, "[%s%s]", neg ? "^" : "", pos.buf);
	sbuf_release(&pos);
	return true;
}

static bool is_repeat_op(const char *p, const char *end, const char **after)
{
	/* {n}, {n,}, {n,m} with Go's limits checked by the caller */
	if (p >= end || *p != '{')
		return false;
	const char *q = p + 1;
	if (q >= end || *q < '0' || *q > '9')
		return false;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q < end && *q == ',') {
		q++;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q >= end || *q != '}')
		return false;
	*after = q + 1;
	return true;
}

static bool translate_seq(struct tr *t)
{
	/* an item exists that a repetition can apply to; last op was a repeat */
	bool have_item = false;
	const char *last_repeat = NULL;
	size_t last_repeat_len = 0;
	while (t->p < t->end) {
		char ch = *t->p;
		if (ch == '|') {
			sbuf_addc(&t->out, '|');
			t->p++;
			have_item = false;
			last_repeat = NULL;
			continue;
		}
		if (ch == ')') {
			if (t->depth == 0)
				return terr(t, "unexpected )", t->whole, t->wlen);
			return true;
		}
		if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
			const char *op = t->p, *after = t->p + 1;
			bool rep = true;
			if (ch == '{') {
				rep = is_repeat_op(t->p, t->end, &after);
				if (rep) {
					/* counts */
					long lo = 0, hi = -1;
					const char *q = t->p + 1;
					while (q < after && *q >= '0' && *q <= '9') {
						lo = lo * 10 + (*q - '0');
						if (lo > 100000)
							lo = 100000;
						q++;
					}
					if (*q == ',') {
						q++;
						if (*q != '}') {
							hi = 0;
							while (*q >= '0' && *q <= '9') {
								hi = hi * 10 + (*q - '0');
								if (hi > 100000)
									hi = 100000;
								q++;
							}
						}
					} else {
						hi = lo;
					}
					if (lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo))
						return terr(t, "invalid repeat count", op, (size_t)(after - op));
				}
			}
			if (rep) {
				if (after < t->end && *after == '?')
					after++;
				if (last_repeat)
					return terr(t, "invalid nested repetition operator", last_repeat,
						(size_t)(after - last_repeat));
				if (!have_item)
					return terr(t, "missing argument to repetition operator", op,
						(size_t)(after - op));
				sbuf_add(&t->out, op, (size_t)(after - op));
				t->p = after;
				last_repeat = op;
				last_repeat_len = (size_t)(after - op);
				continue;
			}
			/* a literal '{' */
			sbuf_adds(&t->out, "\\{");
			t->p++;
			have_item = true;
			last_repeat = NULL;
			continue;
		}
		(void)last_repeat_len;
		last_repeat = NULL;
		switch (ch) {
		case '(': {
			const char *open = t->p;
			t->p++;
			if (t->p < t->end && *t->p == '?') {
				/* named capture or flags */
				const char *q = t->p + 1;
				if (q < t->end && (*q == 'P' || *q == '<')) {
					const char *nm = q + (*q == 'P' ? 1 : 0);
					if (*q == 'P' && (nm >= t->end || *nm != '<'))
						return terr(t, "invalid or unsupported Perl syntax", open,
							(size_t)(nm + 1 - open) > (size_t)(t->end - open)
								? (size_t)(t->end - open) : (size_t)(nm + 1 - open));
					nm++;
					const char *e = memchr(nm, '>', (size_t)(t->end - nm));
					if (!e)
						return terr(t, "invalid named capture", open, (size_t)(t->end - open));
					bool ok = e > nm;
					for (const char *k = nm; k < e && ok; k++)
						ok = is_word_ascii((unsigned char)*k);
					if (!ok)
						return terr(t, "invalid named capture", open, (size_t)(e + 1 - open));
					char *name = arena_strndup(t->a, nm, (size_t)(e - nm));
					for (size_t k = 0; k < t->names.len; k++)
						if (t->names.items[k] && !strcmp(t->names.items[k], name))
							return terr(t, "duplicate capture group name", open,
								(size_t)(e + 1 - open));
					t->ncap++;
					while (t->names.len < t->ncap)
						VEC_PUSH(t->a, &t->names, NULL);
					t->names.items[t->ncap - 1] = name;
					sbuf_adds(&t->out, "(");
					t->p = e + 1;
				} else {
					/* flags: (?flags) or (?flags:re) */
					const char *k = q;
					bool negf = false, any = false, sawneg = false;
					while (k < t->end && *k != ')' && *k != ':') {
						if (*k == '-') {
							if (negf)
								break;
							negf = sawneg = true;
							any = false;
						} else if (*k == 'i' || *k == 'm' || *k == 's' || *k == 'U') {
							any = true;
						} else {
							break;
						}
						k++;
					}
					if (k >= t->end || (*k != ')' && *k != ':') || (sawneg && !any)) {
						const char *e = k < t->end ? k + 1 : t->end;
						return terr(t, "invalid or unsupported Perl syntax", open,
							(size_t)(e - open));
					}
					if (*k == ')') {
						sbuf_add(&t->out, open, (size_t)(k + 1 - open));
						t->p = k + 1;
						continue; /* flags alone: no item */
					}
					sbuf_add(&t->out, open, (size_t)(k + 1 - open));
					t->p = k + 1;
				}
			} else {
				t->ncap++;
				while (t->names.len < t->ncap)
					VEC_PUSH(t->a, &t->names, NULL);
				sbuf_addc(&t->out, '(');
			}
			if (++t->depth > 1000)
				return terr0(t, "expression nests too deeply");
			if (!translate_seq(t))
				return false;
			t->depth--;
			if (t->p >= t->end)
				return terr(t, "missing closing )", t->whole, t->wlen);
			sbuf_addc(&t->out, ')');
			t->p++;
			have_item = true;
			break;
		}
		case '[':
			if (!parse_class(t))
				return false;
			have_item = true;
			break;
		case '\\': {
			if (t->end - t->p >= 2 && t->p[1] == 'Q') {
				t->p += 2;
				const char *e = t->p;
				while (e < t->end && !(e[0] == '\\' && e + 1 < t->end && e[1] == 'E'))
					e++;
				while (t->p < e) {
					uint32_t r;
					t->p += utf8_decode(t->p, (size_t)(e - t->p), &r);
					emit_rune(&t->out, r);
					have_item = true;
				}
				if (e < t->end)
					t->p = e + 2;
				break;
			}
			uint32_t r;
			struct sbuf cls = SBUF_INIT;
			enum esc_kind k = parse_escape(t, false, &r, &cls);
			if (k == E_NONE) {
				sbuf_release(&cls);
				return false;
			}
			if (k == E_RUNE)
				emit_rune(&t->out, r);
			else
				sbuf_add(&t->out, cls.buf, cls.len);
			sbuf_release(&cls);
			have_item = true;
			break;
		}
		case '^': case '$': case '.':
			sbuf_addc(&t->out, ch);
			t->p++;
			have_item = true;
			break;
		default: {
			uint32_t r;
			size_t w = utf8_decode(t->p, (size_t)(t->end - t->p), &r);
			if (r == 0xfffd && w == 1)
				return terr(t, "invalid UTF-8", t->p, (size_t)(t->end - t->p));
			if (r < 0x80 && (is_word_ascii(r) || r == ' '))
				sbuf_addc(&t->out, (char)r);
			else
				emit_rune(&t->out, r);
			t->p += w;
			have_item = true;
		}
		}
	}
	return true;
}

static void rx_free(struct rx *x)
{
	if (x->md)
		pcre2_match_data_free(x->md);
	if (x->mctx)
		pcre2_match_context_free(x->mctx);
	if (x->code)
		pcre2_code_free(x->code);
	memset(x, 0, sizeof *x);
}

/* regexp.Compile: false with Go's message in x->err. */
static bool rx_compile(struct arena *a, struct rx *x, const char *pat, size_t n)
{
	memset(x, 0, sizeof *x);
	struct tr t = { 0 };
	t.p = pat;
	t.end = pat + n;
	t.whole = pat;
	t.wlen = n;
	t.a = a;
	if (!utf8_valid(pat, n)) {
		x->err = arena_printf(a, "error parsing regexp: invalid UTF-8: `%.*s`", (int)n, pat);
		return false;
	}
	sbuf_init(&t.out);
	bool ok = translate_seq(&t);
	if (ok && t.p < t.end)
		ok = terr(&t, "unexpected )", pat, n);
	if (!ok) {
		x->err = t.err ? t.err : arena_strdup(a, "error parsing regexp");
		sbuf_release(&t.out);
		return false;
	}
	int ec;
	PCRE2_SIZE eo;
	x->code = pcre2_compile((PCRE2_SPTR)t.out.buf, t.out.len,
		PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
		&ec, &eo, NULL);
	if (!x->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		x->err = arena_printf(a, "error parsing regexp: %s: `%.*s`", (const char *)msg, (int)n, pat);
		sbuf_release(&t.out);
		return false;
	}
	sbuf_release(&t.out);
	x->md = pcre2_match_data_create_from_pattern(x->code, NULL);
	x->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(x->mctx, 10000000);
	pcre2_set_depth_limit(x->mctx, 100000);
	x->ncap = t.ncap + 1;
	x->names = t.names.items;
	return true;
}

/* Match at or after pos: 1 with ov[0..2*ncap) filled, 0 none, -1 error. */
static int rx_exec(struct rx *x, const char *s, size_t n, size_t pos, size_t *ov)
{
	int rc = pcre2_match(x->code, (PCRE2_SPTR)(s ? s : ""), n, pos, 0, x->md, x->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	PCRE2_SIZE *v = pcre2_get_ovector_pointer(x->md);
	for (uint32_t i = 0; i < x->ncap; i++) {
		if ((int)i < rc && v[2 * i] != PCRE2_UNSET) {
			ov[2 * i] = v[2 * i];
			ov[2 * i + 1] = v[2 * i + 1];
		} else {
			ov[2 * i] = ov[2 * i + 1] = (size_t)-1;
		}
	}
	return 1;
}

static size_t rune_width(const char *s, size_t n, size_t pos)
{
	if (pos >= n)
		return 0;
	uint32_t r;
	return utf8_decode(s + pos, n - pos, &r);
}

/* Go's allMatches: deliver up to nmax matches (nmax < 0: all). */
static int all_matches(struct rx *x, const char *s, size_t n, long nmax,
	void (*deliver)(void *, const size_t *), void *arg)
{
	if (nmax < 0)
		nmax = (long)n + 1;
	size_t *ov = malloc(2 * x->ncap * sizeof *ov);
	if (!ov)
		mc_oom(2 * x->ncap * sizeof *ov);
	size_t pos = 0;
	long i = 0;
	long prev_end = -1;
	int rc = 0;
	while (i < nmax && pos <= n) {
		int m = rx_exec(x, s, n, pos, ov);
		if (m < 0) {
			rc = -1;
			break;
		}
		if (m == 0)
			break;
		bool accept = true;
		if (ov[1] == pos) {
			if ((long)ov[0] == prev_end)
				accept = false;
			size_t w = rune_width(s, n, pos);
			pos = w ? pos + w : n + 1;
		} else {
			pos = ov[1];
		}
		prev_end = (long)ov[1];
		if (accept) {
			deliver(arg, ov);
			i++;
		}
	}
	free(ov);
	return rc;
}

static int rx_error(struct gt_call *c, struct rx *x, const char *pat, size_t n)
{
	(void)pat, (void)n;
	int r = gt_call_errorf(c, "%s", x->err);
	rx_free(x);
	return r;
}

/* regexp.MustCompile's panic text */
static int rx_must_error(struct gt_call *c, struct rx *x, const char *pat, size_t n)
{
	int r = gt_call_errorf(c, "regexp: Compile(`%.*s`): %s", (int)n, pat, x->err);
	rx_free(x);
	return r;
}

static int match_limit_error(struct gt_call *c, struct rx *x)
{
	rx_free(x);
	return gt_call_errorf(c, "regular expression too expensive to evaluate (backtracking limit)");
}

static int do_match(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must)
{
	struct rx x;
	if (!rx_compile(gt_call_arena(c), &x, a[0].s.p, a[0].s.n)) {
		if (must)
			return rx_error(c, &x, a[0].s.p, a[0].s.n);
		rx_free(&x);
		*ret = gt_bool(false);
		return 0;
	}
	size_t ov[2 * 64];
	size_t *o = x.ncap <= 64 ? ov : malloc(2 * x.ncap * sizeof *o);
	int m = rx_exec(&x, a[1].s.p, a[1].s.n, 0, o);
	if (o != ov)
		free(o);
	if (m < 0)
		return match_limit_error(c, &x);
	rx_free(&x);
	*ret = gt_bool(m == 1);
	return 0;
}

SP_FN(r_match)
{
	(void)n;
	return do_match(c, a, ret, false);
}

SP_FN(r_must_match)
{
	(void)n;
	return do_match(c, a, ret, true);
}

struct collect {
	struct gt_call *c;
	struct gt_value list;
	const char *s;
	struct gt_value src;
};

static void collect_str(void *arg, const size_t *ov)
{
	struct collect *k = arg;
	struct gt_value v = k->src;
	v.s.p = k->s + ov[0];
	v.s.n = ov[1] - ov[0];
	gt_list_push(gt_call_arena(k->c), k->list, v);
}

static int do_findall(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must)
{
	struct rx x;
	if (!rx_compile(gt_call_arena(c), &x, a[0].s.p, a[0].s.n))
		return must ? rx_error(c, &x, a[0].s.p, a[0].s.n) : rx_must_error(c, &x, a[0].s.p, a[0].s.n);
	struct collect k = { c, gt_list_new(gt_call_arena(c), &gt_t_strings, 4), a[1].s.p,
		gt_string("", 0) };
	long nmax = (long)a[2].i;
	if (nmax == 0) {
		rx_free(&x);
		*ret = (struct gt_value){ &gt_t_strings, { .l = NULL } };
		return 0;
	}
	if (all_matches(&x, a[1].s.p, a[1].s.n, nmax, collect_str, &k))
		return match_limit_error(c, &x);
	rx_free(&x);
	if (!k.list.l->len)
		k.list.l = NULL; /* Go returns a nil slice when nothing matched */
	*ret = k.list;
	return 0;
}

SP_FN(r_findall)
{
	(void)n;
	return do_findall(c, a, ret, false);
}

SP_FN(r_must_findall)
{
	(void)n;
	return do_findall(c, a, ret, true);
}

static int do_find(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must)
{
	struct rx x;
	if (!rx_compile(gt_call_arena(c), &x, a[0].s.p, a[0].s.n))
		return must ? rx_error(c, &x, a[0].s.p, a[0].s.n) : rx_must_error(c, &x, a[0].s.p, a[0].s.n);
	size_t *o = malloc(2 * x.ncap * sizeof *o);
	int m = rx_exec(&x, a[1].s.p, a[1].s.n, 0, o);
	if (m < 0) {
		free(o);
		return match_limit_error(c, &x);
	}
	*ret = m ? gt_string(a[1].s.p + o[0], o[1] - o[0]) : gt_cstring("");
	free(o);
	rx_free(&x);
	return 0;
}

SP_FN(r_find)
{
	(void)n;
	return do_find(c, a, ret, false);
}

SP_FN(r_must_find)
{
	(void)n;
	return do_find(c, a, ret, true);
}

/* Go's Regexp.expand for ReplaceAllString templates. */
static void expand(struct sbuf *out, struct rx *x, const char *tpl, size_t tn, const char *src,
	const size_t *ov)
{
	size_t i = 0;
	while (i < tn) {
		const char *d = memchr(tpl + i, '$', tn - i);
		if (!d)
			break;
		size_t at = (size_t)(d - tpl);
		sbuf_add(out, tpl + i, at - i);
		i = at + 1;
		if (i < tn && tpl[i] == '$') {
			sbuf_addc(out, '$');
			i++;
			continue;
		}
		/* extract */
		size_t j = i;
		bool brace = false;
		if (j < tn && tpl[j] == '{') {
			brace = true;
			j++;
		}
		size_t ns = j;
		while (j < tn) {
			uint32_t r;
			size_t w = utf8_decode(tpl + j, tn - j, &r);
			if (!go_is_letter(r) && !go_is_digit(r) && r != '_')
				break;
			j += w;
		}
		size_t nl = j - ns;
		bool ok = nl > 0;
		if (ok && brace) {
			if (j >= tn || tpl[j] != '}')
				ok = false;
			else
				j++;
		}
		if (!ok) {
			sbuf_addc(out, '$');
			continue;
		}
		const char *name = tpl + ns;
		long num = 0;
		for (size_t k = 0; k < nl; k++) {
			if (name[k] < '0' || name[k] > '9' || num >= 100000000) {
				num = -1;
				break;
			}
			num = num * 10 + (name[k] - '0');
		}
		if (name[0] == '0' && nl > 1)
			num = -1;
		i = j;
		if (num >= 0) {
			if ((size_t)num < x->ncap && ov[2 * num] != (size_t)-1)
				sbuf_add(out, src + ov[2 * num], ov[2 * num + 1] - ov[2 * num]);
		} else {
			for (uint32_t g = 1; g < x->ncap; g++) {
				const char *gn = x->names[g - 1];
				if (gn && strlen(gn) == nl && !memcmp(gn, name, nl)) {
					if (ov[2 * g] != (size_t)-1)
						sbuf_add(out, src + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
					break;
				}
			}
		}
	}
	sbuf_add(out, tpl + i, tn - i);
}

static int do_replace(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must,
	bool literal)
{
	struct rx x;
	if (!rx_compile(gt_call_arena(c), &x, a[0].s.p, a[0].s.n))
		return must ? rx_error(c, &x, a[0].s.p, a[0].s.n) : rx_must_error(c, &x, a[0].s.p, a[0].s.n);
	const char *src = a[1].s.p ? a[1].s.p : "";
	size_t end = a[1].s.n;
	size_t *ov = malloc(2 * x.ncap * sizeof *ov);
	struct sbuf out = SBUF_INIT;
	size_t last = 0, search = 0;
	while (search <= end) {
		int m = rx_exec(&x, src, end, search, ov);
		if (m < 0) {
			free(ov);
			sbuf_release(&out);
			return match_limit_error(c, &x);
		}
		if (!m)
			break;
		sbuf_add(&out, src + last, ov[0] - last);
		if (ov[1] > last || ov[0] == 0) {
			if (literal)
				sbuf_add(&out, a[2].s.p, a[2].s.n);
			else
				expand(&out, &x, a[2].s.p, a[2].s.n, src, ov);
		}
		last = ov[1];
		size_t w = rune_width(src, end, search);
		if (search + w > ov[1])
			search += w;
		else if (search + 1 > ov[1])
			search++;
		else
			search = ov[1];
	}
	sbuf_add(&out, src + last, end - last);
	free(ov);
	rx_free(&x);
	return sp_ret_sbuf(c, ret, &out);
}

SP_FN(r_replace)
{
	(void)n;
	return do_replace(c, a, ret, false, false);
}

SP_FN(r_must_replace)
{
	(void)n;
	return do_replace(c, a, ret, true, false);
}

SP_FN(r_replace_lit)
{
	(void)n;
	return do_replace(c, a, ret, false, true);
}

SP_FN(r_must_replace_lit)
{
	(void)n;
	return do_replace(c, a, ret, true, true);
}

struct split_state {
	size_t *starts, *ends;
	size_t n, cap;
};

static void collect_idx(void *arg, const size_t *ov)
{
	struct split_state *s = arg;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->starts = xrealloc(s->starts, s->cap * sizeof *s->starts);
		s->ends = xrealloc(s->ends, s->cap * sizeof *s->ends);
	}
	s->starts[s->n] = ov[0];
	s->ends[s->n] = ov[1];
	s->n++;
}

static int do_split(struct gt_call *c, struct gt_value *a, struct gt_value *ret, bool must)
{
	struct rx x;
	if (!rx_compile(gt_call_arena(c), &x, a[0].s.p, a[0].s.n))
		return must ? rx_error(c, &x, a[0].s.p, a[0].s.n) : rx_must_error(c, &x, a[0].s.p, a[0].s.n);
	struct arena *ar = gt_call_arena(c);
	long nmax = (long)a[2].i;
	const char *s = a[1].s.p ? a[1].s.p : "";
	size_t len = a[1].s.n;
	if (nmax == 0) {
		rx_free(&x);
		*ret = (struct gt_value){ &gt_t_strings, { .l = NULL } };
		return 0;
	}
	struct gt_value l = gt_list_new(ar, &gt_t_strings, 4);
	if (a[0].s.n > 0 && len == 0) {
		rx_free(&x);
		gt_list_push(ar, l, gt_string("", 0));
		*ret = l;
		return 0;
	}
	struct split_state st = { 0 };
	if (all_matches(&x, s, len, nmax, collect_idx, &st)) {
		free(st.starts);
		free(st.ends);
		return match_limit_error(c, &x);
	}
	size_t beg = 0, end = 0;
	for (size_t i = 0; i < st.n; i++) {
		if (nmax > 0 && (long)l.l->len == nmax - 1)
			break;
		end = st.starts[i];
		if (st.ends[i] != 0)
			gt_list_push(ar, l, gt_string(s + beg, end - beg));
		beg = st.ends[i];
	}
	if (end != len)
		gt_list_push(ar, l, gt_string(s + beg, len - beg));
	free(st.starts);
	free(st.ends);
	rx_free(&x);
	*ret = l;
	return 0;
}

SP_FN(r_split)
{
	(void)n;
	return do_split(c, a, ret, false);
}

SP_FN(r_must_split)
{
	(void)n;
	return do_split(c, a, ret, true);
}

SP_FN(r_quotemeta)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < a[0].s.n; i++) {
		char ch = a[0].s.p[i];
		if (strchr("\\.+*?()|[]{}^$", ch) && ch)
			sbuf_addc(&sb, '\\');
		sbuf_addc(&sb, ch);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

const struct gt_func sprig_regex_funcs[] = {
	{ "regexMatch", r_match, 2, false, { S, S }, NULL },
	{ "mustRegexMatch", r_must_match, 2, false, { S, S }, NULL },
	{ "regexFindAll", r_findall, 3, false, { S, S, I }, NULL },
	{ "mustRegexFindAll", r_must_findall, 3, false, { S, S, I }, NULL },
	{ "regexFind", r_find, 2, false, { S, S }, NULL },
	{ "mustRegexFind", r_must_find, 2, false, { S, S }, NULL },
	{ "regexReplaceAll", r_replace, 3, false, { S, S, S }, NULL },
	{ "mustRegexReplaceAll", r_must_replace, 3, false, { S, S, S }, NULL },
	{ "regexReplaceAllLiteral", r_replace_lit, 3, false, { S, S, S }, NULL },
	{ "mustRegexReplaceAllLiteral", r_must_replace_lit, 3, false, { S, S, S }, NULL },
	{ "regexSplit", r_split, 3, false, { S, S, I }, NULL },
	{ "mustRegexSplit", r_must_split, 3, false, { S, S, I }, NULL },
	{ "regexQuoteMeta", r_quotemeta, 1, false, { S }, NULL },
};

const size_t sprig_regex_nfuncs = sizeof sprig_regex_funcs / sizeof sprig_regex_funcs[0];
