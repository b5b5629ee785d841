/*
 * schema.c - schema sets: lookup by kind, scope, named components, and
 * navigation through compiled schema nodes.
 *
 * A set is a chain: what was added to it (hash maps keyed by the exact
 * strings), then its base.  The embedded table is searched by binary search
 * over its sorted arrays, so the builtin set costs nothing to create beyond
 * compiling its few distinct patterns.  Navigation is pointer chasing: the
 * compiler has already resolved every $ref and folded `allOf: [{$ref}]`
 * wrappers, so only genuine allOf lists are looked through here.
 */
#include <stdlib.h>
#include <string.h>

#include "schema_int.h"

/* ------------------------------------------------------------- hash maps */

static const struct schema_map_slot *map_find(const struct schema_map *m, const char *k,
	size_t n, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const struct schema_map_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->hash == h && s->klen == n && memcmp(s->key, k, n) == 0)
			return s;
	}
}

const void *schema_map_get(const struct schema_map *m, const char *k, size_t n)
{
	const struct schema_map_slot *s = map_find(m, k, n, str_hash(k, n));
	return s ? s->val : NULL;
}

void schema_map_put(struct arena *a, struct schema_map *m, const char *k, size_t n,
	const void *v)
{
	uint64_t h = str_hash(k, n);
	struct schema_map_slot *found = (struct schema_map_slot *)map_find(m, k, n, h);
	if (found) {
		found->val = v;
		return;
	}
	if ((m->len + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 64;
		struct schema_map_slot *ns = xcalloc(nc, sizeof *ns);
		for (size_t i = 0; i < m->cap; i++) {
			struct schema_map_slot *s = &m->slots[i];
			if (!s->key)
				continue;
			size_t j = s->hash & (nc - 1);
			while (ns[j].key)
				j = (j + 1) & (nc - 1);
			ns[j] = *s;
		}
		free(m->slots);
		m->slots = ns;
		m->cap = nc;
	}
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key)
		j = (j + 1) & (m->cap - 1);
	m->slots[j] = (struct schema_map_slot){ h, arena_strndup(a, k, n), n, v };
	m->len++;
}

void schema_map_free(struct schema_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

/* Keys are the strings joined by NUL bytes. */
struct key {
	char small[256];
	char *buf;
	size_t len;
};

static void key_make(struct key *k, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
	size_t n = la + 1 + lb + (c ? 1 + lc : 0);
	k->buf = n < sizeof k->small ? k->small : xmalloc(n + 1);
	char *p = k->buf;
	memcpy(p, a, la);
	p += la;
	if (b) {
		*p++ = '\0';
		memcpy(p, b, lb);
		p += lb;
	}
	if (c) {
		*p++ = '\0';
		memcpy(p, c, lc);
		p += lc;
	}
	k->len = (size_t)(p - k->buf);
}

static void key_free(struct key *k)
{
	if (k->buf != k->small)
		free(k->buf);
}

/* ---------------------------------------------------------------- sets */

struct schema_set *schema_set_new(const struct schema_set *base)
{
	struct schema_set *s = xcalloc(1, sizeof *s);
	s->base = base;
	arena_init(&s->arena);
	return s;
}

void schema_set_free(struct schema_set *s)
{
	if (!s)
		return;
	schema_builder_free(s);
	for (size_t i = 0; i < s->regexes.len; i++)
		re2_free(s->regexes.items[i]);
	schema_map_free(&s->kinds);
	schema_map_free(&s->keys);
	schema_map_free(&s->scopes);
	schema_map_free(&s->gks);
	schema_map_free(&s->named);
	arena_release(&s->arena);
	free(s);
}

void schema_set_put_kind(struct schema_set *s, const char *group, const char *version,
	const char *kind, const struct schema *schema)
{
	struct key k;
	key_make(&k, group, version, kind);
	schema_map_put(&s->arena, &s->kinds, k.buf, k.len, schema);
	key_free(&k);
	key_make(&k, group, kind, NULL);
	schema_map_put(&s->arena, &s->gks, k.buf, k.len, schema);
	key_free(&k);
	struct schema_entry e = { arena_strdup(&s->arena, group), arena_strdup(&s->arena, version),
		arena_strdup(&s->arena, kind), schema };
	VEC_PUSH(&s->arena, &s->entry_list, e);
}

void schema_set_put_scope(struct schema_set *s, const char *group, const char *kind,
	enum schema_scope scope, bool merge)
{
	struct key k;
	key_make(&k, group, kind, NULL);
	uintptr_t old = (uintptr_t)schema_map_get(&s->scopes, k.buf, k.len);
	if (!(merge && old == SCHEMA_SCOPE_NAMESPACED)) {
		schema_map_put(&s->arena, &s->scopes, k.buf, k.len, (const void *)(uintptr_t)scope);
		bool found = false;
		for (size_t i = 0; i < s->scope_list.len; i++) {
			struct schema_scope_entry *e = &s->scope_list.items[i];
			if (!strcmp(e->group, group) && !strcmp(e->kind, kind)) {
				e->scope = (uint8_t)scope;
				found = true;
			}
		}
		if (!found) {
			struct schema_scope_entry e = { arena_strdup(&s->arena, group),
				arena_strdup(&s->arena, kind), (uint8_t)scope };
			VEC_PUSH(&s->arena, &s->scope_list, e);
		}
	}
	key_free(&k);
}

void schema_set_put_named(struct schema_set *s, const char *name, const struct schema *schema)
{
	schema_map_put(&s->arena, &s->named, name, strlen(name), schema);
	struct schema_named_entry e = { arena_strdup(&s->arena, name), schema };
	VEC_PUSH(&s->arena, &s->named_list, e);
}

const struct schema *schema_set_own_named(const struct schema_set *s, const char *name)
{
	return schema_map_get(&s->named, name, strlen(name));
}

void schema_set_put_key(struct schema_set *s, const char *key, const struct schema *schema)
{
	schema_map_put(&s->arena, &s->keys, key, strlen(key), schema);
}

const struct schema_pattern *schema_set_pattern(struct schema_set *s, const char *src,
	size_t len, struct sbuf *err)
{
	struct re2 *re = re2_compile(src, len, err);
	if (!re)
		return NULL;
	VEC_PUSH(&s->arena, &s->regexes, re);
	struct re2 **slot = arena_alloc(&s->arena, sizeof *slot);
	*slot = re;
	struct schema_pattern *p = arena_alloc(&s->arena, sizeof *p);
	p->src = arena_strndup(&s->arena, src, len);
	p->re = slot;
	return p;
}

bool schema_pattern_match(const struct schema_pattern *p, const char *subject, size_t len)
{
	if (!p || !p->re || !*p->re)
		return true; /* not compiled: nothing to check against */
	return re2_match(*p->re, subject, len);
}

/* --------------------------------------------------------------- lookup */

static int cmp3(const char *a1, const char *a2, const char *a3,
	const char *b1, const char *b2, const char *b3)
{
	int c = strcmp(a1, b1);
	if (c || !a2)
		return c;
	c = strcmp(a2, b2);
	if (c || !a3)
		return c;
	return strcmp(a3, b3);
}

static const struct schema *table_lookup(const struct schema_table *t, const char *group,
	const char *version, const char *kind)
{
	size_t lo = 0, hi = t->nentries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct schema_entry *e = &t->entries[mid];
		int c = cmp3(e->group, e->version, e->kind, group, version, kind);
		if (c == 0)
			return e->schema;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The kubeconform key of a kind: "deployment-apps-v1", "service-v1". */
static void kubeconform_key(struct sbuf *out, const char *group, const char *version,
	const char *kind)
{
	for (const char *p = kind; *p; p++)
		sbuf_addc(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	sbuf_addc(out, '-');
	const char *first = *group ? group : version;
	size_t n = strcspn(first, ".");
	for (size_t i = 0; i < n; i++)
		sbuf_addc(out, (char)(first[i] >= 'A' && first[i] <= 'Z' ? first[i] + 32 : first[i]));
	if (*group) {
		sbuf_addc(out, '-');
		for (const char *p = version; *p; p++)
			sbuf_addc(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	}
}

const struct schema *schema_lookup(const struct schema_set *set, const char *group,
	const char *version, const char *kind)
{
	if (!group)
		group = "";
	struct key k;
	key_make(&k, group, version, kind);
	const struct schema *r = NULL;
	for (const struct schema_set *s = set; s && !r; s = s->base) {
		r = schema_map_get(&s->kinds, k.buf, k.len);
		if (!r && s->table)
			r = table_lookup(s->table, group, version, kind);
	}
	key_free(&k);
	if (r)
		return r;
	bool any_keys = false;
	for (const struct schema_set *s = set; s; s = s->base)
		any_keys |= s->keys.len > 0;
	if (!any_keys)
		return NULL;
	/* kubeconform's layout, then the CRDs-catalog layout. */
	struct sbuf kc = SBUF_INIT, cat = SBUF_INIT;
	kubeconform_key(&kc, group, version, kind);
	sbuf_printf(&cat, "%s/", *group ? group : version);
	for (const char *p = kind; *p; p++)
		sbuf_addc(&cat, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	sbuf_printf(&cat, "_%s", version);
	for (const struct schema_set *s = set; s && !r; s = s->base) {
		r = schema_map_get(&s->keys, kc.buf, kc.len);
		if (!r)
			r = schema_map_get(&s->keys, cat.buf, cat.len);
	}
	sbuf_release(&kc);
	sbuf_release(&cat);
	return r;
}

const struct schema *schema_named(const struct schema_set *set, const char *name)
{
	for (const struct schema_set *s = set; s; s = s->base) {
		const struct schema *r = schema_map_get(&s->named, name, strlen(name));
		if (r)
			return r;
		if (s->table) {
			const struct schema_table *t = s->table;
			size_t lo = 0, hi = t->nnamed;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				int c = strcmp(t->named[mid].name, name);
				if (c == 0)
					return t->named[mid].schema;
				if (c < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
	}
	return NULL;
}

enum schema_scope schema_scope(const struct schema_set *set, const char *group, const char *kind)
{
	if (!group)
		group = "";
	struct key k;
	key_make(&k, group, kind, NULL);
	enum schema_scope r = SCHEMA_SCOPE_UNKNOWN;
	for (const struct schema_set *s = set; s && r == SCHEMA_SCOPE_UNKNOWN; s = s->base) {
		r = (enum schema_scope)(uintptr_t)schema_map_get(&s->scopes, k.buf, k.len);
		if (r == SCHEMA_SCOPE_UNKNOWN && s->table) {
			const struct schema_table *t = s->table;
			size_t lo = 0, hi = t->nscopes;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				const struct schema_scope_entry *e = &t->scopes[mid];
				int c = cmp3(e->group, e->kind, NULL, group, kind, NULL);
				if (c == 0) {
					r = (enum schema_scope)e->scope;
					break;
				}
				if (c < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
		}
	}
	key_free(&k);
	return r;
}

bool schema_has_kind(const struct schema_set *set, const char *group, const char *kind)
{
	if (!group)
		group = "";
	struct key k;
	key_make(&k, group, kind, NULL);
	bool found = false;
	for (const struct schema_set *s = set; s && !found; s = s->base) {
		found = schema_map_get(&s->gks, k.buf, k.len) != NULL;
		if (!found && s->table)
			for (size_t i = 0; i < s->table->nentries && !found; i++)
				found = !strcmp(s->table->entries[i].group, group) &&
					!strcmp(s->table->entries[i].kind, kind);
	}
	key_free(&k);
	return found;
}

/* ----------------------------------------------------------- navigation */

#define NAV_MAX_DEPTH 64

static const struct schema *prop_at(const struct schema *s, const char *name, size_t len,
	int depth)
{
	if (!s || depth > NAV_MAX_DEPTH)
		return NULL;
	size_t lo = 0, hi = s->nprops;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct schema_prop *p = &s->props[mid];
		size_t n = p->len < len ? p->len : len;
		int c = memcmp(p->name, name, n);
		if (c == 0)
			c = p->len < len ? -1 : p->len > len ? 1 : 0;
		if (c == 0)
			return p->schema;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->more)
		for (uint16_t i = 0; i < s->more->nall; i++) {
			const struct schema *r = prop_at(s->more->all_of[i], name, len, depth + 1);
			if (r)
				return r;
		}
	return NULL;
}

const struct schema *schema_prop(const struct schema *s, const char *name, size_t len)
{
	return prop_at(s, name, len, 0);
}

static const struct schema *additional_at(const struct schema *s, int depth)
{
	if (!s || depth > NAV_MAX_DEPTH)
		return NULL;
	if (s->additional)
		return s->additional;
	if (s->more)
		for (uint16_t i = 0; i < s->more->nall; i++) {
			const struct schema *r = additional_at(s->more->all_of[i], depth + 1);
			if (r)
				return r;
		}
	return NULL;
}

const struct schema *schema_child(const struct schema *s, const char *name, size_t len)
{
	const struct schema *r = schema_prop(s, name, len);
	return r ? r : additional_at(s, 0);
}

static const struct schema *items_at(const struct schema *s, int depth)
{
	if (!s || depth > NAV_MAX_DEPTH)
		return NULL;
	if (s->items)
		return s->items;
	if (s->more)
		for (uint16_t i = 0; i < s->more->nall; i++) {
			const struct schema *r = items_at(s->more->all_of[i], depth + 1);
			if (r)
				return r;
		}
	return NULL;
}

const struct schema *schema_items(const struct schema *s)
{
	return items_at(s, 0);
}

const struct schema *schema_path(const struct schema *s, const char *path)
{
	const char *p = path;
	while (s && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		bool index = n > 0;
		for (size_t i = 0; i < n; i++)
			if (p[i] < '0' || p[i] > '9')
				index = false;
		if (n == 1 && p[0] == '*')
			index = true;
		if (n == 0)
			;
		else if (index && !schema_prop(s, p, n))
			s = schema_items(s);
		else
			s = schema_child(s, p, n);
		if (!slash)
			break;
		p = slash + 1;
	}
	return s;
}
