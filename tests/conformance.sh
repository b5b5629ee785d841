#!/usr/bin/env bash
# Run one shared conformance suite against the built binary and print its
# count.  Every public case passes today, so a failing case is a regression:
# the script exits 1 when the runner reports any failure (and 0 with a note
# when ../shared does not exist).  usage: conformance.sh SUITE MANIFESTC
set -u
suite=$1
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$here/../shared" 2>/dev/null && pwd) || { echo "no ../shared: skipped"; exit 0; }
case $suite in
kustomize)
  out=$(bash "$shared/conformance/kustomize/run.sh" "$shared/conformance/kustomize/cases" \
        --timeout 30 -- "$bin" build {dir} 2>&1) ;;
helm)
  out=$(bash "$shared/conformance/helm/run.sh" "$shared/conformance/helm/cases" \
        --timeout 60 -- "$bin" template 2>&1) ;;
helm-engine)
  tool=$(dirname "$bin")/helm-conformance
  out=$(python3 "$shared/conformance/gotemplate/run.py" --funcs helm --cmd false \
        --engine-cmd "$tool engine {case}" --coalesce-cmd "$tool coalesce {case}" \
        "$shared/conformance/gotemplate/cases/helm-engine.jsonl" \
        "$shared/conformance/gotemplate/cases/helm-coalesce.jsonl" 2>&1) ;;
gotemplate)
  out=$(python3 "$shared/conformance/gotemplate/run.py" \
        --cmd "$bin tpl --funcs {funcs} {template} {data}" 2>&1) ;;
validate)
  out=$(bash "$shared/conformance/validate/run.sh" -p "$bin validate --strict {file}" 2>&1) ;;
*) echo "unknown suite $suite" >&2; exit 2 ;;
esac
echo "$out" | grep '^FAIL' | head -n 40
last=$(echo "$out" | tail -n 1)
echo "$suite: $last"
case $last in
*" 0 failed"*) exit 0 ;;
*) exit 1 ;;
esac
