#!/usr/bin/env bash
# Time `manifestc diff --base REV` on a repository: cold (empty render
# cache), warm (cache populated by the previous run) and without a cache.
# Prints the median of RUNS runs of each, in milliseconds.
#
# usage: bench/diff.sh [REPO] [REV]       (default: examples HEAD~1)
#   MANIFESTC=path  the binary (default build-release/manifestc)
#   RUNS=n          runs per measurement (default 10)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mc=${MANIFESTC:-$root/build-release/manifestc}
repo=${1:-$root/examples}
rev=${2:-HEAD~1}
runs=${RUNS:-10}
[ -x "$mc" ] || { echo "bench: no binary at $mc (build the release preset)" >&2; exit 2; }
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

cd "$repo"
cold=$(for ((i = 0; i < runs; i++)); do rm -rf "$cache"/*; ms "$mc" diff --base "$rev" --cache "$cache"; done | median)
"$mc" diff --base "$rev" --cache "$cache" >/dev/null
warm=$(for ((i = 0; i < runs; i++)); do ms "$mc" diff --base "$rev" --cache "$cache"; done | median)
none=$(for ((i = 0; i < runs; i++)); do ms "$mc" diff --base "$rev" --no-cache; done | median)
echo "manifestc diff --base $rev in $repo: warm ${warm} ms, cold ${cold} ms, no cache ${none} ms (median of $runs)"
