#!/usr/bin/env bash
# Time `manifestc validate --strict` on N generated resources (bench/gen_validate.sh)
# pinned to one core, and print the resources validated per CPU-second (user +
# system time of the best of RUNS runs; CPU time, not wall time, because the
# machines this runs on are shared).  When kubeconform is on PATH it is timed
# on the same files (with -strict -n 1 and the default schema location, which
# needs the network), for comparison.
#
# usage: bench/validate.sh [N]           (default 50000)
#   MANIFESTC=path   the binary (default build-release/manifestc; build it with
#                    cmake --preset release && cmake --build --preset release)
#   RUNS=n           runs, the best is kept (default 5)
#   WORK=dir         where the files go (default a temporary directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mc=${MANIFESTC:-$root/build-release/manifestc}
runs=${RUNS:-5}
n=${1:-50000}
work=${WORK:-$(mktemp -d)}
[ -x "$mc" ] || { echo "validate.sh: $mc not built" >&2; exit 2; }

"$here/gen_validate.sh" "$n" "$work/in"
files=$(find "$work/in" -name '*.yaml' | wc -l)
bytes=$(cat "$work/in"/*.yaml | wc -c)
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

best=""
for _ in $(seq "$runs"); do
	/usr/bin/time -f "%U %S %M" -o "$work/time" "${pin[@]}" "$mc" validate --strict --no-config \
		--summary "$work/in" > "$work/out" || { echo "validate.sh: findings or failure:"; head "$work/out"; exit 1; }
	cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$work/time")
	rss=$(awk '{ print $3 }' "$work/time")
	if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
		best=$cpu
		best_rss=$rss
	fi
done
tail -n 1 "$work/out"
awk -v n="$n" -v t="$best" -v f="$files" -v b="$bytes" -v r="$best_rss" 'BEGIN {
	printf "manifestc validate --strict: %d resources (%d files, %.1f MB) in %.3f s CPU, one core: %.0f resources/s, peak RSS %.0f MB\n",
		n, f, b / 1e6, t, n / t, r / 1024 }'
if command -v kubeconform >/dev/null; then
	/usr/bin/time -f "%U %S" -o "$work/time.kc" kubeconform -strict -n 1 -summary "$work/in" | tail -n 1 || true
	awk -v n="$n" '{ t = $1 + $2; printf "kubeconform -strict -n 1: %.3f s CPU, %.0f resources/s\n", t, n / t }' "$work/time.kc"
fi
[ -n "${WORK:-}" ] || rm -rf "$work"
