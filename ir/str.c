/*
 * str.c - string interning, byte buffers, base64 and UTF-8 helpers.
 *
 * Interning: open addressing on the XXH3 hash with linear probing, load
 * factor at most 1/2, so a lookup touches one or two slots.  The strings
 * themselves live in the table's arena; only the slot array is malloc'd
 * (it is resized, and resizing in an arena would waste the old arrays).
 */
#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

#include "mc/str.h"

char sbuf_slop[1];

uint64_t str_hash(const void *p, size_t len)
{
	return XXH3_64bits(p, len);
}

void strtab_init(struct strtab *t, struct arena *a)
{
	t->arena = a;
	t->cap = 1024;
	t->len = 0;
	t->slots = xcalloc(t->cap, sizeof *t->slots);
}

void strtab_release(struct strtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->len = 0;
}

static void rehash(struct strtab *t)
{
	size_t ncap = t->cap * 2;
	const struct str **ns = xcalloc(ncap, sizeof *ns);
	for (size_t i = 0; i < t->cap; i++) {
		const struct str *s = t->slots[i];
		if (!s)
			continue;
		size_t j = s->hash & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = s;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

const struct str *str_intern(struct strtab *t, const char *s, size_t len)
{
	if (len > UINT32_MAX)
		mc_oom(len);
	uint64_t h = str_hash(s, len);
	size_t i = h & (t->cap - 1);
	for (;;) {
		const struct str *e = t->slots[i];
		if (!e)
			break;
		if (e->hash == h && e->len == len && memcmp(e->s, s, len) == 0)
			return e;
		i = (i + 1) & (t->cap - 1);
	}
	struct str *n = arena_alloc(t->arena, sizeof *n + len + 1);
	n->hash = h;
	n->len = (uint32_t)len;
	memcpy(n->s, s, len);
	n->s[len] = '\0';
	t->slots[i] = n;
	if (++t->len * 2 > t->cap)
		rehash(t);
	return n;
}

const struct str *str_intern0(struct strtab *t, const char *s)
{
	return str_intern(t, s, strlen(s));
}

const struct str *str_printf(struct strtab *t, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	const struct str *s = str_intern(t, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

int str_cmp(const struct str *a, const struct str *b)
{
	if (a == b)
		return 0;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* ---- sbuf ---- */

void sbuf_init(struct sbuf *sb)
{
	sb->buf = sbuf_slop;
	sb->len = sb->cap = 0;
}

void sbuf_release(struct sbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	sbuf_init(sb);
}

void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->buf[0] = '\0';
}

void sbuf_grow(struct sbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t ncap = sb->cap ? sb->cap : 64;
	while (ncap < sb->len + extra + 1)
		ncap *= 2;
	if (sb->cap)
		sb->buf = xrealloc(sb->buf, ncap);
	else {
		sb->buf = xmalloc(ncap);
		sb->buf[0] = '\0';
	}
	sb->cap = ncap;
}

void sbuf_add(struct sbuf *sb, const void *p, size_t n)
{
	if (!n)
		return;
	sbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void sbuf_addstr(struct sbuf *sb, const struct str *s)
{
	sbuf_add(sb, s->s, s->len);
}

void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	sbuf_grow(sb, 64);
	int n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		sbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sbuf_truncate(struct sbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
	char *p = sb->cap ? sb->buf : xstrdup("");
	if (len)
		*len = sb->len;
	sbuf_init(sb);
	return p;
}

const char *mem_find(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (nn == 0)
		return h;
	while (hn >= nn) {
		const char *p = memchr(h, nd[0], hn - nn + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, nd, nn))
			return p;
		hn -= (size_t)(p - h) + 1;
		h = p + 1;
	}
	return NULL;
}

/* ---- base64 ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void b64_encode(struct sbuf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	sbuf_grow(out, (n + 2) / 3 * 4);
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		char q[4] = { b64chars[v >> 18], b64chars[(v >> 12) & 63],
			      b64chars[(v >> 6) & 63], b64chars[v & 63] };
		sbuf_add(out, q, 4);
	}
	if (i < n) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
		char q[4] = { b64chars[v >> 18], b64chars[(v >> 12) & 63],
			      i + 1 < n ? b64chars[(v >> 6) & 63] : '=', '=' };
		sbuf_add(out, q, 4);
	}
}

int b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Go's decodeQuantum for a padded, non-strict encoding: four digits at a
 * time (\r and \n skipped anywhere), "=" or "==" only to end the input,
 * unused low bits of the last quantum ignored. */
bool b64_decode_at(struct sbuf *out, const char *src, size_t len, size_t *bad)
{
	size_t si = 0;
	for (;;) {
		int dbuf[4] = { 0, 0, 0, 0 };
		size_t dlen = 4;
		bool err = false;
		size_t erroff = 0;
		for (size_t j = 0; j < 4; j++) {
			if (si == len) {
				if (j == 0)
					return true;
				*bad = si - j;
				return false;
			}
			unsigned char in = (unsigned char)src[si++];
			int v = b64_digit(in);
			if (v >= 0) {
				dbuf[j] = v;
				continue;
			}
			if (in == '\n' || in == '\r') {
				j--;
				continue;
			}
			if (in != '=' || j < 2) {
				*bad = si - 1;
				return false;
			}
			if (j == 2) {
				/* "==" is expected, the first '=' is consumed */
				while (si < len && (src[si] == '\n' || src[si] == '\r'))
					si++;
				if (si == len) {
					*bad = len;
					return false;
				}
				if (src[si] != '=') {
					*bad = si - 1;
					return false;
				}
				si++;
			}
			while (si < len && (src[si] == '\n' || src[si] == '\r'))
				si++;
			if (si < len) { /* trailing garbage */
				err = true;
				erroff = si;
			}
			dlen = j;
			break;
		}
		unsigned val = (unsigned)dbuf[0] << 18 | (unsigned)dbuf[1] << 12 |
			(unsigned)dbuf[2] << 6 | (unsigned)dbuf[3];
		if (dlen >= 2)
			sbuf_addc(out, (char)(val >> 16));
		if (dlen >= 3)
			sbuf_addc(out, (char)(val >> 8));
		if (dlen >= 4)
			sbuf_addc(out, (char)val);
		if (err) {
			*bad = erroff;
			return false;
		}
		if (dlen < 4)
			return true;
	}
}

/* ---- UTF-8 ---- */

size_t utf8_decode(const char *p, size_t n, uint32_t *r)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned char c = s[0];
	if (c < 0x80) {
		*r = c;
		return 1;
	}
	size_t len;
	uint32_t min, v;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, v = c & 0x07;
	} else {
		*r = 0xfffd;
		return 1;
	}
	if (n < len) {
		*r = 0xfffd;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*r = 0xfffd;
			return 1;
		}
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*r = 0xfffd;
		return 1;
	}
	*r = v;
	return len;
}

size_t utf8_invalid_at(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t r;
		size_t l = utf8_decode(p + i, n - i, &r);
		if (r == 0xfffd && l == 1)
			return i;
		i += l;
	}
	return n;
}

size_t utf8_decode_last(const char *p, size_t n, uint32_t *r)
{
	size_t st = n - 1, lim = n >= 4 ? n - 4 : 0;
	if ((unsigned char)p[st] < 0x80) {
		*r = (unsigned char)p[st];
		return 1;
	}
	while (st > lim && ((unsigned char)p[st] & 0xc0) == 0x80)
		st--;
	size_t w = utf8_decode(p + st, n - st, r);
	if (st + w != n) {
		*r = 0xfffd;
		return 1;
	}
	return w;
}

size_t utf8_count(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; c++) {
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t r;
		i += utf8_decode(p + i, n - i, &r);
	}
	return c;
}

bool utf8_valid(const char *p, size_t n)
{
	return utf8_invalid_at(p, n) == n;
}

size_t utf8_encode(char out[4], uint32_t r)
{
	if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = 0xfffd;
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xc0 | r >> 6);
		out[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xe0 | r >> 12);
		out[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		out[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | r >> 18);
	out[1] = (char)(0x80 | ((r >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((r >> 6) & 0x3f));
	out[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}
