{{- define "lib.greet" -}}
hello from {{ .Chart.Name }}
{{- end -}}
