#!/usr/bin/env bash
# Differential test of `manifestc template` on real charts whose upstream
# repositories commit what `helm template` produced (nothing of theirs is
# kept in this repository):
#   - open-telemetry/opentelemetry-helm-charts: every chart example with a
#     single values.yaml, compared as the helm conformance runner compares
#     its real-otel cases (rendered files, checksum/helm.sh lines ignored);
#   - kubernetes/ingress-nginx: every hack/manifest-templates provider, put
#     through the same sed + `kustomize build` pipeline as
#     hack/generate-deploy-scripts.sh, compared byte for byte with the
#     committed deploy/static/provider/*/deploy.yaml.
# usage: helm-real-charts.sh OTEL_GIT_DIR INGRESS_NGINX_GIT_DIR [MANIFESTC]
# (git directories, bare or not, e.g. clones made with `git clone --bare`).
set -u
otel=${1:?usage: helm-real-charts.sh OTEL_GIT_DIR INGRESS_NGINX_GIT_DIR [MANIFESTC]}
ingx=${2:?usage}
here=$(cd "$(dirname "$0")/../.." && pwd)
mc=${3:-$here/build/manifestc}
runner=$here/../shared/conformance/helm/run.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# OpenTelemetry examples, laid out as conformance cases.
mkdir -p "$work/otel" "$work/x"
for c in $(git -C "$otel" ls-tree -d --name-only HEAD charts/); do
	chart=$(basename "$c")
	for ex in $(git -C "$otel" ls-tree -d --name-only HEAD "$c/examples/" 2>/dev/null); do
		e=$(basename "$ex")
		git -C "$otel" cat-file -e "HEAD:$ex/values.yaml" 2>/dev/null || continue
		d=$work/otel/real-$chart-$e
		mkdir -p "$d/chart" "$d/expected-rendered"
		rm -rf "$work/x"/*
		git -C "$otel" archive HEAD "$c" | tar -x -C "$work/x"
		cp -r "$work/x/$c/." "$d/chart/"
		rm -rf "$d/chart/examples"
		cp "$work/x/$ex/values.yaml" "$d/values.yaml"
		cp -r "$work/x/$ex/rendered/." "$d/expected-rendered/" 2>/dev/null
		echo "example chart --namespace default --values values.yaml --kube-version 1.29" > "$d/cmd.txt"
		printf '{"mode": "rendered-dir", "chart_name": "%s", "normalize_perl": ["s/[ \\\\t\\\\n]+(?=\\\\n---\\\\n)//g", "s/[ \\\\t\\\\n]+\\\\z/\\\\n/"], "ignore_line_regex": "checksum/config|helm\\\\.sh/chart"}\n' "$chart" > "$d/compare.json"
	done
done
echo "opentelemetry-helm-charts examples (single values file):"
bash "$runner" "$work/otel" -- "$mc" template 2>&1 | grep -E '^(FAIL|[0-9]+ passed)'

# ingress-nginx providers through upstream's own pipeline.
mkdir -p "$work/ingx"
git -C "$ingx" archive HEAD charts/ingress-nginx hack/manifest-templates deploy/static | tar -x -C "$work/ingx"
same=0 diff=0
cd "$work/ingx" || exit 2
for t in $(cd hack/manifest-templates && find . -type f -name values.yaml | xargs -n1 dirname | cut -d/ -f2- | sort); do
	m=$work/ingx/hack/manifest-templates/common/manifest.yaml
	(cd "hack/manifest-templates/$t" &&
	 "$mc" template ingress-nginx "$work/ingx/charts/ingress-nginx" --values values.yaml \
		--namespace ingress-nginx --kube-version 1.22 > "$m" &&
	 sed -i '/app.kubernetes.io\/managed-by: Helm/d; /helm.sh/d' "$m" &&
	 kubectl kustomize --load-restrictor=LoadRestrictionsNone . > "$work/out.yaml")
	if cmp -s "$work/out.yaml" "deploy/static/$t/deploy.yaml"; then
		same=$((same + 1))
	else
		diff=$((diff + 1)); echo "FAIL ingress-nginx $t"
	fi
done
echo "ingress-nginx providers: $same identical, $diff different"
