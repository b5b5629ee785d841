/*
 * re2.c - Go regexp syntax checked and translated to PCRE2.
 *
 * A single left-to-right pass parses the pattern the way Go's
 * regexp/syntax parser does (same acceptance, same error codes) and writes
 * an equivalent PCRE2 pattern in which every construct whose meaning
 * differs between the two engines is spelled out explicitly: literals as
 * \x{...}, Perl and POSIX classes as ASCII ranges, `{` that is not a
 * repetition as \{, named groups as plain groups (names are kept aside),
 * quantified assertions wrapped in (?:), Go's empty class \P{Any} as (?!).
 * The translation needs no tree because Go's syntax is local: the only
 * context is the group stack (flags are not needed since PCRE2 inline
 * options have the same scope as Go's).
 *
 * re2_match runs pcre2_dfa_match: no backtracking, so a hostile subject
 * cannot make a match take exponential time (RE2's guarantee).  The other
 * functions need Go's leftmost-first match with groups: pcre2_match under
 * a match limit, then Go's loops over matches (regexp.go's allMatches,
 * replaceAll, Split, expand) on top.  Capture groups keep Go's numbers
 * because the translation writes "(" only for Go's captures.
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
#define MATCH_LIMIT 10000000 /* pcre2_match's backtracking steps */
#define DEPTH_LIMIT 100000

struct re2 {
	pcre2_code *code;
	pcre2_match_context *limits; /* bounds the backtracking of re2_find & co */
	size_t ngroups;
	char **names;                /* [ngroups]: group i + 1's name, or NULL */
	size_t len;                  /* the pattern's length (Split looks at it) */
};

struct level {
	size_t atom;        /* output offset of the last repeatable item */
	bool have_atom;     /* is there one? */
	bool atom_wrap;     /* repeating it needs (?:): an assertion or a repetition */
	const char *last_repeat; /* the previous token, when a repetition operator */
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
	struct level *st;    /* the group stack, st[depth] on top */
	size_t depth, cap;
	char **names;        /* capture groups in order: name, or NULL */
	size_t ngroups, names_cap;
};

static bool fail(struct tr *t, const char *code, const char *expr, size_t n)
{
	if (t->err) {
		sbuf_reset(t->err);
		sbuf_printf(t->err, "error parsing regexp: %s: `%.*s`", code, (int)n, expr);
	}
	return false;
}

/* A capture group opens: Go numbers them in the order of their "(". */
static void add_group(struct tr *t, char *name)
{
	if (t->ngroups == t->names_cap) {
		t->names_cap = t->names_cap ? 2 * t->names_cap : 8;
		t->names = xrealloc(t->names, t->names_cap * sizeof *t->names);
	}
	t->names[t->ngroups++] = name;
}

static struct level *top(struct tr *t)
{
	return &t->st[t->depth];
}

static void push_level(struct tr *t, size_t open)
{
	struct level l = { .open = open, .w = 1, .multiline = top(t)->multiline };
	if (++t->depth == t->cap) {
		t->cap *= 2;
		t->st = xrealloc(t->st, t->cap * sizeof *t->st);
	}
	t->st[t->depth] = l;
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

/* Go's ASCII classes (perl_groups.go): Perl escapes and POSIX names, as
 * rune ranges.  They are written out as ranges (never as PCRE2's own
 * classes) so that (?i) folds them the way Go folds a class: (?i)[[:upper:]]
 * also matches k and the Kelvin sign. */
struct ascii_class {
	const char *name;
	uint8_t n;          /* ranges */
	uint32_t r[8];      /* lo, hi pairs, ascending */
};

static const struct ascii_class perl_classes[] = {
	{ "d", 1, { '0', '9' } },
	{ "s", 3, { '\t', '\n', '\f', '\r', ' ', ' ' } },
	{ "w", 4, { '0', '9', 'A', 'Z', '_', '_', 'a', 'z' } },
};

static const struct ascii_class posix_classes[] = {
	{ "alnum", 3, { '0', '9', 'A', 'Z', 'a', 'z' } },
	{ "alpha", 2, { 'A', 'Z', 'a', 'z' } },
	{ "ascii", 1, { 0, 0x7f } },
	{ "blank", 2, { '\t', '\t', ' ', ' ' } },
	{ "cntrl", 2, { 0, 0x1f, 0x7f, 0x7f } },
	{ "digit", 1, { '0', '9' } },
	{ "graph", 1, { '!', '~' } },
	{ "lower", 1, { 'a', 'z' } },
	{ "print", 1, { ' ', '~' } },
	{ "punct", 4, { '!', '/', ':', '@', '[', '`', '{', '~' } },
	{ "space", 2, { '\t', '\r', ' ', ' ' } },
	{ "upper", 1, { 'A', 'Z' } },
	{ "word", 4, { '0', '9', 'A', 'Z', '_', '_', 'a', 'z' } },
	{ "xdigit", 3, { '0', '9', 'A', 'F', 'a', 'f' } },
};

static void put_range(struct sbuf *o, uint32_t lo, uint32_t hi)
{
	put_rune(o, lo);
	if (hi != lo) {
		sbuf_addc(o, '-');
		put_rune(o, hi);
	}
}

/* The class's ranges, or (neg) those of its complement, as class contents. */
static void put_class(struct sbuf *o, const struct ascii_class *c, bool neg)
{
	uint32_t next = 0;
	for (size_t i = 0; i < c->n; i++) {
		uint32_t lo = c->r[2 * i], hi = c->r[2 * i + 1];
		if (!neg)
			put_range(o, lo, hi);
		else if (lo > next)
			put_range(o, next, lo - 1);
		next = hi + 1;
	}
	if (neg)
		put_range(o, next, 0x10ffff);
}

/* The class of escape \c when c is d, s, w or their negations D, S, W. */
static const struct ascii_class *perl_class(char c, bool *neg)
{
	for (size_t i = 0; i < sizeof perl_classes / sizeof perl_classes[0]; i++)
		if ((c | 0x20) == perl_classes[i].name[0]) {
			*neg = c != perl_classes[i].name[0];
			return &perl_classes[i];
		}
	return NULL;
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
		if (!neg) /* \P{Any} is the empty class: nothing to write */
			sbuf_adds(o, "\\x{0}-\\x{10ffff}");
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
	for (size_t i = 0; i < sizeof posix_classes / sizeof posix_classes[0]; i++)
		if (strlen(posix_classes[i].name) == n && !memcmp(posix_classes[i].name, name, n)) {
			put_class(o, &posix_classes[i], neg);
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
	size_t start = o->len;
	bool neg = p < t->e && *p == '^';
	sbuf_addc(o, '[');
	if (neg) {
		sbuf_addc(o, '^');
		p++; /* regexp.Compile sets ClassNL: [^a] matches \n, as in PCRE2 */
	}
	size_t body = o->len;
	bool first = true;
	while (p >= t->e || *p != ']' || first) {
		if (p >= t->e)
			return fail(t, "missing closing ]", s, (size_t)(t->e - s));
		first = false;
		int r = posix_class(t, &p, o);
		if (r == 0)
			r = unicode_class(t, &p, o);
		if (r < 0)
			return false;
		if (r > 0)
			continue;
		const struct ascii_class *pc;
		bool pneg;
		if (t->e - p >= 2 && p[0] == '\\' && (pc = perl_class(p[1], &pneg))) {
			put_class(o, pc, pneg);
			p += 2;
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
		put_range(o, lo, hi);
	}
	sbuf_addc(o, ']');
	if (o->len == body + 1) { /* only \P{Any}: PCRE2 has no empty class */
		sbuf_truncate(o, start);
		sbuf_adds(o, neg ? "[\\x{0}-\\x{10ffff}]" : "(?!)");
		top(t)->atom_wrap = !neg;
	}
	t->p = p + 1;
	return true;
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
	l->atom_wrap = assertion;
	l->flags_after = false;
	l->atom_w = 1;
}

/* Apply a repetition (its PCRE2 text in q) to the last atom. */
static bool repeat(struct tr *t, const char *before, const char *after, const char *q,
	int min, int max, bool counted)
{
	struct level *l = top(t);
	if (l->last_repeat) /* Go quotes both operators: `**`, `{2}{3}` */
		return fail(t, "invalid nested repetition operator", l->last_repeat,
			(size_t)(after - l->last_repeat));
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
	/* PCRE2 refuses to repeat an assertion and reads a repeated repetition
	 * (Go's `a{2}(?i){3}`) differently: those atoms get (?:) around them. */
	if (l->atom_wrap) {
		size_t alen = t->out->len - l->atom;
		sbuf_grow(t->out, 4);
		memmove(t->out->buf + l->atom + 3, t->out->buf + l->atom, alen);
		memcpy(t->out->buf + l->atom, "(?:", 3);
		t->out->len += 3;
		t->out->buf[t->out->len] = '\0';
		sbuf_addc(t->out, ')');
	}
	sbuf_adds(t->out, q);
	if (flaglen)
		sbuf_add(t->out, flagbuf, flaglen);
	l->flags_after = false;
	l->atom_wrap = true;
	l->atom_w = w;
	if (w > l->w)
		l->w = w;
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

/* PCRE2's (?on-off) or (?on-off: (end ')' or ':'): the same scope as Go's. */
static void put_flags(struct sbuf *o, const char *on, size_t non, const char *off, size_t noff,
	char end)
{
	sbuf_adds(o, "(?");
	sbuf_add(o, on, non);
	if (noff) {
		sbuf_addc(o, '-');
		sbuf_add(o, off, noff);
	}
	sbuf_addc(o, end);
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
		add_group(t, xstrndup(ns, (size_t)(end - ns)));
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
				put_flags(t->out, on, non, off, noff, ':');
				push_level(t, open);
				apply_m(top(t), on, non, off, noff);
			} else if (non || noff) {
				apply_m(top(t), on, non, off, noff);
				struct level *l = top(t);
				size_t at = t->out->len;
				put_flags(t->out, on, non, off, noff, ')');
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

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void tr_release(struct tr *t)
{
	free(t->st);
	free_names(t->names, t->ngroups);
}

/* The translation into out; t->names lists the capture groups (also on
 * failure: tr_release frees them). */
static bool translate(struct tr *t, const char *pattern, size_t len, struct sbuf *out,
	struct sbuf *err)
{
	t->p = t->s = pattern;
	t->e = pattern + len;
	t->out = out;
	t->err = err;
	t->cap = 16;
	t->st = xcalloc(t->cap, sizeof *t->st);
	t->st[0].w = 1;
	bool ok = true;
	while (ok && t->p < t->e) {
		struct level *l = top(t);
		bool was_repeat = false;
		const char *s = t->p;
		switch (*s) {
		case '(':
			if (t->e - s >= 2 && s[1] == '?') {
				l->last_repeat = NULL;
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
				add_group(t, NULL);
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
			up->atom_wrap = false;
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
				if (cls.len) {
					sbuf_addc(out, '[');
					sbuf_add(out, cls.buf, cls.len);
					sbuf_addc(out, ']');
				} else {
					sbuf_adds(out, "(?!)"); /* \P{Any} */
					top(t)->atom_wrap = true;
				}
				sbuf_release(&cls);
				t->p = p;
				break;
			}
			sbuf_release(&cls);
			const struct ascii_class *pc;
			bool pneg;
			if (t->e - s >= 2 && (pc = perl_class(s[1], &pneg))) {
				atom_begin(t, false);
				sbuf_addc(out, '[');
				put_class(out, pc, pneg);
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
			top(t)->last_repeat = was_repeat ? s : NULL;
	}
	if (ok && t->depth > 0)
		ok = fail(t, "missing closing )", t->s, len);
	return ok;
}

bool re2_translate(const char *pattern, size_t len, struct sbuf *out, struct sbuf *err)
{
	struct tr t = { 0 };
	bool ok = translate(&t, pattern, len, out, err);
	tr_release(&t);
	return ok;
}

struct re2 *re2_compile(const char *pattern, size_t len, struct sbuf *err)
{
	struct sbuf pc = SBUF_INIT;
	struct tr tr = { 0 }, *t = &tr;
	struct re2 *re = NULL;
	if (!translate(t, pattern, len, &pc, err))
		goto out;
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	if (!cc)
		mc_oom(0);
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pc.buf, pc.len,
		PCRE2_UTF | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C, &ec, &eo, cc);
	pcre2_compile_context_free(cc);
	if (!code) {
		if (err) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof msg);
			sbuf_reset(err);
			sbuf_printf(err, "error compiling regexp `%.*s`: %s", (int)len, pattern, (char *)msg);
		}
		goto out;
	}
	re = xcalloc(1, sizeof *re);
	re->code = code;
	re->limits = pcre2_match_context_create(NULL);
	if (!re->limits)
		mc_oom(0);
	pcre2_set_match_limit(re->limits, MATCH_LIMIT);
	pcre2_set_depth_limit(re->limits, DEPTH_LIMIT);
	re->ngroups = t->ngroups;
	re->names = t->names; /* now re's */
	t->names = NULL;
	t->ngroups = 0;
	re->len = len;
out:
	tr_release(t);
	sbuf_release(&pc);
	return re;
}

void re2_free(struct re2 *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->limits);
	free_names(re->names, re->ngroups);
	free(re);
}

size_t re2_groups(const struct re2 *re)
{
	return re->ngroups;
}

const char *re2_group_name(const struct re2 *re, size_t i)
{
	return i >= 1 && i <= re->ngroups && re->names[i - 1] ? re->names[i - 1] : "";
}

/* ---- subjects ---- */

/* What PCRE2 matches: valid UTF-8.  Go reads each byte of an invalid
 * sequence as U+FFFD (of width 1), so such bytes become U+FFFD's encoding,
 * and orig maps offsets in it back to the caller's string. */
struct subject {
	const char *s;
	size_t n;
	size_t *orig;      /* n + 1 offsets, or NULL when s is the caller's */
	struct sbuf fixed;
};

static void subject_init(struct subject *t, const char *s, size_t n, bool map)
{
	t->s = n ? s : "";
	t->n = n;
	t->orig = NULL;
	sbuf_init(&t->fixed);
	if (utf8_invalid_at(s, n) == n)
		return;
	if (map) /* an invalid byte grows to three */
		t->orig = xmalloc((3 * n + 1) * sizeof *t->orig);
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t k = utf8_decode(s + i, n - i, &r);
		bool invalid = r == 0xFFFD && k == 1;
		sbuf_add(&t->fixed, invalid ? "\xEF\xBF\xBD" : s + i, invalid ? 3 : k);
		for (size_t j = 0; map && j < (invalid ? 3 : k); j++)
			t->orig[w++] = invalid ? i : i + j;
		i += k;
	}
	if (map)
		t->orig[w] = n;
	t->s = t->fixed.buf;
	t->n = t->fixed.len;
}

static void subject_release(struct subject *t)
{
	free(t->orig);
	sbuf_release(&t->fixed);
}

/* The caller's offsets for the subject's offsets in m (2 * (groups + 1)). */
static void subject_orig(const struct subject *t, size_t *m, size_t k)
{
	for (size_t i = 0; t->orig && i < k; i++)
		if (m[i] != RE2_UNSET)
			m[i] = t->orig[m[i]];
}

/* ---- matching ---- */

bool re2_match(const struct re2 *re, const char *s, size_t n)
{
	struct subject t;
	subject_init(&t, s, n, false);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	if (!md)
		mc_oom(0);
	int ws_small[512];
	int *ws = ws_small;
	size_t wsn = sizeof ws_small / sizeof ws_small[0];
	int rc;
	for (;;) {
		rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)t.s, t.n, 0,
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
	subject_release(&t);
	return rc >= 0;
}

/* A search: the compiled pattern, the subject and PCRE2's match data. */
struct search {
	const struct re2 *re;
	struct subject t;
	pcre2_match_data *md;
	size_t *m;   /* 2 * (groups + 1) offsets */
	size_t nm;
};

static void search_init(struct search *x, const struct re2 *re, const char *s, size_t n)
{
	x->re = re;
	subject_init(&x->t, s, n, true);
	x->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (!x->md)
		mc_oom(0);
	x->nm = 2 * (re->ngroups + 1);
	x->m = xmalloc(x->nm * sizeof *x->m);
}

static void search_release(struct search *x)
{
	pcre2_match_data_free(x->md);
	free(x->m);
	subject_release(&x->t);
}

/* Go's doExecute: the leftmost-first match at or after subject offset pos
 * into x->m (subject offsets).  1, 0 when there is none, -1 when PCRE2
 * gave up (the backtracking limits). */
static int exec(struct search *x, size_t pos)
{
	int rc = pcre2_match(x->re->code, (PCRE2_SPTR)x->t.s, x->t.n, pos, PCRE2_NO_UTF_CHECK,
		x->md, x->re->limits);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	const PCRE2_SIZE *v = pcre2_get_ovector_pointer(x->md);
	for (size_t i = 0; i < x->nm; i += 2) {
		bool set = i / 2 < (size_t)rc && v[i] != PCRE2_UNSET;
		x->m[i] = set ? v[i] : RE2_UNSET;
		x->m[i + 1] = set ? v[i + 1] : RE2_UNSET;
	}
	return 1;
}

/* The width of the rune at subject offset pos (0 at the end). */
static size_t rune_at(const struct subject *t, size_t pos)
{
	uint32_t r;
	return pos < t->n ? utf8_decode(t->s + pos, t->n - pos, &r) : 0;
}

int re2_find(const struct re2 *re, const char *s, size_t n, size_t *m)
{
	struct search x;
	search_init(&x, re, s, n);
	int rc = exec(&x, 0);
	if (rc == 1) {
		subject_orig(&x.t, x.m, x.nm);
		memcpy(m, x.m, x.nm * sizeof *m);
	}
	search_release(&x);
	return rc;
}

/* Go's allMatches: an empty match right after the previous match does not
 * count, and the search moves on by at least one rune. */
int re2_find_all(const struct re2 *re, const char *s, size_t n, long max, re2_each_fn *fn,
	void *arg)
{
	struct search x;
	search_init(&x, re, s, n);
	size_t *m = xmalloc(x.nm * sizeof *m);
	size_t pos = 0, prev_end = RE2_UNSET;
	int rc = 0;
	for (long i = 0; (max < 0 || i < max) && pos <= x.t.n;) {
		rc = exec(&x, pos);
		if (rc <= 0)
			break;
		bool accept = true;
		if (x.m[1] == pos) {
			accept = x.m[0] != prev_end;
			size_t w = rune_at(&x.t, pos);
			pos = w ? pos + w : x.t.n + 1;
		} else {
			pos = x.m[1];
		}
		prev_end = x.m[1];
		if (accept) {
			memcpy(m, x.m, x.nm * sizeof *m);
			subject_orig(&x.t, m, x.nm);
			fn(arg, m);
			i++;
		}
	}
	free(m);
	search_release(&x);
	return rc < 0 ? -1 : 0;
}

/* extract: a leading name or {name} (after a '$') of tpl[0..n): its
 * length in the template (0 when malformed), the name and its number (-1
 * when it is not a number). */
static size_t extract(const char *tpl, size_t n, const char **name, size_t *nl, long *num)
{
	size_t i = 0;
	bool brace = n > 0 && tpl[0] == '{';
	if (brace)
		i++;
	size_t start = i;
	while (i < n) {
		uint32_t r;
		size_t w = utf8_decode(tpl + i, n - i, &r);
		if (!go_is_letter(r) && !go_is_digit(r) && r != '_')
			break;
		i += w;
	}
	if (i == start)
		return 0;
	*name = tpl + start;
	*nl = i - start;
	if (brace) {
		if (i >= n || tpl[i] != '}')
			return 0;
		i++;
	}
	*num = 0;
	for (size_t k = 0; k < *nl; k++) {
		char c = (*name)[k];
		if (c < '0' || c > '9' || *num >= 100000000) {
			*num = -1;
			break;
		}
		*num = *num * 10 + (c - '0');
	}
	if ((*name)[0] == '0' && *nl > 1)
		*num = -1; /* leading zeros */
	return i;
}

void re2_expand(const struct re2 *re, struct sbuf *out, const char *tpl, size_t tn,
	const char *s, const size_t *m)
{
	size_t i = 0;
	for (;;) {
		const char *d = memchr(tpl + i, '$', tn - i);
		if (!d)
			break;
		sbuf_add(out, tpl + i, (size_t)(d - tpl) - i);
		i = (size_t)(d - tpl) + 1;
		if (i < tn && tpl[i] == '$') { /* $$ is $ */
			sbuf_addc(out, '$');
			i++;
			continue;
		}
		const char *name;
		size_t nl;
		long num;
		size_t used = extract(tpl + i, tn - i, &name, &nl, &num);
		if (!used) { /* malformed: the $ is text */
			sbuf_addc(out, '$');
			continue;
		}
		i += used;
		size_t g = RE2_UNSET;
		if (num >= 0) {
			if ((size_t)num <= re->ngroups)
				g = (size_t)num;
		} else {
			for (size_t k = 1; k <= re->ngroups; k++) {
				const char *gn = re->names[k - 1];
				if (gn && strlen(gn) == nl && !memcmp(gn, name, nl) &&
				    m[2 * k] != RE2_UNSET) {
					g = k;
					break;
				}
			}
		}
		if (g != RE2_UNSET && m[2 * g] != RE2_UNSET)
			sbuf_add(out, s + m[2 * g], m[2 * g + 1] - m[2 * g]);
	}
	sbuf_add(out, tpl + i, tn - i);
}

/* Go's replaceAll: no replacement for an empty match right after the
 * previous match; the unmatched text is copied from the caller's bytes. */
int re2_replace(const struct re2 *re, const char *s, size_t n, const char *repl, size_t rn,
	bool literal, struct sbuf *out)
{
	struct search x;
	search_init(&x, re, s, n);
	s = n ? s : "";
	size_t last = 0, search = 0; /* last: the caller's offset, search: the subject's */
	size_t last_t = 0;           /* last in the subject */
	int rc = 0;
	while (search <= x.t.n) {
		rc = exec(&x, search);
		if (rc <= 0)
			break;
		size_t end_t = x.m[1], start_t = x.m[0];
		bool insert = end_t > last_t || start_t == 0;
		subject_orig(&x.t, x.m, x.nm);
		sbuf_add(out, s + last, x.m[0] - last);
		if (insert) {
			if (literal)
				sbuf_add(out, repl, rn);
			else
				re2_expand(re, out, repl, rn, s, x.m);
		}
		last = x.m[1];
		last_t = end_t;
		size_t w = rune_at(&x.t, search);
		if (search + w > end_t)
			search += w;
		else if (search + 1 > end_t)
			search++;
		else
			search = end_t;
	}
	if (rc >= 0)
		sbuf_add(out, s + last, n - last);
	search_release(&x);
	return rc < 0 ? -1 : 0;
}

struct split {
	re2_piece_fn *fn;
	void *arg;
	const char *s;
	long max;
	long pieces;
	size_t beg, end;
};

static void split_at(void *arg, const size_t *m)
{
	struct split *sp = arg;
	if (sp->max > 0 && sp->pieces == sp->max - 1)
		return;
	sp->end = m[0];
	if (m[1] != 0) {
		sp->fn(sp->arg, sp->s + sp->beg, sp->end - sp->beg);
		sp->pieces++;
	}
	sp->beg = m[1];
}

int re2_split(const struct re2 *re, const char *s, size_t n, long max, re2_piece_fn *fn,
	void *arg)
{
	if (max == 0)
		return 0;
	s = n ? s : "";
	if (re->len > 0 && n == 0) {
		fn(arg, s, 0);
		return 0;
	}
	struct split sp = { fn, arg, s, max, 0, 0, 0 };
	if (re2_find_all(re, s, n, max, split_at, &sp))
		return -1;
	if (sp.end != n)
		fn(arg, s + sp.beg, n - sp.beg);
	return 0;
}

void re2_quote_meta(struct sbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] && strchr("\\.+*?()|[]{}^$", s[i]))
			sbuf_addc(out, '\\');
		sbuf_addc(out, s[i]);
	}
}
