/*
 * sprig_misc.c - Sprig's path, URL, network and random functions.
 *
 * Paths follow Go's path package (and path/filepath, identical on Linux).
 * urlParse and urlJoin follow net/url's parser and String method with its
 * escaping rules.  Random functions (randAlphaNum, uuidv4, shuffle ...)
 * draw from a generator seeded by the template set (gt_set_seed; by
 * default a hash of the templates), so output is reproducible here but not
 * under Helm, which uses crypto/rand: each use adds a warning.
 * getHostByName never touches the network: it fails (Helm's map returns
 * "", as helm template does without --enable-dns).
 */
#include <string.h>

#include "mc/frontend.h"
#include "sprig_impl.h"

#define S (&gt_t_string)
#define I (&gt_t_int)

/* ---- path ---- */

/* path.Clean of a string value, in the arena. */
static struct gt_value clean(struct arena *ar, struct gt_value p)
{
	char *out = arena_alloc(ar, p.s.n + 1);
	return gt_string(out, path_clean_into(p.s.p, p.s.n, out));
}

SP_FN(p_clean)
{
	(void)n;
	*ret = clean(gt_call_arena(c), a[0]);
	return 0;
}

SP_FN(p_base)
{
	(void)n, (void)c;
	struct gt_value p = a[0];
	if (p.s.n == 0) {
		*ret = gt_cstring(".");
		return 0;
	}
	size_t len = p.s.n;
	while (len > 0 && p.s.p[len - 1] == '/')
		len--;
	size_t st = 0;
	for (size_t i = len; i > 0; i--)
		if (p.s.p[i - 1] == '/') {
			st = i;
			break;
		}
	if (len == st && len == 0) {
		*ret = gt_cstring("/");
		return 0;
	}
	*ret = gt_string(p.s.p + st, len - st);
	return 0;
}

SP_FN(p_dir)
{
	(void)n;
	struct gt_value p = a[0];
	size_t i = p.s.n;
	while (i > 0 && p.s.p[i - 1] != '/')
		i--;
	*ret = clean(gt_call_arena(c), gt_string(p.s.p, i));
	return 0;
}

SP_FN(p_ext)
{
	(void)n, (void)c;
	struct gt_value p = a[0];
	for (size_t i = p.s.n; i > 0 && p.s.p[i - 1] != '/'; i--)
		if (p.s.p[i - 1] == '.') {
			*ret = gt_string(p.s.p + i - 1, p.s.n - i + 1);
			return 0;
		}
	*ret = gt_cstring("");
	return 0;
}

SP_FN(p_isabs)
{
	(void)n, (void)c;
	*ret = gt_bool(a[0].s.n > 0 && a[0].s.p[0] == '/');
	return 0;
}

/* ---- net/url ---- */

enum enc_mode { ENC_PATH, ENC_USER, ENC_HOST, ENC_FRAGMENT };

static bool should_escape(unsigned char c, enum enc_mode mode)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return false;
	if (mode == ENC_HOST && c < 0x80 && strchr("!$&'()*+,;=:[]<>\"", c))
		return false;
	if (c == '-' || c == '_' || c == '.' || c == '~')
		return false;
	if (c && strchr("$&+,/:;=?@", c)) {
		switch (mode) {
		case ENC_PATH: return c == '?';
		case ENC_USER: return c == '@' || c == '/' || c == '?' || c == ':';
		case ENC_FRAGMENT: return false;
		case ENC_HOST: break;
		}
	}
	if (mode == ENC_FRAGMENT && (c == '!' || c == '(' || c == ')' || c == '*'))
		return false;
	return true;
}

static void url_escape(struct sbuf *out, const char *s, size_t n, enum enc_mode mode)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (should_escape(c, mode)) {
			sbuf_addc(out, '%');
			sbuf_addc(out, hex[c >> 4]);
			sbuf_addc(out, hex[c & 15]);
		} else {
			sbuf_addc(out, (char)c);
		}
	}
}

/* url.unescape: false with the error text in *err */
static bool url_unescape(struct arena *ar, const char *s, size_t n, enum enc_mode mode,
	struct gt_value *out, const char **err)
{
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || hex_digit((unsigned char)s[i + 1]) < 0 || hex_digit((unsigned char)s[i + 2]) < 0) {
				size_t k = i + 3 <= n ? 3 : n - i;
				*err = arena_printf(ar, "invalid URL escape \"%.*s\"", (int)k, s + i);
				sbuf_release(&sb);
				return false;
			}
			int v = hex_digit((unsigned char)s[i + 1]) * 16 + hex_digit((unsigned char)s[i + 2]);
			if (mode == ENC_HOST && v < 0x80 && !(s[i + 1] == '2' && s[i + 2] == '5')) {
				*err = arena_printf(ar, "invalid URL escape \"%.*s\"", 3, s + i);
				sbuf_release(&sb);
				return false;
			}
			sbuf_addc(&sb, (char)v);
			i += 2;
		} else {
			if (mode == ENC_HOST && (unsigned char)s[i] < 0x80 &&
			    should_escape((unsigned char)s[i], ENC_HOST)) {
				*err = arena_printf(ar, "invalid character \"%c\" in host name", s[i]);
				sbuf_release(&sb);
				return false;
			}
			sbuf_addc(&sb, s[i]);
		}
	}
	*out = gt_sbuf_value(ar, &sb);
	sbuf_release(&sb);
	return true;
}

struct url {
	struct gt_value scheme, opaque, host, path, rawquery, fragment, user, pass;
	bool has_user, has_pass, force_query, omit_host;
};

static bool valid_optional_port(const char *p, size_t n)
{
	if (n == 0)
		return true;
	if (p[0] != ':')
		return false;
	for (size_t i = 1; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static bool parse_host(struct arena *ar, const char *h, size_t n, struct gt_value *out,
	const char **err)
{
	if (n > 0 && h[0] == '[') {
		const char *e = memchr(h, ']', n);
		if (!e) {
			*err = "missing ']' in host";
			return false;
		}
		size_t after = (size_t)(e - h) + 1;
		if (!valid_optional_port(h + after, n - after)) {
			*err = arena_printf(ar, "invalid port \"%.*s\" after host", (int)(n - after), h + after);
			return false;
		}
	} else {
		for (size_t i = n; i > 0; i--)
			if (h[i - 1] == ':') {
				if (!valid_optional_port(h + i - 1, n - i + 1)) {
					*err = arena_printf(ar, "invalid port \"%.*s\" after host",
						(int)(n - i + 1), h + i - 1);
					return false;
				}
				break;
			}
	}
	return url_unescape(ar, h, n, ENC_HOST, out, err);
}

static bool valid_userinfo(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (c && strchr("-._:~!$&'()*+,;=%@", c))
			continue;
		return false;
	}
	return true;
}

static bool url_parse(struct arena *ar, const char *raw, size_t n, struct url *u, const char **err)
{
	memset(u, 0, sizeof *u);
	u->scheme = u->opaque = u->host = u->path = u->rawquery = u->fragment = gt_string("", 0);
	const char *hash = memchr(raw, '#', n);
	size_t un = hash ? (size_t)(hash - raw) : n;
	for (size_t i = 0; i < un; i++)
		if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f) {
			*err = "net/url: invalid control character in URL";
			return false;
		}
	const char *rest = raw;
	size_t rn = un;
	if (un == 1 && raw[0] == '*') {
		u->path = gt_cstring("*");
		goto frag;
	}
	/* getScheme */
	for (size_t i = 0; i < un; i++) {
		char c = raw[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
			if (i == 0)
				break;
			continue;
		}
		if (c == ':') {
			if (i == 0) {
				*err = "missing protocol scheme";
				return false;
			}
			char *sc = arena_strndup(ar, raw, i);
			for (size_t k = 0; k < i; k++)
				if (sc[k] >= 'A' && sc[k] <= 'Z')
					sc[k] = (char)(sc[k] + 32);
			u->scheme = gt_string(sc, i);
			rest = raw + i + 1;
			rn = un - i - 1;
		}
		break;
	}
	size_t qcount = 0;
	for (size_t i = 0; i < rn; i++)
		qcount += rest[i] == '?';
	if (rn && rest[rn - 1] == '?' && qcount == 1) {
		u->force_query = true;
		rn--;
	} else {
		const char *q = memchr(rest, '?', rn);
		if (q) {
			u->rawquery = gt_string(q + 1, rn - (size_t)(q - rest) - 1);
			rn = (size_t)(q - rest);
		}
	}
	if (!(rn > 0 && rest[0] == '/')) {
		if (u->scheme.s.n) {
			u->opaque = gt_string(rest, rn);
			goto frag;
		}
		const char *sl = memchr(rest, '/', rn);
		size_t seg = sl ? (size_t)(sl - rest) : rn;
		if (memchr(rest, ':', seg)) {
			*err = "first path segment in URL cannot contain colon";
			return false;
		}
	}
	if ((u->scheme.s.n || !(rn >= 3 && !memcmp(rest, "///", 3))) && rn >= 2 && !memcmp(rest, "//", 2)) {
		const char *auth = rest + 2;
		size_t an = rn - 2;
		const char *sl = memchr(auth, '/', an);
		if (sl) {
			rest = sl;
			rn = an - (size_t)(sl - auth);
			an = (size_t)(sl - auth);
		} else {
			rest = auth + an;
			rn = 0;
		}
		size_t at = (size_t)-1;
		for (size_t i = an; i > 0; i--)
			if (auth[i - 1] == '@') {
				at = i - 1;
				break;
			}
		const char *h = at == (size_t)-1 ? auth : auth + at + 1;
		size_t hn = at == (size_t)-1 ? an : an - at - 1;
		if (!parse_host(ar, h, hn, &u->host, err))
			return false;
		if (at != (size_t)-1) {
			if (!valid_userinfo(auth, at)) {
				*err = "net/url: invalid userinfo";
				return false;
			}
			const char *colon = memchr(auth, ':', at);
			u->has_user = true;
			if (!colon) {
				if (!url_unescape(ar, auth, at, ENC_USER, &u->user, err))
					return false;
			} else {
				if (!url_unescape(ar, auth, (size_t)(colon - auth), ENC_USER, &u->user, err) ||
				    !url_unescape(ar, colon + 1, at - (size_t)(colon - auth) - 1, ENC_USER,
					    &u->pass, err))
					return false;
				u->has_pass = true;
			}
		}
	} else if (u->scheme.s.n && rn > 0 && rest[0] == '/') {
		u->omit_host = true;
	}
	if (!url_unescape(ar, rest, rn, ENC_PATH, &u->path, err))
		return false;
frag:
	if (hash && !url_unescape(ar, hash + 1, n - un - 1, ENC_FRAGMENT, &u->fragment, err))
		return false;
	return true;
}

static void userinfo_string(struct sbuf *out, const struct url *u)
{
	url_escape(out, u->user.s.p, u->user.s.n, ENC_USER);
	if (u->has_pass) {
		sbuf_addc(out, ':');
		url_escape(out, u->pass.s.p, u->pass.s.n, ENC_USER);
	}
}

SP_FN(u_parse)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct url u;
	const char *err = NULL;
	if (!url_parse(ar, a[0].s.p, a[0].s.n, &u, &err)) {
		struct sbuf q = SBUF_INIT;
		const char *hash = memchr(a[0].s.p, '#', a[0].s.n);
		size_t shown = hash && strncmp(err, "invalid URL escape", 18) ? (size_t)(hash - a[0].s.p) : a[0].s.n;
		go_quote(&q, a[0].s.p, shown, '"', false, false);
		int r = gt_call_errorf(c, "unable to parse url: parse %s: %s", q.buf, err);
		sbuf_release(&q);
		return r;
	}
	struct gt_value m = gt_map_new(ar, &gt_t_map);
	gt_map_setc(ar, m.m, "scheme", u.scheme);
	gt_map_setc(ar, m.m, "host", u.host);
	/* Hostname(): the host without port, IPv6 brackets removed */
	struct gt_value hn = u.host;
	if (hn.s.n && hn.s.p[0] == '[') {
		const char *e = memchr(hn.s.p, ']', hn.s.n);
		hn = e ? gt_string(hn.s.p + 1, (size_t)(e - hn.s.p) - 1) : gt_string(hn.s.p + 1, hn.s.n - 1);
	} else {
		const char *col = memchr(hn.s.p ? hn.s.p : "", ':', hn.s.n);
		if (col)
			hn.s.n = (size_t)(col - hn.s.p);
	}
	gt_map_setc(ar, m.m, "hostname", hn);
	gt_map_setc(ar, m.m, "path", u.path);
	gt_map_setc(ar, m.m, "query", u.rawquery);
	gt_map_setc(ar, m.m, "opaque", u.opaque);
	gt_map_setc(ar, m.m, "fragment", u.fragment);
	struct sbuf ui = SBUF_INIT;
	if (u.has_user)
		userinfo_string(&ui, &u);
	gt_map_setc(ar, m.m, "userinfo", gt_sbuf_value(ar, &ui));
	sbuf_release(&ui);
	*ret = m;
	return 0;
}

static int dict_str(struct gt_call *c, struct gt_value d, const char *key, struct gt_value *out)
{
	struct gt_value *v = gt_map_getc(d.m, key);
	if (!v) {
		*out = gt_string("", 0);
		return 0;
	}
	if (!v->t || v->t->kind == GT_NIL)
		return gt_call_errorf(c, "runtime error: invalid memory address or nil pointer dereference");
	if (v->t->kind != GT_STRING)
		return gt_call_errorf(c, "unable to parse %s key, must be of type string, but %s found", key,
			gt_kind_name(*v));
	*out = *v;
	return 0;
}

SP_FN(u_join)
{
	(void)n;
	struct arena *ar = gt_call_arena(c);
	struct url u;
	memset(&u, 0, sizeof u);
	struct gt_value ui;
	if (dict_str(c, a[0], "scheme", &u.scheme) || dict_str(c, a[0], "host", &u.host) ||
	    dict_str(c, a[0], "path", &u.path) || dict_str(c, a[0], "query", &u.rawquery) ||
	    dict_str(c, a[0], "opaque", &u.opaque) || dict_str(c, a[0], "fragment", &u.fragment) ||
	    dict_str(c, a[0], "userinfo", &ui))
		return -1;
	if (ui.s.n) {
		struct sbuf tmp = SBUF_INIT;
		sbuf_adds(&tmp, "proto://");
		sbuf_add(&tmp, ui.s.p, ui.s.n);
		sbuf_adds(&tmp, "@host");
		struct url t;
		const char *err = NULL;
		if (!url_parse(ar, tmp.buf, tmp.len, &t, &err)) {
			struct sbuf q = SBUF_INIT;
			go_quote(&q, tmp.buf, tmp.len, '"', false, false);
			int r = gt_call_errorf(c, "unable to parse userinfo in dict: parse %s: %s", q.buf, err);
			sbuf_release(&q);
			sbuf_release(&tmp);
			return r;
		}
		sbuf_release(&tmp);
		u.has_user = t.has_user;
		u.user = t.user;
		u.has_pass = t.has_pass;
		u.pass = t.pass;
	}
	struct sbuf out = SBUF_INIT;
	if (u.scheme.s.n) {
		sbuf_add(&out, u.scheme.s.p, u.scheme.s.n);
		sbuf_addc(&out, ':');
	}
	if (u.opaque.s.n) {
		sbuf_add(&out, u.opaque.s.p, u.opaque.s.n);
	} else {
		if (u.scheme.s.n || u.host.s.n || u.has_user) {
			if (u.host.s.n || u.path.s.n || u.has_user)
				sbuf_adds(&out, "//");
			if (u.has_user) {
				userinfo_string(&out, &u);
				sbuf_addc(&out, '@');
			}
			url_escape(&out, u.host.s.p, u.host.s.n, ENC_HOST);
		}
		struct sbuf path = SBUF_INIT;
		url_escape(&path, u.path.s.p, u.path.s.n, ENC_PATH);
		if (path.len && path.buf[0] != '/' && u.host.s.n)
			sbuf_addc(&out, '/');
		if (out.len == 0) {
			const char *sl = memchr(path.buf, '/', path.len);
			size_t seg = sl ? (size_t)(sl - path.buf) : path.len;
			if (memchr(path.buf, ':', seg))
				sbuf_adds(&out, "./");
		}
		sbuf_add(&out, path.buf, path.len);
		sbuf_release(&path);
	}
	if (u.rawquery.s.n) {
		sbuf_addc(&out, '?');
		sbuf_add(&out, u.rawquery.s.p, u.rawquery.s.n);
	}
	if (u.fragment.s.n) {
		sbuf_addc(&out, '#');
		url_escape(&out, u.fragment.s.p, u.fragment.s.n, ENC_FRAGMENT);
	}
	return sp_ret_sbuf(c, ret, &out);
}

/* ---- network ---- */

SP_FN(n_gethostbyname)
{
	(void)n, (void)ret;
	return gt_call_errorf(c, "getHostByName %s: DNS lookups are not supported (manifestc renders offline)",
		sp_cstr(c, a[0]));
}

/* env and expandenv read the process environment, which would make the
 * output depend on where manifestc runs: they fail instead. */
SP_FN(n_env)
{
	(void)a, (void)n, (void)ret;
	return gt_call_errorf(c, "%s is not supported: templates are rendered without the environment",
		gt_call_func(c)->name);
}

/* ---- randomness (seeded, see above) ---- */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sp_rand_u64(struct gt_call *c)
{
	struct gt_set *s = gt_call_set(c);
	while (s->parent)
		s = s->parent;
	if (!s->rng_init) {
		uint64_t seed = s->seed_set ? s->seed : s->text_hash;
		/* splitmix64 to fill the state */
		for (int i = 0; i < 4; i++) {
			seed += 0x9e3779b97f4a7c15ULL;
			uint64_t z = seed;
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
			s->rng[i] = z ^ (z >> 31);
		}
		s->rng_init = true;
	}
	uint64_t *st = s->rng;
	uint64_t result = rotl(st[1] * 5, 7) * 9;
	uint64_t t = st[1] << 17;
	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return result;
}

/* A uniform integer in [0, n). */
uint64_t sp_rand_n(struct gt_call *c, uint64_t n)
{
	uint64_t lim = UINT64_MAX - UINT64_MAX % n;
	for (;;) {
		uint64_t r = sp_rand_u64(c);
		if (r < lim)
			return r % n;
	}
}

void sp_rand_bytes(struct gt_call *c, unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = sp_rand_u64(c);
		for (size_t k = 0; k < 8 && i + k < n; k++)
			buf[i + k] = (unsigned char)(r >> (8 * k));
	}
}

#define MAX_RANDOM (1u << 20)

static int rand_string(struct gt_call *c, int64_t count, const char *alphabet,
	struct gt_value *ret)
{
	gt_warn_nondeterministic(c, SP_NONDET_RAND, "random values come from a seeded generator");
	if (count <= 0) {
		*ret = gt_cstring("");
		return 0;
	}
	if ((uint64_t)count > MAX_RANDOM)
		return gt_call_errorf(c, "random string of %lld characters refused (limit %u)",
			(long long)count, MAX_RANDOM);
	size_t an = strlen(alphabet);
	struct sbuf sb = SBUF_INIT;
	for (int64_t i = 0; i < count; i++)
		sbuf_addc(&sb, alphabet[sp_rand_n(c, an)]);
	return sp_ret_sbuf(c, ret, &sb);
}

static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

SP_FN(x_randalphanum)
{
	(void)n;
	return rand_string(c, a[0].i, alnum, ret);
}

SP_FN(x_randalpha)
{
	(void)n;
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	return rand_string(c, a[0].i, alpha, ret);
}

SP_FN(x_randnumeric)
{
	(void)n;
	return rand_string(c, a[0].i, "0123456789", ret);
}

SP_FN(x_randascii)
{
	(void)n;
	char ascii[96];
	for (int i = 0; i < 95; i++)
		ascii[i] = (char)(32 + i);
	ascii[95] = '\0';
	return rand_string(c, a[0].i, ascii, ret);
}

SP_FN(x_randbytes)
{
	(void)n;
	gt_warn_nondeterministic(c, SP_NONDET_RAND, "random values come from a seeded generator");
	int64_t count = a[0].i;
	if (count < 0)
		return gt_call_errorf(c, "runtime error: makeslice: len out of range");
	if ((uint64_t)count > MAX_RANDOM)
		return gt_call_errorf(c, "random buffer of %lld bytes refused (limit %u)", (long long)count,
			MAX_RANDOM);
	unsigned char *buf = arena_alloc(gt_call_arena(c), (size_t)count + 1);
	sp_rand_bytes(c, buf, (size_t)count);
	struct sbuf sb = SBUF_INIT;
	b64_encode(&sb, buf, (size_t)count);
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(x_randint)
{
	(void)n;
	gt_warn_nondeterministic(c, SP_NONDET_RAND, "random values come from a seeded generator");
	int64_t lo = a[0].i, hi = a[1].i;
	if (hi - lo <= 0)
		return gt_call_errorf(c, "invalid argument to Intn");
	*ret = gt_int((int64_t)sp_rand_n(c, (uint64_t)(hi - lo)) + lo);
	return 0;
}

SP_FN(x_shuffle)
{
	(void)n;
	gt_warn_nondeterministic(c, SP_NONDET_RAND, "random values come from a seeded generator");
	struct gt_value s = a[0];
	if (!s.s.n) {
		*ret = s;
		return 0;
	}
	size_t cnt = 0;
	for (size_t i = 0; i < s.s.n; cnt++) {
		uint32_t r;
		i += utf8_decode(s.s.p + i, s.s.n - i, &r);
	}
	uint32_t *runes = arena_alloc(gt_call_arena(c), cnt * sizeof *runes);
	size_t k = 0;
	for (size_t i = 0; i < s.s.n;)
		i += utf8_decode(s.s.p + i, s.s.n - i, &runes[k++]);
	for (size_t i = cnt - 1; i > 0; i--) {
		size_t j = (size_t)sp_rand_n(c, i + 1);
		uint32_t t = runes[i];
		runes[i] = runes[j];
		runes[j] = t;
	}
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < cnt; i++) {
		char enc[4];
		sbuf_add(&sb, enc, utf8_encode(enc, runes[i]));
	}
	return sp_ret_sbuf(c, ret, &sb);
}

SP_FN(x_uuidv4)
{
	(void)n, (void)a;
	gt_warn_nondeterministic(c, SP_NONDET_UUID, "UUIDs come from a seeded generator");
	unsigned char b[16];
	sp_rand_bytes(c, b, 16);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			sbuf_addc(&sb, '-');
		sbuf_printf(&sb, "%02x", b[i]);
	}
	return sp_ret_sbuf(c, ret, &sb);
}

const struct gt_func sprig_misc_funcs[] = {
	{ "base", p_base, 1, false, { S }, NULL },
	{ "dir", p_dir, 1, false, { S }, NULL },
	{ "clean", p_clean, 1, false, { S }, NULL },
	{ "ext", p_ext, 1, false, { S }, NULL },
	{ "isAbs", p_isabs, 1, false, { S }, NULL },
	{ "osBase", p_base, 1, false, { S }, NULL },
	{ "osClean", p_clean, 1, false, { S }, NULL },
	{ "osDir", p_dir, 1, false, { S }, NULL },
	{ "osExt", p_ext, 1, false, { S }, NULL },
	{ "osIsAbs", p_isabs, 1, false, { S }, NULL },
	{ "urlParse", u_parse, 1, false, { S }, NULL },
	{ "urlJoin", u_join, 1, false, { &gt_t_map }, NULL },
	{ "getHostByName", n_gethostbyname, 1, false, { S }, NULL },
	{ "env", n_env, 1, false, { S }, NULL },
	{ "expandenv", n_env, 1, false, { S }, NULL },
	{ "randAlphaNum", x_randalphanum, 1, false, { I }, NULL },
	{ "randAlpha", x_randalpha, 1, false, { I }, NULL },
	{ "randAscii", x_randascii, 1, false, { I }, NULL },
	{ "randNumeric", x_randnumeric, 1, false, { I }, NULL },
	{ "randBytes", x_randbytes, 1, false, { I }, NULL },
	{ "randInt", x_randint, 2, false, { I, I }, NULL },
	{ "shuffle", x_shuffle, 1, false, { S }, NULL },
	{ "uuidv4", x_uuidv4, 0, false, { NULL }, NULL },
};

const size_t sprig_misc_nfuncs = sizeof sprig_misc_funcs / sizeof sprig_misc_funcs[0];
