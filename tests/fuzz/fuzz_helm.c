/*
 * fuzz_helm.c - libFuzzer target for the Helm frontend's parsers of
 * untrusted text: --set strings (all flavours), chart archives (the input
 * gzipped here so that the tar reader sees the bytes), manifest splitting
 * and heads (libyaml and the loader), .helmignore rules and filepath.Match,
 * semver versions and constraints, kube versions.
 *
 * Every input must be accepted or refused with a message, never crash,
 * hang or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mc/helm.h"
#include "mc/semver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void archive(struct arena *a, const uint8_t *data, size_t size)
{
	uLongf cap = compressBound(size) + 64;
	Bytef *gz = xmalloc(cap);
	z_stream zs = { 0 };
	if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
		zs.next_in = (Bytef *)(uintptr_t)data;
		zs.avail_in = (uInt)size;
		zs.next_out = gz;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END) {
			struct helm_files files = { 0 };
			const char *err;
			helm_archive_files(a, (const char *)gz, zs.total_out, &files, &err);
		}
		deflateEnd(&zs);
	}
	free(gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct arena *a = &ctx.arena;
	char *s = arena_strndup(a, (const char *)data, size);
	/* --set and friends (not --set-file: no files here) */
	static const enum helm_set_kind kinds[] = { HELM_SET, HELM_SET_STRING, HELM_SET_JSON, HELM_SET_LITERAL };
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		const char *err;
		helm_strvals_parse(&ctx, s, kinds[k], ir_map(&ctx, NULL), &err);
	}
	archive(a, data, size);
	/* a rendered file: split, heads, sort, print */
	struct helm_rendered f = { "c/templates/f.yaml", s, size, SRCPOS_NONE };
	struct helm_sorted sorted = { 0 };
	if (helm_sort_manifests(&ctx, &f, 1, (size & 1) ? 4 : 3, &sorted) == 0) {
		struct helm_chart chart = { 0 };
		struct helm_print_opts po = { .major = 3 };
		struct sbuf out = SBUF_INIT;
		helm_print(&ctx, &chart, &sorted, &po, &out);
		sbuf_release(&out);
	}
	/* pattern NUL name */
	const char *nul = memchr(s, '\0', size);
	const char *name = nul ? nul + 1 : "templates/x.yaml";
	path_match(s, name);
	const char *err;
	struct helm_ignore *r = helm_ignore_parse(a, s, strlen(s), &err);
	if (r)
		helm_ignore_match(r, name, size & 2);
	struct semver v;
	semver_parse(a, s, &v, NULL);
	struct semver_constraints *c = semver_constraints_parse(a, s, NULL);
	if (c && semver_parse(a, name, &v, NULL))
		semver_check(c, &v);
	struct helm_kube_version kv;
	helm_parse_kube_version(a, s, &kv, &err);
	mc_ctx_release(&ctx);
	return 0;
}
