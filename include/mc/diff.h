/*
 * diff.h - comparing renders: the render-and-diff gate.
 *
 * myers:  Myers' O(ND) difference algorithm in linear space, over
 *         sequences of ids (equal ids, equal elements).
 * udiff:  unified diffs of two texts (lines numbered by content, then
 *         myers), with GNU diff's hunk headers.
 */
#ifndef MC_DIFF_H
#define MC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/ir.h"

/* ---------------------------------------------------------------- myers */

enum myers_op { MYERS_KEEP, MYERS_DEL, MYERS_INS };

/* A run of n elements: KEEP a[a..a+n) == b[b..b+n); DEL a[a..a+n) (b is
 * where it was in b); INS b[b..b+n) (a is where it goes in a). */
struct myers_edit {
	uint8_t op;
	size_t a, b, n;
};

struct myers_script {
	struct myers_edit *items;
	size_t len, cap;
};

/* A shortest edit script from a to b (not necessarily the shortest when
 * they are very long and share almost nothing: see udiff.c). */
void myers_diff(const uint32_t *a, size_t n, const uint32_t *b, size_t m,
	struct myers_script *out);
void myers_script_release(struct myers_script *s);

/* ---------------------------------------------------------------- udiff */

/* Append the hunks of a unified diff from a to b (`@@ -1,4 +1,4 @@` and
 * the lines, without the `---`/`+++` header) with context lines around
 * each change.  Returns the number of changed lines (0: the texts are the
 * same, nothing appended). */
size_t udiff(struct sbuf *out, const char *a, size_t alen, const char *b, size_t blen,
	unsigned context);

#endif
