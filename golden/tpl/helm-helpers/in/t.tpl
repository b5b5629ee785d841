{{- define "app.name" -}}
{{- default "app" .nameOverride | trunc 63 | trimSuffix "-" }}
{{- end -}}
name: {{ include "app.name" . }}
labels:
  {{- toYaml .labels | nindent 2 }}
replicas: {{ .replicas }}
ratio: {{ .ratio }}
{{- range $k, $v := .env }}
{{ $k }}={{ $v | quote }}
{{- end }}
missing: {{ .nope }}
