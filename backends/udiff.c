/*
 * udiff.c - Myers' difference algorithm and unified diffs of two texts.
 *
 * The algorithm is the linear-space variant of E. Myers, "An O(ND)
 * Difference Algorithm and Its Variations" (1986), section 4b: search
 * forward from the start and backward from the end, one edit distance at a
 * time, until the two frontiers overlap; the overlap is a point on a
 * shortest edit path, so the problem splits there into two halves of about
 * half the distance each.  Time O((N+M)D), space O(N+M), recursion depth
 * O(log D).  Common prefixes and suffixes are stripped first, which is what
 * makes the usual case (a few changed lines in a long manifest) cost O(N).
 *
 * Elements are ids: lines are numbered by content first (equal lines, equal
 * ids), so comparing two lines is comparing two integers.
 *
 * A search that needs more than MYERS_MAX_D steps (two texts that share
 * almost nothing, tens of thousands of lines long) stops there and reports
 * the rest of that sub-problem as replaced: still a correct diff, only not
 * a minimal one, and the time stays bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/diff.h"

#define MYERS_MAX_D 4096

struct myers {
	const uint32_t *a, *b;
	struct myers_script *out;
};

static void emit(struct myers *m, enum myers_op op, size_t a, size_t b, size_t n)
{
	if (n == 0)
		return;
	struct myers_script *s = m->out;
	if (s->len) {
		struct myers_edit *last = &s->items[s->len - 1];
		if (last->op == op) {
			last->n += n;
			return;
		}
	}
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->items = xrealloc(s->items, s->cap * sizeof *s->items);
	}
	s->items[s->len++] = (struct myers_edit){ (uint8_t)op, a, b, n };
}

static void compare(struct myers *m, size_t a0, size_t a1, size_t b0, size_t b1);

/* Find a point on a shortest path from (a0,b0) to (a1,b1) and recurse on
 * both sides of it.  Both ranges are non-empty and differ at both ends. */
static void bisect(struct myers *m, size_t a0, size_t a1, size_t b0, size_t b1)
{
	const uint32_t *A = m->a + a0, *B = m->b + b0;
	long n = (long)(a1 - a0), mm = (long)(b1 - b0);
	long maxd = (n + mm + 1) / 2;
	if (maxd > MYERS_MAX_D)
		maxd = MYERS_MAX_D;
	long off = maxd + 1, len = 2 * maxd + 3;
	/* vf[off+k]: furthest x on diagonal k (x - y) from the start; vb the
	 * same from the end, on the reversed sequences.  -1: not reached. */
	long *vf = xmalloc(2 * (size_t)len * sizeof *vf), *vb = vf + len;
	for (long i = 0; i < len; i++)
		vf[i] = vb[i] = -1;
	vf[off + 1] = vb[off + 1] = 0;
	long delta = n - mm;
	bool odd = delta & 1;
	/* Diagonals that ran off the grid are not searched again. */
	long f_lo = 0, f_hi = 0, b_lo = 0, b_hi = 0;
	for (long d = 0; d < maxd; d++) {
		for (long k = -d + f_lo; k <= d - f_hi; k += 2) {
			long x = (k == -d || (k != d && vf[off + k - 1] < vf[off + k + 1]))
				? vf[off + k + 1] : vf[off + k - 1] + 1;
			long y = x - k;
			while (x < n && y < mm && A[x] == B[y])
				x++, y++;
			vf[off + k] = x;
			if (x > n) {
				f_hi += 2;
			} else if (y > mm) {
				f_lo += 2;
			} else if (odd) {
				long kb = off + delta - k;
				if (kb >= 0 && kb < len && vb[kb] != -1 && x >= n - vb[kb]) {
					free(vf);
					compare(m, a0, a0 + (size_t)x, b0, b0 + (size_t)y);
					compare(m, a0 + (size_t)x, a1, b0 + (size_t)y, b1);
					return;
				}
			}
		}
		for (long k = -d + b_lo; k <= d - b_hi; k += 2) {
			long x = (k == -d || (k != d && vb[off + k - 1] < vb[off + k + 1]))
				? vb[off + k + 1] : vb[off + k - 1] + 1;
			long y = x - k;
			while (x < n && y < mm && A[n - x - 1] == B[mm - y - 1])
				x++, y++;
			vb[off + k] = x;
			if (x > n) {
				b_hi += 2;
			} else if (y > mm) {
				b_lo += 2;
			} else if (!odd) {
				long kf = off + delta - k;
				if (kf >= 0 && kf < len && vf[kf] != -1) {
					long fx = vf[kf], fy = fx - (kf - off);
					if (fx >= n - x) {
						free(vf);
						compare(m, a0, a0 + (size_t)fx, b0, b0 + (size_t)fy);
						compare(m, a0 + (size_t)fx, a1, b0 + (size_t)fy, b1);
						return;
					}
				}
			}
		}
	}
	/* Too far apart to search further: replace the whole range. */
	free(vf);
	emit(m, MYERS_DEL, a0, b0, a1 - a0);
	emit(m, MYERS_INS, a1, b0, b1 - b0);
}

static void compare(struct myers *m, size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t p = 0;
	while (a0 + p < a1 && b0 + p < b1 && m->a[a0 + p] == m->b[b0 + p])
		p++;
	emit(m, MYERS_KEEP, a0, b0, p);
	a0 += p, b0 += p;
	size_t s = 0;
	while (a1 - s > a0 && b1 - s > b0 && m->a[a1 - s - 1] == m->b[b1 - s - 1])
		s++;
	a1 -= s, b1 -= s;
	if (a0 == a1)
		emit(m, MYERS_INS, a0, b0, b1 - b0);
	else if (b0 == b1)
		emit(m, MYERS_DEL, a0, b0, a1 - a0);
	else
		bisect(m, a0, a1, b0, b1);
	emit(m, MYERS_KEEP, a1, b1, s);
}

void myers_diff(const uint32_t *a, size_t n, const uint32_t *b, size_t m,
	struct myers_script *out)
{
	struct myers st = { a, b, out };
	out->len = 0;
	compare(&st, 0, n, 0, m);
}

void myers_script_release(struct myers_script *s)
{
	free(s->items);
	memset(s, 0, sizeof *s);
}

/* ---- lines ---- */

struct line {
	const char *p;
	size_t n; /* with its newline, if any */
};

struct lines {
	struct line *items;
	uint32_t *ids;
	size_t len;
};

/* Numbering lines by content: an open-addressing table of first
 * occurrences. */
struct numbering {
	struct line *keys;
	uint64_t *hashes;
	uint32_t *ids; /* id + 1; 0 = empty slot */
	size_t cap, next;
};

static uint32_t number(struct numbering *t, const struct line *l)
{
	uint64_t h = str_hash(l->p, l->n);
	size_t i = h & (t->cap - 1);
	while (t->ids[i]) {
		if (t->hashes[i] == h && t->keys[i].n == l->n && !memcmp(t->keys[i].p, l->p, l->n))
			return t->ids[i] - 1;
		i = (i + 1) & (t->cap - 1);
	}
	t->keys[i] = *l;
	t->hashes[i] = h;
	t->ids[i] = (uint32_t)++t->next;
	return t->ids[i] - 1;
}

static void split(const char *s, size_t n, struct lines *out)
{
	size_t cnt = 0;
	for (size_t i = 0; i < n; i++)
		cnt += s[i] == '\n';
	cnt += n && s[n - 1] != '\n';
	out->items = xmalloc((cnt ? cnt : 1) * sizeof *out->items);
	out->ids = xmalloc((cnt ? cnt : 1) * sizeof *out->ids);
	out->len = 0;
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			out->items[out->len++] = (struct line){ s + start, i + 1 - start };
			start = i + 1;
		}
	if (start < n)
		out->items[out->len++] = (struct line){ s + start, n - start };
}

static void add_line(struct sbuf *out, char mark, const struct line *l)
{
	sbuf_addc(out, mark);
	sbuf_add(out, l->p, l->n);
	if (!l->n || l->p[l->n - 1] != '\n')
		sbuf_adds(out, "\n\\ No newline at end of file\n");
}

/* GNU diff's range: "start,len", ",len" left out when it is 1, and an
 * empty range named by the line before it. */
static void add_range(struct sbuf *out, size_t start, size_t len)
{
	if (len == 1)
		sbuf_printf(out, "%zu", start + 1);
	else
		sbuf_printf(out, "%zu,%zu", len ? start + 1 : start, len);
}

size_t udiff(struct sbuf *out, const char *a, size_t alen, const char *b, size_t blen,
	unsigned context)
{
	struct lines la, lb;
	split(a, alen, &la);
	split(b, blen, &lb);
	struct numbering t = { 0 };
	t.cap = 16;
	while (t.cap < 2 * (la.len + lb.len))
		t.cap *= 2;
	t.keys = xmalloc(t.cap * sizeof *t.keys);
	t.hashes = xmalloc(t.cap * sizeof *t.hashes);
	t.ids = xcalloc(t.cap, sizeof *t.ids);
	for (size_t i = 0; i < la.len; i++)
		la.ids[i] = number(&t, &la.items[i]);
	for (size_t i = 0; i < lb.len; i++)
		lb.ids[i] = number(&t, &lb.items[i]);
	free(t.keys);
	free(t.hashes);
	free(t.ids);

	struct myers_script s = { 0 };
	myers_diff(la.ids, la.len, lb.ids, lb.len, &s);
	size_t changed = 0;
	/* A hunk runs from one change to the next while the unchanged lines
	 * between them are at most 2 * context. */
	size_t i = 0;
	while (i < s.len) {
		if (s.items[i].op == MYERS_KEEP) {
			i++;
			continue;
		}
		size_t j = i; /* last edit of the hunk */
		for (size_t k = i + 1; k < s.len; k++) {
			if (s.items[k].op != MYERS_KEEP) {
				j = k;
				continue;
			}
			if (k + 1 < s.len && s.items[k].n <= 2 * (size_t)context)
				continue;
			break;
		}
		size_t lead = 0, trail = 0;
		if (i > 0)
			lead = s.items[i - 1].n < context ? s.items[i - 1].n : context;
		if (j + 1 < s.len)
			trail = s.items[j + 1].n < context ? s.items[j + 1].n : context;
		size_t as = s.items[i].a - lead, bs = s.items[i].b - lead;
		const struct myers_edit *e = &s.items[j];
		size_t ae = (e->op == MYERS_DEL ? e->a + e->n : e->a) + trail;
		size_t be = (e->op == MYERS_INS ? e->b + e->n : e->b) + trail;
		sbuf_adds(out, "@@ -");
		add_range(out, as, ae - as);
		sbuf_adds(out, " +");
		add_range(out, bs, be - bs);
		sbuf_adds(out, " @@\n");
		for (size_t x = as; x < s.items[i].a; x++)
			add_line(out, ' ', &la.items[x]);
		for (size_t k = i; k <= j; k++) {
			const struct myers_edit *ed = &s.items[k];
			if (ed->op == MYERS_KEEP) {
				for (size_t x = 0; x < ed->n; x++)
					add_line(out, ' ', &la.items[ed->a + x]);
				continue;
			}
			/* A run of changes: its deletions, then its insertions. */
			size_t g = k;
			while (g + 1 <= j && s.items[g + 1].op != MYERS_KEEP)
				g++;
			for (int pass = 0; pass < 2; pass++)
				for (size_t q = k; q <= g; q++) {
					const struct myers_edit *c = &s.items[q];
					for (size_t x = 0; x < c->n; x++) {
						if (pass == 0 && c->op == MYERS_DEL)
							add_line(out, '-', &la.items[c->a + x]);
						else if (pass == 1 && c->op == MYERS_INS)
							add_line(out, '+', &lb.items[c->b + x]);
					}
					changed += pass == 0 ? c->n : 0;
				}
			k = g;
		}
		for (size_t x = ae - trail; x < ae; x++)
			add_line(out, ' ', &la.items[x]);
		i = j + 1;
	}
	myers_script_release(&s);
	free(la.items);
	free(la.ids);
	free(lb.items);
	free(lb.ids);
	return changed;
}
