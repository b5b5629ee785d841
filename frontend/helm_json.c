/*
 * helm_json.c - JSON input as IR nodes (through jansson), for --set-json
 * and values.schema.json.
 *
 * encoding/json decodes every number into float64; JSON Schema keeps
 * integers exact, so the caller chooses.  Object keys keep their order.
 */
#include <jansson.h>
#include <string.h>

#include "mc/helm.h"

static struct ir_node *convert(struct mc_ctx *ctx, json_t *j, bool floats, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return ir_null(ctx, NULL);
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		struct ir_node *m = ir_map(ctx, NULL);
		const char *k;
		size_t klen;
		json_t *v;
		void *tmp;
		json_object_keylen_foreach_safe(j, tmp, k, klen, v)
			ir_map_set(ctx, m, mc_intern(ctx, k, klen), convert(ctx, v, floats, depth + 1));
		return m;
	}
	case JSON_ARRAY: {
		struct ir_node *s = ir_seq(ctx, NULL);
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
			ir_seq_push(ctx, s, convert(ctx, v, floats, depth + 1));
		return s;
	}
	case JSON_STRING:
		return ir_str(ctx, json_string_value(j), json_string_length(j), NULL);
	case JSON_INTEGER:
		if (floats)
			return ir_float(ctx, (double)json_integer_value(j), NULL);
		return ir_int(ctx, json_integer_value(j), NULL);
	case JSON_REAL:
		return ir_float(ctx, json_real_value(j), NULL);
	case JSON_TRUE:
		return ir_bool(ctx, true, NULL);
	case JSON_FALSE:
		return ir_bool(ctx, false, NULL);
	default:
		return ir_null(ctx, NULL);
	}
}

struct ir_node *helm_json_to_ir(struct mc_ctx *ctx, void *json, bool floats)
{
	return convert(ctx, json, floats, 0);
}

int helm_json_parse(struct mc_ctx *ctx, const char *text, size_t len, bool floats,
	struct ir_node **out, const char **err)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!j) {
		*err = arena_printf(&ctx->arena, "line %d column %d: %s", je.line, je.column, je.text);
		return -1;
	}
	*out = convert(ctx, j, floats, 0);
	json_decref(j);
	return 0;
}
