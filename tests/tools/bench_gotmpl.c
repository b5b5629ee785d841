/*
 * bench_gotmpl.c - time the template engine on a chart-shaped workload.
 *
 * Builds a set like a Helm chart's (a _helpers.tpl with the usual
 * name/labels/selector helpers, and N resource templates using include,
 * toYaml, nindent, default, quote, range, with and if over .Values), parses
 * it once, then renders every template for R releases with different
 * values, and prints the time per release (all N templates).  Usage:
 *   bench_gotmpl [N=50] [R=100]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc/gotmpl.h"

static const char helpers[] =
	"{{- define \"app.name\" -}}\n"
	"{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix \"-\" }}\n"
	"{{- end }}\n"
	"{{- define \"app.fullname\" -}}\n"
	"{{- if .Values.fullnameOverride }}\n"
	"{{- .Values.fullnameOverride | trunc 63 | trimSuffix \"-\" }}\n"
	"{{- else }}\n"
	"{{- $name := default .Chart.Name .Values.nameOverride }}\n"
	"{{- if contains $name .Release.Name }}\n"
	"{{- .Release.Name | trunc 63 | trimSuffix \"-\" }}\n"
	"{{- else }}\n"
	"{{- printf \"%s-%s\" .Release.Name $name | trunc 63 | trimSuffix \"-\" }}\n"
	"{{- end }}\n"
	"{{- end }}\n"
	"{{- end }}\n"
	"{{- define \"app.labels\" -}}\n"
	"helm.sh/chart: {{ printf \"%s-%s\" .Chart.Name .Chart.Version | replace \"+\" \"_\" }}\n"
	"{{ include \"app.selectorLabels\" . }}\n"
	"app.kubernetes.io/managed-by: {{ .Release.Service }}\n"
	"{{- end }}\n"
	"{{- define \"app.selectorLabels\" -}}\n"
	"app.kubernetes.io/name: {{ include \"app.name\" . }}\n"
	"app.kubernetes.io/instance: {{ .Release.Name }}\n"
	"{{- end }}\n";

static const char resource[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: {{ include \"app.fullname\" . }}-%d\n"
	"  labels:\n"
	"    {{- include \"app.labels\" . | nindent 4 }}\n"
	"spec:\n"
	"  {{- if not .Values.autoscaling.enabled }}\n"
	"  replicas: {{ .Values.replicaCount }}\n"
	"  {{- end }}\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      {{- include \"app.selectorLabels\" . | nindent 6 }}\n"
	"  template:\n"
	"    metadata:\n"
	"      {{- with .Values.podAnnotations }}\n"
	"      annotations:\n"
	"        {{- toYaml . | nindent 8 }}\n"
	"      {{- end }}\n"
	"    spec:\n"
	"      containers:\n"
	"        - name: {{ .Chart.Name }}\n"
	"          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n"
	"          ports:\n"
	"            {{- range $p := .Values.ports }}\n"
	"            - name: {{ $p.name | quote }}\n"
	"              containerPort: {{ $p.port }}\n"
	"            {{- end }}\n"
	"          env:\n"
	"            {{- range $k, $v := .Values.env }}\n"
	"            - name: {{ $k }}\n"
	"              value: {{ $v | quote }}\n"
	"            {{- end }}\n"
	"          resources:\n"
	"            {{- toYaml .Values.resources | nindent 12 }}\n";

static struct gt_value values(struct arena *a, int release)
{
	struct gt_value root = gt_map_new(a, NULL);
	struct gt_value chart = gt_map_new(a, NULL);
	gt_map_setc(a, chart.m, "Name", gt_cstring("app"));
	gt_map_setc(a, chart.m, "Version", gt_cstring("1.2.3+build"));
	gt_map_setc(a, chart.m, "AppVersion", gt_cstring("2.0.0"));
	struct gt_value rel = gt_map_new(a, NULL);
	char *name = arena_printf(a, "release-%d", release);
	gt_map_setc(a, rel.m, "Name", gt_cstring(name));
	gt_map_setc(a, rel.m, "Service", gt_cstring("Helm"));
	struct gt_value v = gt_map_new(a, NULL);
	gt_map_setc(a, v.m, "replicaCount", gt_float(release % 5 + 1));
	struct gt_value as = gt_map_new(a, NULL);
	gt_map_setc(a, as.m, "enabled", gt_bool(false));
	gt_map_setc(a, v.m, "autoscaling", as);
	struct gt_value img = gt_map_new(a, NULL);
	gt_map_setc(a, img.m, "repository", gt_cstring("registry.example.com/team/app"));
	gt_map_setc(a, img.m, "tag", gt_cstring(""));
	gt_map_setc(a, v.m, "image", img);
	struct gt_value ann = gt_map_new(a, NULL);
	gt_map_setc(a, ann.m, "prometheus.io/scrape", gt_cstring("true"));
	gt_map_setc(a, ann.m, "checksum/config", gt_cstring(arena_printf(a, "%08x", release * 2654435761u)));
	gt_map_setc(a, v.m, "podAnnotations", ann);
	struct gt_value ports = gt_list_new(a, NULL, 2);
	for (int i = 0; i < 2; i++) {
		struct gt_value p = gt_map_new(a, NULL);
		gt_map_setc(a, p.m, "name", gt_cstring(i ? "metrics" : "http"));
		gt_map_setc(a, p.m, "port", gt_float(8080 + i));
		gt_list_push(a, ports, p);
	}
	gt_map_setc(a, v.m, "ports", ports);
	struct gt_value env = gt_map_new(a, NULL);
	for (int i = 0; i < 5; i++)
		gt_map_setc(a, env.m, arena_printf(a, "VAR_%d", i), gt_cstring(arena_printf(a, "value-%d", i)));
	gt_map_setc(a, v.m, "env", env);
	struct gt_value res = gt_map_new(a, NULL);
	struct gt_value lim = gt_map_new(a, NULL);
	gt_map_setc(a, lim.m, "cpu", gt_cstring("500m"));
	gt_map_setc(a, lim.m, "memory", gt_cstring("128Mi"));
	gt_map_setc(a, res.m, "limits", lim);
	gt_map_setc(a, res.m, "requests", lim);
	gt_map_setc(a, v.m, "resources", res);
	gt_map_setc(a, root.m, "Chart", chart);
	gt_map_setc(a, root.m, "Release", rel);
	gt_map_setc(a, root.m, "Values", v);
	return root;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int ntpl = argc > 1 ? atoi(argv[1]) : 50;
	int nrel = argc > 2 ? atoi(argv[2]) : 100;
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct gt_set *set = gt_set_new(&ctx, GT_FUNCS_HELM);
	struct gt_error err;
	double t0 = now_s();
	struct gt_src hs = { .name = "app/templates/_helpers.tpl", .text = helpers, .len = sizeof helpers - 1 };
	if (gt_parse(set, &hs, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	char **names = calloc((size_t)ntpl, sizeof *names);
	for (int i = 0; i < ntpl; i++) {
		names[i] = arena_printf(&ctx.arena, "app/templates/r%d.yaml", i);
		char *text = arena_printf(&ctx.arena, resource, i);
		struct gt_src s = { .name = names[i], .text = text, .len = strlen(text) };
		if (gt_parse(set, &s, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	double t1 = now_s();
	size_t bytes = 0;
	struct sbuf out = SBUF_INIT;
	for (int r = 0; r < nrel; r++) {
		struct arena scratch = ARENA_INIT;
		struct gt_value dot = values(&scratch, r);
		struct gt_exec_opts o = { .missingkey = GT_MISSING_ZERO, .arena = &scratch };
		for (int i = 0; i < ntpl; i++) {
			sbuf_reset(&out);
			if (gt_exec(set, names[i], dot, &o, &out, &err)) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
			bytes += out.len;
		}
		arena_release(&scratch);
	}
	double t2 = now_s();
	printf("parse: %.3f ms for %d templates\n", (t1 - t0) * 1e3, ntpl + 1);
	printf("render: %.3f ms per release (%d templates, %zu bytes per release), %d releases\n",
		(t2 - t1) * 1e3 / nrel, ntpl, bytes / (size_t)nrel, nrel);
	sbuf_release(&out);
	free(names);
	mc_ctx_release(&ctx);
	return 0;
}
