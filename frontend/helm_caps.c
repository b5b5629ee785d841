/*
 * helm_caps.c - .Capabilities: the Kubernetes version and the API
 * versions `helm template` reports without a cluster.
 *
 * The version comes from --kube-version, parsed by apimachinery's
 * ParseGeneric (a 'v', at least two numeric components, anything after
 * them ignored), or defaults to v1.20.0 as in Helm's own tests.  The API
 * versions are chartutil.DefaultVersionSet: every group/version registered
 * in client-go's scheme (Helm 3.21 and 4.2 build with client-go v0.36)
 * plus apiextensions.k8s.io v1 and v1beta1, then the --api-versions.
 * The list below is k8s.io/api v0.36's group/versions that have clients
 * (admission, apidiscovery and imagepolicy have none).
 * Helm lists them in map order; only membership (`.Has`) is meaningful,
 * so they are kept in a fixed order here.
 */
#include <string.h>

#include "mc/helm.h"

const char *const helm_default_api_versions[] = {
	"v1",
	"admissionregistration.k8s.io/v1",
	"admissionregistration.k8s.io/v1alpha1",
	"admissionregistration.k8s.io/v1beta1",
	"internal.apiserver.k8s.io/v1alpha1",
	"apps/v1",
	"apps/v1beta1",
	"apps/v1beta2",
	"authentication.k8s.io/v1",
	"authentication.k8s.io/v1alpha1",
	"authentication.k8s.io/v1beta1",
	"authorization.k8s.io/v1",
	"authorization.k8s.io/v1beta1",
	"autoscaling/v1",
	"autoscaling/v2",
	"batch/v1",
	"batch/v1beta1",
	"certificates.k8s.io/v1",
	"certificates.k8s.io/v1alpha1",
	"certificates.k8s.io/v1beta1",
	"coordination.k8s.io/v1",
	"coordination.k8s.io/v1alpha2",
	"coordination.k8s.io/v1beta1",
	"discovery.k8s.io/v1",
	"discovery.k8s.io/v1beta1",
	"events.k8s.io/v1",
	"events.k8s.io/v1beta1",
	"extensions/v1beta1",
	"flowcontrol.apiserver.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1beta1",
	"flowcontrol.apiserver.k8s.io/v1beta2",
	"flowcontrol.apiserver.k8s.io/v1beta3",
	"networking.k8s.io/v1",
	"networking.k8s.io/v1beta1",
	"node.k8s.io/v1",
	"node.k8s.io/v1alpha1",
	"node.k8s.io/v1beta1",
	"policy/v1",
	"policy/v1beta1",
	"rbac.authorization.k8s.io/v1",
	"rbac.authorization.k8s.io/v1alpha1",
	"rbac.authorization.k8s.io/v1beta1",
	"resource.k8s.io/v1",
	"resource.k8s.io/v1alpha3",
	"resource.k8s.io/v1beta1",
	"resource.k8s.io/v1beta2",
	"scheduling.k8s.io/v1",
	"scheduling.k8s.io/v1alpha3",
	"scheduling.k8s.io/v1beta1",
	"storage.k8s.io/v1",
	"storage.k8s.io/v1alpha1",
	"storage.k8s.io/v1beta1",
	"storagemigration.k8s.io/v1",
	"storagemigration.k8s.io/v1beta1",
	"apiextensions.k8s.io/v1beta1",
	"apiextensions.k8s.io/v1",
	NULL,
};

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

int helm_parse_kube_version(struct arena *a, const char *s, struct helm_kube_version *out,
	const char **err)
{
	/* ^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)*$ */
	const char *p = s;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
		p++;
	if (*p == 'v')
		p++;
	if (!digit(*p)) {
		*err = arena_printf(a, "could not parse %s as version", go_quote_a(a, s));
		return -1;
	}
	unsigned long long comp[64];
	size_t n = 0;
	for (;;) {
		const char *st = p;
		while (digit(*p))
			p++;
		if (st[0] == '0' && p - st > 1 && n == 0) {
			*err = arena_printf(a, "illegal zero-prefixed version component %s in %s",
				go_quote_a(a, arena_strndup(a, st, (size_t)(p - st))), go_quote_a(a, s));
			return -1;
		}
		unsigned long long v = 0;
		for (const char *q = st; q < p; q++) {
			if (v > (~0ULL - 9) / 10) {
				*err = arena_printf(a, "illegal non-numeric version component %s in %s: strconv.ParseUint: parsing %s: value out of range",
					go_quote_a(a, arena_strndup(a, st, (size_t)(p - st))), go_quote_a(a, s),
					go_quote_a(a, arena_strndup(a, st, (size_t)(p - st))));
				return -1;
			}
			v = v * 10 + (unsigned)(*q - '0');
		}
		if (n < 64)
			comp[n++] = v;
		if (p[0] == '.' && digit(p[1])) {
			p++;
			continue;
		}
		break;
	}
	if (n < 2) {
		*err = arena_printf(a, "illegal version string %s", go_quote_a(a, s));
		return -1;
	}
	struct sbuf sb = SBUF_INIT;
	sbuf_addc(&sb, 'v');
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&sb, i ? ".%llu" : "%llu", comp[i]);
	out->version = arena_strndup(a, sb.buf, sb.len);
	out->major = arena_printf(a, "%llu", comp[0]);
	out->minor = arena_printf(a, "%llu", comp[1]);
	sbuf_release(&sb);
	return 0;
}

void helm_default_kube_version(struct helm_kube_version *out)
{
	out->version = "v1.20.0";
	out->major = "1";
	out->minor = "20";
}
