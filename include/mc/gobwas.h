/*
 * gobwas.h - github.com/gobwas/glob v0.2.3 (ir/gobwas.c), the glob
 * library behind Helm's .Files.Glob and Argo CD's util/glob.
 *
 * A pattern is compiled with the given separator runes (Helm: '/'; Argo
 * CD's directory include/exclude: none) into gobwas's own matchers, so that
 * matching gives gobwas's answers, quirks included.
 */
#ifndef MC_GOBWAS_H
#define MC_GOBWAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/arena.h"
#include "mc/str.h"

struct gobwas_glob;

/* glob.Compile: NULL when gobwas cannot compile the pattern (its error),
 * or, with *too_complex set, when it is beyond gobwas.c's caps (more than
 * 64 parts in a sequence, nesting deeper than 100). */
struct gobwas_glob *gobwas_compile(struct arena *a, const char *pattern, size_t n, const uint32_t *seps,
	size_t nseps, bool *too_complex);

/* Glob.Match: 1 or 0, or -1 where gobwas would panic (slicing past the end
 * of s; why, when not NULL, gets Go's runtime error text). */
int gobwas_match(const struct gobwas_glob *g, const char *s, size_t n, char *why, size_t whylen);

/* The compiled matchers as gobwas's String() methods print them (e.g.
 * "<btree:[<nil><-<text:`a`>-><super>]>"): for tests and debugging. */
void gobwas_describe(const struct gobwas_glob *g, struct sbuf *out);

#endif
