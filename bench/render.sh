#!/usr/bin/env bash
# Time `manifestc render` on a synthetic GitOps repository (bench/gen-gitops.py:
# SERVICES x 4 environments Applications) against running `kubectl kustomize`
# once per Application, and check that every Application's resources are the
# ones kubectl builds (minus what Argo CD adds: the tracking annotation and
# the destination namespace).
#
# usage: bench/render.sh [SERVICES]        (default 250: 1000 Applications)
#   MANIFESTC=path  the binary (default build-release/manifestc)
#   RUNS=n          manifestc runs, the best is kept (default 5)
#   JOBS=n          manifestc threads (default: one per core)
#   SAMPLE=n        time kubectl on n Applications spread over the repository
#                   and scale to all of them (default: every Application)
#   WORK=dir        where the repository and outputs go (default: a temporary directory)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mc=${MANIFESTC:-$root/build-release/manifestc}
runs=${RUNS:-5}
services=${1:-250}
[ -x "$mc" ] || { echo "bench: no binary at $mc (build the release preset)" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "bench: kubectl not found" >&2; exit 2; }
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
repo=$work/repo
out=$work/out

python3 "$here/gen-gitops.py" "$services" "$repo"
apps=$((services * 4))

now() { date +%s%N; }

best=
cpu=
for ((i = 0; i < runs; i++)); do
	t0=$(now)
	/usr/bin/time -f '%U %S' -o "$work/cpu.txt" "$mc" render "$repo" -o "$out" ${JOBS:+--jobs "$JOBS"}
	t1=$(now)
	ns=$((t1 - t0))
	if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then
		best=$ns
		cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/cpu.txt")
	fi
done

# kubectl kustomize per Application (every one, or a spread sample).
mapfile -t overlays < <(cd "$repo" && ls -d services/*/overlays/*)
n=${#overlays[@]}
sample=${SAMPLE:-$n}
[ "$sample" -le "$n" ] || sample=$n
step=$((n / sample))
k0=$(now)
checked=0
for ((i = 0; i < n && checked < sample; i += step)); do
	kubectl kustomize "$repo/${overlays[$i]}" > "$work/kubectl.$checked.yaml"
	checked=$((checked + 1))
done
k1=$(now)
kns=$(( (k1 - k0) * n / checked ))

# The rendered resources are kubectl's, plus Argo CD's tracking annotation
# and destination namespace.
python3 - "$repo" "$out" "$work" "$step" "$checked" <<'PY'
import json, sys, yaml
repo, out, work, step, checked = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
import os
overlays = sorted(d for d in os.popen("cd %s && ls -d services/*/overlays/*" % repo).read().split())
bad = 0
for k in range(checked):
    path = overlays[k * step]
    svc, env = path.split("/")[1], path.split("/")[3]
    want = [d for d in yaml.safe_load_all(open("%s/kubectl.%d.yaml" % (work, k))) if d]
    got = [d for d in yaml.safe_load_all(open("%s/%s/%s-%s.yaml" % (out, env, svc, env))) if d]
    for d in got:
        md = d["metadata"]
        md["annotations"].pop("argocd.argoproj.io/tracking-id")
        if not md["annotations"]:
            del md["annotations"]
        if md.get("namespace") == svc:
            del md["namespace"]
    key = lambda d: json.dumps(d, sort_keys=True)
    if sorted(map(key, got)) != sorted(map(key, want)):
        bad += 1
        print("bench: %s differs from kubectl kustomize" % path, file=sys.stderr)
print("checked %d Applications against kubectl kustomize: %d differ" % (checked, bad))
sys.exit(1 if bad else 0)
PY

awk -v a="$apps" -v m="$best" -v c="$cpu" -v k="$kns" -v s="$checked" -v n="$n" 'BEGIN {
	printf "%d Applications: manifestc render %.3f s (best of runs; %s s CPU), ", a, m / 1e9, c
	printf "kubectl kustomize per Application %.1f s", k / 1e9
	if (s < n) printf " (from %d of %d)", s, n
	printf ", ratio %.0fx\n", k / m
}'
