/*
 * validate_project.c - AppProject conformance, with Argo CD's semantics
 * (pkg/apis/application/v1alpha1/app_project_types.go):
 *
 *  - source repositories: globs over normalized git URLs with '/' as the
 *    separator, `!pattern` denies, any deny that does not match rejects;
 *  - destinations: (server or name) and namespace globs, with deny patterns;
 *  - rendered kinds: namespaced kinds pass when namespaceResourceWhitelist
 *    is absent or lists them and the blacklist does not; cluster-scoped
 *    kinds must be in clusterResourceWhitelist (empty: none allowed) and not
 *    in the blacklist; group and kind match as filepath.Match patterns.
 *
 * Repository and destination globs are gobwas/glob's (what Argo CD's
 * util/glob wraps; mc/gobwas.h), kind, group and resource name patterns
 * Go's filepath.Match (path_match).
 */
#include <stdlib.h>
#include <string.h>

#include "mc/gobwas.h"
#include "validate_int.h"

/* util/glob.Match: gobwas/glob compiled with '/' as the separator or
 * with none.  A pattern gobwas cannot compile matches nothing (Match logs
 * and says false), and so does one beyond gobwas.c's caps or one where
 * gobwas would panic (which fails Argo CD's check rather than pass it). */
static bool glob_match(const char *pattern, const char *text, bool slash)
{
	static const uint32_t sep = '/';
	struct arena a = ARENA_INIT;
	bool too_complex;
	struct gobwas_glob *g = gobwas_compile(&a, pattern, strlen(pattern), &sep, slash, &too_complex);
	bool r = g && gobwas_match(g, text, strlen(text), NULL, 0) == 1;
	arena_release(&a);
	return r;
}

/* Argo CD's globMatch with negation allowed. */
static bool argo_glob(const char *pattern, const char *val, bool slash)
{
	if (pattern[0] == '!')
		return !glob_match(pattern + 1, val, slash);
	if (!strcmp(pattern, "*"))
		return true;
	return glob_match(pattern, val, slash);
}

/* git.NormalizeGitURL for the usual forms (https, ssh, scp-like). */
static char *normalize_git_url(const char *repo)
{
	while (*repo == ' ' || *repo == '\t' || *repo == '\n' || *repo == '\r')
		repo++;
	struct sbuf s = SBUF_INIT;
	for (const char *p = repo; *p; p++)
		sbuf_addc(&s, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	while (s.len && strchr(" \t\r\n", s.buf[s.len - 1]))
		sbuf_truncate(&s, s.len - 1);
	bool ssh = !strncmp(s.buf, "ssh://", 6);
	if (!ssh) {
		/* ^([^/:]*?)@[^@]+$ */
		const char *at = strchr(s.buf, '@');
		bool ok = at && !strchr(at + 1, '@');
		for (const char *p = s.buf; ok && p < at; p++)
			if (*p == '/' || *p == ':')
				ok = false;
		if (ok) {
			char *c = strchr(s.buf, ':');
			if (c)
				*c = '/';
		}
	}
	if (s.len >= 4 && !strcmp(s.buf + s.len - 4, ".git"))
		sbuf_truncate(&s, s.len - 4);
	char *r = sbuf_detach(&s, NULL);
	if (!strncmp(r, "ssh://", 6))
		memmove(r, r + 6, strlen(r + 6) + 1);
	return r;
}

static bool source_permitted(const struct ir_node *repos, const char *repo)
{
	char *src = normalize_git_url(repo);
	bool any = false, denied = false;
	for (uint32_t i = 0; ir_is_seq(repos) && i < repos->seq.len && !denied; i++) {
		const char *pat = ir_cstr(repos->seq.items[i]);
		if (!pat)
			continue;
		struct sbuf norm = SBUF_INIT;
		if (pat[0] == '!') {
			char *n = normalize_git_url(pat + 1);
			sbuf_printf(&norm, "!%s", n);
			free(n);
		} else {
			char *n = normalize_git_url(pat);
			sbuf_adds(&norm, n);
			free(n);
		}
		bool m = argo_glob(norm.buf, src, true);
		if (m)
			any = true;
		else if (norm.buf[0] == '!')
			denied = true;
		sbuf_release(&norm);
	}
	free(src);
	return any && !denied;
}

/* isDestinationMatched.  Argo CD resolves the cluster first, so it knows
 * both the server and the name; an Application gives one of them, so an
 * item that only constrains the other one cannot be decided here and is
 * taken as matching (a deny pattern still denies). */
static bool destination_permitted(const struct ir_node *dests, const char *server, const char *name,
	const char *ns)
{
	bool any = false;
	for (uint32_t i = 0; ir_is_seq(dests) && i < dests->seq.len; i++) {
		const struct ir_node *d = dests->seq.items[i];
		const char *iname = ir_path_cstr(d, "name"), *iserver = ir_path_cstr(d, "server");
		const char *ins = ir_path_cstr(d, "namespace");
		if (!iname)
			iname = "";
		if (!iserver)
			iserver = "";
		if (!ins)
			ins = "";
		bool name_m = *name && argo_glob(iname, name, false);
		bool server_m = *server && argo_glob(iserver, server, false);
		if (!*server && *name && !*iname && *iserver && iserver[0] != '!')
			server_m = true; /* unknown server of a named cluster */
		if (!*name && *server && !*iserver && *iname && iname[0] != '!')
			name_m = true;   /* unknown name of a cluster given by URL */
		bool ns_m = argo_glob(ins, ns, false);
		bool matched = (server_m || name_m) && ns_m;
		if (matched)
			any = true;
		else if ((!name_m && iname[0] == '!') || ((!server_m && iserver[0] == '!') && ns_m))
			return false;
		else if (!ns_m && ins[0] == '!' && server_m)
			return false;
	}
	return any;
}

static const struct validate_record *find_project(const struct validate_records *recs,
	const char *name)
{
	for (size_t i = 0; i < recs->len; i++) {
		const struct validate_record *x = &recs->items[i];
		if (x->kind && !strcmp(x->kind, "AppProject") && x->name && !strcmp(x->name, name) &&
		    x->api_version && !strncmp(x->api_version, "argoproj.io/", 12))
			return x;
	}
	return NULL;
}

static enum diag_level lvl(const struct validate_policy *p)
{
	return p->projects == POLICY_ERROR ? DIAG_ERROR : DIAG_WARNING;
}

void validate_projects(struct mc_ctx *ctx, const struct validate_policy *p,
	struct validate_records *recs)
{
	if (p->projects == POLICY_OFF)
		return;
	struct validate_opts o = { 0 };
	for (size_t i = 0; i < recs->len; i++) {
		struct validate_record *x = &recs->items[i];
		if (!x->kind || strcmp(x->kind, "Application") || !x->api_version ||
		    strncmp(x->api_version, "argoproj.io/", 12) || !ir_is_map(x->body) ||
		    x->status == VALIDATE_ERROR)
			continue;
		const struct ir_node *spec = ir_map_getc(x->body, "spec");
		const char *pname = ir_path_cstr(spec, "project");
		if (!pname || !*pname)
			pname = "default";
		size_t from = ctx->diag.len;
		char prefix[32] = "";
		if (x->item >= 0)
			snprintf(prefix, sizeof prefix, "/items/%d", x->item);
		struct vstate v;
		vs_init(&v, ctx, &o, prefix);
		const struct validate_record *proj = find_project(recs, pname);
		if (!proj) {
			bool ext = false;
			for (size_t k = 0; k < p->external[REF_APPPROJECT].len; k++)
				ext |= !strcmp(p->external[REF_APPPROJECT].items[k], pname);
			if (strcmp(pname, "default") && !ext && p->refs != POLICY_OFF) {
				sbuf_adds(&v.ptr, "/spec/project");
				vs_report(&v, ir_map_getc(spec, "project"), p->refs == POLICY_ERROR ?
					DIAG_ERROR : DIAG_WARNING, "ref/appproject",
					"AppProject \"%s\" is not part of these inputs (declare it under "
					"validate.references.external.appProjects if it is created elsewhere)",
					pname);
			}
		} else {
			const struct ir_node *ps = ir_map_getc(proj->body, "spec");
			const struct ir_node *repos = ir_map_getc(ps, "sourceRepos");
			const struct ir_node *src = ir_map_getc(spec, "source");
			const struct ir_node *srcs = ir_map_getc(spec, "sources");
			for (uint32_t k = 0; k < (ir_is_seq(srcs) ? srcs->seq.len : 1); k++) {
				const struct ir_node *s = ir_is_seq(srcs) ? srcs->seq.items[k] : src;
				const struct ir_node *url = ir_map_getc(s, "repoURL");
				if (!ir_is_str(url) || source_permitted(repos, url->s.text->s))
					continue;
				size_t len = v.ptr.len;
				if (ir_is_seq(srcs))
					sbuf_printf(&v.ptr, "/spec/sources/%u/repoURL", k);
				else
					sbuf_adds(&v.ptr, "/spec/source/repoURL");
				vs_report(&v, url, lvl(p), "project/source",
					"repository \"%s\" is not permitted in project \"%s\" (sourceRepos)",
					url->s.text->s, pname);
				sbuf_truncate(&v.ptr, len);
			}
			const struct ir_node *dest = ir_map_getc(spec, "destination");
			if (ir_is_map(dest)) {
				const char *server = ir_path_cstr(dest, "server"), *name = ir_path_cstr(dest, "name");
				const char *ns = ir_path_cstr(dest, "namespace");
				if (!destination_permitted(ir_map_getc(ps, "destinations"), server ? server : "",
					name ? name : "", ns ? ns : "")) {
					sbuf_adds(&v.ptr, "/spec/destination");
					vs_report(&v, dest, lvl(p), "project/destination",
						"destination %s%s, namespace \"%s\" is not permitted in project \"%s\"",
						server ? "server " : "cluster ", server ? server : name ? name : "?",
						ns ? ns : "", pname);
				}
			}
		}
		vs_release(&v);
		validate_record_take(ctx, x, from);
	}
}

/* isResourceInList's filepath.Match (an error is no match). */
static bool fp_match(const char *pattern, const char *s)
{
	return path_match(pattern, s) == 1;
}

static bool in_list(const struct ir_node *list, const char *group, const char *kind,
	const char *name, bool named)
{
	for (uint32_t i = 0; ir_is_seq(list) && i < list->seq.len; i++) {
		const struct ir_node *it = list->seq.items[i];
		const char *g = ir_path_cstr(it, "group"), *k = ir_path_cstr(it, "kind");
		if (!fp_match(k ? k : "", kind) || !fp_match(g ? g : "", group))
			continue;
		const char *n = named ? ir_path_cstr(it, "name") : NULL;
		if (n && *n && !fp_match(n, name))
			continue;
		return true;
	}
	return false;
}

void validate_project_kinds(struct mc_ctx *ctx, const struct validate_policy *p,
	const struct schema_set *ss, const struct ir_node *project, struct validate_record *app,
	struct validate_records *rendered)
{
	if (p->projects == POLICY_OFF || !ir_is_map(project))
		return;
	const struct ir_node *ps = ir_map_getc(project, "spec");
	const char *pname = ir_path_cstr(project, "metadata/name");
	const char *dns = ir_path_cstr(app ? app->body : NULL, "spec/destination/namespace");
	const char *dserver = ir_path_cstr(app ? app->body : NULL, "spec/destination/server");
	const char *dname = ir_path_cstr(app ? app->body : NULL, "spec/destination/name");
	struct validate_opts o = { 0 };
	for (size_t i = 0; i < rendered->len; i++) {
		struct validate_record *x = &rendered->items[i];
		if (!x->kind || !x->api_version)
			continue;
		const char *slash = strchr(x->api_version, '/');
		char group[256] = "";
		if (slash && (size_t)(slash - x->api_version) < sizeof group)
			memcpy(group, x->api_version, (size_t)(slash - x->api_version));
		enum schema_scope sc = ss ? schema_scope(ss, group, x->kind) : SCHEMA_SCOPE_UNKNOWN;
		bool namespaced = sc == SCHEMA_SCOPE_NAMESPACED ||
			(sc == SCHEMA_SCOPE_UNKNOWN && x->ns && *x->ns);
		bool ok;
		if (namespaced) {
			const struct ir_node *wl = ir_map_getc(ps, "namespaceResourceWhitelist");
			const struct ir_node *bl = ir_map_getc(ps, "namespaceResourceBlacklist");
			bool white = !wl || wl->type == IR_NULL || (ir_is_seq(wl) && wl->seq.len &&
				in_list(wl, group, x->kind, NULL, false));
			bool black = ir_is_seq(bl) && bl->seq.len && in_list(bl, group, x->kind, NULL, false);
			ok = white && !black;
		} else {
			const struct ir_node *wl = ir_map_getc(ps, "clusterResourceWhitelist");
			const struct ir_node *bl = ir_map_getc(ps, "clusterResourceBlacklist");
			const char *nm = x->name ? x->name : "";
			bool white = ir_is_seq(wl) && wl->seq.len && in_list(wl, group, x->kind, nm, true);
			bool black = ir_is_seq(bl) && bl->seq.len && in_list(bl, group, x->kind, nm, true);
			ok = white && !black;
		}
		size_t from = ctx->diag.len;
		struct vstate v;
		vs_init(&v, ctx, &o, "");
		if (!ok)
			vs_report(&v, x->body, lvl(p), "project/kind",
				"%s %s \"%s\" is not permitted in project \"%s\" (%s resource %s)",
				*group ? group : "core", x->kind, x->name ? x->name : "", pname ? pname : "?",
				namespaced ? "namespaced" : "cluster-scoped",
				namespaced ? "white/blacklist" : "whitelist (an empty whitelist allows none)");
		else if (namespaced) {
			const char *ns = x->ns && *x->ns ? x->ns : dns ? dns : "";
			if (!destination_permitted(ir_map_getc(ps, "destinations"), dserver ? dserver : "",
				dname ? dname : "", ns))
				vs_report(&v, x->body, lvl(p), "project/destination",
					"namespace \"%s\" of %s \"%s\" is not a permitted destination of project \"%s\"",
					ns, x->kind, x->name ? x->name : "", pname ? pname : "?");
		}
		vs_release(&v);
		validate_record_take(ctx, x, from);
	}
}
