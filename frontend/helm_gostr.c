/*
 * helm_gostr.c - the few Go string functions Helm's output depends on.
 *
 * strings.TrimSpace and unicode.IsSpace decide which rendered files are
 * empty and what each manifest keeps; strconv.Quote (%q) appears in Helm's
 * messages.  Both work on runes, not bytes, so they are written out here
 * rather than approximated with isspace().
 */
#include <string.h>

#include "mc/helm.h"

bool helm_is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
	case 0x205F: case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

/* The rune ending at s[n) (UTF-8), its start in *start. */
static uint32_t last_rune(const char *s, size_t n, size_t *start)
{
	size_t i = n - 1;
	size_t lim = n >= 4 ? n - 4 : 0;
	while (i > lim && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	uint32_t r;
	size_t l = utf8_decode(s + i, n - i, &r);
	if (i + l != n) { /* not a whole rune: the last byte alone */
		*start = n - 1;
		return 0xFFFD;
	}
	*start = i;
	return r;
}

void helm_trim_space(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	while (len) {
		uint32_t r;
		size_t l;
		if ((unsigned char)p[0] < 0x80) {
			r = (unsigned char)p[0];
			l = 1;
		} else {
			l = utf8_decode(p, len, &r);
		}
		if (!helm_is_space(r))
			break;
		p += l;
		len -= l;
	}
	while (len) {
		size_t st = len - 1;
		uint32_t r = (unsigned char)p[st];
		if (r >= 0x80)
			r = last_rune(p, len, &st);
		if (!helm_is_space(r))
			break;
		len = st;
	}
	*s = p;
	*n = len;
}

void helm_trim_left_space(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	while (len) {
		uint32_t r;
		size_t l = utf8_decode(p, len, &r);
		if (!helm_is_space(r))
			break;
		p += l;
		len -= l;
	}
	*s = p;
	*n = len;
}

bool helm_is_blank(const char *s, size_t n)
{
	helm_trim_space(&s, &n);
	return n == 0;
}

/* unicode.IsPrint, close enough for quoting: controls and the usual
 * format characters are not printable. */
static bool printable(uint32_t r)
{
	return !(r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0xAD ||
		(r >= 0x200B && r <= 0x200F) || (r >= 0x2028 && r <= 0x202E) ||
		(r >= 0x2060 && r <= 0x2064) || r == 0xFEFF || r == 0xFFFD ||
		(r >= 0xD800 && r <= 0xDFFF));
}

void helm_quote(struct sbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	sbuf_addc(out, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t r;
		size_t l = c < 0x80 ? (r = c, 1) : utf8_decode(s + i, n - i, &r);
		if (r == 0xFFFD && l == 1 && c >= 0x80) {
			sbuf_printf(out, "\\x%c%c", hex[c >> 4], hex[c & 15]);
			i++;
			continue;
		}
		i += l;
		switch (r) {
		case '"': sbuf_adds(out, "\\\""); continue;
		case '\\': sbuf_adds(out, "\\\\"); continue;
		case '\a': sbuf_adds(out, "\\a"); continue;
		case '\b': sbuf_adds(out, "\\b"); continue;
		case '\f': sbuf_adds(out, "\\f"); continue;
		case '\n': sbuf_adds(out, "\\n"); continue;
		case '\r': sbuf_adds(out, "\\r"); continue;
		case '\t': sbuf_adds(out, "\\t"); continue;
		case '\v': sbuf_adds(out, "\\v"); continue;
		default: break;
		}
		if (printable(r) || (r == 0xFFFD && l == 3)) {
			sbuf_add(out, s + i - l, l);
		} else if (r < 0x80) {
			sbuf_printf(out, "\\x%c%c", hex[r >> 4], hex[r & 15]);
		} else if (r < 0x10000) {
			sbuf_printf(out, "\\u%04x", (unsigned)r);
		} else {
			sbuf_printf(out, "\\U%08x", (unsigned)r);
		}
	}
	sbuf_addc(out, '"');
}

const char *helm_quote_a(struct arena *a, const char *s)
{
	struct sbuf sb = SBUF_INIT;
	helm_quote(&sb, s, strlen(s));
	const char *r = arena_strndup(a, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}
