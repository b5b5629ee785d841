/*
 * helm_strvals.c - pkg/strvals: the `--set name=value` languages.
 *
 * Five flavours share one grammar: --set (typed values: true/false/null,
 * int64 unless the text starts with '0', else strings; {a,b} lists),
 * --set-string (always strings), --set-file (the value names a file whose
 * text becomes the string), --set-json (the value is one JSON document)
 * and --set-literal (no escapes, no commas: the rest of the argument).
 * Names are dotted paths with [i] indexes (lists grow with nulls, at most
 * 65536 entries, 30 levels of dots), `\` escapes the next character.
 *
 * The port keeps the parser's control flow because its corners are
 * observable: a key without '=' fails, a trailing ',' fails, "a." fails,
 * and indexing into a scalar fails with the text of the Go panic Helm
 * recovers from ("interface conversion: interface {} is string, not
 * []interface {}").
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "mc/helm.h"

#define MAX_INDEX 65536
#define MAX_NESTED 30

enum { OK = 0, END = 1, FAIL = -1, NOT_LIST = 2 };

struct parser {
	struct mc_ctx *ctx;
	const char *s;
	size_t pos, len;
	enum helm_set_kind kind;
	const char *err; /* the message when FAIL */
};

static const char *go_type(const struct ir_node *n)
{
	if (!n)
		return "nil";
	switch (n->type) {
	case IR_STR: return "string";
	case IR_BOOL: return "bool";
	case IR_INT: return "int64";
	case IR_FLOAT: return "float64";
	case IR_MAP: return "map[string]interface {}";
	case IR_SEQ: return "[]interface {}";
	default: return "nil";
	}
}

static int fail(struct parser *t, const char *msg)
{
	t->err = msg;
	return FAIL;
}

static int panic_conv(struct parser *t, const struct ir_node *have, const char *want)
{
	return fail(t, arena_printf(&t->ctx->arena,
		"unable to parse key: interface conversion: interface {} is %s, not %s",
		ir_is_null(have) ? "nil" : go_type(have), want));
}

/* runesUntil: bytes up to a stop character (not included, but consumed);
 * backslash escapes the next rune (not in the literal flavour).  Returns
 * OK with *last set, or END at the end of the input. */
static int until(struct parser *t, const char *stop, bool escapes, struct sbuf *out, char *last)
{
	sbuf_reset(out);
	while (t->pos < t->len) {
		char c = t->s[t->pos];
		uint32_t r;
		size_t l = utf8_decode(t->s + t->pos, t->len - t->pos, &r);
		t->pos += l;
		if ((unsigned char)c < 0x80 && strchr(stop, c) && c) {
			*last = c;
			return OK;
		}
		if (escapes && c == '\\') {
			if (t->pos >= t->len)
				return END;
			l = utf8_decode(t->s + t->pos, t->len - t->pos, &r);
			t->pos += l;
		}
		char buf[4];
		sbuf_add(out, buf, utf8_encode(buf, r));
	}
	*last = 0;
	return END;
}

static bool fold_eq(const char *a, size_t n, const char *w)
{
	if (strlen(w) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return true;
}

/* typedVal */
static struct ir_node *typed(struct mc_ctx *ctx, const char *v, size_t n, bool as_string)
{
	if (as_string)
		return ir_str(ctx, v, n, NULL);
	if (fold_eq(v, n, "true"))
		return ir_bool(ctx, true, NULL);
	if (fold_eq(v, n, "false"))
		return ir_bool(ctx, false, NULL);
	if (fold_eq(v, n, "null"))
		return ir_null(ctx, NULL);
	if (n == 1 && v[0] == '0')
		return ir_int(ctx, 0, NULL);
	int64_t i;
	if (n && v[0] != '0' && go_parse_int(v, n, 10, &i))
		return ir_int(ctx, i, NULL);
	return ir_str(ctx, v, n, NULL);
}

/* The reader: what a value's text becomes. */
static int read_value(struct parser *t, const char *v, size_t n, struct ir_node **out)
{
	if (t->kind != HELM_SET_FILE) {
		*out = typed(t->ctx, v, n, t->kind == HELM_SET_STRING);
		return OK;
	}
	char *path = arena_strndup(&t->ctx->arena, v, n);
	int e;
	const struct srcfile *f = vfs_load(t->ctx->fs, path, path, &e);
	if (!f)
		return fail(t, arena_printf(&t->ctx->arena, "open %s: %s", path,
			e == ENOENT ? "no such file or directory" : strerror(e)));
	*out = ir_str(t->ctx, f->data, f->len, NULL);
	return OK;
}

static void set(struct mc_ctx *ctx, struct ir_node *data, const char *key, size_t klen,
	struct ir_node *val)
{
	if (klen == 0)
		return;
	ir_map_set(ctx, data, mc_intern(ctx, key, klen), val);
}

static int set_index(struct parser *t, struct ir_node *list, int64_t i, struct ir_node *val)
{
	if (i < 0)
		return fail(t, arena_printf(&t->ctx->arena, "negative %lld index not allowed", (long long)i));
	if (i > MAX_INDEX)
		return fail(t, arena_printf(&t->ctx->arena,
			"index of %lld is greater than maximum supported index of %d", (long long)i, MAX_INDEX));
	while (list->seq.len <= (uint64_t)i)
		ir_seq_push(t->ctx, list, ir_null(t->ctx, NULL));
	list->seq.items[i] = val;
	return OK;
}

/* emptyVal: skip spaces; true at ',' (consumed) or the end. */
static bool empty_val(struct parser *t)
{
	while (t->pos < t->len) {
		uint32_t r;
		size_t l = utf8_decode(t->s + t->pos, t->len - t->pos, &r);
		if (r == ',') {
			t->pos += l;
			return true;
		}
		if (!go_is_space(r))
			return false;
		t->pos += l;
	}
	return true;
}

/* One JSON value from the rest of the input (json.Decoder.Decode). */
static int json_value(struct parser *t, struct ir_node **out)
{
	json_error_t je;
	json_t *j = json_loadb(t->s + t->pos, t->len - t->pos,
		JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
	if (!j)
		return fail(t, arena_strdup(&t->ctx->arena, je.text));
	*out = helm_json_to_ir(t->ctx, j, true);
	t->pos += (size_t)je.position;
	json_decref(j);
	return OK;
}

static int key(struct parser *t, struct ir_node *data, int level);

/* valList: "{a,b}" */
static int val_list(struct parser *t, struct ir_node **out)
{
	if (t->pos >= t->len)
		return END;
	if (t->s[t->pos] != '{')
		return NOT_LIST;
	t->pos++;
	struct ir_node *list = ir_seq(t->ctx, NULL);
	struct sbuf rs = SBUF_INIT;
	int rc = OK;
	for (;;) {
		char last;
		if (until(t, ",}", true, &rs, &last) == END) {
			rc = fail(t, "list must terminate with '}'");
			break;
		}
		struct ir_node *v;
		if (last == '}') {
			if (t->pos < t->len && t->s[t->pos] == ',')
				t->pos++;
			rc = read_value(t, rs.buf, rs.len, &v);
			ir_seq_push(t->ctx, list, v);
			break;
		}
		if ((rc = read_value(t, rs.buf, rs.len, &v)))
			break;
		ir_seq_push(t->ctx, list, v);
	}
	sbuf_release(&rs);
	*out = list;
	return rc;
}

/* val: up to the next ',' (or the end; the literal flavour takes it all). */
static void val(struct parser *t, struct sbuf *out)
{
	char last;
	until(t, t->kind == HELM_SET_LITERAL ? "" : ",", t->kind != HELM_SET_LITERAL, out, &last);
}

static int key_index(struct parser *t, int64_t *i)
{
	struct sbuf v = SBUF_INIT;
	char last;
	int rc = until(t, "]", t->kind != HELM_SET_LITERAL, &v, &last);
	if (rc == END) {
		sbuf_release(&v);
		return fail(t, "error parsing index: EOF");
	}
	if (!go_parse_int(v.buf, v.len, 10, i)) {
		const char *why = "invalid syntax";
		int64_t dummy;
		(void)dummy;
		bool digits = v.len > 0;
		for (size_t k = (v.len && (v.buf[0] == '+' || v.buf[0] == '-')); k < v.len; k++)
			if (v.buf[k] < '0' || v.buf[k] > '9')
				digits = false;
		if (digits && v.len > (size_t)(v.buf[0] == '+' || v.buf[0] == '-'))
			why = "value out of range";
		rc = fail(t, arena_printf(&t->ctx->arena,
			"error parsing index: strconv.Atoi: parsing %s: %s",
			go_quote_a(&t->ctx->arena, v.buf), why));
		sbuf_release(&v);
		return rc;
	}
	sbuf_release(&v);
	return OK;
}

/* The value after '=' for a key or a list index; *v gets it. */
static int assigned(struct parser *t, struct ir_node **v, bool in_list)
{
	if (t->kind == HELM_SET_JSON) {
		if (empty_val(t)) {
			*v = ir_null(t->ctx, NULL);
			return OK;
		}
		int rc = json_value(t, v);
		if (rc)
			return rc;
		empty_val(t);
		return OK;
	}
	if (t->kind == HELM_SET_LITERAL) {
		struct sbuf sb = SBUF_INIT;
		val(t, &sb);
		*v = ir_str(t->ctx, sb.buf, sb.len, NULL);
		sbuf_release(&sb);
		return OK;
	}
	int rc = val_list(t, v);
	if (rc == OK)
		return OK;
	if (rc == END) {
		*v = ir_str(t->ctx, "", 0, NULL);
		return in_list ? OK : END;
	}
	if (rc != NOT_LIST)
		return rc;
	struct sbuf sb = SBUF_INIT;
	val(t, &sb);
	rc = read_value(t, sb.buf, sb.len, v);
	sbuf_release(&sb);
	return rc;
}

static int list_item(struct parser *t, struct ir_node *list, int64_t i, int level)
{
	if (i < 0)
		return fail(t, arena_printf(&t->ctx->arena, "negative %lld index not allowed", (long long)i));
	struct sbuf k = SBUF_INIT;
	char last;
	int rc = until(t, "[.=", t->kind != HELM_SET_LITERAL, &k, &last);
	if (k.len > 0) {
		rc = fail(t, arena_printf(&t->ctx->arena, "unexpected data at end of array index: %s",
			go_quote_a(&t->ctx->arena, k.buf)));
		sbuf_release(&k);
		return rc;
	}
	sbuf_release(&k);
	if (rc == END)
		return END;
	switch (last) {
	case '=': {
		struct ir_node *v;
		rc = assigned(t, &v, true);
		if (rc)
			return rc;
		return set_index(t, list, i, v);
	}
	case '[': {
		int64_t next;
		if ((rc = key_index(t, &next)))
			return rc;
		struct ir_node *cur = ir_seq(t->ctx, NULL);
		if ((int64_t)list->seq.len > i && !ir_is_null(list->seq.items[i])) {
			if (!ir_is_seq(list->seq.items[i]))
				return panic_conv(t, list->seq.items[i], "[]interface {}");
			cur = list->seq.items[i];
		}
		if ((rc = list_item(t, cur, next, level)))
			return rc;
		return set_index(t, list, i, cur);
	}
	case '.': {
		struct ir_node *inner = ir_map(t->ctx, NULL);
		if ((int64_t)list->seq.len > i) {
			if (ir_is_map(list->seq.items[i]))
				inner = list->seq.items[i];
			else
				list->seq.items[i] = inner;
		}
		if ((rc = key(t, inner, level)))
			return rc;
		return set_index(t, list, i, inner);
	}
	default:
		return fail(t, arena_printf(&t->ctx->arena, "parse error: unexpected token %d", last));
	}
}

static int key(struct parser *t, struct ir_node *data, int level)
{
	struct mc_ctx *ctx = t->ctx;
	struct sbuf k = SBUF_INIT;
	char last;
	bool lit = t->kind == HELM_SET_LITERAL;
	int rc = until(t, lit ? "=[." : "=[,.", !lit, &k, &last);
	if (rc == END) {
		rc = k.len == 0 ? END : fail(t, arena_printf(&ctx->arena, "key %s has no value",
			go_quote_a(&ctx->arena, k.buf)));
		sbuf_release(&k);
		return rc;
	}
	char *kk = arena_strndup(&ctx->arena, k.buf, k.len);
	size_t klen = k.len;
	sbuf_release(&k);
	switch (last) {
	case '[': {
		int64_t i;
		if ((rc = key_index(t, &i)))
			return rc;
		struct ir_node *list = ir_seq(ctx, NULL);
		struct ir_pair *have = ir_map_find(data, mc_intern(ctx, kk, klen));
		if (have) {
			if (!ir_is_seq(have->value))
				return panic_conv(t, have->value, "[]interface {}");
			list = have->value;
		}
		rc = list_item(t, list, i, level);
		set(ctx, data, kk, klen, list);
		return rc;
	}
	case '=': {
		struct ir_node *v;
		rc = assigned(t, &v, false);
		if (rc == OK || rc == END)
			set(ctx, data, kk, klen, v);
		return rc;
	}
	case ',':
		set(ctx, data, kk, klen, ir_str(ctx, "", 0, NULL));
		return fail(t, arena_printf(&ctx->arena, "key %s has no value (cannot end with ,)",
			go_quote_a(&ctx->arena, kk)));
	case '.': {
		if (++level > MAX_NESTED)
			return fail(t, arena_printf(&ctx->arena,
				"value name nested level is greater than maximum supported nested level of %d",
				MAX_NESTED));
		struct ir_node *inner = ir_map(ctx, NULL);
		struct ir_pair *have = ir_map_find(data, mc_intern(ctx, kk, klen));
		if (have) {
			if (!ir_is_map(have->value))
				return panic_conv(t, have->value, "map[string]interface {}");
			inner = have->value;
		}
		rc = key(t, inner, level);
		if (rc == OK && inner->map.len == 0)
			return fail(t, arena_printf(&ctx->arena, "key map %s has no value",
				go_quote_a(&ctx->arena, kk)));
		if (inner->map.len)
			set(ctx, data, kk, klen, inner);
		return rc;
	}
	}
	return FAIL;
}

int helm_strvals_parse(struct mc_ctx *ctx, const char *s, enum helm_set_kind kind,
	struct ir_node *dest, const char **err)
{
	struct parser t = { ctx, s, 0, strlen(s), kind, NULL };
	for (;;) {
		int rc = key(&t, dest, 0);
		if (rc == OK)
			continue;
		if (rc == END)
			return 0;
		*err = t.err ? t.err : "parse error";
		return -1;
	}
}
