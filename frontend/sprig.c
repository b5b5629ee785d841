/*
 * sprig.c - Sprig v3.3.0's function map (TxtFuncMap) for Go templates.
 *
 * Each family of functions lives in its own file (sprig_strings.c,
 * sprig_lists.c, ...) and exports a table; this file assembles the map a
 * set starts from: everything for GT_FUNCS_SPRIG, without env/expandenv
 * for Helm, and without getHostByName too for Argo CD.
 */
#include <string.h>

#include "sprig_impl.h"

static const struct {
	const struct gt_func *f;
	const size_t *n;
} families[] = {
	{ sprig_string_funcs, &sprig_string_nfuncs },
	{ sprig_list_funcs, &sprig_list_nfuncs },
	{ sprig_math_funcs, &sprig_math_nfuncs },
	{ sprig_regex_funcs, &sprig_regex_nfuncs },
	{ sprig_json_funcs, &sprig_json_nfuncs },
	{ sprig_misc_funcs, &sprig_misc_nfuncs },
	{ sprig_semver_funcs, &sprig_semver_nfuncs },
	{ sprig_date_funcs, &sprig_date_nfuncs },
	{ sprig_crypto_funcs, &sprig_crypto_nfuncs },
};

void gt_sprig_register(struct gt_set *s, enum gt_funcset base)
{
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		gt_set_add_funcs(s, families[i].f, *families[i].n);
	if (base == GT_FUNCS_HELM || base == GT_FUNCS_ARGOCD) {
		gt_set_remove_func(s, "env");
		gt_set_remove_func(s, "expandenv");
	}
	if (base == GT_FUNCS_ARGOCD)
		gt_set_remove_func(s, "getHostByName");
}

void gt_warn_nondeterministic(struct gt_call *c, unsigned family, const char *what)
{
	struct gt_set *s = gt_call_set(c);
	while (s->parent)
		s = s->parent;
	if (s->warned & (1u << family))
		return;
	s->warned |= 1u << family;
	struct srcpos pos = gt_call_pos(c);
	diag_warn(&s->ctx->diag, &pos, "%s: the output is not reproducible under Helm (%s)",
		gt_call_func(c)->name, what);
}
