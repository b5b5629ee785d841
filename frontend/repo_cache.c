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
 * and digest, and its findings (warnings: renders with errors are not
 * cached) with the files they point into, so that a cached render reports
 * them as a fresh one does.  Strings are written with their length first,
 * so any byte may appear in them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "argocd.h"
#include "mc/backend.h"
#include "mc/diff.h"

#define CACHE_FORMAT "manifestc-render-entry 2"

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

void repo_cache_encode(struct sbuf *sb, const struct repo_app *a, const struct diag *found)
{
	puts0(sb, CACHE_FORMAT);
	puts0(sb, a->digest);
	put(sb, a->bytes ? a->bytes : "", a->len);
	sbuf_printf(sb, "%zu\n", a->nres);
	for (size_t i = 0; i < a->nres; i++) {
		const struct repo_resource *r = &a->res[i];
		sbuf_printf(sb, "%" PRId64 "\n", r->wave);
		puts0(sb, r->digest);
		puts0(sb, r->api_version);
		puts0(sb, r->kind);
		puts0(sb, r->ns);
		puts0(sb, r->name);
	}
	/* The files the findings point into, once each, then the findings. */
	size_t nfiles = 0;
	const struct srcfile **files = xcalloc(found->len + 1, sizeof *files);
	size_t *fileof = xcalloc(found->len + 1, sizeof *fileof);
	for (size_t i = 0; i < found->len; i++) {
		const struct srcfile *f = found->msgs[i].pos.file;
		size_t k = 0;
		while (f && k < nfiles && files[k] != f)
			k++;
		if (f && k == nfiles)
			files[nfiles++] = f;
		fileof[i] = f ? k + 1 : 0;
	}
	sbuf_printf(sb, "%zu %zu\n", nfiles, found->len);
	for (size_t k = 0; k < nfiles; k++) {
		puts0(sb, files[k]->path);
		put(sb, files[k]->data ? files[k]->data : "", files[k]->data ? files[k]->len : 0);
	}
	for (size_t i = 0; i < found->len; i++) {
		const struct diag_msg *m = &found->msgs[i];
		sbuf_printf(sb, "%d %zu %u %u\n", (int)m->level, fileof[i], m->pos.line, m->pos.col);
		puts0(sb, m->rule);
		puts0(sb, m->pointer);
		puts0(sb, m->msg);
	}
	free(files);
	free(fileof);
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

/* A string into the arena; NULL when empty. */
static const char *get_astr(struct cursor *c, struct arena *a)
{
	size_t n = 0;
	char *s = get_str(c, &n);
	const char *r = s && n ? arena_strndup(a, s, n) : NULL;
	free(s);
	return r;
}

static bool get_findings(struct cursor *c, struct diag *found, struct arena *keep)
{
	uint64_t nfiles = get_num(c, ' '), nmsgs = get_num(c, '\n');
	if (!c->ok || nfiles > (uint64_t)(c->end - c->p) || nmsgs > (uint64_t)(c->end - c->p))
		return false;
	const struct srcfile **files = xcalloc((size_t)nfiles + 1, sizeof *files);
	for (size_t k = 0; c->ok && k < nfiles; k++) {
		char *path = get_str(c, NULL);
		size_t n = 0;
		char *data = get_str(c, &n);
		if (c->ok) {
			struct srcfile f = { .path = path, .abspath = path, .data = data, .len = n };
			files[k] = srcfile_copy(keep, &f);
		}
		free(path);
		free(data);
	}
	struct diag d;
	diag_init(&d);
	for (size_t i = 0; c->ok && i < nmsgs; i++) {
		uint64_t level = get_num(c, ' '), file = get_num(c, ' ');
		uint64_t line = get_num(c, ' '), col = get_num(c, '\n');
		if (!c->ok || level > DIAG_ERROR || file > nfiles || line > UINT32_MAX || col > UINT32_MAX) {
			c->ok = false;
			break;
		}
		struct srcpos pos = { file ? files[file - 1] : NULL, (uint32_t)line, (uint32_t)col };
		const char *rule = get_astr(c, keep), *pointer = get_astr(c, keep);
		char *msg = get_str(c, NULL);
		if (c->ok)
			diag_add(&d, (enum diag_level)level, &pos, rule, pointer, "%s", msg);
		free(msg);
	}
	free(files);
	if (c->ok)
		diag_merge(found, &d);
	diag_release(&d);
	return c->ok;
}

bool repo_cache_decode(const char *blob, size_t len, struct repo_app *out, struct diag *found,
	struct arena *keep)
{
	struct cursor c = { blob, blob + len, true };
	char *fmt = get_str(&c, NULL);
	bool ok = fmt && !strcmp(fmt, CACHE_FORMAT);
	free(fmt);
	struct repo_app a = { 0 };
	if (!ok || !get_digest(&c, a.digest))
		return false;
	a.bytes = get_str(&c, &a.len);
	uint64_t nres = get_num(&c, '\n');
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
	struct diag d;
	diag_init(&d);
	if (c.ok)
		get_findings(&c, &d, keep);
	if (!c.ok || c.p != c.end) {
		for (size_t i = 0; i < a.nres; i++) {
			free(a.res[i].api_version);
			free(a.res[i].kind);
			free(a.res[i].ns);
			free(a.res[i].name);
		}
		free(a.res);
		free(a.bytes);
		diag_release(&d);
		return false;
	}
	*out = a;
	diag_merge(found, &d);
	return true;
}
