#!/usr/bin/env bash
# Time `manifestc template` on a generated chart of N templates
# (bench/helm_gen.sh) rendered for R releases, in-process (build/helm-bench:
# load, coalesce, render, sort and print per release), and the CLI once per
# release for comparison (process start included).
#
# usage: bench/helm.sh [N] [R]           (default: 50 templates, 100 releases)
#   BUILD=dir   the build directory (default build-release; make it with
#               cmake --preset release && cmake --build --preset release)
#   WORK=dir    where the chart goes (default a temporary directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-$root/build-release}
n=${1:-50}
r=${2:-100}
[ -x "$build/helm-bench" ] || { echo "bench: no $build/helm-bench (build the release preset)" >&2; exit 2; }
work=${WORK:-$(mktemp -d)}
"$here/helm_gen.sh" "$n" "$work/chart"
echo "chart: $n templates, $r releases"
"$build/helm-bench" "$work/chart" "$r" -o "$work/out.yaml"
echo "documents: $(grep -c '^# Source:' "$work/out.yaml")"
t0=$(date +%s%N)
for ((i = 0; i < r; i++)); do
	"$build/manifestc" template "rel-$i" "$work/chart" --namespace bench > /dev/null
done
t1=$(date +%s%N)
awk -v a="$t0" -v b="$t1" -v r="$r" 'BEGIN { printf "cli_ms_per_render: %.3f (process start included)\n", (b - a) / 1e6 / r }'
