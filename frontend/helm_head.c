/*
 * helm_head.c - the head of a rendered document (releaseutil.SimpleHead:
 * apiVersion, kind, metadata.name, metadata.annotations) straight from
 * libyaml's events.
 *
 * Helm decodes every document it prints with sigs.k8s.io/yaml, whose
 * parser (go-yaml v2) is a port of libyaml: so libyaml accepts and rejects
 * the same documents, stops after the first document as Unmarshal does,
 * and its error ("yaml: line 11: could not find expected ':'") is Helm's.
 * Walking the events without building a tree is also the cheap way to
 * read four fields out of every document of a chart.  What this walker
 * does not model (aliases, merge keys, tags, complex or null keys, the
 * same field twice) it leaves to the general loader: it answers "ask the
 * loader" and the caller decodes the document from IR nodes instead.
 */
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "mc/helm.h"

enum { HEAD_OK = 0, HEAD_ERROR = 1, HEAD_FALLBACK = -1 };

/* A plain scalar's value as a Go string field receives it (numbers and
 * booleans turned into text, float32 precision for floats); NULL for
 * null.  *nan is set for NaN and infinities, which JSON cannot carry. */
static const char *scalar_string(struct arena *a, const yaml_event_t *e, bool *nan)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return arena_strndup(a, s, n);
	struct ir_node tmp = { 0 };
	struct sbuf sb = SBUF_INIT;
	const char *r;
	switch (yaml_resolve(YAML_V2, s, n, &tmp)) {
	case IR_NULL:
		return NULL;
	case IR_BOOL:
		return tmp.s.v.b ? "true" : "false";
	case IR_INT:
		if (tmp.flags & IR_F_UINT)
			sbuf_printf(&sb, "%llu", (unsigned long long)tmp.s.v.u);
		else
			sbuf_printf(&sb, "%lld", (long long)tmp.s.v.i);
		break;
	case IR_FLOAT:
		if (tmp.s.v.f != tmp.s.v.f || tmp.s.v.f - tmp.s.v.f != 0)
			*nan = true;
		go_ftoa(&sb, tmp.s.v.f, 'g', -1, 32);
		break;
	default:
		return arena_strndup(a, s, n);
	}
	r = arena_strndup(a, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

static bool maybe_special_float(const yaml_event_t *e)
{
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || e->data.scalar.length == 0)
		return false;
	char c = (char)e->data.scalar.value[0];
	return c == '.' || ((c == '+' || c == '-') && e->data.scalar.length > 1 &&
		e->data.scalar.value[1] == '.');
}

static bool null_key(const yaml_event_t *e)
{
	/* only "", "~" and null/Null/NULL resolve to null */
	size_t n = e->data.scalar.length;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || n > 4 ||
	    (n && e->data.scalar.value[0] != '~' && e->data.scalar.value[0] != 'n' &&
	     e->data.scalar.value[0] != 'N'))
		return false;
	struct ir_node tmp = { 0 };
	return yaml_resolve(YAML_V2, (const char *)e->data.scalar.value, e->data.scalar.length, &tmp) == IR_NULL;
}

/* What a key of the document, of metadata or of annotations names. */
enum field { F_NONE, F_API, F_KIND, F_META, F_NAME, F_ANNOT, F_HOOK, F_ANNOT_OTHER, F_COUNT };

/* The head field a key names: encoding/json matches struct fields
 * exactly, else ignoring ASCII case. */
static enum field match(const yaml_event_t *k, enum field container)
{
	const char *s = (const char *)k->data.scalar.value;
	size_t n = k->data.scalar.length;
	if (container == F_ANNOT)
		return n == 12 && !memcmp(s, "helm.sh/hook", 12) ? F_HOOK : F_ANNOT_OTHER;
	static const struct { const char *name; enum field f, in; } names[] = {
		{ "apiVersion", F_API, F_NONE }, { "kind", F_KIND, F_NONE }, { "metadata", F_META, F_NONE },
		{ "name", F_NAME, F_META }, { "annotations", F_ANNOT, F_META },
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].in == container && strlen(names[i].name) == n &&
		    !strncasecmp(names[i].name, s, n))
			return names[i].f;
	return F_NONE;
}

/* go-yaml v2's parser.fail(): the line it reports. */
static const char *yaml_error(struct arena *a, const yaml_parser_t *p)
{
	size_t line = 0;
	if (p->problem_mark.line != 0) {
		line = p->problem_mark.line;
		if (p->error == YAML_SCANNER_ERROR)
			line++;
	} else if (p->context_mark.line != 0) {
		line = p->context_mark.line;
	}
	const char *msg = p->problem ? p->problem : "unknown problem parsing YAML content";
	if (line)
		return arena_printf(a, "error converting YAML to JSON: yaml: line %zu: %s", line, msg);
	return arena_printf(a, "error converting YAML to JSON: yaml: %s", msg);
}

static const char *json_kind_of_scalar(const yaml_event_t *e)
{
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return "string";
	struct ir_node tmp = { 0 };
	switch (yaml_resolve(YAML_V2, (const char *)e->data.scalar.value, e->data.scalar.length, &tmp)) {
	case IR_NULL: return NULL;
	case IR_BOOL: return "bool";
	case IR_INT:
	case IR_FLOAT: return "number";
	default: return "string";
	}
}

struct frame {
	bool map, want_key;
	enum field what;    /* the container: F_NONE (the root or others), F_META, F_ANNOT */
	enum field pending; /* the field the next value is for */
};

int helm_head_fast(struct arena *a, const char *doc, size_t len, struct helm_head *h, const char **why)
{
	memset(h, 0, sizeof *h);
	h->kind = "";
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return HEAD_FALLBACK;
	yaml_parser_set_input_string(&p, (const unsigned char *)doc, len);
	static __thread struct frame stack[YAML_MAX_DEPTH];
	int depth = 0, rc = HEAD_OK;
	bool nan = false, root_seen = false, seen[F_COUNT] = { false };
	const char *root_kind = NULL; /* a root that is not a map: its JSON kind */
	const char *bad = NULL;       /* a field that cannot take its value */
	yaml_event_t e;
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			*why = yaml_error(a, &p);
			rc = HEAD_ERROR;
			break;
		}
		yaml_event_type_t t = e.type;
		if (t == YAML_STREAM_END_EVENT || t == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		bool node = t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT ||
			t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT;
		bool is_key = node && top && top->map && top->want_key;
		enum field target = node && top && top->map && !top->want_key ? top->pending : F_NONE;
		bool tagged = (t == YAML_SCALAR_EVENT && e.data.scalar.tag) ||
			(t == YAML_MAPPING_START_EVENT && e.data.mapping_start.tag) ||
			(t == YAML_SEQUENCE_START_EVENT && e.data.sequence_start.tag);
		if (t == YAML_ALIAS_EVENT || tagged || (is_key && t != YAML_SCALAR_EVENT) ||
		    ((t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) && depth >= YAML_MAX_DEPTH)) {
			yaml_event_delete(&e);
			rc = HEAD_FALLBACK;
			break;
		}
		if (is_key) {
			bool merge = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
				e.data.scalar.length == 2 && !memcmp(e.data.scalar.value, "<<", 2);
			if (merge || null_key(&e)) {
				yaml_event_delete(&e);
				rc = HEAD_FALLBACK;
				break;
			}
			enum field f = F_NONE;
			if (depth == 1 || top->what == F_META || top->what == F_ANNOT)
				f = match(&e, depth == 1 ? F_NONE : top->what);
			if (f == F_ANNOT_OTHER || f == F_HOOK)
				h->annotated = true;
			if (f != F_NONE && f != F_ANNOT_OTHER) {
				if (seen[f]) { /* the same field twice: the loader knows who wins */
					yaml_event_delete(&e);
					rc = HEAD_FALLBACK;
					break;
				}
				seen[f] = true;
			}
			top->pending = f;
			top->want_key = false;
			yaml_event_delete(&e);
			continue;
		}
		if (node && top && top->map)
			top->want_key = true;
		if (t == YAML_SCALAR_EVENT) {
			if (!root_seen) {
				root_seen = true;
				root_kind = json_kind_of_scalar(&e);
			}
			bool wanted = target == F_API || target == F_KIND || target == F_NAME ||
				target == F_HOOK || target == F_ANNOT_OTHER;
			if (wanted || maybe_special_float(&e)) {
				const char *v = scalar_string(a, &e, &nan);
				if (target == F_API)
					h->api_version = v;
				else if (target == F_KIND)
					h->kind = v ? v : "";
				else if (target == F_NAME)
					h->name = v;
				else if (target == F_HOOK)
					h->hook = v ? v : "";
			}
			if ((target == F_META || target == F_ANNOT) && json_kind_of_scalar(&e) && !bad)
				bad = target == F_META ? "metadata" : "metadata.annotations";
		} else if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) {
			bool map = t == YAML_MAPPING_START_EVENT;
			if (!root_seen) {
				root_seen = true;
				if (!map)
					root_kind = "array";
			}
			enum field what = F_NONE;
			if (target == F_API || target == F_KIND || target == F_NAME)
				bad = bad ? bad : target == F_API ? "apiVersion" : target == F_KIND ? "kind" : "metadata.name";
			else if (target == F_HOOK || target == F_ANNOT_OTHER)
				bad = bad ? bad : "metadata.annotations";
			else if ((target == F_META || target == F_ANNOT) && !map)
				bad = bad ? bad : target == F_META ? "metadata" : "metadata.annotations";
			else if (target == F_META || target == F_ANNOT)
				what = target;
			stack[depth].map = map;
			stack[depth].want_key = true;
			stack[depth].what = what;
			stack[depth].pending = F_NONE;
			depth++;
		} else if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (rc != HEAD_OK)
		return rc;
	if (nan) {
		*why = "error converting YAML to JSON: json: unsupported value: NaN";
		return HEAD_ERROR;
	}
	if (root_kind) {
		*why = arena_printf(a,
			"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type releaseutil.SimpleHead",
			root_kind);
		return HEAD_ERROR;
	}
	if (bad) {
		*why = arena_printf(a,
			"error unmarshaling JSON: while decoding JSON: json: cannot unmarshal a value into Go struct field SimpleHead.%s",
			bad);
		return HEAD_ERROR;
	}
	return HEAD_OK;
}
