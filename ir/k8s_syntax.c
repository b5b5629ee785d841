/*
 * k8s_syntax.c - the syntax of Kubernetes values that the API server checks
 * by hand: names (DNS labels and subdomains, qualified names, port names,
 * path segments), label values, ConfigMap keys, resource quantities, plus
 * the formats JSON Schema leaves to implementations (RFC 3339 times, Go
 * and ISO 8601 durations, base64).
 *
 * Each is a small hand-written recogniser that follows the Go function it
 * mirrors (k8s.io/apimachinery/pkg/util/validation, resource.ParseQuantity,
 * time.ParseDuration, encoding/base64) instead of a regex, so the checks
 * cost nothing per value; the messages are the API server's.
 */
#include <string.h>

#include "mc/validate.h"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? */
static bool label_chars(const char *s, size_t n)
{
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static const char label_msg[] =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
static const char subdomain_msg[] =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
	"and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
	"validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const char *k8s_dns1123_label(const char *s, size_t n)
{
	if (n > 63)
		return "must be no more than 63 characters";
	return label_chars(s, n) ? NULL : label_msg;
}

const char *k8s_dns1123_subdomain(const char *s, size_t n)
{
	if (n > 253)
		return "must be no more than 253 characters";
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '.') {
			if (!label_chars(s + start, i - start))
				return subdomain_msg;
			start = i + 1;
		}
	return NULL;
}

const char *k8s_dns1035_label(const char *s, size_t n)
{
	if (n > 63)
		return "must be no more than 63 characters";
	if (!label_chars(s, n) || digit(s[0]))
		return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
		       "start with an alphabetic character, and end with an alphanumeric character "
		       "(e.g. 'my-name',  or 'abc-123', regex used for validation is "
		       "'[a-z]([-a-z0-9]*[a-z0-9])?')";
	return NULL;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool qualified_chars(const char *s, size_t n)
{
	if (n == 0 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static const char qname_msg[] =
	"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
	"with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
	"validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const char *k8s_qualified_name(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	const char *name = s;
	size_t nn = n;
	if (slash) {
		size_t pl = (size_t)(slash - s);
		name = slash + 1;
		nn = n - pl - 1;
		if (memchr(name, '/', nn))
			return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
			       "and must start and end with an alphanumeric character, with an optional "
			       "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
		if (pl == 0)
			return "prefix part must be non-empty";
		if (k8s_dns1123_subdomain(s, pl))
			return "prefix part must be a lowercase RFC 1123 subdomain (e.g. 'example.com')";
	}
	if (nn == 0)
		return "name part must be non-empty";
	if (nn > 63)
		return "name part must be no more than 63 characters";
	return qualified_chars(name, nn) ? NULL : qname_msg;
}

const char *k8s_label_value(const char *s, size_t n)
{
	if (n > 63)
		return "must be no more than 63 characters";
	if (n == 0 || qualified_chars(s, n))
		return NULL;
	return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
	       "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
	       "'my_value',  or '12345', regex used for validation is "
	       "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
}

const char *k8s_port_name(const char *s, size_t n)
{
	if (n < 1 || n > 15)
		return "must be no more than 15 characters";
	bool letter = false;
	for (size_t i = 0; i < n; i++) {
		if (!lower_alnum(s[i]) && s[i] != '-')
			return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-')
			return "must not contain consecutive hyphens";
	}
	if (!letter)
		return "must contain at least one letter (a-z)";
	if (s[0] == '-' || s[n - 1] == '-')
		return "must not begin or end with a hyphen";
	return NULL;
}

const char *k8s_path_segment_name(const char *s, size_t n)
{
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return "may not be '.' or '..'";
	if (memchr(s, '/', n))
		return "may not contain '/'";
	if (memchr(s, '%', n))
		return "may not contain '%'";
	return NULL;
}

const char *k8s_config_key(const char *s, size_t n)
{
	if (n > 253)
		return "must be no more than 253 characters";
	if (n == 0)
		return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
		       "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
		       "'[-._a-zA-Z0-9]+')";
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
			       "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation "
			       "is '[-._a-zA-Z0-9]+')";
	if (n == 1 && s[0] == '.')
		return "must not be '.'";
	if (n >= 2 && s[0] == '.' && s[1] == '.')
		return n == 2 ? "must not be '..'" : "must not start with '..'";
	return NULL;
}

/* resource.ParseQuantity: parseQuantityString, then the suffixer. */
const char *k8s_quantity(const char *s, size_t n)
{
	static const char bad[] =
		"quantities must match the regular expression "
		"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
	if (n == 0)
		return bad;
	size_t pos = 0;
	if (s[0] == '-' || s[0] == '+')
		pos++;
	while (pos < n && s[pos] == '0')
		pos++;
	if (pos >= n)
		return NULL;
	while (pos < n && digit(s[pos]))
		pos++;
	if (pos >= n)
		return NULL;
	if (s[pos] == '.') {
		pos++;
		while (pos < n && digit(s[pos]))
			pos++;
		if (pos >= n)
			return NULL;
	}
	size_t suf = pos;
	while (pos < n && strchr("eEinumkKMGTP", s[pos]))
		pos++;
	if (pos < n && (s[pos] == '-' || s[pos] == '+'))
		pos++;
	while (pos < n && digit(s[pos]))
		pos++;
	if (pos < n)
		return bad;
	const char *x = s + suf;
	size_t xl = n - suf;
	static const char *const known[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m",
		"k", "M", "G", "T", "P", "E" };
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i]) == xl && !memcmp(known[i], x, xl))
			return NULL;
	if (xl > 1 && (x[0] == 'e' || x[0] == 'E')) {
		/* strconv.ParseInt(suffix[1:], 10, 64) */
		size_t i = 1;
		if (x[i] == '+' || x[i] == '-')
			i++;
		if (i == xl)
			return "unable to parse quantity's suffix";
		for (size_t j = i; j < xl; j++)
			if (!digit(x[j]))
				return "unable to parse quantity's suffix";
		if (xl - i > 18)
			return "unable to parse quantity's suffix";
		return NULL;
	}
	return "unable to parse quantity's suffix";
}

const char *k8s_object_name(const char *group, const char *kind, const char *s, size_t n,
	bool prefix)
{
	char buf[256];
	if (prefix && n > 1 && s[n - 1] == '-' && n <= sizeof buf) {
		/* maskTrailingDash */
		memcpy(buf, s, n);
		buf[n - 1] = 'a';
		s = buf;
	}
	if (!strcmp(group, "rbac.authorization.k8s.io") &&
	    (!strcmp(kind, "Role") || !strcmp(kind, "ClusterRole") ||
	     !strcmp(kind, "RoleBinding") || !strcmp(kind, "ClusterRoleBinding")))
		return k8s_path_segment_name(s, n);
	if (!*group && !strcmp(kind, "Namespace"))
		return k8s_dns1123_label(s, n);
	if (!*group && !strcmp(kind, "Service"))
		return k8s_dns1035_label(s, n);
	if (!strcmp(group, "batch") && !strcmp(kind, "CronJob")) {
		const char *r = k8s_dns1123_subdomain(s, n);
		if (!r && n > 52)
			return "must be no more than 52 characters";
		return r;
	}
	return k8s_dns1123_subdomain(s, n);
}

/* time.ParseDuration */
const char *go_duration(const char *s, size_t n)
{
	int64_t d;
	size_t u, ul;
	switch (go_parse_duration(s, n, &d, &u, &ul)) {
	case GO_DURATION_OK: return NULL;
	case GO_DURATION_NO_UNIT: return "missing unit in duration";
	case GO_DURATION_BAD_UNIT: return "unknown unit in duration";
	default: return "invalid duration (Go syntax, e.g. 300ms, 1.5h, 2h45m)";
	}
}

/* ISO 8601 durations as santhosh-tekuri/jsonschema's "duration" format. */
const char *iso8601_duration(const char *s, size_t n)
{
	static const char bad[] = "invalid ISO 8601 duration";
	if (n < 2 || s[0] != 'P')
		return bad;
	size_t i = 1;
	bool time = false, any = false;
	const char *order = "YMWD";
	while (i < n) {
		if (s[i] == 'T') {
			if (time)
				return bad;
			time = true;
			order = "HMS";
			i++;
			if (i == n)
				return bad;
			continue;
		}
		size_t d = i;
		while (i < n && digit(s[i]))
			i++;
		if (i == d || i == n)
			return bad;
		const char *u = strchr(order, s[i]);
		if (!u)
			return bad;
		order = u + 1;
		i++;
		any = true;
	}
	return any ? NULL : bad;
}

static bool num2(const char *s, int *v)
{
	if (!digit(s[0]) || !digit(s[1]))
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

const char *rfc3339_date(const char *s, size_t n)
{
	static const char bad[] = "not a valid date (RFC 3339 full-date, YYYY-MM-DD)";
	int y1, y2, m, d;
	if (n != 10 || s[4] != '-' || s[7] != '-' || !num2(s, &y1) || !num2(s + 2, &y2) ||
	    !num2(s + 5, &m) || !num2(s + 8, &d))
		return bad;
	int y = y1 * 100 + y2;
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1)
		return bad;
	int md = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d > md ? bad : NULL;
}

const char *rfc3339_date_time(const char *s, size_t n)
{
	static const char bad[] = "not a valid date-time (RFC 3339, e.g. 2024-01-31T12:00:00Z)";
	if (n < 20 || rfc3339_date(s, 10) || (s[10] != 'T' && s[10] != 't'))
		return bad;
	int h, m, sec;
	if (!num2(s + 11, &h) || s[13] != ':' || !num2(s + 14, &m) || s[16] != ':' ||
	    !num2(s + 17, &sec) || h > 23 || m > 59 || sec > 60)
		return bad;
	size_t i = 19;
	if (i < n && s[i] == '.') {
		size_t f = ++i;
		while (i < n && digit(s[i]))
			i++;
		if (i == f)
			return bad;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z'))
		return i + 1 == n ? NULL : bad;
	int oh, om;
	if (n - i != 6 || (s[i] != '+' && s[i] != '-') || !num2(s + i + 1, &oh) || s[i + 3] != ':' ||
	    !num2(s + i + 4, &om) || oh > 23 || om > 59)
		return bad;
	return NULL;
}

/* encoding/base64.StdEncoding.DecodeString (not Strict): \r and \n are
 * skipped, quanta of 4, '=' only to complete the last quantum. */
const char *go_base64(const char *s, size_t n)
{
	size_t q = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			if (q % 4 < 2)
				return "illegal base64 data: misplaced padding";
			pad++;
			q++;
			continue;
		}
		if (pad || b64_digit(c) < 0)
			return "illegal base64 data";
		q++;
	}
	if (q % 4 != 0)
		return "illegal base64 data: length is not a multiple of 4";
	return NULL;
}
