#!/usr/bin/env bash
# Run the shared Argo CD suites (ApplicationSets, sync order) against the
# built test programs and fail below the bar: every sync-order case, and 95%
# of the ApplicationSet cases (skips count as failures).
# usage: conformance-argocd.sh BUILD_DIR
set -u
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$here/../shared" 2>/dev/null && pwd) || { echo "no ../shared: skipped"; exit 0; }
status=0

out=$("$build/appset-conformance" "$shared/conformance/appset/cases.jsonl" 2>&1)
echo "$out" | grep '^FAIL' | head -n 40
last=$(echo "$out" | tail -n 1)
echo "appset: $last"
read -r passed _ failed _ skipped _ <<< "$last"
total=$((passed + failed + skipped))
if [ "$total" -eq 0 ] || [ $((passed * 100)) -lt $((total * 95)) ]; then
	echo "appset: below 95%" >&2
	status=1
fi

out=$(cd "$build" && python3 "$shared/conformance/syncorder/run.py" \
	--cmd "$build/sync-order order {manifests} --namespace {namespace}" 2>&1)
echo "$out" | grep -i '^fail' | head -n 40
last=$(echo "$out" | tail -n 1)
echo "syncorder: $last"
case $last in
*" 0 failed, 0 skipped") ;;
*) echo "syncorder: not every case passes" >&2; status=1 ;;
esac
exit $status
