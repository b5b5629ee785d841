/*
 * gotmpl_fmt.c - Go's fmt package over template values.
 *
 * print, printf and println are fmt.Sprint, Sprintf and Sprintln, and
 * every action prints its value with fmt.Fprint, so this is what most
 * template output goes through.  The rules are fmt's (print.go and
 * format.go): verbs per kind, flags, width and precision counted in runes,
 * zero padding only to the left, %v of maps with sorted keys, Stringer
 * values (durations, times, semver versions) printed through their String
 * method for %v %s %q %x %X, and the error forms %!d(string=x),
 * %!v(MISSING), %!(EXTRA int=1), %!(BADWIDTH), %!(NOVERB).  Floats go
 * through strconv-compatible formatting (ir/num.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gotmpl_lex.h"

struct pf {
	struct sbuf *out;
	bool wid_present, prec_present, minus, plus, sharp, space, zero, plusv, sharpv;
	int wid, prec;
};

static const char ldigits[] = "0123456789abcdefx";
static const char udigits[] = "0123456789ABCDEFX";

static void clear_flags(struct pf *p)
{
	p->wid_present = p->prec_present = p->minus = p->plus = p->sharp = p->space = false;
	p->zero = p->plusv = p->sharpv = false;
	p->wid = p->prec = 0;
}

static void write_padding(struct pf *p, long n)
{
	if (n <= 0)
		return;
	char c = p->zero && !p->minus ? '0' : ' ';
	sbuf_grow(p->out, (size_t)n);
	for (long i = 0; i < n; i++)
		sbuf_addc(p->out, c);
}

static void pad(struct pf *p, const char *s, size_t n)
{
	if (!p->wid_present || p->wid == 0) {
		sbuf_add(p->out, s, n);
		return;
	}
	long width = p->wid - (long)utf8_count(s, n);
	if (!p->minus) {
		write_padding(p, width);
		sbuf_add(p->out, s, n);
	} else {
		sbuf_add(p->out, s, n);
		write_padding(p, width);
	}
}

static void pads(struct pf *p, const char *s)
{
	pad(p, s, strlen(s));
}

/* The first prec runes of s (precision of %s and %q). */
static size_t truncate_len(const struct pf *p, const char *s, size_t n)
{
	if (!p->prec_present)
		return n;
	long k = p->prec;
	size_t i = 0;
	while (i < n) {
		if (--k < 0)
			return i;
		uint32_t r;
		i += utf8_decode(s + i, n - i, &r);
	}
	return n;
}

static void fmt_integer(struct pf *p, uint64_t u, int base, bool is_signed, uint32_t verb,
	const char *digits)
{
	bool negative = is_signed && (int64_t)u < 0;
	if (negative)
		u = -u;
	long prec = 0;
	if (p->prec_present) {
		prec = p->prec;
		if (prec == 0 && u == 0) {
			bool oz = p->zero;
			p->zero = false;
			write_padding(p, p->wid);
			p->zero = oz;
			return;
		}
	} else if (p->zero && !p->minus && p->wid_present) {
		prec = p->wid;
		if (negative || p->plus || p->space)
			prec--;
	}
	size_t cap = 80 + (size_t)(prec > 0 ? prec : 0);
	char sbuf_[200];
	char *buf = cap <= sizeof sbuf_ ? sbuf_ : xmalloc(cap);
	size_t i = cap;
	switch (base) {
	case 10:
		while (u >= 10) {
			buf[--i] = (char)('0' + u % 10);
			u /= 10;
		}
		break;
	case 16:
		while (u >= 16) {
			buf[--i] = digits[u & 0xf];
			u >>= 4;
		}
		break;
	case 8:
		while (u >= 8) {
			buf[--i] = (char)('0' + (u & 7));
			u >>= 3;
		}
		break;
	case 2:
		while (u >= 2) {
			buf[--i] = (char)('0' + (u & 1));
			u >>= 1;
		}
		break;
	}
	buf[--i] = digits[u];
	while (i > 0 && prec > (long)(cap - i))
		buf[--i] = '0';
	if (p->sharp) {
		switch (base) {
		case 2:
			buf[--i] = 'b';
			buf[--i] = '0';
			break;
		case 8:
			if (buf[i] != '0')
				buf[--i] = '0';
			break;
		case 16:
			buf[--i] = digits[16];
			buf[--i] = '0';
			break;
		}
	}
	if (verb == 'O') {
		buf[--i] = 'o';
		buf[--i] = '0';
	}
	if (negative)
		buf[--i] = '-';
	else if (p->plus)
		buf[--i] = '+';
	else if (p->space)
		buf[--i] = ' ';
	bool oz = p->zero;
	p->zero = false;
	pad(p, buf + i, cap - i);
	p->zero = oz;
	if (buf != sbuf_)
		free(buf);
}

static void fmt_unicode(struct pf *p, uint64_t u)
{
	long prec = 4;
	if (p->prec_present && p->prec > 4)
		prec = p->prec;
	size_t cap = (size_t)prec + 32;
	char *buf = xmalloc(cap);
	size_t i = cap;
	if (p->sharp && u <= 0x10ffff && go_is_print((uint32_t)u)) {
		char enc[4];
		size_t w = utf8_encode(enc, (uint32_t)u);
		buf[--i] = '\'';
		i -= w;
		memcpy(buf + i, enc, w);
		buf[--i] = '\'';
		buf[--i] = ' ';
	}
	while (u >= 16) {
		buf[--i] = udigits[u & 0xf];
		prec--;
		u >>= 4;
	}
	buf[--i] = udigits[u];
	prec--;
	while (prec-- > 0)
		buf[--i] = '0';
	buf[--i] = '+';
	buf[--i] = 'U';
	bool oz = p->zero;
	p->zero = false;
	pad(p, buf + i, cap - i);
	p->zero = oz;
	free(buf);
}

void gt_fmt_U(struct sbuf *out, uint32_t r, bool sharp)
{
	struct pf p = { .out = out, .sharp = sharp };
	fmt_unicode(&p, r);
}

static void fmt_c(struct pf *p, uint64_t c)
{
	uint32_t r = c > 0x10ffff ? 0xfffd : (uint32_t)c;
	char enc[4];
	pad(p, enc, utf8_encode(enc, r));
}

static void fmt_qc(struct pf *p, uint64_t c)
{
	uint32_t r = c > 0x10ffff ? 0xfffd : (uint32_t)c;
	if (r >= 0xd800 && r < 0xe000)
		r = 0xfffd;
	char enc[4];
	size_t w = utf8_encode(enc, r);
	struct sbuf q = SBUF_INIT;
	go_quote(&q, enc, w, '\'', p->plus, false);
	pad(p, q.buf, q.len);
	sbuf_release(&q);
}

static void fmt_s(struct pf *p, const char *s, size_t n)
{
	pad(p, s, truncate_len(p, s, n));
}

static bool can_backquote(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t r;
		size_t w = utf8_decode(s + i, n - i, &r);
		if (w > 1) {
			if (r == 0xfeff)
				return false;
			i += w;
			continue;
		}
		if (r == 0xfffd)
			return false;
		if ((r < ' ' && r != '\t') || r == '`' || r == 0x7f)
			return false;
		i += w;
	}
	return true;
}

static void fmt_q(struct pf *p, const char *s, size_t n)
{
	n = truncate_len(p, s, n);
	struct sbuf q = SBUF_INIT;
	if (p->sharp && can_backquote(s, n)) {
		sbuf_addc(&q, '`');
		sbuf_add(&q, s, n);
		sbuf_addc(&q, '`');
		pad(p, q.buf, q.len);
	} else {
		go_quote(&q, s, n, '"', p->plus, false);
		pad(p, q.buf, q.len);
	}
	sbuf_release(&q);
}

static void fmt_sbx(struct pf *p, const char *s, size_t n, const char *digits)
{
	long length = (long)n;
	if (p->prec_present && p->prec < length)
		length = p->prec;
	long width = 2 * length;
	if (width > 0) {
		if (p->space) {
			if (p->sharp)
				width *= 2;
			width += length - 1;
		} else if (p->sharp) {
			width += 2;
		}
	} else {
		if (p->wid_present)
			write_padding(p, p->wid);
		return;
	}
	if (p->wid_present && p->wid > width && !p->minus)
		write_padding(p, p->wid - width);
	if (p->sharp) {
		sbuf_addc(p->out, '0');
		sbuf_addc(p->out, digits[16]);
	}
	for (long i = 0; i < length; i++) {
		if (p->space && i > 0) {
			sbuf_addc(p->out, ' ');
			if (p->sharp) {
				sbuf_addc(p->out, '0');
				sbuf_addc(p->out, digits[16]);
			}
		}
		unsigned char c = (unsigned char)s[i];
		sbuf_addc(p->out, digits[c >> 4]);
		sbuf_addc(p->out, digits[c & 0xf]);
	}
	if (p->wid_present && p->wid > width && p->minus)
		write_padding(p, p->wid - width);
}

/* strconv's %x/%X and %b of a float (hexadecimal mantissa, binary exponent). */
static void ftoa_special(struct sbuf *out, double v, char fmt, int prec, int size)
{
	uint64_t bits;
	int mantbits, expbits, bias;
	if (size == 32) {
		float f = (float)v;
		uint32_t b32;
		memcpy(&b32, &f, 4);
		bits = b32;
		mantbits = 23, expbits = 8, bias = -127;
	} else {
		memcpy(&bits, &v, 8);
		mantbits = 52, expbits = 11, bias = -1023;
	}
	bool neg = bits >> (expbits + mantbits) != 0;
	int exp = (int)(bits >> mantbits) & ((1 << expbits) - 1);
	uint64_t mant = bits & (((uint64_t)1 << mantbits) - 1);
	if (exp == (1 << expbits) - 1) {
		sbuf_adds(out, mant ? "NaN" : neg ? "-Inf" : "+Inf");
		return;
	}
	if (exp == 0)
		exp++;
	else
		mant |= (uint64_t)1 << mantbits;
	exp += bias;
	if (fmt == 'b') {
		if (neg)
			sbuf_addc(out, '-');
		sbuf_printf(out, "%llup", (unsigned long long)mant);
		exp -= mantbits;
		if (exp >= 0)
			sbuf_addc(out, '+');
		sbuf_printf(out, "%d", exp);
		return;
	}
	if (mant == 0)
		exp = 0;
	mant <<= 60 - mantbits;
	while (mant != 0 && (mant & ((uint64_t)1 << 60)) == 0) {
		mant <<= 1;
		exp--;
	}
	if (prec >= 0 && prec < 15) {
		unsigned shift = (unsigned)prec * 4;
		uint64_t extra = (mant << shift) & (((uint64_t)1 << 60) - 1);
		mant >>= 60 - shift;
		if ((extra | (mant & 1)) > ((uint64_t)1 << 59))
			mant++;
		mant <<= 60 - shift;
		if (mant & ((uint64_t)1 << 61)) {
			mant >>= 1;
			exp++;
		}
	}
	const char *hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	if (neg)
		sbuf_addc(out, '-');
	sbuf_addc(out, '0');
	sbuf_addc(out, fmt);
	sbuf_addc(out, (char)('0' + ((mant >> 60) & 1)));
	mant <<= 4;
	if (prec < 0 && mant != 0) {
		sbuf_addc(out, '.');
		while (mant != 0) {
			sbuf_addc(out, hex[(mant >> 60) & 15]);
			mant <<= 4;
		}
	} else if (prec > 0) {
		sbuf_addc(out, '.');
		for (int i = 0; i < prec; i++) {
			sbuf_addc(out, hex[(mant >> 60) & 15]);
			mant <<= 4;
		}
	}
	sbuf_addc(out, fmt == 'X' ? 'P' : 'p');
	if (exp < 0) {
		sbuf_addc(out, '-');
		exp = -exp;
	} else {
		sbuf_addc(out, '+');
	}
	if (exp < 10)
		sbuf_addc(out, '0');
	sbuf_printf(out, "%d", exp);
}

/* strconv.AppendFloat(v, verb, prec, size). */
static void append_float(struct sbuf *out, double v, char verb, int prec, int size)
{
	if (verb == 'x' || verb == 'X' || verb == 'b') {
		ftoa_special(out, v, verb, prec, size);
		return;
	}
	if (isnan(v)) {
		sbuf_adds(out, "NaN");
		return;
	}
	if (isinf(v)) {
		sbuf_adds(out, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	go_ftoa(out, v, verb, prec, size);
}

static void fmt_float_raw(struct pf *p, double v, int size, char verb, int prec)
{
	if (p->prec_present)
		prec = p->prec;
	struct sbuf nb = SBUF_INIT;
	sbuf_addc(&nb, '+');
	append_float(&nb, v, verb, prec, size);
	char *num = nb.buf;
	size_t n = nb.len;
	if (num[1] == '-' || num[1] == '+') {
		num++;
		n--;
	} else {
		num[0] = '+';
	}
	if (p->space && num[0] == '+' && !p->plus)
		num[0] = ' ';
	if (num[1] == 'I' || num[1] == 'N') {
		bool oz = p->zero;
		p->zero = false;
		if (num[1] == 'N' && !p->space && !p->plus)
			num++, n--;
		pad(p, num, n);
		p->zero = oz;
		sbuf_release(&nb);
		return;
	}
	struct sbuf fixed = SBUF_INIT;
	if (p->sharp && verb != 'b') {
		int digits = 0;
		if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
			digits = prec;
			if (digits == -1)
				digits = 6;
		}
		char tail[16];
		size_t tl = 0;
		bool has_point = false, nonzero = false;
		size_t end = n;
		for (size_t i = 1; i < end; i++) {
			char c = num[i];
			if (c == '.') {
				has_point = true;
			} else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
				tl = end - i < sizeof tail ? end - i : sizeof tail;
				memcpy(tail, num + i, tl);
				end = i;
				break;
			} else {
				if (c != '0')
					nonzero = true;
				if (nonzero)
					digits--;
			}
		}
		sbuf_add(&fixed, num, end);
		if (!has_point) {
			if (end == 2 && num[1] == '0')
				digits--;
			sbuf_addc(&fixed, '.');
		}
		while (digits-- > 0)
			sbuf_addc(&fixed, '0');
		sbuf_add(&fixed, tail, tl);
		num = fixed.buf;
		n = fixed.len;
	}
	if (p->plus || num[0] != '+') {
		if (p->zero && !p->minus && p->wid_present && p->wid > (long)n) {
			sbuf_addc(p->out, num[0]);
			write_padding(p, p->wid - (long)n);
			sbuf_add(p->out, num + 1, n - 1);
		} else {
			pad(p, num, n);
		}
	} else {
		pad(p, num + 1, n - 1);
	}
	sbuf_release(&fixed);
	sbuf_release(&nb);
}

/* ---- the printer (print.go) ---- */

static void print_value(struct pf *p, struct gt_value v, uint32_t verb, int depth);

static void add_rune(struct sbuf *out, uint32_t r)
{
	char enc[4];
	sbuf_add(out, enc, utf8_encode(enc, r));
}

static void bad_verb(struct pf *p, struct gt_value v, uint32_t verb)
{
	sbuf_adds(p->out, "%!");
	add_rune(p->out, verb);
	sbuf_addc(p->out, '(');
	if (v.t && v.t->kind != GT_NIL) {
		sbuf_adds(p->out, gt_type_name(v));
		sbuf_addc(p->out, '=');
		print_value(p, v, 'v', 0);
	} else {
		sbuf_adds(p->out, "<nil>");
	}
	sbuf_addc(p->out, ')');
}

static void fmt_bool(struct pf *p, bool b, struct gt_value v, uint32_t verb)
{
	if (verb == 't' || verb == 'v')
		pads(p, b ? "true" : "false");
	else
		bad_verb(p, v, verb);
}

static void fmt_int(struct pf *p, uint64_t u, bool is_signed, struct gt_value v, uint32_t verb)
{
	switch (verb) {
	case 'v':
		if (p->sharpv && !is_signed) {
			bool os = p->sharp;
			p->sharp = true;
			fmt_integer(p, u, 16, false, 'v', ldigits);
			p->sharp = os;
		} else {
			fmt_integer(p, u, 10, is_signed, verb, ldigits);
		}
		break;
	case 'd': fmt_integer(p, u, 10, is_signed, verb, ldigits); break;
	case 'b': fmt_integer(p, u, 2, is_signed, verb, ldigits); break;
	case 'o': case 'O': fmt_integer(p, u, 8, is_signed, verb, ldigits); break;
	case 'x': fmt_integer(p, u, 16, is_signed, verb, ldigits); break;
	case 'X': fmt_integer(p, u, 16, is_signed, verb, udigits); break;
	case 'c': fmt_c(p, u); break;
	case 'q': fmt_qc(p, u); break;
	case 'U': fmt_unicode(p, u); break;
	default: bad_verb(p, v, verb); break;
	}
}

static void fmt_float(struct pf *p, double f, int size, struct gt_value v, uint32_t verb)
{
	switch (verb) {
	case 'v': fmt_float_raw(p, f, size, 'g', -1); break;
	case 'b': case 'g': case 'G': case 'x': case 'X':
		fmt_float_raw(p, f, size, (char)verb, -1);
		break;
	case 'f': case 'e': case 'E': fmt_float_raw(p, f, size, (char)verb, 6); break;
	case 'F': fmt_float_raw(p, f, size, 'f', 6); break;
	default: bad_verb(p, v, verb); break;
	}
}

static void fmt_complex(struct pf *p, struct gt_value v, uint32_t verb)
{
	switch (verb) {
	case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f': case 'F': case 'e': case 'E': {
		bool op = p->plus;
		sbuf_addc(p->out, '(');
		fmt_float(p, v.c.re, 64, v, verb);
		p->plus = true;
		fmt_float(p, v.c.im, 64, v, verb);
		sbuf_adds(p->out, "i)");
		p->plus = op;
		break;
	}
	default:
		bad_verb(p, v, verb);
	}
}

static void fmt_string(struct pf *p, const char *s, size_t n, struct gt_value v, uint32_t verb)
{
	switch (verb) {
	case 'v':
		if (p->sharpv)
			fmt_q(p, s, n);
		else
			fmt_s(p, s, n);
		break;
	case 's': fmt_s(p, s, n); break;
	case 'x': fmt_sbx(p, s, n, ldigits); break;
	case 'X': fmt_sbx(p, s, n, udigits); break;
	case 'q': fmt_q(p, s, n); break;
	default: bad_verb(p, v, verb); break;
	}
}

/* Values with a String method: time.Duration and objects with format. */
static bool stringer(struct gt_value v, struct sbuf *out);

static void duration_string(struct sbuf *out, int64_t d);

static bool handle_methods(struct pf *p, struct gt_value v, uint32_t verb)
{
	if (p->sharpv)
		return false;
	if (verb != 'v' && verb != 's' && verb != 'x' && verb != 'X' && verb != 'q')
		return false;
	struct sbuf s = SBUF_INIT;
	if (!stringer(v, &s)) {
		sbuf_release(&s);
		return false;
	}
	fmt_string(p, s.buf, s.len, gt_string(s.buf, s.len), verb);
	sbuf_release(&s);
	return true;
}

static bool stringer(struct gt_value v, struct sbuf *out)
{
	if (!v.t)
		return false;
	if (v.t == &gt_t_duration) {
		duration_string(out, v.i);
		return true;
	}
	if (v.t == &gt_t_month) {
		static const char *const m[] = { "January", "February", "March", "April", "May", "June",
			"July", "August", "September", "October", "November", "December" };
		if (v.i >= 1 && v.i <= 12)
			sbuf_adds(out, m[v.i - 1]);
		else
			sbuf_printf(out, "%%!Month(%lld)", (long long)v.i);
		return true;
	}
	if (v.t == &gt_t_weekday) {
		static const char *const d[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
			"Friday", "Saturday" };
		if (v.i >= 0 && v.i <= 6)
			sbuf_adds(out, d[v.i]);
		else
			sbuf_printf(out, "%%!Weekday(%lld)", (long long)v.i);
		return true;
	}
	if (v.t->kind == GT_OBJ) {
		const struct gt_class *cls = (const struct gt_class *)v.t;
		if (cls->format && (v.o || v.t->name[0] != '*')) {
			cls->format(v.o, out);
			return true;
		}
	}
	return false;
}

static void print_list(struct pf *p, struct gt_value v, uint32_t verb, int depth)
{
	if ((verb == 's' || verb == 'q' || verb == 'x' || verb == 'X') && v.t->elem &&
	    v.t->elem->kind == GT_UINT && v.t->elem->bits == 8) {
		struct sbuf b = SBUF_INIT;
		for (uint32_t i = 0; v.l && i < v.l->len; i++)
			sbuf_addc(&b, (char)v.l->items[i].u);
		fmt_string(p, b.buf, b.len, v, verb);
		sbuf_release(&b);
		return;
	}
	if (p->sharpv) {
		sbuf_adds(p->out, v.t->name);
		if (!v.l) {
			sbuf_adds(p->out, "(nil)");
			return;
		}
		sbuf_addc(p->out, '{');
		for (uint32_t i = 0; i < v.l->len; i++) {
			if (i)
				sbuf_adds(p->out, ", ");
			print_value(p, v.l->items[i], verb, depth + 1);
		}
		sbuf_addc(p->out, '}');
		return;
	}
	sbuf_addc(p->out, '[');
	for (uint32_t i = 0; v.l && i < v.l->len; i++) {
		if (i)
			sbuf_addc(p->out, ' ');
		print_value(p, v.l->items[i], verb, depth + 1);
	}
	sbuf_addc(p->out, ']');
}

static void print_map(struct pf *p, struct gt_value v, uint32_t verb, int depth)
{
	if (p->sharpv) {
		sbuf_adds(p->out, v.t->name);
		if (!v.m) {
			sbuf_adds(p->out, "(nil)");
			return;
		}
		sbuf_addc(p->out, '{');
	} else {
		sbuf_adds(p->out, "map[");
	}
	size_t n = 0;
	struct gt_mapent *const *ents = NULL;
	struct arena tmp = ARENA_INIT;
	if (v.m) {
		ents = gt_map_sorted(&tmp, v.m, &n);
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_adds(p->out, p->sharpv ? ", " : " ");
		print_value(p, gt_string(ents[i]->k, ents[i]->klen), verb, depth + 1);
		sbuf_addc(p->out, ':');
		print_value(p, ents[i]->v, verb, depth + 1);
	}
	arena_release(&tmp);
	sbuf_addc(p->out, p->sharpv ? '}' : ']');
}

static void print_value(struct pf *p, struct gt_value v, uint32_t verb, int depth)
{
	if (depth > 0 && v.t && v.t->kind != GT_NIL && handle_methods(p, v, verb))
		return;
	if (depth > 64) { /* data nested this deep is a cycle made with set */
		sbuf_adds(p->out, "...");
		return;
	}
	switch (gt_kind(v)) {
	case GT_NIL:
		if (!v.t && depth == 0) {
			sbuf_adds(p->out, "<invalid reflect.Value>");
			return;
		}
		if (p->sharpv)
			sbuf_adds(p->out, "interface {}(nil)");
		else
			sbuf_adds(p->out, "<nil>");
		return;
	case GT_BOOL: fmt_bool(p, v.b, v, verb); return;
	case GT_INT: fmt_int(p, (uint64_t)v.i, true, v, verb); return;
	case GT_UINT: fmt_int(p, v.u, false, v, verb); return;
	case GT_FLOAT: fmt_float(p, v.f, v.t->bits == 32 ? 32 : 64, v, verb); return;
	case GT_COMPLEX: fmt_complex(p, v, verb); return;
	case GT_STRING: fmt_string(p, v.s.p, v.s.n, v, verb); return;
	case GT_LIST: print_list(p, v, verb, depth); return;
	case GT_MAP: print_map(p, v, verb, depth); return;
	case GT_OBJ: {
		if (!v.o && v.t->name[0] == '*') {
			if (verb == 'v' || verb == 's') {
				pads(p, "<nil>");
				return;
			}
			bad_verb(p, v, verb);
			return;
		}
		const struct gt_class *cls = (const struct gt_class *)v.t;
		if (cls->format && verb != 'd') {
			struct sbuf s = SBUF_INIT;
			cls->format(v.o, &s);
			sbuf_add(p->out, s.buf, s.len);
			sbuf_release(&s);
			return;
		}
		sbuf_adds(p->out, "{}");
		return;
	}
	}
}

static void print_arg(struct pf *p, struct gt_value v, uint32_t verb)
{
	if (!v.t || v.t->kind == GT_NIL) {
		if (verb == 'T' || verb == 'v')
			pads(p, "<nil>");
		else
			bad_verb(p, v, verb);
		return;
	}
	if (verb == 'T') {
		fmt_s(p, gt_type_name(v), strlen(gt_type_name(v)));
		return;
	}
	if (verb == 'p') {
		if (v.t->kind == GT_LIST || v.t->kind == GT_MAP || v.t->kind == GT_OBJ) {
			pads(p, "0xc000010000");
			return;
		}
		bad_verb(p, v, verb);
		return;
	}
	if (handle_methods(p, v, verb))
		return;
	print_value(p, v, verb, 0);
}

/* ---- entry points ---- */

void gt_sprint(struct sbuf *out, const struct gt_value *args, size_t n)
{
	struct pf p = { .out = out };
	bool prev_string = false;
	for (size_t i = 0; i < n; i++) {
		bool is_string = args[i].t && args[i].t->kind == GT_STRING;
		if (i > 0 && !is_string && !prev_string)
			sbuf_addc(out, ' ');
		clear_flags(&p);
		print_arg(&p, args[i], 'v');
		prev_string = is_string;
	}
}

void gt_sprintln(struct sbuf *out, const struct gt_value *args, size_t n)
{
	struct pf p = { .out = out };
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addc(out, ' ');
		clear_flags(&p);
		print_arg(&p, args[i], 'v');
	}
	sbuf_addc(out, '\n');
}

void gt_fmt_v(struct sbuf *out, struct gt_value v)
{
	struct pf p = { .out = out };
	print_arg(&p, v, 'v');
}

void gt_print_value(struct sbuf *out, struct gt_value v)
{
	if (!v.t) {
		sbuf_adds(out, "<no value>");
		return;
	}
	gt_fmt_v(out, v);
}

struct gt_value gt_sprint_value(struct arena *a, struct gt_value v)
{
	struct sbuf sb = SBUF_INIT;
	gt_sprint(&sb, &v, 1);
	struct gt_value r = gt_strdup(a, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static bool too_large(long x)
{
	return x > 1000000 || x < -1000000;
}

static bool parsenum(const char *s, size_t start, size_t end, long *num, size_t *newi)
{
	*num = 0;
	bool isnum = false;
	size_t i = start;
	if (start >= end) {
		*newi = end;
		return false;
	}
	for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
		if (too_large(*num)) {
			*num = 0;
			*newi = end;
			return false;
		}
		*num = *num * 10 + (s[i] - '0');
		isnum = true;
	}
	*newi = i;
	return isnum;
}

struct argstate {
	bool reordered, good_argnum;
};

static size_t arg_number(struct argstate *as, size_t argnum, const char *f, size_t flen, size_t i,
	size_t nargs, size_t *newi, bool *found)
{
	*found = false;
	*newi = i;
	if (flen <= i || f[i] != '[')
		return argnum;
	as->reordered = true;
	/* parseArgNumber */
	size_t wid = 1;
	bool ok = false;
	long index = 0;
	if (flen - i >= 3) {
		for (size_t j = 1; i + j < flen; j++) {
			if (f[i + j] == ']') {
				long width;
				size_t ni;
				bool isnum = parsenum(f + i, 1, j, &width, &ni);
				if (!isnum || ni != j) {
					wid = j + 1;
					ok = false;
				} else {
					index = width - 1;
					wid = j + 1;
					ok = true;
				}
				break;
			}
		}
	}
	*newi = i + wid;
	if (ok && index >= 0 && (size_t)index < nargs) {
		*found = true;
		return (size_t)index;
	}
	as->good_argnum = false;
	*found = ok;
	return argnum;
}

static bool int_from_arg(const struct gt_value *args, size_t n, size_t *argnum, long *num)
{
	bool is_int = false;
	*num = 0;
	if (*argnum < n) {
		struct gt_value v = args[*argnum];
		if (v.t && v.t->kind == GT_INT) {
			*num = (long)v.i;
			is_int = true;
		} else if (v.t && v.t->kind == GT_UINT && (int64_t)v.u >= 0) {
			*num = (long)v.u;
			is_int = true;
		}
		(*argnum)++;
		if (too_large(*num)) {
			*num = 0;
			is_int = false;
		}
	}
	return is_int;
}

void gt_sprintf(struct sbuf *out, const char *format, size_t end, const struct gt_value *a, size_t n)
{
	struct pf p = { .out = out };
	size_t argnum = 0;
	bool after_index = false;
	struct argstate as = { false, true };
	size_t i = 0;
	while (i < end) {
		as.good_argnum = true;
		size_t lasti = i;
		while (i < end && format[i] != '%')
			i++;
		if (i > lasti)
			sbuf_add(out, format + lasti, i - lasti);
		if (i >= end)
			break;
		i++;
		clear_flags(&p);
		bool simple_done = false;
		for (; i < end; i++) {
			char c = format[i];
			if (c == '#') {
				p.sharp = true;
			} else if (c == '0') {
				p.zero = !p.minus;
			} else if (c == '+') {
				p.plus = true;
			} else if (c == '-') {
				p.minus = true;
				p.zero = false;
			} else if (c == ' ') {
				p.space = true;
			} else {
				if (c >= 'a' && c <= 'z' && argnum < n) {
					if (c == 'v') {
						p.sharpv = p.sharp;
						p.sharp = false;
						p.plusv = p.plus;
						p.plus = false;
					}
					print_arg(&p, a[argnum], (uint32_t)c);
					argnum++;
					i++;
					simple_done = true;
				}
				break;
			}
		}
		if (simple_done)
			continue;

		argnum = arg_number(&as, argnum, format, end, i, n, &i, &after_index);

		if (i < end && format[i] == '*') {
			i++;
			long w;
			p.wid_present = int_from_arg(a, n, &argnum, &w);
			p.wid = (int)w;
			if (!p.wid_present)
				sbuf_adds(out, "%!(BADWIDTH)");
			if (p.wid < 0) {
				p.wid = -p.wid;
				p.minus = true;
				p.zero = false;
			}
			after_index = false;
		} else {
			long w;
			p.wid_present = parsenum(format, i, end, &w, &i);
			p.wid = (int)w;
			if (after_index && p.wid_present)
				as.good_argnum = false;
		}

		if (i + 1 < end && format[i] == '.') {
			i++;
			if (after_index)
				as.good_argnum = false;
			argnum = arg_number(&as, argnum, format, end, i, n, &i, &after_index);
			if (i < end && format[i] == '*') {
				i++;
				long pr;
				p.prec_present = int_from_arg(a, n, &argnum, &pr);
				p.prec = (int)pr;
				if (p.prec < 0) {
					p.prec = 0;
					p.prec_present = false;
				}
				if (!p.prec_present)
					sbuf_adds(out, "%!(BADPREC)");
				after_index = false;
			} else {
				long pr;
				p.prec_present = parsenum(format, i, end, &pr, &i);
				p.prec = (int)pr;
				if (!p.prec_present) {
					p.prec = 0;
					p.prec_present = true;
				}
			}
		}

		if (!after_index)
			argnum = arg_number(&as, argnum, format, end, i, n, &i, &after_index);

		if (i >= end) {
			sbuf_adds(out, "%!(NOVERB)");
			break;
		}
		uint32_t verb = (unsigned char)format[i];
		size_t size = 1;
		if (verb >= 0x80)
			size = utf8_decode(format + i, end - i, &verb);
		i += size;

		if (verb == '%') {
			sbuf_addc(out, '%');
		} else if (!as.good_argnum) {
			sbuf_adds(out, "%!");
			add_rune(out, verb);
			sbuf_adds(out, "(BADINDEX)");
		} else if (argnum >= n) {
			sbuf_adds(out, "%!");
			add_rune(out, verb);
			sbuf_adds(out, "(MISSING)");
		} else {
			if (verb == 'v') {
				p.sharpv = p.sharp;
				p.sharp = false;
				p.plusv = p.plus;
				p.plus = false;
			}
			print_arg(&p, a[argnum], verb);
			argnum++;
		}
	}
	if (!as.reordered && argnum < n) {
		clear_flags(&p);
		sbuf_adds(out, "%!(EXTRA ");
		for (size_t k = argnum; k < n; k++) {
			if (k > argnum)
				sbuf_adds(out, ", ");
			if (!a[k].t || a[k].t->kind == GT_NIL) {
				sbuf_adds(out, "<nil>");
			} else {
				sbuf_adds(out, gt_type_name(a[k]));
				sbuf_addc(out, '=');
				print_arg(&p, a[k], 'v');
			}
		}
		sbuf_addc(out, ')');
	}
}

/* ---- time.Duration's String ---- */

static size_t fmt_frac(char *buf, size_t w, uint64_t v, int prec, uint64_t *nv)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(v % 10);
		print = print || digit != 0;
		if (print) {
			w--;
			buf[w] = (char)(digit + '0');
		}
		v /= 10;
	}
	if (print) {
		w--;
		buf[w] = '.';
	}
	*nv = v;
	return w;
}

static size_t fmt_int_buf(char *buf, size_t w, uint64_t v)
{
	if (v == 0) {
		w--;
		buf[w] = '0';
	} else {
		while (v > 0) {
			w--;
			buf[w] = (char)(v % 10 + '0');
			v /= 10;
		}
	}
	return w;
}

static void duration_string(struct sbuf *out, int64_t d)
{
	char buf[32];
	size_t w = sizeof buf;
	uint64_t u = (uint64_t)d;
	bool neg = d < 0;
	if (neg)
		u = -u;
	if (u < 1000000000ULL) {
		int prec;
		w--;
		buf[w] = 's';
		w--;
		if (u == 0) {
			sbuf_adds(out, "0s");
			return;
		} else if (u < 1000ULL) {
			prec = 0;
			buf[w] = 'n';
		} else if (u < 1000000ULL) {
			prec = 3;
			/* U+00B5 'µ' micro sign */
			w--;
			buf[w] = (char)0xc2;
			buf[w + 1] = (char)0xb5;
		} else {
			prec = 6;
			buf[w] = 'm';
		}
		w = fmt_frac(buf, w, u, prec, &u);
		w = fmt_int_buf(buf, w, u);
	} else {
		w--;
		buf[w] = 's';
		w = fmt_frac(buf, w, u, 9, &u);
		w = fmt_int_buf(buf, w, u % 60);
		u /= 60;
		if (u > 0) {
			w--;
			buf[w] = 'm';
			w = fmt_int_buf(buf, w, u % 60);
			u /= 60;
			if (u > 0) {
				w--;
				buf[w] = 'h';
				w = fmt_int_buf(buf, w, u);
			}
		}
	}
	if (neg) {
		w--;
		buf[w] = '-';
	}
	sbuf_add(out, buf + w, sizeof buf - w);
}

void gt_duration_string(struct sbuf *out, int64_t d)
{
	duration_string(out, d);
}
