#!/usr/bin/env bash
# Generate N rendered resources for the validation benchmark, in the mix a
# rendered GitOps environment has: per "service", a Deployment, a Service,
# a ConfigMap, a Secret, an HPA, an Ingress and a ServiceMonitor (a CRD
# kind), spread over files of FILE_SIZE resources (default 100).
#
# usage: bench/gen_validate.sh N DIR
set -euo pipefail
n=${1:?usage: gen_validate.sh N DIR}
dir=${2:?usage: gen_validate.sh N DIR}
per=${FILE_SIZE:-100}
rm -rf "$dir"
mkdir -p "$dir"
awk -v n="$n" -v per="$per" -v out="$dir" 'BEGIN {
	for (i = 0; i < n; i++) {
		f = sprintf("%s/r%05d.yaml", out, int(i / per))
		if (i % per) print "---" > f
		s = sprintf("svc%05d", int(i / 7))
		k = i % 7
		if (k == 0) {
			printf "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: shop\n  labels:\n    app.kubernetes.io/name: %s\n    app.kubernetes.io/part-of: shop\n", s, s > f
			printf "spec:\n  replicas: 3\n  revisionHistoryLimit: 5\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: %s\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%%\n      maxUnavailable: 0\n", s > f
			printf "  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: %s\n      annotations:\n        prometheus.io/scrape: \"true\"\n    spec:\n      serviceAccountName: %s\n", s, s > f
			printf "      securityContext:\n        runAsNonRoot: true\n        fsGroup: 2000\n      containers:\n      - name: app\n        image: registry.example.com/shop/%s:1.%d.3\n        imagePullPolicy: IfNotPresent\n", s, i % 10 > f
			printf "        args: [\"--port=8080\", \"--log-level=info\"]\n        ports:\n        - name: http\n          containerPort: 8080\n          protocol: TCP\n        env:\n        - name: LOG_FORMAT\n          value: json\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: %s\n              key: password\n", s > f
			printf "        envFrom:\n        - configMapRef:\n            name: %s\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n          limits:\n            cpu: \"1\"\n            memory: 512Mi\n", s > f
			printf "        readinessProbe:\n          httpGet:\n            path: /healthz\n            port: http\n          periodSeconds: 10\n        livenessProbe:\n          httpGet:\n            path: /livez\n            port: 8080\n          initialDelaySeconds: 15\n", "" > f
			printf "        volumeMounts:\n        - name: config\n          mountPath: /etc/app\n          readOnly: true\n      volumes:\n      - name: config\n        configMap:\n          name: %s\n", s > f
		} else if (k == 1) {
			printf "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: shop\n  labels:\n    app.kubernetes.io/name: %s\nspec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: %s\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n    protocol: TCP\n", s, s, s > f
		} else if (k == 2) {
			printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: shop\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: \"search,recommendations\"\n  app.yaml: |\n    server:\n      port: 8080\n    cache:\n      ttl: 60s\n", s > f
		} else if (k == 3) {
			printf "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: shop\ntype: Opaque\ndata:\n  password: c3VwZXItc2VjcmV0LXBhc3N3b3Jk\n  username: YWRtaW4=\n", s > f
		} else if (k == 4) {
			printf "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: %s\n  namespace: shop\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: %s\n  minReplicas: 3\n  maxReplicas: 20\n", s, s > f
			printf "  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 70\n", "" > f
		} else if (k == 5) {
			printf "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: %s\n  namespace: shop\n  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\nspec:\n  ingressClassName: nginx\n  tls:\n  - hosts: [\"%s.shop.example.com\"]\n    secretName: %s-tls\n", s, s, s > f
			printf "  rules:\n  - host: %s.shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: %s\n            port:\n              name: http\n", s, s > f
		} else {
			printf "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: %s\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: %s\n  endpoints:\n  - port: http\n    interval: 30s\n    path: /metrics\n", s, s > f
		}
	}
}'
