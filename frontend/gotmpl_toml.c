/*
 * gotmpl_toml.c - TOML for Helm's toToml and fromToml (BurntSushi/toml).
 *
 * The encoder writes BurntSushi's layout: plain keys first, then tables
 * ([a], nested ones indented by two spaces per level) and arrays of
 * tables ([[a]]), keys sorted, nil values skipped, floats always with a
 * decimal point.  The decoder reads TOML 1.0 (strings of the four kinds,
 * integers in every base, floats, booleans, date-times, arrays, inline
 * tables, dotted keys, [tables] and [[arrays of tables]]) into maps,
 * []interface{}, int64, float64 and time.Time values.  Its error texts are
 * BurntSushi v1.6.0's lexer's (fromToml shows them in the map's Error key),
 * with ParseError's "(last key ...)": the table context and current key.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sprig_impl.h"

/* ---- encoding ---- */

static bool bare_key(const char *k, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

static void toml_quoted(struct sbuf *o, const char *s, size_t n)
{
	sbuf_addc(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': sbuf_adds(o, "\\\""); break;
		case '\\': sbuf_adds(o, "\\\\"); break;
		case '\b': sbuf_adds(o, "\\b"); break;
		case '\t': sbuf_adds(o, "\\t"); break;
		case '\n': sbuf_adds(o, "\\n"); break;
		case '\f': sbuf_adds(o, "\\f"); break;
		case '\r': sbuf_adds(o, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				sbuf_printf(o, "\\u%04x", c); /* dblQuotedReplacer: lower case */
			else
				sbuf_addc(o, (char)c);
		}
	}
	sbuf_addc(o, '"');
}

static void key_part(struct sbuf *o, const char *k, size_t n)
{
	if (bare_key(k, n))
		sbuf_add(o, k, n);
	else
		toml_quoted(o, k, n);
}

struct tenc {
	struct mc_ctx *ctx;
	struct sbuf *out;
	bool written;
	const char **err;
	VEC(struct gt_mapent *) path; /* the current table's key */
};

static bool is_nil(struct gt_value v)
{
	return !v.t || v.t->kind == GT_NIL || (v.t->kind == GT_MAP && !v.m) ||
		(v.t->kind == GT_LIST && !v.l);
}

static bool is_table(struct gt_value v)
{
	return v.t && v.t->kind == GT_MAP;
}

static bool is_table_array(struct gt_value v)
{
	if (!v.t || v.t->kind != GT_LIST || !v.l || v.l->len == 0)
		return false;
	for (uint32_t i = 0; i < v.l->len; i++)
		if (!is_table(v.l->items[i]))
			return false;
	return true;
}

static void wf(struct tenc *e, const char *s, size_t n)
{
	sbuf_add(e->out, s, n);
	e->written = true;
}

static void newline(struct tenc *e)
{
	if (e->written)
		wf(e, "\n", 1);
}

static void indent(struct tenc *e, size_t depth)
{
	for (size_t i = 1; i < depth; i++)
		wf(e, "  ", 2);
}

static void key_string(struct tenc *e, struct sbuf *o)
{
	for (size_t i = 0; i < e->path.len; i++) {
		if (i)
			sbuf_addc(o, '.');
		key_part(o, e->path.items[i]->k, e->path.items[i]->klen);
	}
}

static int element(struct tenc *e, struct gt_value v, int depth);

static int inline_table(struct tenc *e, struct gt_value v, int depth)
{
	wf(e, "{", 1);
	size_t n;
	struct arena tmp = ARENA_INIT;
	struct gt_mapent *const *ents = gt_map_sorted(&tmp, v.m, &n);
	bool first = true;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (is_nil(ents[i]->v))
			continue;
		if (!first)
			wf(e, ", ", 2);
		first = false;
		struct sbuf k = SBUF_INIT;
		key_part(&k, ents[i]->k, ents[i]->klen);
		wf(e, k.buf, k.len);
		sbuf_release(&k);
		wf(e, " = ", 3);
		rc = element(e, ents[i]->v, depth + 1);
	}
	arena_release(&tmp);
	wf(e, "}", 1);
	return rc;
}

static int element(struct tenc *e, struct gt_value v, int depth)
{
	if (depth > 1000) {
		*e->err = "toml: nesting too deep";
		return -1;
	}
	struct sbuf b = SBUF_INIT;
	switch (gt_kind(v)) {
	case GT_STRING:
		toml_quoted(&b, v.s.p, v.s.n);
		break;
	case GT_BOOL:
		sbuf_adds(&b, v.b ? "true" : "false");
		break;
	case GT_INT:
		sbuf_printf(&b, "%lld", (long long)v.i);
		break;
	case GT_UINT:
		sbuf_printf(&b, "%llu", (unsigned long long)v.u);
		break;
	case GT_FLOAT:
		if (isnan(v.f)) {
			sbuf_adds(&b, signbit(v.f) ? "-nan" : "nan");
		} else if (isinf(v.f)) {
			sbuf_adds(&b, v.f > 0 ? "inf" : "-inf");
		} else {
			go_ftoa(&b, v.f, 'f', -1, v.t->bits == 32 ? 32 : 64);
			if (!memchr(b.buf, '.', b.len))
				sbuf_adds(&b, ".0");
		}
		break;
	case GT_LIST:
		wf(e, "[", 1);
		for (uint32_t i = 0; v.l && i < v.l->len; i++) {
			if (i)
				wf(e, ", ", 2);
			if (element(e, v.l->items[i], depth + 1)) {
				sbuf_release(&b);
				return -1;
			}
		}
		wf(e, "]", 1);
		break;
	case GT_MAP:
		sbuf_release(&b);
		return inline_table(e, v, depth);
	case GT_OBJ: {
		const struct gt_class *cls = (const struct gt_class *)v.t;
		if (cls->to_data) {
			struct gt_value d = cls->to_data(v.o, &e->ctx->arena);
			if (d.t && d.t->kind == GT_STRING) {
				sbuf_add(&b, d.s.p, d.s.n); /* times: bare RFC 3339 */
				break;
			}
			sbuf_release(&b);
			return element(e, d, depth + 1);
		}
		*e->err = arena_printf(&e->ctx->arena, "toml: unsupported type: %s", v.t->name);
		sbuf_release(&b);
		return -1;
	}
	default:
		*e->err = arena_printf(&e->ctx->arena, "toml: unsupported type: %s", gt_type_name(v));
		sbuf_release(&b);
		return -1;
	}
	wf(e, b.buf, b.len);
	sbuf_release(&b);
	return 0;
}

static int table(struct tenc *e, struct gt_value m, int depth);

static int write_header(struct tenc *e, bool array)
{
	struct sbuf k = SBUF_INIT;
	key_string(e, &k);
	indent(e, e->path.len);
	wf(e, array ? "[[" : "[", array ? 2 : 1);
	wf(e, k.buf, k.len);
	wf(e, array ? "]]" : "]", array ? 2 : 1);
	sbuf_release(&k);
	newline(e);
	return 0;
}

static int table(struct tenc *e, struct gt_value m, int depth)
{
	if (depth > 1000) {
		*e->err = "toml: nesting too deep";
		return -1;
	}
	size_t n;
	struct arena tmp = ARENA_INIT;
	struct gt_mapent *const *s = gt_map_sorted(&tmp, m.m, &n);
	struct gt_mapent **ents = arena_alloc(&tmp, (n ? n : 1) * sizeof *ents);
	if (n)
		memcpy(ents, s, n * sizeof *ents);
	int rc = 0;
	/* direct values first */
	for (size_t i = 0; i < n && !rc; i++) {
		struct gt_value v = ents[i]->v;
		if (is_nil(v) || is_table(v) || is_table_array(v))
			continue;
		indent(e, e->path.len + 1);
		struct sbuf k = SBUF_INIT;
		key_part(&k, ents[i]->k, ents[i]->klen);
		wf(e, k.buf, k.len);
		sbuf_release(&k);
		wf(e, " = ", 3);
		rc = element(e, v, depth + 1);
		newline(e);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct gt_value v = ents[i]->v;
		if (is_nil(v) || !(is_table(v) || is_table_array(v)))
			continue;
		VEC_PUSH(&tmp, &e->path, ents[i]);
		if (is_table(v)) {
			if (e->path.len == 1)
				newline(e);
			write_header(e, false);
			rc = table(e, v, depth + 1);
		} else {
			for (uint32_t k = 0; k < v.l->len && !rc; k++) {
				newline(e);
				write_header(e, true);
				rc = table(e, v.l->items[k], depth + 1);
			}
		}
		e->path.len--;
	}
	arena_release(&tmp);
	return rc;
}

int gt_toml_encode(struct mc_ctx *ctx, struct sbuf *out, struct gt_value v, const char **err)
{
	struct tenc e = { ctx, out, false, err, { 0 } };
	*err = NULL;
	if (!v.t || v.t->kind != GT_MAP) {
		*err = arena_printf(&ctx->arena, "toml: top-level values must be Go maps or structs");
		return -1;
	}
	if (!v.m)
		return 0;
	struct gt_value copy = v;
	int rc = table(&e, copy, 0);
	return rc;
}

/* ---- decoding ---- */

struct tdec {
	struct arena *a;
	const char *s;
	size_t n, i;
	int line;
	char *err;
	int depth;
	const char *ctx; /* the table a key is in, as Key.String() prints it */
	const char *key; /* the key whose value is being read ("" between keys) */
	struct gt_map *implicit; /* paths (Key.String()) of tables only implied so far */
	struct gt_map *aot;      /* paths of arrays of tables ([[...]], not static arrays) */
	int key_line;    /* where the key or table name being defined starts */
};

static bool terrf(struct tdec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool terrf(struct tdec *d, const char *fmt, ...)
{
	if (d->err)
		return false;
	va_list ap;
	va_start(ap, fmt);
	char *m = arena_vprintf(d->a, fmt, ap);
	va_end(ap);
	/* the lexer reports an end of input right after a newline on the
	 * newline's line */
	int line = d->line;
	if (d->i >= d->n && d->n > 0 && d->s[d->n - 1] == '\n' && line > 1)
		line--;
	/* ParseError.Error(): the parser's current key, when there is one */
	const char *last = d->ctx && *d->ctx ? (d->key && *d->key ? arena_printf(d->a, "%s.%s", d->ctx, d->key) : d->ctx)
					     : (d->key ? d->key : "");
	if (*last)
		d->err = arena_printf(d->a, "toml: line %d (last key %s): %s", line, go_quote_a(d->a, last), m);
	else
		d->err = arena_printf(d->a, "toml: line %d: %s", line, m);
	return false;
}

/* a parser error: at the line where the key being defined starts */
static bool terr_key(struct tdec *d, const char *msg)
{
	int line = d->line;
	size_t i = d->i;
	d->line = d->key_line;
	d->i = 0; /* not at the end of input */
	terrf(d, "%s", msg);
	d->line = line;
	d->i = i;
	return false;
}

static bool is_implicit(struct tdec *d, const char *path)
{
	struct gt_value *v = gt_map_get(d->implicit, path, strlen(path));
	return v && gt_kind(*v) == GT_BOOL && v->b;
}

static void set_implicit(struct tdec *d, const char *path, bool on)
{
	gt_map_set(d->a, d->implicit, path, strlen(path), gt_bool(on));
}

/* an array of tables at path whose last table a name can go through */
static struct gt_map *aot_last(struct tdec *d, const char *path, struct gt_value *v)
{
	if (gt_kind(*v) != GT_LIST || !gt_map_get(d->aot, path, strlen(path)) || !v->l || !v->l->len ||
	    gt_kind(v->l->items[v->l->len - 1]) != GT_MAP)
		return NULL;
	return v->l->items[v->l->len - 1].m;
}

/* the rune at d->i as Go's %q prints it */
static const char *quoted_rune(struct tdec *d)
{
	unsigned char c = (unsigned char)d->s[d->i];
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (n > d->n - d->i)
		n = d->n - d->i;
	struct sbuf sb = SBUF_INIT;
	go_quote(&sb, d->s + d->i, n, '\'', false, false);
	const char *r = arena_strndup(d->a, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

/* lexer's runeOrEOF: the rune between single quotes, unescaped */
static const char *rune_or_eof(struct tdec *d)
{
	if (d->i >= d->n)
		return "end of file";
	unsigned char c = (unsigned char)d->s[d->i];
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (n > d->n - d->i)
		n = d->n - d->i;
	return arena_printf(d->a, "'%.*s'", (int)n, d->s + d->i);
}

/* Key.String(): parts joined by '.', quoted unless bare */
static const char *last_key_string(struct tdec *d, const char *prefix, const struct gt_value *keys, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	if (prefix && *prefix)
		sbuf_adds(&sb, prefix);
	for (size_t i = 0; i < n; i++) {
		if (sb.len)
			sbuf_addc(&sb, '.');
		if (bare_key(keys[i].s.p, keys[i].s.n))
			sbuf_add(&sb, keys[i].s.p, keys[i].s.n);
		else
			toml_quoted(&sb, keys[i].s.p, keys[i].s.n); /* dblQuotedReplacer */
	}
	const char *r = arena_strndup(d->a, sb.buf ? sb.buf : "", sb.len);
	sbuf_release(&sb);
	return r;
}

static void skip_ws(struct tdec *d)
{
	while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t'))
		d->i++;
}

static void skip_comment(struct tdec *d)
{
	if (d->i < d->n && d->s[d->i] == '#')
		while (d->i < d->n && d->s[d->i] != '\n')
			d->i++;
}

/* whitespace, comments and newlines (inside arrays) */
static void skip_all(struct tdec *d)
{
	for (;;) {
		skip_ws(d);
		skip_comment(d);
		if (d->i < d->n && (d->s[d->i] == '\n' || d->s[d->i] == '\r')) {
			if (d->s[d->i] == '\n')
				d->line++;
			d->i++;
			continue;
		}
		break;
	}
}

static bool peek(struct tdec *d, const char *w)
{
	size_t k = strlen(w);
	return d->n - d->i >= k && !memcmp(d->s + d->i, w, k);
}

static bool basic_string(struct tdec *d, bool multi, struct sbuf *sb)
{
	d->i += multi ? 3 : 1;
	size_t cstart = d->i; /* the lexer's item start: what lx.current() shows */
	if (multi && d->i < d->n && d->s[d->i] == '\n') {
		d->i++;
		d->line++;
	} else if (multi && peek(d, "\r\n")) {
		d->i += 2;
		d->line++;
	}
	for (;;) {
		if (d->i >= d->n) /* lexString, lexMultilineString */
			return terrf(d, multi ? "unexpected EOF; expected '\"\"\"'" : "unexpected EOF; expected '\"'");
		char c = d->s[d->i];
		if (multi && peek(d, "\"\"\"")) {
			/* up to two extra quotes belong to the string */
			size_t q = 3;
			while (d->i + q < d->n && d->s[d->i + q] == '"' && q < 5)
				q++;
			sbuf_add(sb, "\"\"", q - 3);
			d->i += q;
			return true;
		}
		if (!multi && c == '"') {
			d->i++;
			return true;
		}
		if (c == '\n') {
			if (!multi)
				return terrf(d, "strings cannot contain newlines");
			d->line++;
		}
		if (c == '\\') {
			d->i++;
			if (d->i >= d->n)
				return terrf(d, "unterminated string");
			char e = d->s[d->i];
			switch (e) {
			case 'b': sbuf_addc(sb, '\b'); d->i++; break;
			case 't': sbuf_addc(sb, '\t'); d->i++; break;
			case 'n': sbuf_addc(sb, '\n'); d->i++; break;
			case 'f': sbuf_addc(sb, '\f'); d->i++; break;
			case 'r': sbuf_addc(sb, '\r'); d->i++; break;
			case 'e': sbuf_addc(sb, 27); d->i++; break;
			case '"': sbuf_addc(sb, '"'); d->i++; break;
			case '\\': sbuf_addc(sb, '\\'); d->i++; break;
			case 'x': case 'u': case 'U': {
				/* lexHexEscape, lexShortUnicodeEscape, lexLongUnicodeEscape */
				size_t k = e == 'x' ? 2 : e == 'u' ? 4 : 8;
				d->i++;
				uint32_t v = 0;
				for (size_t j = 0; j < k; j++) {
					int x = d->i + j < d->n ? hex_digit((unsigned char)d->s[d->i + j]) : -1;
					if (x < 0) {
						size_t end = d->i + j < d->n ? d->i + j + 1 : d->n;
						struct sbuf q = SBUF_INIT;
						go_quote(&q, d->s + cstart, end - cstart, '"', false, false);
						bool nl = d->i + j < d->n && d->s[d->i + j] == '\n';
						d->line += nl;
						size_t at = d->i;
						d->i = end;
						terrf(d, "expected %s hexadecimal digits after '\\%c', but got %.*s instead",
						      k == 2 ? "two" : k == 4 ? "four" : "eight", e, (int)q.len, q.buf);
						d->i = at;
						d->line -= nl;
						sbuf_release(&q);
						return false;
					}
					v = v * 16 + (uint32_t)x;
				}
				/* asciiEscapeToUnicode: utf8.ValidRune */
				if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
					return terrf(d, "Escaped character '\\u%.*s' is not valid UTF-8.", (int)k, d->s + d->i);
				d->i += k;
				char enc[4];
				sbuf_add(sb, enc, utf8_encode(enc, v));
				break;
			}
			default:
				if (multi && (e == ' ' || e == '\t' || e == '\n' || e == '\r')) {
					/* line-ending backslash: trim whitespace and newlines */
					while (d->i < d->n && (d->s[d->i] == ' ' || d->s[d->i] == '\t' ||
							       d->s[d->i] == '\n' || d->s[d->i] == '\r')) {
						if (d->s[d->i] == '\n')
							d->line++;
						d->i++;
					}
					break;
				}
				return terrf(d, "invalid escape in string '\\%c'", e);
			}
			continue;
		}
		sbuf_addc(sb, c);
		d->i++;
	}
}

static bool literal_string(struct tdec *d, bool multi, struct sbuf *sb)
{
	d->i += multi ? 3 : 1;
	if (multi && d->i < d->n && d->s[d->i] == '\n') {
		d->i++;
		d->line++;
	}
	for (;;) {
		if (d->i >= d->n) /* lexRawString, lexMultilineRawString */
			return terrf(d, multi ? "unexpected EOF; expected \"'''\"" : "unexpected EOF; expected \"'\"");
		if (multi && peek(d, "'''")) {
			size_t q = 3;
			while (d->i + q < d->n && d->s[d->i + q] == '\'' && q < 5)
				q++;
			sbuf_add(sb, "''", q - 3);
			d->i += q;
			return true;
		}
		char c = d->s[d->i];
		if (!multi && c == '\'') {
			d->i++;
			return true;
		}
		if (c == '\n') {
			if (!multi)
				return terrf(d, "strings cannot contain newlines");
			d->line++;
		}
		sbuf_addc(sb, c);
		d->i++;
	}
}

static bool key_segment(struct tdec *d, struct gt_value *out, bool keyval)
{
	skip_ws(d);
	struct sbuf sb = SBUF_INIT;
	bool ok;
	if (d->i < d->n && d->s[d->i] == '"') {
		ok = basic_string(d, false, &sb);
	} else if (d->i < d->n && d->s[d->i] == '\'') {
		ok = literal_string(d, false, &sb);
	} else {
		size_t st = d->i;
		while (d->i < d->n && bare_key(d->s + d->i, 1))
			d->i++;
		if (d->i == st && !keyval) {
			sbuf_release(&sb);
			return terrf(d, "expected a key");
		}
		sbuf_add(&sb, d->s + st, d->i - st);
		ok = true;
	}
	if (ok)
		*out = gt_sbuf_value(d->a, &sb);
	sbuf_release(&sb);
	skip_ws(d);
	return ok;
}

/* a dotted key: fills keys[], returns the count (0 on error).  For the key
 * of a key/value pair the errors are the lexer's (lexKeyStart,
 * lexKeyNameStart); a table name keeps its own. */
static size_t dotted_key(struct tdec *d, struct gt_value *keys, size_t max, bool keyval)
{
	size_t k = 0;
	for (;;) {
		if (k == max) {
			terrf(d, "key too long");
			return 0;
		}
		skip_ws(d);
		if (keyval) {
			char c = d->i < d->n ? d->s[d->i] : '=';
			if (c == '=')
				return terrf(d, k ? "unexpected '='" : "unexpected '=': key name appears blank"), 0;
			if (c == '.')
				return terrf(d, k ? "unexpected '.'" : "unexpected '.': keys cannot start with a '.'"), 0;
		} else {
			/* lexTableNameStart */
			char c = d->i < d->n ? d->s[d->i] : ']';
			if (c == ']')
				return terrf(d, "unexpected end of table name (table names cannot be empty)"), 0;
			if (c == '.')
				return terrf(d, "unexpected table separator (table names cannot be empty)"), 0;
		}
		if (!key_segment(d, &keys[k++], true))
			return 0;
		if (!keyval && !(d->i < d->n && (d->s[d->i] == '.' || d->s[d->i] == ']'))) {
			/* errorf after next(): a newline counts on the next line */
			bool nl = d->i < d->n && d->s[d->i] == '\n';
			d->line += nl;
			terrf(d, "expected '.' or ']' to end table name, but got %s instead",
			      d->i < d->n ? quoted_rune(d) : "'\\x00'");
			d->line -= nl;
			return 0;
		}
		if (d->i < d->n && d->s[d->i] == '.') {
			d->i++;
			continue;
		}
		return k;
	}
}

static bool value(struct tdec *d, struct gt_value *out);

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

struct gt_value sp_time_from(struct arena *a, int64_t sec, int32_t nsec, int32_t off, const char *zone);
int64_t sp_days_from_civil(int64_t y, unsigned m, unsigned d);

static bool number(struct tdec *d, struct gt_value *out);

/* two digits at p (the layout's fixed "01", "02", "15", "04", "05") */
static bool two(const char *p, unsigned *v)
{
	if (!is_digit(p[0]) || !is_digit(p[1]))
		return false;
	*v = (unsigned)((p[0] - '0') * 10 + (p[1] - '0'));
	return true;
}

/*
 * parse.go valueDatetime on the lexer's datetime token (t, z and ' '
 * already T and Z): the layouts of dtTypes, tried in order -- RFC 3339
 * with an offset, local date-time, local date, local time, and the
 * seconds-less forms -- with time.Parse's range checks.
 */
static bool datetime_token(struct tdec *d, const char *p, size_t n, struct gt_value *out)
{
	int64_t y = 0;
	unsigned mo = 1, da = 1, h = 0, mi = 0, se = 0, oh = 0, om = 0;
	int32_t ns = 0, off = 0;
	size_t k = 0;
	bool has_date = false, has_time = false, has_off = false, ok = true;
	if (n >= 10 && p[4] == '-' && p[7] == '-') {
		for (size_t i = 0; i < 4; i++)
			ok &= is_digit(p[i]);
		y = ok ? (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0') : 0;
		ok = ok && two(p + 5, &mo) && two(p + 8, &da);
		k = 10;
		has_date = true;
		if (k < n) {
			ok &= p[k] == 'T';
			k++;
		}
	}
	if (ok && k < n) {
		ok = n - k >= 5 && two(p + k, &h) && p[k + 2] == ':' && two(p + k + 3, &mi);
		k += 5;
		has_time = true;
		if (ok && k < n && p[k] == ':') {
			ok = n - k >= 3 && two(p + k + 1, &se);
			k += 3;
			if (ok && k < n && p[k] == '.') {
				size_t f = ++k;
				int digits = 0;
				while (k < n && is_digit(p[k])) {
					if (digits < 9) {
						ns = ns * 10 + (p[k] - '0');
						digits++;
					}
					k++;
				}
				ok = k > f;
				while (digits++ < 9)
					ns *= 10;
			}
		}
		if (ok && k < n && has_date) {
			if (p[k] == 'Z') {
				k++;
				has_off = true;
			} else if (n - k == 6 && (p[k] == '+' || p[k] == '-') && p[k + 3] == ':' &&
				   two(p + k + 1, &oh) && two(p + k + 4, &om) && oh <= 24 && om <= 60) {
				off = (p[k] == '-' ? -1 : 1) * (int32_t)(oh * 3600 + om * 60);
				k += 6;
				has_off = true;
			}
		}
	}
	/* time.Parse's ranges, the day within its month */
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (ok && (mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] ||
		   (mo == 2 && da == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))))
		ok = false;
	if (!ok || k != n || (!has_date && !has_time) || h > 23 || mi > 59 || se > 59) {
		struct sbuf q = SBUF_INIT;
		go_quote(&q, p, n, '"', false, false);
		terrf(d, "invalid datetime: %.*s", (int)q.len, q.buf);
		sbuf_release(&q);
		return false;
	}
	int64_t days = has_date ? sp_days_from_civil(y, mo, da) : sp_days_from_civil(0, 1, 1);
	int64_t local = days * 86400 + h * 3600 + mi * 60 + se;
	/* an offset parses in time.Local (UTC here: "Z" is UTC, others unnamed);
	 * without one, in internal/tz.go's fixed zones named by the kind */
	const char *zone = has_off ? (off == 0 ? "UTC" : "") :
			   has_date && has_time ? "datetime-local" : has_date ? "date-local" : "time-local";
	*out = sp_time_from(d->a, local - off, ns, off, zone);
	return true;
}

/* lexNumberOrDateStart, lexBaseNumberOrDate, lexNumberOrDate: a value
 * starting with a digit is a datetime when its first digits run into '-'
 * or ':'; lexDatetime then takes [0-9:-TtZz .+] (emitTrim). */
static bool digit_value(struct tdec *d, struct gt_value *out)
{
	size_t i = d->i;
	bool zero = d->s[i] == '0';
	i++;
	if (zero && !(i < d->n && is_digit(d->s[i])))
		return number(d, out);
	while (i < d->n && is_digit(d->s[i]))
		i++;
	if (!(i < d->n && (d->s[i] == '-' || d->s[i] == ':')))
		return number(d, out);
	while (i < d->n && d->s[i] && strchr("0123456789-:TtZz .+", d->s[i]))
		i++;
	size_t e = i;
	while (e > d->i && d->s[e - 1] == ' ')
		e--;
	char *tok = arena_strndup(d->a, d->s + d->i, e - d->i);
	for (char *c = tok; *c; c++) /* datetimeRepl */
		*c = *c == 'z' ? 'Z' : *c == 't' || *c == ' ' ? 'T' : *c;
	if (!datetime_token(d, tok, e - d->i, out))
		return false;
	d->i = e;
	return true;
}

/* numUnderscoresOK: every '_' between two hex-digit characters */
static bool underscores_ok(const char *s, size_t n)
{
	bool accept = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && !accept)
			return false;
		accept = isxdigit((unsigned char)s[i]) != 0;
	}
	return accept;
}

/* numHasLeadingZero */
static bool leading_zero(const char *s, size_t n)
{
	if (n > 1 && s[0] == '0' && !(s[1] == 'b' || s[1] == 'o' || s[1] == 'x'))
		return true;
	return n > 2 && (s[0] == '-' || s[0] == '+') && s[1] == '0';
}

static bool number(struct tdec *d, struct gt_value *out)
{
	/* the lexer's token: lexDecimalNumberStart, lexBaseNumberOrDate,
	 * lex{Hex,Octal,Binary}Integer, lexDecimalNumber, lexFloat */
	size_t st = d->i;
	if (d->i < d->n && (d->s[d->i] == '+' || d->s[d->i] == '-'))
		d->i++;
	if (peek(d, "inf") || peek(d, "nan")) {
		d->i += 3;
	} else if (d->i + 1 < d->n && d->s[d->i] == '0' && strchr("xob", d->s[d->i + 1]) && d->s[d->i + 1]) {
		const char *digits = d->s[d->i + 1] == 'x' ? "0123456789abcdefABCDEF_" :
				     d->s[d->i + 1] == 'o' ? "01234567_" : "01_";
		d->i += 2;
		while (d->i < d->n && d->s[d->i] && strchr(digits, d->s[d->i]))
			d->i++;
	} else {
		while (d->i < d->n && (is_digit(d->s[d->i]) || d->s[d->i] == '_'))
			d->i++;
		if (d->i < d->n && strchr(".eE", d->s[d->i]) && d->s[d->i])
			while (d->i < d->n && d->s[d->i] && strchr("0123456789_.-+eE", d->s[d->i]))
				d->i++;
	}
	size_t len = d->i - st;
	const char *p = d->s + st;
	char buf[128];
	if (len == 0 || len >= sizeof buf)
		return terrf(d, "invalid value");
	/* inf / nan */
	const char *q = p;
	size_t ql = len;
	bool neg = false;
	if (*q == '+' || *q == '-') {
		neg = *q == '-';
		q++;
		ql--;
	}
	if (ql == 3 && !memcmp(q, "inf", 3)) {
		*out = gt_float(neg ? -INFINITY : INFINITY);
		return true;
	}
	if (ql == 3 && !memcmp(q, "nan", 3)) {
		*out = gt_float(NAN);
		return true;
	}
	/* parse.go valueInteger / valueFloat: BurntSushi's checks, then strconv */
	struct sbuf q8 = SBUF_INIT;
	go_quote(&q8, p, len, '"', false, false);
	const char *qv = arena_strndup(d->a, q8.buf, q8.len);
	sbuf_release(&q8);
	size_t k = 0;
	for (size_t i = 0; i < len; i++)
		if (p[i] != '_')
			buf[k++] = p[i];
	buf[k] = '\0';
	bool prefixed = ql > 2 && q[0] == '0' && strchr("xob", q[1]);
	bool is_float = !prefixed && (memchr(p, '.', len) || memchr(p, 'e', len) || memchr(p, 'E', len));
	if (is_float) {
		/* each part between '.', 'e', 'E' needs its underscores between digits */
		bool first = true;
		for (size_t a = 0; a < len;) {
			size_t b = a;
			while (b < len && !strchr(".eE", p[b]))
				b++;
			if (b > a) {
				if (!underscores_ok(p + a, b - a))
					return terrf(d, "Invalid float %s: underscores must be surrounded by digits", qv);
				if (first && leading_zero(p + a, b - a))
					return terrf(d, "Invalid float %s: cannot have leading zeroes", qv);
				first = false;
			}
			a = b + 1;
		}
		for (size_t i = 0; i < len; i++)
			if (p[i] == '.' && (i + 1 >= len || !is_digit(p[i + 1])))
				return terrf(d, "Invalid float %s: '.' must be followed by one or more digits", qv);
		double f;
		if (!go_parse_float(buf, k, &f)) {
			/* ErrRange: a well-formed number too large */
			size_t i = buf[0] == '+' || buf[0] == '-', m = i;
			while (i < k && is_digit(buf[i]))
				i++;
			bool wellformed = i > m;
			if (wellformed && i < k && buf[i] == '.') {
				size_t f0 = ++i;
				while (i < k && is_digit(buf[i]))
					i++;
				wellformed = i > f0;
			}
			if (wellformed && i < k && (buf[i] == 'e' || buf[i] == 'E')) {
				i++;
				if (i < k && (buf[i] == '+' || buf[i] == '-'))
					i++;
				size_t e0 = i;
				while (i < k && is_digit(buf[i]))
					i++;
				wellformed = i > e0;
			}
			if (wellformed && i == k)
				return terrf(d, "%.*s is out of range for float64", (int)len, p);
			return terrf(d, "Invalid float value: %s", qv);
		}
		*out = gt_float(f);
		return true;
	}
	if (!underscores_ok(p, len))
		return terrf(d, "Invalid integer %s: underscores must be surrounded by digits", qv);
	if (leading_zero(p, len))
		return terrf(d, "Invalid integer %s: cannot have leading zeroes", qv);
	int64_t v;
	if (!go_parse_int(buf, k, 0, &v)) {
		uint64_t u;
		if (go_parse_uint(q == p ? buf : buf + 1, q == p ? k : k - 1, 0, &u) ||
		    (k > 1 && strspn(buf + (q != p), "0123456789") == k - (q != p)))
			return terrf(d, "%.*s is out of range for int64", (int)len, p);
		return terrf(d, "invalid integer %.*s", (int)len, p);
	}
	*out = gt_int64(v);
	return true;
}

/* parse.go setValue for a key/value pair: a redefinition is an error,
 * except over a table only implied so far (which stays as it is). */
static bool set_key(struct tdec *d, struct gt_map *m, const char *path, struct gt_value k, struct gt_value v)
{
	struct gt_value *old = gt_map_get(m, k.s.p, k.s.n);
	if (old) {
		if (gt_kind(*old) == GT_MAP && is_implicit(d, path)) {
			set_implicit(d, path, false);
			return true;
		}
		return terr_key(d, arena_printf(d->a, "Key '%s' has already been defined.", path));
	}
	gt_map_set(d->a, m, k.s.p, k.s.n, v);
	return true;
}

/* The table a dotted key's parents lead to (addImplicitContext for each):
 * missing tables are created as implied ones, existing tables stop being
 * implied, and a parent that is not a table is an error. */
static struct gt_map *descend(struct tdec *d, struct gt_map *m, const struct gt_value *keys, size_t n,
	const char **later)
{
	const char *ctx0 = d->ctx;
	for (size_t i = 0; i < n; i++) {
		const char *path = last_key_string(d, ctx0, keys, i + 1);
		struct gt_value *v = gt_map_get(m, keys[i].s.p, keys[i].s.n);
		if (!v) {
			struct gt_value t = gt_map_new(d->a, &gt_t_map);
			gt_map_set(d->a, m, keys[i].s.p, keys[i].s.n, t);
			set_implicit(d, path, true);
			m = t.m;
		} else if (gt_kind(*v) == GT_MAP) {
			set_implicit(d, path, false);
			m = v->m;
		} else if (aot_last(d, path, v)) {
			m = aot_last(d, path, v);
		} else if (gt_kind(*v) == GT_LIST && !gt_map_get(d->aot, path, strlen(path))) {
			/* setValue over a static array (isArray): the new table replaces it */
			struct gt_value t = gt_map_new(d->a, &gt_t_map);
			*v = t;
			set_implicit(d, path, false);
			m = t.m;
		} else if (i + 1 == n) {
			/* setValue finds it, after the value is read */
			*later = path;
			return m;
		} else {
			/* the next part's addContext finds a non-table parent */
			d->ctx = path;
			terr_key(d, arena_printf(d->a, i + 1 < n ? "Key '%s' was already created as a hash."
								 : "Key '%s' has already been defined.", path));
			return NULL;
		}
	}
	return m;
}

static bool keyval(struct tdec *d, struct gt_map *m)
{
	struct gt_value keys[64];
	skip_ws(d);
	d->key_line = d->line;
	size_t nk = dotted_key(d, keys, 64, true);
	if (!nk)
		return false;
	/* lexKeyEnd */
	if (d->i >= d->n)
		return terrf(d, "unexpected EOF; expected key separator '='");
	if (d->s[d->i] != '=')
		return terrf(d, "expected '.' or '=', but got %s instead", quoted_rune(d));
	d->i++;
	skip_ws(d);
	/* topLevel: the current key is the last part, the dotted parents join
	 * the context while the value is read */
	d->key = arena_strndup(d->a, keys[nk - 1].s.p, keys[nk - 1].s.n);
	const char *outer = d->ctx, *later = NULL;
	struct gt_map *t = descend(d, m, keys, nk - 1, &later);
	if (!t)
		return false;
	d->ctx = last_key_string(d, outer, keys, nk - 1);
	const char *path = last_key_string(d, d->ctx, keys + nk - 1, 1);
	int line = d->key_line;
	struct gt_value v;
	if (!value(d, &v))
		return false;
	d->key_line = line;
	if (later)
		return terr_key(d, arena_printf(d->a, "Key '%s' has already been defined.", later));
	bool ok = set_key(d, t, path, keys[nk - 1], v);
	if (ok)
		d->ctx = outer;
	return ok;
}

static bool value(struct tdec *d, struct gt_value *out)
{
	if (++d->depth > 500)
		return terrf(d, "nesting too deep");
	bool ok = true;
	skip_ws(d);
	char c0 = d->i < d->n ? d->s[d->i] : 0;
	if (d->i >= d->n) {
		ok = terrf(d, "unexpected EOF; expected value");
	} else if (c0 == '.') {
		ok = terrf(d, "floats must start with a digit, not '.'");
	} else if ((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z')) {
		/* lexBool reads the whole word; inf and nan are numbers */
		size_t e = d->i;
		while (e < d->n && ((d->s[e] >= 'a' && d->s[e] <= 'z') || (d->s[e] >= 'A' && d->s[e] <= 'Z')))
			e++;
		size_t wn = e - d->i;
		if (wn == 4 && !memcmp(d->s + d->i, "true", 4)) {
			d->i = e;
			*out = gt_bool(true);
		} else if (wn == 5 && !memcmp(d->s + d->i, "false", 5)) {
			d->i = e;
			*out = gt_bool(false);
		} else if (peek(d, "inf") || peek(d, "nan")) {
			ok = number(d, out);
		} else {
			struct sbuf q = SBUF_INIT;
			go_quote(&q, d->s + d->i, wn, '"', false, false);
			ok = terrf(d, "expected value but found %.*s instead", (int)q.len, q.buf);
			sbuf_release(&q);
		}
	} else if ((c0 == '+' || c0 == '-') && !(d->i + 1 < d->n && (is_digit(d->s[d->i + 1]) ||
						    peek(d, "+inf") || peek(d, "-inf") ||
						    peek(d, "+nan") || peek(d, "-nan")))) {
		/* lexDecimalNumberStart */
		char c1 = d->i + 1 < d->n ? d->s[d->i + 1] : 0;
		if (c1 == '.') {
			ok = terrf(d, "floats must start with a digit, not '.'");
		} else if (c1 == 'i' || c1 == 'n') {
			size_t e = d->i + 2;
			const char *want = c1 == 'i' ? "nf" : "an";
			while (e < d->n && e - d->i - 2 < 2 && d->s[e] == want[e - d->i - 2])
				e++;
			ok = terrf(d, "invalid float: '%.*s'", (int)(e + (e < d->n) - d->i), d->s + d->i);
		} else {
			d->i++;
			ok = terrf(d, "expected a digit but got %s", d->i < d->n ? quoted_rune(d) : "'\\x00'");
		}
	} else if ((c0 == '+' || c0 == '-') && d->i + 2 < d->n && d->s[d->i + 1] == '0' && strchr("box", d->s[d->i + 2])) {
		ok = terrf(d, "cannot use sign with non-decimal numbers: '%.*s'", 3, d->s + d->i);
	} else if (!strchr("\"'[{+-0123456789", c0)) {
		ok = terrf(d, "expected value but found %s instead", quoted_rune(d));
	} else if (peek(d, "\"\"\"") || d->s[d->i] == '"') {
		struct sbuf sb = SBUF_INIT;
		ok = basic_string(d, peek(d, "\"\"\""), &sb);
		if (ok)
			*out = gt_sbuf_value(d->a, &sb);
		sbuf_release(&sb);
	} else if (peek(d, "'''") || d->s[d->i] == '\'') {
		struct sbuf sb = SBUF_INIT;
		ok = literal_string(d, peek(d, "'''"), &sb);
		if (ok)
			*out = gt_sbuf_value(d->a, &sb);
		sbuf_release(&sb);
	} else if (d->s[d->i] == '[') {
		d->i++;
		struct gt_value l = gt_list_new(d->a, &gt_t_list, 4);
		for (;;) {
			skip_all(d);
			if (d->i < d->n && d->s[d->i] == ']') {
				d->i++;
				break;
			}
			if (d->i < d->n && d->s[d->i] == ',') {
				ok = terrf(d, "unexpected comma");
				break;
			}
			struct gt_value v;
			if (!value(d, &v)) {
				ok = false;
				break;
			}
			gt_list_push(d->a, l, v);
			skip_all(d);
			if (d->i < d->n && d->s[d->i] == ',') {
				d->i++;
				continue;
			}
			if (d->i < d->n && d->s[d->i] == ']') {
				d->i++;
				break;
			}
			ok = terrf(d, "expected a comma (',') or array terminator (']'), but got %s", rune_or_eof(d));
			break;
		}
		if (ok)
			*out = l;
	} else if (d->s[d->i] == '{') {
		/* lexInlineTableValue / lexInlineTableValueEnd: newlines,
		 * comments and a trailing comma are allowed (BurntSushi v1.6) */
		d->i++;
		struct gt_value m = gt_map_new(d->a, &gt_t_map);
		const char *outer_ctx = d->ctx, *outer_key = d->key;
		d->ctx = last_key_string(d, d->ctx, &(struct gt_value){ .s = { d->key, strlen(d->key) } }, 1);
		d->key = "";
		skip_all(d);
		if (d->i < d->n && d->s[d->i] == ',') {
			ok = terrf(d, "unexpected comma");
		} else if (d->i < d->n && d->s[d->i] == '}') {
			d->i++;
		} else {
			for (;;) {
				if (!keyval(d, m.m)) {
					ok = false;
					break;
				}
				skip_all(d);
				if (d->i < d->n && d->s[d->i] == ',') {
					d->i++;
					skip_ws(d);
					if (d->i < d->n && d->s[d->i] == '}') {
						d->i++;
						break;
					}
					skip_all(d);
					if (d->i < d->n && d->s[d->i] == ',') {
						ok = terrf(d, "unexpected comma");
						break;
					}
					if (d->i < d->n && d->s[d->i] == '}') {
						d->i++;
						break;
					}
					continue;
				}
				if (d->i < d->n && d->s[d->i] == '}') {
					d->i++;
					break;
				}
				ok = terrf(d, "expected a comma or an inline table terminator '}', but got %s instead",
					   rune_or_eof(d));
				break;
			}
		}
		if (ok) {
			d->ctx = outer_ctx;
			d->key = outer_key;
		}
		if (ok)
			*out = m;
	} else if (is_digit(c0)) {
		ok = digit_value(d, out);
	} else {
		ok = number(d, out);
	}
	d->depth--;
	return ok;
}

int gt_toml_decode(struct arena *a, const char *s, size_t n, struct gt_value *out, char **err)
{
	struct tdec d = { a, s ? s : "", n, 0, 1, NULL, 0, "", "", gt_map_new(a, &gt_t_map).m,
			  gt_map_new(a, &gt_t_map).m, 1 };
	struct gt_value root = gt_map_new(a, &gt_t_map);
	struct gt_map *cur = root.m;
	*err = NULL;
	for (;;) {
		skip_all(&d);
		if (d.i >= d.n)
			break;
		if (d.s[d.i] == '[') {
			bool array = peek(&d, "[[");
			d.key_line = d.line;
			d.i += array ? 2 : 1;
			struct gt_value keys[64];
			size_t nk = dotted_key(&d, keys, 64, false);
			if (!nk)
				break;
			/* lexTableNameEnd, lexArrayTableEnd */
			d.i++;
			if (array && (d.i >= d.n || d.s[d.i] != ']')) {
				d.line += d.i < d.n && d.s[d.i] == '\n';
				terrf(&d, "expected end of table array name delimiter ']', but got %s instead",
				      d.i < d.n ? quoted_rune(&d) : "'\\x00'");
				break;
			}
			if (array)
				d.i++;
			/* addContext: parents (created as implied tables), then the table */
			struct gt_map *parent = root.m;
			for (size_t i = 0; i + 1 < nk && parent; i++) {
				const char *path = last_key_string(&d, "", keys, i + 1);
				struct gt_value *v = gt_map_get(parent, keys[i].s.p, keys[i].s.n);
				if (!v) {
					struct gt_value t = gt_map_new(a, &gt_t_map);
					gt_map_set(a, parent, keys[i].s.p, keys[i].s.n, t);
					set_implicit(&d, path, true);
					parent = t.m;
				} else if (gt_kind(*v) == GT_MAP) {
					parent = v->m;
				} else if (aot_last(&d, path, v)) {
					parent = aot_last(&d, path, v);
				} else {
					terr_key(&d, arena_printf(a, "Key '%s' was already created as a hash.", path));
					parent = NULL;
				}
			}
			if (!parent)
				break;
			d.ctx = last_key_string(&d, "", keys, nk - 1);
			const char *path = last_key_string(&d, "", keys, nk);
			struct gt_value *v = gt_map_get(parent, keys[nk - 1].s.p, keys[nk - 1].s.n);
			if (array) {
				struct gt_value t = gt_map_new(a, &gt_t_map);
				if (!v) {
					struct gt_value l = gt_list_new(a, &gt_t_list, 4);
					gt_list_push(a, l, t);
					gt_map_set(a, parent, keys[nk - 1].s.p, keys[nk - 1].s.n, l);
					gt_map_set(a, d.aot, path, strlen(path), gt_bool(true));
				} else if (v->t && v->t->kind == GT_LIST && gt_map_get(d.aot, path, strlen(path))) {
					gt_list_push(a, *v, t);
				} else {
					terr_key(&d, arena_printf(a, "Key '%s' was already created and cannot be used as an array.",
								  path));
					break;
				}
				cur = t.m;
			} else {
				if (!v) {
					struct gt_value t = gt_map_new(a, &gt_t_map);
					gt_map_set(a, parent, keys[nk - 1].s.p, keys[nk - 1].s.n, t);
					cur = t.m;
				} else if (gt_kind(*v) == GT_MAP && is_implicit(&d, path)) {
					set_implicit(&d, path, false);
					cur = v->m;
				} else {
					terr_key(&d, arena_printf(a, "Key '%s' has already been defined.", path));
					break;
				}
			}
			d.ctx = path;
		} else if (!keyval(&d, cur)) {
			break;
		}
		d.key = "";
		/* lexTopEnd */
		skip_ws(&d);
		skip_comment(&d);
		if (d.i < d.n && d.s[d.i] != '\n' && d.s[d.i] != '\r') {
			terrf(&d, "expected a top-level item to end with a newline, comment, or EOF, but got %s instead",
			      quoted_rune(&d));
			break;
		}
	}
	if (d.err) {
		*err = d.err;
		return -1;
	}
	*out = root;
	return 0;
}
