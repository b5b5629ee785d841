#!/usr/bin/env bash
# Turn a kustomization tree into a golden case whose expectation is the
# oracle's: golden/build/NAME/{cmd,in/,expected,exit}.
#
# usage: tests/differential/golden-from-oracle.sh SRC_DIR NAME [BUILD_SUBDIR] [FLAGS...]
#
# SRC_DIR is copied to in/; BUILD_SUBDIR (default .) is the directory built.
# expected is `kubectl kustomize` stdout; when kubectl fails, exit is 1 and
# expected.err is manifestc's message (check it by hand: it must name the
# responsible entry).  Refuses when manifestc disagrees with the oracle.
set -eu
src=$1 name=$2 sub=${3:-.}
shift $(( $# >= 3 ? 3 : $# ))
root=$(cd "$(dirname "$0")/../.." && pwd)
dst=$root/golden/build/$name
[ -e "$dst" ] && { echo "exists: $dst" >&2; exit 2; }
mkdir -p "$dst"
cp -r "$src" "$dst/in"
args="build $sub"
for f in "$@"; do args="$args $f"; done
echo "$args" > "$dst/cmd"
set +e
(cd "$dst/in" && kubectl kustomize "$sub" "$@") > "$dst/expected" 2>/dev/null
rc=$?
(cd "$dst/in" && NO_COLOR=1 LC_ALL=C TZ=UTC "$root/build/manifestc" build "$sub" "$@") > /tmp/golden-mc.$$ 2>/tmp/golden-mc-err.$$
mrc=$?
set -e
if [ $rc -ne 0 ]; then
    : > "$dst/expected"
    echo 1 > "$dst/exit"
    [ $mrc -eq 1 ] || { echo "oracle fails, manifestc exit $mrc" >&2; rm -f /tmp/golden-mc.$$; exit 1; }
    cp /tmp/golden-mc-err.$$ "$dst/expected.err"
    cat "$dst/expected.err"
else
    cmp -s "$dst/expected" /tmp/golden-mc.$$ || { echo "manifestc differs from the oracle" >&2; rm -f /tmp/golden-mc.$$; exit 1; }
fi
rm -f /tmp/golden-mc.$$ /tmp/golden-mc-err.$$
echo "wrote $dst"
