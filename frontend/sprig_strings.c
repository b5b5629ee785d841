/*
 * sprig_strings.c - Sprig's string functions (strings.go and the helpers
 * it takes from Masterminds/goutils and huandu/xstrings).
 *
 * Byte-level quirks are kept on purpose: goutils' initials and nospace walk
 * bytes, not runes, trunc and substr slice bytes, and out-of-range slicing
 * fails with the runtime's message, as the Go functions do.
 */
#include <string.h>

#include "sprig_impl.h"

#define S (&gt_t_string)
#define I (&gt_t_int)

struct gt_value sp_strval(struct arena *a, struct gt_value v)
{
	if (v.t && v.t->kind == GT_STRING)
		return gt_string(v.s.p, v.s.n);
	if (v.t && v.t == &gt_t_bytes) {
		struct sbuf b = SBUF_INIT;
		for (uint32_t i = 0; v.l && i < v.l->len; i++)
			sbuf_addc(&b, (char)v.l->items[i].u);
		struct gt_value r = gt_sbuf_value(a, &b);
		sbuf_release(&b);
		return r;
	}
	struct sbuf sb = SBUF_INIT;
	if (!v.t || v.t->kind == GT_NIL)
		sbuf_adds(&sb, "<nil>");
	else
		gt_fmt_v(&sb, v);
	struct gt_value r = gt_sbuf_value(a, &sb);
	sbuf_release(&sb);
	return r;
}

const char *sp_cstr(struct gt_call *c, struct gt_value v)
{
	return gt_arena_str(gt_call_arena(c), v.s.p, v.s.n);
}

int sp_ret_sbuf(struct gt_call *c, struct gt_value *ret, struct sbuf *sb)
{
	*ret = gt_sbuf_value(gt_call_arena(c), sb);
	sbuf_release(sb);
	return 0;
}

static void add_rune(struct sbuf *sb, uint32_t r)
{
	char enc[4];
	sbuf_add(sb, enc, utf8_encode(enc, r));
}

/* strings.Map(f, s) over runes (invalid bytes become U+FFFD). */
static void map_runes(struct sbuf *sb, const char *p, size_t n, uint32_t (*f)(uint32_t))
{
	for (size_t i = 0; i < n;) {
		uint32_t r;
		i += utf8_decode(p + i, n - i, &r);
		add_rune(sb, f(r));
	}
}

SP_FN(s_upper)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	map_runes(&sb, a[0].s.p, a[0].s.n, go_to_upper);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_lower)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	map_runes(&sb, a[0].s.p, a[0].s.n, go_to_lower);
	return sp_ret_sbuf(c, ret, &sb);
}

static bool title_sep(uint32_t r)
{
	if (r <= 0x7f)
		return !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			r == '_');
	if (go_is_letter(r) || go_is_digit(r))
		return false;
	return go_is_space(r);
}

/* strings.Title */
SP_FN(s_title)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	uint32_t prev = ' ';
	for (size_t i = 0; i < a[0].s.n;) {
		uint32_t r;
		i += utf8_decode(a[0].s.p + i, a[0].s.n - i, &r);
		add_rune(&sb, title_sep(prev) ? go_to_title(r) : r);
		prev = r;
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* goutils.Uncapitalize */
SP_FN(s_untitle)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	bool next = true;
	for (size_t i = 0; i < a[0].s.n;) {
		uint32_t r;
		i += utf8_decode(a[0].s.p + i, a[0].s.n - i, &r);
		if (go_is_space(r)) {
			next = true;
		} else if (next) {
			r = go_to_lower(r);
			next = false;
		}
		add_rune(&sb, r);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* goutils.SwapCase (a lower-case letter after a space becomes title case) */
SP_FN(s_swapcase)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	bool ws = true;
	for (size_t i = 0; i < a[0].s.n;) {
		uint32_t r;
		i += utf8_decode(a[0].s.p + i, a[0].s.n - i, &r);
		if (go_is_upper(r) || go_is_title(r)) {
			r = go_to_lower(r);
			ws = false;
		} else if (go_is_lower(r)) {
			r = ws ? go_to_title(r) : go_to_upper(r);
			ws = false;
		} else {
			ws = go_is_space(r);
		}
		add_rune(&sb, r);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* goutils walks bytes and writes each as a rune (Latin-1 re-encoding). */
SP_FN(s_initials)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	bool gap = true;
	for (size_t i = 0; i < a[0].s.n; i++) {
		uint32_t ch = (unsigned char)a[0].s.p[i];
		if (go_is_space(ch)) {
			gap = true;
		} else if (gap) {
			add_rune(&sb, ch);
			gap = false;
		}
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_nospace)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	size_t count = 0;
	for (size_t i = 0; i < a[0].s.n; i++) {
		uint32_t ch = (unsigned char)a[0].s.p[i];
		if (!go_is_space(ch)) {
			add_rune(&sb, ch);
			count++;
		}
	}
	if (count == a[0].s.n) {
		sbuf_release(&sb);
		*ret = a[0];
		return 0;
	}
	return sp_ret_sbuf(c, ret, &sb);
}

static struct gt_value substr_v(struct gt_value s, size_t from, size_t to)
{
	return gt_string(s.s.p + from, to - from);
}

static int abbreviate(struct gt_call *c, struct gt_value s, long offset, long maxw,
	struct sbuf *out, bool *err)
{
	long len = (long)s.s.n;
	*err = false;
	if (len == 0)
		return 0;
	if (maxw < 4) {
		*err = true;
		return 0;
	}
	if (len <= maxw) {
		sbuf_add(out, s.s.p, s.s.n);
		return 0;
	}
	if (offset > len)
		offset = len;
	if (len - offset < maxw - 3)
		offset = len - (maxw - 3);
	if (offset <= 4) {
		sbuf_add(out, s.s.p, (size_t)(maxw - 3));
		sbuf_adds(out, "...");
		return 0;
	}
	if (maxw < 7) {
		*err = true;
		return 0;
	}
	if (offset + maxw - 3 < len) {
		sbuf_adds(out, "...");
		bool e2;
		return abbreviate(c, substr_v(s, (size_t)offset, (size_t)len), 0, maxw - 3, out, &e2);
	}
	sbuf_adds(out, "...");
	sbuf_add(out, s.s.p + (len - (maxw - 3)), (size_t)(maxw - 3));
	return 0;
}

SP_FN(s_abbrev)
{
	(void)n;
	if (a[0].i < 4) {
		*ret = a[1];
		return 0;
	}
	struct sbuf sb = SBUF_INIT;
	bool err;
	abbreviate(c, a[1], 0, a[0].i, &sb, &err);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_abbrevboth)
{
	(void)n;
	long left = a[0].i, right = a[1].i;
	if (right < 4 || (left > 0 && right < 7)) {
		*ret = a[2];
		return 0;
	}
	struct sbuf sb = SBUF_INIT;
	bool err;
	abbreviate(c, a[2], left, right, &sb, &err);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_trunc)
{
	(void)n, (void)c;
	int64_t cnt = a[0].i;
	struct gt_value s = a[1];
	int64_t len = (int64_t)s.s.n;
	if (cnt < 0 && len + cnt > 0)
		*ret = substr_v(s, (size_t)(len + cnt), (size_t)len);
	else if (cnt >= 0 && len > cnt)
		*ret = substr_v(s, 0, (size_t)cnt);
	else
		*ret = s;
	return 0;
}

SP_FN(s_substr)
{
	(void)n;
	int64_t start = a[0].i, end = a[1].i;
	struct gt_value s = a[2];
	int64_t len = (int64_t)s.s.n;
	if (start < 0) {
		if (end < 0 || end > len)
			return gt_call_errorf(c, "runtime error: slice bounds out of range [:%lld] with length %lld",
				(long long)end, (long long)len);
		*ret = substr_v(s, 0, (size_t)end);
		return 0;
	}
	if (end < 0 || end > len) {
		if (start > len)
			return gt_call_errorf(c, "runtime error: slice bounds out of range [%lld:%lld]",
				(long long)start, (long long)len);
		*ret = substr_v(s, (size_t)start, (size_t)len);
		return 0;
	}
	if (start > end)
		return gt_call_errorf(c, "runtime error: slice bounds out of range [%lld:%lld]",
			(long long)start, (long long)end);
	*ret = substr_v(s, (size_t)start, (size_t)end);
	return 0;
}

#define MAX_STRING (64u << 20)

SP_FN(s_repeat)
{
	(void)n;
	int64_t count = a[0].i;
	struct gt_value s = a[1];
	if (count < 0)
		return gt_call_errorf(c, "strings: negative Repeat count");
	if (s.s.n && (uint64_t)count > MAX_STRING / s.s.n)
		return gt_call_errorf(c, "strings: Repeat output length overflow (output above %u bytes is refused)",
			MAX_STRING);
	struct sbuf sb = SBUF_INIT;
	for (int64_t i = 0; i < count; i++)
		sbuf_add(&sb, s.s.p, s.s.n);
	return sp_ret_sbuf(c, ret, &sb);
}

static bool in_cutset(uint32_t r, struct gt_value cut)
{
	for (size_t i = 0; i < cut.s.n;) {
		uint32_t x;
		i += utf8_decode(cut.s.p + i, cut.s.n - i, &x);
		if (x == r)
			return true;
	}
	return false;
}

/* strings.Trim(s, cutset) */
static struct gt_value trim_cutset(struct gt_value s, struct gt_value cut)
{
	size_t b = 0, e = s.s.n;
	while (b < e) {
		uint32_t r;
		size_t w = utf8_decode(s.s.p + b, e - b, &r);
		if (!in_cutset(r, cut))
			break;
		b += w;
	}
	while (e > b) {
		uint32_t r;
		size_t w = utf8_decode_last(s.s.p + b, e - b, &r);
		if (!in_cutset(r, cut))
			break;
		e -= w;
	}
	return substr_v(s, b, e);
}

SP_FN(s_trimall)
{
	(void)n, (void)c;
	*ret = trim_cutset(a[1], a[0]);
	return 0;
}

/* strings.TrimSpace */
struct gt_value sp_trim_space(struct gt_value s)
{
	const char *p = s.s.p;
	size_t n = s.s.n;
	go_trim_space(&p, &n);
	return gt_string(p, n);
}

SP_FN(s_trim)
{
	(void)n, (void)c;
	*ret = sp_trim_space(a[0]);
	return 0;
}

static bool has_prefix(struct gt_value s, struct gt_value p)
{
	return s.s.n >= p.s.n && (p.s.n == 0 || !memcmp(s.s.p, p.s.p, p.s.n));
}

static bool has_suffix(struct gt_value s, struct gt_value p)
{
	return s.s.n >= p.s.n && (p.s.n == 0 || !memcmp(s.s.p + s.s.n - p.s.n, p.s.p, p.s.n));
}

SP_FN(s_trimsuffix)
{
	(void)n, (void)c;
	*ret = has_suffix(a[1], a[0]) ? substr_v(a[1], 0, a[1].s.n - a[0].s.n) : a[1];
	return 0;
}

SP_FN(s_trimprefix)
{
	(void)n, (void)c;
	*ret = has_prefix(a[1], a[0]) ? substr_v(a[1], a[0].s.n, a[1].s.n) : a[1];
	return 0;
}

SP_FN(s_contains)
{
	(void)n, (void)c;
	*ret = gt_bool(mem_find(a[1].s.p ? a[1].s.p : "", a[1].s.n, a[0].s.p, a[0].s.n) != NULL);
	return 0;
}

SP_FN(s_hasprefix)
{
	(void)n, (void)c;
	*ret = gt_bool(has_prefix(a[1], a[0]));
	return 0;
}

SP_FN(s_hassuffix)
{
	(void)n, (void)c;
	*ret = gt_bool(has_suffix(a[1], a[0]));
	return 0;
}

/* quote, squote and cat: the non-nil arguments, space-separated, each as
 * put writes it. */
static int join_args(struct gt_call *c, struct gt_value *a, size_t n, struct gt_value *ret,
	void (*put)(struct gt_call *, struct sbuf *, struct gt_value))
{
	struct sbuf sb = SBUF_INIT;
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (!a[i].t || a[i].t->kind == GT_NIL)
			continue;
		if (!first)
			sbuf_addc(&sb, ' ');
		first = false;
		put(c, &sb, a[i]);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

static void put_quoted(struct gt_call *c, struct sbuf *sb, struct gt_value v)
{
	struct gt_value s = sp_strval(gt_call_arena(c), v);
	go_quote(sb, s.s.p, s.s.n, '"', false, false);
}

static void put_squoted(struct gt_call *c, struct sbuf *sb, struct gt_value v)
{
	(void)c;
	sbuf_addc(sb, '\'');
	gt_fmt_v(sb, v);
	sbuf_addc(sb, '\'');
}

static void put_v(struct gt_call *c, struct sbuf *sb, struct gt_value v)
{
	(void)c;
	gt_fmt_v(sb, v);
}

SP_FN(s_quote)
{
	return join_args(c, a, n, ret, put_quoted);
}

SP_FN(s_squote)
{
	return join_args(c, a, n, ret, put_squoted);
}

SP_FN(s_cat)
{
	return join_args(c, a, n, ret, put_v);
}

/* indent and nindent: every line of v after spaces spaces (Sprig builds
 * the padding with strings.Repeat, hence its errors). */
static int indent(struct gt_call *c, int64_t spaces, struct gt_value v, bool newline,
	struct gt_value *ret)
{
	if (spaces < 0)
		return gt_call_errorf(c, "strings: negative Repeat count");
	if ((uint64_t)spaces > MAX_STRING)
		return gt_call_errorf(c, "strings: Repeat output length overflow");
	struct sbuf sb = SBUF_INIT;
	if (newline)
		sbuf_addc(&sb, '\n');
	for (int64_t k = 0; k < spaces; k++)
		sbuf_addc(&sb, ' ');
	for (size_t i = 0; i < v.s.n; i++) {
		sbuf_addc(&sb, v.s.p[i]);
		if (v.s.p[i] == '\n')
			for (int64_t k = 0; k < spaces; k++)
				sbuf_addc(&sb, ' ');
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_indent)
{
	(void)n;
	return indent(c, a[0].i, a[1], false, ret);
}

SP_FN(s_nindent)
{
	(void)n;
	return indent(c, a[0].i, a[1], true, ret);
}

/* strings.Replace(src, old, new, -1) */
void sp_replace_all(struct sbuf *sb, struct gt_value src, struct gt_value old, struct gt_value nw)
{
	if (old.s.n == 0) {
		/* an empty old matches before every rune and at the end */
		size_t i = 0;
		sbuf_add(sb, nw.s.p, nw.s.n);
		while (i < src.s.n) {
			uint32_t r;
			size_t w = utf8_decode(src.s.p + i, src.s.n - i, &r);
			sbuf_add(sb, src.s.p + i, w);
			sbuf_add(sb, nw.s.p, nw.s.n);
			i += w;
		}
		return;
	}
	size_t i = 0;
	while (i < src.s.n) {
		const char *p = mem_find(src.s.p + i, src.s.n - i, old.s.p, old.s.n);
		if (!p) {
			sbuf_add(sb, src.s.p + i, src.s.n - i);
			return;
		}
		sbuf_add(sb, src.s.p + i, (size_t)(p - (src.s.p + i)));
		sbuf_add(sb, nw.s.p, nw.s.n);
		i = (size_t)(p - src.s.p) + old.s.n;
	}
}

SP_FN(s_replace)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	sp_replace_all(&sb, a[2], a[0], a[1]);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_plural)
{
	(void)n, (void)c;
	*ret = a[2].i == 1 ? a[0] : a[1];
	return 0;
}

SP_FN(s_tostring)
{
	(void)n;
	*ret = sp_strval(gt_call_arena(c), a[0]);
	return 0;
}

/* strings.Split(s, sep) (n < 0) or SplitN. */
struct gt_value sp_split(struct arena *ar, struct gt_value s, struct gt_value sep, long nmax)
{
	struct gt_value l = gt_list_new(ar, &gt_t_strings, 4);
	if (nmax == 0)
		return (struct gt_value){ &gt_t_strings, { .l = NULL } };
	if (sep.s.n == 0) {
		/* explode into runes */
		size_t i = 0;
		long k = 0;
		while (i < s.s.n) {
			if (nmax > 0 && k == nmax - 1) {
				gt_list_push(ar, l, substr_v(s, i, s.s.n));
				return l;
			}
			uint32_t r;
			size_t w = utf8_decode(s.s.p + i, s.s.n - i, &r);
			gt_list_push(ar, l, substr_v(s, i, i + w));
			i += w;
			k++;
		}
		return l;
	}
	size_t i = 0;
	long k = 0;
	for (;;) {
		if (nmax > 0 && k == nmax - 1)
			break;
		const char *p = mem_find(s.s.p + i, s.s.n - i, sep.s.p, sep.s.n);
		if (!p || i > s.s.n)
			break;
		size_t at = (size_t)(p - s.s.p);
		gt_list_push(ar, l, substr_v(s, i, at));
		i = at + sep.s.n;
		k++;
	}
	gt_list_push(ar, l, substr_v(s, i, s.s.n));
	return l;
}

static struct gt_value split_map(struct arena *ar, struct gt_value parts)
{
	struct gt_value m = gt_map_new(ar, &gt_t_strmap);
	for (uint32_t i = 0; parts.l && i < parts.l->len; i++) {
		char *k = arena_printf(ar, "_%u", i);
		gt_map_set(ar, m.m, k, strlen(k), parts.l->items[i]);
	}
	return m;
}

SP_FN(s_split)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	*ret = split_map(ar, sp_split(ar, a[1], a[0], -1));
	return 0;
}

SP_FN(s_splitn)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	*ret = split_map(ar, sp_split(ar, a[2], a[0], (long)a[1].i));
	return 0;
}

SP_FN(s_splitlist)
{
	(void)n;
	*ret = sp_split(gt_call_arena(c), a[1], a[0], -1);
	return 0;
}

/* strslice: the items of a list as strings (nils dropped), else [strval v]. */
struct gt_value sp_strslice(struct arena *ar, struct gt_value v)
{
	if (v.t == &gt_t_strings)
		return v;
	if (v.t && v.t->kind == GT_LIST) {
		struct gt_value l = gt_list_new(ar, &gt_t_strings, gt_list_len(v));
		for (uint32_t i = 0; v.l && i < v.l->len; i++) {
			struct gt_value it = v.l->items[i];
			if (!it.t || it.t->kind == GT_NIL)
				continue;
			gt_list_push(ar, l, sp_strval(ar, it));
		}
		return l;
	}
	if (!v.t || v.t->kind == GT_NIL)
		return gt_list_new(ar, &gt_t_strings, 0);
	struct gt_value l = gt_list_new(ar, &gt_t_strings, 1);
	gt_list_push(ar, l, sp_strval(ar, v));
	return l;
}

SP_FN(s_tostrings)
{
	(void)n;
	*ret = sp_strslice(gt_call_arena(c), a[0]);
	return 0;
}

SP_FN(s_join)
{
	(void)n;
	struct gt_value l = sp_strslice(gt_call_arena(c), a[1]);
	struct sbuf sb = SBUF_INIT;
	for (uint32_t i = 0; l.l && i < l.l->len; i++) {
		if (i)
			sbuf_add(&sb, a[0].s.p, a[0].s.n);
		sbuf_add(&sb, l.l->items[i].s.p, l.l->items[i].s.n);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

/* goutils.WrapCustom */
static void wrap_custom(struct sbuf *out, struct gt_value s, int64_t wl, struct gt_value nl,
	bool long_words)
{
	if (s.s.n == 0)
		return;
	const char *nls = nl.s.n ? nl.s.p : "\n";
	size_t nln = nl.s.n ? nl.s.n : 1;
	if (wl < 1)
		wl = 1;
	size_t len = s.s.n, off = 0, w = (size_t)wl;
	while (len - off > w) {
		if (s.s.p[off] == ' ') {
			off++;
			continue;
		}
		size_t end = w + off + 1;
		long sp = -1;
		for (size_t k = end; k > off; k--)
			if (s.s.p[k - 1] == ' ') {
				sp = (long)(k - 1);
				break;
			}
		if (sp >= (long)off) {
			sbuf_add(out, s.s.p + off, (size_t)sp - off);
			sbuf_add(out, nls, nln);
			off = (size_t)sp + 1;
		} else if (long_words) {
			sbuf_add(out, s.s.p + off, w);
			sbuf_add(out, nls, nln);
			off += w;
		} else {
			size_t e = w + off;
			const char *q = memchr(s.s.p + e, ' ', len - e);
			if (!q) {
				sbuf_add(out, s.s.p + off, len - off);
				off = len;
			} else {
				size_t at = (size_t)(q - s.s.p);
				sbuf_add(out, s.s.p + off, at - off);
				sbuf_add(out, nls, nln);
				off = at + 1;
			}
		}
	}
	sbuf_add(out, s.s.p + off, len - off);
}

SP_FN(s_wrap)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	wrap_custom(&sb, a[1], a[0].i, gt_string("", 0), false);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_wrapwith)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	wrap_custom(&sb, a[2], a[0].i, a[1], true);
	return sp_ret_sbuf(c, ret, &sb);
}

/* ---- xstrings: snakecase, kebabcase, camelcase (ToPascalCase) ---- */

static bool is_connector(uint32_t r)
{
	return r == '-' || r == '_' || go_is_space(r);
}

static bool is_alphabet(uint32_t r)
{
	if (!go_is_letter(r))
		return false;
	if (r < 0x3400)
		return true;
	if (r >= 0x4e00 && r <= 0x9fcc)
		return false;
	if (r >= 0x3400 && r <= 0x4d85)
		return false;
	if (r >= 0x20000 && r <= 0x2b81d)
		return false;
	return true;
}

static bool is_number(uint32_t r)
{
	return go_is_digit(r) || (r >= 0xb2 && r <= 0xb3) || r == 0xb9 || (r >= 0xbc && r <= 0xbe) ||
		(r >= 0x2150 && r <= 0x218b) || (r >= 0x2460 && r <= 0x249b) ||
		(r >= 0x2070 && r <= 0x2079 && r != 0x2071 && r != 0x2072 && r != 0x2073) ||
		(r >= 0x2080 && r <= 0x2089);
}

enum wtype { W_INVALID, W_NUMBER, W_UPPER, W_ALPHA, W_CONNECTOR, W_PUNCT, W_OTHER };

struct wstr { const char *p; size_t n; };

static void next_valid_rune(struct wstr s, uint32_t prev, uint32_t *r, size_t *size)
{
	*size = 0;
	while (s.n > 0) {
		size_t sz = utf8_decode(s.p, s.n, r);
		*size += sz;
		if (*r != 0xfffd || sz != 1)
			return;
		s.p += sz;
		s.n -= sz;
	}
	*r = prev;
}

static bool is_lower_alpha(uint32_t r)
{
	return is_alphabet(r) && !go_is_upper(r);
}

static bool is_other(uint32_t r)
{
	return !(is_connector(r) || is_alphabet(r) || is_number(r) || go_is_punct(r));
}

/* Move the runes of rem that satisfy pred into the word (off bytes so
 * far); *r ends as the rune that stopped it, *last the size of the last
 * rune taken.  xstrings writes this loop out for every kind of word. */
static void take_while(struct wstr *rem, uint32_t *r, size_t *off, size_t *last,
	bool (*pred)(uint32_t))
{
	while (rem->n > 0) {
		size_t size;
		next_valid_rune(*rem, *r, r, &size);
		if (!pred(*r))
			break;
		*last = size;
		*off += size;
		rem->p += size;
		rem->n -= size;
	}
}

/* xstrings' nextWord: the next word of str and its kind, rem the rest. */
static enum wtype next_word(struct wstr str, struct wstr *word, struct wstr *rem)
{
	word->p = str.p;
	word->n = 0;
	*rem = str;
	if (str.n == 0)
		return W_INVALID;
	size_t off = 0, size, last = 0;
	uint32_t r;
	next_valid_rune(*rem, 0xfffd, &r, &size);
	off += size;
	rem->p += size;
	rem->n -= size;
	enum wtype wt;
	if (r == 0xfffd) {
		wt = W_INVALID;
	} else if (is_connector(r)) {
		wt = W_CONNECTOR;
		take_while(rem, &r, &off, &last, is_connector);
	} else if (go_is_punct(r)) {
		wt = W_PUNCT;
		take_while(rem, &r, &off, &last, go_is_punct);
	} else if (go_is_upper(r)) {
		/* "ABCd": an upper-case run gives its last letter to the word
		 * that follows; "Abc": one capitalised word */
		wt = W_UPPER;
		size_t before = off;
		take_while(rem, &r, &off, &last, go_is_upper);
		if (off > before && rem->n > 0 && is_alphabet(r)) {
			off -= last;
			rem->p = str.p + off;
			rem->n = str.n - off;
		} else if (off == before) {
			take_while(rem, &r, &off, &last, is_lower_alpha);
		}
	} else if (is_alphabet(r)) {
		wt = W_ALPHA;
		take_while(rem, &r, &off, &last, is_lower_alpha);
	} else if (is_number(r)) {
		wt = W_NUMBER;
		take_while(rem, &r, &off, &last, is_number);
	} else {
		wt = W_OTHER;
		take_while(rem, &r, &off, &last, is_other);
	}
	word->n = off;
	return wt;
}

static void to_lower_word(struct sbuf *sb, enum wtype wt, struct wstr s, char conn)
{
	if (wt != W_UPPER && wt != W_CONNECTOR) {
		sbuf_add(sb, s.p, s.n);
		return;
	}
	for (size_t i = 0; i < s.n;) {
		uint32_t r;
		i += utf8_decode(s.p + i, s.n - i, &r);
		if (is_connector(r))
			sbuf_addc(sb, conn);
		else if (go_is_upper(r))
			add_rune(sb, go_to_lower(r));
		else
			add_rune(sb, r);
	}
}

static void camel_to_lower(struct sbuf *sb, struct gt_value v, char conn)
{
	if (v.s.n == 0)
		return;
	struct wstr str = { v.s.p, v.s.n }, word, rem;
	enum wtype wt = next_word(str, &word, &rem);
	while (rem.n > 0) {
		if (wt != W_CONNECTOR)
			to_lower_word(sb, wt, word, conn);
		enum wtype prev = wt;
		struct wstr last = word;
		wt = next_word(rem, &word, &rem);
		switch (prev) {
		case W_NUMBER:
			while (wt == W_ALPHA || wt == W_NUMBER) {
				to_lower_word(sb, wt, word, conn);
				wt = next_word(rem, &word, &rem);
			}
			if (wt != W_INVALID && wt != W_PUNCT && wt != W_CONNECTOR)
				sbuf_addc(sb, conn);
			break;
		case W_CONNECTOR:
			to_lower_word(sb, prev, last, conn);
			break;
		case W_PUNCT:
			break;
		default:
			if (wt != W_NUMBER) {
				if (wt != W_CONNECTOR && wt != W_PUNCT)
					sbuf_addc(sb, conn);
				break;
			}
			if (rem.n == 0)
				break;
			last = word;
			wt = next_word(rem, &word, &rem);
			if (wt != W_ALPHA) {
				to_lower_word(sb, W_NUMBER, last, conn);
				if (wt != W_CONNECTOR && wt != W_PUNCT)
					sbuf_addc(sb, conn);
				break;
			}
			sbuf_addc(sb, conn);
			to_lower_word(sb, W_NUMBER, last, conn);
			while (wt == W_ALPHA || wt == W_NUMBER) {
				to_lower_word(sb, wt, word, conn);
				wt = next_word(rem, &word, &rem);
			}
			if (wt != W_INVALID && wt != W_CONNECTOR && wt != W_PUNCT)
				sbuf_addc(sb, conn);
		}
	}
	to_lower_word(sb, wt, word, conn);
}

SP_FN(s_snakecase)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	camel_to_lower(&sb, a[0], '_');
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_kebabcase)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	camel_to_lower(&sb, a[0], '-');
	return sp_ret_sbuf(c, ret, &sb);
}

/* xstrings.ToPascalCase (toCamelCase with isBig) */
SP_FN(s_camelcase)
{
	(void)n;
	struct gt_value v = a[0];
	struct sbuf sb = SBUF_INIT;
	const char *p = v.s.p;
	size_t len = v.s.n, i = 0, size = 0;
	uint32_t r0 = 0, r1;
	bool first_upper = false;
	if (len == 0)
		return sp_ret_sbuf(c, ret, &sb);
	while (i < len) {
		size = utf8_decode(p + i, len - i, &r0);
		i += size;
		if (!is_connector(r0)) {
			first_upper = go_is_upper(r0);
			r0 = go_to_upper(r0);
			break;
		}
		add_rune(&sb, r0);
	}
	if (i >= len) {
		if (size != 0 && !is_connector(r0))
			add_rune(&sb, r0);
		return sp_ret_sbuf(c, ret, &sb);
	}
	while (i < len) {
		r1 = r0;
		size = utf8_decode(p + i, len - i, &r0);
		i += size;
		if (is_connector(r0) && is_connector(r1)) {
			add_rune(&sb, r1);
			continue;
		}
		if (is_connector(r1)) {
			first_upper = go_is_upper(r0);
			r0 = go_to_upper(r0);
		} else {
			if (first_upper) {
				if (go_is_upper(r0))
					r0 = go_to_lower(r0);
				else
					first_upper = false;
			}
			add_rune(&sb, r1);
		}
	}
	add_rune(&sb, r0);
	return sp_ret_sbuf(c, ret, &sb);
}

/* ---- base64 / base32 ---- */

SP_FN(s_b64enc)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	b64_encode(&sb, a[0].s.p, a[0].s.n);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_b64dec)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	size_t bad;
	if (!b64_decode_at(&sb, a[0].s.p, a[0].s.n, &bad)) {
		sbuf_reset(&sb);
		sbuf_printf(&sb, "illegal base64 data at input byte %zu", bad);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

static const char b32alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

SP_FN(s_b32enc)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const unsigned char *s = (const unsigned char *)a[0].s.p;
	size_t len = a[0].s.n;
	for (size_t i = 0; i < len; i += 5) {
		unsigned char blk[5] = { 0 };
		size_t k = len - i < 5 ? len - i : 5;
		memcpy(blk, s + i, k);
		uint64_t v = 0;
		for (int j = 0; j < 5; j++)
			v = v << 8 | blk[j];
		size_t nch = (k * 8 + 4) / 5;
		for (size_t j = 0; j < 8; j++) {
			if (j < nch)
				sbuf_addc(&sb, b32alpha[(v >> (35 - 5 * j)) & 31]);
			else
				sbuf_addc(&sb, '=');
		}
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(s_b32dec)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	const char *s = a[0].s.p;
	size_t len = a[0].s.n;
	/* base32.StdEncoding.DecodeString: newlines are ignored; padding required */
	struct sbuf clean = SBUF_INIT;
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\n' && s[i] != '\r')
			sbuf_addc(&clean, s[i]);
	size_t bad = (size_t)-1;
	if (clean.len % 8)
		bad = clean.len - clean.len % 8;
	for (size_t i = 0; bad == (size_t)-1 && i < clean.len; i += 8) {
		uint64_t v = 0;
		size_t nch = 0;
		bool pad = false;
		for (size_t j = 0; j < 8; j++) {
			char ch = clean.buf[i + j];
			const char *q = ch ? strchr(b32alpha, ch) : NULL;
			if (ch == '=') {
				if (!pad && (j == 0 || j == 1 || j == 3 || j == 6 || i + 8 != clean.len)) {
					bad = i + j;
					break;
				}
				pad = true;
				v <<= 5;
				continue;
			}
			if (!q || pad) {
				bad = i + j;
				break;
			}
			v = v << 5 | (uint64_t)(q - b32alpha);
			nch++;
		}
		if (bad != (size_t)-1)
			break;
		size_t nbytes = nch * 5 / 8;
		for (size_t j = 0; j < nbytes; j++)
			sbuf_addc(&sb, (char)(v >> (32 - 8 * j)));
	}
	if (bad != (size_t)-1) {
		sbuf_reset(&sb);
		sbuf_printf(&sb, "illegal base32 data at input byte %zu", bad);
	}
	sbuf_release(&clean);
	return sp_ret_sbuf(c, ret, &sb);
}

/* ---- reflection and defaults ---- */

/* Is the Go type or kind name the string s? */
static bool name_is(const char *name, struct gt_value s)
{
	return strlen(name) == s.s.n && (s.s.n == 0 || !memcmp(name, s.s.p, s.s.n));
}

SP_FN(s_typeof)
{
	(void)n, (void)c;
	*ret = gt_cstring(gt_type_name(a[0]));
	return 0;
}

SP_FN(s_typeis)
{
	(void)n, (void)c;
	*ret = gt_bool(name_is(gt_type_name(a[1]), a[0]));
	return 0;
}

SP_FN(s_typeislike)
{
	(void)n, (void)c;
	const char *t = gt_type_name(a[1]);
	*ret = gt_bool(name_is(t, a[0]) || (t[0] == '*' && name_is(t + 1, a[0])));
	return 0;
}

SP_FN(s_kindof)
{
	(void)n, (void)c;
	*ret = gt_cstring(gt_kind_name(a[0]));
	return 0;
}

SP_FN(s_kindis)
{
	(void)n, (void)c;
	*ret = gt_bool(name_is(gt_kind_name(a[1]), a[0]));
	return 0;
}

SP_FN(s_deepequal)
{
	(void)n, (void)c;
	struct gt_value x = a[0], y = a[1];
	if (x.t && x.t->kind == GT_NIL)
		x = gt_invalid();
	if (y.t && y.t->kind == GT_NIL)
		y = gt_invalid();
	*ret = gt_bool(gt_deep_equal(x, y));
	return 0;
}

bool sp_empty(struct gt_value v)
{
	if (!v.t)
		return true;
	switch (v.t->kind) {
	case GT_NIL: return true;
	case GT_LIST: return gt_list_len(v) == 0;
	case GT_MAP: return gt_map_len(v.m) == 0;
	case GT_STRING: return v.s.n == 0;
	case GT_BOOL: return !v.b;
	case GT_COMPLEX: return v.c.re == 0 && v.c.im == 0;
	case GT_INT: return v.i == 0;
	case GT_UINT: return v.u == 0;
	case GT_FLOAT: return v.f == 0;
	case GT_OBJ: return v.t->name[0] == '*' ? v.o == NULL : false;
	}
	return true;
}

SP_FN(s_default)
{
	(void)c;
	if (n < 2 || sp_empty(a[1]))
		*ret = a[0];
	else
		*ret = a[1];
	return 0;
}

SP_FN(s_empty)
{
	(void)n, (void)c;
	*ret = gt_bool(sp_empty(a[0]));
	return 0;
}

SP_FN(s_coalesce)
{
	(void)c;
	for (size_t i = 0; i < n; i++) {
		if (!sp_empty(a[i])) {
			*ret = a[i];
			return 0;
		}
	}
	*ret = gt_nil();
	return 0;
}

/* Is some argument empty (empty true) or non-empty (false)? */
static bool some(const struct gt_value *a, size_t n, bool empty)
{
	for (size_t i = 0; i < n; i++)
		if (sp_empty(a[i]) == empty)
			return true;
	return false;
}

SP_FN(s_all)
{
	(void)c;
	*ret = gt_bool(!some(a, n, true));
	return 0;
}

SP_FN(s_any)
{
	(void)c;
	*ret = gt_bool(some(a, n, false));
	return 0;
}

SP_FN(s_ternary)
{
	(void)n, (void)c;
	*ret = a[2].b ? a[0] : a[1];
	return 0;
}

SP_FN(s_fail)
{
	(void)n, (void)ret;
	return gt_call_errorf(c, "%s", sp_cstr(c, a[0]));
}

SP_FN(s_hello)
{
	(void)n, (void)c, (void)a;
	*ret = gt_cstring("Hello!");
	return 0;
}

const struct gt_func sprig_string_funcs[] = {
	{ "hello", s_hello, 0, false, { NULL }, NULL },
	{ "abbrev", s_abbrev, 2, false, { I, S }, NULL },
	{ "abbrevboth", s_abbrevboth, 3, false, { I, I, S }, NULL },
	{ "trunc", s_trunc, 2, false, { I, S }, NULL },
	{ "trim", s_trim, 1, false, { S }, NULL },
	{ "upper", s_upper, 1, false, { S }, NULL },
	{ "lower", s_lower, 1, false, { S }, NULL },
	{ "title", s_title, 1, false, { S }, NULL },
	{ "untitle", s_untitle, 1, false, { S }, NULL },
	{ "substr", s_substr, 3, false, { I, I, S }, NULL },
	{ "repeat", s_repeat, 2, false, { I, S }, NULL },
	{ "trimall", s_trimall, 2, false, { S, S }, NULL },
	{ "trimAll", s_trimall, 2, false, { S, S }, NULL },
	{ "trimSuffix", s_trimsuffix, 2, false, { S, S }, NULL },
	{ "trimPrefix", s_trimprefix, 2, false, { S, S }, NULL },
	{ "nospace", s_nospace, 1, false, { S }, NULL },
	{ "initials", s_initials, 1, false, { S }, NULL },
	{ "swapcase", s_swapcase, 1, false, { S }, NULL },
	{ "snakecase", s_snakecase, 1, false, { S }, NULL },
	{ "camelcase", s_camelcase, 1, false, { S }, NULL },
	{ "kebabcase", s_kebabcase, 1, false, { S }, NULL },
	{ "wrap", s_wrap, 2, false, { I, S }, NULL },
	{ "wrapWith", s_wrapwith, 3, false, { I, S, S }, NULL },
	{ "contains", s_contains, 2, false, { S, S }, NULL },
	{ "hasPrefix", s_hasprefix, 2, false, { S, S }, NULL },
	{ "hasSuffix", s_hassuffix, 2, false, { S, S }, NULL },
	{ "quote", s_quote, 1, true, { NULL }, NULL },
	{ "squote", s_squote, 1, true, { NULL }, NULL },
	{ "cat", s_cat, 1, true, { NULL }, NULL },
	{ "indent", s_indent, 2, false, { I, S }, NULL },
	{ "nindent", s_nindent, 2, false, { I, S }, NULL },
	{ "replace", s_replace, 3, false, { S, S, S }, NULL },
	{ "plural", s_plural, 3, false, { S, S, I }, NULL },
	{ "toString", s_tostring, 1, false, { NULL }, NULL },
	{ "split", s_split, 2, false, { S, S }, NULL },
	{ "splitList", s_splitlist, 2, false, { S, S }, NULL },
	{ "splitn", s_splitn, 3, false, { S, I, S }, NULL },
	{ "toStrings", s_tostrings, 1, false, { NULL }, NULL },
	{ "join", s_join, 2, false, { S, NULL }, NULL },
	{ "b64enc", s_b64enc, 1, false, { S }, NULL },
	{ "b64dec", s_b64dec, 1, false, { S }, NULL },
	{ "b32enc", s_b32enc, 1, false, { S }, NULL },
	{ "b32dec", s_b32dec, 1, false, { S }, NULL },
	{ "typeOf", s_typeof, 1, false, { NULL }, NULL },
	{ "typeIs", s_typeis, 2, false, { S, NULL }, NULL },
	{ "typeIsLike", s_typeislike, 2, false, { S, NULL }, NULL },
	{ "kindOf", s_kindof, 1, false, { NULL }, NULL },
	{ "kindIs", s_kindis, 2, false, { S, NULL }, NULL },
	{ "deepEqual", s_deepequal, 2, false, { NULL, NULL }, NULL },
	{ "default", s_default, 2, true, { NULL, NULL }, NULL },
	{ "empty", s_empty, 1, false, { NULL }, NULL },
	{ "coalesce", s_coalesce, 1, true, { NULL }, NULL },
	{ "all", s_all, 1, true, { NULL }, NULL },
	{ "any", s_any, 1, true, { NULL }, NULL },
	{ "ternary", s_ternary, 3, false, { NULL, NULL, &gt_t_bool }, NULL },
	{ "fail", s_fail, 1, false, { S }, NULL },
};

const size_t sprig_string_nfuncs = sizeof sprig_string_funcs / sizeof sprig_string_funcs[0];
