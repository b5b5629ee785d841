#!/usr/bin/env bash
# Generate a Helm chart of N templates written the way `helm create` and
# real charts write them: _helpers.tpl with name/fullname/labels helpers,
# then Deployments, Services and ConfigMaps using include, nindent, toYaml,
# default, quote, with, range and if over a values.yaml of per-component
# settings.
#
# usage: bench/helm_gen.sh N DIR      (the chart is DIR)
set -euo pipefail

n=${1:?usage: helm_gen.sh N DIR}
dir=${2:?usage: helm_gen.sh N DIR}
rm -rf "$dir"
mkdir -p "$dir/templates"

cat > "$dir/Chart.yaml" <<'EOF'
apiVersion: v2
name: benchapp
description: A generated chart for timing manifestc template
type: application
version: 1.2.3
appVersion: "4.5.6"
EOF

cat > "$dir/templates/_helpers.tpl" <<'EOF'
{{- define "benchapp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "benchapp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "benchapp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "benchapp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "benchapp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "benchapp.labels" -}}
helm.sh/chart: {{ include "benchapp.chart" . }}
{{ include "benchapp.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
EOF

{
	echo "nameOverride: \"\""
	echo "fullnameOverride: \"\""
	echo "image:"
	echo "  repository: registry.example.com/team/app"
	echo "  tag: \"\""
	echo "  pullPolicy: IfNotPresent"
	echo "podAnnotations:"
	echo "  prometheus.io/scrape: \"true\""
	echo "components:"
	for ((i = 0; i < n; i++)); do
		printf '  c%03d:\n    enabled: true\n    replicas: %d\n    port: %d\n' "$i" $((i % 3 + 1)) $((8000 + i))
		printf '    env:\n      LOG_LEVEL: info\n      COMPONENT: c%03d\n' "$i"
		printf '    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi\n'
		printf '      limits:\n        memory: 256Mi\n'
	done
} > "$dir/values.yaml"

for ((i = 0; i < n; i++)); do
	c=$(printf 'c%03d' "$i")
	case $((i % 3)) in
	0) cat > "$dir/templates/$c-deployment.yaml" <<EOF
{{- with .Values.components.$c }}
{{- if .enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "benchapp.fullname" \$ }}-$c
  labels:
    {{- include "benchapp.labels" \$ | nindent 4 }}
    app.kubernetes.io/component: $c
spec:
  replicas: {{ .replicas }}
  selector:
    matchLabels:
      {{- include "benchapp.selectorLabels" \$ | nindent 6 }}
      app.kubernetes.io/component: $c
  template:
    metadata:
      {{- with \$.Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "benchapp.selectorLabels" \$ | nindent 8 }}
        app.kubernetes.io/component: $c
    spec:
      containers:
        - name: $c
          image: "{{ \$.Values.image.repository }}:{{ \$.Values.image.tag | default \$.Chart.AppVersion }}"
          imagePullPolicy: {{ \$.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          env:
            {{- range \$k, \$v := .env }}
            - name: {{ \$k }}
              value: {{ \$v | quote }}
            {{- end }}
          resources:
            {{- toYaml .resources | nindent 12 }}
{{- end }}
{{- end }}
EOF
	;;
	1) cat > "$dir/templates/$c-service.yaml" <<EOF
{{- \$c := .Values.components.$c }}
{{- if \$c.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "benchapp.fullname" . }}-$c
  labels:
    {{- include "benchapp.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  ports:
    - port: {{ \$c.port }}
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{- include "benchapp.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: $c
{{- end }}
EOF
	;;
	2) cat > "$dir/templates/$c-configmap.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "benchapp.fullname" . }}-$c
  labels:
    {{- include "benchapp.labels" . | nindent 4 }}
data:
  {{- range \$k, \$v := .Values.components.$c.env }}
  {{ \$k }}: {{ \$v | quote }}
  {{- end }}
  replicas: {{ .Values.components.$c.replicas | quote }}
  release: {{ printf "%s/%s" .Release.Namespace .Release.Name | quote }}
EOF
	;;
	esac
done
