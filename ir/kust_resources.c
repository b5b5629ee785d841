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

/* What kustomize would fetch (a URL, a git repository spec): manifestc
 * never touches the network, so these are refused. */
bool kust_is_remote(const char *p)
{
	return strstr(p, "://") || !strncmp(p, "github.com/", 11) ||
		!strncmp(p, "git@", 4) || !strncmp(p, "gitlab.com/", 11) ||
		!strncmp(p, "bitbucket.org/", 14) || !strncmp(p, "git::", 5) ||
		!strncmp(p, "gh:", 3) || strstr(p, ".git//") || strstr(p, "_git/") ||
		(strstr(p, ".git") && strstr(p, "?ref="));
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

static int parse_docs(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_reslist *out, bool patches);

int kust_parse_resources(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_reslist *out)
{
	return parse_docs(ctx, f, yo, out, false);
}

/* Patches keep their annotations field as written: `annotations: null`
 * in a strategic merge patch clears the target's. */
int kust_parse_patches(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_reslist *out)
{
	return parse_docs(ctx, f, yo, out, true);
}

static int parse_docs(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_reslist *out, bool patches)
{
	struct ir_docs docs = { 0 };
	if (kust_read_docs(ctx, f, yo, &docs))
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
		if (!patches)
			drop_empty_annotations(ctx, d);
		ir_reslist_push(ctx, out, ir_resource_new(ctx, d, &d->pos));
	}
	return 0;
}

const char *kust_path_join(struct mc_ctx *ctx, const char *base, const char *rel)
{
	char *joined = *base ? path_clean(base, rel) : path_clean(NULL, rel);
	const char *r = arena_strdup(&ctx->arena, joined);
	free(joined);
	return r;
}

/* Resource files already included in this build.  Each inclusion must get
 * its own objects, since transformers edit them in place.  The first
 * inclusion takes the parsed objects as they are (no copy: most files are
 * included once); a second inclusion parses the file again and keeps a
 * pristine copy of that parse, which every later inclusion clones.  So a
 * file is parsed at most twice, and only files included more than once
 * cost a copy. */
struct parsed {
	const struct srcfile *file;
	struct ir_node **bodies; /* the pristine copy, once a second inclusion made it */
	size_t n;
};

/* The files of one build by srcfile (vfs gives one per file), open addressing. */
struct parse_cache {
	struct parsed **slots;
	size_t cap, len;
};

static struct parsed **cache_slot(struct parse_cache *c, const struct srcfile *f)
{
	size_t i = (size_t)(((uintptr_t)f >> 4) * 0x9e3779b97f4a7c15ull) & (c->cap - 1);
	while (c->slots[i] && c->slots[i]->file != f)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

/* The entry of f, made if new (*fresh then set). */
static struct parsed *cache_get(struct mc_ctx *ctx, struct kust *k, const struct srcfile *f,
	bool *fresh)
{
	struct parse_cache *c = k->top->parse_cache;
	if (!c) {
		c = k->top->parse_cache = arena_calloc(&ctx->arena, 1, sizeof *c);
		c->cap = 64;
		c->slots = arena_calloc(&ctx->arena, c->cap, sizeof *c->slots);
	}
	struct parsed **slot = cache_slot(c, f);
	*fresh = !*slot;
	if (*slot)
		return *slot;
	struct parsed *p = arena_calloc(&ctx->arena, 1, sizeof *p);
	p->file = f;
	*slot = p;
	if (++c->len * 2 > c->cap) {
		struct parsed **old = c->slots;
		size_t ocap = c->cap;
		c->cap *= 2;
		c->slots = arena_calloc(&ctx->arena, c->cap, sizeof *c->slots);
		for (size_t i = 0; i < ocap; i++)
			if (old[i])
				*cache_slot(c, old[i]->file) = old[i];
	}
	return p;
}

/* A deep copy sharing the interned strings (same context). */
static struct ir_node *clone(struct mc_ctx *ctx, const struct ir_node *n)
{
	if (!n)
		return NULL;
	struct ir_node *c = arena_alloc(&ctx->arena, sizeof *c);
	*c = *n;
	if (n->type == IR_MAP) {
		c->flags &= (uint16_t)~IR_F_MAPIDX;
		c->map.cap = n->map.len;
		c->map.items = n->map.len ? arena_alloc(&ctx->arena, n->map.len * sizeof *c->map.items)
			: NULL;
		for (uint32_t i = 0; i < n->map.len; i++) {
			c->map.items[i].key = clone(ctx, n->map.items[i].key);
			c->map.items[i].value = clone(ctx, n->map.items[i].value);
		}
	} else if (n->type == IR_SEQ) {
		c->seq.cap = n->seq.len;
		c->seq.items = n->seq.len ? arena_alloc(&ctx->arena, n->seq.len * sizeof *c->seq.items)
			: NULL;
		for (uint32_t i = 0; i < n->seq.len; i++)
			c->seq.items[i] = clone(ctx, n->seq.items[i]);
	}
	return c;
}

/* The resources of file f, in new objects (see struct parsed). */
static int resources_of(struct mc_ctx *ctx, struct kust *k, const struct srcfile *f,
	struct ir_reslist *out)
{
	bool fresh;
	struct parsed *p = cache_get(ctx, k, f, &fresh);
	if (p->bodies) {
		for (size_t i = 0; i < p->n; i++) {
			struct ir_node *b = clone(ctx, p->bodies[i]);
			ir_reslist_push(ctx, out, ir_resource_new(ctx, b, &b->pos));
		}
		return 0;
	}
	struct yaml_opts yo = { .schema = YAML_V3 };
	int errors = kust_parse_resources(ctx, f, &yo, out);
	if (errors || fresh)
		return errors;
	p->n = out->len;
	p->bodies = arena_alloc(&ctx->arena, (out->len ? out->len : 1) * sizeof *p->bodies);
	for (size_t i = 0; i < out->len; i++)
		p->bodies[i] = clone(ctx, out->items[i]->body);
	return 0;
}

/* The origin annotation value kustomize writes (YAML of resource.Origin). */
static const char *origin_yaml(struct mc_ctx *ctx, const char *path)
{
	return arena_printf(&ctx->arena, "path: %s\n", kust_origin_quote(ctx, path));
}

void kust_set_annotation(struct mc_ctx *ctx, struct ir_node *body, const char *key,
	const char *value)
{
	struct ir_node *md = ir_map_child(ctx, body, "metadata");
	struct ir_node *ann = ir_map_get(md, ctx->s_annotations);
	if (!ir_is_map(ann))
		ann = ir_map_setc(ctx, md, "annotations", ir_map(ctx, &md->pos));
	ir_map_setc(ctx, ann, key, ir_str0(ctx, value, &body->pos));
}

static int accumulate(struct ir_module *m, struct kust *k, const struct ir_node *entry)
{
	struct mc_ctx *ctx = m->ctx;
	const char *rel = ir_cstr(entry);
	if (kust_is_remote(rel))
		return diag_error(&ctx->diag, &entry->pos,
			"remote resource '%s' is not supported: manifestc works offline", rel);
	if (!*rel)
		return diag_error(&ctx->diag, &entry->pos,
			"accumulating resources from '': new root cannot be empty");
	char *path = path_clean(k->dir, rel);
	int errors = 0;
	char *real = NULL;
	int rc = vfs_realpath(ctx->fs, path, &real);
	enum vfs_kind kind = VFS_MISSING;
	if (!rc)
		vfs_stat(ctx->fs, real, &kind);
	if (!rc && kind == VFS_FILE) {
		if (!k->opts->load_restrict_none && !path_within(real, k->realdir)) {
			errors = diag_error(&ctx->diag, &entry->pos,
				"security; file '%s' is not in or below '%s'", path, k->dir);
		} else {
			int err;
			const struct srcfile *f = vfs_load(ctx->fs, path, path, &err);
			struct ir_reslist got = { 0 };
			if (!f)
				errors = diag_error(&ctx->diag, &entry->pos, "read %s: %s", path, strerror(err));
			else
				errors = resources_of(ctx, k, f, &got);
			const char *origin = NULL;
			if (!errors && k->origin_path)
				origin = origin_yaml(ctx, kust_path_join(ctx, k->origin_path, rel));
			for (size_t i = 0; i < got.len && !errors; i++) {
				if (origin)
					kust_set_annotation(ctx, got.items[i]->body, "config.kubernetes.io/origin",
						origin);
				errors += kust_acc_append(m, k, got.items[i], &entry->pos);
			}
		}
	} else if (!rc && kind == VFS_DIR) {
		if (rel[0] == '/')
			errors = diag_error(&ctx->diag, &entry->pos, "new root '%s' cannot be absolute", rel);
		else
			errors = kust_build_dir(ctx, path, k->opts, k, KUST_RESOURCE, &entry->pos, rel, m);
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

int kust_accumulate_paths(struct ir_module *m, struct kust *k, const struct ir_node *list)
{
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(list) && i < list->seq.len && !errors; i++)
		errors += accumulate(m, k, list->seq.items[i]);
	return errors;
}

int kust_pass_resources(struct ir_module *m)
{
	struct kust *k = m->unit;
	return kust_accumulate_paths(m, k, ir_map_getc(k->doc, "resources"));
}
