/*
 * helm_archive.c - chart archives (.tgz): gunzip with zlib, then a small
 * tar reader with Go archive/tar's rules.
 *
 * Helm reads subcharts shipped as charts/NAME-VERSION.tgz (and `helm
 * template x.tgz`) through loader.LoadArchiveFiles: every entry that is not
 * a directory becomes a file named without its first path component,
 * absolute or escaping names are refused, and sizes are capped (5 MiB a
 * file, 100 MiB in all).  The tar reader understands the formats Go's
 * does in practice: V7, USTAR (with the name prefix), GNU (long names) and
 * PAX (path and size records), and checks header checksums as Go does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mc/helm.h"

/* Decompressed bytes we accept before the tar layer applies Helm's caps:
 * the file caps plus room for headers. */
#define GUNZIP_MAX (HELM_MAX_CHART_SIZE + ((size_t)16 << 20))

static int gunzip(const char *data, size_t len, struct sbuf *out, const char **err)
{
	if (len < 3 || (unsigned char)data[0] != 0x1f || (unsigned char)data[1] != 0x8b ||
	    (unsigned char)data[2] != 8) {
		*err = "gzip: invalid header";
		return -1;
	}
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		*err = "gzip: cannot initialise zlib";
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	int rc = Z_OK;
	for (;;) {
		sbuf_grow(out, 65536);
		zs.next_out = (Bytef *)out->buf + out->len;
		zs.avail_out = (uInt)(out->cap - out->len - 1);
		size_t before = zs.avail_out;
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len += before - zs.avail_out;
		out->buf[out->len] = '\0';
		if (out->len > GUNZIP_MAX) {
			*err = "decompressed chart is larger than the maximum file size 104857600";
			inflateEnd(&zs);
			return -1;
		}
		if (rc == Z_STREAM_END) {
			/* Go's gzip reader reads concatenated members. */
			if (zs.avail_in == 0)
				break;
			if (zs.avail_in < 3 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) {
				*err = "gzip: invalid header";
				inflateEnd(&zs);
				return -1;
			}
			inflateReset(&zs);
			continue;
		}
		if (rc == Z_OK)
			continue;
		if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
			*err = "unexpected EOF";
			inflateEnd(&zs);
			return -1;
		}
		*err = rc == Z_DATA_ERROR && zs.msg && strstr(zs.msg, "check")
			? "gzip: invalid checksum" : "gzip: invalid header";
		inflateEnd(&zs);
		return -1;
	}
	inflateEnd(&zs);
	return 0;
}

/* ---- tar ---- */

struct tar_hdr {
	char *name;
	char type;
	size_t size;
};

static bool all_zero(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* A NUL-terminated (or full-width) field. */
static char *field_str(struct arena *a, const unsigned char *b, size_t n)
{
	size_t l = 0;
	while (l < n && b[l])
		l++;
	return arena_strndup(a, (const char *)b, l);
}

/* Octal (space/NUL padded) or base-256 number; false when malformed. */
static bool field_num(const unsigned char *b, size_t n, unsigned long long *out)
{
	if (n > 0 && (b[0] & 0x80)) {
		unsigned long long v = b[0] & 0x7f;
		if (b[0] & 0x40)
			return false; /* negative */
		for (size_t i = 1; i < n; i++) {
			if (v >> 56)
				return false;
			v = v << 8 | b[i];
		}
		*out = v;
		return true;
	}
	size_t i = 0;
	while (i < n && (b[i] == ' ' || b[i] == 0))
		i++;
	unsigned long long v = 0;
	bool any = false;
	for (; i < n && b[i] >= '0' && b[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (unsigned)(b[i] - '0');
		any = true;
	}
	for (; i < n; i++)
		if (b[i] != ' ' && b[i] != 0)
			return false;
	*out = any ? v : 0;
	return true;
}

static bool checksum_ok(const unsigned char *b)
{
	unsigned long long want;
	if (!field_num(b + 148, 8, &want))
		return false;
	unsigned long long u = 0;
	long long s = 0;
	for (int i = 0; i < 512; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
		u += c;
		s += (signed char)c;
	}
	return want == u || (long long)want == s;
}

/* Parse PAX records "LEN key=value\n"; picks up path and size. */
static bool pax_records(struct arena *a, const char *p, size_t n, char **path, long long *size)
{
	size_t i = 0;
	while (i < n) {
		size_t len = 0, j = i;
		while (j < n && p[j] >= '0' && p[j] <= '9')
			len = len * 10 + (size_t)(p[j++] - '0');
		if (j >= n || p[j] != ' ' || len == 0 || len > n - i)
			return false;
		const char *rec = p + j + 1, *end = p + i + len - 1;
		if (*end != '\n')
			return false;
		const char *eq = memchr(rec, '=', (size_t)(end - rec));
		if (!eq)
			return false;
		size_t klen = (size_t)(eq - rec);
		if (klen == 4 && !memcmp(rec, "path", 4))
			*path = arena_strndup(a, eq + 1, (size_t)(end - eq - 1));
		else if (klen == 4 && !memcmp(rec, "size", 4)) {
			long long v = 0;
			for (const char *q = eq + 1; q < end; q++) {
				if (*q < '0' || *q > '9' || v > (1LL << 50))
					return false;
				v = v * 10 + (*q - '0');
			}
			*size = v;
		}
		i += len;
	}
	return true;
}

static const char *helm_path_clean(struct arena *a, const char *p)
{
	char *c = path_clean(NULL, p);
	const char *r = arena_strdup(a, c);
	free(c);
	return r;
}

static bool drive_path(const char *n)
{
	return ((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')) &&
		n[1] == ':' && n[2] == '/';
}

/* Turn one tar entry into a chart file per LoadArchiveFiles. */
static int add_entry(struct arena *a, const char *name, const unsigned char *data, size_t size,
	size_t *remaining, struct helm_files *out, const char **err)
{
	char delim = strchr(name, '\\') ? '\\' : '/';
	const char *slash = strchr(name, delim);
	size_t first = slash ? (size_t)(slash - name) : strlen(name);
	char *n = arena_strdup(a, slash ? slash + 1 : "");
	for (char *q = n; *q; q++)
		if (*q == delim)
			*q = '/';
	if (n[0] == '/') {
		*err = "chart illegally contains absolute paths";
		return -1;
	}
	const char *clean = helm_path_clean(a, n);
	if (!strcmp(clean, ".")) {
		*err = arena_printf(a, "chart illegally contains content outside the base directory: \"%s\"", name);
		return -1;
	}
	if (!strncmp(clean, "..", 2)) {
		*err = "chart illegally references parent directory";
		return -1;
	}
	if (drive_path(clean)) {
		*err = "chart contains illegally named files";
		return -1;
	}
	if (first == strlen("Chart.yaml") && !strncmp(name, "Chart.yaml", first)) {
		*err = "chart yaml not in base directory";
		return -1;
	}
	if (size > *remaining) {
		*err = "decompressed chart is larger than the maximum file size 104857600";
		return -1;
	}
	if (size > HELM_MAX_FILE_SIZE) {
		*err = arena_printf(a, "decompressed chart file \"%s\" is larger than the maximum file size 5242880", name);
		return -1;
	}
	*remaining -= size;
	if (*remaining == 0) {
		*err = "decompressed chart is larger than the maximum file size 104857600";
		return -1;
	}
	size_t off = 0;
	if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
		off = 3;
	struct helm_file f = { 0 };
	f.name = clean;
	f.data = arena_strndup(a, (const char *)data + off, size - off);
	f.len = size - off;
	VEC_PUSH(a, out, f);
	return 0;
}

static int untar(struct arena *a, const unsigned char *p, size_t n, struct helm_files *out,
	const char **err)
{
	size_t pos = 0, remaining = HELM_MAX_CHART_SIZE;
	char *long_name = NULL, *pax_path = NULL;
	long long pax_size = -1;
	for (;;) {
		if (pos == n)
			break; /* io.EOF at a block boundary */
		if (n - pos < 512) {
			*err = "unexpected EOF";
			return -1;
		}
		const unsigned char *b = p + pos;
		pos += 512;
		if (all_zero(b, 512)) {
			if (pos == n || (n - pos >= 512 && all_zero(p + pos, 512)))
				break;
			*err = "archive/tar: invalid tar header";
			return -1;
		}
		if (!checksum_ok(b)) {
			*err = "archive/tar: invalid tar header";
			return -1;
		}
		unsigned long long size;
		if (!field_num(b + 124, 12, &size)) {
			*err = "archive/tar: invalid tar header";
			return -1;
		}
		char type = (char)b[156];
		bool ustar = !memcmp(b + 257, "ustar\0", 6);
		bool gnu = !memcmp(b + 257, "ustar  \0", 8);
		if (pax_size >= 0)
			size = (unsigned long long)pax_size;
		if (size > n - pos) {
			*err = "unexpected EOF";
			return -1;
		}
		const unsigned char *data = p + pos;
		pos += (size + 511) / 512 * 512 > n - pos ? n - pos : (size + 511) / 512 * 512;
		switch (type) {
		case 'x': /* PAX extended header for the next entry */
			if (!pax_records(a, (const char *)data, size, &pax_path, &pax_size)) {
				*err = "archive/tar: invalid tar header";
				return -1;
			}
			continue;
		case 'g': /* PAX global header: Helm skips it */
			continue;
		case 'L': /* GNU long name */
			long_name = field_str(a, data, size);
			continue;
		case 'K': /* GNU long link name */
			continue;
		default:
			break;
		}
		char *name;
		if (pax_path)
			name = pax_path;
		else if (long_name)
			name = long_name;
		else {
			name = field_str(a, b, 100);
			if (ustar && !gnu && b[345]) {
				char *prefix = field_str(a, b + 345, 155);
				name = arena_printf(a, "%s/%s", prefix, name);
			}
		}
		long_name = pax_path = NULL;
		pax_size = -1;
		size_t nl = strlen(name);
		bool is_dir = type == '5' || ((type == '0' || type == '\0') && nl && name[nl - 1] == '/');
		if (is_dir)
			continue;
		if (add_entry(a, name, data, size, &remaining, out, err))
			return -1;
	}
	if (out->len == 0) {
		*err = "no files in chart archive";
		return -1;
	}
	return 0;
}

int helm_archive_files(struct arena *a, const char *data, size_t len,
	struct helm_files *out, const char **err)
{
	struct sbuf raw = SBUF_INIT;
	int rc = gunzip(data, len, &raw, err);
	if (rc == 0)
		rc = untar(a, (const unsigned char *)raw.buf, raw.len, out, err);
	sbuf_release(&raw);
	return rc;
}
