/* Unit tests: interning, sbuf, base64, UTF-8 and Go number formatting. */
#include <math.h>

#include "testutil.h"

Test(str, intern_identity)
{
	struct arena a = ARENA_INIT;
	struct strtab t;
	strtab_init(&t, &a);
	const struct str *x = str_intern0(&t, "metadata");
	char buf[] = "metadata";
	cr_assert_eq(str_intern(&t, buf, 8), x, "equal strings intern to one pointer");
	cr_assert_neq(str_intern0(&t, "metadatA"), x);
	/* Force several rehashes and check every string survives. */
	const struct str *all[5000];
	for (int i = 0; i < 5000; i++) {
		char k[32];
		snprintf(k, sizeof k, "key-%d", i);
		all[i] = str_intern0(&t, k);
	}
	for (int i = 0; i < 5000; i++) {
		char k[32];
		snprintf(k, sizeof k, "key-%d", i);
		cr_assert_eq(str_intern0(&t, k), all[i]);
	}
	cr_assert_eq(str_intern0(&t, "metadata"), x);
	strtab_release(&t);
	arena_release(&a);
}

Test(str, embedded_nul_and_cross_table_equality)
{
	struct arena a = ARENA_INIT;
	struct strtab t1, t2;
	strtab_init(&t1, &a);
	strtab_init(&t2, &a);
	const struct str *p = str_intern(&t1, "a\0b", 3);
	const struct str *q = str_intern(&t2, "a\0b", 3);
	cr_assert_eq(p->len, 3);
	cr_assert_neq(p, q);
	cr_assert(str_eq(p, q), "equal across tables by bytes");
	cr_assert(!str_eq(p, str_intern(&t1, "a\0c", 3)));
	strtab_release(&t1);
	strtab_release(&t2);
	arena_release(&a);
}

Test(str, sbuf)
{
	struct sbuf sb = SBUF_INIT;
	cr_assert_str_eq(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&sb, "%d,", i);
	cr_assert_eq(strlen(sb.buf), sb.len);
	sbuf_truncate(&sb, 4);
	cr_assert_str_eq(sb.buf, "0,1,");
	size_t n;
	char *d = sbuf_detach(&sb, &n);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(sb.buf, "");
	free(d);
	sbuf_release(&sb);
}

Test(str, base64)
{
	struct sbuf sb = SBUF_INIT;
	b64_encode(&sb, "hello", 5);
	cr_assert_str_eq(sb.buf, "aGVsbG8=");
	sbuf_reset(&sb);
	cr_assert(b64_decode(&sb, "aGVsbG8=", 8));
	cr_assert_str_eq(sb.buf, "hello");
	sbuf_reset(&sb);
	cr_assert(!b64_decode(&sb, "aGVsbG8", 7), "missing padding");
	cr_assert(!b64_decode(&sb, "a*==", 4), "bad alphabet");
	/* Go's StdEncoding.DecodeString: CorruptInputError offsets, newlines
	 * skipped, unused bits of the last quantum ignored (not Strict). */
	size_t bad = 99;
	sbuf_reset(&sb);
	cr_assert(b64_decode_at(&sb, "YR=\n=\r\n", 7, &bad));
	cr_assert_str_eq(sb.buf, "a");
	sbuf_reset(&sb);
	cr_assert_not(b64_decode_at(&sb, "YWJjYQ==YQ==", 12, &bad));
	cr_assert_eq(bad, 8, "trailing garbage after padding");
	cr_assert_str_eq(sb.buf, "abca", "what was decoded stays");
	cr_assert_not(b64_decode_at(&sb, "Y===", 4, &bad));
	cr_assert_eq(bad, 1);
	cr_assert_not(b64_decode_at(&sb, "YQ=", 3, &bad));
	cr_assert_eq(bad, 3);
	cr_assert_not(b64_decode_at(&sb, "YWJ", 3, &bad));
	cr_assert_eq(bad, 0);
	cr_assert_eq(b64_digit('/'), 63);
	cr_assert_eq(b64_digit('='), -1);
	sbuf_release(&sb);
}

/* time.ParseDuration */
Test(str, duration)
{
	int64_t d;
	size_t u = 0, ul = 0;
	cr_assert_eq(go_parse_duration("1h2m3.5s", 8, &d, &u, &ul), GO_DURATION_OK);
	cr_assert_eq(d, 3723500000000LL);
	cr_assert_eq(go_parse_duration("-1.5\xc2\xb5s", 7, &d, &u, &ul), GO_DURATION_OK);
	cr_assert_eq(d, -1500);
	cr_assert_eq(go_parse_duration("0", 1, &d, &u, &ul), GO_DURATION_OK);
	cr_assert_eq(go_parse_duration(".5m", 3, &d, &u, &ul), GO_DURATION_OK);
	cr_assert_eq(d, 30000000000LL);
	cr_assert_eq(go_parse_duration("-9223372036854775808ns", 22, &d, &u, &ul), GO_DURATION_OK);
	cr_assert_eq(d, INT64_MIN);
	cr_assert_eq(go_parse_duration("9223372036854775808ns", 21, &d, &u, &ul), GO_DURATION_INVALID);
	cr_assert_eq(go_parse_duration("1", 1, &d, &u, &ul), GO_DURATION_NO_UNIT);
	cr_assert_eq(go_parse_duration("3s2d", 4, &d, &u, &ul), GO_DURATION_BAD_UNIT);
	cr_assert_eq(u, 3);
	cr_assert_eq(ul, 1);
	cr_assert_eq(go_parse_duration("", 0, &d, &u, &ul), GO_DURATION_INVALID);
	cr_assert_eq(go_parse_duration(".s", 2, &d, &u, &ul), GO_DURATION_INVALID);
}

Test(str, hex_digit)
{
	cr_assert_eq(hex_digit('0'), 0);
	cr_assert_eq(hex_digit('9'), 9);
	cr_assert_eq(hex_digit('a'), 10);
	cr_assert_eq(hex_digit('F'), 15);
	cr_assert_eq(hex_digit('g'), -1);
	cr_assert_eq(hex_digit('@'), -1);
	cr_assert_eq(hex_digit(0xe1), -1);
	cr_assert_eq(hex_digit(0x10061), -1);
}

Test(str, utf8)
{
	uint32_t r;
	cr_assert_eq(utf8_count("h\xc3\xa9llo", 6), 5);
	cr_assert_eq(utf8_count("\x80\xff\xe2\x82", 4), 4, "each invalid byte is a rune");
	cr_assert_eq(utf8_count("", 0), 0);
	cr_assert_eq(utf8_decode_last("a\xc3\xa9", 3, &r), 2);
	cr_assert_eq(r, 0xe9);
	cr_assert_eq(utf8_decode_last("\xc3\xa9\xa9", 3, &r), 1);
	cr_assert_eq(r, 0xfffd, "a stray continuation byte");
	cr_assert_eq(utf8_decode_last("\xf0\x9f\x98\x80", 4, &r), 4);
	cr_assert_eq(r, 0x1f600);
	cr_assert_eq(utf8_decode_last("x", 1, &r), 1);
	cr_assert(utf8_valid("h\xc3\xa9llo", 6));
	cr_assert(!utf8_valid("\xc3", 1));
	cr_assert(!utf8_valid("\xed\xa0\x80", 3), "surrogates are invalid");
	cr_assert_eq(utf8_decode("\xe2\x82\xac", 3, &r), 3);
	cr_assert_eq(r, 0x20ac);
	char b[4];
	cr_assert_eq(utf8_encode(b, 0x1f600), 4);
}

static void ftoa_is(double f, char fmt, int prec, const char *want)
{
	struct sbuf sb = SBUF_INIT;
	go_ftoa(&sb, f, fmt, prec, 64);
	cr_assert_str_eq(sb.buf, want, "FormatFloat(%.17g, '%c', %d)", f, fmt, prec);
	sbuf_release(&sb);
}

Test(str, go_format_float)
{
	ftoa_is(1.5, 'g', -1, "1.5");
	ftoa_is(1000000, 'g', -1, "1e+06");
	ftoa_is(123456, 'g', -1, "123456");
	ftoa_is(123456789012.0, 'g', -1, "1.23456789012e+11");
	ftoa_is(0.0001, 'g', -1, "0.0001");
	ftoa_is(0.00001, 'g', -1, "1e-05");
	ftoa_is(0.1, 'g', -1, "0.1");
	ftoa_is(-0.0, 'g', -1, "-0");
	ftoa_is(1e21, 'f', -1, "1000000000000000000000");
	ftoa_is(3.14159, 'f', 2, "3.14");
	ftoa_is(2.5, 'e', 3, "2.500e+00");
	ftoa_is(100000, 'g', 3, "1e+05");
	ftoa_is(123, 'g', 5, "123");
	ftoa_is(INFINITY, 'g', -1, "+Inf");
	ftoa_is(NAN, 'g', -1, "NaN");
}

Test(str, go_json_float)
{
	struct sbuf sb = SBUF_INIT;
	go_json_float(&sb, 1e-7);
	cr_assert_str_eq(sb.buf, "1e-7");
	sbuf_reset(&sb);
	go_json_float(&sb, 1e20);
	cr_assert_str_eq(sb.buf, "100000000000000000000");
	sbuf_reset(&sb);
	go_json_float(&sb, 1e21);
	cr_assert_str_eq(sb.buf, "1e+21");
	sbuf_release(&sb);
}

Test(str, go_parse_numbers)
{
	int64_t i;
	uint64_t u;
	double f;
	cr_assert(go_parse_int("0x1F", 4, 0, &i) && i == 31);
	cr_assert(go_parse_int("-010", 4, 0, &i) && i == -8);
	cr_assert(go_parse_int("0o17", 4, 0, &i) && i == 15);
	cr_assert(go_parse_int("0b101", 5, 0, &i) && i == 5);
	cr_assert(!go_parse_int("09", 2, 0, &i), "09 is not octal");
	cr_assert(!go_parse_int("9223372036854775808", 19, 0, &i), "overflow");
	cr_assert(go_parse_uint("9223372036854775808", 19, 0, &u));
	cr_assert(!go_parse_uint("+1", 2, 0, &u), "ParseUint takes no sign");
	cr_assert(go_parse_float("1e3", 3, &f) && f == 1000);
	cr_assert(go_parse_float("-Inf", 4, &f) && isinf(f) && f < 0);
	cr_assert(!go_parse_float("1e400", 5, &f), "out of range");
	/* Underscores as Go's syntax places them: base 0 ints and floats. */
	cr_assert(go_parse_float("1_0", 3, &f) && f == 10);
	cr_assert(go_parse_float("1_23.50_0_0e+1_2", 16, &f) && f == 1.235e14);
	cr_assert(!go_parse_float("123_.5", 6, &f));
	cr_assert(!go_parse_float("in_f", 4, &f));
	cr_assert(go_parse_float("0x_1p0", 6, &f) && f == 1);
	cr_assert(go_parse_int("-1_000", 6, 0, &i) && i == -1000);
	cr_assert(go_parse_int("0x_1F", 5, 0, &i) && i == 31);
	cr_assert(go_parse_int("0_17", 4, 0, &i) && i == 15);
	cr_assert(!go_parse_int("1__0", 4, 0, &i));
	cr_assert(!go_parse_int("_10", 3, 0, &i));
	cr_assert(!go_parse_int("10_", 3, 0, &i));
	cr_assert(!go_parse_int("0b_", 3, 0, &i));
	cr_assert(!go_parse_int("1_0", 3, 10, &i), "only base 0 takes underscores");
	cr_assert(!go_parse_uint("+1_0", 4, 0, &u));
	cr_assert(!go_parse_float(".", 1, &f));
}
