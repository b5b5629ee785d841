/*
 * sprig_date.c - Sprig's date functions and Go's time.Time.
 *
 * Templates render with a fixed clock (gt_set_clock: SOURCE_DATE_EPOCH,
 * default 0) in UTC, which is also the Local zone, so dates are
 * reproducible; now/ago/date without a date warn that Helm would print the
 * current time.  Formatting and parsing follow Go's reference-time layouts
 * ("2006-01-02 15:04:05.999999999 -0700 MST") chunk by chunk as package
 * time does, durations print and parse as time.Duration.  time.Time is a
 * host object with the methods templates call (Year, Format, Unix, Add
 * ...).  Named zones other than UTC/Local are not loaded (no system
 * tzdata dependency): they fall back to UTC, as Go does for a zone it
 * cannot load, with a warning.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sprig_impl.h"

#define S (&gt_t_string)

struct gtime {
	int64_t sec;     /* Unix seconds */
	int32_t nsec;
	int32_t off;     /* zone offset, seconds east of UTC */
	const char *zone; /* abbreviation ("UTC"), or "" for a fixed zone without name */
};

extern const struct gt_class sp_time_class, sp_time_ptr_class;

static const char *const month_names[] = { "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December" };
static const char *const day_names[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday" };

/* ---- civil calendar (proleptic Gregorian) ---- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

struct civil {
	int64_t year;
	unsigned month, day, hour, min, sec, wday, yday;
	int32_t nsec;
};

static void to_civil(const struct gtime *t, struct civil *c)
{
	int64_t s = t->sec + t->off;
	int64_t days = floordiv(s, 86400);
	int64_t rem = s - days * 86400;
	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (unsigned)(rem / 3600);
	c->min = (unsigned)(rem % 3600 / 60);
	c->sec = (unsigned)(rem % 60);
	c->wday = (unsigned)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	c->yday = (unsigned)(days - days_from_civil(c->year, 1, 1) + 1);
	c->nsec = t->nsec;
}

/* ---- formatting ---- */

enum std {
	STD_NONE, STD_LONG_MONTH, STD_MONTH, STD_NUM_MONTH, STD_ZERO_MONTH, STD_LONG_WEEKDAY,
	STD_WEEKDAY, STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY, STD_UNDER_YEARDAY, STD_ZERO_YEARDAY,
	STD_HOUR, STD_HOUR12, STD_ZERO_HOUR12, STD_MINUTE, STD_ZERO_MINUTE, STD_SECOND,
	STD_ZERO_SECOND, STD_LONG_YEAR, STD_YEAR, STD_PM, STD_pm, STD_TZ, STD_ISO_TZ,
	STD_ISO_SECONDS_TZ, STD_ISO_SHORT_TZ, STD_ISO_COLON_TZ, STD_ISO_COLON_SECONDS_TZ,
	STD_NUM_TZ, STD_NUM_SECONDS_TZ, STD_NUM_SHORT_TZ, STD_NUM_COLON_TZ,
	STD_NUM_COLON_SECONDS_TZ, STD_FRAC0, STD_FRAC9,
};

struct chunk {
	size_t prefix;   /* bytes of literal text before the element */
	enum std std;
	size_t len;      /* bytes of the element in the layout */
	int frac;        /* digits of a fractional second */
	char sep;        /* '.' or ',' before them */
};

static bool starts_lower(const char *s, size_t n)
{
	return n > 0 && s[0] >= 'a' && s[0] <= 'z';
}

static bool has(const char *s, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	return n >= i + k && !memcmp(s + i, w, k);
}

static void next_chunk(const char *l, size_t n, struct chunk *ck)
{
	static const enum std std0x[] = { STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12,
		STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR };
	memset(ck, 0, sizeof *ck);
	for (size_t i = 0; i < n; i++) {
		ck->prefix = i;
		switch (l[i]) {
		case 'J':
			if (has(l, n, i, "Jan")) {
				if (has(l, n, i, "January")) {
					ck->std = STD_LONG_MONTH, ck->len = 7;
					return;
				}
				if (!starts_lower(l + i + 3, n - i - 3)) {
					ck->std = STD_MONTH, ck->len = 3;
					return;
				}
			}
			break;
		case 'M':
			if (has(l, n, i, "Mon")) {
				if (has(l, n, i, "Monday")) {
					ck->std = STD_LONG_WEEKDAY, ck->len = 6;
					return;
				}
				if (!starts_lower(l + i + 3, n - i - 3)) {
					ck->std = STD_WEEKDAY, ck->len = 3;
					return;
				}
			}
			if (has(l, n, i, "MST")) {
				ck->std = STD_TZ, ck->len = 3;
				return;
			}
			break;
		case '0':
			if (n >= i + 2 && l[i + 1] >= '1' && l[i + 1] <= '6') {
				ck->std = std0x[l[i + 1] - '1'], ck->len = 2;
				return;
			}
			if (has(l, n, i, "002")) {
				ck->std = STD_ZERO_YEARDAY, ck->len = 3;
				return;
			}
			break;
		case '1':
			if (n >= i + 2 && l[i + 1] == '5') {
				ck->std = STD_HOUR, ck->len = 2;
				return;
			}
			ck->std = STD_NUM_MONTH, ck->len = 1;
			return;
		case '2':
			if (has(l, n, i, "2006")) {
				ck->std = STD_LONG_YEAR, ck->len = 4;
				return;
			}
			ck->std = STD_DAY, ck->len = 1;
			return;
		case '_':
			if (n >= i + 2 && l[i + 1] == '2') {
				if (has(l, n, i + 1, "2006")) {
					ck->prefix = i + 1;
					ck->std = STD_LONG_YEAR, ck->len = 4;
					return;
				}
				ck->std = STD_UNDER_DAY, ck->len = 2;
				return;
			}
			if (has(l, n, i, "__2")) {
				ck->std = STD_UNDER_YEARDAY, ck->len = 3;
				return;
			}
			break;
		case '3': ck->std = STD_HOUR12, ck->len = 1; return;
		case '4': ck->std = STD_MINUTE, ck->len = 1; return;
		case '5': ck->std = STD_SECOND, ck->len = 1; return;
		case 'P':
			if (n >= i + 2 && l[i + 1] == 'M') {
				ck->std = STD_PM, ck->len = 2;
				return;
			}
			break;
		case 'p':
			if (n >= i + 2 && l[i + 1] == 'm') {
				ck->std = STD_pm, ck->len = 2;
				return;
			}
			break;
		case '-':
			if (has(l, n, i, "-070000")) { ck->std = STD_NUM_SECONDS_TZ, ck->len = 7; return; }
			if (has(l, n, i, "-07:00:00")) { ck->std = STD_NUM_COLON_SECONDS_TZ, ck->len = 9; return; }
			if (has(l, n, i, "-0700")) { ck->std = STD_NUM_TZ, ck->len = 5; return; }
			if (has(l, n, i, "-07:00")) { ck->std = STD_NUM_COLON_TZ, ck->len = 6; return; }
			if (has(l, n, i, "-07")) { ck->std = STD_NUM_SHORT_TZ, ck->len = 3; return; }
			break;
		case 'Z':
			if (has(l, n, i, "Z070000")) { ck->std = STD_ISO_SECONDS_TZ, ck->len = 7; return; }
			if (has(l, n, i, "Z07:00:00")) { ck->std = STD_ISO_COLON_SECONDS_TZ, ck->len = 9; return; }
			if (has(l, n, i, "Z0700")) { ck->std = STD_ISO_TZ, ck->len = 5; return; }
			if (has(l, n, i, "Z07:00")) { ck->std = STD_ISO_COLON_TZ, ck->len = 6; return; }
			if (has(l, n, i, "Z07")) { ck->std = STD_ISO_SHORT_TZ, ck->len = 3; return; }
			break;
		case '.': case ',':
			if (i + 1 < n && (l[i + 1] == '0' || l[i + 1] == '9')) {
				char ch = l[i + 1];
				size_t j = i + 1;
				while (j < n && l[j] == ch)
					j++;
				if (!(j < n && l[j] >= '0' && l[j] <= '9')) {
					ck->std = ch == '0' ? STD_FRAC0 : STD_FRAC9;
					ck->frac = (int)(j - (i + 1));
					ck->sep = l[i];
					ck->len = j - i;
					return;
				}
			}
			break;
		}
	}
	ck->prefix = n;
	ck->std = STD_NONE;
	ck->len = 0;
}

static void append_int(struct sbuf *b, int64_t x, int width)
{
	uint64_t u = (uint64_t)x;
	if (x < 0) {
		sbuf_addc(b, '-');
		u = (uint64_t)0 - u;
	}
	char buf[24];
	int k = 0;
	do {
		buf[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (int w = k; w < width; w++)
		sbuf_addc(b, '0');
	while (k)
		sbuf_addc(b, buf[--k]);
}

static void append_nano(struct sbuf *b, int32_t nsec, int digits, char sep, bool trim)
{
	if (trim && nsec == 0)
		return;
	char buf[9];
	int32_t u = nsec;
	for (int i = 8; i >= 0; i--) {
		buf[i] = (char)('0' + u % 10);
		u /= 10;
	}
	if (digits > 9)
		digits = 9;
	int end = digits;
	if (trim) {
		end = 9;
		while (end > 0 && buf[end - 1] == '0')
			end--;
		if (end == 0)
			return;
	}
	sbuf_addc(b, sep);
	sbuf_add(b, buf, (size_t)end);
}

static void time_format(const struct gtime *t, const char *l, size_t n, struct sbuf *b)
{
	struct civil c;
	to_civil(t, &c);
	while (n > 0) {
		struct chunk ck;
		next_chunk(l, n, &ck);
		sbuf_add(b, l, ck.prefix);
		if (ck.std == STD_NONE)
			break;
		switch (ck.std) {
		case STD_YEAR: {
			int64_t y = c.year % 100;
			if (y < 0)
				y = -y;
			append_int(b, y, 2);
			break;
		}
		case STD_LONG_YEAR: append_int(b, c.year, 4); break;
		case STD_MONTH: sbuf_add(b, month_names[c.month - 1], 3); break;
		case STD_LONG_MONTH: sbuf_adds(b, month_names[c.month - 1]); break;
		case STD_NUM_MONTH: append_int(b, c.month, 0); break;
		case STD_ZERO_MONTH: append_int(b, c.month, 2); break;
		case STD_WEEKDAY: sbuf_add(b, day_names[c.wday], 3); break;
		case STD_LONG_WEEKDAY: sbuf_adds(b, day_names[c.wday]); break;
		case STD_DAY: append_int(b, c.day, 0); break;
		case STD_UNDER_DAY:
			if (c.day < 10)
				sbuf_addc(b, ' ');
			append_int(b, c.day, 0);
			break;
		case STD_ZERO_DAY: append_int(b, c.day, 2); break;
		case STD_UNDER_YEARDAY:
			if (c.yday < 100) {
				sbuf_addc(b, ' ');
				if (c.yday < 10)
					sbuf_addc(b, ' ');
			}
			append_int(b, c.yday, 0);
			break;
		case STD_ZERO_YEARDAY: append_int(b, c.yday, 3); break;
		case STD_HOUR: append_int(b, c.hour, 2); break;
		case STD_HOUR12: append_int(b, c.hour % 12 == 0 ? 12 : c.hour % 12, 0); break;
		case STD_ZERO_HOUR12: append_int(b, c.hour % 12 == 0 ? 12 : c.hour % 12, 2); break;
		case STD_MINUTE: append_int(b, c.min, 0); break;
		case STD_ZERO_MINUTE: append_int(b, c.min, 2); break;
		case STD_SECOND: append_int(b, c.sec, 0); break;
		case STD_ZERO_SECOND: append_int(b, c.sec, 2); break;
		case STD_PM: sbuf_adds(b, c.hour >= 12 ? "PM" : "AM"); break;
		case STD_pm: sbuf_adds(b, c.hour >= 12 ? "pm" : "am"); break;
		case STD_ISO_TZ: case STD_ISO_COLON_TZ: case STD_ISO_SECONDS_TZ: case STD_ISO_SHORT_TZ:
		case STD_ISO_COLON_SECONDS_TZ: case STD_NUM_TZ: case STD_NUM_COLON_TZ:
		case STD_NUM_SECONDS_TZ: case STD_NUM_SHORT_TZ: case STD_NUM_COLON_SECONDS_TZ: {
			bool iso = ck.std >= STD_ISO_TZ && ck.std <= STD_ISO_COLON_SECONDS_TZ;
			if (t->off == 0 && iso) {
				sbuf_addc(b, 'Z');
				break;
			}
			int32_t zone = t->off / 60, abs = t->off;
			if (zone < 0) {
				sbuf_addc(b, '-');
				zone = -zone;
				abs = -abs;
			} else {
				sbuf_addc(b, '+');
			}
			append_int(b, zone / 60, 2);
			bool colon = ck.std == STD_ISO_COLON_TZ || ck.std == STD_NUM_COLON_TZ ||
				ck.std == STD_ISO_COLON_SECONDS_TZ || ck.std == STD_NUM_COLON_SECONDS_TZ;
			if (colon)
				sbuf_addc(b, ':');
			if (ck.std != STD_NUM_SHORT_TZ && ck.std != STD_ISO_SHORT_TZ)
				append_int(b, zone % 60, 2);
			if (ck.std == STD_ISO_SECONDS_TZ || ck.std == STD_NUM_SECONDS_TZ ||
			    ck.std == STD_NUM_COLON_SECONDS_TZ || ck.std == STD_ISO_COLON_SECONDS_TZ) {
				if (ck.std == STD_NUM_COLON_SECONDS_TZ || ck.std == STD_ISO_COLON_SECONDS_TZ)
					sbuf_addc(b, ':');
				append_int(b, abs % 60, 2);
			}
			break;
		}
		case STD_TZ:
			if (t->zone && *t->zone) {
				sbuf_adds(b, t->zone);
				break;
			} else {
				int32_t zone = t->off / 60;
				if (zone < 0) {
					sbuf_addc(b, '-');
					zone = -zone;
				} else {
					sbuf_addc(b, '+');
				}
				append_int(b, zone / 60, 2);
				append_int(b, zone % 60, 2);
			}
			break;
		case STD_FRAC0: append_nano(b, c.nsec, ck.frac, ck.sep, false); break;
		case STD_FRAC9: append_nano(b, c.nsec, ck.frac, ck.sep, true); break;
		default: break;
		}
		l += ck.prefix + ck.len;
		n -= ck.prefix + ck.len;
	}
}

/* ---- parsing (time.Parse) ---- */

static bool get_num(const char **s, size_t *n, int max, bool fixed, int *out)
{
	if (*n == 0 || **s < '0' || **s > '9')
		return false;
	int v = 0, k = 0;
	while (k < max && *n > 0 && **s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		(*s)++;
		(*n)--;
		k++;
	}
	if (fixed && k != max)
		return false;
	*out = v;
	return true;
}

static bool lookup_name(const char **s, size_t *n, const char *const *names, int count, bool abbrev,
	int *out)
{
	for (int i = 0; i < count; i++) {
		size_t k = abbrev ? 3 : strlen(names[i]);
		if (*n >= k && !strncasecmp(*s, names[i], k)) {
			*s += k;
			*n -= k;
			*out = i;
			return true;
		}
	}
	return false;
}

static int time_parse(struct arena *a, const char *layout, size_t ln, const char *value, size_t vn,
	struct gtime *out, char **err)
{
	const char *v = value, *l = layout;
	size_t n = vn, lrem = ln;
	int64_t year = 1;
	int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
	bool pm_set = false, pm = false, z_set = false;
	int32_t zoff = 0;
	const char *zname = NULL;
	size_t znamelen = 0;
	const char *elem_begin = l;
#define FAIL(elem, elen) do { \
		*err = arena_printf(a, "parsing time \"%.*s\" as \"%.*s\": cannot parse \"%.*s\" as \"%.*s\"", \
			(int)vn, value, (int)ln, layout, (int)n, v, (int)(elen), elem); \
		return -1; \
	} while (0)
	while (lrem > 0) {
		struct chunk ck;
		next_chunk(l, lrem, &ck);
		/* literal prefix must match (spaces are flexible in Go? no: exact) */
		for (size_t i = 0; i < ck.prefix; i++) {
			if (n == 0 || *v != l[i]) {
				const char *pre = l;
				*err = arena_printf(a, "parsing time \"%.*s\" as \"%.*s\": cannot parse \"%.*s\" as \"%.*s\"",
					(int)vn, value, (int)ln, layout, (int)n, v, (int)ck.prefix, pre);
				return -1;
			}
			v++;
			n--;
		}
		if (ck.std == STD_NONE)
			break;
		elem_begin = l + ck.prefix;
		size_t elen = ck.len;
		int x;
		switch (ck.std) {
		case STD_YEAR:
			if (n < 2)
				FAIL(elem_begin, elen);
			if (!get_num(&v, &n, 2, true, &x))
				FAIL(elem_begin, elen);
			year = x >= 69 ? x + 1900 : x + 2000;
			break;
		case STD_LONG_YEAR:
			if (n < 4 || !get_num(&v, &n, 4, true, &x))
				FAIL(elem_begin, elen);
			year = x;
			break;
		case STD_MONTH:
			if (!lookup_name(&v, &n, month_names, 12, true, &x))
				FAIL(elem_begin, elen);
			month = x + 1;
			break;
		case STD_LONG_MONTH:
			if (!lookup_name(&v, &n, month_names, 12, false, &x))
				FAIL(elem_begin, elen);
			month = x + 1;
			break;
		case STD_NUM_MONTH: case STD_ZERO_MONTH:
			if (!get_num(&v, &n, 2, ck.std == STD_ZERO_MONTH, &x) || x <= 0 || x > 12)
				FAIL(elem_begin, elen);
			month = x;
			break;
		case STD_WEEKDAY:
			if (!lookup_name(&v, &n, day_names, 7, true, &x))
				FAIL(elem_begin, elen);
			break;
		case STD_LONG_WEEKDAY:
			if (!lookup_name(&v, &n, day_names, 7, false, &x))
				FAIL(elem_begin, elen);
			break;
		case STD_DAY: case STD_UNDER_DAY: case STD_ZERO_DAY:
			if (ck.std == STD_UNDER_DAY && n > 0 && *v == ' ') {
				v++;
				n--;
			}
			if (!get_num(&v, &n, 2, ck.std == STD_ZERO_DAY, &x))
				FAIL(elem_begin, elen);
			day = x;
			break;
		case STD_UNDER_YEARDAY: case STD_ZERO_YEARDAY:
			while (ck.std == STD_UNDER_YEARDAY && n > 0 && *v == ' ') {
				v++;
				n--;
			}
			if (!get_num(&v, &n, 3, ck.std == STD_ZERO_YEARDAY, &x))
				FAIL(elem_begin, elen);
			yday = x;
			break;
		case STD_HOUR:
			if (!get_num(&v, &n, 2, false, &x) || x >= 24)
				FAIL(elem_begin, elen);
			hour = x;
			break;
		case STD_HOUR12: case STD_ZERO_HOUR12:
			if (!get_num(&v, &n, 2, ck.std == STD_ZERO_HOUR12, &x) || x > 12)
				FAIL(elem_begin, elen);
			hour = x;
			break;
		case STD_MINUTE: case STD_ZERO_MINUTE:
			if (!get_num(&v, &n, 2, ck.std == STD_ZERO_MINUTE, &x) || x >= 60)
				FAIL(elem_begin, elen);
			min = x;
			break;
		case STD_SECOND: case STD_ZERO_SECOND:
			if (!get_num(&v, &n, 2, ck.std == STD_ZERO_SECOND, &x) || x >= 60)
				FAIL(elem_begin, elen);
			sec = x;
			/* a fractional second in the value the layout does not spell */
			if (n >= 2 && (*v == '.' || *v == ',') && v[1] >= '0' && v[1] <= '9') {
				struct chunk nx;
				next_chunk(l + ck.prefix + ck.len, lrem - ck.prefix - ck.len, &nx);
				if (nx.std != STD_FRAC0 && nx.std != STD_FRAC9) {
					v++;
					n--;
					int digits = 0;
					int32_t ns = 0;
					while (n > 0 && *v >= '0' && *v <= '9') {
						if (digits < 9) {
							ns = ns * 10 + (*v - '0');
							digits++;
						}
						v++;
						n--;
					}
					while (digits++ < 9)
						ns *= 10;
					nsec = ns;
				}
			}
			break;
		case STD_PM: case STD_pm:
			if (n < 2)
				FAIL(elem_begin, elen);
			if (!strncmp(v, ck.std == STD_PM ? "PM" : "pm", 2))
				pm = true;
			else if (strncmp(v, ck.std == STD_PM ? "AM" : "am", 2))
				FAIL(elem_begin, elen);
			pm_set = true;
			v += 2;
			n -= 2;
			break;
		case STD_ISO_TZ: case STD_ISO_COLON_TZ: case STD_ISO_SECONDS_TZ: case STD_ISO_SHORT_TZ:
		case STD_ISO_COLON_SECONDS_TZ:
			if (n >= 1 && *v == 'Z') {
				v++;
				n--;
				z_set = true;
				zoff = 0;
				break;
			}
			/* fall through */
		case STD_NUM_TZ: case STD_NUM_COLON_TZ: case STD_NUM_SECONDS_TZ: case STD_NUM_SHORT_TZ:
		case STD_NUM_COLON_SECONDS_TZ: {
			if (n < 3 || (*v != '+' && *v != '-'))
				FAIL(elem_begin, elen);
			int sign = *v == '-' ? -1 : 1;
			v++;
			n--;
			int hh, mm = 0, ss = 0;
			if (!get_num(&v, &n, 2, true, &hh))
				FAIL(elem_begin, elen);
			bool colon = ck.std == STD_ISO_COLON_TZ || ck.std == STD_NUM_COLON_TZ ||
				ck.std == STD_ISO_COLON_SECONDS_TZ || ck.std == STD_NUM_COLON_SECONDS_TZ;
			if (ck.std != STD_NUM_SHORT_TZ && ck.std != STD_ISO_SHORT_TZ) {
				if (colon) {
					if (n == 0 || *v != ':')
						FAIL(elem_begin, elen);
					v++;
					n--;
				}
				if (!get_num(&v, &n, 2, true, &mm))
					FAIL(elem_begin, elen);
			}
			if (ck.std == STD_ISO_SECONDS_TZ || ck.std == STD_NUM_SECONDS_TZ ||
			    ck.std == STD_NUM_COLON_SECONDS_TZ || ck.std == STD_ISO_COLON_SECONDS_TZ) {
				if (colon) {
					if (n == 0 || *v != ':')
						FAIL(elem_begin, elen);
					v++;
					n--;
				}
				if (!get_num(&v, &n, 2, true, &ss))
					FAIL(elem_begin, elen);
			}
			zoff = sign * (hh * 3600 + mm * 60 + ss);
			z_set = true;
			break;
		}
		case STD_TZ: {
			/* a zone abbreviation: three or more upper-case letters */
			size_t k = 0;
			while (k < n && v[k] >= 'A' && v[k] <= 'Z')
				k++;
			if (k < 3 && !(n >= 3 && !strncmp(v, "UTC", 3)))
				FAIL(elem_begin, elen);
			zname = v;
			znamelen = k;
			v += k;
			n -= k;
			break;
		}
		case STD_FRAC0: case STD_FRAC9: {
			if (n == 0 || *v != ck.sep) {
				if (ck.std == STD_FRAC9)
					break;
				FAIL(elem_begin, elen);
			}
			v++;
			n--;
			int digits = 0;
			int32_t ns = 0;
			int want = ck.std == STD_FRAC0 ? ck.frac : 9;
			while (n > 0 && *v >= '0' && *v <= '9' && (ck.std == STD_FRAC9 || digits < want)) {
				if (digits < 9) {
					ns = ns * 10 + (*v - '0');
				}
				digits++;
				v++;
				n--;
			}
			if (ck.std == STD_FRAC0 && digits != want)
				FAIL(elem_begin, elen);
			for (int d = digits; d < 9; d++)
				ns *= 10;
			nsec = ns;
			break;
		}
		default:
			break;
		}
		l += ck.prefix + ck.len;
		lrem -= ck.prefix + ck.len;
	}
#undef FAIL
	if (n > 0) {
		*err = arena_printf(a, "parsing time \"%.*s\": extra text: \"%.*s\"", (int)vn, value, (int)n, v);
		return -1;
	}
	if (pm_set) {
		if (pm && hour < 12)
			hour += 12;
		else if (!pm && hour == 12)
			hour = 0;
	}
	if (yday >= 0) {
		int64_t d0 = days_from_civil(year, 1, 1) + yday - 1;
		int64_t yy;
		unsigned mm, dd;
		civil_from_days(d0, &yy, &mm, &dd);
		if (month < 0)
			month = (int)mm;
		if (day < 0)
			day = (int)dd;
	}
	if (month < 0)
		month = 1;
	if (day < 0)
		day = 1;
	/* day in range for the month */
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int maxd = mdays[month - 1];
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		maxd = 29;
	if (day < 1 || day > maxd) {
		*err = arena_printf(a, "parsing time \"%.*s\": day out of range", (int)vn, value);
		return -1;
	}
	int64_t days = days_from_civil(year, (unsigned)month, (unsigned)day);
	int64_t local = days * 86400 + hour * 3600 + min * 60 + sec;
	memset(out, 0, sizeof *out);
	out->nsec = nsec;
	if (z_set) {
		out->sec = local - zoff;
		out->off = zoff;
		out->zone = zoff == 0 ? "UTC" : "";
	} else if (zname) {
		out->sec = local;
		out->off = 0;
		out->zone = (znamelen == 3 && !strncmp(zname, "UTC", 3)) ? "UTC"
			: arena_strndup(a, zname, znamelen);
	} else {
		out->sec = local;
		out->off = 0;
		out->zone = "UTC";
	}
	return 0;
}

/* ---- durations ---- */

/* time.ParseDuration with Go's error text in *err. */
static bool parse_duration(struct arena *a, const char *s, size_t n, int64_t *out, char **err)
{
	size_t u, ul;
	enum go_duration why = go_parse_duration(s, n, out, &u, &ul);
	if (why == GO_DURATION_OK)
		return true;
	struct sbuf q = SBUF_INIT, unit = SBUF_INIT;
	go_quote(&q, s, n, '"', false, false);
	if (why == GO_DURATION_BAD_UNIT) {
		go_quote(&unit, s + u, ul, '"', false, false);
		*err = arena_printf(a, "time: unknown unit %s in duration %s", unit.buf, q.buf);
	} else {
		*err = arena_printf(a, "time: %s duration %s",
			why == GO_DURATION_NO_UNIT ? "missing unit in" : "invalid", q.buf);
	}
	sbuf_release(&q);
	sbuf_release(&unit);
	return false;
}

/* ---- the clock ---- */

static struct gtime now(struct gt_call *c)
{
	struct gt_set *s = gt_call_set(c);
	while (s->parent)
		s = s->parent;
	struct gtime t = { s->clock, 0, 0, "UTC" };
	return t;
}

static struct gt_value time_value(struct gt_call *c, struct gtime t)
{
	struct gtime *p = arena_alloc(gt_call_arena(c), sizeof *p);
	*p = t;
	return gt_obj(&sp_time_class, p);
}

/* the time a Sprig date function was given (time.Time, int, int64, int32) */
static bool date_arg(struct gt_call *c, struct gt_value v, struct gtime *t, bool with_int32)
{
	if (v.t == &sp_time_class.type || (v.t == &sp_time_ptr_class.type && v.o)) {
		*t = *(struct gtime *)v.o;
		return true;
	}
	if (v.t == &gt_t_int64 || v.t == &gt_t_int || (with_int32 && v.t == &gt_t_int32)) {
		struct gtime r = { v.i, 0, 0, "UTC" };
		*t = r;
		return true;
	}
	*t = now(c);
	gt_warn_nondeterministic(c, SP_NONDET_CLOCK, "the clock is fixed at SOURCE_DATE_EPOCH");
	return false;
}

static struct gtime in_zone(struct gt_call *c, struct gtime t, struct gt_value zone)
{
	if (!(zone.s.n == 0 || (zone.s.n == 3 && !memcmp(zone.s.p, "UTC", 3)) ||
	      (zone.s.n == 5 && !memcmp(zone.s.p, "Local", 5))))
	{
		struct srcpos pos = gt_call_pos(c);
		diag_warn(&gt_call_ctx(c)->diag, &pos, "time zone %.*s is not loaded; UTC used",
			(int)zone.s.n, zone.s.p);
	}
	t.off = 0;
	t.zone = "UTC";
	return t;
}

SP_FN(d_date_in_zone)
{
	(void)n;
	struct gtime t;
	date_arg(c, a[1], &t, true);
	t = in_zone(c, t, a[2]);
	struct sbuf sb = SBUF_INIT;
	time_format(&t, a[0].s.p, a[0].s.n, &sb);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(d_date)
{
	(void)n;
	struct gt_value args[3] = { a[0], a[1], gt_cstring("Local") };
	return d_date_in_zone(c, args, 3, ret);
}

SP_FN(d_html_date)
{
	(void)n;
	struct gt_value args[3] = { gt_cstring("2006-01-02"), a[0], gt_cstring("Local") };
	return d_date_in_zone(c, args, 3, ret);
}

SP_FN(d_html_date_in_zone)
{
	(void)n;
	struct gt_value args[3] = { gt_cstring("2006-01-02"), a[0], a[1] };
	return d_date_in_zone(c, args, 3, ret);
}

SP_FN(d_now)
{
	(void)a, (void)n;
	gt_warn_nondeterministic(c, SP_NONDET_CLOCK, "the clock is fixed at SOURCE_DATE_EPOCH");
	*ret = time_value(c, now(c));
	return 0;
}

static struct gtime add_duration(struct gtime t, int64_t d)
{
	int64_t ns = t.nsec + d % 1000000000;
	t.sec += d / 1000000000 + floordiv(ns, 1000000000);
	t.nsec = (int32_t)(ns - floordiv(ns, 1000000000) * 1000000000);
	return t;
}

SP_FN(d_date_modify)
{
	(void)n;
	struct gtime t = *(struct gtime *)a[1].o;
	int64_t d;
	char *err;
	if (!parse_duration(gt_call_arena(c), a[0].s.p, a[0].s.n, &d, &err)) {
		*ret = a[1];
		return 0;
	}
	*ret = time_value(c, add_duration(t, d));
	return 0;
}

SP_FN(d_must_date_modify)
{
	(void)n;
	struct gtime t = *(struct gtime *)a[1].o;
	int64_t d;
	char *err;
	if (!parse_duration(gt_call_arena(c), a[0].s.p, a[0].s.n, &d, &err))
		return gt_call_errorf(c, "%s", err);
	*ret = time_value(c, add_duration(t, d));
	return 0;
}

static int64_t since(struct gt_call *c, struct gtime t)
{
	struct gtime nw = now(c);
	return (nw.sec - t.sec) * 1000000000 + (nw.nsec - t.nsec);
}

SP_FN(d_ago)
{
	(void)n;
	struct gtime t;
	if (!date_arg(c, a[0], &t, false))
		t = now(c);
	gt_warn_nondeterministic(c, SP_NONDET_CLOCK, "the clock is fixed at SOURCE_DATE_EPOCH");
	int64_t d = since(c, t);
	/* Round(time.Second): half away from zero */
	int64_t r = d % 1000000000;
	if (r < 0)
		r = -r;
	int64_t q = d - (d % 1000000000);
	if (r + r >= 1000000000)
		q += d < 0 ? -1000000000 : 1000000000;
	struct sbuf sb = SBUF_INIT;
	gt_duration_string(&sb, q);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(d_duration)
{
	(void)n;
	int64_t secs = 0;
	if (a[0].t == &gt_t_string) {
		int64_t v = 0;
		/* strconv.ParseInt(value, 10, 64), errors give 0 */
		const char *s = a[0].s.p;
		size_t len = a[0].s.n, i = 0;
		bool neg = false, ok = len > 0;
		if (len && (s[0] == '+' || s[0] == '-')) {
			neg = s[0] == '-';
			i = 1;
			ok = len > 1;
		}
		uint64_t u = 0;
		for (; ok && i < len; i++) {
			if (s[i] < '0' || s[i] > '9' || u > (UINT64_MAX - 9) / 10) {
				ok = false;
				break;
			}
			u = u * 10 + (uint64_t)(s[i] - '0');
		}
		if (ok && u <= (uint64_t)INT64_MAX)
			v = neg ? -(int64_t)u : (int64_t)u;
		else if (ok)
			v = neg ? INT64_MIN : INT64_MAX;
		secs = v;
	} else if (a[0].t == &gt_t_int64) {
		secs = a[0].i;
	}
	struct sbuf sb = SBUF_INIT;
	gt_duration_string(&sb, (int64_t)((uint64_t)secs * 1000000000ULL));
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(d_duration_round)
{
	(void)n;
	int64_t d = 0;
	if (a[0].t == &gt_t_string) {
		char *err;
		if (!parse_duration(gt_call_arena(c), a[0].s.p, a[0].s.n, &d, &err))
			d = 0;
	} else if (a[0].t == &gt_t_int64) {
		d = a[0].i;
	} else if (a[0].t == &sp_time_class.type) {
		gt_warn_nondeterministic(c, SP_NONDET_CLOCK, "the clock is fixed at SOURCE_DATE_EPOCH");
		d = since(c, *(struct gtime *)a[0].o);
	}
	uint64_t u = (uint64_t)d;
	if (d < 0)
		u = -u;
	const uint64_t hour = 3600000000000ULL, year = hour * 24 * 365, month = hour * 24 * 30,
		day = hour * 24, minute = 60000000000ULL, second = 1000000000ULL;
	struct sbuf sb = SBUF_INIT;
	if (u > year)
		sbuf_printf(&sb, "%lluy", (unsigned long long)(u / year));
	else if (u > month)
		sbuf_printf(&sb, "%llumo", (unsigned long long)(u / month));
	else if (u > day)
		sbuf_printf(&sb, "%llud", (unsigned long long)(u / day));
	else if (u > hour)
		sbuf_printf(&sb, "%lluh", (unsigned long long)(u / hour));
	else if (u > minute)
		sbuf_printf(&sb, "%llum", (unsigned long long)(u / minute));
	else if (u > second)
		sbuf_printf(&sb, "%llus", (unsigned long long)(u / second));
	else
		sbuf_adds(&sb, "0s");
	return sp_ret_sbuf(c, ret, &sb);
}

static const struct gtime zero_time = { -62135596800LL, 0, 0, "UTC" };

SP_FN(d_to_date)
{
	(void)n;
	struct gtime t;
	char *err;
	if (time_parse(gt_call_arena(c), a[0].s.p, a[0].s.n, a[1].s.p, a[1].s.n, &t, &err))
		t = zero_time;
	*ret = time_value(c, t);
	return 0;
}

SP_FN(d_must_to_date)
{
	(void)n;
	struct gtime t;
	char *err;
	if (time_parse(gt_call_arena(c), a[0].s.p, a[0].s.n, a[1].s.p, a[1].s.n, &t, &err))
		return gt_call_errorf(c, "%s", err);
	*ret = time_value(c, t);
	return 0;
}

SP_FN(d_unix_epoch)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	sbuf_printf(&sb, "%lld", (long long)((struct gtime *)a[0].o)->sec);
	return sp_ret_sbuf(c, ret, &sb);
}

/* ---- time.Time's methods ---- */

static struct gtime *tself(struct gt_call *c)
{
	return gt_call_self(c);
}

#define CIVIL_FN(name, expr) \
	SP_FN(name) \
	{ \
		(void)a, (void)n; \
		struct civil cv; \
		to_civil(tself(c), &cv); \
		*ret = (expr); \
		return 0; \
	}
CIVIL_FN(t_year, gt_int(cv.year))
CIVIL_FN(t_month, gt_typed_int(&gt_t_month, cv.month))
CIVIL_FN(t_day, gt_int(cv.day))
CIVIL_FN(t_hour, gt_int(cv.hour))
CIVIL_FN(t_minute, gt_int(cv.min))
CIVIL_FN(t_second, gt_int(cv.sec))
CIVIL_FN(t_nanosecond, gt_int(cv.nsec))
CIVIL_FN(t_weekday, gt_typed_int(&gt_t_weekday, cv.wday))
CIVIL_FN(t_yearday, gt_int(cv.yday))

SP_FN(t_unix) { (void)a, (void)n; *ret = gt_int64(tself(c)->sec); return 0; }
SP_FN(t_unixnano)
{
	(void)a, (void)n;
	*ret = gt_int64((int64_t)((uint64_t)tself(c)->sec * 1000000000ULL + (uint64_t)tself(c)->nsec));
	return 0;
}
SP_FN(t_iszero)
{
	(void)a, (void)n;
	*ret = gt_bool(tself(c)->sec == zero_time.sec && tself(c)->nsec == 0);
	return 0;
}

SP_FN(t_format)
{
	(void)n;
	struct sbuf sb = SBUF_INIT;
	time_format(tself(c), a[0].s.p, a[0].s.n, &sb);
	return sp_ret_sbuf(c, ret, &sb);
}

static void tstring(void *o, struct sbuf *out)
{
	static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
	time_format(o, layout, sizeof layout - 1, out);
}

SP_FN(t_string)
{
	(void)a, (void)n;
	struct sbuf sb = SBUF_INIT;
	tstring(tself(c), &sb);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(t_utc)
{
	(void)a, (void)n;
	struct gtime t = *tself(c);
	t.off = 0;
	t.zone = "UTC";
	*ret = time_value(c, t);
	return 0;
}

SP_FN(t_add)
{
	(void)n;
	*ret = time_value(c, add_duration(*tself(c), a[0].i));
	return 0;
}

SP_FN(t_adddate)
{
	(void)n;
	struct gtime t = *tself(c);
	struct civil cv;
	to_civil(&t, &cv);
	int64_t y = cv.year + a[0].i, m = (int64_t)cv.month - 1 + a[1].i;
	y += floordiv(m, 12);
	m -= floordiv(m, 12) * 12;
	int64_t days = days_from_civil(y, (unsigned)m + 1, 1) + (int64_t)cv.day - 1 + a[2].i;
	int64_t local = days * 86400 + cv.hour * 3600 + cv.min * 60 + cv.sec;
	t.sec = local - t.off;
	*ret = time_value(c, t);
	return 0;
}

SP_FN(t_sub)
{
	(void)n;
	struct gtime *o = a[0].o;
	*ret = gt_typed_int(&gt_t_duration,
		(tself(c)->sec - o->sec) * 1000000000 + (tself(c)->nsec - o->nsec));
	return 0;
}

static int tcmp(const struct gtime *x, const struct gtime *y)
{
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->nsec < y->nsec ? -1 : x->nsec > y->nsec;
}

SP_FN(t_before) { (void)n; *ret = gt_bool(tcmp(tself(c), a[0].o) < 0); return 0; }
SP_FN(t_after) { (void)n; *ret = gt_bool(tcmp(tself(c), a[0].o) > 0); return 0; }
SP_FN(t_equal) { (void)n; *ret = gt_bool(tcmp(tself(c), a[0].o) == 0); return 0; }

static struct gt_value tdata(void *o, struct arena *a)
{
	/* time.Time marshals as RFC 3339 with nanoseconds */
	static const char layout[] = "2006-01-02T15:04:05.999999999Z07:00";
	struct sbuf sb = SBUF_INIT;
	time_format(o, layout, sizeof layout - 1, &sb);
	struct gt_value v = gt_sbuf_value(a, &sb);
	sbuf_release(&sb);
	return v;
}

#define TT (&sp_time_class.type)
#define DUR (&gt_t_duration)

static const struct gt_func time_methods[] = {
	{ "Year", t_year, 0, false, { NULL }, NULL },
	{ "Month", t_month, 0, false, { NULL }, NULL },
	{ "Day", t_day, 0, false, { NULL }, NULL },
	{ "Hour", t_hour, 0, false, { NULL }, NULL },
	{ "Minute", t_minute, 0, false, { NULL }, NULL },
	{ "Second", t_second, 0, false, { NULL }, NULL },
	{ "Nanosecond", t_nanosecond, 0, false, { NULL }, NULL },
	{ "Weekday", t_weekday, 0, false, { NULL }, NULL },
	{ "YearDay", t_yearday, 0, false, { NULL }, NULL },
	{ "Unix", t_unix, 0, false, { NULL }, NULL },
	{ "UnixNano", t_unixnano, 0, false, { NULL }, NULL },
	{ "IsZero", t_iszero, 0, false, { NULL }, NULL },
	{ "Format", t_format, 1, false, { S }, NULL },
	{ "String", t_string, 0, false, { NULL }, NULL },
	{ "UTC", t_utc, 0, false, { NULL }, NULL },
	{ "Local", t_utc, 0, false, { NULL }, NULL },
	{ "Add", t_add, 1, false, { DUR }, NULL },
	{ "AddDate", t_adddate, 3, false, { &gt_t_int, &gt_t_int, &gt_t_int }, NULL },
	{ "Sub", t_sub, 1, false, { TT }, NULL },
	{ "Before", t_before, 1, false, { TT }, NULL },
	{ "After", t_after, 1, false, { TT }, NULL },
	{ "Equal", t_equal, 1, false, { TT }, NULL },
};

const struct gt_class sp_time_class = {
	{ GT_OBJ, 1, 0, "time.Time", NULL }, NULL, time_methods,
	sizeof time_methods / sizeof time_methods[0], tstring, tdata,
};

const struct gt_class sp_time_ptr_class = {
	{ GT_OBJ, 1, 0, "*time.Time", NULL }, NULL, time_methods,
	sizeof time_methods / sizeof time_methods[0], tstring, tdata,
};

const struct gt_func sprig_date_funcs[] = {
	{ "ago", d_ago, 1, false, { NULL }, NULL },
	{ "date", d_date, 2, false, { S, NULL }, NULL },
	{ "date_in_zone", d_date_in_zone, 3, false, { S, NULL, S }, NULL },
	{ "date_modify", d_date_modify, 2, false, { S, TT }, NULL },
	{ "dateInZone", d_date_in_zone, 3, false, { S, NULL, S }, NULL },
	{ "dateModify", d_date_modify, 2, false, { S, TT }, NULL },
	{ "duration", d_duration, 1, false, { NULL }, NULL },
	{ "durationRound", d_duration_round, 1, false, { NULL }, NULL },
	{ "htmlDate", d_html_date, 1, false, { NULL }, NULL },
	{ "htmlDateInZone", d_html_date_in_zone, 2, false, { NULL, S }, NULL },
	{ "must_date_modify", d_must_date_modify, 2, false, { S, TT }, NULL },
	{ "mustDateModify", d_must_date_modify, 2, false, { S, TT }, NULL },
	{ "mustToDate", d_must_to_date, 2, false, { S, S }, NULL },
	{ "now", d_now, 0, false, { NULL }, NULL },
	{ "toDate", d_to_date, 2, false, { S, S }, NULL },
	{ "unixEpoch", d_unix_epoch, 1, false, { TT }, NULL },
};

const size_t sprig_date_nfuncs = sizeof sprig_date_funcs / sizeof sprig_date_funcs[0];

/* for the TOML decoder */
struct gt_value sp_time_from(struct arena *a, int64_t sec, int32_t nsec, int32_t off, const char *zone);
int64_t sp_days_from_civil(int64_t y, unsigned m, unsigned d);

struct gt_value sp_time_from(struct arena *a, int64_t sec, int32_t nsec, int32_t off, const char *zone)
{
	struct gtime *p = arena_alloc(a, sizeof *p);
	p->sec = sec;
	p->nsec = nsec;
	p->off = off;
	p->zone = zone;
	return gt_obj(&sp_time_class, p);
}

int64_t sp_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return days_from_civil(y, m, d);
}
