/*
 * helm_schema.c - values.schema.json: JSON Schema validation of a chart's
 * coalesced values, as chartutil.ValidateAgainstSchema does with
 * santhosh-tekuri/jsonschema v6.
 *
 * The schema is interpreted directly from its IR (no compile step: a
 * values schema is small and validated once).  The draft comes from
 * $schema (04, 06, 07, 2019-09, 2020-12; 2020-12 when absent, as v6
 * defaults); it decides how $ref treats its siblings, how items,
 * exclusiveMinimum/Maximum and dependencies read, and whether `format`
 * asserts (drafts before 2019 only).  $ref resolves JSON pointers within
 * the document ("#", "#/definitions/x", "#/$defs/x") and $id/$anchor
 * names; remote references cannot be fetched offline and are reported.
 * unevaluatedProperties/Items are not checked.
 *
 * Messages are v6's leaf messages ("- at '/replicas': got string, want
 * integer"), which Helm prints under the chart's name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc/helm.h"
#include "mc/re2.h"

#define MAX_DEPTH 256

struct validator {
	struct mc_ctx *ctx;
	const struct ir_node *root; /* the schema document */
	int draft;                  /* 4, 6, 7, 2019, 2020 */
	struct sbuf *errs;          /* "- at '/x': msg\n" lines */
	int depth;
	bool quiet;                 /* inside anyOf/oneOf/not probes */
	int nerr;
	const char *unsupported;
};

static void add_err(struct validator *v, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_err(struct validator *v, const char *path, const char *fmt, ...)
{
	v->nerr++;
	if (v->quiet)
		return;
	sbuf_printf(v->errs, "- at '%s': ", path);
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(v->errs, fmt, ap);
	va_end(ap);
	sbuf_addc(v->errs, '\n');
}

/* ---- values as JSON ---- */

static const char *jtype(const struct ir_node *n)
{
	if (!n)
		return "null";
	switch (n->type) {
	case IR_NULL: return "null";
	case IR_BOOL: return "boolean";
	case IR_INT: return "integer";
	case IR_FLOAT: return n->s.v.f == floor(n->s.v.f) && isfinite(n->s.v.f) ? "integer" : "number";
	case IR_STR: return "string";
	case IR_SEQ: return "array";
	default: return "object";
	}
}

static bool is_num(const struct ir_node *n)
{
	return n && (n->type == IR_INT || n->type == IR_FLOAT);
}

static double num(const struct ir_node *n)
{
	if (n->type == IR_FLOAT)
		return n->s.v.f;
	return (n->flags & IR_F_UINT) ? (double)n->s.v.u : (double)n->s.v.i;
}

static bool json_equal(const struct ir_node *a, const struct ir_node *b)
{
	if (is_num(a) && is_num(b))
		return num(a) == num(b);
	if (ir_is_null(a) || ir_is_null(b))
		return ir_is_null(a) && ir_is_null(b);
	return ir_equal(a, b);
}

static const char *display(struct validator *v, const struct ir_node *n)
{
	struct sbuf sb = SBUF_INIT;
	if (ir_is_str(n)) {
		sbuf_addc(&sb, '\'');
		sbuf_addstr(&sb, n->s.text);
		sbuf_addc(&sb, '\'');
	} else {
		helm_fmt_v(&sb, n);
	}
	const char *r = arena_strndup(&v->ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static const char *child_path(struct validator *v, const char *path, const char *key)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_adds(&sb, path);
	sbuf_addc(&sb, '/');
	for (const char *p = key; *p; p++) {
		if (*p == '~')
			sbuf_adds(&sb, "~0");
		else if (*p == '/')
			sbuf_adds(&sb, "~1");
		else
			sbuf_addc(&sb, *p);
	}
	const char *r = arena_strndup(&v->ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

/* ---- references ---- */

/* Resolve a JSON pointer (after '#') in the schema document. */
static const struct ir_node *pointer(struct validator *v, const char *ptr)
{
	const struct ir_node *cur = v->root;
	const char *p = ptr;
	while (*p) {
		if (*p != '/')
			return NULL;
		p++;
		struct sbuf tok = SBUF_INIT;
		for (; *p && *p != '/'; p++) {
			if (*p == '~' && p[1] == '0') {
				sbuf_addc(&tok, '~');
				p++;
			} else if (*p == '~' && p[1] == '1') {
				sbuf_addc(&tok, '/');
				p++;
			} else if (*p == '%' && hex_digit((unsigned char)p[1]) >= 0 && hex_digit((unsigned char)p[2]) >= 0) {
				sbuf_addc(&tok, (char)(hex_digit((unsigned char)p[1]) * 16 + hex_digit((unsigned char)p[2])));
				p += 2;
			} else {
				sbuf_addc(&tok, *p);
			}
		}
		const struct ir_node *next = NULL;
		if (ir_is_map(cur)) {
			next = ir_map_getc(cur, tok.buf);
		} else if (ir_is_seq(cur)) {
			char *end;
			long i = strtol(tok.buf, &end, 10);
			if (*tok.buf && !*end && i >= 0 && (uint32_t)i < cur->seq.len)
				next = cur->seq.items[i];
		}
		sbuf_release(&tok);
		if (!next)
			return NULL;
		cur = next;
	}
	return cur;
}

/* A subschema whose $id or $anchor is name. */
static const struct ir_node *find_id(const struct ir_node *n, const char *id, const char *anchor, int depth)
{
	if (depth > MAX_DEPTH)
		return NULL;
	if (ir_is_map(n)) {
		const char *x = ir_cstr(ir_map_getc(n, "$id"));
		if (!x)
			x = ir_cstr(ir_map_getc(n, "id"));
		if (id && x && (!strcmp(x, id) || (x[0] == '#' && !strcmp(x + 1, id + (id[0] == '#')))))
			return n;
		const char *an = ir_cstr(ir_map_getc(n, "$anchor"));
		if (anchor && an && !strcmp(an, anchor))
			return n;
		for (uint32_t i = 0; i < n->map.len; i++) {
			if (str_eqc(n->map.items[i].key->s.text, "enum") || str_eqc(n->map.items[i].key->s.text, "const"))
				continue;
			const struct ir_node *r = find_id(n->map.items[i].value, id, anchor, depth + 1);
			if (r)
				return r;
		}
	} else if (ir_is_seq(n)) {
		for (uint32_t i = 0; i < n->seq.len; i++) {
			const struct ir_node *r = find_id(n->seq.items[i], id, anchor, depth + 1);
			if (r)
				return r;
		}
	}
	return NULL;
}

static const struct ir_node *resolve(struct validator *v, const char *ref)
{
	if (!strncmp(ref, "urn:", 4))
		return NULL; /* Helm's urn loader: a permissive `true` schema */
	const char *hash = strchr(ref, '#');
	if (hash == ref || (hash && (!strncmp(ref, "file:///values.schema.json", (size_t)(hash - ref)))))
		return hash[1] == '/' || hash[1] == '\0' ? pointer(v, hash + 1) : find_id(v->root, NULL, hash + 1, 0);
	const struct ir_node *r = find_id(v->root, ref, NULL, 0);
	if (!r && !hash)
		v->unsupported = ref;
	return r;
}

/* ---- formats (asserted before draft 2019) ---- */

static bool fmt_ipv4(const char *s)
{
	int parts = 0;
	while (*s) {
		int n = 0, d = 0;
		if (*s == '0' && s[1] >= '0' && s[1] <= '9')
			return false;
		while (*s >= '0' && *s <= '9' && d < 4) {
			n = n * 10 + (*s++ - '0');
			d++;
		}
		if (d == 0 || n > 255)
			return false;
		parts++;
		if (*s == '.')
			s++;
		else if (*s)
			return false;
	}
	return parts == 4;
}

static bool fmt_date(const char *s, size_t *used)
{
	for (int i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	*used = 10;
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static bool fmt_ok(const char *f, const char *s)
{
	size_t u;
	if (!strcmp(f, "ipv4"))
		return fmt_ipv4(s);
	if (!strcmp(f, "date"))
		return fmt_date(s, &u) && !s[u];
	if (!strcmp(f, "date-time")) {
		if (!fmt_date(s, &u) || (s[u] != 'T' && s[u] != 't'))
			return false;
		const char *t = s + u + 1;
		if (strlen(t) < 9 || t[2] != ':' || t[5] != ':')
			return false;
		t += 8;
		if (*t == '.')
			for (t++; *t >= '0' && *t <= '9'; t++)
				;
		return !strcmp(t, "Z") || !strcmp(t, "z") ||
			((t[0] == '+' || t[0] == '-') && strlen(t) == 6 && t[3] == ':');
	}
	if (!strcmp(f, "email")) {
		const char *at = strrchr(s, '@');
		return at && at != s && at[1];
	}
	if (!strcmp(f, "hostname")) {
		size_t n = strlen(s);
		if (n == 0 || n > 253)
			return false;
		for (const char *p = s; *p;) {
			const char *e = strchr(p, '.');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			if (l == 0 || l > 63 || p[0] == '-' || p[l - 1] == '-')
				return false;
			for (size_t i = 0; i < l; i++)
				if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
				      (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
					return false;
			p += l + (e ? 1 : 0);
			if (e && !*p)
				break;
		}
		return true;
	}
	if (!strcmp(f, "uri")) {
		const char *c = strchr(s, ':');
		if (!c || c == s)
			return false;
		for (const char *p = s; p < c; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (p > s && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))))
				return false;
		return true;
	}
	if (!strcmp(f, "uuid")) {
		if (strlen(s) != 36)
			return false;
		for (int i = 0; i < 36; i++)
			if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : hex_digit((unsigned char)s[i]) < 0)
				return false;
		return true;
	}
	return true; /* formats not checked here pass, as unknown ones do in v6 */
}

/* ---- the validator ---- */

static int validate(struct validator *v, const struct ir_node *s, const struct ir_node *x,
	const char *path);

/* Run s against x without reporting; true when it validates. */
static bool probe(struct validator *v, const struct ir_node *s, const struct ir_node *x, const char *path)
{
	bool q = v->quiet;
	int n = v->nerr;
	v->quiet = true;
	validate(v, s, x, path);
	bool ok = v->nerr == n;
	v->nerr = n;
	v->quiet = q;
	return ok;
}

static bool type_matches(const char *want, const struct ir_node *x)
{
	const char *got = jtype(x);
	if (!strcmp(want, got))
		return true;
	return !strcmp(want, "number") && !strcmp(got, "integer");
}

/* pattern and patternProperties: Go regexps (jsonschema v6's default
 * engine, which Helm keeps). */
static bool regex_match(struct validator *v, const char *pat, const char *s, size_t n)
{
	struct re2 *re = re2_compile(pat, strlen(pat), NULL);
	if (!re) {
		v->unsupported = arena_printf(&v->ctx->arena, "pattern %s", pat);
		return true;
	}
	bool m = re2_match(re, s, n);
	re2_free(re);
	return m;
}

static const char *fmt_num(struct validator *v, double d)
{
	struct sbuf sb = SBUF_INIT;
	go_ftoa(&sb, d, 'g', -1, 64);
	const char *r = arena_strndup(&v->ctx->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static void check_number(struct validator *v, const struct ir_node *s, const struct ir_node *x,
	const char *path)
{
	double d = num(x);
	const struct ir_node *k;
	bool old = v->draft == 4;
	const struct ir_node *emin = ir_map_getc(s, "exclusiveMinimum");
	const struct ir_node *emax = ir_map_getc(s, "exclusiveMaximum");
	if ((k = ir_map_getc(s, "minimum")) && is_num(k)) {
		bool ex = old && emin && emin->type == IR_BOOL && emin->s.v.b;
		if (ex ? !(d > num(k)) : !(d >= num(k)))
			add_err(v, path, ex ? "exclusiveMinimum: got %s, want %s" : "minimum: got %s, want %s",
				fmt_num(v, d), fmt_num(v, num(k)));
	}
	if ((k = ir_map_getc(s, "maximum")) && is_num(k)) {
		bool ex = old && emax && emax->type == IR_BOOL && emax->s.v.b;
		if (ex ? !(d < num(k)) : !(d <= num(k)))
			add_err(v, path, ex ? "exclusiveMaximum: got %s, want %s" : "maximum: got %s, want %s",
				fmt_num(v, d), fmt_num(v, num(k)));
	}
	if (!old && is_num(emin) && !(d > num(emin)))
		add_err(v, path, "exclusiveMinimum: got %s, want %s", fmt_num(v, d), fmt_num(v, num(emin)));
	if (!old && is_num(emax) && !(d < num(emax)))
		add_err(v, path, "exclusiveMaximum: got %s, want %s", fmt_num(v, d), fmt_num(v, num(emax)));
	if ((k = ir_map_getc(s, "multipleOf")) && is_num(k) && num(k) > 0) {
		double q = d / num(k);
		if (q != floor(q) || !isfinite(q))
			add_err(v, path, "multipleOf: %s is not multipleOf %s", fmt_num(v, d), fmt_num(v, num(k)));
	}
}

static void check_string(struct validator *v, const struct ir_node *s, const struct ir_node *x,
	const char *path)
{
	const char *str = x->s.text->s;
	size_t n = x->s.text->len;
	const struct ir_node *k;
	if ((k = ir_map_getc(s, "minLength")) && is_num(k) && utf8_count(str, n) < (size_t)num(k))
		add_err(v, path, "minLength: got %zu, want %s", utf8_count(str, n), fmt_num(v, num(k)));
	if ((k = ir_map_getc(s, "maxLength")) && is_num(k) && utf8_count(str, n) > (size_t)num(k))
		add_err(v, path, "maxLength: got %zu, want %s", utf8_count(str, n), fmt_num(v, num(k)));
	if ((k = ir_map_getc(s, "pattern")) && ir_is_str(k) && !regex_match(v, k->s.text->s, str, n))
		add_err(v, path, "'%s' does not match pattern '%s'", str, k->s.text->s);
	if ((k = ir_map_getc(s, "format")) && ir_is_str(k) && v->draft < 2019 && !fmt_ok(k->s.text->s, str))
		add_err(v, path, "'%s' is not valid '%s'", str, k->s.text->s);
}

static void check_array(struct validator *v, const struct ir_node *s, const struct ir_node *x,
	const char *path)
{
	uint32_t n = x->seq.len;
	const struct ir_node *k;
	if ((k = ir_map_getc(s, "minItems")) && is_num(k) && n < num(k))
		add_err(v, path, "minItems: got %u, want %s", n, fmt_num(v, num(k)));
	if ((k = ir_map_getc(s, "maxItems")) && is_num(k) && n > num(k))
		add_err(v, path, "maxItems: got %u, want %s", n, fmt_num(v, num(k)));
	if ((k = ir_map_getc(s, "uniqueItems")) && k->type == IR_BOOL && k->s.v.b) {
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t j = i + 1; j < n; j++)
				if (json_equal(x->seq.items[i], x->seq.items[j])) {
					add_err(v, path, "items at %u and %u are equal", i, j);
					i = j = n;
				}
	}
	uint32_t from = 0;
	const struct ir_node *items = ir_map_getc(s, "items");
	const struct ir_node *prefix = v->draft >= 2020 ? ir_map_getc(s, "prefixItems")
		: (ir_is_seq(items) ? items : NULL);
	if (ir_is_seq(prefix)) {
		for (uint32_t i = 0; i < n && i < prefix->seq.len; i++)
			validate(v, prefix->seq.items[i], x->seq.items[i],
				child_path(v, path, arena_printf(&v->ctx->arena, "%u", i)));
		from = prefix->seq.len;
	}
	const struct ir_node *rest = v->draft >= 2020 ? items
		: (ir_is_seq(items) ? ir_map_getc(s, "additionalItems") : items);
	if (rest && !ir_is_seq(rest)) {
		if (rest->type == IR_BOOL && !rest->s.v.b && from < n)
			add_err(v, path, "last %u additionalItem(s) not allowed", n - from);
		else
			for (uint32_t i = from; i < n; i++)
				validate(v, rest, x->seq.items[i],
					child_path(v, path, arena_printf(&v->ctx->arena, "%u", i)));
	}
	if ((k = ir_map_getc(s, "contains")) && v->draft >= 6) {
		uint32_t matched = 0;
		for (uint32_t i = 0; i < n; i++)
			if (probe(v, k, x->seq.items[i], path))
				matched++;
		const struct ir_node *mn = v->draft >= 2019 ? ir_map_getc(s, "minContains") : NULL;
		const struct ir_node *mx = v->draft >= 2019 ? ir_map_getc(s, "maxContains") : NULL;
		double want = is_num(mn) ? num(mn) : 1;
		if (matched < want)
			add_err(v, path, matched == 0 && want == 1 ? "no items match contains schema"
				: "min %s items required to match contains schema", fmt_num(v, want));
		if (is_num(mx) && matched > num(mx))
			add_err(v, path, "max %s items required to match contains schema", fmt_num(v, num(mx)));
	}
}

static void missing_list(struct sbuf *sb, const char *name)
{
	if (sb->len)
		sbuf_adds(sb, ", ");
	sbuf_printf(sb, "'%s'", name);
}

static void check_object(struct validator *v, const struct ir_node *s, const struct ir_node *x,
	const char *path)
{
	const struct ir_node *k;
	if ((k = ir_map_getc(s, "minProperties")) && is_num(k) && x->map.len < num(k))
		add_err(v, path, "minProperties: got %u, want %s", x->map.len, fmt_num(v, num(k)));
	if ((k = ir_map_getc(s, "maxProperties")) && is_num(k) && x->map.len > num(k))
		add_err(v, path, "maxProperties: got %u, want %s", x->map.len, fmt_num(v, num(k)));
	if ((k = ir_map_getc(s, "required")) && ir_is_seq(k)) {
		struct sbuf miss = SBUF_INIT;
		int nmiss = 0;
		for (uint32_t i = 0; i < k->seq.len; i++) {
			const char *name = ir_cstr(k->seq.items[i]);
			if (name && !ir_map_getc(x, name)) {
				missing_list(&miss, name);
				nmiss++;
			}
		}
		if (nmiss)
			add_err(v, path, nmiss == 1 ? "missing property %s" : "missing properties %s", miss.buf);
		sbuf_release(&miss);
	}
	const struct ir_node *props = ir_map_getc(s, "properties");
	const struct ir_node *pprops = ir_map_getc(s, "patternProperties");
	const struct ir_node *addl = ir_map_getc(s, "additionalProperties");
	const struct ir_node *pnames = v->draft >= 6 ? ir_map_getc(s, "propertyNames") : NULL;
	struct sbuf extra = SBUF_INIT;
	for (uint32_t i = 0; i < x->map.len; i++) {
		const char *key = x->map.items[i].key->s.text->s;
		const struct ir_node *val = x->map.items[i].value;
		const char *cp = child_path(v, path, key);
		bool evaluated = false;
		const struct ir_node *ps = ir_is_map(props) ? ir_map_getc(props, key) : NULL;
		if (ps) {
			validate(v, ps, val, cp);
			evaluated = true;
		}
		for (uint32_t j = 0; ir_is_map(pprops) && j < pprops->map.len; j++) {
			const struct str *pat = pprops->map.items[j].key->s.text;
			if (regex_match(v, pat->s, key, x->map.items[i].key->s.text->len)) {
				validate(v, pprops->map.items[j].value, val, cp);
				evaluated = true;
			}
		}
		if (!evaluated && addl) {
			if (addl->type == IR_BOOL) {
				if (!addl->s.v.b)
					missing_list(&extra, key);
			} else {
				validate(v, addl, val, cp);
			}
		}
		if (pnames) {
			struct ir_node *kn = ir_strs(v->ctx, x->map.items[i].key->s.text, NULL);
			if (!probe(v, pnames, kn, cp))
				add_err(v, path, "invalid propertyName '%s'", key);
		}
	}
	if (extra.len)
		add_err(v, path, "additional properties %s not allowed", extra.buf);
	sbuf_release(&extra);
	/* dependencies (to draft 7), dependentRequired/Schemas (2019 on) */
	const struct ir_node *deps = v->draft < 2019 ? ir_map_getc(s, "dependencies") : NULL;
	const struct ir_node *dreq = v->draft >= 2019 ? ir_map_getc(s, "dependentRequired") : NULL;
	const struct ir_node *dsch = v->draft >= 2019 ? ir_map_getc(s, "dependentSchemas") : NULL;
	for (int pass = 0; pass < 3; pass++) {
		const struct ir_node *d = pass == 0 ? deps : pass == 1 ? dreq : dsch;
		for (uint32_t i = 0; ir_is_map(d) && i < d->map.len; i++) {
			const char *prop = d->map.items[i].key->s.text->s;
			const struct ir_node *dv = d->map.items[i].value;
			if (!ir_map_getc(x, prop))
				continue;
			if (ir_is_seq(dv)) {
				struct sbuf miss = SBUF_INIT;
				for (uint32_t j = 0; j < dv->seq.len; j++) {
					const char *name = ir_cstr(dv->seq.items[j]);
					if (name && !ir_map_getc(x, name))
						missing_list(&miss, name);
				}
				if (miss.len)
					add_err(v, path, "properties %s required, if '%s' exists", miss.buf, prop);
				sbuf_release(&miss);
			} else {
				validate(v, dv, x, path);
			}
		}
	}
}

static int validate(struct validator *v, const struct ir_node *s, const struct ir_node *x,
	const char *path)
{
	if (++v->depth > MAX_DEPTH) {
		v->depth--;
		v->unsupported = "schema nested too deeply (a $ref cycle?)";
		return 0;
	}
	int before = v->nerr;
	if (s && s->type == IR_BOOL) {
		if (!s->s.v.b)
			add_err(v, path, "false schema");
		goto out;
	}
	if (!ir_is_map(s))
		goto out;
	const struct ir_node *k;
	if ((k = ir_map_getc(s, "$ref")) && ir_is_str(k)) {
		const struct ir_node *t = resolve(v, k->s.text->s);
		if (t)
			validate(v, t, x, path);
		if (v->draft < 2019)
			goto out; /* siblings of $ref are ignored before 2019-09 */
	}
	if ((k = ir_map_getc(s, "type"))) {
		bool ok = false;
		struct sbuf want = SBUF_INIT;
		if (ir_is_str(k)) {
			ok = type_matches(k->s.text->s, x);
			sbuf_addstr(&want, k->s.text);
		} else if (ir_is_seq(k)) {
			for (uint32_t i = 0; i < k->seq.len; i++) {
				const char *t = ir_cstr(k->seq.items[i]);
				if (!t)
					continue;
				if (type_matches(t, x))
					ok = true;
				if (want.len)
					sbuf_adds(&want, " or ");
				sbuf_adds(&want, t);
			}
		} else {
			ok = true;
		}
		if (!ok)
			add_err(v, path, "got %s, want %s", ir_is_null(x) ? "null" : (!strcmp(jtype(x), "integer") ? "number" : jtype(x)),
				want.buf);
		sbuf_release(&want);
	}
	if ((k = ir_map_getc(s, "enum")) && ir_is_seq(k)) {
		bool ok = false;
		for (uint32_t i = 0; i < k->seq.len && !ok; i++)
			ok = json_equal(k->seq.items[i], x);
		if (!ok) {
			struct sbuf want = SBUF_INIT;
			for (uint32_t i = 0; i < k->seq.len; i++) {
				if (i)
					sbuf_adds(&want, ", ");
				sbuf_adds(&want, display(v, k->seq.items[i]));
			}
			add_err(v, path, k->seq.len == 1 ? "value must be %s" : "value must be one of %s", want.buf);
			sbuf_release(&want);
		}
	}
	if (v->draft >= 6 && (k = ir_map_getc(s, "const")) && !json_equal(k, x))
		add_err(v, path, "value must be %s", display(v, k));
	if (is_num(x))
		check_number(v, s, x, path);
	else if (ir_is_str(x))
		check_string(v, s, x, path);
	else if (ir_is_seq(x))
		check_array(v, s, x, path);
	else if (ir_is_map(x))
		check_object(v, s, x, path);
	if ((k = ir_map_getc(s, "allOf")) && ir_is_seq(k)) {
		for (uint32_t i = 0; i < k->seq.len; i++)
			validate(v, k->seq.items[i], x, path);
	}
	if ((k = ir_map_getc(s, "anyOf")) && ir_is_seq(k)) {
		bool ok = false;
		for (uint32_t i = 0; i < k->seq.len && !ok; i++)
			ok = probe(v, k->seq.items[i], x, path);
		if (!ok)
			add_err(v, path, "anyOf failed");
	}
	if ((k = ir_map_getc(s, "oneOf")) && ir_is_seq(k)) {
		int matched = 0, first = -1, second = -1;
		for (uint32_t i = 0; i < k->seq.len; i++)
			if (probe(v, k->seq.items[i], x, path)) {
				if (matched == 0)
					first = (int)i;
				else if (matched == 1)
					second = (int)i;
				matched++;
			}
		if (matched == 0)
			add_err(v, path, "oneOf failed, none matched");
		else if (matched > 1)
			add_err(v, path, "oneOf failed, subschemas %d, %d matched", first, second);
	}
	if ((k = ir_map_getc(s, "not")) && probe(v, k, x, path))
		add_err(v, path, "not failed");
	if (v->draft >= 7 && (k = ir_map_getc(s, "if"))) {
		bool cond = probe(v, k, x, path);
		const struct ir_node *branch = ir_map_getc(s, cond ? "then" : "else");
		if (branch)
			validate(v, branch, x, path);
	}
out:
	v->depth--;
	return v->nerr - before;
}

static int draft_of(const struct ir_node *schema)
{
	const char *sc = ir_cstr(ir_map_getc(schema, "$schema"));
	if (!sc)
		return 2020;
	if (strstr(sc, "draft-04"))
		return 4;
	if (strstr(sc, "draft-06"))
		return 6;
	if (strstr(sc, "draft-07"))
		return 7;
	if (strstr(sc, "2019-09"))
		return 2019;
	return 2020;
}

int helm_validate_schema(struct mc_ctx *ctx, const struct helm_file *f, const struct ir_node *values,
	struct sbuf *errs)
{
	struct ir_node *schema;
	const char *err;
	if (helm_json_parse(ctx, f->data, f->len, false, &schema, &err)) {
		sbuf_printf(errs, "%s\n", err);
		return 1;
	}
	struct validator v = { 0 };
	v.ctx = ctx;
	v.root = schema;
	v.draft = draft_of(schema);
	v.errs = errs;
	validate(&v, schema, values, "");
	if (v.unsupported && !v.nerr)
		diag_warn(&ctx->diag, NULL, "values.schema.json: cannot check %s offline; it is ignored",
			v.unsupported);
	return v.nerr;
}

/* ValidateAgainstSchema: the chart, then each subchart's section. */
static void validate_chart(struct mc_ctx *ctx, const struct helm_chart *c, const struct ir_node *values,
	struct sbuf *out)
{
	if (c->schema) {
		struct sbuf errs = SBUF_INIT;
		if (helm_validate_schema(ctx, c->schema, values, &errs))
			sbuf_printf(out, "%s:\n%s", c->meta.name, errs.buf);
		sbuf_release(&errs);
	}
	for (size_t i = 0; i < c->ndeps; i++) {
		const struct helm_chart *sub = c->deps[i];
		const struct ir_node *raw = ir_map_getc(values, sub->meta.name);
		if (ir_is_null(raw))
			continue;
		if (!ir_is_map(raw)) {
			sbuf_printf(out, "%s:\ninvalid type for values: expected object (map), got %s\n",
				sub->meta.name, raw->type == IR_STR ? "string" : raw->type == IR_BOOL ? "bool"
				: raw->type == IR_INT ? "int64" : raw->type == IR_FLOAT ? "float64" : "[]interface {}");
			continue;
		}
		validate_chart(ctx, sub, raw, out);
	}
}

int helm_validate_values(struct mc_ctx *ctx, const struct helm_chart *c, const struct ir_node *values)
{
	struct sbuf out = SBUF_INIT;
	validate_chart(ctx, c, values, &out);
	int e = 0;
	if (out.len) {
		if (out.buf[out.len - 1] == '\n')
			sbuf_truncate(&out, out.len - 1);
		e = diag_error(&ctx->diag, &c->pos,
			"values don't meet the specifications of the schema(s) in the following chart(s):\n%s",
			out.buf);
	}
	sbuf_release(&out);
	return e;
}
