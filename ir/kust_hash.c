/*
 * kust_hash.c - the content hash suffix of generated ConfigMaps and
 * Secrets (kustomize's addHashesToNames and api/hasher).
 *
 * At the very end of the build (so prefixes, patches and merges are
 * included) each resource that still needs a hash gets
 * `<name>-<hash>`: SHA-256 of a JSON encoding of kind, "name", data and
 * binaryData (ConfigMap) or kind, name, type, data and stringData
 * (Secret), as Go's encoding/json writes a map (sorted keys, no spaces,
 * HTML characters escaped), the first ten hex digits with 0, 1, 3, a and e
 * replaced so the result never looks like a number or an English word.
 */
#include <openssl/evp.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/passes.h"

/* encoding/json string escaping with HTML escaping on (json.Marshal). */
static void json_str(struct sbuf *out, const char *s, size_t n)
{
	emit_json_quote(out, s, n, EMIT_JSON_HTML);
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct ir_pair *x = a, *y = b;
	return str_cmp(x->key->s.text, y->key->s.text);
}

/* A value as json.Marshal writes the interface{} that kyaml decodes it to. */
static void json_value(struct sbuf *out, const struct ir_node *n, int depth)
{
	if (ir_is_null(n) || depth > 256) {
		sbuf_adds(out, "null");
		return;
	}
	switch (n->type) {
	case IR_BOOL:
		sbuf_adds(out, n->s.v.b ? "true" : "false");
		return;
	case IR_INT:
		if (n->flags & IR_F_UINT)
			sbuf_printf(out, "%llu", (unsigned long long)n->s.v.u);
		else
			sbuf_printf(out, "%lld", (long long)n->s.v.i);
		return;
	case IR_FLOAT:
		go_json_float(out, n->s.v.f);
		return;
	case IR_STR:
		if (n->flags & IR_F_TIMESTAMP) {
			struct sbuf ts = SBUF_INIT;
			if (yaml_timestamp(n->s.text->s, n->s.text->len, &ts))
				json_str(out, ts.buf, ts.len);
			else
				json_str(out, n->s.text->s, n->s.text->len);
			sbuf_release(&ts);
			return;
		}
		json_str(out, n->s.text->s, n->s.text->len);
		return;
	case IR_SEQ:
		sbuf_addc(out, '[');
		for (uint32_t i = 0; i < n->seq.len; i++) {
			if (i)
				sbuf_addc(out, ',');
			json_value(out, n->seq.items[i], depth + 1);
		}
		sbuf_addc(out, ']');
		return;
	default: {
		struct ir_pair *p = xmalloc((n->map.len + 1) * sizeof *p);
		if (n->map.len)
			memcpy(p, n->map.items, n->map.len * sizeof *p);
		qsort(p, n->map.len, sizeof *p, cmp_pairs);
		sbuf_addc(out, '{');
		for (uint32_t i = 0; i < n->map.len; i++) {
			if (i && str_eq(p[i].key->s.text, p[i - 1].key->s.text))
				continue;
			if (i)
				sbuf_addc(out, ',');
			json_str(out, p[i].key->s.text->s, p[i].key->s.text->len);
			sbuf_addc(out, ':');
			json_value(out, p[i].value, depth + 1);
		}
		sbuf_addc(out, '}');
		free(p);
	}
	}
}

/* getNodeValues: a scalar is its text, a map its JSON, missing is "". */
static void field(struct sbuf *out, const struct ir_node *n)
{
	if (!n) {
		sbuf_adds(out, "\"\"");
	} else if (ir_is_map(n)) {
		json_value(out, n, 0);
	} else if (ir_is_seq(n)) {
		sbuf_adds(out, "null"); /* a list does not decode into the map */
	} else {
		const struct str *t = n->type == IR_NULL ? NULL : n->s.text;
		if (n->type == IR_NULL)
			sbuf_adds(out, "\"\"");
		else
			json_str(out, t->s, t->len);
	}
}

static void key(struct sbuf *out, const char *k, bool *first)
{
	if (!*first)
		sbuf_addc(out, ',');
	*first = false;
	sbuf_printf(out, "\"%s\":", k);
}

void kust_hash_encode(const struct ir_node *body, const struct str *kind, struct sbuf *out)
{
	/* kustomize looks the name up as one key named "metadata/name",
	 * which no resource has: the name always hashes as "". */
	const struct ir_node *name = ir_map_getc(body, "metadata/name");
	bool first = true;
	sbuf_addc(out, '{');
	if (str_eqc(kind, "ConfigMap")) {
		const struct ir_node *bin = ir_map_getc(body, "binaryData");
		if (ir_is_map(bin)) {
			key(out, "binaryData", &first);
			json_value(out, bin, 0);
		}
		key(out, "data", &first);
		field(out, ir_map_getc(body, "data"));
		key(out, "kind", &first);
		sbuf_adds(out, "\"ConfigMap\"");
		key(out, "name", &first);
		field(out, name);
	} else if (str_eqc(kind, "Secret")) {
		key(out, "data", &first);
		field(out, ir_map_getc(body, "data"));
		key(out, "kind", &first);
		sbuf_adds(out, "\"Secret\"");
		key(out, "name", &first);
		field(out, name);
		const struct ir_node *sd = ir_map_getc(body, "stringData");
		if (ir_is_map(sd)) {
			key(out, "stringData", &first);
			json_value(out, sd, 0);
		}
		key(out, "type", &first);
		field(out, ir_map_getc(body, "type"));
	} else {
		sbuf_truncate(out, out->len - 1);
		json_value(out, body, 0);
		return;
	}
	sbuf_addc(out, '}');
}

void kust_hash_suffix(const char *data, size_t len, char out[11])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 10; i++) {
		unsigned char nib = (unsigned char)((md[i / 2] >> (i % 2 ? 0 : 4)) & 15);
		char c = hex[nib];
		switch (c) {
		case '0': c = 'g'; break;
		case '1': c = 'h'; break;
		case '3': c = 'k'; break;
		case 'a': c = 'm'; break;
		case 'e': c = 't'; break;
		default: break;
		}
		out[i] = c;
	}
	out[10] = 0;
}

int kust_hash_apply(struct ir_module *m, struct kust *k)
{
	struct mc_ctx *ctx = m->ctx;
	struct sbuf enc = SBUF_INIT;
	for (size_t i = 0; i < m->res.len; i++) {
		struct ir_resource *r = m->res.items[i];
		struct kust_res *x = r->ext;
		if (!x || !x->needs_hash)
			continue;
		sbuf_reset(&enc);
		kust_hash_encode(r->body, r->id.kind, &enc);
		char h[11];
		kust_hash_suffix(enc.buf, enc.len, h);
		kust_rename(ctx, r, str_printf(&ctx->strs, "%s-%s", r->id.name->s, h));
	}
	sbuf_release(&enc);
	kust_acc_touched(k);
	return 0;
}

int kust_pass_hash(struct ir_module *m)
{
	return kust_hash_apply(m, m->unit);
}
