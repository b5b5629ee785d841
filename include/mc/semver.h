/*
 * semver.h - semantic versions and constraints as Masterminds/semver v3
 * parses and checks them.
 *
 * Helm checks a chart's kubeVersion and matches dependencies with it, and
 * Sprig's semver/semverCompare are the same library, so one implementation
 * serves both.  Parsing is NewVersion's (the lenient, coercing one: "1.2",
 * "v1", leading zeros), constraints are NewConstraint's (ranges with
 * "a - b", "||", commas, x-ranges, ~ ^ and the comparison operators), with
 * the library's error texts.
 */
#ifndef MC_SEMVER_H
#define MC_SEMVER_H

#include <stdbool.h>
#include <stdint.h>

#include "mc/arena.h"
#include "mc/str.h"

struct semver {
	uint64_t major, minor, patch;
	const char *pre;      /* prerelease without '-', "" if none */
	const char *meta;     /* build metadata without '+', "" if none */
	const char *original; /* the text parsed */
};

/* NewVersion.  Strings are allocated in a.  On failure returns false and
 * appends the library's message (e.g. "invalid semantic version") to err
 * when err is not NULL. */
bool semver_parse(struct arena *a, const char *s, struct semver *out, struct sbuf *err);
/* Version.Compare: -1, 0, 1 (metadata ignored). */
int semver_cmp(const struct semver *a, const struct semver *b);
/* Version.String(): "1.2.3-pre+meta". */
void semver_format(struct sbuf *out, const struct semver *v);

struct semver_constraints;

/* NewConstraint.  NULL (and a message in err) when the text is not a valid
 * constraint: "improper constraint: ..." as the library says. */
struct semver_constraints *semver_constraints_parse(struct arena *a, const char *s,
	struct sbuf *err);
/* Constraints.Check. */
bool semver_check(const struct semver_constraints *c, const struct semver *v);

/* Helm's chartutil.IsCompatibleRange: the version parses, the constraint
 * parses, and the version satisfies it. */
bool semver_compatible(struct arena *a, const char *constraint, const char *version);

#endif
