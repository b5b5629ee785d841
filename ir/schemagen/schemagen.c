/*
 * schemagen.c - build-time generator of the embedded schema table.
 *
 * usage: schemagen SOURCES.txt SCHEMA_DIR KUBE_VERSION OUT.c
 *
 * Reads exactly the files SOURCES.txt lists (ir/schemagen/schema-sources.txt: sum,
 * path under SCHEMA_DIR, upstream URL), refuses any whose SHA-256 differs,
 * compiles the Kubernetes OpenAPI v3 files and the CRDs with the same
 * compiler the binary uses at run time (ir/schema_compile.c), and prints
 * every reachable node as static C data: a node array, out-of-line keyword
 * blocks, property arrays, string and node lists, the distinct patterns,
 * and the sorted kind, scope and component indexes (struct schema_table).
 * Node order is a depth-first walk from the sorted indexes, so the output
 * is byte-identical from run to run.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/frontend.h"
#include "schema_int.h"

/* ------------------------------------------------------ pointer indexes */

struct pmap {
	const void **keys;
	uint32_t *vals;
	size_t cap, len;
};

static size_t phash(const void *p, size_t cap)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x & (cap - 1);
}

static bool pget(const struct pmap *m, const void *k, uint32_t *v)
{
	if (!m->cap)
		return false;
	for (size_t i = phash(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return false;
		if (m->keys[i] == k) {
			*v = m->vals[i];
			return true;
		}
	}
}

static void pput(struct pmap *m, const void *k, uint32_t v)
{
	if ((m->len + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 1024;
		const void **nk = xcalloc(nc, sizeof *nk);
		uint32_t *nv = xcalloc(nc, sizeof *nv);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t j = phash(m->keys[i], nc);
			while (nk[j])
				j = (j + 1) & (nc - 1);
			nk[j] = m->keys[i];
			nv[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = nc;
	}
	size_t j = phash(k, m->cap);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = k;
	m->vals[j] = v;
	m->len++;
}

/* --------------------------------------------------------------- output */

struct gen {
	struct pmap node_idx, pat_idx;
	VEC(const struct schema *) nodes;
	VEC(const struct schema_pattern *) pats;
	struct arena arena;
	struct sbuf nodes_c, more_c, props_c, strs_c, lists_c;
	size_t nmore, nprops, nstrs, nlists;
};

static void cstr(struct sbuf *o, const char *s)
{
	if (!s) {
		sbuf_adds(o, "NULL");
		return;
	}
	sbuf_addc(o, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_printf(o, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f || *p == '?')
			sbuf_printf(o, "\\%03o", *p);
		else
			sbuf_addc(o, (char)*p);
	}
	sbuf_addc(o, '"');
}

static void walk(struct gen *g, const struct schema *root)
{
	/* Iterative depth-first walk assigning indexes in visit order. */
	VEC(const struct schema *) stack = { 0 };
	uint32_t dummy;
	if (!root || pget(&g->node_idx, root, &dummy))
		return;
	VEC_PUSH(&g->arena, &stack, root);
	while (stack.len) {
		const struct schema *s = stack.items[--stack.len];
		if (pget(&g->node_idx, s, &dummy))
			continue;
		pput(&g->node_idx, s, (uint32_t)g->nodes.len);
		VEC_PUSH(&g->arena, &g->nodes, s);
		/* Push children in reverse so they are numbered in order. */
		VEC(const struct schema *) more_kids = { 0 };
#define KID(x) do { if (x) VEC_PUSH(&g->arena, &more_kids, (x)); } while (0)
		for (uint32_t i = 0; i < s->nprops; i++)
			KID(s->props[i].schema);
		KID(s->items);
		KID(s->additional);
		if (s->more) {
			for (uint16_t i = 0; i < s->more->nall; i++)
				KID(s->more->all_of[i]);
			for (uint16_t i = 0; i < s->more->nany; i++)
				KID(s->more->any_of[i]);
			for (uint16_t i = 0; i < s->more->none; i++)
				KID(s->more->one_of[i]);
			KID(s->more->not_);
		}
#undef KID
		for (size_t i = more_kids.len; i-- > 0;)
			VEC_PUSH(&g->arena, &stack, more_kids.items[i]);
	}
}

static uint32_t node_index(struct gen *g, const struct schema *s)
{
	uint32_t v = 0;
	if (!pget(&g->node_idx, s, &v)) {
		fprintf(stderr, "schemagen: internal error: node not indexed\n");
		exit(2);
	}
	return v;
}

static void node_ref(struct gen *g, struct sbuf *o, const struct schema *s)
{
	if (!s)
		sbuf_adds(o, "NULL");
	else
		sbuf_printf(o, "N+%u", node_index(g, s));
}

static void str_list(struct gen *g, struct sbuf *o, const char *const *v, size_t n)
{
	if (!n || !v) {
		sbuf_adds(o, "NULL");
		return;
	}
	sbuf_printf(o, "S+%zu", g->nstrs);
	for (size_t i = 0; i < n; i++) {
		cstr(&g->strs_c, v[i]);
		sbuf_adds(&g->strs_c, ",\n");
	}
	g->nstrs += n;
}

static void node_list(struct gen *g, struct sbuf *o, const struct schema *const *v, size_t n)
{
	if (!n || !v) {
		sbuf_adds(o, "NULL");
		return;
	}
	sbuf_printf(o, "L+%zu", g->nlists);
	for (size_t i = 0; i < n; i++) {
		node_ref(g, &g->lists_c, v[i]);
		sbuf_adds(&g->lists_c, ",\n");
	}
	g->nlists += n;
}

static void num(struct sbuf *o, double d)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.17g", d);
	sbuf_adds(o, buf);
	if (!strpbrk(buf, ".eEn"))
		sbuf_adds(o, ".0");
}

static void emit_more(struct gen *g, struct sbuf *o, const struct schema_more *m)
{
	struct sbuf *c = &g->more_c;
	struct sbuf line = SBUF_INIT;
	sbuf_addc(&line, '{');
	cstr(&line, m->name);
	sbuf_addc(&line, ',');
	node_list(g, &line, m->all_of, m->nall);
	sbuf_addc(&line, ',');
	node_list(g, &line, m->any_of, m->nany);
	sbuf_addc(&line, ',');
	node_list(g, &line, m->one_of, m->none);
	sbuf_addc(&line, ',');
	node_ref(g, &line, m->not_);
	sbuf_addc(&line, ',');
	str_list(g, &line, m->enum_json, m->nenum);
	sbuf_addc(&line, ',');
	str_list(g, &line, m->kenum, m->nkenum);
	sbuf_addc(&line, ',');
	if (m->pattern) {
		uint32_t pi;
		if (!pget(&g->pat_idx, m->pattern, &pi)) {
			/* Patterns are shared by source text. */
			pi = UINT32_MAX;
			for (size_t i = 0; i < g->pats.len; i++)
				if (!strcmp(g->pats.items[i]->src, m->pattern->src))
					pi = (uint32_t)i;
			if (pi == UINT32_MAX) {
				pi = (uint32_t)g->pats.len;
				VEC_PUSH(&g->arena, &g->pats, m->pattern);
			}
			pput(&g->pat_idx, m->pattern, pi);
		}
		sbuf_printf(&line, "PAT+%u", pi);
	} else {
		sbuf_adds(&line, "NULL");
	}
	sbuf_addc(&line, ',');
	cstr(&line, m->patch_merge_key);
	sbuf_addc(&line, ',');
	str_list(g, &line, m->list_map_keys, m->nlistkeys);
	sbuf_addc(&line, ',');
	num(&line, m->minimum);
	sbuf_addc(&line, ',');
	num(&line, m->maximum);
	sbuf_addc(&line, ',');
	num(&line, m->multiple_of);
	sbuf_printf(&line, ",%lld,%lld,%lld,%lld,%lld,%lld,%u,%u,%u,%u,%u,%u,%u},\n",
		(long long)m->min_length, (long long)m->max_length, (long long)m->min_items,
		(long long)m->max_items, (long long)m->min_props, (long long)m->max_props,
		m->nall, m->nany, m->none, m->nenum, m->nkenum, m->nlistkeys, m->kcheck);
	sbuf_printf(o, "M+%zu", g->nmore);
	sbuf_add(c, line.buf, line.len);
	sbuf_release(&line);
	g->nmore++;
}

static void emit_node(struct gen *g, const struct schema *s)
{
	struct sbuf *o = &g->nodes_c;
	sbuf_printf(o, "{%u,%u,%u,%u,%u,%u,%u,%u,", s->types, s->format, s->list_type,
		s->map_type, s->patch, s->flags, s->nrequired, s->nprops);
	if (s->nprops) {
		sbuf_printf(o, "P+%zu", g->nprops);
		for (uint32_t i = 0; i < s->nprops; i++) {
			sbuf_addc(&g->props_c, '{');
			cstr(&g->props_c, s->props[i].name);
			sbuf_printf(&g->props_c, ",%u,", s->props[i].len);
			node_ref(g, &g->props_c, s->props[i].schema);
			sbuf_adds(&g->props_c, "},\n");
		}
		g->nprops += s->nprops;
	} else {
		sbuf_adds(o, "NULL");
	}
	sbuf_addc(o, ',');
	str_list(g, o, s->required, s->nrequired);
	sbuf_addc(o, ',');
	node_ref(g, o, s->items);
	sbuf_addc(o, ',');
	node_ref(g, o, s->additional);
	sbuf_addc(o, ',');
	if (s->more)
		emit_more(g, o, s->more);
	else
		sbuf_adds(o, "NULL");
	sbuf_adds(o, "},\n");
}

static int cmp_entry(const void *a, const void *b)
{
	const struct schema_entry *x = a, *y = b;
	int c = strcmp(x->group, y->group);
	if (!c)
		c = strcmp(x->version, y->version);
	if (!c)
		c = strcmp(x->kind, y->kind);
	return c;
}

static int cmp_scope(const void *a, const void *b)
{
	const struct schema_scope_entry *x = a, *y = b;
	int c = strcmp(x->group, y->group);
	return c ? c : strcmp(x->kind, y->kind);
}

static int cmp_named(const void *a, const void *b)
{
	const struct schema_named_entry *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static void generate(struct schema_set *set, const char *kv, FILE *out)
{
	struct gen g = { 0 };
	arena_init(&g.arena);
	sbuf_init(&g.nodes_c);
	sbuf_init(&g.more_c);
	sbuf_init(&g.props_c);
	sbuf_init(&g.strs_c);
	sbuf_init(&g.lists_c);

	/* Latest registration of each key wins (as lookups in a set do). */
	size_t ne = 0;
	struct schema_entry *entries = xcalloc(set->entry_list.len + 1, sizeof *entries);
	for (size_t i = set->entry_list.len; i-- > 0;) {
		struct schema_entry *e = &set->entry_list.items[i];
		bool dup = false;
		for (size_t j = 0; j < ne && !dup; j++)
			dup = !cmp_entry(&entries[j], e);
		if (!dup)
			entries[ne++] = *e;
	}
	qsort(entries, ne, sizeof *entries, cmp_entry);
	size_t nn = 0;
	struct schema_named_entry *named = xcalloc(set->named_list.len + 1, sizeof *named);
	for (size_t i = set->named_list.len; i-- > 0;) {
		struct schema_named_entry *e = &set->named_list.items[i];
		bool dup = false;
		for (size_t j = 0; j < nn && !dup; j++)
			dup = !strcmp(named[j].name, e->name);
		if (!dup)
			named[nn++] = *e;
	}
	qsort(named, nn, sizeof *named, cmp_named);
	size_t ns = set->scope_list.len;
	struct schema_scope_entry *scopes = xcalloc(ns + 1, sizeof *scopes);
	memcpy(scopes, set->scope_list.items, ns * sizeof *scopes);
	qsort(scopes, ns, sizeof *scopes, cmp_scope);

	for (size_t i = 0; i < ne; i++)
		walk(&g, entries[i].schema);
	for (size_t i = 0; i < nn; i++)
		walk(&g, named[i].schema);
	for (size_t i = 0; i < g.nodes.len; i++)
		emit_node(&g, g.nodes.items[i]);

	fprintf(out,
		"/* Generated by ir/schemagen/schemagen.c from the schema sources in ir/schemagen/schema-sources.txt\n"
		" * (Kubernetes v%s OpenAPI v3 and CRDs).  Do not edit. */\n"
		"#include \"schema_int.h\"\n\n"
		"#define N schema_nodes\n#define M schema_more\n#define P schema_props\n"
		"#define S schema_strs\n#define L schema_lists\n#define PAT schema_pats\n\n",
		kv);
	fprintf(out, "static const struct schema N[%zu];\n", g.nodes.len ? g.nodes.len : 1);
	fprintf(out, "static struct re2 *schema_re[%zu];\n", g.pats.len ? g.pats.len : 1);
	fprintf(out, "static const struct schema_pattern PAT[%zu] = {\n", g.pats.len ? g.pats.len : 1);
	for (size_t i = 0; i < g.pats.len; i++) {
		struct sbuf l = SBUF_INIT;
		sbuf_addc(&l, '{');
		cstr(&l, g.pats.items[i]->src);
		sbuf_printf(&l, ",&schema_re[%zu]},\n", i);
		fwrite(l.buf, 1, l.len, out);
		sbuf_release(&l);
	}
	fprintf(out, "};\nstatic const char *const S[%zu] = {\n%s};\n", g.nstrs ? g.nstrs : 1, g.strs_c.buf);
	fprintf(out, "static const struct schema *const L[%zu] = {\n%s};\n", g.nlists ? g.nlists : 1, g.lists_c.buf);
	fprintf(out, "static const struct schema_prop P[%zu] = {\n%s};\n", g.nprops ? g.nprops : 1, g.props_c.buf);
	fprintf(out, "static const struct schema_more M[%zu] = {\n%s};\n", g.nmore ? g.nmore : 1, g.more_c.buf);
	fprintf(out, "static const struct schema N[%zu] = {\n%s};\n", g.nodes.len ? g.nodes.len : 1, g.nodes_c.buf);

	fprintf(out, "static const struct schema_entry entries[%zu] = {\n", ne ? ne : 1);
	for (size_t i = 0; i < ne; i++) {
		struct sbuf l = SBUF_INIT;
		sbuf_addc(&l, '{');
		cstr(&l, entries[i].group);
		sbuf_addc(&l, ',');
		cstr(&l, entries[i].version);
		sbuf_addc(&l, ',');
		cstr(&l, entries[i].kind);
		sbuf_printf(&l, ",N+%u},\n", node_index(&g, entries[i].schema));
		fwrite(l.buf, 1, l.len, out);
		sbuf_release(&l);
	}
	fprintf(out, "};\nstatic const struct schema_scope_entry scopes[%zu] = {\n", ns ? ns : 1);
	for (size_t i = 0; i < ns; i++) {
		struct sbuf l = SBUF_INIT;
		sbuf_addc(&l, '{');
		cstr(&l, scopes[i].group);
		sbuf_addc(&l, ',');
		cstr(&l, scopes[i].kind);
		sbuf_printf(&l, ",%u},\n", scopes[i].scope);
		fwrite(l.buf, 1, l.len, out);
		sbuf_release(&l);
	}
	fprintf(out, "};\nstatic const struct schema_named_entry named[%zu] = {\n", nn ? nn : 1);
	for (size_t i = 0; i < nn; i++) {
		struct sbuf l = SBUF_INIT;
		sbuf_addc(&l, '{');
		cstr(&l, named[i].name);
		sbuf_printf(&l, ",N+%u},\n", node_index(&g, named[i].schema));
		fwrite(l.buf, 1, l.len, out);
		sbuf_release(&l);
	}
	char ident[32];
	size_t k = 0;
	for (const char *p = kv; *p && k + 1 < sizeof ident; p++)
		ident[k++] = (*p >= '0' && *p <= '9') ? *p : '_';
	ident[k] = '\0';
	fprintf(out, "};\n\nstatic const struct schema_table table_v%s = {\n"
		"\t\"%s\", entries, %zu, scopes, %zu, named, %zu, PAT, %zu,\n};\n\n"
		"const struct schema_table *const schema_tables[] = { &table_v%s, NULL };\n",
		ident, kv, ne, ns, nn, g.pats.len, ident);

	fprintf(stderr, "schemagen: v%s: %zu kinds, %zu scopes, %zu components, %zu nodes, "
		"%zu keyword blocks, %zu properties, %zu patterns\n",
		kv, ne, ns, nn, g.nodes.len, g.nmore, g.nprops, g.pats.len);
	free(entries);
	free(named);
	free(scopes);
	free(g.node_idx.keys);
	free(g.node_idx.vals);
	free(g.pat_idx.keys);
	free(g.pat_idx.vals);
	sbuf_release(&g.nodes_c);
	sbuf_release(&g.more_c);
	sbuf_release(&g.props_c);
	sbuf_release(&g.strs_c);
	sbuf_release(&g.lists_c);
	arena_release(&g.arena);
}

/* ------------------------------------------------------------- sources */

static bool sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
		return false;
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: schemagen SOURCES.txt SCHEMA_DIR KUBE_VERSION OUT.c\n");
		return 2;
	}
	const char *list = argv[1], *dir = argv[2], *kv = argv[3], *outpath = argv[4];
	struct vfs *fs = vfs_disk(NULL);
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, fs);
	int err = 0;
	const struct srcfile *lf = vfs_load(fs, list, NULL, &err);
	if (!lf) {
		fprintf(stderr, "schemagen: %s: %s\n", list, strerror(err));
		return 2;
	}
	struct schema_set *set = schema_set_new(NULL);
	int status = 0;
	/* Kubernetes files first (CRDs reference their ObjectMeta). */
	for (int pass = 0; pass < 2 && !status; pass++) {
		const char *p = lf->data, *e = lf->data + lf->len;
		while (p < e && !status) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			if (!nl)
				nl = e;
			char line[2048];
			size_t n = (size_t)(nl - p);
			p = nl + 1;
			if (n == 0 || n >= sizeof line || *(nl - n) == '#')
				continue;
			memcpy(line, nl - n, n);
			line[n] = '\0';
			char sum[80], rel[1024];
			if (sscanf(line, "%79s %1023s", sum, rel) != 2)
				continue;
			bool crd = !strncmp(rel, "crds/", 5);
			if (crd != (pass == 1))
				continue;
			char *path = path_clean(dir, rel);
			const struct srcfile *f = vfs_load(fs, path, NULL, &err);
			if (!f) {
				fprintf(stderr, "schemagen: %s: %s (set MC_SCHEMA_SRC, or run .ci/schemas)\n",
					path, strerror(err));
				status = 2;
				free(path);
				break;
			}
			char hex[65];
			if (!sha256_hex(f->data, f->len, hex) || strcmp(hex, sum)) {
				fprintf(stderr, "schemagen: %s: SHA-256 %s, expected %s\n", path, hex, sum);
				status = 2;
				free(path);
				break;
			}
			struct yaml_opts o = { .schema = YAML_V2, .max_nodes = 64u << 20 };
			struct ir_docs docs = { 0 };
			if (yaml_load(&ctx, f, &o, &docs) == 0) {
				for (size_t i = 0; i < docs.len; i++) {
					if (!docs.items[i])
						continue;
					if (crd)
						schema_set_add_crd(set, &ctx, docs.items[i]);
					else
						schema_set_add_openapi(set, &ctx, docs.items[i]);
				}
			}
			free(path);
			if (diag_errors(&ctx.diag))
				status = 1;
		}
	}
	if (!status) {
		FILE *out = fopen(outpath, "w");
		if (!out) {
			fprintf(stderr, "schemagen: %s: %s\n", outpath, strerror(errno));
			status = 2;
		} else {
			generate(set, kv, out);
			if (fclose(out) != 0)
				status = 2;
		}
	}
	diag_print(&ctx.diag, stderr, 0);
	schema_set_free(set);
	mc_ctx_release(&ctx);
	vfs_destroy(fs);
	if (status)
		remove(outpath);
	return status;
}
