/*
 * sprig_math.c - Sprig's conversions and arithmetic (numeric.go, with
 * spf13/cast v1.7.0's ToInt64/ToFloat64 and shopspring/decimal's exact
 * decimal arithmetic behind addf, subf, mulf and divf).
 *
 * cast converts by dynamic type: strings parse with base prefixes (and a
 * trailing ".0" is dropped), floats truncate, bools are 0/1, nil is 0, and
 * anything else (including named types such as time.Duration) is 0.  The
 * *f functions convert each operand to the shortest decimal that
 * round-trips its float64, compute exactly (division to 16 places, half
 * away from zero), and round the result back to the nearest float64.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sprig_impl.h"

#define I (&gt_t_int)

/* ---- cast ---- */

static char *trim_zero_decimal(const char *s, size_t n, size_t *outn)
{
	bool zero = false;
	for (size_t i = n; i > 0; i--) {
		char c = s[i - 1];
		if (c == '.') {
			if (zero) {
				*outn = i - 1;
				return (char *)s;
			}
		} else if (c == '0') {
			zero = true;
		} else {
			break;
		}
	}
	*outn = n;
	return (char *)s;
}

/* Go's float-to-int conversion on amd64: out of range gives INT64_MIN. */
int64_t sp_f2i(double f)
{
	if (isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)f;
}

int64_t sp_to_int64(struct gt_value v, bool *ok)
{
	if (ok)
		*ok = true;
	if (!v.t || v.t->kind == GT_NIL)
		return 0;
	if (v.t->named) {
		if (ok)
			*ok = false;
		return 0;
	}
	switch (v.t->kind) {
	case GT_INT: return v.i;
	case GT_UINT: return (int64_t)v.u;
	case GT_FLOAT: return sp_f2i(v.t->bits == 32 ? (double)(float)v.f : v.f);
	case GT_BOOL: return v.b ? 1 : 0;
	case GT_STRING: {
		size_t n;
		const char *s = trim_zero_decimal(v.s.p, v.s.n, &n);
		int64_t r;
		if (go_parse_int(s, n, 0, &r))
			return r;
		break;
	}
	default:
		break;
	}
	if (ok)
		*ok = false;
	return 0;
}

double sp_to_float64(struct gt_value v, bool *ok)
{
	if (ok)
		*ok = true;
	if (!v.t || v.t->kind == GT_NIL)
		return 0;
	if (v.t->named) {
		if (ok)
			*ok = false;
		return 0;
	}
	switch (v.t->kind) {
	case GT_INT: return (double)v.i;
	case GT_UINT: return (double)v.u;
	case GT_FLOAT: return v.t->bits == 32 ? (double)(float)v.f : v.f;
	case GT_BOOL: return v.b ? 1 : 0;
	case GT_STRING: {
		double d;
		if (v.s.n && go_parse_float(v.s.p, v.s.n, &d))
			return d;
		break;
	}
	default:
		break;
	}
	if (ok)
		*ok = false;
	return 0;
}

SP_FN(m_int64)
{
	(void)n, (void)c;
	*ret = gt_int64(sp_to_int64(a[0], NULL));
	return 0;
}

SP_FN(m_int)
{
	(void)n, (void)c;
	*ret = gt_int(sp_to_int64(a[0], NULL));
	return 0;
}

SP_FN(m_float64)
{
	(void)n, (void)c;
	*ret = gt_float(sp_to_float64(a[0], NULL));
	return 0;
}

/* strconv.Atoi, errors ignored (0, or the clamped value on overflow) */
SP_FN(m_atoi)
{
	(void)n, (void)c;
	const char *s = a[0].s.p;
	size_t len = a[0].s.n, i = 0;
	bool neg = false;
	if (len && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len) {
		*ret = gt_int(0);
		return 0;
	}
	uint64_t u = 0;
	bool over = false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*ret = gt_int(0);
			return 0;
		}
		if (u > (UINT64_MAX - 9) / 10)
			over = true;
		else
			u = u * 10 + (uint64_t)(s[i] - '0');
	}
	int64_t r;
	if (over || (!neg && u > (uint64_t)INT64_MAX))
		r = neg ? INT64_MIN : INT64_MAX;
	else if (neg && u > (uint64_t)INT64_MAX + 1)
		r = INT64_MIN;
	else
		r = neg ? (int64_t)(0 - u) : (int64_t)u;
	/* Atoi on a short string returns 0 with its error; long ones clamp */
	if ((over || (!neg && u > (uint64_t)INT64_MAX) || (neg && u > (uint64_t)INT64_MAX + 1)) &&
	    len < 19)
		r = 0;
	*ret = gt_int(r);
	return 0;
}

/* toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error */
SP_FN(m_todecimal)
{
	(void)n;
	(void)c;
	struct sbuf sb = SBUF_INIT;
	gt_sprint(&sb, a, 1);
	int64_t r;
	if (!go_parse_int(sb.buf, sb.len, 8, &r))
		r = 0;
	sbuf_release(&sb);
	*ret = gt_int64(r);
	return 0;
}

/* ---- integer arithmetic ---- */

SP_FN(m_add1)
{
	(void)n, (void)c;
	*ret = gt_int64((int64_t)((uint64_t)sp_to_int64(a[0], NULL) + 1));
	return 0;
}

SP_FN(m_add)
{
	(void)c;
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (uint64_t)sp_to_int64(a[i], NULL);
	*ret = gt_int64((int64_t)s);
	return 0;
}

SP_FN(m_sub)
{
	(void)n, (void)c;
	*ret = gt_int64((int64_t)((uint64_t)sp_to_int64(a[0], NULL) - (uint64_t)sp_to_int64(a[1], NULL)));
	return 0;
}

SP_FN(m_div)
{
	(void)n;
	int64_t x = sp_to_int64(a[0], NULL), y = sp_to_int64(a[1], NULL);
	if (y == 0)
		return gt_call_errorf(c, "runtime error: integer divide by zero");
	*ret = gt_int64(x == INT64_MIN && y == -1 ? INT64_MIN : x / y);
	return 0;
}

SP_FN(m_mod)
{
	(void)n;
	int64_t x = sp_to_int64(a[0], NULL), y = sp_to_int64(a[1], NULL);
	if (y == 0)
		return gt_call_errorf(c, "runtime error: integer divide by zero");
	*ret = gt_int64(y == -1 ? 0 : x % y);
	return 0;
}

SP_FN(m_mul)
{
	(void)c;
	uint64_t v = (uint64_t)sp_to_int64(a[0], NULL);
	for (size_t i = 1; i < n; i++)
		v *= (uint64_t)sp_to_int64(a[i], NULL);
	*ret = gt_int64((int64_t)v);
	return 0;
}

/* max (want_max) or min of the arguments as int64s. */
static int64_t int_extreme(const struct gt_value *a, size_t n, bool want_max)
{
	int64_t v = sp_to_int64(a[0], NULL);
	for (size_t i = 1; i < n; i++) {
		int64_t b = sp_to_int64(a[i], NULL);
		if (want_max ? b > v : b < v)
			v = b;
	}
	return v;
}

SP_FN(m_max)
{
	(void)c;
	*ret = gt_int64(int_extreme(a, n, true));
	return 0;
}

SP_FN(m_min)
{
	(void)c;
	*ret = gt_int64(int_extreme(a, n, false));
	return 0;
}

/* math.Max / math.Min with Go's NaN and signed-zero rules */
static double go_max(double x, double y)
{
	if (isinf(x) && x > 0) return x;
	if (isinf(y) && y > 0) return y;
	if (isnan(x) || isnan(y)) return NAN;
	if (x == 0 && x == y) return signbit(x) ? y : x;
	return x > y ? x : y;
}

static double go_min(double x, double y)
{
	if (isinf(x) && x < 0) return x;
	if (isinf(y) && y < 0) return y;
	if (isnan(x) || isnan(y)) return NAN;
	if (x == 0 && x == y) return signbit(x) ? x : y;
	return x < y ? x : y;
}

SP_FN(m_maxf)
{
	(void)c;
	double v = sp_to_float64(a[0], NULL);
	for (size_t i = 1; i < n; i++)
		v = go_max(v, sp_to_float64(a[i], NULL));
	*ret = gt_float(v);
	return 0;
}

SP_FN(m_minf)
{
	(void)c;
	double v = sp_to_float64(a[0], NULL);
	for (size_t i = 1; i < n; i++)
		v = go_min(v, sp_to_float64(a[i], NULL));
	*ret = gt_float(v);
	return 0;
}

SP_FN(m_floor)
{
	(void)n, (void)c;
	*ret = gt_float(floor(sp_to_float64(a[0], NULL)));
	return 0;
}

SP_FN(m_ceil)
{
	(void)n, (void)c;
	*ret = gt_float(ceil(sp_to_float64(a[0], NULL)));
	return 0;
}

SP_FN(m_round)
{
	(void)c;
	double round_on = 0.5;
	if (n > 2)
		round_on = a[2].f;
	double val = sp_to_float64(a[0], NULL);
	double places = (double)a[1].i;
	double pw = pow(10, places);
	double digit = pw * val;
	double ip;
	double div = modf(digit, &ip);
	double r = div >= round_on ? ceil(digit) : floor(digit);
	*ret = gt_float(r / pw);
	return 0;
}

/* ---- exact decimals (shopspring/decimal) ---- */

#define DLIMBS 200 /* base 1e9: 1800 digits, enough for float64's range */
#define BASE 1000000000u

struct big {
	uint32_t d[DLIMBS]; /* little endian, base 1e9 */
	int n;
};

struct dec {
	bool neg;
	struct big m;
	int exp; /* value = m * 10^exp */
};

static void big_norm(struct big *b)
{
	while (b->n > 0 && b->d[b->n - 1] == 0)
		b->n--;
}

static bool big_mul_small(struct big *b, uint32_t k)
{
	uint64_t carry = 0;
	for (int i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->d[i] * k + carry;
		b->d[i] = (uint32_t)(t % BASE);
		carry = t / BASE;
	}
	if (carry) {
		if (b->n >= DLIMBS)
			return false;
		b->d[b->n++] = (uint32_t)carry;
	}
	return true;
}

static bool big_mul_pow10(struct big *b, int k)
{
	while (k >= 9) {
		if (b->n && b->n >= DLIMBS)
			return false;
		if (b->n) {
			memmove(b->d + 1, b->d, (size_t)b->n * sizeof b->d[0]);
			b->d[0] = 0;
			b->n++;
		}
		k -= 9;
	}
	static const uint32_t p10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };
	return k ? big_mul_small(b, p10[k]) : true;
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n; i-- > 0;)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

static bool big_add(struct big *r, const struct big *a, const struct big *b)
{
	int n = a->n > b->n ? a->n : b->n;
	uint32_t carry = 0;
	struct big t;
	t.n = n;
	for (int i = 0; i < n; i++) {
		uint32_t s = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
		carry = s >= BASE;
		t.d[i] = carry ? s - BASE : s;
	}
	if (carry) {
		if (n >= DLIMBS)
			return false;
		t.d[t.n++] = 1;
	}
	*r = t;
	return true;
}

/* r = a - b, a >= b */
static void big_sub(struct big *r, const struct big *a, const struct big *b)
{
	struct big t = *a;
	int64_t borrow = 0;
	for (int i = 0; i < t.n; i++) {
		int64_t s = (int64_t)t.d[i] - (i < b->n ? b->d[i] : 0) - borrow;
		borrow = s < 0;
		t.d[i] = (uint32_t)(s < 0 ? s + BASE : s);
	}
	big_norm(&t);
	*r = t;
}

static bool big_mul(struct big *r, const struct big *a, const struct big *b)
{
	if (a->n + b->n > DLIMBS)
		return false;
	struct big t;
	memset(&t, 0, sizeof t);
	t.n = a->n + b->n;
	uint64_t acc[2 * DLIMBS + 1];
	memset(acc, 0, sizeof acc);
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++) {
			uint64_t p = (uint64_t)a->d[i] * b->d[j];
			acc[i + j] += p % BASE;
			acc[i + j + 1] += p / BASE;
			if (acc[i + j] >= ((uint64_t)1 << 62)) {
				acc[i + j + 1] += acc[i + j] / BASE;
				acc[i + j] %= BASE;
			}
		}
	uint64_t carry = 0;
	for (int i = 0; i < t.n; i++) {
		uint64_t s = acc[i] + carry;
		t.d[i] = (uint32_t)(s % BASE);
		carry = s / BASE;
	}
	big_norm(&t);
	*r = t;
	return true;
}

/* q = a / b (truncated), r = a % b; b != 0 */
static void big_divmod(const struct big *a, const struct big *b, struct big *q, struct big *r)
{
	struct big rem;
	rem.n = 0;
	struct big quo;
	memset(&quo, 0, sizeof quo);
	quo.n = a->n;
	for (int i = a->n; i-- > 0;) {
		/* rem = rem * BASE + a->d[i] */
		if (rem.n) {
			memmove(rem.d + 1, rem.d, (size_t)rem.n * sizeof rem.d[0]);
			rem.n++;
		} else {
			rem.n = 1;
		}
		rem.d[0] = a->d[i];
		big_norm(&rem);
		/* binary search the quotient digit */
		uint32_t lo = 0, hi = BASE - 1;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo + 1) / 2;
			struct big t = *b;
			big_mul_small(&t, mid);
			if (big_cmp(&t, &rem) <= 0)
				lo = mid;
			else
				hi = mid - 1;
		}
		quo.d[i] = lo;
		if (lo) {
			struct big t = *b;
			big_mul_small(&t, lo);
			big_sub(&rem, &rem, &t);
		}
	}
	big_norm(&quo);
	*q = quo;
	*r = rem;
}

static void big_from_u64(struct big *b, uint64_t v)
{
	b->n = 0;
	while (v) {
		b->d[b->n++] = (uint32_t)(v % BASE);
		v /= BASE;
	}
}

/* decimal.NewFromFloat: the shortest decimal that reads back as f */
static bool dec_from_float(struct dec *d, double f)
{
	if (isnan(f) || isinf(f))
		return false;
	struct sbuf sb = SBUF_INIT;
	go_ftoa(&sb, f, 'e', -1, 64);
	const char *s = sb.buf;
	d->neg = false;
	if (*s == '-') {
		d->neg = true;
		s++;
	}
	uint64_t m = 0;
	int digits = 0;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9') {
			m = m * 10 + (uint64_t)(*s - '0');
			digits++;
		}
	int e = *s == 'e' ? atoi(s + 1) : 0;
	d->exp = e - (digits - 1);
	big_from_u64(&d->m, m);
	sbuf_release(&sb);
	return true;
}

static bool align(struct dec *a, struct dec *b)
{
	if (a->exp > b->exp) {
		if (!big_mul_pow10(&a->m, a->exp - b->exp))
			return false;
		a->exp = b->exp;
	} else if (b->exp > a->exp) {
		if (!big_mul_pow10(&b->m, b->exp - a->exp))
			return false;
		b->exp = a->exp;
	}
	return true;
}

static bool dec_add(struct dec *r, struct dec a, struct dec b)
{
	if (!align(&a, &b))
		return false;
	r->exp = a.exp;
	if (a.neg == b.neg) {
		r->neg = a.neg;
		return big_add(&r->m, &a.m, &b.m);
	}
	int c = big_cmp(&a.m, &b.m);
	if (c >= 0) {
		big_sub(&r->m, &a.m, &b.m);
		r->neg = a.neg;
	} else {
		big_sub(&r->m, &b.m, &a.m);
		r->neg = b.neg;
	}
	return true;
}

static bool dec_sub(struct dec *r, struct dec a, struct dec b)
{
	b.neg = !b.neg;
	return dec_add(r, a, b);
}

static bool dec_mul(struct dec *r, struct dec a, struct dec b)
{
	r->neg = a.neg != b.neg;
	r->exp = a.exp + b.exp;
	return big_mul(&r->m, &a.m, &b.m);
}

/* DivRound(b, 16): quotient to 16 places, half away from zero */
static int dec_div(struct dec *r, struct dec a, struct dec b)
{
	const int prec = 16;
	if (b.m.n == 0)
		return -2;
	/* q = trunc(a / b) at exponent -prec: a.m * 10^(a.exp + prec - b.exp) / b.m */
	int shift = a.exp + prec - b.exp;
	struct big num = a.m, den = b.m;
	if (shift >= 0) {
		if (!big_mul_pow10(&num, shift))
			return -1;
	} else {
		if (!big_mul_pow10(&den, -shift))
			return -1;
	}
	struct big q, rem;
	big_divmod(&num, &den, &q, &rem);
	/* round: compare 2*rem with den */
	struct big r2;
	if (!big_add(&r2, &rem, &rem))
		return -1;
	if (big_cmp(&r2, &den) >= 0) {
		struct big one;
		big_from_u64(&one, 1);
		if (!big_add(&q, &q, &one))
			return -1;
	}
	r->neg = a.neg != b.neg && q.n > 0;
	r->m = q;
	r->exp = -prec;
	return 0;
}

static double dec_to_float(const struct dec *d)
{
	struct sbuf sb = SBUF_INIT;
	if (d->neg)
		sbuf_addc(&sb, '-');
	if (d->m.n == 0) {
		sbuf_addc(&sb, '0');
	} else {
		sbuf_printf(&sb, "%u", d->m.d[d->m.n - 1]);
		for (int i = d->m.n - 1; i-- > 0;)
			sbuf_printf(&sb, "%09u", d->m.d[i]);
	}
	sbuf_printf(&sb, "e%d", d->exp);
	double f = strtod(sb.buf, NULL);
	sbuf_release(&sb);
	return f;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV };

static int dec_op(struct gt_call *c, struct gt_value first, const struct gt_value *rest, size_t n,
	int op, struct gt_value *ret)
{
	struct dec acc;
	double f0 = sp_to_float64(first, NULL);
	if (!dec_from_float(&acc, f0))
		return gt_call_errorf(c, "Cannot create a Decimal from %s",
			isnan(f0) ? "NaN" : f0 > 0 ? "+Inf" : "-Inf");
	for (size_t i = 0; i < n; i++) {
		struct dec x;
		double f = sp_to_float64(rest[i], NULL);
		if (!dec_from_float(&x, f))
			return gt_call_errorf(c, "Cannot create a Decimal from %s",
				isnan(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf");
		bool ok = true;
		switch (op) {
		case OP_ADD: ok = dec_add(&acc, acc, x); break;
		case OP_SUB: ok = dec_sub(&acc, acc, x); break;
		case OP_MUL: ok = dec_mul(&acc, acc, x); break;
		case OP_DIV: {
			int r = dec_div(&acc, acc, x);
			if (r == -2)
				return gt_call_errorf(c, "decimal division by zero");
			ok = r == 0;
			break;
		}
		}
		if (!ok)
			return gt_call_errorf(c, "decimal arithmetic beyond %d digits", DLIMBS * 9);
	}
	*ret = gt_float(dec_to_float(&acc));
	return 0;
}

SP_FN(m_add1f)
{
	(void)n;
	struct gt_value one = gt_int(1);
	return dec_op(c, a[0], &one, 1, OP_ADD, ret);
}

SP_FN(m_addf)
{
	return dec_op(c, gt_float(0), a, n, OP_ADD, ret);
}

SP_FN(m_subf)
{
	return dec_op(c, a[0], a + 1, n - 1, OP_SUB, ret);
}

SP_FN(m_mulf)
{
	return dec_op(c, a[0], a + 1, n - 1, OP_MUL, ret);
}

SP_FN(m_divf)
{
	return dec_op(c, a[0], a + 1, n - 1, OP_DIV, ret);
}

const struct gt_func sprig_math_funcs[] = {
	{ "atoi", m_atoi, 1, false, { &gt_t_string }, NULL },
	{ "int64", m_int64, 1, false, { NULL }, NULL },
	{ "int", m_int, 1, false, { NULL }, NULL },
	{ "float64", m_float64, 1, false, { NULL }, NULL },
	{ "toDecimal", m_todecimal, 1, false, { NULL }, NULL },
	{ "add1", m_add1, 1, false, { NULL }, NULL },
	{ "add", m_add, 1, true, { NULL }, NULL },
	{ "sub", m_sub, 2, false, { NULL, NULL }, NULL },
	{ "div", m_div, 2, false, { NULL, NULL }, NULL },
	{ "mod", m_mod, 2, false, { NULL, NULL }, NULL },
	{ "mul", m_mul, 2, true, { NULL, NULL }, NULL },
	{ "add1f", m_add1f, 1, false, { NULL }, NULL },
	{ "addf", m_addf, 1, true, { NULL }, NULL },
	{ "subf", m_subf, 2, true, { NULL, NULL }, NULL },
	{ "divf", m_divf, 2, true, { NULL, NULL }, NULL },
	{ "mulf", m_mulf, 2, true, { NULL, NULL }, NULL },
	{ "biggest", m_max, 2, true, { NULL, NULL }, NULL },
	{ "max", m_max, 2, true, { NULL, NULL }, NULL },
	{ "min", m_min, 2, true, { NULL, NULL }, NULL },
	{ "maxf", m_maxf, 2, true, { NULL, NULL }, NULL },
	{ "minf", m_minf, 2, true, { NULL, NULL }, NULL },
	{ "ceil", m_ceil, 1, false, { NULL }, NULL },
	{ "floor", m_floor, 1, false, { NULL }, NULL },
	{ "round", m_round, 3, true, { NULL, I, &gt_t_float64 }, NULL },
};

const size_t sprig_math_nfuncs = sizeof sprig_math_funcs / sizeof sprig_math_funcs[0];
