/*
 * repo_cache.c - what the render cache keeps of one Application.
 *
 * The key says which render this is: everything app_render and the
 * output stage depend on besides the files they read (those are checked
 * by replaying the recorded reads, see rcache.c): the manifestc version,
 * the repository's path, YAML or JSON output, Argo CD's configuration,
 * the repository mappings, and the Application as canonical JSON (sorted
 * keys, so two equal specs written differently share an entry).
 *
 * The value is the render's result exactly as repo_render keeps it: the
 * output bytes, the overall digest, each resource's identity, sync wave
 * and digest, and the warnings printed for it.  Strings are written with
 * their length first, so any byte may appear in them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/backend.h"
#include "mc/diff.h"

#define CACHE_FORMAT "manifestc-render-entry 1"

static void put(struct sbuf *sb, const char *s, size_t n)
{
	sbuf_printf(sb, "%zu:", n);
	sbuf_add(sb, s, n);
	sbuf_addc(sb, '\n');
}

static void puts0(struct sbuf *sb, const char *s)
{
	put(sb, s ? s : "", s ? strlen(s) : 0);
}

bool repo_cache_key(char out[33], const char *repo, bool json, const struct appset_world *w,
	const struct app_config *cfg, const struct ir_node *app, const char *instance)
{
	struct sbuf sb = SBUF_INIT;
	puts0(&sb, CACHE_FORMAT);
	puts0(&sb, MC_VERSION);
	char *abs = realpath(repo, NULL);
	puts0(&sb, abs ? abs : repo);
	free(abs);
	puts0(&sb, json ? "json" : "yaml");
	puts0(&sb, cfg->control_ns);
	sbuf_printf(&sb, "%d\n", (int)cfg->tracking);
	puts0(&sb, cfg->label_key);
	puts0(&sb, cfg->installation_id);
	puts0(&sb, cfg->kube_version);
	for (size_t i = 0; i < cfg->napi_versions; i++)
		puts0(&sb, cfg->api_versions[i]);
	sbuf_printf(&sb, "repos %zu %d %d\n", w->nrepos, (int)w->self_any_url, (int)w->new_globbing);
	for (size_t i = 0; i < w->nrepos; i++) {
		puts0(&sb, w->repos[i].url);
		puts0(&sb, w->repos[i].dir);
	}
	for (size_t i = 0; i < w->nself_urls; i++)
		puts0(&sb, w->self_urls[i]);
	puts0(&sb, instance);
	const char *err = NULL;
	bool ok = emit_json(&sb, app, EMIT_JSON_COMPACT, &err) == 0;
	if (ok)
		rcache_key(out, sb.buf, sb.len);
	sbuf_release(&sb);
	return ok;
}

void repo_cache_encode(struct sbuf *sb, const struct repo_app *a, const char *diags, size_t dlen,
	size_t nwarnings)
{
	puts0(sb, CACHE_FORMAT);
	puts0(sb, a->digest);
	put(sb, a->bytes ? a->bytes : "", a->len);
	sbuf_printf(sb, "%zu %zu\n", a->nres, nwarnings);
	for (size_t i = 0; i < a->nres; i++) {
		const struct repo_resource *r = &a->res[i];
		sbuf_printf(sb, "%" PRId64 "\n", r->wave);
		puts0(sb, r->digest);
		puts0(sb, r->api_version);
		puts0(sb, r->kind);
		puts0(sb, r->ns);
		puts0(sb, r->name);
	}
	put(sb, diags ? diags : "", dlen);
}

struct cursor {
	const char *p, *end;
	bool ok;
};

static uint64_t get_num(struct cursor *c, char stop)
{
	const char *s = c->p;
	bool neg = c->p < c->end && *c->p == '-';
	if (neg)
		c->p++;
	uint64_t v = 0;
	while (c->ok && c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - s < 20)
		v = v * 10 + (uint64_t)(*c->p++ - '0');
	if (c->p == s + neg || c->p >= c->end || *c->p != stop)
		c->ok = false;
	else
		c->p++;
	return neg ? (uint64_t)-(int64_t)v : v;
}

/* A length-prefixed string (malloc'd, NUL-terminated). */
static char *get_str(struct cursor *c, size_t *len)
{
	uint64_t n = get_num(c, ':');
	if (!c->ok || n >= (uint64_t)(c->end - c->p) || c->p[n] != '\n') {
		c->ok = false;
		return NULL;
	}
	char *s = xstrndup(c->p, (size_t)n);
	if (len)
		*len = (size_t)n;
	c->p += n + 1;
	return s;
}

static bool get_digest(struct cursor *c, char out[33])
{
	size_t n = 0;
	char *s = get_str(c, &n);
	bool ok = s && n == 32;
	if (ok)
		memcpy(out, s, 33);
	free(s);
	if (!ok)
		c->ok = false;
	return ok;
}

bool repo_cache_decode(const char *blob, size_t len, struct repo_app *out, struct sbuf *diags,
	size_t *nwarnings)
{
	struct cursor c = { blob, blob + len, true };
	char *fmt = get_str(&c, NULL);
	bool ok = fmt && !strcmp(fmt, CACHE_FORMAT);
	free(fmt);
	struct repo_app a = { 0 };
	if (!ok || !get_digest(&c, a.digest))
		return false;
	a.bytes = get_str(&c, &a.len);
	uint64_t nres = get_num(&c, ' '), nwarn = get_num(&c, '\n');
	if (!c.ok || nres > (uint64_t)len) {
		free(a.bytes);
		return false;
	}
	a.res = xcalloc((size_t)nres + 1, sizeof *a.res);
	for (size_t i = 0; c.ok && i < nres; i++) {
		struct repo_resource *r = &a.res[a.nres++];
		r->wave = (int64_t)get_num(&c, '\n');
		get_digest(&c, r->digest);
		r->api_version = get_str(&c, NULL);
		r->kind = get_str(&c, NULL);
		r->ns = get_str(&c, NULL);
		r->name = get_str(&c, NULL);
	}
	size_t dlen = 0;
	char *d = c.ok ? get_str(&c, &dlen) : NULL;
	if (!c.ok || c.p != c.end) {
		for (size_t i = 0; i < a.nres; i++) {
			free(a.res[i].api_version);
			free(a.res[i].kind);
			free(a.res[i].ns);
			free(a.res[i].name);
		}
		free(a.res);
		free(a.bytes);
		free(d);
		return false;
	}
	*out = a;
	sbuf_add(diags, d, dlen);
	free(d);
	*nwarnings = (size_t)nwarn;
	return true;
}
