/*
 * kust_resources.c - the `resources:` (and `bases:`) pass of a kustomization.
 *
 * Each entry is a file of documents or a directory holding another
 * kustomization; as kustomize does, we try the entry as a file first and as
 * a directory second, and accumulate in order.  Documents are read with
 * go-yaml v3's resolution (kyaml), empty documents are dropped, and `*List`
 * kinds with `items` are expanded, the items going after the file's other
 * documents exactly as kustomize appends them.  An identity seen twice is an
 * error, reported at the entry that brought the second copy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc/passes.h"

static bool is_remote(const char *p)
{
	return strstr(p, "://") || !strncmp(p, "github.com/", 11) ||
		!strncmp(p, "git@", 4) || !strncmp(p, "gitlab.com/", 11) ||
		!strncmp(p, "bitbucket.org/", 14);
}

static bool ends_with(const struct str *s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s->len >= n && !memcmp(s->s + s->len - n, suffix, n);
}

/* kyaml's HasNilEntryInList: a null item in any sequence of the object. */
static const struct ir_node *nil_in_list(const struct ir_node *n)
{
	if (ir_is_map(n)) {
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct ir_node *r = nil_in_list(n->map.items[i].value);
			if (r)
				return r;
		}
	} else if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++) {
			if (ir_is_null(n->seq.items[i]))
				return n->seq.items[i] ? n->seq.items[i] : n;
			const struct ir_node *r = nil_in_list(n->seq.items[i]);
			if (r)
				return r;
		}
	}
	return NULL;
}

/* Validate one document as kustomize's dropBadNodes does. */
static int check_doc(struct mc_ctx *ctx, const struct ir_node *doc, const struct srcpos *start)
{
	if (!ir_is_map(doc))
		return diag_error(&ctx->diag, doc ? &doc->pos : start, "missing Resource metadata");
	const char *kind = ir_cstr(ir_map_get(doc, ctx->s_kind));
	if (!kind || !*kind)
		return diag_error(&ctx->diag, &doc->pos, "missing kind in object");
	size_t kl = strlen(kind);
	bool list = kl >= 4 && !strcmp(kind + kl - 4, "List");
	if (!list) {
		const char *name = ir_cstr(ir_path(doc, "metadata/name"));
		if (!name || !*name)
			return diag_error(&ctx->diag, &doc->pos, "missing metadata.name in object");
	}
	const struct ir_node *nil = nil_in_list(doc);
	if (nil)
		return diag_error(&ctx->diag, &nil->pos, "empty item in a list of the object");
	return 0;
}

/* kyaml's reader drops an annotations field that is empty or not a map. */
static void drop_empty_annotations(struct mc_ctx *ctx, struct ir_node *doc)
{
	struct ir_node *md = ir_map_get(doc, ctx->s_metadata);
	struct ir_pair *p = ir_map_find(md, ctx->s_annotations);
	if (p && (!ir_is_map(p->value) || p->value->map.len == 0))
		ir_map_del(md, ctx->s_annotations);
}

/* Load the resources of one file; 0 and the resources appended to out, or
 * the number of errors.  *not_file is set when path is not a regular file
 * (so the caller may try it as a directory). */
static int load_file(struct mc_ctx *ctx, const char *path, const char *display,
	struct ir_reslist *out, bool *not_file)
{
	int err;
	*not_file = false;
	const struct srcfile *f = vfs_load(ctx->fs, path, display, &err);
	if (!f) {
		*not_file = true;
		return 0;
	}
	struct ir_docs docs = { 0 };
	struct yaml_opts yo = { .schema = YAML_V3 };
	if (yaml_load(ctx, f, &yo, &docs))
		return 1;
	int errors = 0;
	size_t kept = 0;
	for (size_t i = 0; i < docs.len; i++) {
		struct ir_node *d = docs.items[i];
		/* kyaml's IsNilOrEmpty: null, {} and [] documents are dropped. */
		if (ir_is_null(d) || (ir_is_map(d) && !d->map.len) || (ir_is_seq(d) && !d->seq.len))
			continue;
		docs.items[kept] = d;
		docs.starts[kept++] = docs.starts[i];
	}
	docs.len = kept;
	for (size_t i = 0; i < docs.len; i++)
		errors += check_doc(ctx, docs.items[i], &docs.starts[i]);
	if (errors)
		return errors;
	/* Expand lists: kustomize appends the items after the remaining
	 * documents, so process a queue. */
	VEC(struct ir_node *) q = { 0 };
	for (size_t i = 0; i < docs.len; i++)
		VEC_PUSH(&ctx->arena, &q, docs.items[i]);
	for (size_t i = 0; i < q.len; i++) {
		struct ir_node *d = q.items[i];
		const struct str *kind = ir_text(ir_map_get(d, ctx->s_kind));
		if (kind && ends_with(kind, "List") && ir_map_find(d, ctx->s_items)) {
			struct ir_node *items = ir_map_get(d, ctx->s_items);
			if (ir_is_null(items))
				continue; /* an empty list */
			if (!ir_is_seq(items))
				return diag_error(&ctx->diag, &items->pos,
					"expected array in %s/items", kind->s);
			for (uint32_t j = 0; j < items->seq.len; j++) {
				struct ir_node *it = items->seq.items[j];
				if (!ir_is_map(it))
					return diag_error(&ctx->diag, &it->pos,
						"expected maps in %s/items", kind->s);
				VEC_PUSH(&ctx->arena, &q, it);
			}
			continue;
		}
		drop_empty_annotations(ctx, d);
		ir_reslist_push(ctx, out, ir_resource_new(ctx, d, &d->pos));
	}
	return 0;
}

/* Append src to dst, refusing identities dst already has. */
static int merge(struct mc_ctx *ctx, struct ir_reslist *dst, struct ir_reslist *src,
	const struct srcpos *at)
{
	int errors = 0;
	for (size_t i = 0; i < src->len; i++) {
		struct ir_resource *r = src->items[i];
		if (ir_reslist_find(ctx, dst, &r->id)) {
			errors += diag_error(&ctx->diag, at,
				"may not add resource with an already registered id: %s",
				ir_resid_fmt(ctx, &r->id));
			continue;
		}
		ir_reslist_push(ctx, dst, r);
	}
	return errors;
}

static int accumulate(struct ir_module *m, struct kust *k, const struct ir_node *entry)
{
	struct mc_ctx *ctx = m->ctx;
	const char *rel = ir_cstr(entry);
	if (!rel)
		return diag_error(&ctx->diag, &entry->pos, "resources entries must be strings");
	if (is_remote(rel))
		return diag_error(&ctx->diag, &entry->pos,
			"remote resource '%s' is not supported: manifestc works offline", rel);
	char *path = path_clean(k->dir, rel);
	int errors = 0;
	bool not_file = false;
	char *real = NULL;
	int rc = vfs_realpath(ctx->fs, path, &real);
	enum vfs_kind kind = VFS_MISSING;
	if (!rc)
		vfs_stat(ctx->fs, real, &kind);
	if (!rc && kind == VFS_FILE) {
		if (!k->opts->load_restrict_none && !path_within(real, k->realdir)) {
			errors = diag_error(&ctx->diag, &entry->pos,
				"security; file '%s' is not in or below '%s'", real, k->realdir);
		} else {
			struct ir_reslist got = { 0 };
			errors = load_file(ctx, path, path, &got, &not_file);
			if (!errors)
				errors = merge(ctx, &m->res, &got, &entry->pos);
		}
	} else if (!rc && kind == VFS_DIR) {
		struct kust_stack *stack = k->stack;
		struct ir_reslist got = { 0 };
		errors = kust_build_dir(ctx, path, k->opts, stack, KUST_RESOURCE, &entry->pos, &got);
		if (!errors)
			errors = merge(ctx, &m->res, &got, &entry->pos);
	} else {
		errors = diag_error(&ctx->diag, &entry->pos,
			"accumulating resources from '%s': %s", rel,
			rc == ENOENT || rc == ENOTDIR ? "no such file or directory"
			: rc == EACCES ? "outside the root manifestc may read" : strerror(rc ? rc : EINVAL));
	}
	free(real);
	free(path);
	return errors;
}

int kust_pass_resources(struct ir_module *m)
{
	struct kust *k = m->unit;
	int errors = 0;
	const char *fields[] = { "resources", "bases" };
	for (size_t f = 0; f < 2 && !errors; f++) {
		struct ir_node *list = ir_map_getc(k->doc, fields[f]);
		if (ir_is_null(list))
			continue;
		if (f == 1)
			diag_warn(&m->ctx->diag, &ir_map_find(k->doc, mc_intern0(m->ctx, "bases"))->key->pos,
				"# Warning: 'bases' is deprecated. Please use 'resources' instead. "
				"Run 'kustomize edit fix' to update your Kustomization automatically.");
		if (!ir_is_seq(list)) {
			errors += diag_error(&m->ctx->diag, &list->pos, "%s must be a list of paths",
				fields[f]);
			break;
		}
		for (uint32_t i = 0; i < list->seq.len && !errors; i++)
			errors += accumulate(m, k, list->seq.items[i]);
	}
	return errors;
}
