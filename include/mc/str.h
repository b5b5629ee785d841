/*
 * str.h - interned strings, growable byte buffers, hashing.
 *
 * struct str is an immutable, NUL-terminated string with its length and an
 * XXH3 hash, interned per string table: within one table equal strings are
 * the same pointer.  Tables belong to a compilation (one per thread), so two
 * strings from different tables compare with str_eq, which falls back to the
 * hash and the bytes.  Strings may hold NUL bytes; len is authoritative.
 *
 * struct sbuf is a malloc'd growable buffer for output (git's strbuf rules):
 * buf is never NULL and always NUL-terminated.
 */
#ifndef MC_STR_H
#define MC_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mc/arena.h"

struct str {
	uint64_t hash;
	uint32_t len;
	char s[];
};

struct strtab {
	struct arena *arena;
	const struct str **slots; /* open addressing, malloc'd */
	size_t cap, len;
};

uint64_t str_hash(const void *p, size_t len);

void strtab_init(struct strtab *t, struct arena *a);
void strtab_release(struct strtab *t);
const struct str *str_intern(struct strtab *t, const char *s, size_t len);
const struct str *str_intern0(struct strtab *t, const char *s);
const struct str *str_printf(struct strtab *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline bool str_eq(const struct str *a, const struct str *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return a->len == b->len && a->hash == b->hash && memcmp(a->s, b->s, a->len) == 0;
}

/* Compare with a NUL-terminated C string. */
static inline bool str_eqc(const struct str *a, const char *c)
{
	if (!a)
		return false;
	size_t n = strlen(c);
	return a->len == n && memcmp(a->s, c, n) == 0;
}

/* Byte-wise ordering (Go's string comparison). */
int str_cmp(const struct str *a, const struct str *b);

struct sbuf {
	char *buf;
	size_t len, cap;
};

extern char sbuf_slop[1];
#define SBUF_INIT { sbuf_slop, 0, 0 }

void sbuf_init(struct sbuf *sb);
void sbuf_release(struct sbuf *sb);
void sbuf_reset(struct sbuf *sb);
void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const void *p, size_t n);
/* One byte: inline, since emitters and decoders add most of their output so. */
static inline void sbuf_addc(struct sbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap)
		sbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addstr(struct sbuf *sb, const struct str *s);
void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sbuf_truncate(struct sbuf *sb, size_t len);
/* Take ownership of the bytes (malloc'd); sb is reset. */
char *sbuf_detach(struct sbuf *sb, size_t *len);

/* The first occurrence of nd[0..nn) in h[0..hn) (h itself when nn is 0),
 * or NULL: Go's strings.Index on byte ranges. */
const char *mem_find(const char *h, size_t hn, const char *nd, size_t nn);

/* The value of hexadecimal digit c (either case), or -1. */
static inline int hex_digit(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10) : -1;
}

/* Base64 (standard alphabet, padded), as Go's base64.StdEncoding. */
void b64_encode(struct sbuf *out, const void *p, size_t n);
/* The value of a base64 digit (standard alphabet), or -1. */
int b64_digit(unsigned char c);
/* base64.StdEncoding.DecodeString: true, or false with the offset Go's
 * CorruptInputError names in *bad (the bytes decoded before it stay in
 * out, as Go returns them).  \r and \n are skipped. */
bool b64_decode_at(struct sbuf *out, const char *s, size_t n, size_t *bad);
/* b64_decode_at without the offset: false on malformed input. */
static inline bool b64_decode(struct sbuf *out, const char *s, size_t n)
{
	size_t bad;
	return b64_decode_at(out, s, n, &bad);
}

/* UTF-8: true when p[0..n) is valid UTF-8 (as Go's utf8.Valid). */
bool utf8_valid(const char *p, size_t n);
/* Offset of the first byte that is not valid UTF-8, or n. */
size_t utf8_invalid_at(const char *p, size_t n);
/* Decode one rune at p (n > 0); returns its length, sets *r (U+FFFD and
 * length 1 on an invalid sequence, as Go does). */
size_t utf8_decode(const char *p, size_t n, uint32_t *r);
size_t utf8_encode(char out[4], uint32_t r);
/* utf8.DecodeLastRuneInString: the rune ending at p[n) (n > 0); returns its
 * length (U+FFFD and 1 when the bytes there are not a whole rune). */
size_t utf8_decode_last(const char *p, size_t n, uint32_t *r);
/* utf8.RuneCountInString: runes in p[0..n), an invalid byte counting one. */
size_t utf8_count(const char *p, size_t n);

/*
 * Go-compatible number conversions (ir/num.c): the anchor tools are Go
 * programs, so numbers must parse and print exactly as strconv does.
 */
/* strconv.FormatFloat(f, fmt, prec, bitsize): fmt is 'e', 'E', 'f', 'g' or
 * 'G'; prec < 0 means the shortest representation that round-trips. */
void go_ftoa(struct sbuf *out, double f, char fmt, int prec, int bitsize);
/* encoding/json's rendering of a float64. */
void go_json_float(struct sbuf *out, double f);
/* strconv.ParseInt(s, base, 64) and ParseUint; base 0 takes the 0x, 0o, 0b
 * and 0 prefixes and, as Go's syntax does, underscores between digits or
 * after a prefix.  False on syntax or range error. */
bool go_parse_int(const char *s, size_t n, int base, int64_t *out);
bool go_parse_uint(const char *s, size_t n, int base, uint64_t *out);
/* strconv.ParseFloat(s, 64): decimal and hex forms (underscores as in Go
 * literals), inf, infinity, nan.  False on syntax error or when the value
 * overflows (ErrRange). */
bool go_parse_float(const char *s, size_t n, double *out);
/* time.ParseDuration: GO_DURATION_OK with the nanoseconds in *out, or what
 * is wrong with s (for an unknown unit, *unit and *unit_len locate it). */
enum go_duration { GO_DURATION_OK, GO_DURATION_INVALID, GO_DURATION_NO_UNIT,
	GO_DURATION_BAD_UNIT };
enum go_duration go_parse_duration(const char *s, size_t n, int64_t *out, size_t *unit,
	size_t *unit_len);

/*
 * Go's unicode classes, strings.TrimSpace and strconv's quoting
 * (ir/gostr.c): identifiers, spaces and %q in messages must be exactly Go's
 * for the templates, Helm's output and regexp replacement templates.
 */
bool go_is_letter(uint32_t r);  /* unicode.IsLetter */
bool go_is_digit(uint32_t r);   /* unicode.IsDigit */
bool go_is_space(uint32_t r);   /* unicode.IsSpace */
bool go_is_print(uint32_t r);   /* strconv.IsPrint */
bool go_is_graphic(uint32_t r); /* strconv.IsGraphic */
bool go_is_upper(uint32_t r);
bool go_is_lower(uint32_t r);
bool go_is_punct(uint32_t r);
bool go_is_title(uint32_t r);
uint32_t go_to_upper(uint32_t r);
uint32_t go_to_lower(uint32_t r);
uint32_t go_to_title(uint32_t r);
/* strings.TrimSpace and strings.TrimLeftFunc(s, unicode.IsSpace) on
 * s[0..*n), in place. */
void go_trim_space(const char **s, size_t *n);
void go_trim_left_space(const char **s, size_t *n);
/* strings.TrimSpace(s) == "" */
bool go_is_blank(const char *s, size_t n);
/* strconv.Quote (q '"'), QuoteToASCII (ascii), QuoteToGraphic (graphic),
 * QuoteRune (q '\'', s holding one rune) into out. */
void go_quote(struct sbuf *out, const char *s, size_t n, char q, bool ascii, bool graphic);
/* strconv.Quote of a C string (what %q prints), in a. */
const char *go_quote_a(struct arena *a, const char *s);
/* strconv.Unquote: false on syntax error. */
bool go_unquote(struct arena *a, const char *s, size_t n, const char **out, size_t *outn);
/* strconv.UnquoteChar: on success returns bytes consumed, *r the rune,
 * *multibyte whether it must be UTF-8 encoded; 0 on error. */
size_t go_unquote_char(const char *s, size_t n, char quote, uint32_t *r, bool *multibyte);

#endif
