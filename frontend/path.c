/*
 * path.c - lexical path operations: Go's path.Clean (filepath.Clean is the
 * same on Linux), directory, containment and relative forms.
 *
 * Every tool we mirror cleans paths with Go's algorithm, so there is one
 * implementation, on byte ranges, and everything cleans through it: the
 * vfs and the frontends (path_clean joins and returns a C string), Sprig's
 * clean, dir, osClean and osDir (path_clean_into, into an arena).
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
