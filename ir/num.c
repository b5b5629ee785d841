/*
 * num.c - numbers as Go's strconv parses and prints them.
 *
 * Output bytes depend on this: kustomize prints floats through
 * encoding/json and go-yaml, Helm and Argo CD through fmt's %v.  The
 * shortest round-trip digits are found by asking the C library for
 * increasing precision until strtod gives the value back (at most 17
 * tries), then laid out with Go's rules for %e, %f and %g, which differ from
 * C's in the exponent threshold of the shortest %g.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc/str.h"

/* Decimal digits of |f| (no leading zeros, no trailing zeros) and the
 * position of the decimal point: value = 0.d1d2... * 10^dp. */
struct digits {
	char d[32];
	int nd, dp;
};

static void parse_e(const char *buf, struct digits *dg)
{
	/* buf is "d.ddde[+-]xx" from %.*e of a finite, non-negative value */
	dg->nd = 0;
	const char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (isdigit((unsigned char)*p))
			dg->d[dg->nd++] = *p;
	int exp = atoi(p + 1);
	dg->dp = exp + 1;
	while (dg->nd > 0 && dg->d[dg->nd - 1] == '0')
		dg->nd--;
	if (dg->nd == 0) /* zero */
		dg->dp = 0;
	dg->d[dg->nd] = '\0';
}

static void shortest(double f, int bitsize, struct digits *dg)
{
	char buf[64];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, f);
		double back = strtod(buf, NULL);
		if (bitsize == 32 ? (float)back == (float)f : back == f)
			break;
	}
	parse_e(buf, dg);
}

static void rounded(double f, int ndigits, struct digits *dg)
{
	char buf[400];
	if (ndigits < 1)
		ndigits = 1;
	if (ndigits > 340)
		ndigits = 340;
	snprintf(buf, sizeof buf, "%.*e", ndigits - 1, f);
	parse_e(buf, dg);
}

static void fmt_e(struct sbuf *out, const struct digits *dg, int prec, char e)
{
	sbuf_addc(out, dg->nd ? dg->d[0] : '0');
	if (prec > 0) {
		sbuf_addc(out, '.');
		for (int i = 1; i <= prec; i++)
			sbuf_addc(out, i < dg->nd ? dg->d[i] : '0');
	}
	int exp = dg->nd ? dg->dp - 1 : 0;
	sbuf_printf(out, "%c%c%02d", e, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static void fmt_f(struct sbuf *out, const struct digits *dg, int prec)
{
	if (dg->dp > 0) {
		int m = dg->nd < dg->dp ? dg->nd : dg->dp;
		sbuf_add(out, dg->d, (size_t)m);
		for (; m < dg->dp; m++)
			sbuf_addc(out, '0');
	} else {
		sbuf_addc(out, '0');
	}
	if (prec > 0) {
		sbuf_addc(out, '.');
		for (int i = 0; i < prec; i++) {
			int j = dg->dp + i;
			sbuf_addc(out, j >= 0 && j < dg->nd ? dg->d[j] : '0');
		}
	}
}

void go_ftoa(struct sbuf *out, double f, char fmt, int prec, int bitsize)
{
	if (isnan(f)) {
		sbuf_adds(out, "NaN");
		return;
	}
	if (isinf(f)) {
		sbuf_adds(out, f < 0 ? "-Inf" : "+Inf");
		return;
	}
	if (signbit(f))
		sbuf_addc(out, '-');
	f = fabs(f);
	if (bitsize == 32)
		f = (float)f;
	struct digits dg;
	bool sh = prec < 0;
	switch (fmt) {
	case 'e':
	case 'E':
		if (sh)
			shortest(f, bitsize, &dg);
		else
			rounded(f, prec + 1, &dg);
		fmt_e(out, &dg, sh ? (dg.nd ? dg.nd - 1 : 0) : prec, fmt);
		return;
	case 'f': {
		if (sh) {
			shortest(f, bitsize, &dg);
			fmt_f(out, &dg, dg.nd > dg.dp ? dg.nd - dg.dp : 0);
		} else {
			char *buf;
			size_t cap = 400 + (size_t)prec;
			buf = xmalloc(cap);
			snprintf(buf, cap, "%.*f", prec, f);
			sbuf_adds(out, buf);
			free(buf);
		}
		return;
	}
	default: { /* 'g', 'G' */
		int p = prec;
		if (sh) {
			shortest(f, bitsize, &dg);
			p = dg.nd;
		} else {
			if (p == 0)
				p = 1;
			rounded(f, p, &dg);
		}
		int eprec = p;
		if (eprec > dg.nd && dg.nd >= dg.dp)
			eprec = dg.nd;
		if (sh)
			eprec = 6;
		int exp = dg.dp - 1;
		if (dg.nd == 0)
			exp = 0;
		if (exp < -4 || exp >= eprec) {
			if (p > dg.nd)
				p = dg.nd;
			fmt_e(out, &dg, p - 1 > 0 ? p - 1 : 0, fmt == 'G' ? 'E' : 'e');
			return;
		}
		if (p > dg.dp)
			p = dg.nd;
		fmt_f(out, &dg, p - dg.dp > 0 ? p - dg.dp : 0);
		return;
	}
	}
}

void go_json_float(struct sbuf *out, double f)
{
	double a = fabs(f);
	char fmt = 'f';
	if (a != 0 && (a < 1e-6 || a >= 1e21))
		fmt = 'e';
	size_t start = out->len;
	go_ftoa(out, f, fmt, -1, 64);
	if (fmt == 'e') {
		/* clean up e-09 to e-9 */
		char *b = out->buf + start;
		size_t n = out->len - start;
		if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
			b[n - 2] = b[n - 1];
			sbuf_truncate(out, out->len - 1);
		}
	}
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* strconv's underscoreOK: '_' only between digits, or between a base
 * prefix and a digit. */
static bool underscore_ok(const char *s, size_t n)
{
	char saw = '^'; /* beginning, '0' digit or prefix, '_', '!' other */
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	bool hex = false;
	if (n >= 2 && s[0] == '0') {
		char c = (char)(s[1] | 0x20);
		if (c == 'b' || c == 'o' || c == 'x') {
			i = 2;
			saw = '0';
			hex = c == 'x';
		}
	}
	for (; i < n; i++) {
		char c = s[i];
		if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* s without its underscores in buf (n + 1 bytes, or a malloc'd copy when
 * n is too large for it); NULL when strconv rejects their placement. */
static char *strip_underscores(const char *s, size_t *n, char *buf, size_t size)
{
	if (!underscore_ok(s, *n))
		return NULL;
	char *o = *n < size ? buf : xmalloc(*n + 1);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (s[i] != '_')
			o[k++] = s[i];
	o[k] = '\0';
	*n = k;
	return o;
}

static bool parse_uint(const char *s, size_t n, int base, uint64_t *out);

bool go_parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	if (base != 0 || !memchr(s, '_', n))
		return parse_uint(s, n, base, out);
	char small[64];
	char *c = strip_underscores(s, &n, small, sizeof small);
	bool ok = c && parse_uint(c, n, 0, out);
	if (c != small)
		free(c);
	return ok;
}

static bool parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	size_t i = 0;
	if (n == 0)
		return false;
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			if (n >= 3 && (s[1] == 'x' || s[1] == 'X'))
				base = 16, i = 2;
			else if (n >= 3 && (s[1] == 'o' || s[1] == 'O'))
				base = 8, i = 2;
			else if (n >= 3 && (s[1] == 'b' || s[1] == 'B'))
				base = 2, i = 2;
			else
				base = 8, i = 1;
			if (i == 1 && n == 1) {
				*out = 0;
				return true;
			}
		}
	}
	if (i >= n)
		return false;
	uint64_t v = 0;
	for (; i < n; i++) {
		int d = digit_val(s[i]);
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return true;
}

bool go_parse_int(const char *s, size_t n, int base, int64_t *out)
{
	if (n == 0)
		return false;
	bool neg = false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++, n--;
	}
	uint64_t u;
	if (!go_parse_uint(s, n, base, &u))
		return false;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return false;
		*out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)u;
	}
	return true;
}

static bool word_ci(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != w[i])
			return false;
	return true;
}

static bool parse_float(const char *s, size_t n, double *out);

bool go_parse_float(const char *s, size_t n, double *out)
{
	if (n == 0)
		return false;
	size_t i = 0;
	bool neg = false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i = 1;
	}
	if (word_ci(s + i, n - i, "inf") || word_ci(s + i, n - i, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return true;
	}
	if (i == 0 && word_ci(s, n, "nan")) {
		*out = NAN;
		return true;
	}
	if (!memchr(s, '_', n))
		return parse_float(s, n, out);
	char small[128];
	char *c = strip_underscores(s, &n, small, sizeof small);
	bool ok = c && parse_float(c, n, out);
	if (c != small)
		free(c);
	return ok;
}

/* A decimal or hex float without underscores (after an optional sign). */
static bool parse_float(const char *s, size_t n, double *out)
{
	size_t i = s[0] == '+' || s[0] == '-';
	size_t j = i;
	bool hex = n - j > 2 && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X');
	if (hex)
		j += 2;
	size_t digits = 0;
	while (j < n && (hex ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j])))
		j++, digits++;
	if (j < n && s[j] == '.') {
		j++;
		while (j < n && (hex ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j])))
			j++, digits++;
	}
	if (!digits)
		return false;
	if (j < n && (hex ? (s[j] == 'p' || s[j] == 'P') : (s[j] == 'e' || s[j] == 'E'))) {
		j++;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		size_t ed = 0;
		while (j < n && isdigit((unsigned char)s[j]))
			j++, ed++;
		if (!ed)
			return false;
	} else if (hex) {
		return false; /* hex floats need an exponent */
	}
	if (j != n)
		return false;
	char small[128];
	char *buf = n < sizeof small ? small : xmalloc(n + 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	double v = strtod(buf, NULL);
	bool ok = !(errno == ERANGE && isinf(v));
	if (buf != small)
		free(buf);
	*out = v;
	return ok;
}

enum go_duration go_parse_duration(const char *s0, size_t n0, int64_t *out, size_t *unit_at,
	size_t *unit_len)
{
	const char *s = s0;
	size_t n = n0;
	uint64_t d = 0;
	bool neg = false;
	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (n == 1 && s[0] == '0') {
		*out = 0;
		return GO_DURATION_OK;
	}
	if (n == 0)
		return GO_DURATION_INVALID;
	while (n > 0) {
		uint64_t v = 0, f = 0; /* value = v + f / scale */
		double scale = 1;
		if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
			return GO_DURATION_INVALID;
		size_t pl = n;
		bool overflow = false;
		while (n > 0 && s[0] >= '0' && s[0] <= '9') { /* leadingInt */
			if (v > (UINT64_MAX >> 1) / 10)
				overflow = true;
			v = v * 10 + (uint64_t)(s[0] - '0');
			if (v > (uint64_t)1 << 63)
				overflow = true;
			s++;
			n--;
		}
		if (overflow)
			return GO_DURATION_INVALID;
		bool pre = pl != n, post = false;
		if (n > 0 && s[0] == '.') { /* leadingFraction */
			s++;
			n--;
			size_t pl2 = n;
			while (n > 0 && s[0] >= '0' && s[0] <= '9') {
				if (f < (UINT64_MAX >> 1) / 10 && scale < 1e18) {
					f = f * 10 + (uint64_t)(s[0] - '0');
					scale *= 10;
				}
				s++;
				n--;
			}
			post = pl2 != n;
		}
		if (!pre && !post)
			return GO_DURATION_INVALID;
		size_t i = 0;
		while (i < n && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'))
			i++;
		if (i == 0)
			return GO_DURATION_NO_UNIT;
		uint64_t unit;
		if (i == 2 && !memcmp(s, "ns", 2)) unit = 1;
		else if (i == 2 && !memcmp(s, "us", 2)) unit = 1000;
		else if (i == 3 && !memcmp(s, "\xc2\xb5s", 3)) unit = 1000; /* U+00B5 */
		else if (i == 3 && !memcmp(s, "\xce\xbcs", 3)) unit = 1000; /* U+03BC */
		else if (i == 2 && !memcmp(s, "ms", 2)) unit = 1000000;
		else if (i == 1 && s[0] == 's') unit = 1000000000ULL;
		else if (i == 1 && s[0] == 'm') unit = 60000000000ULL;
		else if (i == 1 && s[0] == 'h') unit = 3600000000000ULL;
		else {
			*unit_at = (size_t)(s - s0);
			*unit_len = i;
			return GO_DURATION_BAD_UNIT;
		}
		s += i;
		n -= i;
		if (v > ((uint64_t)1 << 63) / unit)
			return GO_DURATION_INVALID;
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > (uint64_t)1 << 63)
				return GO_DURATION_INVALID;
		}
		d += v;
		if (d > (uint64_t)1 << 63)
			return GO_DURATION_INVALID;
	}
	if (!neg && d > (uint64_t)INT64_MAX)
		return GO_DURATION_INVALID;
	*out = neg ? (int64_t)(0 - d) : (int64_t)d;
	return GO_DURATION_OK;
}
