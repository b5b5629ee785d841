/*
 * rdiff_text.c - a render diff for a terminal or a CI log.
 *
 * The layout reads top-down like `git diff`: the image changes first (what
 * a reviewer of a release asks about), then each Application that differs
 * with one line of Application-level changes per item, then each resource
 * under its `group/Kind namespace/name` header with its unified hunks.
 * Colour (bold headers, red/green lines, cyan hunk headers) only when the
 * driver says the output is a terminal without NO_COLOR.
 *
 * The one-line summaries (rdiff_app_summary, rdiff_res_notes) are shared
 * with the markdown format.
 */
#include <string.h>

#include "mc/diff.h"

#define BOLD "\033[1m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define CYAN "\033[36m"
#define RESET "\033[m"

const char *rdiff_status_word(enum rd_status s)
{
	switch (s) {
	case RD_ADDED:
		return "added";
	case RD_REMOVED:
		return "removed";
	case RD_CHANGED:
		return "changed";
	default:
		return "unchanged";
	}
}

static void counts(struct sbuf *out, size_t changed, size_t added, size_t removed, size_t moved)
{
	const char *sep = "";
	size_t v[4] = { changed, added, removed, moved };
	static const char *const w[4] = { "changed", "added", "removed", "moved" };
	for (int i = 0; i < 4; i++)
		if (v[i]) {
			sbuf_printf(out, "%s%zu %s", sep, v[i], w[i]);
			sep = ", ";
		}
}

void rdiff_app_summary(struct sbuf *out, const struct rd_app *a)
{
	sbuf_adds(out, rdiff_status_word(a->status));
	if (a->status != RD_CHANGED) {
		size_t n = a->added + a->removed;
		sbuf_printf(out, " (%zu resource%s)", n, n == 1 ? "" : "s");
	} else if (a->changed + a->added + a->removed) {
		sbuf_adds(out, " (");
		counts(out, a->changed, a->added, a->removed, 0);
		sbuf_addc(out, ')');
	}
}

void rdiff_app_notes(struct sbuf *out, const struct rd_app *a, const char *prefix)
{
	const struct rout_app *o = a->old, *n = a->new;
	if (a->wave_changed)
		sbuf_printf(out, "%ssync wave %ld → %ld\n", prefix, o->wave, n->wave);
	if (a->dest_changed)
		sbuf_printf(out, "%sdestination %s %s → %s %s\n", prefix, o->server,
			o->dest_ns[0] ? o->dest_ns : "(no namespace)", n->server,
			n->dest_ns[0] ? n->dest_ns : "(no namespace)");
	if (a->project_changed)
		sbuf_printf(out, "%sproject %s → %s\n", prefix, o->project, n->project);
	if (a->source_patch)
		sbuf_printf(out, "%ssource changed\n", prefix);
}

static void key_list(struct sbuf *out, const char *what, const struct mask_names *v, bool *first)
{
	if (!v->len)
		return;
	sbuf_printf(out, "%s%s: ", *first ? "" : "; ", what);
	for (size_t i = 0; i < v->len; i++)
		sbuf_printf(out, "%s%s", i ? ", " : "", v->items[i]);
	*first = false;
}

void rdiff_res_notes(struct sbuf *out, const struct rd_res *r)
{
	sbuf_adds(out, rdiff_status_word(r->status));
	if (r->wave_changed)
		sbuf_printf(out, ", sync wave %ld → %ld", r->old->wave, r->new->wave);
	if (r->moved)
		sbuf_printf(out, ", moved in sync order %zu → %zu", r->old_pos, r->new_pos);
	if (r->status == RD_CHANGED && r->old && r->new &&
	    strcmp(r->old->api_version, r->new->api_version))
		sbuf_printf(out, ", apiVersion %s → %s", r->old->api_version, r->new->api_version);
	if (r->masked) {
		sbuf_adds(out, " (values masked");
		bool first = true;
		if (r->keys.changed.len || r->keys.added.len || r->keys.removed.len)
			sbuf_adds(out, "; ");
		key_list(out, "changed", &r->keys.changed, &first);
		key_list(out, "added", &r->keys.added, &first);
		key_list(out, "removed", &r->keys.removed, &first);
		sbuf_addc(out, ')');
	}
}

void rdiff_image_line(struct sbuf *out, const char *env, const struct rd_image *im)
{
	sbuf_printf(out, "%s: %s %s → %s", env, im->repo, im->old ? im->old : "(none)",
		im->new ? im->new : "(none)");
}

/* Hunks, coloured line by line. */
static void hunks(struct sbuf *out, const char *patch, bool color)
{
	if (!color) {
		sbuf_adds(out, patch);
		return;
	}
	const char *p = patch;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *c = *p == '@' ? CYAN : *p == '-' ? RED : *p == '+' ? GREEN : NULL;
		if (c)
			sbuf_adds(out, c);
		sbuf_add(out, p, n);
		if (c)
			sbuf_adds(out, RESET);
		sbuf_addc(out, '\n');
		p += n + (e != NULL);
	}
}

void rdiff_summary_line(struct sbuf *out, const struct rdiff *d)
{
	size_t apps = d->apps_added + d->apps_removed + d->apps_changed;
	sbuf_printf(out, "%zu Application%s differ%s in %zu environment%s", apps,
		apps == 1 ? "" : "s", apps == 1 ? "s" : "", d->nenvs, d->nenvs == 1 ? "" : "s");
	if (d->apps_added || d->apps_removed) {
		sbuf_adds(out, " (");
		counts(out, d->apps_changed, d->apps_added, d->apps_removed, 0);
		sbuf_addc(out, ')');
	}
	size_t res = d->res_changed + d->res_added + d->res_removed;
	if (res) {
		sbuf_printf(out, "; %zu resource%s: ", res, res == 1 ? "" : "s");
		counts(out, d->res_changed, d->res_added, d->res_removed, 0);
	}
}

void rdiff_text(struct sbuf *out, const struct rdiff *d, const struct rdiff_fmt *f)
{
	if (!d->differs)
		return;
	const char *b = f->color ? BOLD : "", *r = f->color ? RESET : "";
	size_t nimages = 0;
	for (size_t i = 0; i < d->nenvs; i++)
		nimages += d->envs[i].nimages;
	if (nimages) {
		sbuf_printf(out, "%simages%s\n", b, r);
		for (size_t i = 0; i < d->nenvs; i++)
			for (size_t j = 0; j < d->envs[i].nimages; j++) {
				sbuf_adds(out, "  ");
				rdiff_image_line(out, d->envs[i].name, &d->envs[i].images[j]);
				sbuf_addc(out, '\n');
			}
		sbuf_addc(out, '\n');
	}
	for (size_t i = 0; i < d->nenvs; i++) {
		const struct rd_env *e = &d->envs[i];
		if (e->status != RD_CHANGED)
			sbuf_printf(out, "%senvironment %s: %s%s\n\n", b, e->name,
				rdiff_status_word(e->status), r);
		for (size_t j = 0; j < e->napps; j++) {
			const struct rd_app *a = &e->apps[j];
			sbuf_printf(out, "%s%s/%s: ", b, e->name, a->name);
			rdiff_app_summary(out, a);
			sbuf_printf(out, "%s\n", r);
			rdiff_app_notes(out, a, "  ");
			if (a->source_patch)
				hunks(out, a->source_patch, f->color);
			sbuf_addc(out, '\n');
			for (size_t k = 0; k < a->nres; k++) {
				const struct rd_res *res = &a->res[k];
				sbuf_printf(out, "%s%s%s: ", b, res->header, r);
				rdiff_res_notes(out, res);
				sbuf_addc(out, '\n');
				hunks(out, res->patch, f->color);
				sbuf_addc(out, '\n');
			}
		}
	}
	rdiff_summary_line(out, d);
	sbuf_addc(out, '\n');
}
