/*
 * gobwas.c - github.com/gobwas/glob v0.2.3, the glob library of Helm's
 * .Files.Glob (glob.Compile(pattern, '/')) and of Argo CD's util/glob
 * (directory sources' include and exclude without separators, AppProject
 * source repositories with '/', destinations without).
 *
 * gobwas does not interpret a glob directly: it lexes and parses the
 * pattern into a tree, rewrites the tree (common prefixes and suffixes of
 * {alternatives} pulled out), compiles it into a tree of specialised
 * matchers (text, prefix, suffix, rows of fixed-length parts, binary trees
 * split at the longest fixed-length part ...) and matches with those.  The
 * matchers count some lengths in runes and use them as byte offsets, and
 * a few rewrites are not equivalent to the pattern (without separators
 * `start*art` matches "start", `a{}b` does not match "ab", `[!x]` matches
 * ""), so the only way to give their answers is to build the same
 * matchers and run them the same way; this file does that, step for
 * step.  What gobwas cannot compile (`[a-zA-Z]`, `[]`, `[z-a]`, invalid
 * UTF-8 ...) makes gobwas_compile return NULL; each caller then does what
 * its tool does (Helm falls back to "**", Argo CD's Match says false).  One pattern
 * shape makes gobwas slice past the end of a string (a Go panic):
 * gobwas_match returns -1 with Go's message then.
 */
#include <stdio.h>
#include <string.h>

#include "mc/gobwas.h"
#include "mc/str.h"

/* ------------------------------------------------------------ runes */

#define RUNE_ERROR 0xfffdu

/* utf8.DecodeRuneInString: (RuneError, 0) on "", (RuneError, 1) on a bad byte. */
static size_t dec(const char *s, size_t n, uint32_t *r)
{
	if (n == 0) {
		*r = RUNE_ERROR;
		return 0;
	}
	return utf8_decode(s, n, r);
}

/* utf8.RuneLen (RuneError, the rune of a bad byte, is 3 bytes long). */
static int rune_len(uint32_t r)
{
	if (r < 0x80)
		return 1;
	if (r < 0x800)
		return 2;
	if (r >= 0xd800 && r <= 0xdfff)
		return -1;
	if (r < 0x10000)
		return 3;
	return r <= 0x10ffff ? 4 : -1;
}

static bool has_rune(const uint32_t *rs, size_t n, uint32_t r)
{
	for (size_t i = 0; i < n; i++)
		if (rs[i] == r)
			return true;
	return false;
}

static bool runes_equal(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	return na == nb && (na == 0 || !memcmp(a, b, na * sizeof *a));
}

/* strings.Index (-1 when absent). */
static long str_index(const char *s, size_t n, const char *t, size_t tn)
{
	if (tn == 0)
		return 0;
	for (size_t i = 0; i + tn <= n; i++)
		if (s[i] == t[0] && !memcmp(s + i, t, tn))
			return (long)i;
	return -1;
}

static long str_last_index(const char *s, size_t n, const char *t, size_t tn)
{
	if (tn == 0)
		return (long)n;
	for (size_t i = n - tn + 1; tn <= n && i-- > 0;)
		if (!memcmp(s + i, t, tn))
			return (long)i;
	return -1;
}

/* strings.IndexRune for a valid rune. */
static long index_rune(const char *s, size_t n, uint32_t r)
{
	char b[4];
	size_t l = utf8_encode(b, r);
	return str_index(s, n, b, l);
}

/* util/strings.IndexAnyRunes: the index of the first separator found,
 * trying the separators in order (not the leftmost of all). */
static long index_any_runes(const char *s, size_t n, const uint32_t *rs, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		long x = index_rune(s, n, rs[i]);
		if (x != -1)
			return x;
	}
	return -1;
}

/* util/strings.LastIndexAnyRunes.  Its branch for a non-ASCII separator
 * finds the first index of the rune (and can slice past the end, a panic
 * not reproduced here: Helm's and Argo CD's separators are ASCII). */
static long last_index_any_runes(const char *s, size_t n, const uint32_t *rs, size_t nr)
{
	for (size_t k = 0; k < nr; k++) {
		long i = -1;
		if (rs[k] < 0x80) {
			for (size_t j = n; j-- > 0;)
				if ((unsigned char)s[j] == rs[k]) {
					i = (long)j;
					break;
				}
		} else {
			i = index_rune(s, n, rs[k]);
		}
		if (i != -1)
			return i;
	}
	return -1;
}

static size_t rune_count(const char *s, size_t n)
{
	return utf8_count(s, n);
}

/* ------------------------------------------------------------ lexer */

enum tok_type {
	T_EOF, T_TEXT, T_ANY, T_SUPER, T_SINGLE, T_NOT, T_SEPARATOR, T_RANGE_OPEN,
	T_RANGE_CLOSE, T_RANGE_LO, T_RANGE_BETWEEN, T_RANGE_HI, T_TERMS_OPEN, T_TERMS_CLOSE,
};

struct tok {
	enum tok_type t;
	char *s; /* T_TEXT */
	size_t n;
	uint32_t r; /* T_RANGE_LO, T_RANGE_HI */
};

struct lexer {
	struct arena *a;
	const char *p;
	size_t n, pos;
	bool err;
	int terms;
	uint32_t last;
	size_t last_size;
	bool has_rune;
	VEC(struct tok) toks;
};

/* peek: the rune at pos; eof is 0 (so is a NUL byte), RuneError fails. */
static uint32_t lx_peek(struct lexer *l, size_t *w)
{
	uint32_t r;
	if (l->pos >= l->n) {
		*w = 0;
		return 0;
	}
	*w = dec(l->p + l->pos, l->n - l->pos, &r);
	if (r == RUNE_ERROR) {
		l->err = true;
		*w = 0;
		return 0;
	}
	return r;
}

static uint32_t lx_read(struct lexer *l)
{
	if (l->has_rune) {
		l->has_rune = false;
		l->pos += l->last_size;
		return l->last;
	}
	size_t w;
	uint32_t r = lx_peek(l, &w);
	l->pos += w;
	l->last = r;
	l->last_size = w;
	return r;
}

static void lx_unread(struct lexer *l)
{
	if (l->has_rune) {
		l->err = true;
		return;
	}
	l->pos -= l->last_size;
	l->has_rune = true;
}

static void lx_push(struct lexer *l, enum tok_type t, uint32_t r)
{
	struct tok k = { t, NULL, 0, r };
	VEC_PUSH(l->a, &l->toks, k);
}

/* fetchText: up to a breaker, backslash escaping the next rune. */
static void lx_text(struct lexer *l, const char *breakers)
{
	struct sbuf data = SBUF_INIT;
	bool escaped = false;
	for (;;) {
		uint32_t r = lx_read(l);
		if (r == 0)
			break;
		if (!escaped) {
			if (r == '\\') {
				escaped = true;
				continue;
			}
			if (r < 0x80 && strchr(breakers, (int)r)) {
				lx_unread(l);
				break;
			}
		}
		escaped = false;
		char b[4];
		sbuf_add(&data, b, utf8_encode(b, r));
	}
	if (data.len) {
		struct tok k = { T_TEXT, arena_strndup(l->a, data.buf, data.len), data.len, 0 };
		VEC_PUSH(l->a, &l->toks, k);
	}
	sbuf_release(&data);
}

static void lx_range(struct lexer *l)
{
	bool want_hi = false, want_close = false, seen_not = false;
	for (;;) {
		uint32_t r = lx_read(l);
		if (r == 0) {
			l->err = true;
			return;
		}
		if (want_close) {
			if (r != ']')
				l->err = true;
			else
				lx_push(l, T_RANGE_CLOSE, r);
			return;
		}
		if (want_hi) {
			lx_push(l, T_RANGE_HI, r);
			want_close = true;
			continue;
		}
		if (!seen_not && r == '!') {
			lx_push(l, T_NOT, r);
			seen_not = true;
			continue;
		}
		size_t w;
		if (lx_peek(l, &w) == '-') {
			l->pos += w;
			lx_push(l, T_RANGE_LO, r);
			lx_push(l, T_RANGE_BETWEEN, '-');
			want_hi = true;
			continue;
		}
		lx_unread(l);
		lx_text(l, "]");
		want_close = true;
	}
}

/* The whole token list up to EOF; false when the lexer fails (its error
 * is sticky and reaches the parser, so the pattern does not compile). */
static bool lex(struct lexer *l)
{
	for (;;) {
		if (l->err)
			return false;
		uint32_t r = lx_read(l);
		if (l->err)
			return false;
		if (r == 0) {
			lx_push(l, T_EOF, 0);
			return true;
		}
		if (r == '{') {
			l->terms++;
			lx_push(l, T_TERMS_OPEN, r);
		} else if (r == ',' && l->terms > 0) {
			lx_push(l, T_SEPARATOR, r);
		} else if (r == '}' && l->terms > 0) {
			lx_push(l, T_TERMS_CLOSE, r);
			l->terms--;
		} else if (r == '[') {
			lx_push(l, T_RANGE_OPEN, r);
			lx_range(l);
		} else if (r == '?') {
			lx_push(l, T_SINGLE, r);
		} else if (r == '*') {
			if (lx_read(l) == '*') {
				lx_push(l, T_SUPER, r);
			} else {
				lx_unread(l);
				lx_push(l, T_ANY, r);
			}
		} else {
			lx_unread(l);
			lx_text(l, l->terms > 0 ? "?*[{},": "?*[{");
		}
	}
}

/* ------------------------------------------------------------- tree */

enum node_kind { K_NOTHING, K_PATTERN, K_LIST, K_RANGE, K_TEXT, K_ANY, K_SUPER, K_SINGLE, K_ANYOF };

struct node {
	enum node_kind kind;
	struct node *parent;
	VEC(struct node *) kids;
	bool not;
	uint32_t lo, hi;
	const char *s; /* K_TEXT text, K_LIST chars */
	size_t n;
};

static struct node *new_node(struct arena *a, enum node_kind k)
{
	struct node *n = arena_calloc(a, 1, sizeof *n);
	n->kind = k;
	return n;
}

static void insert(struct arena *a, struct node *parent, struct node *child)
{
	VEC_PUSH(a, &parent->kids, child);
	child->parent = parent;
}

static bool node_equal(const struct node *x, const struct node *y)
{
	if (x->kind != y->kind || x->not != y->not || x->lo != y->lo || x->hi != y->hi || x->n != y->n ||
	    (x->n && memcmp(x->s, y->s, x->n)) || x->kids.len != y->kids.len)
		return false;
	for (size_t i = 0; i < x->kids.len; i++)
		if (!node_equal(x->kids.items[i], y->kids.items[i]))
			return false;
	return true;
}

/* ast.Parse over the tokens: NULL on a syntax error. */
static struct node *parse(struct arena *a, const struct tok *t, size_t nt)
{
	struct node *root = new_node(a, K_PATTERN), *tree = root;
	size_t i = 0;
	while (i < nt) {
		const struct tok *k = &t[i++];
		struct node *n;
		switch (k->t) {
		case T_EOF:
			return root;
		case T_TEXT:
			n = new_node(a, K_TEXT);
			n->s = k->s, n->n = k->n;
			insert(a, tree, n);
			break;
		case T_ANY: insert(a, tree, new_node(a, K_ANY)); break;
		case T_SUPER: insert(a, tree, new_node(a, K_SUPER)); break;
		case T_SINGLE: insert(a, tree, new_node(a, K_SINGLE)); break;
		case T_TERMS_OPEN: {
			struct node *any = new_node(a, K_ANYOF), *p = new_node(a, K_PATTERN);
			insert(a, tree, any);
			insert(a, any, p);
			tree = p;
			break;
		}
		case T_SEPARATOR: {
			struct node *p = new_node(a, K_PATTERN);
			insert(a, tree->parent, p);
			tree = p;
			break;
		}
		case T_TERMS_CLOSE:
			tree = tree->parent->parent;
			break;
		case T_RANGE_OPEN: {
			bool not = false;
			uint32_t lo = 0, hi = 0;
			const char *chars = "";
			size_t nchars = 0;
			for (;;) {
				if (i >= nt)
					return NULL;
				k = &t[i++];
				if (k->t == T_EOF)
					return NULL;
				if (k->t == T_NOT)
					not = true;
				else if (k->t == T_RANGE_LO)
					lo = k->r;
				else if (k->t == T_RANGE_HI) {
					hi = k->r;
					if (hi < lo)
						return NULL;
				} else if (k->t == T_TEXT)
					chars = k->s, nchars = k->n;
				else if (k->t == T_RANGE_CLOSE)
					break;
			}
			bool is_range = lo != 0 && hi != 0, is_chars = nchars != 0;
			if (is_chars == is_range)
				return NULL;
			n = new_node(a, is_range ? K_RANGE : K_LIST);
			n->not = not;
			n->lo = lo, n->hi = hi;
			n->s = chars, n->n = nchars;
			insert(a, tree, n);
			break;
		}
		default:
			return NULL;
		}
	}
	return NULL;
}

/* --------------------------------------------------------- matchers */

enum mkind {
	M_NOTHING, M_SUPER, M_ANY, M_SINGLE, M_LIST, M_RANGE, M_TEXT, M_PREFIX, M_SUFFIX,
	M_PREFIX_SUFFIX, M_PREFIX_ANY, M_SUFFIX_ANY, M_CONTAINS, M_MIN, M_MAX, M_ROW, M_EVERY,
	M_ANYOF, M_BTREE,
};

struct m {
	enum mkind k;
	const char *s, *s2; /* text, prefix, suffix, needle; s2: PrefixSuffix's suffix */
	size_t n, n2;
	bool not;
	uint32_t lo, hi;
	const uint32_t *rs; /* separators, or a list's runes */
	size_t nrs;
	int limit;          /* Min, Max */
	int runes;          /* Text's and Row's length in runes */
	struct m **ms;      /* Row, EveryOf, AnyOf */
	size_t nms;
	struct m *value, *left, *right; /* BTree */
	int vlen, llen, rlen, len;
};

struct gobwas_glob {
	struct m *root;
};

static struct m *mk(struct arena *a, enum mkind k)
{
	struct m *m = arena_calloc(a, 1, sizeof *m);
	m->k = k;
	return m;
}

static struct m *mk_text(struct arena *a, const char *s, size_t n)
{
	struct m *m = mk(a, M_TEXT);
	m->s = s, m->n = n;
	m->runes = (int)rune_count(s, n);
	return m;
}

static struct m *mk_str(struct arena *a, enum mkind k, const char *s, size_t n)
{
	struct m *m = mk(a, k);
	m->s = s, m->n = n;
	return m;
}

static struct m *mk_seps(struct arena *a, enum mkind k, const uint32_t *rs, size_t n)
{
	struct m *m = mk(a, k);
	m->rs = rs, m->nrs = n;
	return m;
}

static int m_len(const struct m *m)
{
	switch (m->k) {
	case M_NOTHING: return 0;
	case M_SINGLE: case M_LIST: case M_RANGE: return 1;
	case M_TEXT: case M_ROW: return m->runes;
	case M_EVERY: return m->nms ? -1 : 0; /* EveryOf.Len never adds up */
	case M_ANYOF: {
		int l = -1;
		for (size_t i = 0; i < m->nms; i++) {
			int ml = m_len(m->ms[i]);
			if (l == -1) {
				l = ml;
				continue;
			}
			if (ml == -1 || l != ml)
				return -1;
		}
		return l;
	}
	case M_BTREE: return m->len;
	default: return -1;
	}
}

static struct m *mk_btree(struct arena *a, struct m *v, struct m *l, struct m *r)
{
	struct m *m = mk(a, M_BTREE);
	m->value = v, m->left = l, m->right = r;
	bool ok = true;
	if ((m->vlen = m_len(v)) == -1)
		ok = false;
	if (l && (m->llen = m_len(l)) == -1)
		ok = false;
	if (r && (m->rlen = m_len(r)) == -1)
		ok = false;
	m->len = ok ? m->llen + m->vlen + m->rlen : -1;
	return m;
}

static struct m *mk_list(struct arena *a, enum mkind k, struct m **ms, size_t n)
{
	struct m *m = mk(a, k);
	m->ms = arena_alloc(a, (n ? n : 1) * sizeof *m->ms);
	if (n)
		memcpy(m->ms, ms, n * sizeof *ms);
	m->nms = n;
	return m;
}

/* ----------------------------------------------------- the compiler */

/* Caps on what gobwas would compile (its minimisation is quartic in the
 * parts of a pattern): far beyond any real chart's Files.Glob. */
#define GLOB_MAX_PARTS 64
#define GLOB_MAX_DEPTH 100

struct comp {
	struct arena *a;
	const uint32_t *sep;
	size_t nsep;
	bool err, too_complex;
	int depth;
};

static struct m *optimize(struct comp *c, struct m *m)
{
	if (!m)
		return NULL;
	switch (m->k) {
	case M_ANY:
		return m->nrs == 0 ? mk(c->a, M_SUPER) : m;
	case M_ANYOF:
		return m->nms == 1 ? m->ms[0] : m;
	case M_LIST:
		if (!m->not && m->nrs == 1) {
			char *b = arena_alloc(c->a, 4);
			return mk_text(c->a, b, utf8_encode(b, m->rs[0]));
		}
		return m;
	case M_BTREE: {
		m->left = optimize(c, m->left);
		m->right = optimize(c, m->right);
		if (m->value->k != M_TEXT)
			return m;
		struct m *v = m->value, *l = m->left, *r = m->right;
		if (!l && !r)
			return mk_text(c->a, v->s, v->n);
		bool lsuper = l && l->k == M_SUPER, rsuper = r && r->k == M_SUPER;
		if (lsuper && rsuper)
			return mk_str(c->a, M_CONTAINS, v->s, v->n);
		if (lsuper && !r)
			return mk_str(c->a, M_SUFFIX, v->s, v->n);
		if (rsuper && !l)
			return mk_str(c->a, M_PREFIX, v->s, v->n);
		if (!l && r && r->k == M_SUFFIX) {
			struct m *ps = mk_str(c->a, M_PREFIX_SUFFIX, v->s, v->n);
			ps->s2 = r->s, ps->n2 = r->n;
			return ps;
		}
		if (!r && l && l->k == M_PREFIX) {
			struct m *ps = mk_str(c->a, M_PREFIX_SUFFIX, l->s, l->n);
			ps->s2 = v->s, ps->n2 = v->n;
			return ps;
		}
		if (!r && l && l->k == M_ANY) {
			struct m *x = mk_str(c->a, M_SUFFIX_ANY, v->s, v->n);
			x->rs = l->rs, x->nrs = l->nrs;
			return x;
		}
		if (!l && r && r->k == M_ANY) {
			struct m *x = mk_str(c->a, M_PREFIX_ANY, v->s, v->n);
			x->rs = r->rs, x->nrs = r->nrs;
			return x;
		}
		return m;
	}
	default:
		return m;
	}
}

static struct m *glue_every(struct comp *c, struct m **ms, size_t n)
{
	if (n <= 1)
		return NULL;
	bool has_any = false, has_super = false, has_single = false;
	int min = 0;
	const uint32_t *sepr = NULL;
	size_t nsepr = 0;
	for (size_t i = 0; i < n; i++) {
		const uint32_t *s = NULL;
		size_t ns = 0;
		switch (ms[i]->k) {
		case M_SUPER: has_super = true; break;
		case M_ANY: s = ms[i]->rs, ns = ms[i]->nrs; has_any = true; break;
		case M_SINGLE: s = ms[i]->rs, ns = ms[i]->nrs; has_single = true; min++; break;
		case M_LIST:
			if (!ms[i]->not)
				return NULL;
			s = ms[i]->rs, ns = ms[i]->nrs;
			has_single = true;
			min++;
			break;
		default: return NULL;
		}
		if (i == 0)
			sepr = s, nsepr = ns;
		if (!runes_equal(s, ns, sepr, nsepr))
			return NULL;
	}
	if (has_super && !has_any && !has_single)
		return mk(c->a, M_SUPER);
	if (has_any && !has_super && !has_single)
		return mk_seps(c->a, M_ANY, sepr, nsepr);
	if ((has_any || has_super) && min > 0 && nsepr == 0) {
		struct m *m = mk(c->a, M_MIN);
		m->limit = min;
		return m;
	}
	struct m *parts[3];
	size_t np = 0;
	if (min > 0) {
		parts[np] = mk(c->a, M_MIN);
		parts[np++]->limit = min;
		if (!has_any && !has_super) {
			parts[np] = mk(c->a, M_MAX);
			parts[np++]->limit = min;
		}
	}
	if (nsepr > 0) {
		struct sbuf b = SBUF_INIT;
		for (size_t i = 0; i < nsepr; i++) {
			char e[4];
			sbuf_add(&b, e, utf8_encode(e, sepr[i]));
		}
		struct m *ct = mk_str(c->a, M_CONTAINS, arena_strndup(c->a, b.buf, b.len), b.len);
		ct->not = true;
		parts[np++] = ct;
		sbuf_release(&b);
	}
	return mk_list(c->a, M_EVERY, parts, np);
}

static struct m *glue_row(struct comp *c, struct m **ms, size_t n)
{
	if (n <= 1)
		return NULL;
	int l = 0;
	for (size_t i = 0; i < n; i++) {
		int ml = m_len(ms[i]);
		if (ml == -1)
			return NULL;
		l += ml;
	}
	struct m *row = mk_list(c->a, M_ROW, ms, n);
	row->runes = l;
	return row;
}

static struct m *glue(struct comp *c, struct m **ms, size_t n)
{
	struct m *m = glue_every(c, ms, n);
	return m ? m : glue_row(c, ms, n);
}

/* minimizeMatchers: replace the best gluable run, again until stable. */
static void minimize(struct comp *c, struct m ***ms, size_t *n)
{
	for (;;) {
		struct m *done = NULL;
		size_t left = 0, right = 0, count = 0, len = *n;
		for (size_t l = 0; l < len; l++)
			for (size_t r = len; r > l; r--) {
				struct m *g = glue(c, *ms + l, r - l);
				if (!g)
					continue;
				bool swap = true;
				if (done) {
					int cl = m_len(done), gl = m_len(g);
					swap = (cl > -1 && gl > -1 && gl > cl) || count < r - l;
				}
				if (swap)
					done = g, left = l, right = r, count = r - l;
			}
		if (!done)
			return;
		struct m **next = arena_alloc(c->a, len * sizeof *next);
		size_t k = 0;
		for (size_t i = 0; i < left; i++)
			next[k++] = (*ms)[i];
		next[k++] = done;
		for (size_t i = right; i < len; i++)
			next[k++] = (*ms)[i];
		*ms = next;
		*n = k;
		if (k == len)
			return;
	}
}

static struct m *compile_matchers(struct comp *c, struct m **ms, size_t n)
{
	if (n == 0) {
		c->err = true;
		return NULL;
	}
	if (n == 1)
		return ms[0];
	struct m *g = glue(c, ms, n);
	if (g)
		return g;
	long idx = -1;
	int max = -1;
	for (size_t i = 0; i < n; i++) {
		int l = m_len(ms[i]);
		if (l != -1 && l >= max)
			max = l, idx = (long)i;
	}
	if (idx == -1)
		return mk_btree(c->a, ms[0], NULL, compile_matchers(c, ms + 1, n - 1));
	struct m *l = idx > 0 ? compile_matchers(c, ms, (size_t)idx) : NULL;
	struct m *r = (size_t)idx + 1 < n ? compile_matchers(c, ms + idx + 1, n - (size_t)idx - 1) : NULL;
	if (c->err)
		return NULL;
	return mk_btree(c->a, ms[idx], l, r);
}

/* commonChildren: the children every alternative starts (ends) with. */
static void common_children(struct node **nodes, size_t nn, struct node ***cl, size_t *ncl,
	struct node ***cr, size_t *ncr, struct arena *a)
{
	*ncl = *ncr = 0;
	if (nn <= 1)
		return;
	size_t idx = 0, min = nodes[0]->kids.len;
	for (size_t i = 1; i < nn; i++)
		if (nodes[i]->kids.len < min)
			min = nodes[i]->kids.len, idx = i;
	struct node *tree = nodes[idx];
	size_t tl = tree->kids.len;
	*cl = arena_alloc(a, (tl + 1) * sizeof **cl);
	struct node **right = arena_calloc(a, tl + 1, sizeof *right);
	size_t last_right = tl, total = 0;
	bool break_left = false, break_right = false;
	for (long i = 0, j = (long)tl - 1; total < tl && j >= 0 && !(break_left && break_right); i++, j--) {
		struct node *tleft = tree->kids.items[i], *tright = tree->kids.items[j];
		for (size_t k = 0; k < nn && !(break_left && break_right); k++) {
			if (k == idx)
				continue;
			struct node *rl = nodes[k]->kids.items[i];
			struct node *rr = nodes[k]->kids.items[(size_t)j + nodes[k]->kids.len - tl];
			break_left = break_left || !node_equal(tleft, rl);
			break_right = break_right || (!break_left && j <= i);
			break_right = break_right || !node_equal(tright, rr);
		}
		if (!break_left) {
			total++;
			(*cl)[(*ncl)++] = tleft;
		}
		if (!break_right) {
			total++;
			last_right = (size_t)j;
			right[j] = tright;
		}
	}
	*cr = right + last_right;
	*ncr = tl - last_right;
}

static struct node *new_pattern(struct arena *a, struct node **kids, size_t n)
{
	struct node *p = new_node(a, K_PATTERN);
	for (size_t i = 0; i < n; i++)
		insert(a, p, kids[i]);
	return p;
}

/* minimizeTreeAnyOf: {ab,ac} becomes a{b,c}; NULL when nothing is common. */
static struct node *minimize_anyof(struct arena *a, struct node *tree)
{
	for (size_t i = 0; i < tree->kids.len; i++)
		if (tree->kids.items[i]->kind != K_PATTERN)
			return NULL;
	struct node **cl = NULL, **cr = NULL;
	size_t ncl, ncr;
	common_children(tree->kids.items, tree->kids.len, &cl, &ncl, &cr, &ncr, a);
	if (ncl == 0 && ncr == 0)
		return NULL;
	struct node *res = new_node(a, K_PATTERN);
	if (ncl > 0)
		insert(a, res, new_pattern(a, cl, ncl));
	VEC(struct node *) any = { 0 };
	for (size_t i = 0; i < tree->kids.len; i++) {
		struct node *ch = tree->kids.items[i];
		size_t from = ncl, to = ch->kids.len - ncr;
		struct node *n = to > from ? new_pattern(a, ch->kids.items + from, to - from) : new_node(a, K_NOTHING);
		bool dup = false;
		for (size_t k = 0; k < any.len && !dup; k++)
			dup = node_equal(any.items[k], n);
		if (!dup)
			VEC_PUSH(a, &any, n);
	}
	if (any.len == 1 && any.items[0]->kind != K_NOTHING) {
		insert(a, res, any.items[0]);
	} else if (any.len > 1) {
		struct node *ao = new_node(a, K_ANYOF);
		for (size_t i = 0; i < any.len; i++)
			insert(a, ao, any.items[i]);
		insert(a, res, ao);
	}
	if (ncr > 0)
		insert(a, res, new_pattern(a, cr, ncr));
	return res;
}

static struct m *compile(struct comp *c, struct node *t);

static struct m **compile_children(struct comp *c, struct node *t)
{
	struct m **ms = arena_alloc(c->a, (t->kids.len + 1) * sizeof *ms);
	for (size_t i = 0; i < t->kids.len && !c->err; i++)
		ms[i] = optimize(c, compile(c, t->kids.items[i]));
	return ms;
}

static struct m *compile(struct comp *c, struct node *t)
{
	if (c->err || ++c->depth > GLOB_MAX_DEPTH) {
		c->err = c->too_complex = true;
		return NULL;
	}
	struct m *m = NULL;
	switch (t->kind) {
	case K_ANYOF: {
		struct node *n = minimize_anyof(c->a, t);
		if (n) {
			m = compile(c, n);
			c->depth--;
			return m;
		}
		struct m **ms = compile_children(c, t);
		m = c->err ? NULL : mk_list(c->a, M_ANYOF, ms, t->kids.len);
		c->depth--;
		return m;
	}
	case K_PATTERN: {
		if (t->kids.len == 0) {
			c->depth--;
			return mk(c->a, M_NOTHING);
		}
		if (t->kids.len > GLOB_MAX_PARTS) {
			c->err = c->too_complex = true;
			break;
		}
		struct m **ms = compile_children(c, t);
		size_t n = t->kids.len;
		if (c->err)
			break;
		minimize(c, &ms, &n);
		m = compile_matchers(c, ms, n);
		break;
	}
	case K_ANY: m = mk_seps(c->a, M_ANY, c->sep, c->nsep); break;
	case K_SUPER: m = mk(c->a, M_SUPER); break;
	case K_SINGLE: m = mk_seps(c->a, M_SINGLE, c->sep, c->nsep); break;
	case K_NOTHING: m = mk(c->a, M_NOTHING); break;
	case K_LIST: {
		uint32_t *rs = arena_alloc(c->a, (t->n + 1) * sizeof *rs);
		size_t nr = 0;
		for (size_t i = 0; i < t->n;)
			i += utf8_decode(t->s + i, t->n - i, &rs[nr++]);
		m = mk_seps(c->a, M_LIST, rs, nr);
		m->not = t->not;
		break;
	}
	case K_RANGE:
		m = mk(c->a, M_RANGE);
		m->lo = t->lo, m->hi = t->hi, m->not = t->not;
		break;
	case K_TEXT: m = mk_text(c->a, t->s, t->n); break;
	}
	c->depth--;
	return c->err ? NULL : optimize(c, m);
}

struct gobwas_glob *gobwas_compile(struct arena *a, const char *pattern, size_t n, const uint32_t *seps,
	size_t nseps, bool *too_complex)
{
	struct lexer l = { .a = a, .p = pattern, .n = n };
	*too_complex = false;
	if (!lex(&l))
		return NULL;
	struct node *root = parse(a, l.toks.items, l.toks.len);
	if (!root)
		return NULL;
	uint32_t *sep = arena_alloc(a, (nseps + 1) * sizeof *sep);
	if (nseps)
		memcpy(sep, seps, nseps * sizeof *sep);
	struct comp c = { .a = a, .sep = sep, .nsep = nseps };
	struct m *m = compile(&c, root);
	if (c.err || !m) {
		*too_complex = c.too_complex;
		return NULL;
	}
	struct gobwas_glob *g = arena_alloc(a, sizeof *g);
	g->root = m;
	return g;
}

/* ---------------------------------------------------------- describe */

static void add_runes(struct sbuf *out, const uint32_t *rs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char b[4];
		sbuf_add(out, b, utf8_encode(b, rs[i]));
	}
}

static void describe(const struct m *m, struct sbuf *out, int depth);

/* fmt's %s of a Matchers slice: [a b c] */
static void describe_list(const struct m *m, struct sbuf *out, int depth)
{
	sbuf_addc(out, '[');
	for (size_t i = 0; i < m->nms; i++) {
		if (i)
			sbuf_addc(out, ' ');
		describe(m->ms[i], out, depth + 1);
	}
	sbuf_addc(out, ']');
}

static void describe(const struct m *m, struct sbuf *out, int depth)
{
	if (!m) {
		sbuf_adds(out, "<nil>");
		return;
	}
	if (depth > GLOB_MAX_DEPTH * 2) {
		sbuf_adds(out, "...");
		return;
	}
	const char *not = m->not ? "!" : "";
	switch (m->k) {
	case M_NOTHING: sbuf_adds(out, "<nothing>"); break;
	case M_SUPER: sbuf_adds(out, "<super>"); break;
	case M_ANY: case M_SINGLE:
		sbuf_adds(out, m->k == M_ANY ? "<any:![" : "<single:![");
		add_runes(out, m->rs, m->nrs);
		sbuf_adds(out, "]>");
		break;
	case M_LIST:
		sbuf_printf(out, "<list:%s[", not);
		add_runes(out, m->rs, m->nrs);
		sbuf_adds(out, "]>");
		break;
	case M_RANGE:
		sbuf_printf(out, "<range:%s[", not);
		add_runes(out, &m->lo, 1);
		sbuf_addc(out, ',');
		add_runes(out, &m->hi, 1);
		sbuf_adds(out, "]>");
		break;
	case M_TEXT: sbuf_printf(out, "<text:`%.*s`>", (int)m->n, m->s); break;
	case M_PREFIX: sbuf_printf(out, "<prefix:%.*s>", (int)m->n, m->s); break;
	case M_SUFFIX: sbuf_printf(out, "<suffix:%.*s>", (int)m->n, m->s); break;
	case M_PREFIX_SUFFIX:
		sbuf_printf(out, "<prefix_suffix:[%.*s,%.*s]>", (int)m->n, m->s, (int)m->n2, m->s2);
		break;
	case M_PREFIX_ANY:
		sbuf_printf(out, "<prefix_any:%.*s![", (int)m->n, m->s);
		add_runes(out, m->rs, m->nrs);
		sbuf_adds(out, "]>");
		break;
	case M_SUFFIX_ANY:
		sbuf_adds(out, "<suffix_any:![");
		add_runes(out, m->rs, m->nrs);
		sbuf_printf(out, "]%.*s>", (int)m->n, m->s);
		break;
	case M_CONTAINS: sbuf_printf(out, "<contains:%s[%.*s]>", not, (int)m->n, m->s); break;
	case M_MIN: sbuf_printf(out, "<min:%d>", m->limit); break;
	case M_MAX: sbuf_printf(out, "<max:%d>", m->limit); break;
	case M_ROW: case M_EVERY: case M_ANYOF:
		if (m->k == M_ROW)
			sbuf_printf(out, "<row_%d:[", m->runes);
		else
			sbuf_adds(out, m->k == M_EVERY ? "<every_of:[" : "<any_of:[");
		describe_list(m, out, depth);
		sbuf_adds(out, "]>");
		break;
	case M_BTREE:
		sbuf_adds(out, "<btree:[");
		describe(m->left, out, depth + 1);
		sbuf_adds(out, "<-");
		describe(m->value, out, depth + 1);
		sbuf_adds(out, "->");
		describe(m->right, out, depth + 1);
		sbuf_adds(out, "]>");
		break;
	}
}

void gobwas_describe(const struct gobwas_glob *g, struct sbuf *out)
{
	describe(g->root, out, 0);
}

/* ------------------------------------------------------------ match */

struct segs {
	int *items;
	size_t len, cap;
};

struct mstate {
	struct arena a; /* segment lists of one match */
	bool panicked;
	char *why;
	size_t whylen;
};

static void seg_push(struct mstate *st, struct segs *s, int x)
{
	VEC_PUSH(&st->a, s, x);
}

static bool m_match(struct mstate *st, const struct m *m, const char *s, size_t n);

/* Row.matchAll, with its byte-for-rune slicing (and its panic). */
static bool row_match_all(struct mstate *st, const struct m *m, const char *s, size_t n)
{
	size_t idx = 0;
	for (size_t k = 0; k < m->nms; k++) {
		int length = m_len(m->ms[k]);
		size_t next = 0;
		int i = 0;
		for (size_t p = idx; p < n;) {
			uint32_t r;
			next = p - idx;
			i++;
			if (i == length)
				break;
			p += dec(s + p, n - p, &r);
		}
		if (i < length)
			return false;
		if (idx + next + 1 > n) {
			if (!st->panicked)
				snprintf(st->why, st->whylen, "runtime error: slice bounds out of range [:%zu] with length %zu",
					idx + next + 1, n);
			st->panicked = true;
			return false;
		}
		if (!m_match(st, m->ms[k], s + idx, next + 1))
			return false;
		idx += next + 1;
	}
	return true;
}

/* Matcher.Index: the leftmost position and the match lengths there. */
static long m_index(struct mstate *st, const struct m *m, const char *s, size_t n, struct segs *out)
{
	out->len = 0;
	if (st->panicked)
		return -1;
	uint32_t r;
	switch (m->k) {
	case M_ANY: {
		long found = index_any_runes(s, n, m->rs, m->nrs);
		if (found == 0) {
			seg_push(st, out, 0);
			return 0;
		}
		if (found > 0)
			n = (size_t)found; /* then Super's segments over s[:found] */
	}
		/* fallthrough */
	case M_SUPER:
		for (size_t i = 0; i < n; i += dec(s + i, n - i, &r))
			seg_push(st, out, (int)i);
		seg_push(st, out, (int)n);
		return 0;
	case M_CONTAINS: {
		size_t off = 0;
		long idx = str_index(s, n, m->s, m->n);
		if (!m->not) {
			if (idx == -1)
				return -1;
			off = (size_t)idx + m->n;
			if (n <= off) {
				seg_push(st, out, (int)off);
				return 0;
			}
			s += off, n -= off;
		} else if (idx != -1) {
			n = (size_t)idx;
		}
		for (size_t i = 0; i < n; i += dec(s + i, n - i, &r))
			seg_push(st, out, (int)(off + i));
		seg_push(st, out, (int)(off + n));
		return 0;
	}
	case M_LIST: case M_RANGE: case M_SINGLE:
		for (size_t i = 0, w; i < n; i += w) {
			w = dec(s + i, n - i, &r);
			bool hit = m->k == M_LIST ? m->not == !has_rune(m->rs, m->nrs, r)
				: m->k == M_RANGE ? m->not != (r >= m->lo && r <= m->hi)
				: !has_rune(m->rs, m->nrs, r);
			if (hit) {
				seg_push(st, out, rune_len(r));
				return (long)i;
			}
		}
		return -1;
	case M_MAX: {
		int count = 0;
		seg_push(st, out, 0);
		for (size_t i = 0, w; i < n; i += w) {
			w = dec(s + i, n - i, &r);
			if (++count > m->limit)
				break;
			seg_push(st, out, (int)i + rune_len(r));
		}
		return 0;
	}
	case M_MIN: {
		int count = 0;
		if ((long)n - m->limit + 1 <= 0)
			return -1;
		for (size_t i = 0, w; i < n; i += w) {
			w = dec(s + i, n - i, &r);
			if (++count >= m->limit)
				seg_push(st, out, (int)i + rune_len(r));
		}
		return out->len ? 0 : -1;
	}
	case M_NOTHING:
		seg_push(st, out, 0);
		return 0;
	case M_PREFIX: case M_PREFIX_ANY: {
		long idx = str_index(s, n, m->s, m->n);
		if (idx == -1)
			return -1;
		size_t len = m->n, from = (size_t)idx + len;
		const char *sub = s + from;
		size_t sn = n > from ? n - from : 0;
		if (m->k == M_PREFIX_ANY) {
			long i = index_any_runes(sub, sn, m->rs, m->nrs);
			if (i > -1)
				sn = (size_t)i;
		}
		seg_push(st, out, (int)len);
		for (size_t i = 0, w; i < sn; i += w) {
			w = dec(sub + i, sn - i, &r);
			seg_push(st, out, (int)(len + i) + rune_len(r));
		}
		return idx;
	}
	case M_PREFIX_SUFFIX: {
		long pi = str_index(s, n, m->s, m->n);
		if (pi == -1)
			return -1;
		if (m->n2 == 0) {
			seg_push(st, out, (int)(n - (size_t)pi));
			return pi;
		}
		if ((long)n - pi <= 0)
			return -1;
		const char *sub = s + pi;
		size_t sn = n - (size_t)pi;
		for (;;) {
			long si = str_last_index(sub, sn, m->s2, m->n2);
			if (si == -1)
				break;
			seg_push(st, out, (int)si + (int)m->n2);
			sn = (size_t)si;
		}
		if (!out->len)
			return -1;
		for (size_t i = 0; i < out->len / 2; i++) {
			int t = out->items[i];
			out->items[i] = out->items[out->len - 1 - i];
			out->items[out->len - 1 - i] = t;
		}
		return pi;
	}
	case M_ROW: {
		for (size_t i = 0; i < n; i += dec(s + i, n - i, &r)) {
			if (n - i < (size_t)m->runes)
				break;
			if (row_match_all(st, m, s + i, n - i)) {
				seg_push(st, out, m->runes);
				return (long)i;
			}
			if (st->panicked)
				return -1;
		}
		return -1;
	}
	case M_SUFFIX: {
		long idx = str_index(s, n, m->s, m->n);
		if (idx == -1)
			return -1;
		seg_push(st, out, (int)idx + (int)m->n);
		return 0;
	}
	case M_SUFFIX_ANY: {
		long idx = str_index(s, n, m->s, m->n);
		if (idx == -1)
			return -1;
		long i = last_index_any_runes(s, (size_t)idx, m->rs, m->nrs) + 1;
		seg_push(st, out, (int)(idx + (long)m->n - i));
		return i;
	}
	case M_TEXT: {
		long idx = str_index(s, n, m->s, m->n);
		if (idx != -1)
			seg_push(st, out, (int)m->n);
		return idx;
	}
	case M_ANYOF: {
		long index = -1;
		struct segs seg = { 0 };
		for (size_t k = 0; k < m->nms; k++) {
			long idx = m_index(st, m->ms[k], s, n, &seg);
			if (idx == -1)
				continue;
			if (index == -1 || idx < index) {
				index = idx;
				out->len = 0;
				for (size_t i = 0; i < seg.len; i++)
					seg_push(st, out, seg.items[i]);
				continue;
			}
			if (idx > index)
				continue;
			/* appendMerge: the sorted union */
			struct segs mg = { 0 };
			size_t x = 0, y = 0;
			while (x < out->len || y < seg.len) {
				if (x >= out->len)
					seg_push(st, &mg, seg.items[y++]);
				else if (y >= seg.len)
					seg_push(st, &mg, out->items[x++]);
				else if (out->items[x] == seg.items[y])
					seg_push(st, &mg, out->items[x++]), y++;
				else if (out->items[x] < seg.items[y])
					seg_push(st, &mg, out->items[x++]);
				else
					seg_push(st, &mg, seg.items[y++]);
			}
			*out = mg;
		}
		if (index == -1)
			out->len = 0;
		return index;
	}
	case M_EVERY: {
		long index = 0, offset = 0;
		struct segs seg = { 0 }, next = { 0 };
		const char *sub = s;
		size_t sn = n;
		for (size_t k = 0; k < m->nms; k++) {
			long idx = m_index(st, m->ms[k], sub, sn, &seg);
			if (idx == -1) {
				out->len = 0;
				return -1;
			}
			if (k == 0) {
				for (size_t i = 0; i < seg.len; i++)
					seg_push(st, out, seg.items[i]);
			} else {
				next.len = 0;
				long delta = index - (idx + offset);
				for (size_t e = 0; e < out->len; e++)
					for (size_t i = 0; i < seg.len; i++)
						if (out->items[e] + delta == seg.items[i])
							seg_push(st, &next, seg.items[i]);
				if (!next.len) {
					out->len = 0;
					return -1;
				}
				out->len = 0;
				for (size_t i = 0; i < next.len; i++)
					seg_push(st, out, next.items[i]);
			}
			index = idx + offset;
			sub = s + index, sn = n - (size_t)index;
			offset += idx;
		}
		return index;
	}
	case M_BTREE:
		return -1;
	}
	return -1;
}

static bool btree_match(struct mstate *st, const struct m *m, const char *s, size_t n)
{
	long in = (long)n;
	if (m->len != -1 && m->len > in)
		return false;
	long offset = m->llen >= 0 ? m->llen : 0;
	long limit = m->rlen >= 0 ? in - m->rlen : in;
	struct segs seg = { 0 };
	while (offset < limit) {
		long index = m_index(st, m->value, s + offset, (size_t)(limit - offset), &seg);
		if (index == -1 || st->panicked)
			return false;
		size_t ln = (size_t)(offset + index);
		bool left = m->left ? m_match(st, m->left, s, ln) : ln == 0;
		if (left) {
			for (size_t i = seg.len; i-- > 0;) {
				long at = offset + index + seg.items[i];
				const char *r = at >= in ? s + n : s + at;
				size_t rn = at >= in ? 0 : (size_t)(in - at);
				bool right = m->right ? m_match(st, m->right, r, rn) : rn == 0;
				if (right)
					return true;
			}
		}
		if (st->panicked)
			return false;
		uint32_t r;
		size_t step = dec(s + offset + index, n - (size_t)(offset + index), &r);
		if (index + (long)step == 0)
			return false; /* gobwas would loop forever; never reached */
		offset += index + (long)step;
	}
	return false;
}

static bool m_match(struct mstate *st, const struct m *m, const char *s, size_t n)
{
	if (st->panicked)
		return false;
	bool res = false;
	uint32_t r;
	size_t w;
	switch (m->k) {
	case M_NOTHING: res = n == 0; break;
	case M_SUPER: res = true; break;
	case M_ANY: res = index_any_runes(s, n, m->rs, m->nrs) == -1; break;
	case M_SINGLE: case M_LIST: case M_RANGE:
		w = dec(s, n, &r);
		if (n > w)
			break;
		res = m->k == M_SINGLE ? !has_rune(m->rs, m->nrs, r)
			: m->k == M_LIST ? has_rune(m->rs, m->nrs, r) == !m->not
			: (r >= m->lo && r <= m->hi) == !m->not;
		break;
	case M_TEXT: res = n == m->n && !memcmp(s, m->s, n); break;
	case M_PREFIX: res = n >= m->n && !memcmp(s, m->s, m->n); break;
	case M_SUFFIX: res = n >= m->n && !memcmp(s + n - m->n, m->s, m->n); break;
	case M_PREFIX_SUFFIX:
		res = n >= m->n && !memcmp(s, m->s, m->n) && n >= m->n2 && !memcmp(s + n - m->n2, m->s2, m->n2);
		break;
	case M_PREFIX_ANY:
		res = n >= m->n && !memcmp(s, m->s, m->n) &&
			index_any_runes(s + m->n, n - m->n, m->rs, m->nrs) == -1;
		break;
	case M_SUFFIX_ANY:
		res = n >= m->n && !memcmp(s + n - m->n, m->s, m->n) &&
			index_any_runes(s, n - m->n, m->rs, m->nrs) == -1;
		break;
	case M_CONTAINS: res = (str_index(s, n, m->s, m->n) != -1) != m->not; break;
	case M_MIN: {
		int l = 0;
		for (size_t i = 0; i < n && !res; i += dec(s + i, n - i, &r))
			res = ++l >= m->limit;
		break;
	}
	case M_MAX: {
		int l = 0;
		res = true;
		for (size_t i = 0; i < n && res; i += dec(s + i, n - i, &r))
			res = ++l <= m->limit;
		break;
	}
	case M_ROW:
		res = rune_count(s, n) == (size_t)m->runes && row_match_all(st, m, s, n);
		break;
	case M_EVERY:
		res = true;
		for (size_t i = 0; i < m->nms && res; i++)
			res = m_match(st, m->ms[i], s, n);
		break;
	case M_ANYOF:
		for (size_t i = 0; i < m->nms && !res; i++)
			res = m_match(st, m->ms[i], s, n);
		break;
	case M_BTREE: res = btree_match(st, m, s, n); break;
	}
	return res && !st->panicked;
}

int gobwas_match(const struct gobwas_glob *g, const char *s, size_t n, char *why, size_t whylen)
{
	char dummy[1];
	struct mstate st = { .a = ARENA_INIT, .why = why ? why : dummy, .whylen = why ? whylen : sizeof dummy };
	bool res = m_match(&st, g->root, s, n);
	arena_release(&st.a);
	return st.panicked ? -1 : res ? 1 : 0;
}
