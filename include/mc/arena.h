/*
 * arena.h - region allocation for one compilation.
 *
 * Everything a compilation builds (IR nodes, interned strings, vectors,
 * resource lists) lives in one arena and is released at once with
 * arena_release().  Nothing in the IR is freed individually.  Arenas are
 * not thread-safe: each worker thread owns its own.
 *
 * Out of memory is not a diagnosable input error: the allocator reports it
 * and exits with status 2 (internal error).
 */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* current block, newest first */
	size_t total;             /* bytes obtained from malloc */
	void *last;               /* last allocation, may grow in place */
	size_t last_size;
};

#define ARENA_INIT { 0 }

void arena_init(struct arena *a);
/* Free every block; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);

/* Move every block of src into dst (src is left empty): what was
 * allocated from src now lives, and is released, with dst.  Lets a worker
 * hand the results it built in its own arena to a longer-lived owner
 * without copying them. */
void arena_adopt(struct arena *dst, struct arena *src);

/* 16-byte aligned, uninitialised; never returns NULL. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Grow p (allocated from a with old_size bytes) to new_size bytes.  Extends
 * in place when p is the arena's last allocation, otherwise copies. */
void *arena_grow(struct arena *a, void *p, size_t old_size, size_t new_size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Report allocation failure and exit(2).  Also used by xmalloc users. */
_Noreturn void mc_oom(size_t size);
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Growable arrays in an arena: VEC(T) declares { T *items; size_t len, cap; }
 * and VEC_PUSH appends, doubling the capacity through arena_grow.
 */
#define VEC(T) struct { T *items; size_t len, cap; }
#define VEC_PUSH(a, v, x)                                                      \
	do {                                                                   \
		if ((v)->len == (v)->cap) {                                    \
			size_t nc_ = (v)->cap ? (v)->cap * 2 : 8;              \
			(v)->items = arena_grow((a), (v)->items,               \
			    (v)->cap * sizeof *(v)->items,                     \
			    nc_ * sizeof *(v)->items);                         \
			(v)->cap = nc_;                                        \
		}                                                              \
		(v)->items[(v)->len++] = (x);                                  \
	} while (0)

#endif
