/*
 * gotmpl.h - Go templates: text/template with Go's exact semantics, Sprig
 * v3.3.0 and Helm's context-free functions.
 *
 * Helm charts and Argo CD ApplicationSets (goTemplate mode) are Go
 * templates; their output bytes depend on Go's rules for data (int vs
 * int64 vs float64, nil vs missing), for printing (fmt's %v), and for the
 * errors a template raises.  This module reproduces them:
 *
 *   values     gt_value: Go's dynamic values (reflect.Value) as the
 *              template engine sees them.  Lists and maps are references
 *              (Sprig's `set` mutates a map in place, `append` makes a new
 *              list); everything lives in an arena.
 *   sets       gt_set: one `define` namespace shared by the templates
 *              parsed into it (text/template's *Template and its common
 *              map), with a function map fixed before parsing.
 *   execution  gt_exec: runs a named template of a set with a data value,
 *              writing to an sbuf; errors carry Go's text and a srcpos.
 *   functions  gt_func: C callbacks with Go-typed parameters, so argument
 *              checking and conversion follow text/template (`repeat 3 "x"`
 *              takes a literal int, `repeat .Values.n "x"` fails on a
 *              float64 exactly as Go does).
 *   objects    gt_class: host values with fields and methods (Helm's
 *              .Files.Get, .Capabilities.APIVersions.Has, .Chart.Name).
 *
 * Typical use (one template file, JSON data as dot):
 *
 *	struct gt_set *set = gt_set_new(ctx, GT_FUNCS_HELM);
 *	struct gt_src src = { .name = "x.yaml", .text = f->data, .len = f->len, .file = f };
 *	struct gt_error err;
 *	if (gt_parse(set, &src, &err) ||
 *	    gt_exec(set, "x.yaml", gt_from_ir(&ctx->arena, data, GT_NUM_JSON), NULL, &out, &err))
 *		gt_error_diag(ctx, &err);
 *
 * Threads: parsing interns strings in the set's context; execution only
 * reads the set (except `tpl`-style parsing at run time, which goes to an
 * overlay set), so executions of one set may run in parallel when each
 * uses its own arena and no function parses at run time.
 */
#ifndef MC_GOTMPL_H
#define MC_GOTMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc/ir.h"

struct gt_class;
struct gt_error;
struct gt_exec_opts;

/* =============================================================== values */

/* The kinds of Go values a template meets. */
enum gt_kind {
	GT_NIL,     /* a nil interface{} (JSON null inside a map or list) */
	GT_BOOL,
	GT_INT,     /* int, int8 .. int64, time.Duration: value in .i */
	GT_UINT,    /* uint, uint8 .. uint64, uintptr: value in .u */
	GT_FLOAT,   /* float32, float64: value in .f */
	GT_COMPLEX, /* complex128: .c */
	GT_STRING,  /* .s (bytes, not necessarily NUL-terminated) */
	GT_LIST,    /* a slice: .l (NULL: a nil slice) */
	GT_MAP,     /* a map with string keys: .m (NULL: a nil map) */
	GT_OBJ,     /* a host object: .o, with the gt_class as its type */
};

/*
 * A Go type.  Values point at static descriptors (gt_t_int ...); a defined
 * type such as Helm's chartutil.Values is a descriptor with `named` set and
 * the same kind and element type as its underlying type, which makes it
 * assignable to parameters of the underlying type, as in Go.
 */
struct gt_type {
	uint8_t kind;               /* enum gt_kind */
	uint8_t named;              /* a defined (named) type; GT_NAMED_METHODS: see below */
	uint8_t bits;               /* integer and float width (0: int/uint) */
	const char *name;           /* as %T prints it: "[]interface {}" */
	const struct gt_type *elem; /* GT_LIST, GT_MAP: element type; NULL = interface{} */
};

extern const struct gt_type gt_t_nil; /* prints as "<nil>" with %T */
extern const struct gt_type gt_t_bool, gt_t_string;
extern const struct gt_type gt_t_int, gt_t_int8, gt_t_int16, gt_t_int32, gt_t_int64;
extern const struct gt_type gt_t_uint, gt_t_uint8, gt_t_uint16, gt_t_uint32, gt_t_uint64,
	gt_t_uintptr;
extern const struct gt_type gt_t_float32, gt_t_float64, gt_t_complex128;
extern const struct gt_type gt_t_duration;          /* time.Duration (prints 1h2m3s) */
extern const struct gt_type gt_t_list;              /* []interface {} */
extern const struct gt_type gt_t_strings;           /* []string */
extern const struct gt_type gt_t_ints;              /* []int */
extern const struct gt_type gt_t_bytes;             /* []uint8 */
extern const struct gt_type gt_t_lists;             /* [][]interface {} */
extern const struct gt_type gt_t_map;               /* map[string]interface {} */
extern const struct gt_type gt_t_strmap;            /* map[string]string */
/* Parameter type marker: the argument is passed as it is, even when it is
 * missing (Go's reflect.Value parameters: and, or, index, len, eq ...). */
extern const struct gt_type gt_t_value;

struct gt_list;
struct gt_map;

/*
 * A value.  t == NULL is Go's invalid reflect.Value: what a missing map key
 * yields; it prints as "<no value>".  A GT_NIL value is a nil interface{}
 * held by a map or list (evaluating `.a.b` through it is an error, where a
 * missing `.a` just gives no value).
 */
struct gt_value {
	const struct gt_type *t;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		struct { double re, im; } c;
		struct { const char *p; size_t n; } s;
		struct gt_list *l;
		struct gt_map *m;
		void *o;
	};
};

struct gt_list {
	struct gt_value *items;
	uint32_t len, cap;
};

struct gt_mapent {
	const char *k;
	uint32_t klen;
	uint64_t hash; /* str_hash(k, klen) */
	struct gt_value v;
};

/* Insertion-ordered entries with a hash index past a few keys; Go's
 * printing and ranging order (sorted keys) comes from gt_map_sorted. */
struct gt_map {
	struct gt_mapent *ents;
	uint32_t len, cap;
	uint32_t *idx;   /* open addressing over ents, or NULL */
	uint32_t idxcap;
	struct gt_mapent **sorted; /* cache, dropped on change */
	struct arena *arena;       /* where the map grows */
};

static inline enum gt_kind gt_kind(struct gt_value v) { return v.t ? (enum gt_kind)v.t->kind : GT_NIL; }
static inline bool gt_valid(struct gt_value v) { return v.t != NULL; }

static inline struct gt_value gt_invalid(void) { struct gt_value v = { 0 }; return v; }
static inline struct gt_value gt_nil(void) { struct gt_value v = { &gt_t_nil, { 0 } }; return v; }
static inline struct gt_value gt_bool(bool b) { struct gt_value v = { &gt_t_bool, { .b = b } }; return v; }
/* Go int (what JSON data and integer literals give). */
static inline struct gt_value gt_int(int64_t i) { struct gt_value v = { &gt_t_int, { .i = i } }; return v; }
static inline struct gt_value gt_int64(int64_t i) { struct gt_value v = { &gt_t_int64, { .i = i } }; return v; }
static inline struct gt_value gt_float(double f) { struct gt_value v = { &gt_t_float64, { .f = f } }; return v; }
static inline struct gt_value gt_typed_int(const struct gt_type *t, int64_t i)
{ struct gt_value v = { t, { .i = i } }; return v; }
static inline struct gt_value gt_typed_uint(const struct gt_type *t, uint64_t u)
{ struct gt_value v = { t, { .u = u } }; return v; }
/* A string value pointing at p (not copied: p must outlive the value). */
static inline struct gt_value gt_string(const char *p, size_t n)
{ struct gt_value v = { &gt_t_string, { .s = { p, n } } }; return v; }
struct gt_value gt_cstring(const char *s);
/* A copy of p[0..n) in arena a. */
struct gt_value gt_strdup(struct arena *a, const char *p, size_t n);
/* The bytes of an sbuf copied into a. */
struct gt_value gt_sbuf_value(struct arena *a, const struct sbuf *sb);

/* Lists.  t is the slice type (gt_t_list when NULL). */
struct gt_value gt_list_new(struct arena *a, const struct gt_type *t, size_t cap);
void gt_list_push(struct arena *a, struct gt_value list, struct gt_value item);
static inline size_t gt_list_len(struct gt_value v) { return v.l ? v.l->len : 0; }

/* Maps.  t is the map type (gt_t_map when NULL). */
struct gt_value gt_map_new(struct arena *a, const struct gt_type *t);
size_t gt_map_len(const struct gt_map *m);
/* The value under key, or NULL. */
struct gt_value *gt_map_get(const struct gt_map *m, const char *k, size_t n);
struct gt_value *gt_map_getc(const struct gt_map *m, const char *k);
/* Set key (the key bytes are not copied: they must outlive the map). */
void gt_map_set(struct arena *a, struct gt_map *m, const char *k, size_t n, struct gt_value v);
void gt_map_setc(struct arena *a, struct gt_map *m, const char *k, struct gt_value v);
bool gt_map_del(struct gt_map *m, const char *k, size_t n);
/* The entries in Go's order (keys sorted bytewise); valid until the map
 * changes.  *n receives the count. */
struct gt_mapent *const *gt_map_sorted(struct arena *a, struct gt_map *m, size_t *n);

/* Host objects: a value of kind GT_OBJ whose type is a gt_class. */
struct gt_value gt_obj(const struct gt_class *cls, void *self);

/* Deep copy of lists and maps (Sprig's deepCopy, copystructure rules). */
struct gt_value gt_deep_copy(struct arena *a, struct gt_value v);
/* reflect.DeepEqual. */
bool gt_deep_equal(struct gt_value a, struct gt_value b);
/* text/template's truth: false, 0, nil, empty string/list/map are false;
 * invalid is false; objects are true. */
bool gt_truth(struct gt_value v);
/* Assignability to a parameter of type t (NULL: interface{}). */
bool gt_assignable(const struct gt_type *from, const struct gt_type *to);

/* ---- conversion from and to the IR ---- */

/* How IR numbers become Go numbers. */
enum gt_numbers {
	GT_NUM_JSON,    /* integers are Go int, others float64 (JSON data) */
	GT_NUM_FLOAT64, /* every number is float64 (Helm values through encoding/json) */
	GT_NUM_INT64,   /* integers are int64, others float64 (Helm --set) */
};

/* Build a value (maps are map[string]interface{}, sequences []interface{},
 * null is a nil interface).  Strings point at the nodes' interned text. */
struct gt_value gt_from_ir(struct arena *a, const struct ir_node *n, enum gt_numbers nums);
/* The value as encoding/json marshals it, as IR nodes in ctx (keys sorted
 * as Go's JSON does; []byte as base64; objects through their class's
 * to_data).  Returns 0, or -1 with Go's error text in *err (arena string):
 * "json: unsupported value: NaN", "json: unsupported type: ...". */
int gt_to_ir(struct mc_ctx *ctx, struct gt_value v, struct ir_node **out, const char **err);

/* ---- fmt ---- */

/* fmt.Sprint(args...) appended to out (spaces between operands when
 * neither is a string). */
void gt_sprint(struct sbuf *out, const struct gt_value *args, size_t n);
/* fmt.Sprintln. */
void gt_sprintln(struct sbuf *out, const struct gt_value *args, size_t n);
/* fmt.Sprintf with Go's verbs, flags, width, precision and error forms
 * (%!d(string=x), %!(EXTRA ...), %!v(MISSING)). */
void gt_sprintf(struct sbuf *out, const char *format, size_t flen,
	const struct gt_value *args, size_t n);
/* What a template prints for an action's value: "<no value>" for invalid,
 * else fmt.Sprint. */
void gt_print_value(struct sbuf *out, struct gt_value v);

/* ============================================================ functions */

struct gt_set;
struct gt_call;

/* A function: fill *ret and return 0, or return gt_call_errorf(...).
 * args[] holds the arguments converted to the declared parameter types;
 * variadic arguments follow the fixed ones (nargs counts all). */
typedef int (*gt_fn)(struct gt_call *c, struct gt_value *args, size_t nargs,
	struct gt_value *ret);

#define GT_MAX_PARAMS 6

struct gt_func {
	const char *name;
	gt_fn fn;
	uint8_t nparams;   /* declared parameters, the variadic one included */
	bool variadic;     /* the last parameter is ...T (T = params[nparams-1]) */
	/* Parameter types: NULL is interface{}, gt_t_value a raw value;
	 * concrete types get Go's conversions of literals (`3` to int, int64,
	 * float64, uint32 ...) and "wrong type for value" errors. */
	const struct gt_type *params[GT_MAX_PARAMS];
	void *data;        /* for the callback: gt_call_data() */
};

/* Report an error from a function: the template fails with
 * "template: F:L:C: executing "T" at <NAME>: error calling NAME: MSG".
 * Always returns -1 (so `return gt_call_errorf(c, ...)`). */
int gt_call_errorf(struct gt_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same with the message taken verbatim (e.g. an inner template's
 * error text, which may contain '%'). */
int gt_call_error(struct gt_call *c, const char *msg);

struct mc_ctx *gt_call_ctx(struct gt_call *c);
/* Where values made by the call go (the execution's arena). */
struct arena *gt_call_arena(struct gt_call *c);
/* The function being called and its data pointer. */
const struct gt_func *gt_call_func(struct gt_call *c);
void *gt_call_data(struct gt_call *c);
/* gt_exec_opts.user of the running execution. */
void *gt_call_user(struct gt_call *c);
/* The receiver of a method call (gt_class methods), else NULL. */
void *gt_call_self(struct gt_call *c);
/* The set executing and the name of the template executing. */
struct gt_set *gt_call_set(struct gt_call *c);
const char *gt_call_template(struct gt_call *c);
/* Where the call is in the template (for warnings). */
struct srcpos gt_call_pos(struct gt_call *c);
/* The execution options in force (missingkey, arena, user). */
const struct gt_exec_opts *gt_call_opts(struct gt_call *c);

/*
 * Execute template `name` of `set` (the running set, an overlay of it, or
 * any set) from inside a function, as Helm's include and tpl do: same
 * options, one level deeper (the depth cap applies across nesting), output
 * to out.  Returns 0, or -1 with the inner error in *err (Go's text), which
 * the function usually passes on with gt_call_error.  A missing template
 * gives Go's "template: no template %q associated with template %q".
 */
int gt_call_exec(struct gt_call *c, struct gt_set *set, const char *name,
	struct gt_value dot, struct sbuf *out, struct gt_error *err);

/* =========================================================== template sets */

/* The base function map of a set. */
enum gt_funcset {
	GT_FUNCS_GO,     /* text/template's built-ins only */
	GT_FUNCS_SPRIG,  /* built-ins + Sprig v3.3.0 TxtFuncMap (Sprig's slice wins) */
	/* built-ins + Sprig minus env/expandenv + Helm's functions: toYaml,
	 * fromYaml, toJson, toToml ... and context-free include, tpl,
	 * required, fail and lookup (empty map) that a chart renderer
	 * replaces with gt_set_add_funcs. */
	GT_FUNCS_HELM,
	GT_FUNCS_ARGOCD, /* built-ins + Sprig minus env, expandenv, getHostByName */
};

/* Helm's major version for GT_FUNCS_HELM (4 adds mustToYaml, mustToJson,
 * mustToToml).  Default 3. */
void gt_set_helm_major(struct gt_set *s, int major);
/* The name of the Go *Template the set stands for, which gt_call_exec's
 * "no template %q associated with template %q" names (Helm's engine:
 * "gotpl"; overlays inherit it).  Default: the template running. */
void gt_set_name(struct gt_set *s, const char *name);

/* A new empty set in ctx (allocated in ctx's arena). */
struct gt_set *gt_set_new(struct mc_ctx *ctx, enum gt_funcset base);
/* Add functions, replacing those of the same name.  Must happen before
 * parsing templates that use them (Go checks names at parse time).  The
 * array must outlive the set. */
void gt_set_add_funcs(struct gt_set *s, const struct gt_func *f, size_t n);
/* Remove a function (Go's FuncMap without the name). */
void gt_set_remove_func(struct gt_set *s, const char *name);
/* The function registered under name, or NULL. */
const struct gt_func *gt_set_func(const struct gt_set *s, const char *name);

/*
 * An overlay: a set that sees every template and function of parent, and
 * whose own definitions and functions shadow the parent's without changing
 * it (text/template's Clone, in O(1)).  Helm's tpl parses into one.
 * Allocated in arena a (NULL: the parent's context arena).
 */
struct gt_set *gt_set_overlay(struct gt_set *parent, struct arena *a);

/* The context a set belongs to. */
struct mc_ctx *gt_set_ctx(const struct gt_set *s);

/*
 * Deterministic stand-ins for what is not reproducible: the clock of now,
 * date and friends (Unix seconds, default 0: the driver passes
 * SOURCE_DATE_EPOCH), and the seed of rand and uuid functions (default: a
 * hash of every template text parsed into the set).  Functions that use
 * them add a warning to ctx->diag that Helm's output would differ.
 */
void gt_set_clock(struct gt_set *s, int64_t unix_seconds);
void gt_set_seed(struct gt_set *s, uint64_t seed);

/* Source of a template.  text need not be NUL-terminated and must outlive
 * the set.  file/line/col place text in a file for diagnostics (text
 * starting at line, col of file; 0 means 1); file NULL: positions are
 * reported against a memory srcfile named `name`. */
struct gt_src {
	const char *name; /* the template's name (Go's Template.Name) */
	const char *text;
	size_t len;
	const struct srcfile *file;
	uint32_t line, col;
};

/* An error: Go's text and the place it points at. */
struct gt_error {
	char *msg; /* arena string (the set's context), Go's Error() text */
	struct srcpos pos;
};

/* Report err as a diagnostic in ctx (returns 1, like diag_error). */
int gt_error_diag(struct mc_ctx *ctx, const struct gt_error *err);

/*
 * Parse src into the set, as template.New(name).Parse(text) on a template
 * of the set: the top-level text becomes template `name`, each {{define}}
 * and {{block}} another template of the set; a later definition replaces
 * an earlier one, except that an empty body never replaces a non-empty
 * one.  Returns 0, or -1 with Go's text ("template: NAME:LINE: msg").
 */
int gt_parse(struct gt_set *s, const struct gt_src *src, struct gt_error *err);
/* True when the set (or an overlay's parent) has a template of that name
 * with a body. */
bool gt_defined(const struct gt_set *s, const char *name);
/* The names of the set's own templates, sorted (arena array). */
const char **gt_template_names(const struct gt_set *s, struct arena *a, size_t *n);

/* ============================================================= execution */

enum gt_missingkey {
	GT_MISSING_DEFAULT, /* missingkey=default/invalid: "<no value>" */
	GT_MISSING_ZERO,    /* missingkey=zero (Helm's default) */
	GT_MISSING_ERROR,   /* missingkey=error (helm --strict, Argo CD) */
};

#define GT_MAX_DEPTH 1000 /* nested template calls (include, template) */

struct gt_exec_opts {
	enum gt_missingkey missingkey;
	struct arena *arena; /* values made while executing; NULL: the set's context arena */
	void *user;          /* for functions: gt_call_user() */
	unsigned max_depth;  /* 0: GT_MAX_DEPTH */
	/* Stop with an error after this many actions and loop iterations
	 * (0: no limit), for untrusted templates. */
	uint64_t max_steps;
};

/*
 * Execute template `name` with dot as data ($ too), appending to out
 * (partial output stays on error, as in Go).  opts may be NULL.  Returns
 * 0, or -1 with err filled in: Go's text
 * "template: FILE:LINE:COL: executing "NAME" at <.Values.x>: MSG" and the
 * position of the failing node.
 */
int gt_exec(struct gt_set *s, const char *name, struct gt_value dot,
	const struct gt_exec_opts *opts, struct sbuf *out, struct gt_error *err);

/* ================================================================ objects */

/*
 * A class of host objects (Go structs and pointers with methods).  Field
 * lookup `.Name` first asks for a method of that name, then calls field();
 * a method call `.Files.Get "x"` checks and converts the arguments against
 * the method's parameters like any function (gt_call_self() gives the
 * receiver).  Names are interned in the set's context.
 */
struct gt_class {
	struct gt_type type; /* kind GT_OBJ; name for %T ("*chart.Metadata") */
	/* A field: set *out and return 1; return 0 when there is no such field
	 * (Go: "can't evaluate field X in type T"). */
	int (*field)(void *self, const struct str *name, struct gt_value *out);
	const struct gt_func *methods;
	size_t nmethods;
	/* fmt's %v: a String() method, or the struct's {a b} form.  NULL
	 * prints the type name in braces. */
	void (*format)(void *self, struct sbuf *out);
	/* The value json.Marshal would see (a map of the JSON fields), for
	 * toYaml/toJson.  NULL: the object marshals as {}. */
	struct gt_value (*to_data)(void *self, struct arena *a);
};

/*
 * Methods on a defined list or map type (Go's method sets on named types:
 * Helm's `files` map with Get/Glob/AsConfig, its VersionSet list with
 * Has).  Give the class's type kind GT_LIST or GT_MAP, its element type,
 * and named = GT_NAMED_METHODS; values of that type index, range and print
 * as lists or maps, while `.Name` looks for a method first (the receiver,
 * gt_call_self(), is the gt_list or gt_map).  field() is not used.
 */
#define GT_NAMED_METHODS 2

/* ======================================================= Helm's helpers */

/* Helm's toYaml of a value (sigs.k8s.io/yaml, trailing newline trimmed):
 * 0 or -1 with Go's error text in *err.  Exposed for Argo CD's toYaml. */
int gt_to_yaml(struct mc_ctx *ctx, struct gt_value v, struct sbuf *out, const char **err);

#endif
