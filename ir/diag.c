/*
 * diag.c - collecting and printing diagnostics.
 *
 * Messages are kept in the order they were reported; printing happens once,
 * in the driver, so that layers stay free of I/O and tests can look at what
 * was reported.  The caret line repeats the tabs of the source line so that
 * the caret lines up in any terminal.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc/diag.h"

void srcfile_index(struct srcfile *f, struct arena *a)
{
	uint32_t n = 1;
	for (const char *p = f->data, *e = f->data + f->len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		n++;
	f->lines = arena_alloc(a, n * sizeof *f->lines);
	f->lines[0] = 0;
	uint32_t k = 1;
	for (const char *p = f->data, *e = f->data + f->len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		f->lines[k++] = (uint32_t)(p - f->data + 1);
	f->nlines = n;
}

const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len)
{
	if (!f || !f->data || !f->lines || line == 0 || line > f->nlines)
		return NULL;
	size_t start = f->lines[line - 1];
	size_t end = line < f->nlines ? f->lines[line] - 1 : f->len;
	if (end > start && f->data[end - 1] == '\r')
		end--;
	*len = end - start;
	return f->data + start;
}

const struct srcfile *srcfile_copy(struct arena *a, const struct srcfile *f)
{
	struct srcfile *c = arena_calloc(a, 1, sizeof *c);
	c->path = arena_strdup(a, f->path ? f->path : "");
	c->abspath = f->abspath && f->path && strcmp(f->abspath, f->path) ?
		arena_strdup(a, f->abspath) : c->path;
	c->data = arena_strndup(a, f->data ? f->data : "", f->data ? f->len : 0);
	c->len = f->data ? f->len : 0;
	srcfile_index(c, a);
	return c;
}

void diag_detach(struct diag *d, size_t from, struct arena *a)
{
	if (from >= d->len)
		return;
	/* Files seen so far -> their copies: open addressing on the pointer. */
	size_t cap = 16;
	while (cap < 2 * (d->len - from))
		cap *= 2;
	const struct srcfile **keys = xcalloc(cap, sizeof *keys);
	const struct srcfile **vals = xcalloc(cap, sizeof *vals);
	for (size_t i = from; i < d->len; i++) {
		struct diag_msg *m = &d->msgs[i];
		if (m->pointer)
			m->pointer = arena_strdup(a, m->pointer);
		const struct srcfile *f = m->pos.file;
		if (!f)
			continue;
		size_t h = ((uintptr_t)f >> 4) * 0x9E3779B97F4A7C15u & (cap - 1);
		while (keys[h] && keys[h] != f)
			h = (h + 1) & (cap - 1);
		if (!keys[h]) {
			keys[h] = f;
			vals[h] = srcfile_copy(a, f);
		}
		m->pos.file = vals[h];
	}
	free(keys);
	free(vals);
}

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->len; i++)
		free(d->msgs[i].msg);
	free(d->msgs);
	memset(d, 0, sizeof *d);
}

int diag_vadd(struct diag *d, enum diag_level level, const struct srcpos *pos,
	const char *rule, const char *pointer, const char *fmt, va_list ap)
{
	if (level == DIAG_ERROR)
		d->nerrors++;
	else if (level == DIAG_WARNING)
		d->nwarnings++;
	if (d->max_errors && d->len >= d->max_errors) {
		d->dropped++;
		return level == DIAG_ERROR;
	}
	struct sbuf sb = SBUF_INIT;
	sbuf_vprintf(&sb, fmt, ap);
	if (d->len == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
	}
	struct diag_msg *m = &d->msgs[d->len++];
	m->level = level;
	m->pos = pos ? *pos : SRCPOS_NONE;
	m->rule = rule;
	m->pointer = pointer;
	m->msg = sbuf_detach(&sb, NULL);
	return level == DIAG_ERROR;
}

int diag_add(struct diag *d, enum diag_level level, const struct srcpos *pos,
	const char *rule, const char *pointer, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = diag_vadd(d, level, pos, rule, pointer, fmt, ap);
	va_end(ap);
	return r;
}

int diag_error(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = diag_vadd(d, DIAG_ERROR, pos, NULL, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int diag_warn(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = diag_vadd(d, DIAG_WARNING, pos, NULL, NULL, fmt, ap);
	va_end(ap);
	return r;
}

int diag_note(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = diag_vadd(d, DIAG_NOTE, pos, NULL, NULL, fmt, ap);
	va_end(ap);
	return r;
}

void diag_merge(struct diag *dst, struct diag *src)
{
	for (size_t i = 0; i < src->len; i++) {
		if (dst->len == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->msgs = xrealloc(dst->msgs, dst->cap * sizeof *dst->msgs);
		}
		dst->msgs[dst->len++] = src->msgs[i];
	}
	dst->nerrors += src->nerrors;
	dst->nwarnings += src->nwarnings;
	dst->dropped += src->dropped;
	free(src->msgs);
	memset(src, 0, sizeof *src);
}

static const char *level_name(enum diag_level l)
{
	switch (l) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	default: return "note";
	}
}

static const char *level_color(enum diag_level l)
{
	switch (l) {
	case DIAG_ERROR: return "\033[1;31m";
	case DIAG_WARNING: return "\033[1;35m";
	default: return "\033[1;36m";
	}
}

void diag_format(const struct diag_msg *m, struct sbuf *out, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	const char *lc = color ? level_color(m->level) : "";
	if (m->pos.file) {
		sbuf_printf(out, "%s%s:", bold, m->pos.file->path);
		if (m->pos.line) {
			sbuf_printf(out, "%u:", m->pos.line);
			if (m->pos.col)
				sbuf_printf(out, "%u:", m->pos.col);
		}
		sbuf_printf(out, "%s ", reset);
	} else {
		sbuf_printf(out, "%smanifestc:%s ", bold, reset);
	}
	sbuf_printf(out, "%s%s:%s %s\n", lc, level_name(m->level), reset, m->msg);
	size_t len;
	const char *line = m->pos.file ? srcfile_line(m->pos.file, m->pos.line, &len) : NULL;
	if (!line)
		return;
	sbuf_printf(out, "%5u | ", m->pos.line);
	sbuf_add(out, line, len);
	sbuf_adds(out, "\n      | ");
	size_t col = m->pos.col ? m->pos.col - 1 : 0;
	for (size_t i = 0; i < col && i < len; i++)
		sbuf_addc(out, line[i] == '\t' ? '\t' : ' ');
	sbuf_printf(out, "%s^%s\n", color ? "\033[1;32m" : "", reset);
}

void diag_print(const struct diag *d, FILE *fp, int color)
{
	if (color < 0) {
		const char *nc = getenv("NO_COLOR");
		color = isatty(fileno(fp)) && !(nc && *nc);
	}
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < d->len; i++)
		diag_format(&d->msgs[i], &sb, color);
	if (d->dropped)
		sbuf_printf(&sb, "manifestc: note: %zu more diagnostics not shown\n", d->dropped);
	fwrite(sb.buf, 1, sb.len, fp);
	sbuf_release(&sb);
}
