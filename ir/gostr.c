/*
 * gostr.c - the bits of Go's unicode, strings and strconv packages whose
 * exact behaviour shows in our output: character classes (identifiers,
 * IsSpace, IsPrint), case mapping, strings.TrimSpace and quoting
 * (strconv.Quote, Unquote, UnquoteChar).  The template engine, Helm's
 * renderer (what it trims, %q in its messages) and re2's replacement
 * templates all use these (str.h).
 *
 * Classes outside ASCII come from glibc's C.UTF-8 locale tables, loaded
 * once without touching the process locale; Go's special cases (IsSpace's
 * list, IsPrint refusing format characters and non-ASCII spaces) are
 * applied on top.  Quoting is written from strconv's rules so that %q and
 * error messages carry the same escapes as Go.
 */
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wctype.h>

#include "mc/str.h"

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void load_locale(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!utf8_locale)
		utf8_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
}

static locale_t loc(void)
{
	pthread_once(&utf8_once, load_locale);
	return utf8_locale;
}

bool go_is_letter(uint32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
	if (r == 0xaa || r == 0xb5 || r == 0xba)
		return true;
	locale_t l = loc();
	return l && iswalpha_l((wint_t)r, l) && !go_is_digit(r);
}

bool go_is_digit(uint32_t r)
{
	if (r < 0x80)
		return r >= '0' && r <= '9';
	/* Nd blocks: Arabic-Indic, Devanagari ... fullwidth; each run is 10 */
	static const uint32_t zeros[] = {
		0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6,
		0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946,
		0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900,
		0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
	};
	for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
		if (r >= zeros[i] && r < zeros[i] + 10)
			return true;
	return false;
}

bool go_is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xa0:
	case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200a;
}

static bool is_format(uint32_t r)
{
	return r == 0xad || (r >= 0x600 && r <= 0x605) || r == 0x61c || r == 0x6dd ||
		r == 0x70f || r == 0x180e || (r >= 0x200b && r <= 0x200f) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2060 && r <= 0x2064) ||
		(r >= 0x2066 && r <= 0x206f) || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb) ||
		(r >= 0xe0000 && r <= 0xe007f);
}

bool go_is_print(uint32_t r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7f;
	if (r < 0xa1)
		return false;
	if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		return false;
	if (go_is_space(r) || is_format(r))
		return false;
	if (r >= 0xe000 && r <= 0xf8ff) /* private use */
		return false;
	if (r >= 0xf0000)
		return false;
	locale_t l = loc();
	if (!l)
		return true;
	return iswprint_l((wint_t)r, l) != 0;
}

bool go_is_graphic(uint32_t r)
{
	if (go_is_print(r))
		return true;
	switch (r) {
	case 0xa0: case 0x1680: case 0x202f: case 0x205f: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200a;
}

bool go_is_upper(uint32_t r)
{
	if (r < 0x80)
		return r >= 'A' && r <= 'Z';
	locale_t l = loc();
	return l && iswupper_l((wint_t)r, l);
}

bool go_is_lower(uint32_t r)
{
	if (r < 0x80)
		return r >= 'a' && r <= 'z';
	locale_t l = loc();
	return l && iswlower_l((wint_t)r, l);
}

bool go_is_punct(uint32_t r)
{
	if (r < 0x80)
		return r > 0x20 && r < 0x7f && !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') ||
			(r >= 'A' && r <= 'Z')) && !strchr("$+<=>^`|~", (int)r);
	locale_t l = loc();
	return l && iswpunct_l((wint_t)r, l) && !go_is_letter(r) && !go_is_digit(r);
}

bool go_is_title(uint32_t r)
{
	return r == 0x1c5 || r == 0x1c8 || r == 0x1cb || r == 0x1f2 ||
		(r >= 0x1f88 && r <= 0x1f8f) || (r >= 0x1f98 && r <= 0x1f9f) ||
		(r >= 0x1fa8 && r <= 0x1faf) || r == 0x1fbc || r == 0x1fcc || r == 0x1ffc;
}

uint32_t go_to_upper(uint32_t r)
{
	if (r < 0x80)
		return r >= 'a' && r <= 'z' ? r - 32 : r;
	locale_t l = loc();
	return l ? (uint32_t)towupper_l((wint_t)r, l) : r;
}

uint32_t go_to_lower(uint32_t r)
{
	if (r < 0x80)
		return r >= 'A' && r <= 'Z' ? r + 32 : r;
	locale_t l = loc();
	return l ? (uint32_t)towlower_l((wint_t)r, l) : r;
}

uint32_t go_to_title(uint32_t r)
{
	switch (r) { /* the digraphs whose title case differs from upper case */
	case 0x1c4: case 0x1c5: case 0x1c6: return 0x1c5;
	case 0x1c7: case 0x1c8: case 0x1c9: return 0x1c8;
	case 0x1ca: case 0x1cb: case 0x1cc: return 0x1cb;
	case 0x1f1: case 0x1f2: case 0x1f3: return 0x1f2;
	}
	return go_to_upper(r);
}

/* ---- strings.TrimSpace ---- */

void go_trim_left_space(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	while (len) {
		uint32_t r;
		size_t w = utf8_decode(p, len, &r);
		if (!go_is_space(r))
			break;
		p += w;
		len -= w;
	}
	*s = p;
	*n = len;
}

void go_trim_space(const char **s, size_t *n)
{
	go_trim_left_space(s, n);
	while (*n) {
		uint32_t r;
		size_t w = utf8_decode_last(*s, *n, &r);
		if (!go_is_space(r))
			break;
		*n -= w;
	}
}

bool go_is_blank(const char *s, size_t n)
{
	go_trim_space(&s, &n);
	return n == 0;
}

/* ---- strconv quoting ---- */

static const char lowerhex[] = "0123456789abcdef";

static void escaped_rune(struct sbuf *out, uint32_t r, char quote, bool ascii, bool graphic)
{
	char buf[4];
	if (r == (uint32_t)(unsigned char)quote || r == '\\') {
		sbuf_addc(out, '\\');
		sbuf_add(out, buf, utf8_encode(buf, r));
		return;
	}
	if (ascii) {
		if (r < 0x80 && go_is_print(r)) {
			sbuf_addc(out, (char)r);
			return;
		}
	} else if (go_is_print(r) || (graphic && go_is_graphic(r))) {
		sbuf_add(out, buf, utf8_encode(buf, r));
		return;
	}
	switch (r) {
	case '\a': sbuf_adds(out, "\\a"); return;
	case '\b': sbuf_adds(out, "\\b"); return;
	case '\f': sbuf_adds(out, "\\f"); return;
	case '\n': sbuf_adds(out, "\\n"); return;
	case '\r': sbuf_adds(out, "\\r"); return;
	case '\t': sbuf_adds(out, "\\t"); return;
	case '\v': sbuf_adds(out, "\\v"); return;
	}
	if (r < ' ' || r == 0x7f) {
		sbuf_adds(out, "\\x");
		sbuf_addc(out, lowerhex[(r >> 4) & 0xf]);
		sbuf_addc(out, lowerhex[r & 0xf]);
		return;
	}
	if (r > 0x10ffff || (r >= 0xd800 && r < 0xe000))
		r = 0xfffd;
	if (r < 0x10000) {
		sbuf_adds(out, "\\u");
		for (int s = 12; s >= 0; s -= 4)
			sbuf_addc(out, lowerhex[(r >> s) & 0xf]);
	} else {
		sbuf_adds(out, "\\U");
		for (int s = 28; s >= 0; s -= 4)
			sbuf_addc(out, lowerhex[(r >> s) & 0xf]);
	}
}

void go_quote(struct sbuf *out, const char *s, size_t n, char q, bool ascii, bool graphic)
{
	sbuf_addc(out, q);
	if (q == '\'') { /* QuoteRune: s holds one rune as UTF-8 */
		uint32_t r = 0xfffd;
		if (n)
			utf8_decode(s, n, &r);
		escaped_rune(out, r, q, ascii, graphic);
		sbuf_addc(out, q);
		return;
	}
	size_t i = 0;
	while (i < n) {
		uint32_t r = (unsigned char)s[i];
		size_t w = 1;
		if (r >= 0x80)
			w = utf8_decode(s + i, n - i, &r);
		if (w == 1 && r == 0xfffd) {
			sbuf_adds(out, "\\x");
			sbuf_addc(out, lowerhex[(unsigned char)s[i] >> 4]);
			sbuf_addc(out, lowerhex[(unsigned char)s[i] & 0xf]);
			i++;
			continue;
		}
		escaped_rune(out, r, q, ascii, graphic);
		i += w;
	}
	sbuf_addc(out, q);
}

const char *go_quote_a(struct arena *a, const char *s)
{
	struct sbuf sb = SBUF_INIT;
	go_quote(&sb, s, strlen(s), '"', false, false);
	const char *r = arena_strndup(a, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

size_t go_unquote_char(const char *s, size_t n, char quote, uint32_t *r, bool *multibyte)
{
	*multibyte = false;
	if (n == 0)
		return 0;
	unsigned char c = (unsigned char)s[0];
	if (c == (unsigned char)quote && (quote == '\'' || quote == '"'))
		return 0;
	if (c >= 0x80) {
		*multibyte = true;
		return utf8_decode(s, n, r);
	}
	if (c != '\\') {
		*r = c;
		return 1;
	}
	if (n <= 1)
		return 0;
	c = (unsigned char)s[1];
	size_t used = 2;
	switch (c) {
	case 'a': *r = '\a'; break;
	case 'b': *r = '\b'; break;
	case 'f': *r = '\f'; break;
	case 'n': *r = '\n'; break;
	case 'r': *r = '\r'; break;
	case 't': *r = '\t'; break;
	case 'v': *r = '\v'; break;
	case 'x': case 'u': case 'U': {
		size_t k = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (n - 2 < k)
			return 0;
		uint32_t v = 0;
		for (size_t j = 0; j < k; j++) {
			int x = hex_digit((unsigned char)s[2 + j]);
			if (x < 0)
				return 0;
			v = v << 4 | (uint32_t)x;
		}
		used += k;
		if (c != 'x') {
			if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
				return 0;
			*multibyte = true;
		}
		*r = v;
		break;
	}
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
		uint32_t v = c - '0';
		if (n - 2 < 2)
			return 0;
		for (size_t j = 0; j < 2; j++) {
			int x = s[2 + j] - '0';
			if (x < 0 || x > 7)
				return 0;
			v = v << 3 | (uint32_t)x;
		}
		used += 2;
		if (v > 255)
			return 0;
		*r = v;
		break;
	}
	case '\\':
		*r = '\\';
		break;
	case '\'': case '"':
		if ((char)c != quote)
			return 0;
		*r = c;
		break;
	default:
		return 0;
	}
	return used;
}

bool go_unquote(struct arena *a, const char *in, size_t n, const char **out, size_t *outn)
{
	if (n < 2)
		return false;
	char quote = in[0];
	const char *endq = memchr(in + 1, quote, n - 1);
	if (!endq)
		return false;
	size_t end = (size_t)(endq - in) + 1;
	if (quote == '`') {
		if (end != n)
			return false;
		if (!memchr(in, '\r', end)) {
			*out = in + 1;
			*outn = end - 2;
			return true;
		}
		char *b = arena_alloc(a, end);
		size_t k = 0;
		for (size_t i = 1; i < end - 1; i++)
			if (in[i] != '\r')
				b[k++] = in[i];
		b[k] = '\0';
		*out = b;
		*outn = k;
		return true;
	}
	if (quote != '"' && quote != '\'')
		return false;
	if (!memchr(in, '\\', end) && !memchr(in, '\n', end)) {
		bool valid;
		if (quote == '"') {
			valid = utf8_valid(in + 1, end - 2);
		} else {
			uint32_t r = 0xfffd;
			size_t w = end > 2 ? utf8_decode(in + 1, end - 2, &r) : 0;
			valid = 2 + w == end && (r != 0xfffd || w != 1);
		}
		if (valid) {
			if (end != n)
				return false;
			*out = in + 1;
			*outn = end - 2;
			return true;
		}
	}
	struct sbuf b = SBUF_INIT;
	size_t i = 1;
	while (i < n && in[i] != quote) {
		uint32_t r;
		bool mb;
		size_t used = go_unquote_char(in + i, n - i, quote, &r, &mb);
		if (in[i] == '\n' || !used) {
			sbuf_release(&b);
			return false;
		}
		i += used;
		if (r < 0x80 || !mb) {
			sbuf_addc(&b, (char)r);
		} else {
			char buf[4];
			sbuf_add(&b, buf, utf8_encode(buf, r));
		}
		if (quote == '\'')
			break;
	}
	if (!(i < n && in[i] == quote) || i + 1 != n) {
		sbuf_release(&b);
		return false;
	}
	*out = arena_strndup(a, b.buf, b.len);
	*outn = b.len;
	sbuf_release(&b);
	return true;
}
