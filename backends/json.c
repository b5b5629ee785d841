/*
 * json.c - JSON output.
 *
 * Written by hand rather than through jansson's dumper for one reason:
 * jansson prints reals with 17 significant digits (0.1 becomes
 * 0.10000000000000001), while every tool we mirror prints the shortest
 * form, as Go's encoding/json does.  Keys are sorted bytewise (Go's map
 * order), indentation is two spaces, strings are escaped as encoding/json
 * escapes them since Go 1.22 (\b and \f in short form), with HTML escaping
 * off unless asked for.  emit_json_quote is the project's one JSON string
 * encoder: the template functions (toJson, toRawJson) use it too.  jansson
 * is still what reads JSON input.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc/backend.h"
#include "mc/frontend.h"

void emit_json_quote(struct sbuf *out, const char *s, size_t n, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	bool html = flags & EMIT_JSON_HTML;
	sbuf_addc(out, '"');
	size_t start = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c >= 0x20 && c != '"' && c != '\\' &&
			    !(html && (c == '<' || c == '>' || c == '&'))) {
				i++;
				continue;
			}
			sbuf_add(out, s + start, i - start);
			switch (c) {
			case '"': sbuf_adds(out, "\\\""); break;
			case '\\': sbuf_adds(out, "\\\\"); break;
			case '\b': sbuf_adds(out, "\\b"); break;
			case '\f': sbuf_adds(out, "\\f"); break;
			case '\n': sbuf_adds(out, "\\n"); break;
			case '\r': sbuf_adds(out, "\\r"); break;
			case '\t': sbuf_adds(out, "\\t"); break;
			default: {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sbuf_add(out, e, 6);
			}
			}
			i++;
			start = i;
			continue;
		}
		uint32_t r;
		size_t l = utf8_decode(s + i, n - i, &r);
		if ((r == 0xfffd && l == 1) || r == 0x2028 || r == 0x2029) {
			sbuf_add(out, s + start, i - start);
			sbuf_printf(out, "\\u%04x", r);
			i += l;
			start = i;
			continue;
		}
		i += l;
	}
	sbuf_add(out, s + start, n - start);
	sbuf_addc(out, '"');
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct ir_pair *x = *(const struct ir_pair *const *)a;
	const struct ir_pair *y = *(const struct ir_pair *const *)b;
	return str_cmp(x->key->s.text, y->key->s.text);
}

static void newline(struct sbuf *out, unsigned flags, int depth)
{
	if (flags & EMIT_JSON_COMPACT)
		return;
	sbuf_addc(out, '\n');
	for (int i = 0; i < depth; i++)
		sbuf_adds(out, "  ");
}

static int value(struct sbuf *out, const struct ir_node *n, unsigned flags, int depth,
	const char **err)
{
	if (!n || n->type == IR_NULL) {
		sbuf_adds(out, "null");
		return 0;
	}
	switch (n->type) {
	case IR_BOOL:
		sbuf_adds(out, n->s.v.b ? "true" : "false");
		return 0;
	case IR_INT:
		if (n->flags & IR_F_UINT)
			sbuf_printf(out, "%llu", (unsigned long long)n->s.v.u);
		else
			sbuf_printf(out, "%lld", (long long)n->s.v.i);
		return 0;
	case IR_FLOAT:
		if (isnan(n->s.v.f) || isinf(n->s.v.f)) {
			if (err)
				*err = isnan(n->s.v.f) ? "json: unsupported value: NaN"
					: "json: unsupported value: Inf";
			return -1;
		}
		go_json_float(out, n->s.v.f);
		return 0;
	case IR_STR:
		if (n->flags & IR_F_TIMESTAMP) {
			struct sbuf ts = SBUF_INIT;
			if (yaml_timestamp(n->s.text->s, n->s.text->len, &ts))
				emit_json_quote(out, ts.buf, ts.len, flags);
			else
				emit_json_quote(out, n->s.text->s, n->s.text->len, flags);
			sbuf_release(&ts);
			return 0;
		}
		emit_json_quote(out, n->s.text->s, n->s.text->len, flags);
		return 0;
	case IR_SEQ:
		if (!n->seq.len) {
			sbuf_adds(out, "[]");
			return 0;
		}
		sbuf_addc(out, '[');
		for (uint32_t i = 0; i < n->seq.len; i++) {
			if (i)
				sbuf_addc(out, ',');
			newline(out, flags, depth + 1);
			if (value(out, n->seq.items[i], flags, depth + 1, err))
				return -1;
		}
		newline(out, flags, depth);
		sbuf_addc(out, ']');
		return 0;
	case IR_MAP: {
		if (!n->map.len) {
			sbuf_adds(out, "{}");
			return 0;
		}
		const struct ir_pair **order = xmalloc(n->map.len * sizeof *order);
		for (uint32_t i = 0; i < n->map.len; i++)
			order[i] = &n->map.items[i];
		if (!(flags & EMIT_JSON_UNSORTED))
			qsort(order, n->map.len, sizeof *order, cmp_bytes);
		sbuf_addc(out, '{');
		int rc = 0;
		for (uint32_t i = 0; i < n->map.len && !rc; i++) {
			if (i)
				sbuf_addc(out, ',');
			newline(out, flags, depth + 1);
			const struct str *k = order[i]->key->s.text;
			emit_json_quote(out, k->s, k->len, flags);
			sbuf_adds(out, (flags & EMIT_JSON_COMPACT) ? ":" : ": ");
			rc = value(out, order[i]->value, flags, depth + 1, err);
		}
		free(order);
		if (rc)
			return -1;
		newline(out, flags, depth);
		sbuf_addc(out, '}');
		return 0;
	}
	}
	return 0;
}

int emit_json(struct sbuf *out, const struct ir_node *n, unsigned flags, const char **err)
{
	size_t mark = out->len;
	if (value(out, n, flags, 0, err)) {
		sbuf_truncate(out, mark);
		return -1;
	}
	return 0;
}
