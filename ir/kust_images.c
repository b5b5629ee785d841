/*
 * kust_images.c - the `images:` field (ImageTagTransformer).
 *
 * For each entry kustomize runs two filters over every resource but CRDs:
 * a legacy walk that updates the `image` of every element of any
 * `containers` or `initContainers` list anywhere in the object, then the
 * image field specs (pod specs by default, more from configurations).  An
 * image matches when it is the entry's name (a regular expression, as
 * kustomize compiles it) optionally followed by a tag and a sha256 digest.
 * newName replaces the name; newTag and digest replace the tag and digest
 * (newTag alone drops a digest, digest alone drops the tag).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <string.h>

#include "mc/passes.h"
#include "mc/re2.h"

struct image {
	const char *name, *new_name, *new_tag, *digest, *tag_suffix;
	struct re2 *re; /* Go's regexp: `name: "*"` is valid there and matches any image */
};

static const char *opt(const struct ir_node *map, const char *key)
{
	const char *s = ir_cstr(ir_map_getc(map, key));
	return s ? s : "";
}

static bool matched(const struct image *im, const char *s, size_t n)
{
	if (!im->re)
		return false;
	return re2_match(im->re, s, n);
}

/* image.Split: name, tag and digest of an image reference. */
static void split(const char *s, size_t n, size_t *name_len, const char **tag, size_t *tag_len,
	const char **digest, size_t *digest_len)
{
	const char *slash = memchr(s, '/', n);
	size_t off = slash && slash > s ? (size_t)(slash - s) : 0;
	const char *search = s + off;
	size_t sn = n - off;
	const char *at = memchr(search, '@', sn);
	const char *colon = memchr(search, ':', sn);
	*tag = *digest = "";
	*tag_len = *digest_len = 0;
	if (!at && !colon) {
		*name_len = n;
		return;
	}
	if (at && (!colon || at < colon)) {
		*name_len = (size_t)(at - s);
		*digest = at + 1;
		*digest_len = n - *name_len - 1;
		return;
	}
	if (at && colon) {
		*name_len = (size_t)(colon - s);
		*tag = colon + 1;
		*tag_len = (size_t)(at - colon - 1);
		*digest = at + 1;
		*digest_len = (size_t)(s + n - at - 1);
		return;
	}
	*name_len = (size_t)(colon - s);
	*tag = colon + 1;
	*tag_len = n - *name_len - 1;
}

static int update(struct mc_ctx *ctx, const struct image *im, struct ir_node **slot,
	const struct srcpos *at, struct ir_resource *r)
{
	struct ir_node *n = *slot;
	if (!ir_is_scalar(n))
		return diag_error(&ctx->diag, at, "wrong node kind: the image of a container of %s "
			"must be a scalar", kust_id_str(ctx, &r->id));
	const struct str *v = n->s.text;
	if (!matched(im, v->s, v->len))
		return 0;
	size_t nl, tl, dl;
	const char *tag, *digest;
	split(v->s, v->len, &nl, &tag, &tl, &digest, &dl);
	struct sbuf out = SBUF_INIT;
	if (*im->new_name)
		sbuf_adds(&out, im->new_name);
	else
		sbuf_add(&out, v->s, nl);
	struct sbuf t = SBUF_INIT, d = SBUF_INIT;
	sbuf_add(&t, tag, tl);
	sbuf_add(&d, digest, dl);
	if (*im->new_tag && *im->digest) {
		sbuf_reset(&t);
		sbuf_adds(&t, im->new_tag);
		sbuf_reset(&d);
		sbuf_adds(&d, im->digest);
	} else if (*im->new_tag) {
		sbuf_reset(&t);
		sbuf_adds(&t, im->new_tag);
		sbuf_reset(&d);
	} else if (*im->digest) {
		sbuf_reset(&t);
		sbuf_reset(&d);
		sbuf_adds(&d, im->digest);
	} else if (*im->tag_suffix) {
		sbuf_adds(&t, im->tag_suffix);
		sbuf_reset(&d);
	}
	if (t.len) {
		sbuf_addc(&out, ':');
		sbuf_add(&out, t.buf, t.len);
	}
	if (d.len) {
		sbuf_addc(&out, '@');
		sbuf_add(&out, d.buf, d.len);
	}
	kust_set_scalar(ctx, slot, mc_intern(ctx, out.buf, out.len), IR_NULL, at); /* SetScalar */
	sbuf_release(&out);
	sbuf_release(&t);
	sbuf_release(&d);
	return 0;
}

struct walkctx {
	struct mc_ctx *ctx;
	const struct image *im;
	const struct srcpos *at;
	struct ir_resource *r;
};

static int containers(struct walkctx *w, struct ir_node *list)
{
	if (!ir_is_seq(list))
		return 0;
	for (uint32_t i = 0; i < list->seq.len; i++) {
		struct ir_node *c = list->seq.items[i];
		if (ir_is_null(c))
			continue;
		if (!ir_is_map(c))
			return diag_error(&w->ctx->diag, w->at,
				"wrong node kind: a container of %s must be a map", kust_id_str(w->ctx, &w->r->id));
		struct ir_pair *p = ir_map_find(c, mc_intern0(w->ctx, "image"));
		if (!p || !p->value)
			continue;
		int e = update(w->ctx, w->im, &p->value, w->at, w->r);
		if (e)
			return e;
	}
	return 0;
}

/* The legacy filter: every containers/initContainers list, at any depth. */
static int walk(struct walkctx *w, struct ir_node *n, int depth)
{
	if (depth > 512)
		return 0;
	if (ir_is_map(n)) {
		for (uint32_t i = 0; i < n->map.len; i++) {
			struct ir_pair *p = &n->map.items[i];
			int e = walk(w, p->value, depth + 1);
			if (e)
				return e;
			const struct str *key = p->key->s.text;
			if (str_eqc(key, "containers") || str_eqc(key, "initContainers")) {
				e = containers(w, p->value);
				if (e)
					return e;
			}
		}
	} else if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++) {
			int e = walk(w, n->seq.items[i], depth + 1);
			if (e)
				return e;
		}
	}
	return 0;
}

static int set_image(struct kust_fs_visit *v, struct ir_node **slot)
{
	if (ir_is_null(*slot))
		return 0;
	return update(v->ctx, v->arg, slot, v->at, v->res);
}

static bool compile(struct mc_ctx *ctx, struct image *im, const struct srcpos *at)
{
	struct sbuf re = SBUF_INIT;
	sbuf_printf(&re, "^%s(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$", im->name);
	im->re = re2_compile(re.buf, re.len, NULL);
	sbuf_release(&re);
	if (!im->re) {
		/* kustomize ignores the compile error and then fails on the
		 * nil pattern; report the bad name instead. */
		diag_error(&ctx->diag, at, "invalid image name '%s': not a valid regular expression",
			im->name);
		return false;
	}
	return true;
}

int kust_image_apply(struct ir_module *m, struct kust *k, const struct ir_node *entry,
	const struct kust_fslist *specs, const struct srcpos *at)
{
	(void)k;
	struct mc_ctx *ctx = m->ctx;
	struct image im = { opt(entry, "name"), opt(entry, "newName"), opt(entry, "newTag"),
		opt(entry, "digest"), opt(entry, "tagSuffix"), NULL };
	if (!compile(ctx, &im, at))
		return 1;
	int errors = 0;
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		if (str_eqc(r->id.kind, "CustomResourceDefinition"))
			continue;
		struct walkctx w = { ctx, &im, at, r };
		errors += walk(&w, r->body, 0);
	}
	for (size_t i = 0; i < m->res.len && !errors; i++) {
		struct ir_resource *r = m->res.items[i];
		if (str_eqc(r->id.kind, "CustomResourceDefinition"))
			continue;
		struct kust_fs_visit v = { ctx, set_image, -1, &im, at, r };
		for (size_t j = 0; j < specs->len && !errors; j++)
			errors += kust_fs_apply(&v, &specs->items[j], &r->body);
	}
	re2_free(im.re);
	return errors;
}

int kust_pass_images(struct ir_module *m)
{
	struct kust *k = m->unit;
	const struct ir_node *l = ir_map_getc(k->doc, "images");
	int errors = 0;
	for (uint32_t i = 0; ir_is_seq(l) && i < l->seq.len && !errors; i++) {
		const struct ir_node *e = l->seq.items[i];
		errors += kust_image_apply(m, k, e, &k->acc->tc.fs[KUST_FS_IMAGES], &e->pos);
		if (!errors)
			kust_after_transformer(m, k, "ImageTagTransformer");
	}
	return errors;
}
