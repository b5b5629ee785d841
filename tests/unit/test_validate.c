/* Unit tests: the validator - every JSON Schema keyword of the subset, the
 * Kubernetes-specific meanings (null as unset, integral floats, strict
 * mode, preserve-unknown-fields), the checks beyond the schema, resources
 * (identity, skip/reject, lists, CRDs), policies and references. */
#include "testutil.h"

#include "mc/validate.h"

struct vt {
	struct mc_ctx ctx;
	struct schema_set *set;
	const struct schema *s;
};

static void vt_schema(struct vt *t, const char *schema_yaml)
{
	mc_ctx_init(&t->ctx, NULL);
	t->set = schema_set_new(schema_builtin());
	struct ir_docs d;
	cr_assert_eq(tu_load(&t->ctx, schema_yaml, YAML_V2, 0, &d), 0, "schema parse");
	cr_assert_eq(schema_set_add_jsonschema(t->set, &t->ctx, d.items[0], "t-v1"), 0,
		"schema compile: %s", t->ctx.diag.len ? t->ctx.diag.msgs[0].msg : "");
	t->s = schema_lookup(t->set, "", "v1", "T");
	cr_assert_not_null(t->s);
}

static void vt_done(struct vt *t)
{
	schema_set_free(t->set);
	mc_ctx_release(&t->ctx);
}

/* Validate value_yaml; returns the number of errors; *first gets the first
 * finding (rule, pointer). */
static int vt_check(struct vt *t, const char *value_yaml, bool strict, const struct diag_msg **first)
{
	size_t before = t->ctx.diag.len, errs = t->ctx.diag.nerrors;
	struct ir_docs d;
	cr_assert_eq(tu_load(&t->ctx, value_yaml, YAML_V2, YAML_KEEP_EMPTY, &d), 0, "value parse");
	struct validate_opts o = { .strict = strict };
	validate_value(&t->ctx, t->s, d.items[0], "", &o);
	if (first)
		*first = t->ctx.diag.len > before ? &t->ctx.diag.msgs[before] : NULL;
	return (int)(t->ctx.diag.nerrors - errs);
}

static void expect(const char *schema, const char *value, bool strict, const char *rule,
	const char *pointer)
{
	struct vt t;
	vt_schema(&t, schema);
	const struct diag_msg *m;
	int n = vt_check(&t, value, strict, &m);
	if (!rule) {
		cr_assert_eq(n, 0, "%s against %s: unexpected %s %s", value, schema,
			m ? m->rule : "", m ? m->msg : "");
	} else {
		cr_assert_geq(n, 1, "%s against %s: expected %s", value, schema, rule);
		cr_assert_str_eq(m->rule, rule, "%s: got %s (%s)", value, m->rule, m->msg);
		if (pointer)
			cr_assert_str_eq(m->pointer, pointer, "%s: pointer", value);
	}
	vt_done(&t);
}

Test(validate, type)
{
	expect("{type: integer}", "3", false, NULL, NULL);
	expect("{type: integer}", "3.0", false, NULL, NULL); /* sigs.k8s.io/yaml makes it 3 */
	expect("{type: integer}", "3.5", false, "schema/type", "");
	expect("{type: integer}", "'3'", false, "schema/type", "");
	expect("{type: number}", "3", false, NULL, NULL);
	expect("{type: string}", "yes", false, "schema/type", ""); /* YAML 1.1 boolean */
	expect("{type: string}", "'yes'", false, NULL, NULL);
	expect("{type: boolean}", "on", false, NULL, NULL);
	expect("{type: [string, 'null']}", "null", false, NULL, NULL);
	expect("{type: string}", "null", false, "schema/type", "");
	expect("{type: object}", "[1]", false, "schema/type", "");
	expect("{type: array}", "{a: 1}", false, "schema/type", "");
	expect("{type: integer}", ".inf", false, "schema/type", "");
	expect("{type: integer}", "0644", false, NULL, NULL); /* octal 420 */
}

Test(validate, properties_required_null_and_strict)
{
	const char *s = "{type: object, required: [name], properties: {name: {type: string}, "
		"port: {type: integer}}}";
	expect(s, "{name: a, port: 1}", true, NULL, NULL);
	expect(s, "{port: 1}", true, "schema/required", "");
	expect(s, "{name: null}", true, "schema/required", "");
	expect(s, "{name: a, port: null}", true, NULL, NULL); /* null: unset */
	expect(s, "{name: a, extra: 1}", false, NULL, NULL);
	expect(s, "{name: a, extra: 1}", true, "schema/unknown-field", "/extra");
	expect(s, "{name: a, extra: null, more: }", true, NULL, NULL); /* unset: not there */
	expect(s, "{name: a, port: x}", true, "schema/type", "/port");
	expect("{type: object, properties: {a: {type: string}}, additionalProperties: false}",
		"{b: 1}", false, "schema/unknown-field", "/b");
	expect("{type: object, properties: {a: {type: string}}, additionalProperties: {type: integer}}",
		"{a: x, b: 1}", true, NULL, NULL);
	expect("{type: object, properties: {a: {type: string}}, additionalProperties: {type: integer}}",
		"{a: x, b: y}", true, "schema/type", "/b");
	expect("{type: object, properties: {a: {type: string}}, x-kubernetes-preserve-unknown-fields: true}",
		"{a: x, b: {c: 1}}", true, NULL, NULL);
	expect("{type: object}", "{anything: 1}", true, NULL, NULL);
	expect("{type: object, properties: {'a/b~c': {type: integer}}}", "{'a/b~c': x}", true,
		"schema/type", "/a~1b~0c");
	expect("{type: object, minProperties: 2}", "{a: 1}", false, "schema/properties", "");
	expect("{type: object, minProperties: 1}", "{a: null}", false, "schema/properties", "");
	expect("{type: object, maxProperties: 1}", "{a: 1, b: null}", false, NULL, NULL);
	expect("{type: object, maxProperties: 1}", "{a: 1, b: 2}", false, "schema/properties", "");
}

Test(validate, arrays)
{
	const char *s = "{type: array, items: {type: integer}, minItems: 1, maxItems: 2}";
	expect(s, "[1, 2]", false, NULL, NULL);
	expect(s, "[]", false, "schema/items", "");
	expect(s, "[1, 2, 3]", false, "schema/items", "");
	expect(s, "[1, x]", false, "schema/type", "/1");
	expect("{type: array, uniqueItems: true}", "[1, 2, 1]", false, "schema/list-unique", "/2");
	/* list-type uniqueness is a warning */
	struct vt t;
	vt_schema(&t, "{type: array, x-kubernetes-list-type: map, x-kubernetes-list-map-keys: [name], "
		"items: {type: object, properties: {name: {type: string}}}}");
	const struct diag_msg *m;
	cr_assert_eq(vt_check(&t, "[{name: a}, {name: b}, {name: a}]", false, &m), 0);
	cr_assert_not_null(m);
	cr_assert_eq(m->level, DIAG_WARNING);
	cr_assert_str_eq(m->pointer, "/2");
	vt_done(&t);
}

Test(validate, enum_pattern_lengths_bounds)
{
	expect("{type: string, enum: [a, b]}", "b", false, NULL, NULL);
	expect("{type: string, enum: [a, b]}", "c", false, "schema/enum", "");
	expect("{enum: [1, 'x', null]}", "1.0", false, NULL, NULL);
	expect("{type: string, pattern: '^[a-z]+$'}", "abc", false, NULL, NULL);
	expect("{type: string, pattern: '^[a-z]+$'}", "aBc", false, "schema/pattern", "");
	expect("{type: string, pattern: '^(?i)(abort|warn)?$'}", "WARN", false, NULL, NULL);
	expect("{type: string, minLength: 2, maxLength: 3}", "\"\xc3\xa9\xc3\xa9\"", false, NULL, NULL);
	expect("{type: string, maxLength: 1}", "\"\xc3\xa9\xc3\xa9\"", false, "schema/length", "");
	expect("{type: string, minLength: 1}", "''", false, "schema/length", "");
	expect("{type: integer, minimum: 1, maximum: 10}", "10", false, NULL, NULL);
	expect("{type: integer, minimum: 1}", "0", false, "schema/range", "");
	expect("{type: integer, maximum: 10, exclusiveMaximum: true}", "10", false, "schema/range", "");
	expect("{type: number, multipleOf: 0.5}", "1.5", false, NULL, NULL);
	expect("{type: number, multipleOf: 0.5}", "1.2", false, "schema/multiple-of", "");
}

Test(validate, formats)
{
	expect("{type: string, format: date-time}", "'2024-02-29T10:00:00Z'", false, NULL, NULL);
	expect("{type: string, format: date-time}", "'2024-02-30T10:00:00Z'", false, "schema/format", "");
	expect("{type: string, format: date-time}", "'2024-01-01 10:00:00'", false, "schema/format", "");
	expect("{type: string, format: date}", "'2023-02-29'", false, "schema/format", "");
	expect("{type: string, format: duration}", "2160h", false, NULL, NULL);
	expect("{type: string, format: duration}", "1h30m0.5s", false, NULL, NULL);
	expect("{type: string, format: duration}", "P1DT2H", false, NULL, NULL);
	expect("{type: string, format: duration}", "90 days", false, "schema/format", "");
	expect("{type: string, format: byte}", "aGVsbG8=", false, NULL, NULL);
	expect("{type: string, format: byte}", "not base64!", false, "k8s/base64", "");
	expect("{type: integer, format: int32}", "2147483647", false, NULL, NULL);
	expect("{type: integer, format: int32}", "2147483648", false, "k8s/int32", "");
	expect("{type: integer, format: int64}", "9223372036854775808", false, "k8s/int64", "");
	expect("{type: integer, format: int64}", "-9223372036854775808", false, NULL, NULL);
	/* read as a float that rounds to -2^63: still out of range as written */
	expect("{type: integer, format: int64}", "-9223372036854775809", false, "k8s/int64", "");
	expect("{x-kubernetes-int-or-string: true}", "25%", false, NULL, NULL);
	expect("{x-kubernetes-int-or-string: true}", "3", false, NULL, NULL);
	expect("{x-kubernetes-int-or-string: true}", "0.5", false, "schema/type", "");
	expect("{type: string, format: int-or-string}", "true", false, "schema/type", "");
}

Test(validate, combinators_and_nullable)
{
	expect("{anyOf: [{type: integer}, {type: string}]}", "x", false, NULL, NULL);
	expect("{anyOf: [{type: integer}, {type: string}]}", "[1]", false, "schema/type", "");
	expect("{oneOf: [{type: string}, {type: number}]}", "1", false, NULL, NULL);
	expect("{oneOf: [{type: number}, {type: integer}]}", "1", false, "schema/one-of", "");
	/* the branch of the right type explains the failure */
	expect("{anyOf: [{type: integer}, {type: object, required: [a]}]}", "{b: 1}", false,
		"schema/required", "");
	expect("{allOf: [{type: object, properties: {a: {type: integer}}}, {required: [a]}]}",
		"{}", false, "schema/required", "");
	expect("{not: {type: string}}", "x", false, "schema/not", "");
	expect("{not: {type: string}}", "1", false, NULL, NULL);
	expect("{type: string, nullable: true}", "null", false, NULL, NULL);
}

Test(validate, embedded_resource_and_definitions)
{
	const char *s = "{type: object, properties: {template: {type: object, "
		"x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}}}";
	expect(s, "{template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}, data: {}}}", true,
		NULL, NULL);
	expect(s, "{template: {kind: 3}}", true, "schema/type", "/template/kind");
	expect(s, "{template: {metadata: {labels: []}}}", true, "schema/type", "/template/metadata/labels");
	expect("{definitions: {p: {type: integer}}, type: object, properties: {a: {$ref: '#/definitions/p'}}}",
		"{a: x}", false, "schema/type", "/a");
}

/* ------------------------------------------------------------ resources */

static int res_check(const char *yaml, const struct validate_opts *o, const char **rule,
	const char **pointer, enum validate_status *st)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, yaml, YAML_V2, 0, &d), 0);
	struct validate_record rec = { 0 };
	*st = validate_resource(&ctx, schema_builtin(), d.items[0], "", o, &rec);
	int n = (int)ctx.diag.nerrors;
	static char rbuf[64], pbuf[256];
	rbuf[0] = pbuf[0] = 0;
	for (size_t i = 0; i < ctx.diag.len; i++)
		if (ctx.diag.msgs[i].level == DIAG_ERROR) {
			snprintf(rbuf, sizeof rbuf, "%s", ctx.diag.msgs[i].rule ? ctx.diag.msgs[i].rule : "");
			snprintf(pbuf, sizeof pbuf, "%s", ctx.diag.msgs[i].pointer ? ctx.diag.msgs[i].pointer : "");
			break;
		}
	*rule = rbuf;
	*pointer = pbuf;
	mc_ctx_release(&ctx);
	return n;
}

static void res_expect(const char *yaml, const char *rule, const char *pointer)
{
	struct validate_opts o = { .strict = true };
	const char *r, *p;
	enum validate_status st;
	int n = res_check(yaml, &o, &r, &p, &st);
	if (!rule) {
		cr_assert_eq(n, 0, "unexpected %s at %s in:\n%s", r, p, yaml);
		return;
	}
	cr_assert_geq(n, 1, "expected %s in:\n%s", rule, yaml);
	cr_assert_str_eq(r, rule, "rule in:\n%s", yaml);
	if (pointer)
		cr_assert_str_eq(p, pointer, "pointer in:\n%s", yaml);
}

#define DEPLOY(spec) \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n" \
	"  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n" \
	"    spec:\n      containers:\n      - name: app\n        image: nginx:1\n" spec

Test(validate, beyond_schema_checks)
{
	res_expect(DEPLOY(""), NULL, NULL);
	res_expect(DEPLOY("        resources: {limits: {cpu: 500m, memory: 1Gi}, requests: {cpu: 0.5}}\n"),
		NULL, NULL);
	res_expect(DEPLOY("        resources: {limits: {memory: 1GB}}\n"), "k8s/quantity",
		"/spec/template/spec/containers/0/resources/limits/memory");
	res_expect(DEPLOY("        imagePullPolicy: Sometimes\n"), "k8s/enum",
		"/spec/template/spec/containers/0/imagePullPolicy");
	res_expect(DEPLOY("        ports: [{containerPort: 80, name: Http_Port}]\n"), "k8s/name",
		"/spec/template/spec/containers/0/ports/0/name");
	res_expect(DEPLOY("        ports: [{containerPort: 80, protocol: HTTP}]\n"), "k8s/enum",
		"/spec/template/spec/containers/0/ports/0/protocol");
	res_expect(DEPLOY("      restartPolicy: Sometimes\n"), "k8s/enum",
		"/spec/template/spec/restartPolicy");
	res_expect("apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n",
		"k8s/name", "/metadata/name");
	res_expect("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: Internal, ports: [{port: 80}]}\n",
		"k8s/enum", "/spec/type");
	res_expect("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Web}\n", "k8s/name", "/metadata/name");
	res_expect("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
		"metadata: {name: 'system:controller:x'}\n", NULL, NULL);
	res_expect("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n"
		"spec: {schedule: '* * * * *', jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: b}]}}}}}\n",
		"k8s/name", "/metadata/name");
	res_expect("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: '%%%'}\n",
		"k8s/base64", "/data/password");
	res_expect("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {'bad key': x}\n",
		"k8s/key", "/data/bad key");
	res_expect("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {'a b': x}}\n",
		"k8s/label", "/metadata/labels/a b");
	res_expect("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {replicas: 3000000000,"
		" selector: {}, template: {}}\n", "k8s/int32", "/spec/replicas");
	res_expect("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\n"
		"spec: {accessModes: [ReadWriteOnce, ReadWriteAll]}\n", "k8s/enum", "/spec/accessModes/1");
	res_expect("apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec: {containers: [{name: a}]}\n",
		NULL, NULL);
	res_expect("apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\nspec: {containers: [{name: a}]}\n",
		"k8s/name", "/metadata");
	/* An empty name is an invalid name, reported where it is. */
	res_expect("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ''}\n", "k8s/name", "/metadata/name");
	/* Without a name: an error for the API server, a warning for the
	 * validate command (kubeconform and the corpus need none). */
	struct validate_opts ow = { .strict = true, .missing_name_warns = true };
	const char *r, *p;
	enum validate_status st;
	cr_assert_eq(res_check("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n", &ow, &r, &p,
		&st), 0);
	cr_assert_eq(st, VALIDATE_VALID);
	/* Nested ObjectMeta names (templates, list items): DNS-1123 subdomains,
	 * as the corpus's labels check every metadata.name. */
	res_expect("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
		"  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {name: Web_1, labels: {app: web}}\n"
		"    spec:\n      containers:\n      - name: app\n        image: nginx:1\n",
		"k8s/name", "/spec/template/metadata/name");
	res_expect("apiVersion: v1\nkind: ConfigMapList\nmetadata: {}\nitems: [{metadata: {name: 'a:b'}}]\n",
		"k8s/name", "/items/0/metadata/name");
	/* An empty enum value is defaulted (accepted), except Ingress pathType:
	 * a pointer defaulted only when absent, so "" is not a supported value. */
	res_expect(DEPLOY("        imagePullPolicy: ''\n"), NULL, NULL);
#define INGRESS(pt) "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n" \
	"spec: {rules: [{http: {paths: [{path: /, " pt "backend: {service: {name: s, port: {number: 80}}}}]}}]}\n"
	res_expect(INGRESS("pathType: Prefix, "), NULL, NULL);
	res_expect(INGRESS("pathType: '', "), "k8s/enum", "/spec/rules/0/http/paths/0/pathType");
	res_expect(INGRESS("pathType: Regex, "), "k8s/enum", "/spec/rules/0/http/paths/0/pathType");
#undef INGRESS
	/* List kinds have a ListMeta: no name. */
	res_expect("apiVersion: v1\nkind: ConfigMapList\nmetadata: {resourceVersion: '1'}\n"
		"items: [{metadata: {name: a}}]\n", NULL, NULL);
}

Test(validate, resource_identity_skip_reject)
{
	res_expect("kind: ConfigMap\nmetadata: {name: c}\n", "resource/api-version", "");
	res_expect("apiVersion: v1\nmetadata: {name: c}\n", "resource/kind", "");
	res_expect("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: c}\n", "resource/no-schema", "");
	res_expect("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: c}\n", "resource/no-schema", "");
	const char *r, *p;
	enum validate_status st;
	const char *skip[] = { "v1/ConfigMap" };
	struct validate_opts o = { .strict = true, .skip = skip, .nskip = 1 };
	cr_assert_eq(res_check("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbad: 1\n", &o, &r, &p, &st), 0);
	cr_assert_eq(st, VALIDATE_SKIPPED);
	const char *reject[] = { "Secret" };
	struct validate_opts o2 = { .reject = reject, .nreject = 1 };
	cr_assert_eq(res_check("apiVersion: v1\nkind: Secret\nmetadata: {name: c}\n", &o2, &r, &p, &st), 1);
	cr_assert_eq(st, VALIDATE_ERROR);
	cr_assert_str_eq(r, "resource/rejected");
	struct validate_opts o3 = { .ignore_missing = true };
	cr_assert_eq(res_check("apiVersion: example.com/v1\nkind: Widget\n", &o3, &r, &p, &st), 0);
	cr_assert_eq(st, VALIDATE_SKIPPED);
}

Test(validate, load_lists_duplicates_and_recovery)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	const char *text =
		"apiVersion: v1\nkind: List\nitems:\n"
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, bogus: 1}\n"
		"---\n"
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: 1, x: 2}\n"
		"---\n"
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {y: [}\n"
		"---\n"
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n";
	const struct srcfile *f = srcfile_mem(&ctx, "t.yaml", text, strlen(text));
	struct validate_opts o = { .strict = true };
	struct validate_input in;
	struct validate_records recs = { 0 };
	cr_assert_eq(validate_load(&ctx, &ctx, f, 1, &o, &in, &recs), 2, "two bad documents");
	validate_input_run(&ctx, schema_builtin(), &in, &o, &recs);
	validate_records_sort(&recs);
	cr_assert_eq(recs.len, 5);
	cr_assert_eq(recs.items[0].item, 0);
	cr_assert_eq(recs.items[0].status, VALIDATE_VALID);
	cr_assert_eq(recs.items[1].status, VALIDATE_INVALID);
	cr_assert_str_eq(ctx.diag.msgs[recs.items[1].msgs[0]].pointer, "/items/1/bogus");
	cr_assert_eq(recs.items[2].status, VALIDATE_ERROR, "duplicate key");
	cr_assert_eq(ctx.diag.msgs[recs.items[2].msgs[0]].pos.line, 10);
	cr_assert_eq(recs.items[3].status, VALIDATE_ERROR, "syntax error");
	cr_assert_eq(recs.items[4].status, VALIDATE_VALID, "later documents still validated");
	cr_assert_str_eq(recs.items[4].name, "e");
	mc_ctx_release(&ctx);

	/* Without strict, the last duplicate wins. */
	mc_ctx_init(&ctx, NULL);
	f = srcfile_mem(&ctx, "t.yaml", "a: 1\na: 2\n", 10);
	struct validate_opts lax = { 0 };
	struct validate_records r2 = { 0 };
	cr_assert_eq(validate_load(&ctx, &ctx, f, 1, &lax, &in, &r2), 0);
	cr_assert_eq(ir_map_getc(in.docs.items[0], "a")->s.v.i, 2);
	mc_ctx_release(&ctx);

	/* Keys are the strings kubectl makes of them (sigs.k8s.io/yaml). */
	mc_ctx_init(&ctx, NULL);
	const char *kt = "0644: a\nyes: b\n1e3: c\n1.5: d\n0x10: e\n'0644': f\n---\nyes: 1\ntrue: 2\n---\n~: 1\n";
	f = srcfile_mem(&ctx, "t.yaml", kt, strlen(kt));
	struct validate_records rk = { 0 };
	cr_assert_eq(validate_load(&ctx, &ctx, f, 1, &o, &in, &rk), 2, "duplicate true, null key");
	const struct ir_node *km = in.docs.items[0];
	static const char *const want[] = { "420", "true", "1000", "1.5", "16", "0644" };
	cr_assert_eq(km->map.len, 6);
	for (int i = 0; i < 6; i++)
		cr_assert_str_eq(km->map.items[i].key->s.text->s, want[i]);
	cr_assert_eq(rk.len, 2);
	cr_assert(strstr(ctx.diag.msgs[rk.items[0].msgs[0]].msg, "already defined"));
	cr_assert(strstr(ctx.diag.msgs[rk.items[1].msgs[0]].msg, "unsupported map key"));
	mc_ctx_release(&ctx);

	/* A null List item is no resource (an empty document is fine). */
	mc_ctx_init(&ctx, NULL);
	const char *lt = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, "
		"metadata: {name: a}}\n- null\n---\n";
	f = srcfile_mem(&ctx, "t.yaml", lt, strlen(lt));
	struct validate_records r3 = { 0 };
	cr_assert_eq(validate_load(&ctx, &ctx, f, 1, &o, &in, &r3), 0);
	validate_input_run(&ctx, schema_builtin(), &in, &o, &r3);
	cr_assert_eq(r3.len, 2);
	cr_assert_eq(r3.items[1].status, VALIDATE_ERROR);
	cr_assert_str_eq(ctx.diag.msgs[r3.items[1].msgs[0]].rule, "resource/not-a-mapping");
	cr_assert_str_eq(ctx.diag.msgs[r3.items[1].msgs[0]].pointer, "/items/1");
	mc_ctx_release(&ctx);
}

Test(validate, crd_in_input_validates_custom_resources)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	const char *text =
		"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
		"metadata: {name: widgets.example.com}\n"
		"spec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n"
		"  versions:\n  - name: v1\n    served: true\n    storage: true\n"
		"    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n"
		"          spec: {type: object, properties: {size: {type: integer}}}\n"
		"---\n"
		"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n";
	const struct srcfile *f = srcfile_mem(&ctx, "t.yaml", text, strlen(text));
	struct validate_opts o = { .strict = true };
	struct validate_input in;
	struct validate_records recs = { 0 };
	validate_load(&ctx, &ctx, f, 1, &o, &in, &recs);
	struct schema_set *set = schema_set_new(schema_builtin());
	cr_assert_eq(validate_add_crds(&ctx, set, &in), 0);
	validate_input_run(&ctx, set, &in, &o, &recs);
	cr_assert_eq(recs.len, 2);
	cr_assert_eq(recs.items[0].status, VALIDATE_VALID, "the CRD itself is validated (as apiextensions.k8s.io/v1)");
	cr_assert_eq(recs.items[1].status, VALIDATE_INVALID);
	const struct diag_msg *m = &ctx.diag.msgs[recs.items[1].msgs[0]];
	cr_assert_str_eq(m->pointer, "/spec/size");
	cr_assert_eq(m->pos.line, 21);
	schema_set_free(set);
	mc_ctx_release(&ctx);
}

/* -------------------------------------------------- policies, references */

static struct validate_records load_all(struct mc_ctx *ctx, const char *text)
{
	const struct srcfile *f = srcfile_mem(ctx, "t.yaml", text, strlen(text));
	struct validate_opts o = { 0 };
	struct validate_input in;
	struct validate_records recs = { 0 };
	validate_load(ctx, ctx, f, 1, &o, &in, &recs);
	validate_input_run(ctx, schema_builtin(), &in, &o, &recs);
	return recs;
}

static bool has_rule(struct mc_ctx *ctx, const struct validate_record *r, const char *rule)
{
	for (size_t i = 0; i < r->nmsgs; i++)
		if (ctx->diag.msgs[r->msgs[i]].rule && !strcmp(ctx->diag.msgs[r->msgs[i]].rule, rule))
			return true;
	return false;
}

Test(validate, policies)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx, "protectedEnvironments: [prod]\n"
		"policies: {imageTag: error, resources: error, requiredLabels: [team]}\n", YAML_V2, 0, &d), 0);
	struct validate_policy p;
	validate_policy_defaults(&p);
	cr_assert_eq(validate_policy_parse(&ctx, d.items[0], NULL, &p), 0);
	struct validate_records recs = load_all(&ctx,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {team: x}}\n"
		"spec: {containers: [{name: a, image: 'nginx:1.25', resources: {requests: {cpu: 1}, limits: {cpu: 1}}}]}\n"
		"---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: a, image: nginx}]}\n"
		"---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: c, labels: {team: x}}\n"
		"spec: {containers: [{name: a, image: 'nginx:latest', resources: {requests: {cpu: 1}, limits: {cpu: 1}}}]}\n");
	for (size_t i = 0; i < recs.len; i++)
		validate_policies(&ctx, &p, "prod", &recs.items[i]);
	cr_assert_eq(recs.items[0].nmsgs, 0);
	cr_assert(has_rule(&ctx, &recs.items[1], "policy/labels"));
	cr_assert(has_rule(&ctx, &recs.items[1], "policy/image-latest"), "no tag means latest");
	cr_assert(has_rule(&ctx, &recs.items[1], "policy/resources"));
	cr_assert(has_rule(&ctx, &recs.items[2], "policy/image-latest"));
	cr_assert_eq(recs.items[1].status, VALIDATE_INVALID);
	mc_ctx_release(&ctx);

	mc_ctx_init(&ctx, NULL);
	cr_assert_eq(tu_load(&ctx, "policies: {imageTg: error}\n", YAML_V2, 0, &d), 0);
	validate_policy_defaults(&p);
	cr_assert_eq(validate_policy_parse(&ctx, d.items[0], NULL, &p), 1, "unknown settings are errors");
	mc_ctx_release(&ctx);
}

Test(validate, references)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct validate_policy p;
	validate_policy_defaults(&p);
	const char *ext = "vault-token";
	VEC_PUSH(&ctx.arena, &p.external[REF_SECRET], ext);
	struct validate_records recs = load_all(&ctx,
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
		"spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web, tier: fe}}\n"
		"    spec:\n      serviceAccountName: web\n      containers:\n      - name: a\n        image: x:1\n"
		"        envFrom: [{configMapRef: {name: web-config}}, {secretRef: {name: missing, optional: true}}]\n"
		"        env: [{name: T, valueFrom: {secretKeyRef: {name: vault-token, key: t}}}]\n"
		"      volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n"
		"---\n"
		"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n"
		"---\n"
		"apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}, ports: [{port: 80}]}\n"
		"---\n"
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n"
		"---\n"
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: shop}\n"
		"spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: webb}, maxReplicas: 3}\n");
	validate_refs(&ctx, &p, &recs);
	const struct validate_record *dep = &recs.items[0];
	cr_assert(has_rule(&ctx, dep, "ref/serviceaccount"));
	cr_assert(has_rule(&ctx, dep, "ref/pvc"));
	cr_assert_not(has_rule(&ctx, dep, "ref/configmap"), "found (namespace-less counts as local)");
	cr_assert_not(has_rule(&ctx, dep, "ref/secret"), "optional and external secrets");
	cr_assert_eq(recs.items[1].nmsgs, 0, "web selects the Deployment");
	cr_assert(has_rule(&ctx, &recs.items[2], "ref/selector"));
	cr_assert(has_rule(&ctx, &recs.items[4], "ref/workload"));
	bool pointer_ok = false;
	for (size_t i = 0; i < dep->nmsgs; i++)
		pointer_ok |= !strcmp(ctx.diag.msgs[dep->msgs[i]].pointer,
			"/spec/template/spec/volumes/0/persistentVolumeClaim/claimName");
	cr_assert(pointer_ok);
	mc_ctx_release(&ctx);
}

Test(validate, app_projects)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct validate_policy p;
	validate_policy_defaults(&p);
	struct validate_records recs = load_all(&ctx,
		"apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: shop, namespace: argocd}\n"
		"spec:\n  sourceRepos: ['https://github.com/acme/*', '!https://github.com/acme/secret']\n"
		"  destinations: [{server: 'https://kubernetes.default.svc', namespace: 'shop-*'}]\n"
		"  clusterResourceWhitelist: [{group: '', kind: Namespace}]\n"
		"---\n"
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ok, namespace: argocd}\n"
		"spec: {project: shop, source: {repoURL: 'https://github.com/ACME/web.git', path: k},"
		" destination: {server: 'https://kubernetes.default.svc', namespace: shop-prod}}\n"
		"---\n"
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: bad, namespace: argocd}\n"
		"spec: {project: shop, source: {repoURL: 'https://github.com/acme/secret', path: k},"
		" destination: {server: 'https://kubernetes.default.svc', namespace: kube-system}}\n"
		"---\n"
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: shop-prod}\n"
		"---\n"
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\n");
	validate_projects(&ctx, &p, &recs);
	cr_assert_eq(recs.items[1].nmsgs, 0, "permitted (URLs normalized, globs)");
	/* A destination given by cluster name against items by server: Argo CD
	 * resolves the cluster, which a static check cannot; not reported. */
	struct validate_records named = load_all(&ctx,
		"apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n"
		"spec: {sourceRepos: ['*'], destinations: [{server: 'https://x', namespace: '*'}]}\n"
		"---\n"
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n"
		"spec: {project: p, source: {repoURL: r, path: k}, destination: {name: prod, namespace: shop}}\n");
	validate_projects(&ctx, &p, &named);
	cr_assert_eq(named.items[1].nmsgs, 0);
	cr_assert(has_rule(&ctx, &recs.items[2], "project/source"), "deny pattern");
	cr_assert(has_rule(&ctx, &recs.items[2], "project/destination"));
	struct validate_records rendered = { .items = recs.items + 3, .len = 2, .cap = 2 };
	validate_project_kinds(&ctx, &p, schema_builtin(), recs.items[0].body, &recs.items[1], &rendered);
	cr_assert_eq(recs.items[3].nmsgs, 0, "Namespace is whitelisted");
	cr_assert(has_rule(&ctx, &recs.items[4], "project/kind"), "ClusterRole is not");
	mc_ctx_release(&ctx);
}

/* Repository and destination patterns are gobwas globs ('/' separates
 * repository URLs; braces; '!' negates a class), kinds filepath.Match
 * patterns (no braces; '^' negates a class too). */
Test(validate, app_project_globs)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct validate_policy p;
	validate_policy_defaults(&p);
	struct validate_records recs = load_all(&ctx,
		"apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: shop, namespace: argocd}\n"
		"spec:\n  sourceRepos: ['https://github.com/acme/*']\n"
		"  destinations: [{server: 'https://kubernetes.default.svc', namespace: '{dev,prod}-[!x]'}]\n"
		"  clusterResourceWhitelist: [{group: '*', kind: '{Namespace,ClusterRole}'},"
		" {group: rbac.authorization.k8s.io, kind: 'Cluster[^R]ole'}, {group: '', kind: 'Config[^M]ap'}]\n"
		"---\n"
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ok, namespace: argocd}\n"
		"spec: {project: shop, source: {repoURL: 'https://github.com/acme/web', path: k},"
		" destination: {server: 'https://kubernetes.default.svc', namespace: prod-a}}\n"
		"---\n"
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: bad, namespace: argocd}\n"
		"spec: {project: shop, source: {repoURL: 'https://github.com/acme/team/web', path: k},"
		" destination: {server: 'https://kubernetes.default.svc', namespace: prod-x}}\n"
		"---\n"
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: prod-a}\n"
		"---\n"
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\n");
	validate_projects(&ctx, &p, &recs);
	cr_assert_eq(recs.items[1].nmsgs, 0, "braces and classes in a destination namespace");
	cr_assert(has_rule(&ctx, &recs.items[2], "project/source"), "* stops at '/' in repository URLs");
	cr_assert(has_rule(&ctx, &recs.items[2], "project/destination"), "[!x] is not x");
	struct validate_records rendered = { .items = recs.items + 3, .len = 2, .cap = 2 };
	validate_project_kinds(&ctx, &p, schema_builtin(), recs.items[0].body, &recs.items[1], &rendered);
	cr_assert(has_rule(&ctx, &recs.items[3], "project/kind"), "filepath.Match has no braces");
	cr_assert(has_rule(&ctx, &recs.items[4], "project/kind"), "[^R] is not R in filepath.Match");
	mc_ctx_release(&ctx);
}

Test(validate, k8s_syntax)
{
	cr_assert_null(k8s_quantity("1.5Gi", 5));
	cr_assert_null(k8s_quantity("-1e3", 4));
	cr_assert_null(k8s_quantity(".5", 2));
	cr_assert_null(k8s_quantity("100m", 4));
	cr_assert_not_null(k8s_quantity("1GB", 3));
	cr_assert_not_null(k8s_quantity("1K", 2));
	cr_assert_not_null(k8s_quantity("10 Gi", 5));
	cr_assert_not_null(k8s_quantity("1e", 2));
	cr_assert_null(k8s_dns1123_label("a-1", 3));
	cr_assert_not_null(k8s_dns1123_label("a.b", 3));
	cr_assert_null(k8s_dns1123_subdomain("a.b-c", 5));
	cr_assert_not_null(k8s_dns1123_subdomain("a..b", 4));
	cr_assert_not_null(k8s_dns1035_label("1a", 2));
	cr_assert_null(k8s_qualified_name("example.com/My_Name", 19));
	cr_assert_not_null(k8s_qualified_name("/x", 2));
	cr_assert_not_null(k8s_qualified_name("a/b/c", 5));
	cr_assert_null(k8s_label_value("", 0));
	cr_assert_not_null(k8s_label_value("-x", 2));
	cr_assert_null(k8s_port_name("http-2", 6));
	cr_assert_not_null(k8s_port_name("123", 3));
	cr_assert_not_null(k8s_port_name("a--b", 4));
	cr_assert_not_null(k8s_port_name("sixteen-chars-xx", 16));
	cr_assert_null(k8s_path_segment_name("system:node", 11));
	cr_assert_not_null(k8s_path_segment_name("..", 2));
	cr_assert_not_null(k8s_config_key("..x", 3));
	cr_assert_null(go_duration("-1.5h", 5));
	cr_assert_null(go_duration("0", 1));
	cr_assert_not_null(go_duration("1", 1));
	cr_assert_not_null(go_duration("1d", 2));
	cr_assert_null(go_base64("YQ==\n", 5));
	cr_assert_not_null(go_base64("YQ=", 3));
	cr_assert_not_null(go_base64("Y===", 4));
	cr_assert_null(rfc3339_date_time("2024-01-01T00:00:00.5+05:30", 27));
	cr_assert_not_null(rfc3339_date_time("2024-01-01T24:00:00Z", 20));
	cr_assert_null(k8s_object_name("", "Pod", "web-", 4, true), "generateName may end in '-'");
}

Test(validate, reslist_for_render)
{
	struct mc_ctx ctx;
	mc_ctx_init(&ctx, NULL);
	struct ir_docs d;
	cr_assert_eq(tu_load(&ctx,
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
		"spec: {containers: [{name: a, image: 'x:1', envFrom: [{configMapRef: {name: cfg}}]}]}\n"
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: 1}\n",
		YAML_V2, 0, &d), 0);
	struct ir_reslist l = { 0 };
	for (size_t i = 0; i < d.len; i++)
		ir_reslist_push(&ctx, &l, ir_resource_new(&ctx, d.items[i], &d.starts[i]));
	struct validate_policy p;
	validate_policy_defaults(&p);
	p.resources = POLICY_OFF;
	struct validate_opts o = { .strict = true };
	struct validate_records recs = { 0 };
	validate_reslist(&ctx, schema_builtin(), &l, &o, &p, "dev", &recs);
	cr_assert_eq(recs.len, 2);
	cr_assert(has_rule(&ctx, &recs.items[0], "ref/configmap"));
	cr_assert(has_rule(&ctx, &recs.items[1], "schema/type"), "data values are strings");
	mc_ctx_release(&ctx);
}
