/*
 * validate_policy.c - the repository's policies: reading the `validate:`
 * section of manifestc.yaml and checking one resource against it (image
 * tags, container resources, required labels).
 *
 * The settings reader is strict: an unknown key or a wrong type is an
 * error at its position, since a misspelt policy silently doing nothing is
 * exactly the failure a policy file exists to prevent.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/frontend.h"
#include "validate_int.h"

void validate_policy_defaults(struct validate_policy *p)
{
	memset(p, 0, sizeof *p);
	p->image_tag = POLICY_WARNING;
	p->image_latest = POLICY_ERROR;
	p->resources = POLICY_WARNING;
	p->labels = POLICY_ERROR;
	p->refs = POLICY_ERROR;
	p->projects = POLICY_ERROR;
}

static int perr(struct mc_ctx *ctx, const struct ir_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct mc_ctx *ctx, const struct ir_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(&ctx->diag, DIAG_ERROR, n ? &n->pos : NULL, "config", NULL, fmt, ap);
	va_end(ap);
	return 1;
}

struct strlist {
	const char **items;
	size_t len, cap;
};

static int strings_into(struct mc_ctx *ctx, const struct ir_node *n, const char *what,
	const char *base_dir, struct strlist *v)
{
	if (!ir_is_seq(n))
		return perr(ctx, n, "%s must be a list of strings", what);
	for (uint32_t i = 0; i < n->seq.len; i++) {
		const char *s = ir_cstr(n->seq.items[i]);
		if (!s)
			return perr(ctx, n->seq.items[i], "%s must be a list of strings", what);
		if (base_dir) {
			char *p = path_clean(base_dir, s);
			s = arena_strdup(&ctx->arena, p);
			free(p);
		}
		VEC_PUSH(&ctx->arena, v, s);
	}
	return 0;
}

/* The policy's lists are VEC(const char *); copy through a named struct. */
#define strings(ctx, n, what, base, vec) strings_vec(ctx, n, what, base, &(vec)->items, &(vec)->len, &(vec)->cap)

static int strings_vec(struct mc_ctx *ctx, const struct ir_node *n, const char *what,
	const char *base_dir, const char ***items, size_t *len, size_t *cap)
{
	struct strlist l = { *items, *len, *cap };
	int r = strings_into(ctx, n, what, base_dir, &l);
	*items = l.items;
	*len = l.len;
	*cap = l.cap;
	return r;
}

static int level(struct mc_ctx *ctx, const struct ir_node *n, const char *what,
	enum policy_level *out)
{
	const char *s = ir_cstr(n);
	if (n && n->type == IR_BOOL) {
		*out = n->s.v.b ? POLICY_ERROR : POLICY_OFF;
		return 0;
	}
	if (s && !strcmp(s, "off"))
		*out = POLICY_OFF;
	else if (s && !strcmp(s, "warning"))
		*out = POLICY_WARNING;
	else if (s && !strcmp(s, "error"))
		*out = POLICY_ERROR;
	else
		return perr(ctx, n, "%s must be error, warning or off", what);
	return 0;
}

static int boolean(struct mc_ctx *ctx, const struct ir_node *n, const char *what, bool *out,
	bool *set)
{
	if (!n || n->type != IR_BOOL)
		return perr(ctx, n, "%s must be true or false", what);
	*out = n->s.v.b;
	*set = true;
	return 0;
}

static int unknown(struct mc_ctx *ctx, const struct ir_node *key, const char *section,
	const char *known)
{
	return perr(ctx, key, "unknown setting \"%s\" in %s (known: %s)", key->s.text->s, section,
		known);
}

static const char *const external_keys[REF_NKINDS] = {
	"configMaps", "secrets", "serviceAccounts", "persistentVolumeClaims", "services",
	"analysisTemplates", "appProjects", "workloads",
};

int validate_policy_parse(struct mc_ctx *ctx, const struct ir_node *sec, const char *base_dir,
	struct validate_policy *p)
{
	if (!sec || sec->type == IR_NULL)
		return 0;
	if (!ir_is_map(sec))
		return perr(ctx, sec, "validate: must be a map of settings");
	int errs = 0;
	for (uint32_t i = 0; i < sec->map.len; i++) {
		const struct ir_node *k = sec->map.items[i].key, *v = sec->map.items[i].value;
		const char *key = k->s.text->s;
		if (!strcmp(key, "strict"))
			errs += boolean(ctx, v, "validate.strict", &p->strict, &p->strict_set);
		else if (!strcmp(key, "ignoreMissingSchemas"))
			errs += boolean(ctx, v, "validate.ignoreMissingSchemas", &p->ignore_missing,
				&p->ignore_missing_set);
		else if (!strcmp(key, "skip"))
			errs += strings(ctx, v, "validate.skip", NULL, &p->skip);
		else if (!strcmp(key, "reject"))
			errs += strings(ctx, v, "validate.reject", NULL, &p->reject);
		else if (!strcmp(key, "crds"))
			errs += strings(ctx, v, "validate.crds", base_dir, &p->crds);
		else if (!strcmp(key, "schemas"))
			errs += strings(ctx, v, "validate.schemas", base_dir, &p->schemas);
		else if (!strcmp(key, "protectedEnvironments"))
			errs += strings(ctx, v, "validate.protectedEnvironments", NULL, &p->protected_envs);
		else if (!strcmp(key, "projects"))
			errs += level(ctx, v, "validate.projects", &p->projects);
		else if (!strcmp(key, "policies")) {
			if (!ir_is_map(v)) {
				errs += perr(ctx, v, "validate.policies must be a map");
				continue;
			}
			for (uint32_t j = 0; j < v->map.len; j++) {
				const struct ir_node *pk = v->map.items[j].key, *pv = v->map.items[j].value;
				const char *name = pk->s.text->s;
				if (!strcmp(name, "imageTag"))
					errs += level(ctx, pv, "policies.imageTag", &p->image_tag);
				else if (!strcmp(name, "latestInProtected"))
					errs += level(ctx, pv, "policies.latestInProtected", &p->image_latest);
				else if (!strcmp(name, "resources"))
					errs += level(ctx, pv, "policies.resources", &p->resources);
				else if (!strcmp(name, "requiredLabels")) {
					if (ir_is_map(pv)) {
						for (uint32_t q = 0; q < pv->map.len; q++) {
							const char *rk = pv->map.items[q].key->s.text->s;
							const struct ir_node *rv = pv->map.items[q].value;
							if (!strcmp(rk, "level"))
								errs += level(ctx, rv, "requiredLabels.level", &p->labels);
							else if (!strcmp(rk, "labels"))
								errs += strings(ctx, rv, "requiredLabels.labels", NULL,
									&p->required_labels);
							else
								errs += unknown(ctx, pv->map.items[q].key,
									"policies.requiredLabels", "level, labels");
						}
					} else {
						errs += strings(ctx, pv, "policies.requiredLabels", NULL,
							&p->required_labels);
					}
				} else
					errs += unknown(ctx, pk, "validate.policies",
						"imageTag, latestInProtected, resources, requiredLabels");
			}
		} else if (!strcmp(key, "references")) {
			if (!ir_is_map(v)) {
				errs += perr(ctx, v, "validate.references must be a map");
				continue;
			}
			for (uint32_t j = 0; j < v->map.len; j++) {
				const struct ir_node *rk = v->map.items[j].key, *rv = v->map.items[j].value;
				if (!strcmp(rk->s.text->s, "level")) {
					errs += level(ctx, rv, "references.level", &p->refs);
				} else if (!strcmp(rk->s.text->s, "external")) {
					if (!ir_is_map(rv)) {
						errs += perr(ctx, rv, "references.external must be a map");
						continue;
					}
					for (uint32_t q = 0; q < rv->map.len; q++) {
						const char *ek = rv->map.items[q].key->s.text->s;
						int which = -1;
						for (int x = 0; x < REF_NKINDS; x++)
							if (!strcmp(external_keys[x], ek))
								which = x;
						if (which < 0)
							errs += unknown(ctx, rv->map.items[q].key, "references.external",
								"configMaps, secrets, serviceAccounts, persistentVolumeClaims, "
								"services, analysisTemplates, appProjects, workloads");
						else
							errs += strings(ctx, rv->map.items[q].value, ek, NULL,
								&p->external[which]);
					}
				} else {
					errs += unknown(ctx, rk, "validate.references", "level, external");
				}
			}
		} else {
			errs += unknown(ctx, k, "validate",
				"strict, ignoreMissingSchemas, skip, reject, crds, schemas, "
				"protectedEnvironments, policies, references, projects");
		}
	}
	return errs;
}

bool validate_env_protected(const struct validate_policy *p, const char *env)
{
	if (!env)
		return false;
	for (size_t i = 0; i < p->protected_envs.len; i++)
		if (!strcmp(p->protected_envs.items[i], env))
			return true;
	return false;
}

/* ------------------------------------------------------------ pod specs */

/* The pod spec of a workload and its pointer, or NULL. */
const struct ir_node *validate_pod_spec(const struct ir_node *body, const char **ptr)
{
	const char *kind = ir_path_cstr(body, "kind");
	const char *api = ir_path_cstr(body, "apiVersion");
	if (!kind || !api)
		return NULL;
	static const struct { const char *kind, *path, *ptr; } tab[] = {
		{ "Pod", "spec", "/spec" },
		{ "PodTemplate", "template/spec", "/template/spec" },
		{ "Deployment", "spec/template/spec", "/spec/template/spec" },
		{ "StatefulSet", "spec/template/spec", "/spec/template/spec" },
		{ "DaemonSet", "spec/template/spec", "/spec/template/spec" },
		{ "ReplicaSet", "spec/template/spec", "/spec/template/spec" },
		{ "ReplicationController", "spec/template/spec", "/spec/template/spec" },
		{ "Job", "spec/template/spec", "/spec/template/spec" },
		{ "CronJob", "spec/jobTemplate/spec/template/spec", "/spec/jobTemplate/spec/template/spec" },
		{ "Rollout", "spec/template/spec", "/spec/template/spec" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(tab[i].kind, kind)) {
			if (!strcmp(kind, "Rollout") && strncmp(api, "argoproj.io/", 12))
				return NULL;
			const struct ir_node *spec = ir_path(body, tab[i].path);
			if (!ir_is_map(spec))
				return NULL;
			*ptr = tab[i].ptr;
			return spec;
		}
	return NULL;
}

/* The labels a workload gives its pods (NULL if it is not a workload). */
const struct ir_node *validate_pod_labels(const struct ir_node *body)
{
	const char *ptr;
	if (!validate_pod_spec(body, &ptr))
		return NULL;
	const char *kind = ir_path_cstr(body, "kind");
	if (!strcmp(kind, "Pod"))
		return ir_path(body, "metadata/labels");
	if (!strcmp(kind, "CronJob"))
		return ir_path(body, "spec/jobTemplate/spec/template/metadata/labels");
	if (!strcmp(kind, "PodTemplate"))
		return ir_path(body, "template/metadata/labels");
	return ir_path(body, "spec/template/metadata/labels");
}

/* ------------------------------------------------------------- policies */

static enum diag_level lvl(enum policy_level l)
{
	return l == POLICY_ERROR ? DIAG_ERROR : DIAG_WARNING;
}

/* Split an image reference: the tag (after the last ':' of the last path
 * component) and the digest (after '@'). */
static void image_parts(const char *img, const char **tag, size_t *taglen, bool *digest)
{
	const char *at = strchr(img, '@');
	*digest = at != NULL;
	size_t end = at ? (size_t)(at - img) : strlen(img);
	const char *slash = NULL;
	for (size_t i = 0; i < end; i++)
		if (img[i] == '/')
			slash = img + i;
	const char *last = slash ? slash + 1 : img;
	const char *colon = memchr(last, ':', (size_t)(img + end - last));
	*tag = colon ? colon + 1 : NULL;
	*taglen = colon ? (size_t)(img + end - colon - 1) : 0;
}

static void container_policies(struct vstate *v, const struct validate_policy *p, bool protect,
	const struct ir_node *list, const char *field)
{
	if (!ir_is_seq(list))
		return;
	size_t fm = vs_push(v, field, strlen(field));
	for (uint32_t i = 0; i < list->seq.len; i++) {
		const struct ir_node *c = list->seq.items[i];
		if (!ir_is_map(c))
			continue;
		size_t im = vs_push_index(v, i);
		const char *name = ir_path_cstr(c, "name");
		const struct ir_node *image = ir_map_getc(c, "image");
		if (ir_is_str(image)) {
			const char *tag;
			size_t tl;
			bool digest;
			image_parts(image->s.text->s, &tag, &tl, &digest);
			size_t m = vs_push(v, "image", 5);
			bool latest = !digest && (!tag || (tl == 6 && !memcmp(tag, "latest", 6)));
			if (protect && latest && p->image_latest != POLICY_OFF)
				vs_report(v, image, lvl(p->image_latest), "policy/image-latest",
					"image \"%s\" of container \"%s\" %s in a protected environment; pin a version "
					"or a digest", image->s.text->s, name ? name : "?",
					tag ? "uses the latest tag" : "has no tag (that means latest)");
			else if (!tag && !digest && p->image_tag != POLICY_OFF)
				vs_report(v, image, lvl(p->image_tag), "policy/image-tag",
					"image \"%s\" of container \"%s\" has no tag or digest", image->s.text->s,
					name ? name : "?");
			vs_pop(v, m);
		}
		if (p->resources != POLICY_OFF) {
			const struct ir_node *res = ir_map_getc(c, "resources");
			size_t rm = res ? vs_push(v, "resources", 9) : 0;
			static const char *const parts[] = { "requests", "limits" };
			for (int k = 0; k < 2; k++) {
				const struct ir_node *x = ir_map_getc(res, parts[k]);
				if (ir_is_map(x) && x->map.len)
					continue;
				vs_report(v, res ? res : c, lvl(p->resources), "policy/resources",
					"container \"%s\" has no resource %s", name ? name : "?", parts[k]);
			}
			if (res)
				vs_pop(v, rm);
		}
		vs_pop(v, im);
	}
	vs_pop(v, fm);
}

void validate_policies(struct mc_ctx *ctx, const struct validate_policy *p, const char *env,
	struct validate_record *rec)
{
	const struct ir_node *body = rec->body;
	if (!ir_is_map(body) || rec->status == VALIDATE_ERROR || rec->status == VALIDATE_SKIPPED)
		return;
	size_t from = ctx->diag.len;
	struct validate_opts o = { 0 };
	struct vstate v;
	char prefix[32] = "";
	if (rec->item >= 0)
		snprintf(prefix, sizeof prefix, "/items/%d", rec->item);
	vs_init(&v, ctx, &o, prefix);
	if (p->labels != POLICY_OFF && p->required_labels.len) {
		const struct ir_node *labels = ir_path(body, "metadata/labels");
		const struct ir_node *md = ir_map_getc(body, "metadata");
		for (size_t i = 0; i < p->required_labels.len; i++) {
			const char *l = p->required_labels.items[i];
			const struct ir_node *val = ir_map_getc(labels, l);
			if (ir_is_str(val) && val->s.text->len)
				continue;
			size_t m = vs_push(&v, "metadata", 8);
			size_t m2 = vs_push(&v, "labels", 6);
			vs_report(&v, labels ? labels : md ? md : body, lvl(p->labels), "policy/labels",
				"missing required label \"%s\"", l);
			vs_pop(&v, m2);
			vs_pop(&v, m);
		}
	}
	const char *ptr;
	const struct ir_node *spec = validate_pod_spec(body, &ptr);
	if (spec) {
		bool protect = validate_env_protected(p, env);
		size_t len = v.ptr.len;
		sbuf_adds(&v.ptr, ptr);
		container_policies(&v, p, protect, ir_map_getc(spec, "initContainers"), "initContainers");
		container_policies(&v, p, protect, ir_map_getc(spec, "containers"), "containers");
		sbuf_truncate(&v.ptr, len);
	}
	vs_release(&v);
	validate_record_take(ctx, rec, from);
}

void validate_reslist(struct mc_ctx *ctx, const struct schema_set *ss, const struct ir_reslist *l,
	const struct validate_opts *o, const struct validate_policy *p, const char *env,
	struct validate_records *out)
{
	size_t from = out->len;
	for (size_t i = 0; i < l->len; i++) {
		const struct ir_resource *r = l->items[i];
		struct validate_record rec = { 0 };
		rec.file = r->origin.file;
		rec.pos = r->origin;
		rec.doc = (uint32_t)i;
		rec.item = -1;
		if (validate_resource(ctx, ss, r->body, "", o, &rec) == VALIDATE_EMPTY)
			continue;
		validate_records_push(ctx, out, &rec);
	}
	if (!p)
		return;
	for (size_t i = from; i < out->len; i++)
		validate_policies(ctx, p, env, &out->items[i]);
	struct validate_records env_recs = { out->items + from, out->len - from, out->len - from };
	validate_refs(ctx, p, &env_recs);
	validate_projects(ctx, p, &env_recs);
}
