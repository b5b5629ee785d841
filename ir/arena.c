/*
 * arena.c - bump allocation in malloc'd blocks.
 *
 * A compilation allocates many small objects and frees them all together,
 * so a bump pointer into large blocks beats malloc on speed and memory, and
 * removes ownership questions from the IR.  Blocks grow geometrically (so the
 * number of blocks stays logarithmic); an allocation larger than half a block
 * gets a block of its own.  The last allocation can grow in place, which
 * makes vectors that are appended to one at a time cheap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mc/arena.h"

#define ALIGN 16
#define MIN_BLOCK (64 * 1024)
#define MAX_BLOCK (8 * 1024 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	_Alignas(ALIGN) unsigned char data[];
};

_Noreturn void mc_oom(size_t size)
{
	fprintf(stderr, "manifestc: fatal: out of memory allocating %zu bytes\n", size);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		mc_oom(size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q)
		mc_oom(size);
	return q;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		mc_oom(n * size);
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof *a);
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	memset(a, 0, sizeof *a);
}

void arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_block *b = src->head;
	if (!b)
		return;
	struct arena_block *tail = b;
	while (tail->next)
		tail = tail->next;
	if (dst->head) {
		/* Behind dst's current block, which keeps serving allocations
		 * (and its last one may still grow in place). */
		tail->next = dst->head->next;
		dst->head->next = b;
	} else {
		dst->head = b;
	}
	dst->total += src->total;
	memset(src, 0, sizeof *src);
}

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static struct arena_block *new_block(struct arena *a, size_t need)
{
	size_t size = a->head ? a->head->size * 2 : MIN_BLOCK;
	if (size > MAX_BLOCK)
		size = MAX_BLOCK;
	if (size < need)
		size = need;
	if (size > SIZE_MAX - sizeof(struct arena_block))
		mc_oom(size);
	struct arena_block *b;
	if (size >= HUGE_PAGE) {
		/* Whole huge pages, which the kernel may back with one page each
		 * instead of 512 faults (Linux: transparent huge pages on request). */
		size_t total = (sizeof *b + size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
		b = aligned_alloc(HUGE_PAGE, total);
		if (!b)
			mc_oom(size);
		size = total - sizeof *b;
#ifdef MADV_HUGEPAGE
		madvise(b, total, MADV_HUGEPAGE);
#endif
	} else {
		b = malloc(sizeof *b + size);
		if (!b)
			mc_oom(size);
	}
	b->size = size;
	b->used = 0;
	a->total += size;
	return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size_t n = round_up(size ? size : 1);
	if (n < size)
		mc_oom(size);
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		struct arena_block *nb = new_block(a, n);
		if (b && n > b->size / 2 && b->size - b->used >= 4096) {
			/* A big request: give it its own block behind the current
			 * one so the current block keeps serving small ones. */
			nb->next = b->next;
			b->next = nb;
			nb->used = n;
			return nb->data;
		}
		nb->next = b;
		a->head = nb;
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->last = p;
	a->last_size = n;
	return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		mc_oom(SIZE_MAX);
	void *p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

void *arena_grow(struct arena *a, void *p, size_t old_size, size_t new_size)
{
	if (!p)
		return arena_alloc(a, new_size);
	if (new_size <= old_size)
		return p;
	struct arena_block *b = a->head;
	if (p == a->last && b && (unsigned char *)p + a->last_size == b->data + b->used) {
		size_t n = round_up(new_size);
		size_t start = (size_t)((unsigned char *)p - b->data);
		if (n >= new_size && start + n <= b->size) {
			b->used = start + n;
			a->last_size = n;
			return p;
		}
	}
	void *q = arena_alloc(a, new_size);
	memcpy(q, p, old_size);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof small)
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
