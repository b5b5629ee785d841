/*
 * schema_builtin.c - the schema sets of the tables compiled into the binary.
 *
 * ir/schemagen/schemagen.c writes the tables (schema_tables[], one per embedded
 * Kubernetes version) at build time; this file wraps each in a set on first
 * use.  The only work is compiling the table's distinct patterns (a few
 * dozen), done once under pthread_once so that any thread may ask.  The
 * sets live until the process exits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "schema_int.h"

#define MAX_TABLES 8

static struct schema_set *sets[MAX_TABLES];
static const char *versions[MAX_TABLES + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	for (size_t i = 0; i < MAX_TABLES && schema_tables[i]; i++) {
		const struct schema_table *t = schema_tables[i];
		struct schema_set *s = schema_set_new(NULL);
		s->table = t;
		for (size_t j = 0; j < t->npatterns; j++) {
			/* The generator checked every pattern, so this cannot fail
			 * unless PCRE2 itself refuses; then the pattern is not
			 * enforced (schema_pattern_match treats it as matching). */
			struct re2 *re = re2_compile(t->patterns[j].src, strlen(t->patterns[j].src), NULL);
			*(struct re2 **)t->patterns[j].re = re;
		}
		sets[i] = s;
		versions[i] = t->kube_version;
	}
}

/* "1.32", "v1.32", "1.32.0", "v1.32.4" all name table "1.32". */
static bool same_minor(const char *want, const char *have)
{
	if (*want == 'v')
		want++;
	size_t n = strlen(have);
	return !strncmp(want, have, n) && (want[n] == '\0' || want[n] == '.');
}

const struct schema_set *schema_builtin_version(const char *kube_version)
{
	pthread_once(&once, init);
	if (!kube_version)
		return sets[0];
	for (size_t i = 0; i < MAX_TABLES && sets[i]; i++)
		if (same_minor(kube_version, versions[i]))
			return sets[i];
	return NULL;
}

const char *const *schema_builtin_versions(void)
{
	pthread_once(&once, init);
	return versions;
}
