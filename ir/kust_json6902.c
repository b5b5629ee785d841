/*
 * kust_json6902.c - RFC 6902 JSON patches as kustomize v5.5.0 applies them.
 *
 * kustomize hands the resource, as JSON, to evanphx/json-patch v4 and reads
 * the result back.  We apply the operations to the IR directly but keep
 * that library's rules, which differ from the RFC in places users rely on:
 * an `add` or `replace` needs every parent to exist (no parent is created),
 * `replace` of a missing map key adds it, `copy` from a missing key copies
 * null, negative array indices count from the end, a path without a
 * leading slash addresses its last segment at the top, and `test` compares
 * scalars by their JSON text (so 1 and 1.0 differ in a patch written as
 * JSON).  The JSON round trip itself has effects we reproduce: every number
 * of a patched resource becomes a float64 (integers past 2^53 lose digits)
 * and timestamps become plain strings.
 *
 * A patch is JSON when its text starts with '['; otherwise it is YAML,
 * converted as sigs.k8s.io/yaml does (YAML 1.1 scalars, first document).
 */
#include <string.h>

#include "mc/backend.h"
#include "mc/passes.h"

/* ------------------------------------------------------------- decode */

static const char *json_type(const struct ir_node *n)
{
	if (ir_is_null(n))
		return "null";
	switch (n->type) {
	case IR_BOOL: return "bool";
	case IR_INT: case IR_FLOAT: return "number";
	case IR_STR: return "string";
	case IR_SEQ: return "array";
	default: return "object";
	}
}

int kust_jpatch_decode(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *base,
	bool json, struct kust_jpatch *out, struct sbuf *err)
{
	memset(out, 0, sizeof *out);
	out->raw_json = json;
	struct yaml_opts yo = base ? *base : (struct yaml_opts){ 0 };
	yo.schema = YAML_V2;
	yo.flags |= YAML_DUPKEYS_OK;
	struct ir_docs docs = { 0 };
	struct diag saved = ctx->diag;
	/* Parse errors are this decoder's answer, not the build's: the caller
	 * decides (a patch that is neither SMP nor JSON 6902 is reported as
	 * such), so collect them apart. */
	diag_init(&ctx->diag);
	int e = yaml_load(ctx, f, &yo, &docs);
	struct diag mine = ctx->diag;
	ctx->diag = saved;
	if (e) {
		if (mine.len)
			sbuf_adds(err, mine.msgs[0].msg);
		diag_release(&mine);
		return -1;
	}
	diag_release(&mine);
	struct ir_node *doc = docs.len ? docs.items[0] : NULL;
	if (!ir_is_seq(doc)) {
		if (ir_is_null(doc)) {
			/* json.Unmarshal of null into a slice: an empty patch. */
			out->ops = ir_seq(ctx, doc ? &doc->pos : NULL);
			return 0;
		}
		sbuf_printf(err, "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
			json_type(doc));
		return -1;
	}
	for (uint32_t k = 0; k < doc->seq.len; k++) {
		const struct ir_node *op = doc->seq.items[k];
		if (!ir_is_null(op) && !ir_is_map(op)) {
			sbuf_printf(err, "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
				json_type(op));
			return -1;
		}
	}
	out->ops = doc;
	out->pos = doc->pos;
	return 0;
}

/* ------------------------------------------------------------- apply */

/* strings.Split(path, "/") and RFC 6901 unescaping (~1 then ~0). */
static const struct str *unescape(struct mc_ctx *ctx, const char *s, size_t n, struct sbuf *tmp)
{
	sbuf_reset(tmp);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~' && i + 1 < n && (s[i + 1] == '1' || s[i + 1] == '0')) {
			sbuf_addc(tmp, s[i + 1] == '1' ? '/' : '~');
			i++;
		} else {
			sbuf_addc(tmp, s[i]);
		}
	}
	return mc_intern(ctx, tmp->buf, tmp->len);
}

struct jp {
	struct mc_ctx *ctx;
	struct sbuf *err;
	struct sbuf tmp;
	bool raw_json;
	/* Values this patch inserted: in a JSON patch they keep the patch's
	 * text, so a later `test` compares them as written. */
	VEC(const struct ir_node *) inserted;
};

static bool was_inserted(const struct jp *J, const struct ir_node *n)
{
	for (size_t i = 0; i < J->inserted.len; i++)
		if (J->inserted.items[i] == n)
			return true;
	return false;
}

static bool atoi_go(const struct str *k, int64_t *out)
{
	return go_parse_int(k->s, k->len, 10, out);
}

/* partialArray index rules: negative counts from the end. */
static bool index_of(struct jp *J, const struct ir_node *a, const struct str *key, size_t len,
	int64_t *idx)
{
	if (!atoi_go(key, idx)) {
		sbuf_printf(J->err, "strconv.Atoi: parsing \"%s\": invalid syntax", key->s);
		return false;
	}
	(void)a;
	if (*idx < 0) {
		if (*idx < -(int64_t)len) {
			sbuf_printf(J->err, "Unable to access invalid index: %lld: invalid index referenced",
				(long long)*idx);
			return false;
		}
		*idx += (int64_t)len;
	}
	if (*idx >= (int64_t)len) {
		sbuf_printf(J->err, "Unable to access invalid index: %lld: invalid index referenced",
			(long long)*idx);
		return false;
	}
	return true;
}

/* container.get: map values (NULL when absent), array items. */
static bool c_get(struct jp *J, struct ir_node *c, const struct str *key, struct ir_node **val)
{
	if (ir_is_map(c)) {
		*val = ir_map_get(c, key);
		return true;
	}
	int64_t idx;
	if (!index_of(J, c, key, c->seq.len, &idx))
		return false;
	*val = c->seq.items[idx];
	return true;
}

static bool c_add(struct jp *J, struct ir_node *c, const struct str *key, struct ir_node *val)
{
	if (ir_is_map(c)) {
		ir_map_set(J->ctx, c, key, val);
		return true;
	}
	if (str_eqc(key, "-")) {
		ir_seq_push(J->ctx, c, val);
		return true;
	}
	int64_t idx;
	if (!atoi_go(key, &idx)) {
		sbuf_printf(J->err, "value was not a proper array index: '%s': strconv.Atoi: parsing \"%s\": invalid syntax",
			key->s, key->s);
		return false;
	}
	int64_t sz = (int64_t)c->seq.len + 1;
	if (idx >= sz || (idx < 0 && idx < -sz)) {
		sbuf_printf(J->err, "Unable to access invalid index: %lld: invalid index referenced",
			(long long)idx);
		return false;
	}
	if (idx < 0)
		idx += sz;
	ir_seq_insert(J->ctx, c, (size_t)idx, val);
	return true;
}

static bool c_remove(struct jp *J, struct ir_node *c, const struct str *key)
{
	if (ir_is_map(c)) {
		if (!ir_map_find(c, key)) {
			sbuf_printf(J->err, "Unable to remove nonexistent key: %s: missing value", key->s);
			return false;
		}
		ir_map_del(c, key);
		return true;
	}
	int64_t idx;
	if (!index_of(J, c, key, c->seq.len, &idx))
		return false;
	ir_seq_remove(c, (size_t)idx);
	return true;
}

/* findObject: the container holding the last segment of path, or NULL. */
static struct ir_node *find_object(struct jp *J, struct ir_node *root, const struct str *path,
	const struct str **key)
{
	const char *s = path->s, *end = s + path->len;
	const char *slash = memchr(s, '/', path->len);
	if (!slash)
		return NULL;
	/* The first segment (before the first '/') is ignored, as in Go. */
	const char *p = slash + 1;
	struct ir_node *doc = root;
	for (;;) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		if (!q) {
			*key = unescape(J->ctx, p, (size_t)(end - p), &J->tmp);
			return doc;
		}
		const struct str *part = unescape(J->ctx, p, (size_t)(q - p), &J->tmp);
		struct ir_node *next = NULL;
		size_t mark = J->err->len;
		if (!c_get(J, doc, part, &next)) {
			sbuf_truncate(J->err, mark);
			return NULL;
		}
		if (ir_is_null(next) || ir_is_scalar(next))
			return NULL;
		doc = next;
		p = q + 1;
	}
}

/* A scalar's JSON text as Go's encoder writes it (the document side of a
 * comparison), or, for patches written as JSON, as the patch wrote it. */
static void scalar_json(struct jp *J, const struct ir_node *n, bool raw, struct sbuf *out)
{
	sbuf_reset(out);
	if (raw && (n->type == IR_INT || n->type == IR_FLOAT)) {
		sbuf_addstr(out, n->s.text);
		return;
	}
	const char *err = NULL;
	(void)J;
	if (emit_json(out, n, EMIT_JSON_COMPACT, &err))
		sbuf_adds(out, "!");
}

/* lazyNode.equal: a from the document, b from the patch. */
static bool equal(struct jp *J, const struct ir_node *a, const struct ir_node *b, int depth,
	bool raw_a)
{
	if (depth > YAML_MAX_DEPTH)
		return false;
	if (J->raw_json && !raw_a && J->inserted.len && was_inserted(J, a))
		raw_a = true;
	if (ir_is_map(a)) {
		if (!ir_is_map(b) || a->map.len != b->map.len)
			return false;
		for (uint32_t i = 0; i < a->map.len; i++) {
			const struct ir_pair *q = ir_map_find(b, a->map.items[i].key->s.text);
			if (!q)
				return false;
			const struct ir_node *x = a->map.items[i].value, *y = q->value;
			if (ir_is_null(x) != ir_is_null(y))
				return false;
			if (ir_is_null(x))
				continue;
			if (!equal(J, x, y, depth + 1, raw_a))
				return false;
		}
		return true;
	}
	if (ir_is_seq(a)) {
		if (!ir_is_seq(b) || a->seq.len != b->seq.len)
			return false;
		for (uint32_t i = 0; i < a->seq.len; i++)
			if (!equal(J, a->seq.items[i], b->seq.items[i], depth + 1, raw_a))
				return false;
		return true;
	}
	if (!ir_is_scalar(b) && b)
		return false;
	struct sbuf x = SBUF_INIT, y = SBUF_INIT;
	struct ir_node nul = { .type = IR_NULL };
	scalar_json(J, a ? a : &nul, raw_a, &x);
	scalar_json(J, b ? b : &nul, J->raw_json, &y);
	bool eq = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	sbuf_release(&x);
	sbuf_release(&y);
	return eq;
}

static const struct str *op_str(struct jp *J, const struct ir_node *op, const char *field,
	bool *ok)
{
	const struct ir_pair *p = ir_map_find(op, mc_intern0(J->ctx, field));
	*ok = true;
	if (!p || ir_is_null(p->value))
		return NULL;
	if (!ir_is_str(p->value)) {
		*ok = false;
		sbuf_printf(J->err, "json: cannot unmarshal %s into Go value of type string",
			json_type(p->value));
		return NULL;
	}
	return p->value->s.text;
}

/* The op's value, a fresh copy each time (NULL pointer: absent). */
static struct ir_node *op_value(struct jp *J, const struct ir_node *op, bool *present)
{
	const struct ir_pair *p = ir_map_find(op, mc_intern0(J->ctx, "value"));
	*present = p != NULL;
	if (!p)
		return NULL;
	struct ir_node *v = p->value ? ir_clone(J->ctx, p->value) : ir_null(J->ctx, &op->pos);
	if (J->raw_json)
		VEC_PUSH(&J->ctx->arena, &J->inserted, v);
	return v;
}

static bool need(struct jp *J, const struct str *s, const char *what, const char *opname)
{
	if (s)
		return true;
	sbuf_printf(J->err, "%s operation failed to decode %s: missing value", opname, what);
	return false;
}

static bool apply_op(struct jp *J, struct ir_node **root, const struct ir_node *op)
{
	bool ok;
	const struct str *kind = NULL;
	const struct ir_node *kn = ir_map_getc(op, "op");
	if (ir_is_str(kn))
		kind = kn->s.text;
	const char *k = kind ? kind->s : "unknown";
	const struct str *path = op_str(J, op, "path", &ok), *key = NULL;
	if (!ok)
		return false;
	struct ir_node *con;
	bool present;
	if (!strcmp(k, "add") || !strcmp(k, "remove")) {
		if (!need(J, path, "path", k))
			return false;
		con = find_object(J, *root, path, &key);
		if (!con) {
			sbuf_printf(J->err, "%s operation does not apply: doc is missing path: \"%s\": missing value",
				k, path->s);
			return false;
		}
		size_t mark = J->err->len;
		bool r;
		if (k[0] == 'a') {
			struct ir_node *v = op_value(J, op, &present);
			r = c_add(J, con, key, v ? v : ir_null(J->ctx, &op->pos));
		} else {
			r = c_remove(J, con, key);
		}
		if (!r) {
			struct sbuf m = SBUF_INIT;
			sbuf_add(&m, J->err->buf + mark, J->err->len - mark);
			sbuf_truncate(J->err, mark);
			sbuf_printf(J->err, "error in %s for path: '%s': %s", k, path->s, m.buf);
			sbuf_release(&m);
		}
		return r;
	}
	if (!strcmp(k, "replace")) {
		if (!need(J, path, "path", k))
			return false;
		struct ir_node *v = op_value(J, op, &present);
		if (!path->len) {
			if (!ir_is_map(v) && !ir_is_seq(v)) {
				sbuf_adds(J->err, "replace operation value must be object or array");
				return false;
			}
			*root = v;
			return true;
		}
		con = find_object(J, *root, path, &key);
		if (!con) {
			sbuf_printf(J->err, "replace operation does not apply: doc is missing path: %s: missing value",
				path->s);
			return false;
		}
		struct ir_node *old;
		size_t mark = J->err->len;
		if (!c_get(J, con, key, &old)) {
			sbuf_truncate(J->err, mark);
			sbuf_printf(J->err, "replace operation does not apply: doc is missing key: %s: missing value",
				path->s);
			return false;
		}
		if (!v)
			v = ir_null(J->ctx, &op->pos);
		if (ir_is_map(con)) {
			ir_map_set(J->ctx, con, key, v);
		} else {
			int64_t idx;
			index_of(J, con, key, con->seq.len, &idx);
			con->seq.items[idx] = v;
		}
		return true;
	}
	if (!strcmp(k, "move") || !strcmp(k, "copy")) {
		bool move = k[0] == 'm';
		const struct str *from = op_str(J, op, "from", &ok);
		if (!ok || !need(J, from, "from", k))
			return false;
		con = find_object(J, *root, from, &key);
		if (!con) {
			sbuf_printf(J->err, "%s operation does not apply: doc is missing from path: %s: missing value",
				k, from->s);
			return false;
		}
		struct ir_node *val;
		size_t mark = J->err->len;
		if (!c_get(J, con, key, &val)) {
			struct sbuf m = SBUF_INIT;
			sbuf_add(&m, J->err->buf + mark, J->err->len - mark);
			sbuf_truncate(J->err, mark);
			sbuf_printf(J->err, "error in %s for path: '%s': %s", k, move ? key->s : from->s, m.buf);
			sbuf_release(&m);
			return false;
		}
		if (move) {
			if (!c_remove(J, con, key)) {
				struct sbuf m = SBUF_INIT;
				sbuf_add(&m, J->err->buf + mark, J->err->len - mark);
				sbuf_truncate(J->err, mark);
				sbuf_printf(J->err, "error in move for path: '%s': %s", key->s, m.buf);
				sbuf_release(&m);
				return false;
			}
		} else if (val) {
			bool raw = J->raw_json && was_inserted(J, val);
			val = ir_clone(J->ctx, val);
			if (raw)
				VEC_PUSH(&J->ctx->arena, &J->inserted, val);
		}
		if (!val)
			val = ir_null(J->ctx, &op->pos);
		if (!need(J, path, "path", k))
			return false;
		con = find_object(J, *root, path, &key);
		if (!con) {
			sbuf_printf(J->err, "%s operation does not apply: doc is missing destination path: %s: missing value",
				k, path->s);
			return false;
		}
		mark = J->err->len;
		if (!c_add(J, con, key, val)) {
			struct sbuf m = SBUF_INIT;
			sbuf_add(&m, J->err->buf + mark, J->err->len - mark);
			sbuf_truncate(J->err, mark);
			if (move)
				sbuf_printf(J->err, "error in move for path: '%s': %s", path->s, m.buf);
			else
				sbuf_printf(J->err, "error while adding value during copy: %s", m.buf);
			sbuf_release(&m);
			return false;
		}
		return true;
	}
	if (!strcmp(k, "test")) {
		if (!need(J, path, "path", k))
			return false;
		struct ir_node *v = op_value(J, op, &present);
		if (!path->len) {
			if (present && equal(J, *root, v, 0, false))
				return true;
			sbuf_printf(J->err, "testing value %s failed: test failed", path->s);
			return false;
		}
		con = find_object(J, *root, path, &key);
		if (!con) {
			sbuf_printf(J->err, "test operation does not apply: is missing path: %s: missing value",
				path->s);
			return false;
		}
		struct ir_node *val;
		size_t mark = J->err->len;
		if (!c_get(J, con, key, &val)) {
			struct sbuf m = SBUF_INIT;
			sbuf_add(&m, J->err->buf + mark, J->err->len - mark);
			sbuf_truncate(J->err, mark);
			sbuf_printf(J->err, "error in test for path: '%s': %s", path->s, m.buf);
			sbuf_release(&m);
			return false;
		}
		if (ir_is_null(val)) {
			if (!present) {
				/* json-patch v4 dereferences the missing value here
				 * and panics; we refuse the patch instead. */
				sbuf_printf(J->err, "test operation for path %s has no value", path->s);
				return false;
			}
			if (ir_is_null(v))
				return true;
		} else if (present && equal(J, val, v, 0, false)) {
			return true;
		}
		sbuf_printf(J->err, "testing value %s failed: test failed", path->s);
		return false;
	}
	sbuf_printf(J->err, "Unexpected kind: %s", k);
	return false;
}

/* What encoding the resource as JSON and decoding it into Go's
 * map[string]interface{} does to it. */
static void json_roundtrip(struct mc_ctx *ctx, struct ir_node *n, struct sbuf *tmp, int depth)
{
	if (!n || depth > YAML_MAX_DEPTH)
		return;
	switch (n->type) {
	case IR_INT:
	case IR_FLOAT: {
		/* float64, and its text as go-yaml writes it back. */
		double f = n->type == IR_FLOAT ? n->s.v.f
			: (n->flags & IR_F_UINT) ? (double)n->s.v.u : (double)n->s.v.i;
		n->type = IR_FLOAT;
		n->flags &= (uint16_t)~IR_F_UINT;
		n->s.v.f = f;
		sbuf_reset(tmp);
		go_ftoa(tmp, f, 'g', -1, 64);
		n->s.text = mc_intern(ctx, tmp->buf, tmp->len);
		n->tag = NULL;
		n->style = IR_STYLE_ANY;
		break;
	}
	case IR_BOOL:
		n->s.text = mc_intern0(ctx, n->s.v.b ? "true" : "false");
		n->tag = NULL;
		n->style = IR_STYLE_ANY;
		break;
	case IR_NULL:
		n->s.text = mc_intern0(ctx, "null");
		n->tag = NULL;
		n->style = IR_STYLE_ANY;
		break;
	case IR_STR: {
		if (n->flags & IR_F_TIMESTAMP) {
			sbuf_reset(tmp);
			if (yaml_timestamp(n->s.text->s, n->s.text->len, tmp))
				n->s.text = mc_intern(ctx, tmp->buf, tmp->len);
			n->flags &= (uint16_t)~IR_F_TIMESTAMP;
		}
		/* go-yaml writes the Go string back: no tag, quoted when it
		 * would read as something else, a block when multi-line. */
		struct ir_node r;
		memset(&r, 0, sizeof r);
		n->tag = NULL;
		if (memchr(n->s.text->s, '\n', n->s.text->len))
			n->style = IR_STYLE_LITERAL;
		else if (yaml_resolve(YAML_V3, n->s.text->s, n->s.text->len, &r) != IR_STR ||
			 (r.flags & IR_F_TIMESTAMP) || !n->s.text->len)
			n->style = IR_STYLE_DQUOTED;
		else
			n->style = IR_STYLE_ANY;
		break;
	}
	case IR_MAP:
		for (uint32_t i = 0; i < n->map.len; i++)
			json_roundtrip(ctx, n->map.items[i].value, tmp, depth + 1);
		break;
	case IR_SEQ:
		for (uint32_t i = 0; i < n->seq.len; i++)
			json_roundtrip(ctx, n->seq.items[i], tmp, depth + 1);
		break;
	default:
		break;
	}
}

/* encoding/json refuses infinities and NaN (the resource cannot be
 * marshalled for the patch). */
static const struct ir_node *unsupported_float(const struct ir_node *n, int depth)
{
	if (!n || depth > YAML_MAX_DEPTH)
		return NULL;
	if (n->type == IR_FLOAT && (n->s.v.f != n->s.v.f || n->s.v.f - n->s.v.f != 0))
		return n;
	if (n->type == IR_MAP)
		for (uint32_t i = 0; i < n->map.len; i++) {
			const struct ir_node *b = unsupported_float(n->map.items[i].value, depth + 1);
			if (b)
				return b;
		}
	if (n->type == IR_SEQ)
		for (uint32_t i = 0; i < n->seq.len; i++) {
			const struct ir_node *b = unsupported_float(n->seq.items[i], depth + 1);
			if (b)
				return b;
		}
	return NULL;
}

int kust_jpatch_apply(struct mc_ctx *ctx, const struct kust_jpatch *p, struct ir_node **body,
	struct sbuf *err)
{
	struct jp J = { ctx, err, SBUF_INIT, p->raw_json, { 0 } };
	int rc = 0;
	const struct ir_node *undec = kust_undecodable(*body, 0);
	if (undec) {
		kust_undecodable_msg(undec, err);
		return -1;
	}
	const struct ir_node *bad = unsupported_float(*body, 0);
	if (bad) {
		double f = bad->s.v.f;
		sbuf_printf(err, "json: unsupported value: %s", f != f ? "NaN" : f > 0 ? "+Inf" : "-Inf");
		return -1;
	}
	for (uint32_t i = 0; i < p->ops->seq.len && !rc; i++) {
		const struct ir_node *op = p->ops->seq.items[i];
		if (ir_is_null(op)) {
			sbuf_adds(err, "Unexpected kind: unknown");
			rc = -1;
			break;
		}
		if (!apply_op(&J, body, op))
			rc = -1;
	}
	sbuf_release(&J.tmp);
	if (rc)
		return rc;
	if (!ir_is_map(*body)) {
		sbuf_printf(err, "json: cannot unmarshal %s into Go value of type map[string]interface {}",
			json_type(*body));
		return -1;
	}
	struct sbuf tmp = SBUF_INIT;
	json_roundtrip(ctx, *body, &tmp, 0);
	sbuf_release(&tmp);
	return 0;
}
