#!/usr/bin/env bash
# Time `kubectl kustomize` and `manifestc build` on the same generated tree
# (bench/gen.sh) for each size given, check the outputs are byte-identical,
# and print wall times, their ratio and the peak RSS of both (manifestc:
# the best of RUNS runs timed alone, then one more under GNU time for RSS).
#
# usage: bench/run.sh [SIZE...]          (default: 1000 5000)
#   MANIFESTC=path   the binary to time (default build-release/manifestc;
#                    build it with cmake --preset release && cmake --build --preset release)
#   RUNS=n           manifestc runs per size, the best is kept (default 5)
#   WORK=dir         where trees and outputs go (default a temporary directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mc=${MANIFESTC:-$root/build-release/manifestc}
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000)
[ -x "$mc" ] || { echo "bench: no binary at $mc (build the release preset)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "bench: kubectl not found" >&2; exit 2; }
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

# Run a command under GNU time; print "seconds max_rss_kib".  The clock is
# bash's own (EPOCHREALTIME), read around the command: no process is
# started to read it.
measure() {
	local out=$1; shift
	local t0 t1
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$work/time.txt" "$@" > "$out" 2> "$work/stderr.txt" || {
		echo "bench: failed: $*" >&2
		cat "$work/stderr.txt" >&2
		return 1
	}
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v r="$(cat "$work/time.txt")" 'BEGIN { printf "%.4f %d\n", b - a, r }'
}

# Wall seconds of one run of a command, with nothing else timed: GNU time's
# own start-up (about a millisecond) is a few percent of a 25 ms build.
wall() {
	local out=$1; shift
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" > "$out" 2> "$work/stderr.txt" || { cat "$work/stderr.txt" >&2; return 1; }
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}

printf '%-8s %12s %12s %10s %14s %14s %s\n' resources kubectl_s manifestc_s ratio kubectl_rss_MiB manifestc_rss_MiB identical
status=0
for n in "${sizes[@]}"; do
	tree="$work/tree-$n"
	"$here/gen.sh" "$n" "$tree"
	read -r kt krss < <(measure "$work/kubectl-$n.yaml" kubectl kustomize "$tree/overlay")
	read -r _ brss < <(measure "$work/manifestc-$n.yaml" "$mc" build "$tree/overlay")
	best=""
	for ((i = 0; i < runs; i++)); do
		mt=$(wall "$work/manifestc-$n.yaml" "$mc" build "$tree/overlay")
		if [ -z "$best" ] || awk -v a="$mt" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$mt
		fi
	done
	same=yes
	cmp -s "$work/kubectl-$n.yaml" "$work/manifestc-$n.yaml" || { same=NO; status=1; }
	ratio=$(awk -v k="$kt" -v m="$best" 'BEGIN { printf "%.0fx", k / m }')
	printf '%-8s %12s %12s %10s %14.1f %14.1f %s\n' "$n" "$kt" "$best" "$ratio" \
		"$(awk -v r="$krss" 'BEGIN { print r / 1024 }')" "$(awk -v r="$brss" 'BEGIN { print r / 1024 }')" "$same"
done
echo "(resources: N/2 Deployments + N/2 Services, plus 3 generated ConfigMaps/Secrets; outputs in $work)"
exit $status
