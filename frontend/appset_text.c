/*
 * appset_text.c - the string functions of Argo CD's ApplicationSet
 * templates: Replace in both modes, the legacy fasttemplate renderer,
 * normalize, slugify, Go's %v of parameter values and the flattening the
 * post-selector and the legacy git files generator use.
 *
 * Legacy Replace follows utils.Render.Replace exactly: a string is only
 * touched when some single line holds "{{" and later "}}" (the regexp
 * `.*{{.*}}.*`, whose '.' does not match a newline); then every "{{...}}"
 * (up to the first "}}") whose trimmed content names a string parameter is
 * replaced, and anything else is kept verbatim, whitespace included.
 */
#include <stdlib.h>
#include <string.h>

#include "argocd.h"

/* ------------------------------------------------------- fasttemplate */

static bool templated(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '\n')
			e++;
		const char *open = NULL;
		for (size_t j = i; j + 1 < e; j++) {
			if (!open && s[j] == '{' && s[j + 1] == '{') {
				open = s + j;
				j++;
			} else if (open && s[j] == '}' && s[j + 1] == '}') {
				return true;
			}
		}
		i = e + 1;
	}
	return false;
}

static const char *find2(const char *s, const char *end, char c)
{
	for (const char *p = s; p + 1 < end; p++)
		if (p[0] == c && p[1] == c)
			return p;
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int appset_fasttemplate(const char *s, size_t n, const struct ir_node *params, struct sbuf *out,
	struct sbuf *err)
{
	if (!templated(s, n)) {
		sbuf_add(out, s, n);
		return 0;
	}
	const char *end = s + n, *p = s;
	size_t start = out->len;
	for (;;) {
		const char *open = find2(p, end, '{');
		if (!open) {
			sbuf_add(out, p, (size_t)(end - p));
			return 0;
		}
		sbuf_add(out, p, (size_t)(open - p));
		const char *tag = open + 2;
		const char *close = find2(tag, end, '}');
		if (!close) {
			sbuf_truncate(out, start);
			sbuf_printf(err, "invalid template: Cannot find end tag=\"}}\" in the template=\"%.*s\" starting from \"%.*s\"",
				(int)n, s, (int)(end - tag), tag);
			return 1;
		}
		const char *kb = tag, *ke = close;
		while (kb < ke && is_space(*kb))
			kb++;
		while (ke > kb && is_space(ke[-1]))
			ke--;
		const struct ir_node *v = NULL;
		if (ke > kb && ir_is_map(params)) {
			for (uint32_t i = 0; i < params->map.len && !v; i++) {
				const struct str *k = params->map.items[i].key->s.text;
				if (k->len == (size_t)(ke - kb) && !memcmp(k->s, kb, k->len))
					v = params->map.items[i].value;
			}
		}
		if (ir_is_str(v))
			sbuf_addstr(out, v->s.text);
		else
			sbuf_add(out, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
}

/* --------------------------------------------------------- Replace */

bool appset_missing_key_error(const char *msg)
{
	return strstr(msg, "map has no entry for key") || strstr(msg, "can't evaluate field");
}

int appset_gotemplate(struct mc_ctx *ctx, const struct appset_mode *mode, const char *s,
	size_t n, const struct ir_node *params, struct sbuf *out, struct sbuf *err);

int appset_replace(struct mc_ctx *ctx, const struct appset_mode *mode, const char *s, size_t n,
	const struct ir_node *params, struct sbuf *out, struct sbuf *err)
{
	if (!mode->go)
		return appset_fasttemplate(s, n, params, out, err);
	/* text/template copies text outside actions verbatim, so a string
	 * without "{{" renders to itself whatever the options. */
	if (!find2(s, s + n, '{')) {
		sbuf_add(out, s, n);
		return 0;
	}
	return appset_gotemplate(ctx, mode, s, n, params, out, err);
}

/* ------------------------------------------------ normalize, slugify */

void appset_normalize(struct sbuf *out, const char *s, size_t n)
{
	size_t start = out->len;
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t l = utf8_decode(s + i, n - i, &r);
		i += l;
		/* strings.ToLower, of which only these two non-ASCII runes
		 * become characters the name may keep. */
		if (r == 0x212A)
			r = 'k';
		else if (r == 0x130)
			r = 'i';
		else if (r >= 'A' && r <= 'Z')
			r += 'a' - 'A';
		bool ok = (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '.';
		sbuf_addc(out, ok ? (char)r : '-');
	}
	if (out->len - start > 253)
		sbuf_truncate(out, start + 253);
	size_t b = start, e = out->len;
	while (b < e && (out->buf[b] == '-' || out->buf[b] == '.'))
		b++;
	while (e > b && (out->buf[e - 1] == '-' || out->buf[e - 1] == '.'))
		e--;
	memmove(out->buf + start, out->buf + b, e - b);
	sbuf_truncate(out, start + (e - b));
}

void appset_slugify(struct sbuf *out, const char *s, size_t n, long max_len, bool smart)
{
	struct sbuf t = SBUF_INIT;
	appset_normalize(&t, s, n);
	/* The normalized name is lowercase ASCII without spaces, so slug's
	 * trimming, transliteration and lowercasing change nothing. */
	if (!smart && max_len >= 0 && t.len >= (size_t)max_len)
		sbuf_truncate(&t, (size_t)max_len);
	size_t w = 0;
	for (size_t i = 0; i < t.len; i++) {
		char c = t.buf[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_';
		if (!ok)
			c = '-';
		if (c == '-' && w && t.buf[w - 1] == '-')
			continue;
		t.buf[w++] = c;
	}
	sbuf_truncate(&t, w);
	size_t b = 0, e = t.len;
	while (b < e && (t.buf[b] == '-' || t.buf[b] == '_'))
		b++;
	while (e > b && (t.buf[e - 1] == '-' || t.buf[e - 1] == '_'))
		e--;
	const char *r = t.buf + b;
	size_t rl = e - b;
	if (max_len > 0 && smart && rl > (size_t)max_len) {
		size_t cut = (size_t)max_len;
		long i = max_len;
		for (; i >= 0; i--)
			if (r[i] == '-')
				break;
		if (i >= 0)
			cut = (size_t)i;
		rl = cut;
	}
	sbuf_add(out, r, rl);
	sbuf_release(&t);
}

/* ------------------------------------------------------------ %v */

static double num_of(const struct ir_node *n)
{
	if (n->type == IR_FLOAT)
		return n->s.v.f;
	return (n->flags & IR_F_UINT) ? (double)n->s.v.u : (double)n->s.v.i;
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct ir_pair *x = a, *y = b;
	return str_cmp(x->key->s.text, y->key->s.text);
}

void appset_fmt_v(struct sbuf *out, const struct ir_node *n)
{
	if (ir_is_null(n)) {
		sbuf_adds(out, "<nil>");
		return;
	}
	switch (n->type) {
	case IR_BOOL:
		sbuf_adds(out, n->s.v.b ? "true" : "false");
		break;
	case IR_INT:
	case IR_FLOAT:
		go_ftoa(out, num_of(n), 'g', -1, 64);
		break;
	case IR_STR:
		sbuf_addstr(out, n->s.text);
		break;
	case IR_SEQ:
		sbuf_addc(out, '[');
		for (uint32_t i = 0; i < n->seq.len; i++) {
			if (i)
				sbuf_addc(out, ' ');
			appset_fmt_v(out, n->seq.items[i]);
		}
		sbuf_addc(out, ']');
		break;
	case IR_MAP: {
		/* fmt prints maps with their keys sorted. */
		struct ir_pair *p = xmalloc((n->map.len ? n->map.len : 1) * sizeof *p);
		memcpy(p, n->map.items, n->map.len * sizeof *p);
		qsort(p, n->map.len, sizeof *p, cmp_pairs);
		sbuf_adds(out, "map[");
		for (uint32_t i = 0; i < n->map.len; i++) {
			if (i)
				sbuf_addc(out, ' ');
			sbuf_addstr(out, p[i].key->s.text);
			sbuf_addc(out, ':');
			appset_fmt_v(out, p[i].value);
		}
		sbuf_addc(out, ']');
		free(p);
		break;
	}
	}
}

/* ------------------------------------------------------------ flatten */

static void flatten_into(struct mc_ctx *ctx, struct ir_node *flat, const struct ir_node *n,
	struct sbuf *key, struct sbuf *tmp, int depth)
{
	size_t klen = key->len;
	bool recurse = depth < YAML_MAX_DEPTH &&
		((ir_is_map(n)) || (ir_is_seq(n) && !(n->flags & APPSET_F_TYPED_SLICE)));
	if (!recurse) {
		sbuf_reset(tmp);
		appset_fmt_v(tmp, n);
		ir_map_set(ctx, flat, mc_intern(ctx, key->buf, key->len),
			ir_str(ctx, tmp->buf, tmp->len, n ? &n->pos : NULL));
		return;
	}
	uint32_t len = n->type == IR_MAP ? n->map.len : n->seq.len;
	for (uint32_t i = 0; i < len; i++) {
		if (depth)
			sbuf_addc(key, '.');
		if (n->type == IR_MAP)
			sbuf_addstr(key, n->map.items[i].key->s.text);
		else
			sbuf_printf(key, "%u", i);
		flatten_into(ctx, flat, n->type == IR_MAP ? n->map.items[i].value : n->seq.items[i],
			key, tmp, depth + 1);
		sbuf_truncate(key, klen);
	}
}

struct ir_node *appset_flatten(struct mc_ctx *ctx, const struct ir_node *params)
{
	struct ir_node *flat = ir_map(ctx, params ? &params->pos : NULL);
	struct sbuf key = SBUF_INIT, tmp = SBUF_INIT;
	if (ir_is_map(params))
		flatten_into(ctx, flat, params, &key, &tmp, 0);
	sbuf_release(&key);
	sbuf_release(&tmp);
	return flat;
}
