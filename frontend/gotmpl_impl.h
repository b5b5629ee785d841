/*
 * gotmpl_impl.h - private to the Go template engine (frontend/gotmpl_*.c,
 * frontend/sprig_*.c): the parse tree, the template set, the execution
 * state and helpers the function families share.
 */
#ifndef MC_GOTMPL_IMPL_H
#define MC_GOTMPL_IMPL_H

#include <setjmp.h>

#include "mc/gotmpl.h"

/* ---- parse tree (text/template/parse's nodes) ---- */

enum gt_nt {
	GN_TEXT, GN_ACTION, GN_IF, GN_RANGE, GN_WITH, GN_TEMPLATE, GN_BREAK,
	GN_CONTINUE, GN_LIST, GN_COMMENT,
	GN_PIPE, GN_COMMAND, GN_FIELD, GN_VARIABLE, GN_CHAIN, GN_IDENT, GN_DOT,
	GN_NIL, GN_BOOL, GN_NUMBER, GN_STRING,
	GN_END, GN_ELSE, /* parser-internal */
};

struct gt_tree;
struct gt_node;

struct gt_nodes {
	struct gt_node **items;
	uint32_t len, cap;
};

struct gt_number {
	bool is_int, is_uint, is_float, is_complex;
	int64_t i;
	uint64_t u;
	double f;
	double re, im;
};

struct gt_node {
	uint8_t type; /* enum gt_nt */
	uint32_t pos; /* byte offset in the tree's text */
	const struct gt_tree *tree;
	union {
		struct { const char *p; size_t n; } text;    /* TEXT, COMMENT */
		struct gt_nodes list;                        /* LIST */
		struct { struct gt_node *pipe; } action;     /* ACTION */
		struct {                                     /* IF RANGE WITH */
			struct gt_node *pipe, *list, *else_list;
		} branch;
		struct {                                     /* TEMPLATE */
			const struct str *name;
			struct gt_node *pipe; /* may be NULL */
		} tmpl;
		struct {                                     /* PIPE */
			bool assign;
			struct gt_nodes decl; /* VARIABLE nodes */
			struct gt_nodes cmds; /* COMMAND nodes */
		} pipe;
		struct gt_nodes cmd;                         /* COMMAND: args */
		struct {                                     /* FIELD, VARIABLE */
			const struct str **ident; /* VARIABLE: ident[0] is "$x" */
			uint32_t n;
		} field;
		struct {                                     /* CHAIN */
			struct gt_node *node;
			const struct str **field;
			uint32_t n;
		} chain;
		const struct str *ident;                     /* IDENT */
		bool b;                                      /* BOOL */
		struct {                                     /* NUMBER */
			struct gt_number v;
			const char *p; size_t n; /* source text */
		} num;
		struct {                                     /* STRING */
			const char *quoted; size_t qn;
			const char *p; size_t n;
		} str;
	};
};

struct gt_tree {
	const struct str *name;       /* Template.Name() */
	const char *parse_name;       /* the top-level template being parsed (messages) */
	const char *text;             /* the whole text parsed */
	size_t len;
	const struct srcfile *file;   /* where text lives (diagnostics) */
	uint32_t line0, col0;         /* text starts here in file */
	struct gt_node *root;         /* LIST */
};

/* ---- sets ---- */

struct gt_slot {
	const struct str *key;
	const void *val; /* const struct gt_func * or struct gt_tree *; NULL = removed */
};

struct gt_table {
	struct gt_slot *slots;
	uint32_t len, cap;
};

struct gt_set {
	struct mc_ctx *ctx;
	struct arena *arena;
	struct gt_set *parent;
	struct gt_table tmpls, funcs;
	int64_t clock;
	uint64_t seed;
	bool seed_set, clock_set;
	int helm_major;
	const char *name;   /* Go's *Template name for ExecuteTemplate errors (NULL: the running one) */
	uint64_t text_hash; /* of everything parsed, for the default seed */
	uint32_t warned;    /* non-reproducible warnings given (bit per family) */
	const struct str *s_dollar;
	uint64_t rng[4];    /* seeded generator for rand/uuid functions */
	bool rng_init;
};

const void *gt_table_get(const struct gt_table *t, const struct str *key, bool *found);
void gt_table_put(struct arena *a, struct gt_table *t, const struct str *key, const void *val);

/* The template of that name (through overlays), or NULL. */
const struct gt_tree *gt_set_lookup(const struct gt_set *s, const struct str *name);
const struct gt_func *gt_set_lookup_func(const struct gt_set *s, const struct str *name);
void gt_set_put_tree(struct gt_set *s, struct gt_tree *t);

/* Base function tables (each family file exports one). */
extern const struct gt_func gt_builtin_funcs[];
extern const size_t gt_builtin_nfuncs;
void gt_sprig_register(struct gt_set *s, enum gt_funcset base);
void gt_helm_register(struct gt_set *s);

/* ---- parse tree helpers ---- */

/* Go's Node.String() of n, appended to out. */
void gt_node_string(struct sbuf *out, const struct gt_node *n);
/* Go's ErrorContext location "NAME:LINE:COL" and a srcpos for n. */
void gt_node_location(const struct gt_node *n, struct sbuf *loc, struct srcpos *pos);
bool gt_is_empty_tree(const struct gt_node *n);

/* ---- execution state ---- */

struct gt_var {
	const struct str *name;
	struct gt_value v;
};

struct gt_state {
	struct gt_set *set;          /* the set executing (for lookups) */
	const struct gt_tree *tmpl;  /* the template executing */
	const struct gt_exec_opts *opts;
	struct arena *arena;
	struct sbuf *out;
	const struct gt_node *node;  /* current node, for errors */
	struct gt_var *vars;
	uint32_t nvars, capvars;
	unsigned depth;
	struct gt_error *err;
	bool failed;
	uint64_t *steps;             /* shared by nested states */
};

struct gt_call {
	struct gt_state *st;
	const struct gt_func *fn;
	const char *name;   /* as called (method or function name) */
	void *self;
	const struct gt_node *node;
	char *msg;          /* error message set by gt_call_error */
};

int gt_state_errorf(struct gt_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run tree with dot, in a fresh variable scope, one level deeper. */
int gt_exec_tree(struct gt_state *parent, struct gt_set *set, const struct gt_tree *t,
	struct gt_value dot, struct sbuf *out, struct gt_error *err);

/* ---- helpers for function families ---- */

/* time.Month and time.Weekday (ints printed by name) */
extern const struct gt_type gt_t_month, gt_t_weekday;
void gt_duration_string(struct sbuf *out, int64_t d);

/* A string of the arena. */
char *gt_arena_str(struct arena *a, const char *p, size_t n);
/* The Go type name of v as %T prints it. */
const char *gt_type_name(struct gt_value v);
/* reflect.Kind name ("int", "map", "slice", "ptr", "struct", "invalid"). */
const char *gt_kind_name(struct gt_value v);
/* fmt.Sprint of one value into the arena as a string value. */
struct gt_value gt_sprint_value(struct arena *a, struct gt_value v);
/* Append fmt's %v of v to out. */
void gt_fmt_v(struct sbuf *out, struct gt_value v);
/* Zero value of a type (NULL: nil interface). */
struct gt_value gt_zero(const struct gt_type *t);
/* Warn once per set and family that the output is not reproducible. */
void gt_warn_nondeterministic(struct gt_call *c, unsigned family, const char *what);

#endif
