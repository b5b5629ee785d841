/*
 * gotmpl_json.c - encoding/json for template values: toJson, toPrettyJson,
 * toRawJson, fromJson and Helm's JSON/YAML functions.
 *
 * Marshal writes Go's bytes: map keys sorted, strings through the project's
 * one encoder (backend.h's emit_json_quote; HTML characters escaped unless
 * asked not to), floats in encoding/json's format, []byte as base64, NaN
 * and infinities refused with Go's error.  Unmarshal into interface{} gives
 * maps, []interface{}, float64 numbers, and Go's syntax error texts
 * ("invalid character 'x' looking for beginning of value").
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mc/backend.h"
#include "sprig_impl.h"

struct jenc {
	struct mc_ctx *ctx;
	struct sbuf *out;
	unsigned flags;
	const char **err;
	int depth;
};

static unsigned json_quote_flags(const struct jenc *e)
{
	return e->flags & GT_JSON_HTML ? EMIT_JSON_HTML : 0;
}

static void newline(struct jenc *e, int depth)
{
	if (!(e->flags & GT_JSON_INDENT))
		return;
	sbuf_addc(e->out, '\n');
	for (int i = 0; i < depth; i++)
		sbuf_adds(e->out, "  ");
}

static int enc(struct jenc *e, struct gt_value v, int depth)
{
	if (depth > 10000) {
		*e->err = "json: unsupported value: encountered a cycle";
		return -1;
	}
	struct sbuf *o = e->out;
	switch (gt_kind(v)) {
	case GT_NIL:
		sbuf_adds(o, "null");
		return 0;
	case GT_BOOL:
		sbuf_adds(o, v.b ? "true" : "false");
		return 0;
	case GT_INT:
		sbuf_printf(o, "%lld", (long long)v.i);
		return 0;
	case GT_UINT:
		sbuf_printf(o, "%llu", (unsigned long long)v.u);
		return 0;
	case GT_FLOAT: {
		double f = v.t->bits == 32 ? (double)(float)v.f : v.f;
		if (isnan(f) || isinf(f)) {
			struct sbuf sb = SBUF_INIT;
			sbuf_adds(&sb, "json: unsupported value: ");
			if (isnan(f))
				sbuf_adds(&sb, "NaN");
			else
				sbuf_adds(&sb, f > 0 ? "+Inf" : "-Inf");
			*e->err = arena_strndup(&e->ctx->arena, sb.buf, sb.len);
			sbuf_release(&sb);
			return -1;
		}
		if (v.t->bits == 32) {
			/* float32: shortest digits for 32 bits, same layout rules */
			double a = fabs(f);
			char fmt = a != 0 && (a < 1e-6 || a >= 1e21) ? 'e' : 'f';
			struct sbuf sb = SBUF_INIT;
			go_ftoa(&sb, f, fmt, -1, 32);
			if (fmt == 'e' && sb.len >= 4 && sb.buf[sb.len - 4] == 'e' &&
			    sb.buf[sb.len - 3] == '-' && sb.buf[sb.len - 2] == '0') {
				sb.buf[sb.len - 2] = sb.buf[sb.len - 1];
				sbuf_truncate(&sb, sb.len - 1);
			}
			sbuf_add(o, sb.buf, sb.len);
			sbuf_release(&sb);
			return 0;
		}
		go_json_float(o, f);
		return 0;
	}
	case GT_COMPLEX:
		*e->err = arena_printf(&e->ctx->arena, "json: unsupported type: %s", v.t->name);
		return -1;
	case GT_STRING:
		emit_json_quote(o, v.s.p ? v.s.p : "", v.s.n, json_quote_flags(e));
		return 0;
	case GT_LIST:
		if (!v.l) {
			sbuf_adds(o, "null");
			return 0;
		}
		if (v.t->elem == &gt_t_uint8) {
			struct sbuf raw = SBUF_INIT;
			for (uint32_t i = 0; i < v.l->len; i++)
				sbuf_addc(&raw, (char)v.l->items[i].u);
			sbuf_addc(o, '"');
			b64_encode(o, raw.buf, raw.len);
			sbuf_addc(o, '"');
			sbuf_release(&raw);
			return 0;
		}
		sbuf_addc(o, '[');
		for (uint32_t i = 0; i < v.l->len; i++) {
			if (i)
				sbuf_addc(o, ',');
			newline(e, depth + 1);
			if (enc(e, v.l->items[i], depth + 1))
				return -1;
		}
		if (v.l->len)
			newline(e, depth);
		sbuf_addc(o, ']');
		return 0;
	case GT_MAP: {
		if (!v.m) {
			sbuf_adds(o, "null");
			return 0;
		}
		size_t n;
		struct arena tmp = ARENA_INIT;
		struct gt_mapent *const *ents = gt_map_sorted(&tmp, v.m, &n);
		struct gt_mapent **copy = arena_alloc(&tmp, (n ? n : 1) * sizeof *copy);
		if (n)
			memcpy(copy, ents, n * sizeof *copy);
		sbuf_addc(o, '{');
		int rc = 0;
		for (size_t i = 0; i < n && !rc; i++) {
			if (i)
				sbuf_addc(o, ',');
			newline(e, depth + 1);
			emit_json_quote(o, copy[i]->k, copy[i]->klen, json_quote_flags(e));
			sbuf_addc(o, ':');
			if (e->flags & GT_JSON_INDENT)
				sbuf_addc(o, ' ');
			rc = enc(e, copy[i]->v, depth + 1);
		}
		arena_release(&tmp);
		if (rc)
			return -1;
		if (n)
			newline(e, depth);
		sbuf_addc(o, '}');
		return 0;
	}
	case GT_OBJ: {
		const struct gt_class *cls = (const struct gt_class *)v.t;
		if (!v.o && v.t->name[0] == '*') {
			sbuf_adds(o, "null");
			return 0;
		}
		if (!cls->to_data) {
			sbuf_adds(o, "{}");
			return 0;
		}
		return enc(e, cls->to_data(v.o, &e->ctx->arena), depth + 1);
	}
	}
	sbuf_adds(o, "null");
	return 0;
}

int gt_json_marshal(struct mc_ctx *ctx, struct sbuf *out, struct gt_value v, unsigned flags,
	const char **err)
{
	struct jenc e = { ctx, out, flags, err, 0 };
	*err = NULL;
	if (!v.t)
		v = gt_nil();
	size_t start = out->len;
	if (enc(&e, v, 0)) {
		sbuf_truncate(out, start);
		return -1;
	}
	return 0;
}

/* ---- decoding ---- */

struct jdec {
	struct arena *a;
	const char *s;
	size_t n, i;
	char *err;
	int depth;
};

static void quote_char(struct sbuf *sb, const char *s, size_t n)
{
	uint32_t r;
	utf8_decode(s, n, &r);
	if (r == '\'') {
		sbuf_adds(sb, "'\\''");
		return;
	}
	if (r == '"') {
		sbuf_adds(sb, "'\"'");
		return;
	}
	char enc8[4];
	size_t w = utf8_encode(enc8, r);
	struct sbuf q = SBUF_INIT;
	go_quote(&q, enc8, w, '"', false, false);
	sbuf_addc(sb, '\'');
	sbuf_add(sb, q.buf + 1, q.len - 2);
	sbuf_addc(sb, '\'');
	sbuf_release(&q);
}

static int jerr(struct jdec *d, const char *context)
{
	if (d->err)
		return -1;
	if (d->i >= d->n) {
		d->err = arena_strdup(d->a, "unexpected end of JSON input");
		return -1;
	}
	struct sbuf sb = SBUF_INIT;
	sbuf_adds(&sb, "invalid character ");
	quote_char(&sb, d->s + d->i, d->n - d->i);
	sbuf_addc(&sb, ' ');
	sbuf_adds(&sb, context);
	d->err = arena_strndup(d->a, sb.buf, sb.len);
	sbuf_release(&sb);
	return -1;
}

static void skip_ws(struct jdec *d)
{
	while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t' || d->s[d->i] == '\n' ||
			       d->s[d->i] == '\r'))
		d->i++;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_digit((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static int dec_string(struct jdec *d, struct gt_value *out)
{
	d->i++; /* '"' */
	struct sbuf sb = SBUF_INIT;
	for (;;) {
		if (d->i >= d->n) {
			sbuf_release(&sb);
			return jerr(d, "");
		}
		unsigned char c = (unsigned char)d->s[d->i];
		if (c == '"') {
			d->i++;
			break;
		}
		if (c < 0x20) {
			sbuf_release(&sb);
			return jerr(d, "in string literal");
		}
		if (c == '\\') {
			d->i++;
			if (d->i >= d->n) {
				sbuf_release(&sb);
				return jerr(d, "");
			}
			char e = d->s[d->i];
			switch (e) {
			case '"': case '\\': case '/': sbuf_addc(&sb, e); d->i++; break;
			case 'b': sbuf_addc(&sb, '\b'); d->i++; break;
			case 'f': sbuf_addc(&sb, '\f'); d->i++; break;
			case 'n': sbuf_addc(&sb, '\n'); d->i++; break;
			case 'r': sbuf_addc(&sb, '\r'); d->i++; break;
			case 't': sbuf_addc(&sb, '\t'); d->i++; break;
			case 'u': {
				d->i++;
				for (int k = 0; k < 4; k++) {
					if (d->i + (size_t)k >= d->n) {
						d->i += (size_t)k;
						sbuf_release(&sb);
						return jerr(d, "");
					}
					char h = d->s[d->i + (size_t)k];
					if (hex_digit((unsigned char)h) < 0) {
						d->i += (size_t)k;
						sbuf_release(&sb);
						return jerr(d, "in \\u hexadecimal character escape");
					}
				}
				uint32_t r = (uint32_t)hex4(d->s + d->i);
				d->i += 4;
				if (r >= 0xd800 && r < 0xdc00) {
					/* a surrogate pair, or U+FFFD */
					if (d->i + 6 <= d->n && d->s[d->i] == '\\' && d->s[d->i + 1] == 'u') {
						int lo = hex4(d->s + d->i + 2);
						if (lo >= 0xdc00 && lo < 0xe000) {
							r = 0x10000 + ((r - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
							d->i += 6;
						} else {
							r = 0xfffd;
						}
					} else {
						r = 0xfffd;
					}
				} else if (r >= 0xdc00 && r < 0xe000) {
					r = 0xfffd;
				}
				char enc8[4];
				sbuf_add(&sb, enc8, utf8_encode(enc8, r));
				break;
			}
			default:
				sbuf_release(&sb);
				return jerr(d, "in string escape code");
			}
			continue;
		}
		if (c < 0x80) {
			sbuf_addc(&sb, (char)c);
			d->i++;
			continue;
		}
		uint32_t r;
		size_t w = utf8_decode(d->s + d->i, d->n - d->i, &r);
		if (r == 0xfffd && w == 1)
			sbuf_adds(&sb, "\xef\xbf\xbd");
		else
			sbuf_add(&sb, d->s + d->i, w);
		d->i += w;
	}
	*out = gt_strdup(d->a, sb.buf, sb.len);
	sbuf_release(&sb);
	return 0;
}

static bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int dec_number(struct jdec *d, struct gt_value *out)
{
	size_t st = d->i;
	if (d->s[d->i] == '-')
		d->i++;
	if (d->i >= d->n)
		return jerr(d, "");
	if (d->s[d->i] == '0') {
		d->i++;
	} else if (isdig(d->s[d->i])) {
		while (d->i < d->n && isdig(d->s[d->i]))
			d->i++;
	} else {
		return jerr(d, "in numeric literal");
	}
	if (d->i < d->n && d->s[d->i] == '.') {
		d->i++;
		if (d->i >= d->n)
			return jerr(d, "");
		if (!isdig(d->s[d->i]))
			return jerr(d, "after decimal point in numeric literal");
		while (d->i < d->n && isdig(d->s[d->i]))
			d->i++;
	}
	if (d->i < d->n && (d->s[d->i] == 'e' || d->s[d->i] == 'E')) {
		d->i++;
		if (d->i < d->n && (d->s[d->i] == '+' || d->s[d->i] == '-'))
			d->i++;
		if (d->i >= d->n)
			return jerr(d, "");
		if (!isdig(d->s[d->i]))
			return jerr(d, "in exponent of numeric literal");
		while (d->i < d->n && isdig(d->s[d->i]))
			d->i++;
	}
	double f;
	if (!go_parse_float(d->s + st, d->i - st, &f)) {
		if (!d->err)
			d->err = arena_printf(d->a, "json: cannot unmarshal number %.*s into Go value of type float64",
				(int)(d->i - st), d->s + st);
		return -1;
	}
	*out = gt_float(f);
	return 0;
}

static int dec_literal(struct jdec *d, const char *lit, struct gt_value v, struct gt_value *out)
{
	size_t k = strlen(lit);
	for (size_t j = 0; j < k; j++) {
		if (d->i + j >= d->n) {
			d->i += j;
			return jerr(d, "");
		}
		if (d->s[d->i + j] != lit[j]) {
			d->i += j;
			char ctx[64];
			snprintf(ctx, sizeof ctx, "in literal %s (expecting '%c')", lit, lit[j]);
			return jerr(d, ctx);
		}
	}
	d->i += k;
	*out = v;
	return 0;
}

static int dec_value(struct jdec *d, struct gt_value *out)
{
	skip_ws(d);
	if (d->i >= d->n)
		return jerr(d, "");
	if (++d->depth > 10000) {
		d->err = arena_strdup(d->a, "exceeded max depth");
		return -1;
	}
	int rc;
	char c = d->s[d->i];
	switch (c) {
	case '{': {
		d->i++;
		struct gt_value m = gt_map_new(d->a, &gt_t_map);
		skip_ws(d);
		if (d->i < d->n && d->s[d->i] == '}') {
			d->i++;
			*out = m;
			rc = 0;
			break;
		}
		for (;;) {
			skip_ws(d);
			if (d->i >= d->n || d->s[d->i] != '"')
				return jerr(d, "looking for beginning of object key string");
			struct gt_value k;
			if (dec_string(d, &k))
				return -1;
			skip_ws(d);
			if (d->i >= d->n || d->s[d->i] != ':')
				return jerr(d, "after object key");
			d->i++;
			struct gt_value v;
			if (dec_value(d, &v))
				return -1;
			gt_map_set(d->a, m.m, k.s.p, k.s.n, v);
			skip_ws(d);
			if (d->i < d->n && d->s[d->i] == ',') {
				d->i++;
				continue;
			}
			if (d->i < d->n && d->s[d->i] == '}') {
				d->i++;
				break;
			}
			return jerr(d, "after object key:value pair");
		}
		*out = m;
		rc = 0;
		break;
	}
	case '[': {
		d->i++;
		struct gt_value l = gt_list_new(d->a, &gt_t_list, 4);
		skip_ws(d);
		if (d->i < d->n && d->s[d->i] == ']') {
			d->i++;
			*out = l;
			rc = 0;
			break;
		}
		for (;;) {
			struct gt_value v;
			if (dec_value(d, &v))
				return -1;
			gt_list_push(d->a, l, v);
			skip_ws(d);
			if (d->i < d->n && d->s[d->i] == ',') {
				d->i++;
				continue;
			}
			if (d->i < d->n && d->s[d->i] == ']') {
				d->i++;
				break;
			}
			return jerr(d, "after array element");
		}
		*out = l;
		rc = 0;
		break;
	}
	case '"':
		rc = dec_string(d, out);
		break;
	case 't':
		rc = dec_literal(d, "true", gt_bool(true), out);
		break;
	case 'f':
		rc = dec_literal(d, "false", gt_bool(false), out);
		break;
	case 'n':
		rc = dec_literal(d, "null", gt_nil(), out);
		break;
	default:
		if (c == '-' || isdig(c))
			rc = dec_number(d, out);
		else
			rc = jerr(d, "looking for beginning of value");
	}
	d->depth--;
	return rc;
}

int gt_json_unmarshal(struct arena *a, const char *s, size_t n, struct gt_value *out, char **err)
{
	struct jdec d = { a, s ? s : "", n, 0, NULL, 0 };
	*err = NULL;
	if (dec_value(&d, out)) {
		*err = d.err ? d.err : arena_strdup(a, "unexpected end of JSON input");
		return -1;
	}
	skip_ws(&d);
	if (d.i < d.n) {
		jerr(&d, "after top-level value");
		*err = d.err;
		return -1;
	}
	return 0;
}

/* The Go type name json errors use for a decoded value's kind. */
const char *gt_json_kind(struct gt_value v)
{
	switch (gt_kind(v)) {
	case GT_MAP: return "object";
	case GT_LIST: return "array";
	case GT_STRING: return "string";
	case GT_BOOL: return "bool";
	case GT_FLOAT: return "number";
	default: return "null";
	}
}

/* ---- Sprig's JSON functions ---- */

SP_FN(j_tojson)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_json_marshal(gt_call_ctx(c), &sb, a[0], GT_JSON_HTML, &err))
		sbuf_reset(&sb);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(j_must_tojson)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_json_marshal(gt_call_ctx(c), &sb, a[0], GT_JSON_HTML, &err)) {
		sbuf_release(&sb);
		return gt_call_errorf(c, "%s", err);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(j_topretty)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_json_marshal(gt_call_ctx(c), &sb, a[0], GT_JSON_HTML | GT_JSON_INDENT, &err))
		sbuf_reset(&sb);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(j_must_topretty)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_json_marshal(gt_call_ctx(c), &sb, a[0], GT_JSON_HTML | GT_JSON_INDENT, &err)) {
		sbuf_release(&sb);
		return gt_call_errorf(c, "%s", err);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* toRawJson panics on error (the message becomes the template error) */
SP_FN(j_torawjson)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *err;
	if (gt_json_marshal(gt_call_ctx(c), &sb, a[0], 0, &err)) {
		sbuf_release(&sb);
		return gt_call_errorf(c, "%s", err);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(j_fromjson)
{
	(void)n;
	char *err;
	struct gt_value v;
	if (gt_json_unmarshal(gt_call_arena(c), a[0].s.p, a[0].s.n, &v, &err))
		v = gt_nil();
	*ret = v;
	return 0;
}

SP_FN(j_must_fromjson)
{
	(void)n;
	char *err;
	struct gt_value v;
	if (gt_json_unmarshal(gt_call_arena(c), a[0].s.p, a[0].s.n, &v, &err))
		return gt_call_errorf(c, "%s", err);
	*ret = v;
	return 0;
}

const struct gt_func sprig_json_funcs[] = {
	{ "toJson", j_tojson, 1, false, { NULL }, NULL },
	{ "mustToJson", j_must_tojson, 1, false, { NULL }, NULL },
	{ "toPrettyJson", j_topretty, 1, false, { NULL }, NULL },
	{ "mustToPrettyJson", j_must_topretty, 1, false, { NULL }, NULL },
	{ "toRawJson", j_torawjson, 1, false, { NULL }, NULL },
	{ "mustToRawJson", j_torawjson, 1, false, { NULL }, NULL },
	{ "fromJson", j_fromjson, 1, false, { &gt_t_string }, NULL },
	{ "mustFromJson", j_must_fromjson, 1, false, { &gt_t_string }, NULL },
};

const size_t sprig_json_nfuncs = sizeof sprig_json_funcs / sizeof sprig_json_funcs[0];
