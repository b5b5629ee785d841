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

extern const struct gt_func sprig_string_funcs[], sprig_list_funcs[], sprig_math_funcs[],
	sprig_regex_funcs[], sprig_json_funcs[], sprig_misc_funcs[], sprig_semver_funcs[], sprig_date_funcs[], sprig_crypto_funcs[];
extern const size_t sprig_string_nfuncs, sprig_list_nfuncs, sprig_math_nfuncs,
	sprig_regex_nfuncs, sprig_json_nfuncs, sprig_misc_nfuncs, sprig_semver_nfuncs, sprig_date_nfuncs, sprig_crypto_nfuncs;

/* The set's seeded generator (sprig_misc.c). */
uint64_t sp_rand_u64(struct gt_call *c);
uint64_t sp_rand_n(struct gt_call *c, uint64_t n);
void sp_rand_bytes(struct gt_call *c, unsigned char *buf, size_t n);
/* TOML (gotmpl_toml.c) */
int gt_toml_encode(struct mc_ctx *ctx, struct sbuf *out, struct gt_value v, const char **err);
int gt_toml_decode(struct arena *a, const char *s, size_t n, struct gt_value *out, char **err);

/* encoding/json (gotmpl_json.c) */
enum { GT_JSON_HTML = 1, GT_JSON_INDENT = 2 };
int gt_json_marshal(struct mc_ctx *ctx, struct sbuf *out, struct gt_value v, unsigned flags,
	const char **err);
/* json.Unmarshal into interface{}: numbers are float64. */
int gt_json_unmarshal(struct arena *a, const char *s, size_t n, struct gt_value *out, char **err);
/* "object", "array", ... as json's UnmarshalTypeError names a value. */
const char *gt_json_kind(struct gt_value v);

/* spf13/cast: ToInt64 and ToFloat64 (0 and *ok false when not convertible). */
int64_t sp_to_int64(struct gt_value v, bool *ok);
double sp_to_float64(struct gt_value v, bool *ok);
/* Go's float64 to int64 conversion (amd64 semantics out of range). */
int64_t sp_f2i(double f);

/* Families of non-reproducible functions (one warning each per set). */
enum { SP_NONDET_RAND, SP_NONDET_CLOCK, SP_NONDET_CRYPTO, SP_NONDET_UUID };

int sp_ret_sbuf(struct gt_call *c, struct gt_value *ret, struct sbuf *sb);
struct gt_value sp_trim_space(struct gt_value s);
void sp_replace_all(struct sbuf *sb, struct gt_value src, struct gt_value old, struct gt_value nw);
struct gt_value sp_split(struct arena *ar, struct gt_value s, struct gt_value sep, long nmax);
struct gt_value sp_strslice(struct arena *ar, struct gt_value v);
/* Sprig's empty(): the zero value of its type (nil, 0, "", empty list/map). */
bool sp_empty(struct gt_value v);

/* Sprig's strval / cast.ToString: a value as a string. */
struct gt_value sp_strval(struct arena *a, struct gt_value v);
/* A Go string value's bytes as an arena C string. */
const char *sp_cstr(struct gt_call *c, struct gt_value v);

#endif
