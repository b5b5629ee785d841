#!/usr/bin/env bash
# Render real GitOps repositories (read-only git mirrors) with `manifestc
# render` and check them with argocd-real-repos.py: every Application's
# objects equal `kubectl kustomize` / Argo CD's directory reading plus what
# Argo CD adds, the YAML and JSON renders hold the same objects, two runs
# give the same bytes, and so does a copy whose files were created in the
# reverse order.  Repositories whose mirror is absent are skipped.
# usage: argocd-real-repos.sh MANIFESTC [MIRRORS (default /work/.mirror)]
set -u
mc=$(realpath "$1")
mirrors=${2:-/work/.mirror}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

tree() { # tree MIRROR DIR [PATHS...]: the mirror's HEAD, extracted
	local m=$mirrors/$1/repo d=$2
	shift 2
	[ -d "$m" ] || return 1
	mkdir -p "$d" && git -C "$m" archive HEAD "$@" 2> /dev/null | tar -x -C "$d"
}

reverse_copy() { # the same files, created in the reverse order
	(cd "$1" && find . -type f | sort -r) | while read -r f; do
		mkdir -p "$2/$(dirname "$f")" && cp "$1/$f" "$2/$f"
	done
}

# check NAME ROOT [render flags...]: render, re-render, JSON, reversed copy
check() {
	local name=$1 root=$2 d=$work/out/$1
	shift 2
	mkdir -p "$d"
	if ! "$mc" render "$root" -o "$d/y" --no-validate "$@" 2> "$d/err"; then
		echo "FAIL $name: render failed"; grep -v '^ ' "$d/err" | head -n 5; status=1; return
	fi
	"$mc" render "$root" -o "$d/y2" --no-validate "$@" 2> /dev/null
	"$mc" render "$root" -o "$d/j" --no-validate --format json "$@" 2> /dev/null
	diff -r "$d/y" "$d/y2" > /dev/null || { echo "FAIL $name: two runs differ"; status=1; }
	local maps=() a
	for a in "$@"; do case $a in *=*) maps+=(--repo "$a") ;; esac; done
	out=$(python3 "$here/argocd-real-repos.py" "$d/y" "$d/j" --root "$root" "${maps[@]}") || status=1
	echo "$out" | grep -v '^ok\|^helm' | sed "s|^|$name: |"
	echo "$out" | tail -n 1 >> "$work/summaries"
}

# argoproj/argocd-example-apps: the apps chart (app of apps) with every
# application manifestc supports; the others must fail clearly.
ex=$work/example-apps
if tree argoproj+argocd-example-apps "$ex"; then
	url=https://github.com/argoproj/argocd-example-apps
	mkdir -p "$work/root"
	cat > "$work/root/root.yaml" <<EOF
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: apps
  namespace: argocd
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
  source:
    repoURL: $url
    targetRevision: master
    path: apps
    helm:
      valuesObject:
        applications:
          - {name: blue-green, tool: {helm: {releaseName: blue-green}}}
          - {name: guestbook}
          - {name: helm-guestbook, tool: {helm: {releaseName: helm-guestbook}}}
          - {name: helm-hooks}
          - {name: kustomize-guestbook}
          - {name: pre-post-sync}
          - {name: sock-shop}
          - {name: sync-waves}
EOF
	check example-apps "$work/root" --repo "$url=$ex"
	reverse_copy "$ex" "$work/example-apps-rev"
	"$mc" render "$work/root" -o "$work/out/rev" --no-validate --repo "$url=$work/example-apps-rev" 2> /dev/null
	diff -r "$work/out/example-apps/y" "$work/out/rev" > /dev/null ||
		{ echo "FAIL example-apps: the reversed copy renders differently"; status=1; }
	# the whole apps chart: jsonnet, plugins and the unvendored dependency
	sed -i '/valuesObject/,$d; /helm:$/d' "$work/root/root.yaml"
	if "$mc" render "$work/root" -o - --no-validate --repo "$url=$ex" > /dev/null 2> "$work/err"; then
		echo "FAIL example-apps (all): rendered"; status=1
	else
		n=$(grep -c 'not supported by manifestc\|needs the network' "$work/err")
		echo "example-apps (all): $n clear errors (jsonnet x2, plugins x3, helm-dependency)"
		[ "$n" = 6 ] || status=1
	fi
else
	echo "skip argocd-example-apps: no mirror"
fi

# argoproj/argo-cd: applicationset/examples, each ApplicationSet alone, with
# two clusters; the examples point at argo-cd and argocd-example-apps.
acd=$work/argo-cd
if [ -d "$ex" ] && tree argoproj+argo-cd "$acd" applicationset/examples; then
	cat > "$work/clusters.yaml" <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: cluster-staging
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster, environment: staging, kafka: "true"}
stringData: {name: staging, server: https://staging.example.com}
---
apiVersion: v1
kind: Secret
metadata:
  name: cluster-production
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster, environment: production, kafka: "false"}
stringData: {name: production, server: https://production.example.com}
EOF
	ok=0 failed=0
	for f in $(grep -rl 'kind: ApplicationSet' "$acd/applicationset/examples" | sort); do
		n=$(echo "${f#"$acd"/applicationset/examples/}" | tr / _)
		mkdir -p "$work/as/$n" && cp "$f" "$work/as/$n/"
		if "$mc" render "$work/as/$n" -o "$work/as-out" --no-validate --clusters "$work/clusters.yaml" \
			--repo "https://github.com/argoproj/argo-cd.git=$acd" \
			--repo "https://github.com/argoproj/argocd-example-apps=$ex" > /dev/null 2>&1; then
			check "appset/$n" "$work/as/$n" --clusters "$work/clusters.yaml" \
				--repo "https://github.com/argoproj/argo-cd.git=$acd" \
				--repo "https://github.com/argoproj/argocd-example-apps=$ex"
			ok=$((ok + 1))
		else
			failed=$((failed + 1))
		fi
	done
	echo "argo-cd applicationset/examples: $ok rendered and checked, $failed refused (network generators, remote charts and resources, the examples' own errors)"
fi

# kostis-codefresh/gitops-environment-promotion: kustomize overlays per
# environment, through a git directories ApplicationSet.
kp=$work/promotion
if tree kostis-codefresh+gitops-environment-promotion "$kp"; then
	url=https://github.com/kostis-codefresh/gitops-environment-promotion.git
	mkdir -p "$work/kroot"
	cat > "$work/kroot/envs.yaml" <<EOF
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: envs
  namespace: argocd
spec:
  goTemplate: true
  generators:
  - git:
      repoURL: $url
      revision: HEAD
      directories:
      - path: envs/*
  template:
    metadata:
      name: 'promo-{{.path.basename}}'
      labels:
        environment: '{{.path.basename}}'
    spec:
      project: default
      source:
        repoURL: $url
        path: '{{.path.path}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{.path.basename}}'
EOF
	check env-promotion "$work/kroot" --repo "$url=$kp"
fi

# Repositories holding their own Applications and ApplicationSets.
for m in kostis-codefresh+many-appsets-demo codefresh-contrib+gitops-certification-examples; do
	if tree "$m" "$work/$m"; then
		check "$m" "$work/$m"
	fi
done
# kostis-codefresh/multi-app-multi-value-argocd: cluster labels (the ones its
# start.sh sets) x git directories, multi-source Helm with $ref value files.
# Its appsets 07, 08 and 09 generate some of the same Applications with
# other values (manifestc reports that): each is rendered on its own.
mv=kostis-codefresh+multi-app-multi-value-argocd
if tree "$mv" "$work/$mv"; then
	: > "$work/mclusters.yaml"
	while read -r n cloud env dept region; do
		cat >> "$work/mclusters.yaml" <<EOF
---
apiVersion: v1
kind: Secret
metadata:
  name: cluster-$n
  namespace: argocd
  labels: {argocd.argoproj.io/secret-type: cluster, type: workload, cloud: $cloud, env: $env, department: $dept, region: $region}
stringData: {name: $n, server: "https://$n.example.com:6443"}
EOF
	done <<'EOF'
qa-us gcp qa billing us
qa-eu gcp qa billing eu
staging gcp staging payments us
prod-us aws prod payments us
prod-eu aws prod payments eu
prod-asia aws prod payments asia
EOF
	if "$mc" render "$work/$mv" -o - --no-validate --clusters "$work/mclusters.yaml" > /dev/null 2> "$work/err"; then
		echo "FAIL $mv: the overlapping ApplicationSets were not reported"; status=1
	fi
	for keep in "01 02 03 04 05 06 09" 07 08; do
		rm -rf "$work/mv" && cp -r "$work/$mv" "$work/mv"
		for f in "$work"/mv/appsets/*; do
			case " $keep " in *" $(basename "$f" | cut -c1-2) "*) ;; *) rm "$f" ;; esac
		done
		check "$mv/${keep// /,}" "$work/mv" --clusters "$work/mclusters.yaml"
	done
fi

awk '{ e += $1; d += $3; h += $5; u += $10 } END { printf "total: %d Applications equal to the oracle, %d differ, %d Helm (YAML = JSON, no helm oracle), %d unchecked\n", e, d, h, u }' "$work/summaries"
status_line() { [ $status = 0 ] && echo "all checks passed" || echo "some checks FAILED"; }
status_line
exit $status
