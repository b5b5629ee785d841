/*
 * diag.h - source files, positions and collected diagnostics.
 *
 * Layers never print and never exit: they add findings to a struct diag and
 * return.  Only the driver prints them (as `file:line:col: error: message`,
 * then the source line and a caret) and picks the exit status:
 * 0 success, 1 errors in the input, 2 usage or internal errors.
 *
 * A struct srcfile keeps the bytes of an input so that the caret line can be
 * printed after the fact; a struct srcpos points into it (1-based line and
 * column, column counted in bytes).  A position with file == NULL means
 * "no location" and prints as `manifestc: error: message`.
 */
#ifndef MC_DIAG_H
#define MC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mc/str.h"

struct srcfile {
	const char *path;    /* as shown to the user */
	const char *abspath; /* absolute, symlinks resolved (identity) */
	const char *data;    /* NUL-terminated copy of the bytes */
	size_t len;
	uint32_t *lines;     /* offsets of line starts (srcfile_index) */
	uint32_t nlines;
};

struct srcpos {
	const struct srcfile *file;
	uint32_t line, col;
};

#define SRCPOS_NONE ((struct srcpos){ 0 })

/* Fill in the line table (done once, by whoever makes the srcfile). */
void srcfile_index(struct srcfile *f, struct arena *a);
/* The text of line `line` (1-based) without its newline; NULL if none. */
const char *srcfile_line(const struct srcfile *f, uint32_t line, size_t *len);

/* A copy of f (path, bytes, line table) in a. */
const struct srcfile *srcfile_copy(struct arena *a, const struct srcfile *f);

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag_msg {
	enum diag_level level;
	struct srcpos pos;
	const char *rule;    /* optional short rule id, e.g. "schema/type" (a static string) */
	const char *pointer; /* optional JSON pointer into the resource */
	char *msg;           /* malloc'd */
};

struct diag {
	struct diag_msg *msgs;
	size_t len, cap;
	size_t nerrors, nwarnings;
	size_t max_errors; /* 0 = unlimited; extra errors are counted, not kept */
	size_t dropped;
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/* Each returns 1 for errors (so `return diag_error(...)` returns the number
 * of errors added) and 0 otherwise. */
int diag_error(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int diag_warn(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int diag_note(struct diag *d, const struct srcpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int diag_add(struct diag *d, enum diag_level level, const struct srcpos *pos,
	const char *rule, const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
int diag_vadd(struct diag *d, enum diag_level level, const struct srcpos *pos,
	const char *rule, const char *pointer, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static inline size_t diag_errors(const struct diag *d) { return d->nerrors; }

/* Move every message of src to the end of dst (src is left empty). */
void diag_merge(struct diag *dst, struct diag *src);

/* Make the messages d->msgs[from..] independent of the contexts (and the
 * vfs) they were reported in, so that they outlive them: each file they
 * point into is copied into a once, their pointers too (rule ids are static
 * strings).  A worker does this before releasing its context. */
void diag_detach(struct diag *d, size_t from, struct arena *a);

/* Format one message (with source line and caret) into out. */
void diag_format(const struct diag_msg *m, struct sbuf *out, bool color);
/* Print every message in order to fp; color when fp is a terminal and
 * NO_COLOR is unset (pass color = -1 to decide automatically). */
void diag_print(const struct diag *d, FILE *fp, int color);

#endif
