/*
 * validate_resource.c - from files to validated resources.
 *
 * Loading follows kubectl: go-yaml v2 scalars, duplicate keys refused in
 * strict mode.  A file is parsed in one go; only when that fails is it cut
 * at its `---` lines (where a YAML document must start) and parsed piece by
 * piece, so a syntax error costs its own document and nothing else, as in
 * kubeconform, without paying a parser per document on clean files.
 *
 * Per resource: identity (apiVersion and kind must be strings), skip and
 * reject lists, schema lookup, the schema walk, then what the API server
 * checks in every object's metadata (name rule of the kind, namespace,
 * label and annotation syntax) and in ConfigMap/Secret keys.
 */
#include <stdlib.h>
#include <string.h>

#include "mc/frontend.h"
#include "validate_int.h"

void validate_records_push(struct mc_ctx *ctx, struct validate_records *r,
	const struct validate_record *rec)
{
	VEC_PUSH(&ctx->arena, r, *rec);
}

void validate_record_take(struct mc_ctx *ctx, struct validate_record *rec, size_t from)
{
	validate_record_take_range(ctx, rec, from, ctx->diag.len);
}

void validate_record_take_range(struct mc_ctx *ctx, struct validate_record *rec, size_t from,
	size_t to)
{
	for (size_t i = from; i < to && i < ctx->diag.len; i++) {
		if (rec->nmsgs == rec->msgcap) {
			size_t nc = rec->msgcap ? rec->msgcap * 2 : 4;
			rec->msgs = arena_grow(&ctx->arena, rec->msgs, rec->msgcap * sizeof *rec->msgs,
				nc * sizeof *rec->msgs);
			rec->msgcap = nc;
		}
		rec->msgs[rec->nmsgs++] = i;
		if (ctx->diag.msgs[i].level == DIAG_ERROR) {
			rec->nerrors++;
			if (rec->status == VALIDATE_VALID || rec->status == VALIDATE_SKIPPED)
				rec->status = VALIDATE_INVALID;
		}
	}
}

void validate_records_orphans(struct mc_ctx *ctx, struct validate_records *recs, size_t from,
	size_t to, uint32_t seq)
{
	for (size_t i = from; i < to && i < ctx->diag.len; i++) {
		const struct diag_msg *m = &ctx->diag.msgs[i];
		struct validate_record r = { 0 };
		r.file = m->pos.file;
		r.seq = seq;
		r.pos = m->pos;
		r.item = -1;
		r.status = m->level == DIAG_ERROR ? VALIDATE_ERROR : VALIDATE_VALID;
		validate_record_take_range(ctx, &r, i, i + 1);
		validate_records_push(ctx, recs, &r);
	}
}

static int rec_cmp(const void *a, const void *b)
{
	const struct validate_record *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	size_t a0 = x->nmsgs ? x->msgs[0] : 0, b0 = y->nmsgs ? y->msgs[0] : 0;
	return a0 < b0 ? -1 : a0 > b0;
}

void validate_records_sort(struct validate_records *r)
{
	if (r->len > 1)
		qsort(r->items, r->len, sizeof *r->items, rec_cmp);
}

/* ------------------------------------------------------------- loading */

static void diag_rollback(struct diag *d, size_t len, size_t nerrors, size_t nwarnings,
	size_t dropped)
{
	for (size_t i = len; i < d->len; i++)
		free(d->msgs[i].msg);
	d->len = len;
	d->nerrors = nerrors;
	d->nwarnings = nwarnings;
	d->dropped = dropped;
}

static void push_doc(struct mc_ctx *ctx, struct validate_input *in, struct ir_node *doc,
	struct srcpos start, bool failed)
{
	struct ir_docs *d = &in->docs;
	if (d->len == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 8;
		d->items = arena_grow(&ctx->arena, d->items, d->cap * sizeof *d->items,
			nc * sizeof *d->items);
		d->starts = arena_grow(&ctx->arena, d->starts, d->cap * sizeof *d->starts,
			nc * sizeof *d->starts);
		in->failed = arena_grow(&ctx->arena, in->failed, d->cap, nc);
		d->cap = nc;
	}
	d->items[d->len] = doc;
	d->starts[d->len] = start;
	in->failed[d->len] = failed;
	d->len++;
}

/* A line that starts a YAML document: `---` then a blank or the end. */
static bool doc_marker(const char *p, const char *e)
{
	return e - p >= 3 && p[0] == '-' && p[1] == '-' && p[2] == '-' &&
		(e - p == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\n' || p[3] == '\r');
}

/* Move the findings of the parse context into ctx. */
static void take_diags(struct mc_ctx *ctx, struct mc_ctx *pctx)
{
	if (pctx != ctx)
		diag_merge(&ctx->diag, &pctx->diag);
}

int validate_load(struct mc_ctx *ctx, struct mc_ctx *pctx, const struct srcfile *f,
	uint32_t seq, const struct validate_opts *o, struct validate_input *in,
	struct validate_records *recs)
{
	memset(in, 0, sizeof *in);
	in->file = f;
	in->seq = seq;
	struct yaml_opts yo = { .schema = YAML_V2, .flags = YAML_KEEP_EMPTY | YAML_JSON_KEYS | YAML_GO_STRICT,
		.max_nodes = o->max_nodes };
	if (!o->strict)
		yo.flags |= YAML_DUPKEYS_OK;
	struct diag *dg = &pctx->diag;
	size_t mlen = dg->len, mer = dg->nerrors, mwa = dg->nwarnings, mdr = dg->dropped;
	struct ir_docs all = { 0 };
	if (yaml_load(pctx, f, &yo, &all) == 0) {
		for (size_t i = 0; i < all.len; i++)
			push_doc(pctx, in, all.items[i], all.starts[i], false);
		take_diags(ctx, pctx);
		return 0;
	}
	diag_rollback(dg, mlen, mer, mwa, mdr);

	/* Piece by piece. */
	int bad = 0;
	const char *data = f->data, *end = f->data + f->len;
	const char *piece = data;
	uint32_t line = 1, piece_line = 1;
	const char *p = data;
	for (;;) {
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		bool at_end = p >= end;
		bool boundary = !at_end && p != piece && doc_marker(p, end);
		if (boundary || at_end) {
			struct srcfile sub = { .path = f->path, .abspath = f->abspath, .data = piece,
				.len = (size_t)(p - piece) };
			struct yaml_opts po = yo;
			po.pos_file = f;
			po.line_offset = piece_line - 1;
			struct ir_docs d = { 0 };
			size_t first = ctx->diag.len;
			int errs = yaml_load(pctx, &sub, &po, &d);
			take_diags(ctx, pctx);
			if (errs == 0) {
				for (size_t i = 0; i < d.len; i++)
					push_doc(pctx, in, d.items[i], d.starts[i], false);
			} else {
				struct srcpos start = { f, piece_line, 1 };
				push_doc(pctx, in, NULL, start, true);
				struct validate_record r = { 0 };
				r.file = f;
				r.seq = seq;
				r.pos = start;
				r.doc = (uint32_t)(in->docs.len - 1);
				r.item = -1;
				r.status = VALIDATE_ERROR;
				validate_record_take(ctx, &r, first);
				validate_records_push(ctx, recs, &r);
				bad++;
			}
			piece = p;
			piece_line = line;
		}
		if (at_end)
			break;
		if (!nl)
			p = end;
		else
			p = nl + 1;
		line++;
	}
	return bad;
}

static const char *copy_str(struct mc_ctx *ctx, const char *s)
{
	return s ? arena_strdup(&ctx->arena, s) : NULL;
}

void validate_records_detach(struct mc_ctx *ctx, struct validate_records *r, size_t from,
	bool (*keep)(const struct validate_record *))
{
	for (size_t i = from; i < r->len; i++) {
		struct validate_record *x = &r->items[i];
		x->api_version = copy_str(ctx, x->api_version);
		x->kind = copy_str(ctx, x->kind);
		x->name = copy_str(ctx, x->name);
		x->ns = copy_str(ctx, x->ns);
		if (x->body && keep && keep(x))
			x->body = ir_clone(ctx, x->body);
		else
			x->body = NULL;
	}
}

int validate_add_crds(struct mc_ctx *ctx, struct schema_set *set, const struct validate_input *in)
{
	int errors = 0;
	for (size_t i = 0; i < in->docs.len; i++) {
		const struct ir_node *d = in->docs.items[i];
		if (!ir_is_map(d) || !str_eqc(ir_text(ir_map_getc(d, "kind")), "CustomResourceDefinition"))
			continue;
		const char *api = ir_path_cstr(d, "apiVersion");
		if (!api || strncmp(api, "apiextensions.k8s.io/", 21))
			continue;
		errors += schema_set_add_crd(set, ctx, d);
	}
	return errors;
}

/* ---------------------------------------------------- resource checks */

static bool kind_listed(const char *const *list, size_t n, const char *api, const char *kind)
{
	size_t al = strlen(api);
	for (size_t i = 0; i < n; i++) {
		const char *e = list[i];
		if (!strcmp(e, kind))
			return true;
		size_t el = strlen(e);
		if (el > al + 1 && !strncmp(e, api, al) && e[al] == '/' && !strcmp(e + al + 1, kind))
			return true;
	}
	return false;
}

static void check_key_map(struct vstate *v, const struct ir_node *m, const char *field,
	const char *rule, bool values_are_labels)
{
	if (!ir_is_map(m))
		return;
	size_t mark = vs_push(v, field, strlen(field));
	size_t total = 0;
	for (uint32_t i = 0; i < m->map.len; i++) {
		const struct ir_node *k = m->map.items[i].key, *val = m->map.items[i].value;
		const char *why = k8s_qualified_name(k->s.text->s, k->s.text->len);
		size_t km = vs_push(v, k->s.text->s, k->s.text->len);
		if (why)
			vs_report(v, k, DIAG_ERROR, rule, "invalid key \"%s\": %s", k->s.text->s, why);
		if (values_are_labels && ir_is_str(val) &&
		    (why = k8s_label_value(val->s.text->s, val->s.text->len)))
			vs_report(v, val, DIAG_ERROR, rule, "invalid label value %s: %s",
				vs_describe(v, val) + 7, why);
		total += k->s.text->len + (ir_is_scalar(val) ? val->s.text->len : 0);
		vs_pop(v, km);
	}
	if (!values_are_labels && total > 256 * 1024)
		vs_report(v, m, DIAG_ERROR, rule, "annotations are too long: %zu bytes, the limit is 262144",
			total);
	vs_pop(v, mark);
}

#define OBJECTMETA "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

/* Does the resource schema s declare its metadata as ObjectMeta (not the
 * ListMeta of the *List kinds, which have no name)? */
static bool has_object_meta(const struct schema *s)
{
	const struct schema *ms = schema_propc(s, "metadata");
	return ms && ms->more && ms->more->name && !strcmp(ms->more->name, OBJECTMETA);
}

static bool is_set(const struct ir_node *n)
{
	return n && n->type != IR_NULL;
}

/* What ValidateObjectMeta checks, and ConfigMap/Secret keys. */
static void check_meta(struct vstate *v, const struct schema *s, const struct ir_node *body,
	const char *group, const char *kind)
{
	const struct ir_node *md = ir_map_getc(body, "metadata");
	size_t mark = vs_push(v, "metadata", 8);
	if (has_object_meta(s) && (!is_set(md) || ir_is_map(md))) {
		const struct ir_node *name = is_set(md) ? ir_map_getc(md, "name") : NULL;
		const struct ir_node *gen = is_set(md) ? ir_map_getc(md, "generateName") : NULL;
		bool has_name = ir_is_str(name) && name->s.text->len;
		bool has_gen = ir_is_str(gen) && gen->s.text->len;
		/* A name of another type is a schema finding already. */
		if (!is_set(name) && !has_gen)
			vs_report(v, is_set(md) ? md : body,
				v->o->missing_name_warns ? DIAG_WARNING : DIAG_ERROR, "k8s/name",
				"missing required field \"name\" (or \"generateName\")");
		const char *why;
		if (ir_is_str(name) && !has_name && !has_gen) {
			size_t m2 = vs_push(v, "name", 4);
			vs_report(v, name, DIAG_ERROR, "k8s/name",
				"invalid %s name \"\": name or generateName is required", kind);
			vs_pop(v, m2);
		}
		if (has_name && (why = k8s_object_name(group, kind, name->s.text->s, name->s.text->len, false))) {
			size_t m2 = vs_push(v, "name", 4);
			vs_report(v, name, DIAG_ERROR, "k8s/name", "invalid %s name %s: %s", kind,
				vs_describe(v, name) + 7, why);
			vs_pop(v, m2);
		}
		if (!has_name && has_gen &&
		    (why = k8s_object_name(group, kind, gen->s.text->s, gen->s.text->len, true))) {
			size_t m2 = vs_push(v, "generateName", 12);
			vs_report(v, gen, DIAG_ERROR, "k8s/name", "invalid %s generateName %s: %s", kind,
				vs_describe(v, gen) + 7, why);
			vs_pop(v, m2);
		}
		const struct ir_node *ns = ir_map_getc(md, "namespace");
		if (ir_is_str(ns) && ns->s.text->len &&
		    (why = k8s_dns1123_label(ns->s.text->s, ns->s.text->len))) {
			size_t m2 = vs_push(v, "namespace", 9);
			vs_report(v, ns, DIAG_ERROR, "k8s/name", "invalid namespace %s: %s",
				vs_describe(v, ns) + 7, why);
			vs_pop(v, m2);
		}
		check_key_map(v, ir_map_getc(md, "labels"), "labels", "k8s/label", true);
		check_key_map(v, ir_map_getc(md, "annotations"), "annotations", "k8s/annotation", false);
	}
	vs_pop(v, mark);
	if (!*group && (!strcmp(kind, "ConfigMap") || !strcmp(kind, "Secret"))) {
		static const char *const fields[] = { "data", "binaryData", "stringData" };
		for (int f = 0; f < 3; f++) {
			const struct ir_node *m = ir_map_getc(body, fields[f]);
			if (!ir_is_map(m))
				continue;
			size_t fm = vs_push(v, fields[f], strlen(fields[f]));
			for (uint32_t i = 0; i < m->map.len; i++) {
				const struct ir_node *k = m->map.items[i].key;
				const char *why = k8s_config_key(k->s.text->s, k->s.text->len);
				if (why) {
					size_t km = vs_push(v, k->s.text->s, k->s.text->len);
					vs_report(v, k, DIAG_ERROR, "k8s/key", "invalid key \"%s\": %s",
						k->s.text->s, why);
					vs_pop(v, km);
				}
			}
			vs_pop(v, fm);
		}
	}
}

static const char *cstr_of(const struct ir_node *n)
{
	return ir_is_str(n) ? n->s.text->s : NULL;
}

enum validate_status validate_resource(struct mc_ctx *ctx, const struct schema_set *ss,
	const struct ir_node *body, const char *prefix, const struct validate_opts *o,
	struct validate_record *rec)
{
	struct validate_opts def = { 0 };
	if (!o)
		o = &def;
	size_t first = ctx->diag.len, err0 = ctx->diag.nerrors;
	if (rec)
		rec->body = body;
	enum validate_status st = VALIDATE_VALID;
	struct vstate v;
	vs_init(&v, ctx, o, prefix);
	if (!body || body->type == IR_NULL) {
		st = VALIDATE_EMPTY;
		goto out;
	}
	if (!ir_is_map(body)) {
		vs_report(&v, body, DIAG_ERROR, "resource/not-a-mapping",
			"a resource must be a mapping, not %s", body->type == IR_SEQ ? "a sequence" :
			"a scalar");
		st = VALIDATE_ERROR;
		goto out;
	}
	const struct ir_node *api = ir_map_getc(body, "apiVersion");
	const struct ir_node *kind = ir_map_getc(body, "kind");
	if (rec) {
		rec->api_version = cstr_of(api);
		rec->kind = cstr_of(kind);
		rec->name = ir_path_cstr(body, "metadata/name");
		rec->ns = ir_path_cstr(body, "metadata/namespace");
		if (!rec->name)
			rec->name = ir_path_cstr(body, "metadata/generateName");
	}
	if (!ir_is_str(api) || !api->s.text->len) {
		if (api && !ir_is_str(api)) {
			size_t m = vs_push(&v, "apiVersion", 10);
			vs_report(&v, api, DIAG_ERROR, "resource/api-version",
				"apiVersion must be a string, got %s", vs_describe(&v, api));
			vs_pop(&v, m);
		} else {
			vs_report(&v, body, DIAG_ERROR, "resource/api-version",
				"missing required field \"apiVersion\"");
		}
		st = VALIDATE_ERROR;
	}
	if (!ir_is_str(kind) || !kind->s.text->len) {
		if (kind && !ir_is_str(kind)) {
			size_t m = vs_push(&v, "kind", 4);
			vs_report(&v, kind, DIAG_ERROR, "resource/kind", "kind must be a string, got %s",
				vs_describe(&v, kind));
			vs_pop(&v, m);
		} else {
			vs_report(&v, body, DIAG_ERROR, "resource/kind", "missing required field \"kind\"");
		}
		st = VALIDATE_ERROR;
	}
	if (st != VALIDATE_VALID)
		goto out;
	const char *apis = api->s.text->s, *kinds = kind->s.text->s;
	if (kind_listed(o->skip, o->nskip, apis, kinds)) {
		st = VALIDATE_SKIPPED;
		goto out;
	}
	if (kind_listed(o->reject, o->nreject, apis, kinds)) {
		vs_report(&v, kind, DIAG_ERROR, "resource/rejected", "prohibited resource kind %s", kinds);
		st = VALIDATE_ERROR;
		goto out;
	}
	const struct str *group, *version;
	ir_split_apiversion(ctx, api->s.text, &group, &version);
	/* kustomization.yaml files are build inputs, not resources. */
	if (str_eqc(group, "kustomize.config.k8s.io")) {
		st = VALIDATE_SKIPPED;
		goto out;
	}
	const struct schema *s = ss ? schema_lookup(ss, group->s, version->s, kinds) : NULL;
	if (!s) {
		if (o->ignore_missing) {
			st = VALIDATE_SKIPPED;
			goto out;
		}
		if (ss && schema_has_kind(ss, group->s, kinds))
			vs_report(&v, api, DIAG_ERROR, "resource/no-schema",
				"could not find schema for %s %s: that version is not served (the kind "
				"exists in other versions of %s)", apis, kinds, *group->s ? group->s : "the core group");
		else
			vs_report(&v, kind, DIAG_ERROR, "resource/no-schema",
				"could not find schema for %s %s", apis, kinds);
		st = VALIDATE_ERROR;
		goto out;
	}
	vs_check(&v, body, s);
	if (!o->no_k8s)
		check_meta(&v, s, body, group->s, kinds);
	if (ctx->diag.nerrors > err0)
		st = VALIDATE_INVALID;
out:
	if (rec) {
		rec->status = st;
		validate_record_take(ctx, rec, first);
	}
	vs_release(&v);
	return st;
}

static void null_item(struct mc_ctx *ctx, const struct ir_node *item, const char *prefix,
	struct validate_record *rec)
{
	size_t first = ctx->diag.len;
	struct validate_opts def = { 0 };
	struct vstate v;
	vs_init(&v, ctx, &def, prefix);
	vs_report(&v, item, DIAG_ERROR, "resource/not-a-mapping",
		"a List item must be a mapping, not null");
	vs_release(&v);
	rec->status = VALIDATE_ERROR;
	validate_record_take(ctx, rec, first);
}

static bool is_list(const struct ir_node *d)
{
	const char *k = ir_path_cstr(d, "kind");
	return k && !strcasecmp(k, "List") && ir_is_seq(ir_map_getc(d, "items"));
}

void validate_input_run(struct mc_ctx *ctx, const struct schema_set *ss,
	const struct validate_input *in, const struct validate_opts *o,
	struct validate_records *out)
{
	for (size_t i = 0; i < in->docs.len; i++) {
		if (in->failed[i])
			continue;
		const struct ir_node *d = in->docs.items[i];
		struct validate_record r = { 0 };
		r.file = in->file;
		r.seq = in->seq;
		r.pos = in->docs.starts[i];
		r.doc = (uint32_t)i;
		r.item = -1;
		if (ir_is_map(d) && is_list(d)) {
			const struct ir_node *items = ir_map_getc(d, "items");
			for (uint32_t j = 0; j < items->seq.len; j++) {
				char prefix[32];
				snprintf(prefix, sizeof prefix, "/items/%u", j);
				struct validate_record ri = r;
				ri.item = (int32_t)j;
				const struct ir_node *item = items->seq.items[j];
				if (item)
					ri.pos = item->pos;
				if (item && item->type == IR_NULL) {
					/* Not an empty document: an item that is no object
					 * (kubectl: "Object 'Kind' is missing in 'null'"). */
					null_item(ctx, item, prefix, &ri);
					validate_records_push(ctx, out, &ri);
					continue;
				}
				if (validate_resource(ctx, ss, item, prefix, o, &ri) != VALIDATE_EMPTY)
					validate_records_push(ctx, out, &ri);
			}
			continue;
		}
		if (validate_resource(ctx, ss, d, "", o, &r) != VALIDATE_EMPTY)
			validate_records_push(ctx, out, &r);
	}
}
