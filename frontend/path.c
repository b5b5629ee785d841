/*
 * path.c - lexical path operations: Go's path.Clean and path.Match
 * (filepath's are the same on Linux), directory, containment and relative
 * forms.
 *
 * Every tool we mirror cleans paths with Go's algorithm, so there is one
 * implementation, on byte ranges, and everything cleans through it: the
 * vfs and the frontends (path_clean joins and returns a C string), Sprig's
 * clean, dir, osClean and osDir (path_clean_into, into an arena).
 * path_match is Go's Match, ported with its chunk-by-chunk algorithm (a
 * star never crosses '/', `\` escapes, classes with ranges and '^', and
 * ErrBadPattern for a malformed rest of the pattern even when the name
 * already failed): .helmignore, `helm template --show-only`, Argo CD's git
 * directory generator and its filepath.Glob calls all match through it.
 */
#include <string.h>

#include "mc/frontend.h"

size_t path_clean_into(const char *p, size_t n, char *out)
{
	bool rooted = n > 0 && p[0] == '/';
	size_t w = 0, r = 0, dotdot = 0; /* dotdot: prefix of out that is "../.." */
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && p[r] != '/')
				out[w++] = p[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	return w;
}

char *path_clean(const char *base, const char *path)
{
	struct sbuf in = SBUF_INIT;
	if (base && path[0] != '/') {
		sbuf_adds(&in, base);
		sbuf_addc(&in, '/');
	}
	sbuf_adds(&in, path);
	char *out = xmalloc(in.len + 2);
	out[path_clean_into(in.buf, in.len, out)] = '\0';
	sbuf_release(&in);
	return out;
}

char *path_dir(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *path_rel(const char *base, const char *path)
{
	if (!base || !path_within(path, base))
		return path;
	size_t n = strlen(base);
	if (path[n] == '\0')
		return ".";
	return path + n + 1;
}

/* ---- path.Match ---- */

/* Scan the next chunk: leading stars, then up to an unescaped '*' outside
 * a class. */
static const char *scan_chunk(const char *p, const char *pe, bool *star, const char **ce)
{
	*star = false;
	while (p < pe && *p == '*') {
		p++;
		*star = true;
	}
	bool inrange = false;
	const char *q = p;
	for (; q < pe; q++) {
		if (*q == '\\') {
			if (q + 1 < pe)
				q++;
		} else if (*q == '[') {
			inrange = true;
		} else if (*q == ']') {
			inrange = false;
		} else if (*q == '*' && !inrange) {
			break;
		}
	}
	*ce = q;
	return p;
}

/* getEsc: one possibly escaped character of a class; -1 on a bad pattern. */
static int get_esc(const char **pp, const char *pe, uint32_t *r)
{
	const char *p = *pp;
	if (p >= pe || *p == '-' || *p == ']')
		return -1;
	if (*p == '\\') {
		p++;
		if (p >= pe)
			return -1;
	}
	size_t n = utf8_decode(p, (size_t)(pe - p), r);
	int bad = (*r == 0xFFFD && n == 1) ? -1 : 0;
	p += n;
	if (p >= pe)
		bad = -1;
	*pp = p;
	return bad;
}

/* matchChunk: 1 and *rest on a match, 0 no match, -1 bad pattern. */
static int match_chunk(const char *c, const char *ce, const char *s, const char *se,
	const char **rest)
{
	bool failed = false;
	while (c < ce) {
		if (!failed && s >= se)
			failed = true;
		if (*c == '[') {
			uint32_t r = 0;
			if (!failed)
				s += utf8_decode(s, (size_t)(se - s), &r);
			c++;
			bool negated = false;
			if (c < ce && *c == '^') {
				negated = true;
				c++;
			}
			bool match = false;
			int nrange = 0;
			for (;;) {
				if (c < ce && *c == ']' && nrange > 0) {
					c++;
					break;
				}
				uint32_t lo, hi;
				if (get_esc(&c, ce, &lo))
					return -1;
				hi = lo;
				if (*c == '-') {
					c++;
					if (get_esc(&c, ce, &hi))
						return -1;
				}
				if (lo <= r && r <= hi)
					match = true;
				nrange++;
			}
			if (match == negated)
				failed = true;
		} else if (*c == '?') {
			if (!failed) {
				if (*s == '/')
					failed = true;
				uint32_t r;
				s += utf8_decode(s, (size_t)(se - s), &r);
			}
			c++;
		} else {
			if (*c == '\\') {
				c++;
				if (c >= ce)
					return -1;
			}
			if (!failed) {
				if (*c != *s)
					failed = true;
				s++;
			}
			c++;
		}
	}
	if (failed)
		return 0;
	*rest = s;
	return 1;
}

int path_match(const char *pattern, const char *name)
{
	const char *p = pattern, *pe = pattern + strlen(pattern);
	const char *s = name, *se = name + strlen(name);
	while (p < pe) {
		bool star;
		const char *ce;
		const char *c = scan_chunk(p, pe, &star, &ce);
		p = ce;
		if (star && c == ce)
			return memchr(s, '/', (size_t)(se - s)) == NULL;
		const char *t;
		int m = match_chunk(c, ce, s, se, &t);
		if (m == 1 && (t == se || p < pe)) {
			s = t;
			continue;
		}
		if (m < 0)
			return -1;
		bool advanced = false;
		if (star) {
			for (const char *i = s; i < se && *i != '/'; i++) {
				m = match_chunk(c, ce, i + 1, se, &t);
				if (m == 1) {
					if (p == pe && t < se)
						continue;
					s = t;
					advanced = true;
					break;
				}
				if (m < 0)
					return -1;
			}
		}
		if (advanced)
			continue;
		while (p < pe) {
			c = scan_chunk(p, pe, &star, &ce);
			p = ce;
			if (match_chunk(c, ce, "", "", &t) < 0)
				return -1;
		}
		return 0;
	}
	return s == se;
}
