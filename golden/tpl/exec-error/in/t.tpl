{{ define "x" }}{{ .a.b }}{{ end }}ok
{{ template "x" . }}
