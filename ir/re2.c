/*
 * re2.c - Go regexp syntax checked and translated to PCRE2.
 *
 * A single left-to-right pass parses the pattern the way Go's
 * regexp/syntax parser does (same acceptance, same error codes) and writes
 * an equivalent PCRE2 pattern in which every construct whose meaning
 * differs between the two engines is spelled out explicitly: literals as
 * \x{...}, Perl classes as ASCII ranges, `{` that is not a repetition as
 * \{, named groups as plain groups, quantified assertions wrapped in (?:).
 * The translation needs no tree because Go's syntax is local: the only
 * context is the group stack (flags are not needed since PCRE2 inline
 * options have the same scope as Go's).
 *
 * Matching runs pcre2_dfa_match: no backtracking, so a hostile subject
 * cannot make a match take exponential time (RE2's guarantee).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/re2.h"

#define MAX_NEST 1000
#define MAX_REPEAT 1000

struct re2 {
	pcre2_code *code;
};

struct level {
	size_t atom;        /* output offset of the last repeatable item */
	bool have_atom;     /* is there one? */
	bool atom_assert;   /* it is an assertion (needs (?:) to repeat) */
	bool last_repeat;   /* the previous token was a repetition operator */
	size_t flags_at;    /* offset of a flag group written after the atom */
	bool flags_after;   /* there is one */
	uint64_t atom_w;    /* product of counted repetitions inside the atom */
	uint64_t w;         /* max of those over the level */
	size_t open;        /* output offset of this group's "(" */
	bool multiline;     /* (?m) in effect (Go restores flags at ")") */
};

struct tr {
	const char *p, *s, *e; /* cursor, start, end */
	struct sbuf *out;
	struct sbuf *err;
	struct level st[MAX_NEST + 1];
	size_t depth;
};

static bool fail(struct tr *t, const char *code, const char *expr, size_t n)
{
	if (t->err) {
		sbuf_reset(t->err);
		sbuf_printf(t->err, "error parsing regexp: %s: `%.*s`", code, (int)n, expr);
	}
	return false;
}

static bool is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Decode one rune; false (and Go's error) on invalid UTF-8. */
static bool next_rune(struct tr *t, const char **p, uint32_t *r)
{
	size_t n = utf8_decode(*p, (size_t)(t->e - *p), r);
	if (*r == 0xFFFD && n == 1)
		return fail(t, "invalid UTF-8", *p, (size_t)(t->e - *p));
	*p += n;
	return true;
}

static void put_rune(struct sbuf *o, uint32_t c)
{
	if (is_alnum(c) || c == '_')
		sbuf_addc(o, (char)c);
	else if (c > 0x20 && c < 0x7f)
		sbuf_addc(o, '\\'), sbuf_addc(o, (char)c);
	else
		sbuf_printf(o, "\\x{%x}", (unsigned)c);
}

/* Go's parseEscape: a single-rune escape at t->p (which is at the '\\').
 * Perl classes, \p and assertions are handled by the callers. */
static bool parse_escape(struct tr *t, const char **pp, uint32_t *out)
{
	const char *start = *pp, *p = *pp + 1;
	if (p >= t->e)
		return fail(t, "trailing backslash at end of expression", "", 0);
	uint32_t c;
	if (!next_rune(t, &p, &c))
		return false;
	if (c < 0x80 && !is_alnum(c)) {
		*out = c;
		*pp = p;
		return true;
	}
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (p >= t->e || *p < '0' || *p > '7')
			break;
		/* fallthrough */
	case '0': {
		uint32_t r = c - '0';
		for (int i = 1; i < 3 && p < t->e && *p >= '0' && *p <= '7'; i++)
			r = r * 8 + (uint32_t)(*p++ - '0');
		*out = r;
		*pp = p;
		return true;
	}
	case 'x': {
		if (p >= t->e)
			break;
		if (!next_rune(t, &p, &c))
			return false;
		if (c == '{') {
			int nhex = 0;
			uint32_t r = 0;
			for (;;) {
				if (p >= t->e)
					goto bad;
				if (!next_rune(t, &p, &c))
					return false;
				if (c == '}')
					break;
				int v = hex_digit(c);
				if (v < 0)
					goto bad;
				r = r * 16 + (uint32_t)v;
				if (r > 0x10FFFF)
					goto bad;
				nhex++;
			}
			if (!nhex)
				goto bad;
			*out = r;
			*pp = p;
			return true;
		}
		int x = hex_digit(c);
		if (p >= t->e)
			goto bad;
		if (!next_rune(t, &p, &c))
			return false;
		int y = hex_digit(c);
		if (x < 0 || y < 0)
			goto bad;
		*out = (uint32_t)(x * 16 + y);
		*pp = p;
		return true;
	}
	case 'a': *out = 7; *pp = p; return true;
	case 'f': *out = '\f'; *pp = p; return true;
	case 'n': *out = '\n'; *pp = p; return true;
	case 'r': *out = '\r'; *pp = p; return true;
	case 't': *out = '\t'; *pp = p; return true;
	case 'v': *out = 0x0B; *pp = p; return true;
	default:
		break;
	}
bad:
	return fail(t, "invalid escape sequence", start, (size_t)(p - start));
}

/* Perl class escapes as class contents (ASCII, as Go defines them). */
static const char *perl_class(char c)
{
	switch (c) {
	case 'd': return "0-9";
	case 'D': return "\\x{0}-/:-\\x{10ffff}";
	case 's': return "\\x{9}\\x{a}\\x{c}\\x{d}\\x{20}";
	case 'S': return "\\x{0}-\\x{8}\\x{b}\\x{e}-\\x{1f}\\x{21}-\\x{10ffff}";
	case 'w': return "0-9A-Z_a-z";
	case 'W': return "\\x{0}-/:-@\\[-\\^`\\{-\\x{10ffff}";
	default: return NULL;
	}
}

/* \p{Name}, \pN, \P..., at *pp (the backslash).  Writes class contents
 * (without brackets) to o.  Returns 0 if not a Unicode class, 1 on
 * success, -1 on error. */
static int unicode_class(struct tr *t, const char **pp, struct sbuf *o)
{
	const char *s = *pp;
	if (t->e - s < 2 || s[0] != '\\' || (s[1] != 'p' && s[1] != 'P'))
		return 0;
	bool neg = s[1] == 'P';
	const char *p = s + 2, *name, *name_end;
	uint32_t c;
	if (p >= t->e)
		return (fail(t, "invalid character class range", s, 2), -1);
	if (!next_rune(t, &p, &c))
		return -1;
	if (c != '{') {
		name = s + 2;
		name_end = p;
	} else {
		const char *end = memchr(s, '}', (size_t)(t->e - s));
		if (!end)
			return (fail(t, "invalid character class range", s, (size_t)(t->e - s)), -1);
		name = s + 3;
		name_end = end;
		p = end + 1;
		for (const char *q = name; q < name_end;) {
			uint32_t r;
			if (!next_rune(t, &q, &r))
				return -1;
		}
	}
	if (name < name_end && *name == '^') {
		neg = !neg;
		name++;
	}
	size_t n = (size_t)(name_end - name);
	/* Go canonicalises names (case, '_', '-', ' '); PCRE2 10.40+ matches
	 * property names loosely the same way, except for Go's specials. */
	char canon[64];
	size_t k = 0;
	bool first = true;
	for (size_t i = 0; i < n && k + 1 < sizeof canon; i++) {
		char ch = name[i];
		if (ch == '_' || ch == '-' || ch == ' ')
			continue;
		if (first && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		else if (!first && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		first = false;
		canon[k++] = ch;
	}
	canon[k] = '\0';
	bool ok_chars = n > 0 && n < 48;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (!(is_alnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == ' '))
			ok_chars = false;
	}
	if (!ok_chars)
		return (fail(t, "invalid character class range", s, (size_t)(p - s)), -1);
	if (!strcmp(canon, "Any")) {
		if (!neg)
			sbuf_adds(o, "\\x{0}-\\x{10ffff}");
		else
			return (fail(t, "invalid character class range", s, (size_t)(p - s)), -1);
	} else if (!strcmp(canon, "Ascii")) {
		sbuf_adds(o, neg ? "\\x{80}-\\x{10ffff}" : "\\x{0}-\\x{7f}");
	} else if (!strcmp(canon, "Assigned")) {
		sbuf_adds(o, neg ? "\\p{Cn}" : "\\P{Cn}");
	} else if (!strcmp(canon, "Lc")) {
		sbuf_adds(o, neg ? "\\P{L&}" : "\\p{L&}");
	} else {
		sbuf_printf(o, "\\%c{%.*s}", neg ? 'P' : 'p', (int)n, name);
	}
	*pp = p;
	return 1;
}

static const char *const posix_names[] = {
	"alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower",
	"print", "punct", "space", "upper", "word", "xdigit", NULL,
};

/* [[:name:]] inside a class: 0 not one, 1 ok, -1 error. */
static int posix_class(struct tr *t, const char **pp, struct sbuf *o)
{
	const char *s = *pp;
	if (t->e - s < 2 || s[0] != '[' || s[1] != ':')
		return 0;
	const char *end = NULL;
	for (const char *q = s + 2; q + 1 < t->e; q++)
		if (q[0] == ':' && q[1] == ']') {
			end = q;
			break;
		}
	if (!end)
		return 0;
	const char *name = s + 2;
	bool neg = false;
	if (name < end && *name == '^') {
		neg = true;
		name++;
	}
	size_t n = (size_t)(end - name);
	for (const char *const *p = posix_names; *p; p++)
		if (strlen(*p) == n && !memcmp(*p, name, n)) {
			sbuf_printf(o, "[:%s%s:]", neg ? "^" : "", *p);
			*pp = end + 2;
			return 1;
		}
	return (fail(t, "invalid character class range", s, (size_t)(end + 2 - s)), -1);
}

static bool parse_class(struct tr *t)
{
	const char *s = t->p;
	const char *p = s + 1;
	struct sbuf *o = t->out;
	sbuf_addc(o, '[');
	if (p < t->e && *p == '^') {
		sbuf_addc(o, '^');
		p++; /* regexp.Compile sets ClassNL: [^a] matches \n, as in PCRE2 */
	}
	bool first = true;
	size_t items = 0;
	while (p >= t->e || *p != ']' || first) {
		if (p >= t->e)
			return fail(t, "missing closing ]", s, (size_t)(t->e - s));
		first = false;
		int r = posix_class(t, &p, o);
		if (r < 0)
			return false;
		if (r > 0) {
			items++;
			continue;
		}
		r = unicode_class(t, &p, o);
		if (r < 0)
			return false;
		if (r > 0) {
			items++;
			continue;
		}
		if (t->e - p >= 2 && p[0] == '\\' && perl_class(p[1])) {
			sbuf_adds(o, perl_class(p[1]));
			p += 2;
			items++;
			continue;
		}
		const char *rng = p;
		uint32_t lo, hi;
		if (*p == '\\') {
			if (!parse_escape(t, &p, &lo))
				return false;
		} else if (!next_rune(t, &p, &lo)) {
			return false;
		}
		hi = lo;
		if (t->e - p >= 2 && p[0] == '-' && p[1] != ']') {
			p++;
			if (p >= t->e)
				return fail(t, "missing closing ]", s, (size_t)(t->e - s));
			if (*p == '\\') {
				if (!parse_escape(t, &p, &hi))
					return false;
			} else if (!next_rune(t, &p, &hi)) {
				return false;
			}
			if (hi < lo)
				return fail(t, "invalid character class range", rng, (size_t)(p - rng));
		}
		put_rune(o, lo);
		if (hi != lo) {
			sbuf_addc(o, '-');
			put_rune(o, hi);
		}
		items++;
	}
	(void)items;
	sbuf_addc(o, ']');
	t->p = p + 1;
	return true;
}

static struct level *top(struct tr *t)
{
	return &t->st[t->depth];
}

static void push_level(struct tr *t, size_t open)
{
	bool m = top(t)->multiline;
	t->depth++;
	memset(top(t), 0, sizeof *top(t));
	top(t)->open = open;
	top(t)->w = 1;
	top(t)->multiline = m;
}

static void apply_m(struct level *l, const char *on, size_t non, const char *off, size_t noff)
{
	if (memchr(on, 'm', non))
		l->multiline = true;
	if (memchr(off, 'm', noff))
		l->multiline = false;
}

static void atom_begin(struct tr *t, bool assertion)
{
	struct level *l = top(t);
	l->atom = t->out->len;
	l->have_atom = true;
	l->atom_assert = assertion;
	l->flags_after = false;
	l->atom_w = 1;
}

/* Apply a repetition (its PCRE2 text in q) to the last atom. */
static bool repeat(struct tr *t, const char *before, const char *after, const char *q,
	int min, int max, bool counted)
{
	struct level *l = top(t);
	if (l->last_repeat)
		return fail(t, "invalid nested repetition operator", before, (size_t)(after - before));
	if (!l->have_atom)
		return fail(t, "missing argument to repetition operator", before, (size_t)(after - before));
	uint64_t w = l->atom_w;
	if (counted) {
		uint64_t m = max < 0 ? (uint64_t)min : (uint64_t)max;
		if ((min >= 2 || max >= 2) && m * w > MAX_REPEAT)
			return fail(t, "invalid repeat count", before, (size_t)(after - before));
		w = m == 0 ? 0 : m * w;
	}
	/* Move a flag group written after the atom behind the repetition. */
	char flagbuf[32];
	size_t flaglen = 0;
	if (l->flags_after) {
		flaglen = t->out->len - l->flags_at;
		if (flaglen >= sizeof flagbuf)
			flaglen = sizeof flagbuf - 1;
		memcpy(flagbuf, t->out->buf + l->flags_at, flaglen);
		sbuf_truncate(t->out, l->flags_at);
	}
	/* Wrap every quantified atom: PCRE2 refuses to repeat assertions and
	 * reads `a{2}{3}`-like sequences differently. */
	size_t alen = t->out->len - l->atom;
	sbuf_grow(t->out, 4);
	memmove(t->out->buf + l->atom + 3, t->out->buf + l->atom, alen);
	memcpy(t->out->buf + l->atom, "(?:", 3);
	t->out->len += 3;
	t->out->buf[t->out->len] = '\0';
	sbuf_addc(t->out, ')');
	sbuf_adds(t->out, q);
	if (flaglen)
		sbuf_add(t->out, flagbuf, flaglen);
	l->flags_after = false;
	l->atom_assert = false;
	l->atom_w = w;
	if (w > l->w)
		l->w = w;
	l->last_repeat = true;
	return true;
}

/* Go's parseRepeat: {n}, {n,}, {n,m}; false if s does not have that form. */
static bool parse_repeat(const char *s, const char *e, int *min, int *max, const char **rest)
{
	const char *p = s + 1;
	long v = 0;
	if (p >= e || *p < '0' || *p > '9')
		return false;
	if (e - p >= 2 && p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return false;
	bool big = false;
	while (p < e && *p >= '0' && *p <= '9') {
		if (v >= 100000000)
			big = true;
		else
			v = v * 10 + (*p - '0');
		p++;
	}
	*min = big ? -1 : (int)v;
	if (p >= e)
		return false;
	if (*p != ',') {
		*max = *min;
	} else {
		p++;
		if (p >= e)
			return false;
		if (*p == '}') {
			*max = -1;
		} else {
			if (*p < '0' || *p > '9')
				return false;
			if (e - p >= 2 && p[0] == '0' && p[1] >= '0' && p[1] <= '9')
				return false;
			long m = 0;
			bool mbig = false;
			while (p < e && *p >= '0' && *p <= '9') {
				if (m >= 100000000)
					mbig = true;
				else
					m = m * 10 + (*p - '0');
				p++;
			}
			*max = mbig ? -1 : (int)m;
			if (mbig)
				*min = -1;
		}
	}
	if (p >= e || *p != '}')
		return false;
	*rest = p + 1;
	return true;
}

static bool perl_flags(struct tr *t)
{
	const char *s = t->p;
	const char *p = s + 2;
	size_t len = (size_t)(t->e - s);
	bool starts_p = len > 4 && s[2] == 'P' && s[3] == '<';
	bool starts_name = len > 3 && s[2] == '<';
	if (starts_p || starts_name) {
		const char *ns = s + (starts_p ? 4 : 3);
		const char *end = memchr(s, '>', len);
		if (!end) {
			for (const char *q = s; q < t->e;) {
				uint32_t r;
				if (!next_rune(t, &q, &r))
					return false;
			}
			return fail(t, "invalid named capture", s, len);
		}
		bool ok = end > ns;
		for (const char *q = ns; q < end;) {
			uint32_t r;
			if (!next_rune(t, &q, &r))
				return false;
			if (r != '_' && !is_alnum(r))
				ok = false;
		}
		if (!ok)
			return fail(t, "invalid named capture", s, (size_t)(end + 1 - s));
		if (t->depth >= MAX_NEST)
			return fail(t, "expression nests too deeply", t->s, (size_t)(t->e - t->s));
		size_t open = t->out->len;
		sbuf_addc(t->out, '(');
		push_level(t, open);
		t->p = end + 1;
		return true;
	}
	char on[8], off[8];
	size_t non = 0, noff = 0;
	int sign = 1;
	bool saw = false;
	while (p < t->e) {
		uint32_t c;
		if (!next_rune(t, &p, &c))
			return false;
		switch (c) {
		case 'i': case 'm': case 's': case 'U':
			if (sign > 0) {
				if (non < sizeof on - 1 && !memchr(on, (int)c, non))
					on[non++] = (char)c;
			} else if (noff < sizeof off - 1 && !memchr(off, (int)c, noff)) {
				off[noff++] = (char)c;
			}
			saw = true;
			continue;
		case '-':
			if (sign < 0)
				goto bad;
			sign = -1;
			saw = false;
			continue;
		case ':':
		case ')':
			if (sign < 0 && !saw)
				goto bad;
			if (c == ':') {
				if (t->depth >= MAX_NEST)
					return fail(t, "expression nests too deeply", t->s, (size_t)(t->e - t->s));
				size_t open = t->out->len;
				sbuf_adds(t->out, "(?");
				sbuf_add(t->out, on, non);
				if (noff) {
					sbuf_addc(t->out, '-');
					sbuf_add(t->out, off, noff);
				}
				sbuf_addc(t->out, ':');
				push_level(t, open);
				apply_m(top(t), on, non, off, noff);
			} else if (non || noff) {
				apply_m(top(t), on, non, off, noff);
				struct level *l = top(t);
				size_t at = t->out->len;
				sbuf_adds(t->out, "(?");
				sbuf_add(t->out, on, non);
				if (noff) {
					sbuf_addc(t->out, '-');
					sbuf_add(t->out, off, noff);
				}
				sbuf_addc(t->out, ')');
				if (l->have_atom && !l->flags_after) {
					l->flags_after = true;
					l->flags_at = at;
				}
			}
			t->p = p;
			return true;
		default:
			goto bad;
		}
	}
bad:
	return fail(t, "invalid or unsupported Perl syntax", s, (size_t)(p - s));
}

bool re2_translate(const char *pattern, size_t len, struct sbuf *out, struct sbuf *err)
{
	struct tr *t = xcalloc(1, sizeof *t);
	t->p = t->s = pattern;
	t->e = pattern + len;
	t->out = out;
	t->err = err;
	t->st[0].w = 1;
	bool ok = true;
	while (ok && t->p < t->e) {
		struct level *l = top(t);
		bool was_repeat = false;
		const char *s = t->p;
		switch (*s) {
		case '(':
			if (t->e - s >= 2 && s[1] == '?') {
				l->last_repeat = false;
				ok = perl_flags(t);
				continue;
			}
			if (t->depth >= MAX_NEST) {
				ok = fail(t, "expression nests too deeply", t->s, len);
				break;
			}
			{
				size_t open = out->len;
				sbuf_addc(out, '(');
				push_level(t, open);
			}
			t->p++;
			continue;
		case '|':
			sbuf_addc(out, '|');
			l->have_atom = false;
			l->flags_after = false;
			t->p++;
			break;
		case ')': {
			if (t->depth == 0) {
				ok = fail(t, "unexpected )", t->s, len);
				break;
			}
			uint64_t w = l->w;
			size_t open = l->open;
			t->depth--;
			sbuf_addc(out, ')');
			struct level *up = top(t);
			up->atom = open;
			up->have_atom = true;
			up->atom_assert = false;
			up->flags_after = false;
			up->atom_w = w;
			if (w > up->w)
				up->w = w;
			t->p++;
			break;
		}
		case '^':
			/* PCRE2's (?m)^ with ALT_CIRCUMFLEX is Go's OpBeginLine. */
			atom_begin(t, true);
			sbuf_adds(out, l->multiline ? "^" : "\\A");
			t->p++;
			break;
		case '$':
			/* Spelled out: the DFA matcher ignores (?m) for `$` under
			 * DOLLAR_ENDONLY, and Go's `$` never matches before a
			 * final newline. */
			atom_begin(t, true);
			sbuf_adds(out, l->multiline ? "(?=\\n|\\z)" : "\\z");
			t->p++;
			break;
		case '.':
			atom_begin(t, false);
			sbuf_addc(out, '.');
			t->p++;
			break;
		case '[':
			atom_begin(t, false);
			ok = parse_class(t);
			break;
		case '*':
		case '+':
		case '?': {
			const char *after = s + 1;
			char q[3] = { *s, 0, 0 };
			if (after < t->e && *after == '?')
				q[1] = '?', after++;
			ok = repeat(t, s, after, q, 0, 0, false);
			t->p = after;
			was_repeat = true;
			break;
		}
		case '{': {
			int min, max;
			const char *after;
			if (!parse_repeat(s, t->e, &min, &max, &after)) {
				atom_begin(t, false);
				sbuf_adds(out, "\\{");
				t->p++;
				break;
			}
			if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
				ok = fail(t, "invalid repeat count", s, (size_t)(after - s));
				break;
			}
			char q[40];
			bool lazy = after < t->e && *after == '?';
			if (max < 0)
				snprintf(q, sizeof q, "{%d,}%s", min, lazy ? "?" : "");
			else if (max == min)
				snprintf(q, sizeof q, "{%d}%s", min, lazy ? "?" : "");
			else
				snprintf(q, sizeof q, "{%d,%d}%s", min, max, lazy ? "?" : "");
			if (lazy)
				after++;
			ok = repeat(t, s, after, q, min, max, true);
			t->p = after;
			was_repeat = true;
			break;
		}
		case '\\': {
			if (t->e - s >= 2) {
				char c = s[1];
				if (c == 'A' || c == 'b' || c == 'B' || c == 'z') {
					atom_begin(t, true);
					sbuf_add(out, s, 2);
					t->p += 2;
					break;
				}
				if (c == 'C') {
					ok = fail(t, "invalid escape sequence", s, 2);
					break;
				}
				if (c == 'Q') {
					const char *lit = s + 2;
					const char *end = NULL;
					for (const char *q = lit; q + 1 < t->e; q++)
						if (q[0] == '\\' && q[1] == 'E') {
							end = q;
							break;
						}
					const char *stop = end ? end : t->e;
					t->p = end ? end + 2 : t->e;
					while (lit < stop) {
						uint32_t r;
						if (!next_rune(t, &lit, &r)) {
							ok = false;
							break;
						}
						atom_begin(t, false);
						put_rune(out, r);
					}
					break;
				}
			}
			const char *p = s;
			struct sbuf cls = SBUF_INIT;
			int r = unicode_class(t, &p, &cls);
			if (r < 0) {
				sbuf_release(&cls);
				ok = false;
				break;
			}
			if (r > 0) {
				atom_begin(t, false);
				sbuf_addc(out, '[');
				sbuf_add(out, cls.buf, cls.len);
				sbuf_addc(out, ']');
				sbuf_release(&cls);
				t->p = p;
				break;
			}
			sbuf_release(&cls);
			if (t->e - s >= 2 && perl_class(s[1])) {
				atom_begin(t, false);
				sbuf_addc(out, '[');
				sbuf_adds(out, perl_class(s[1]));
				sbuf_addc(out, ']');
				t->p += 2;
				break;
			}
			uint32_t c;
			if (!parse_escape(t, &p, &c)) {
				ok = false;
				break;
			}
			atom_begin(t, false);
			put_rune(out, c);
			t->p = p;
			break;
		}
		default: {
			uint32_t c;
			const char *p = s;
			if (!next_rune(t, &p, &c)) {
				ok = false;
				break;
			}
			atom_begin(t, false);
			put_rune(out, c);
			t->p = p;
			break;
		}
		}
		if (ok)
			top(t)->last_repeat = was_repeat;
	}
	if (ok && t->depth > 0)
		ok = fail(t, "missing closing )", t->s, len);
	free(t);
	return ok;
}

struct re2 *re2_compile(const char *pattern, size_t len, struct sbuf *err)
{
	struct sbuf pc = SBUF_INIT;
	if (!re2_translate(pattern, len, &pc, err)) {
		sbuf_release(&pc);
		return NULL;
	}
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	if (!cc)
		mc_oom(0);
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pc.buf, pc.len,
		PCRE2_UTF | PCRE2_ALT_CIRCUMFLEX |
		PCRE2_NO_AUTO_CAPTURE, &ec, &eo, cc);
	pcre2_compile_context_free(cc);
	if (!code) {
		if (err) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof msg);
			sbuf_reset(err);
			sbuf_printf(err, "error compiling regexp `%.*s`: %s", (int)len, pattern, (char *)msg);
		}
		sbuf_release(&pc);
		return NULL;
	}
	sbuf_release(&pc);
	struct re2 *re = xmalloc(sizeof *re);
	re->code = code;
	return re;
}

void re2_free(struct re2 *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re);
}

bool re2_match(const struct re2 *re, const char *s, size_t n)
{
	/* Go reads each byte of an invalid sequence as U+FFFD; the DFA
	 * matcher wants valid UTF-8, so give it exactly that reading. */
	struct sbuf fixed = SBUF_INIT;
	if (!utf8_valid(s, n)) {
		for (size_t i = 0; i < n;) {
			uint32_t r;
			size_t k = utf8_decode(s + i, n - i, &r);
			if (r == 0xFFFD && k == 1)
				sbuf_add(&fixed, "\xEF\xBF\xBD", 3);
			else
				sbuf_add(&fixed, s + i, k);
			i += k;
		}
		s = fixed.buf;
		n = fixed.len;
	}
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	if (!md)
		mc_oom(0);
	int ws_small[512];
	int *ws = ws_small;
	size_t wsn = sizeof ws_small / sizeof ws_small[0];
	int rc;
	for (;;) {
		rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)(n ? s : ""), n, 0,
			PCRE2_DFA_SHORTEST | PCRE2_NO_UTF_CHECK, md, NULL, ws, wsn);
		if (rc != PCRE2_ERROR_DFA_WSSIZE || wsn >= (1u << 22))
			break;
		wsn *= 4;
		if (ws != ws_small)
			free(ws);
		ws = xmalloc(wsn * sizeof *ws);
	}
	if (ws != ws_small)
		free(ws);
	pcre2_match_data_free(md);
	sbuf_release(&fixed);
	return rc >= 0;
}
