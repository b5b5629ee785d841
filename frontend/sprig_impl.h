/*
 * sprig_impl.h - private to the Sprig function families (frontend/sprig*.c)
 * and Helm's functions (frontend/gotmpl_helmfuncs.c).
 */
#ifndef MC_SPRIG_IMPL_H
#define MC_SPRIG_IMPL_H

#include "gotmpl_impl.h"

#define SP_FN(name) static int name(struct gt_call *c, struct gt_value *a, size_t n, \
	struct gt_value *ret)
#define UNUSED_ARGS (void)c, (void)a, (void)n, (void)ret

extern const struct gt_func sprig_string_funcs[];
extern const size_t sprig_string_nfuncs;

/* Families of non-reproducible functions (one warning each per set). */
enum { SP_NONDET_RAND, SP_NONDET_CLOCK, SP_NONDET_CRYPTO, SP_NONDET_UUID };

/* Sprig's strval / cast.ToString: a value as a string. */
struct gt_value sp_strval(struct arena *a, struct gt_value v);
/* A Go string value's bytes as an arena C string. */
const char *sp_cstr(struct gt_call *c, struct gt_value v);

#endif
