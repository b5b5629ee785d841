#!/usr/bin/env bash
# Generate a large kustomize tree: a base of N resources (N/2 Deployments,
# N/2 Services) and an overlay that uses what platform teams use
# (namespace, namePrefix, labels, images, replicas, a configMapGenerator
# and a secretGenerator that the Deployments reference, a strategic merge
# patch and a JSON 6902 patch chosen by selectors).
#
# usage: bench/gen.sh N DIR      (build DIR/overlay)
set -euo pipefail

n=${1:?usage: gen.sh N DIR}
dir=${2:?usage: gen.sh N DIR}
rm -rf "$dir"
mkdir -p "$dir/base" "$dir/overlay"

awk -v n="$((n / 2))" -v out="$dir/base" 'BEGIN {
	tiers[0] = "frontend"; tiers[1] = "backend"; tiers[2] = "worker"
	d = out "/deployments.yaml"; s = out "/services.yaml"
	for (i = 0; i < n; i++) {
		name = sprintf("svc%05d", i)
		tier = tiers[i % 3]
		if (i) { print "---" > d; print "---" > s }
		printf "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n", name > d
		printf "  labels:\n    app: %s\n    tier: %s\n", name, tier > d
		printf "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: %s\n", name > d
		printf "  template:\n    metadata:\n      labels:\n        app: %s\n", name > d
		printf "    spec:\n      containers:\n      - name: app\n" > d
		printf "        image: registry.example.com/team/%s:1.%d.0\n", name, i % 10 > d
		printf "        ports:\n        - containerPort: 8080\n          name: http\n" > d
		printf "        envFrom:\n        - configMapRef:\n            name: shared-config\n" > d
		printf "        env:\n        - name: SERVICE\n          value: %s\n", name > d
		printf "        - name: PASSWORD\n          valueFrom:\n            secretKeyRef:\n" > d
		printf "              name: shared-secret\n              key: password\n" > d
		printf "        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n" > d
		printf "      - name: proxy\n        image: envoyproxy/envoy:v1.29.1\n" > d
		printf "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  labels:\n    app: %s\n", name, name > s
		printf "spec:\n  selector:\n    app: %s\n  ports:\n  - name: http\n    port: 80\n", name > s
		printf "    targetPort: http\n" > s
	}
}'

cat > "$dir/base/kustomization.yaml" <<'EOF'
resources:
- deployments.yaml
- services.yaml
configMapGenerator:
- name: shared-config
  literals:
  - LOG_LEVEL=info
  - REGION=eu-west-1
secretGenerator:
- name: shared-secret
  literals:
  - password=hunter2
EOF

cat > "$dir/overlay/kustomization.yaml" <<'EOF'
resources:
- ../base
namespace: prod
namePrefix: prod-
labels:
- pairs:
    env: prod
    team: platform
  includeSelectors: false
  includeTemplates: true
images:
- name: envoyproxy/envoy
  newName: registry.example.com/mirror/envoy
  newTag: v1.31.2
replicas:
- name: svc00000
  count: 5
- name: svc00001
  count: 3
configMapGenerator:
- name: shared-config
  behavior: merge
  literals:
  - LOG_LEVEL=warn
secretGenerator:
- name: overlay-secret
  literals:
  - token=s3cr3t
patches:
- target:
    kind: Deployment
    labelSelector: tier in (backend,worker)
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: app
            resources:
              limits:
                memory: 512Mi
- target:
    kind: Deployment
    name: svc0000.*
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value:
        name: CANARY
        value: "true"
    - op: replace
      path: /spec/replicas
      value: 2
EOF
