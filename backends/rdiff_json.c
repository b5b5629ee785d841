/*
 * rdiff_json.c - a render diff as JSON, for bots and dashboards.
 *
 * The result is built as an IR tree and printed by emit_json (sorted keys,
 * Go's escaping), so the bytes are deterministic.  It carries what the
 * other formats show and nothing more: patches of masked copies, masked
 * key names, no digests (a digest of a Secret is a hash of its values).
 *
 *   {"version":1,"differs":true,"old":…,"new":…,"summary":{…},
 *    "images":[{"environment","image","old","new"}],
 *    "environments":[{"name","status","applications":[{"name","status",
 *      "syncWave":{"old","new"},"destination":{"old","new"},"project":{…},
 *      "sourceDiff","resources":[{"apiVersion","group","kind","namespace",
 *      "name","status","syncWave":{…},"order":{"old","new"},"masked",
 *      "maskedKeys":{"changed","added","removed"},"diff"}]}]}]}
 */
#include <string.h>

#include "mc/backend.h"
#include "mc/diff.h"

static void set_str(struct mc_ctx *ctx, struct ir_node *m, const char *k, const char *v)
{
	ir_map_setc(ctx, m, k, v ? ir_str0(ctx, v, NULL) : ir_null(ctx, NULL));
}

static void set_int(struct mc_ctx *ctx, struct ir_node *m, const char *k, long v)
{
	ir_map_setc(ctx, m, k, ir_int(ctx, v, NULL));
}

static struct ir_node *change_int(struct mc_ctx *ctx, long o, long n)
{
	struct ir_node *m = ir_map(ctx, NULL);
	set_int(ctx, m, "old", o);
	set_int(ctx, m, "new", n);
	return m;
}

static struct ir_node *change_str(struct mc_ctx *ctx, const char *o, const char *n)
{
	struct ir_node *m = ir_map(ctx, NULL);
	set_str(ctx, m, "old", o);
	set_str(ctx, m, "new", n);
	return m;
}

static struct ir_node *names(struct mc_ctx *ctx, const struct mask_names *v)
{
	struct ir_node *s = ir_seq(ctx, NULL);
	for (size_t i = 0; i < v->len; i++)
		ir_seq_push(ctx, s, ir_str0(ctx, v->items[i], NULL));
	return s;
}

static struct ir_node *resource(struct mc_ctx *ctx, const struct rd_res *r)
{
	const struct rout_res *id = r->new ? r->new : r->old;
	struct ir_node *m = ir_map(ctx, NULL);
	set_str(ctx, m, "apiVersion", id->api_version);
	set_str(ctx, m, "group", id->group);
	set_str(ctx, m, "kind", id->kind);
	set_str(ctx, m, "namespace", id->ns);
	set_str(ctx, m, "name", id->name);
	set_str(ctx, m, "header", r->header);
	set_str(ctx, m, "status", rdiff_status_word(r->status));
	if (r->wave_changed)
		ir_map_setc(ctx, m, "syncWave", change_int(ctx, r->old->wave, r->new->wave));
	if (r->moved)
		ir_map_setc(ctx, m, "order", change_int(ctx, (long)r->old_pos, (long)r->new_pos));
	ir_map_setc(ctx, m, "masked", ir_bool(ctx, r->masked, NULL));
	if (r->masked) {
		struct ir_node *k = ir_map(ctx, NULL);
		ir_map_setc(ctx, k, "changed", names(ctx, &r->keys.changed));
		ir_map_setc(ctx, k, "added", names(ctx, &r->keys.added));
		ir_map_setc(ctx, k, "removed", names(ctx, &r->keys.removed));
		ir_map_setc(ctx, m, "maskedKeys", k);
	}
	set_str(ctx, m, "diff", r->patch);
	return m;
}

static struct ir_node *application(struct mc_ctx *ctx, const struct rd_app *a)
{
	struct ir_node *m = ir_map(ctx, NULL);
	set_str(ctx, m, "name", a->name);
	set_str(ctx, m, "status", rdiff_status_word(a->status));
	if (a->wave_changed)
		ir_map_setc(ctx, m, "syncWave", change_int(ctx, a->old->wave, a->new->wave));
	if (a->dest_changed) {
		struct ir_node *d = ir_map(ctx, NULL);
		ir_map_setc(ctx, d, "server", change_str(ctx, a->old->server, a->new->server));
		ir_map_setc(ctx, d, "namespace", change_str(ctx, a->old->dest_ns, a->new->dest_ns));
		ir_map_setc(ctx, m, "destination", d);
	}
	if (a->project_changed)
		ir_map_setc(ctx, m, "project", change_str(ctx, a->old->project, a->new->project));
	if (a->source_patch)
		set_str(ctx, m, "sourceDiff", a->source_patch);
	struct ir_node *counts = ir_map(ctx, NULL);
	set_int(ctx, counts, "added", (long)a->added);
	set_int(ctx, counts, "removed", (long)a->removed);
	set_int(ctx, counts, "changed", (long)a->changed);
	set_int(ctx, counts, "moved", (long)a->moved);
	ir_map_setc(ctx, m, "counts", counts);
	struct ir_node *res = ir_seq(ctx, NULL);
	for (size_t i = 0; i < a->nres; i++)
		ir_seq_push(ctx, res, resource(ctx, &a->res[i]));
	ir_map_setc(ctx, m, "resources", res);
	return m;
}

int rdiff_json(struct mc_ctx *ctx, struct sbuf *out, const struct rdiff *d, const struct rdiff_fmt *f)
{
	struct ir_node *root = ir_map(ctx, NULL);
	set_int(ctx, root, "version", 1);
	ir_map_setc(ctx, root, "differs", ir_bool(ctx, d->differs, NULL));
	set_str(ctx, root, "old", f->old_label);
	set_str(ctx, root, "new", f->new_label);
	struct ir_node *sum = ir_map(ctx, NULL);
	set_int(ctx, sum, "environments", (long)d->nenvs);
	ir_map_setc(ctx, sum, "applications", ir_map(ctx, NULL));
	struct ir_node *apps = ir_map_getc(sum, "applications");
	set_int(ctx, apps, "added", (long)d->apps_added);
	set_int(ctx, apps, "removed", (long)d->apps_removed);
	set_int(ctx, apps, "changed", (long)d->apps_changed);
	struct ir_node *res = ir_map(ctx, NULL);
	set_int(ctx, res, "added", (long)d->res_added);
	set_int(ctx, res, "removed", (long)d->res_removed);
	set_int(ctx, res, "changed", (long)d->res_changed);
	ir_map_setc(ctx, sum, "resources", res);
	ir_map_setc(ctx, root, "summary", sum);

	struct ir_node *images = ir_seq(ctx, NULL), *envs = ir_seq(ctx, NULL);
	for (size_t i = 0; i < d->nenvs; i++) {
		const struct rd_env *e = &d->envs[i];
		for (size_t j = 0; j < e->nimages; j++) {
			struct ir_node *im = ir_map(ctx, NULL);
			set_str(ctx, im, "environment", e->name);
			set_str(ctx, im, "image", e->images[j].repo);
			set_str(ctx, im, "old", e->images[j].old);
			set_str(ctx, im, "new", e->images[j].new);
			ir_seq_push(ctx, images, im);
		}
		struct ir_node *em = ir_map(ctx, NULL);
		set_str(ctx, em, "name", e->name);
		set_str(ctx, em, "status", rdiff_status_word(e->status));
		struct ir_node *as = ir_seq(ctx, NULL);
		for (size_t j = 0; j < e->napps; j++)
			ir_seq_push(ctx, as, application(ctx, &e->apps[j]));
		ir_map_setc(ctx, em, "applications", as);
		ir_seq_push(ctx, envs, em);
	}
	ir_map_setc(ctx, root, "images", images);
	ir_map_setc(ctx, root, "environments", envs);
	const char *err = NULL;
	if (emit_json(out, root, 0, &err))
		return -1;
	sbuf_addc(out, '\n');
	return 0;
}
