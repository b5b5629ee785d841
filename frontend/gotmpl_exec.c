/*
 * gotmpl_exec.c - executing Go templates (text/template's exec.go).
 *
 * The walk follows exec.go step by step, because the observable behaviour
 * lives in its details: a pipeline's value drops its interface wrapper
 * (so a JSON null read from a map prints "<no value>"), `.a.b` through a
 * null errors while through a missing key it yields nothing, arguments are
 * checked and converted against the function's parameter types (literals
 * become int, int64, float64 ... as the parameter asks), `and`/`or` stop
 * at the deciding operand and return it, range visits maps in key order,
 * and the error text names the template, the position and the failing
 * node as Go prints them.
 *
 * Errors travel back as return values (-1) rather than by unwinding, so
 * C callbacks can always clean up; the first error is kept.  Variables live
 * on one stack per execution; a template call starts a new scope on it.
 */
#include <stdlib.h>
#include <string.h>

#include "gotmpl_impl.h"

enum { W_OK = 0, W_ERR = -1, W_BREAK = 1, W_CONTINUE = 2 };

struct varstack {
	struct gt_var *v;
	uint32_t n, cap;
};

struct exec {
	struct varstack vars;
	struct arena *arena;
};

/* The state gt_state points at; vars is shared by the nested states. */
struct xstate {
	struct gt_state pub;
	struct varstack *vs;
	uint32_t base;
};

#define XS(st) ((struct xstate *)(st))

/* ---- errors ---- */

static void node_context(const struct gt_node *n, struct sbuf *out)
{
	gt_node_string(out, n);
}

static int verrorf(struct gt_state *st, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int verrorf(struct gt_state *st, const char *fmt, va_list ap)
{
	if (st->failed)
		return -1;
	struct arena *a = &st->set->ctx->arena;
	char *msg = arena_vprintf(a, fmt, ap);
	struct sbuf sb = SBUF_INIT;
	struct srcpos pos = SRCPOS_NONE;
	if (!st->node) {
		sbuf_printf(&sb, "template: %s: %s", st->tmpl->name->s, msg);
		pos.file = st->tmpl->file;
		pos.line = st->tmpl->line0;
		pos.col = st->tmpl->col0;
	} else {
		sbuf_adds(&sb, "template: ");
		gt_node_location(st->node, &sb, &pos);
		sbuf_adds(&sb, ": executing ");
		go_quote(&sb, st->tmpl->name->s, st->tmpl->name->len, '"', false, false);
		sbuf_adds(&sb, " at <");
		node_context(st->node, &sb);
		sbuf_adds(&sb, ">: ");
		sbuf_adds(&sb, msg);
	}
	if (st->err) {
		st->err->msg = arena_strndup(a, sb.buf, sb.len);
		st->err->pos = pos;
	}
	sbuf_release(&sb);
	st->failed = true;
	return -1;
}

int gt_state_errorf(struct gt_state *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = verrorf(st, fmt, ap);
	va_end(ap);
	return r;
}

#define errorf gt_state_errorf

/* Propagate an error text produced elsewhere (inner templates). */
static int error_raw(struct gt_state *st, const char *msg, const struct srcpos *pos)
{
	if (st->failed)
		return -1;
	if (st->err) {
		st->err->msg = arena_strdup(&st->set->ctx->arena, msg);
		st->err->pos = *pos;
	}
	st->failed = true;
	return -1;
}

static const char *node_str(struct gt_state *st, const struct gt_node *n)
{
	struct sbuf sb = SBUF_INIT;
	gt_node_string(&sb, n);
	char *s = arena_strndup(st->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

static const char *quoted(struct gt_state *st, const char *p, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	go_quote(&sb, p, n, '"', false, false);
	char *s = arena_strndup(st->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

static const char *value_str(struct gt_state *st, struct gt_value v)
{
	struct sbuf sb = SBUF_INIT;
	gt_fmt_v(&sb, v);
	char *s = arena_strndup(st->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

static const char *type_str(const struct gt_type *t)
{
	return t ? t->name : "interface {}";
}

/* ---- variables ---- */

static void push_var(struct gt_state *st, const struct str *name, struct gt_value v)
{
	struct varstack *vs = XS(st)->vs;
	if (vs->n == vs->cap) {
		uint32_t nc = vs->cap ? vs->cap * 2 : 16;
		vs->v = arena_grow(st->arena, vs->v, vs->cap * sizeof *vs->v, nc * sizeof *vs->v);
		vs->cap = nc;
	}
	vs->v[vs->n].name = name;
	vs->v[vs->n].v = v;
	vs->n++;
}

static uint32_t mark(struct gt_state *st)
{
	return XS(st)->vs->n;
}

static void pop(struct gt_state *st, uint32_t m)
{
	XS(st)->vs->n = m;
}

static int set_var(struct gt_state *st, const struct str *name, struct gt_value v)
{
	struct varstack *vs = XS(st)->vs;
	for (uint32_t i = vs->n; i-- > XS(st)->base;) {
		if (str_eq(vs->v[i].name, name)) {
			vs->v[i].v = v;
			return 0;
		}
	}
	return errorf(st, "undefined variable: %s", name->s);
}

static void set_top_var(struct gt_state *st, uint32_t n, struct gt_value v)
{
	struct varstack *vs = XS(st)->vs;
	vs->v[vs->n - n].v = v;
}

static int var_value(struct gt_state *st, const struct str *name, struct gt_value *out)
{
	struct varstack *vs = XS(st)->vs;
	for (uint32_t i = vs->n; i-- > XS(st)->base;) {
		if (str_eq(vs->v[i].name, name)) {
			*out = vs->v[i].v;
			return 0;
		}
	}
	return errorf(st, "undefined variable: %s", name->s);
}

/* ---- evaluation ---- */

static int eval_pipeline(struct gt_state *st, struct gt_value dot, const struct gt_node *pipe,
	struct gt_value *out);
static int eval_arg(struct gt_state *st, struct gt_value dot, const struct gt_type *typ,
	bool typed, const struct gt_node *n, struct gt_value *out);

static bool can_be_nil(const struct gt_type *t)
{
	if (!t || t == &gt_t_value)
		return true;
	switch (t->kind) {
	case GT_NIL: case GT_LIST: case GT_MAP:
		return true;
	case GT_OBJ:
		return t->name[0] == '*';
	default:
		return false;
	}
}

/*
 * validateType: typed is false for Go's nil reflect.Type (chain receivers),
 * where anything passes unchanged; typ NULL is interface{}.
 */
static int validate_type(struct gt_state *st, struct gt_value v, const struct gt_type *typ,
	bool typed, struct gt_value *out)
{
	if (!typed) {
		*out = v;
		return 0;
	}
	if (!v.t) {
		if (typ == &gt_t_value) {
			*out = v;
			return 0;
		}
		if (can_be_nil(typ)) {
			*out = gt_zero(typ);
			return 0;
		}
		return errorf(st, "invalid value; expected %s", type_str(typ));
	}
	if (typ == &gt_t_value || !typ) {
		*out = v;
		return 0;
	}
	if (!gt_assignable(v.t, typ))
		return errorf(st, "wrong type for value; expected %s; got %s", type_str(typ),
			v.t->name);
	*out = v;
	return 0;
}

static int not_a_function(struct gt_state *st, const struct gt_nodes *args,
	const struct gt_value *final)
{
	if ((args && args->len > 1) || final)
		return errorf(st, "can't give argument to non-function %s",
			node_str(st, args && args->len ? args->items[0] : st->node));
	return 0;
}

static bool is_hex_int(const char *s, size_t n)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (size_t i = 0; i < n; i++)
			if (s[i] == 'p' || s[i] == 'P')
				return false;
		return true;
	}
	return false;
}

static int ideal_constant(struct gt_state *st, const struct gt_node *c, struct gt_value *out)
{
	st->node = c;
	const struct gt_number *v = &c->num.v;
	if (v->is_complex) {
		out->t = &gt_t_complex128;
		out->c.re = v->re;
		out->c.im = v->im;
		return 0;
	}
	bool floaty = false;
	for (size_t i = 0; i < c->num.n; i++)
		if (strchr(".eEpP", c->num.p[i]))
			floaty = true;
	if (v->is_float && !is_hex_int(c->num.p, c->num.n) && !(c->num.n && c->num.p[0] == '\'') &&
	    floaty) {
		*out = gt_float(v->f);
		return 0;
	}
	if (v->is_int) {
		*out = gt_int(v->i);
		return 0;
	}
	if (v->is_uint)
		return errorf(st, "%.*s overflows int", (int)c->num.n, c->num.p);
	*out = gt_invalid();
	return 0;
}

static int eval_call(struct gt_state *st, struct gt_value dot, const struct gt_func *fn,
	bool builtin, const struct gt_node *node, const char *name, void *self,
	const struct gt_nodes *args_in, const struct gt_value *final, struct gt_value *out);

static int eval_field(struct gt_state *st, struct gt_value dot, const struct str *field,
	const struct gt_node *node, const struct gt_nodes *args, const struct gt_value *final,
	struct gt_value receiver, struct gt_value *out)
{
	if (!receiver.t) {
		if (st->opts->missingkey == GT_MISSING_ERROR)
			return errorf(st, "nil data; no entry for key %s", quoted(st, field->s, field->len));
		*out = gt_invalid();
		return 0;
	}
	if (receiver.t->kind == GT_NIL)
		return errorf(st, "nil pointer evaluating %s.%s", receiver.t->name, field->s);
	bool has_args = (args && args->len > 1) || final;
	if (receiver.t->named == GT_NAMED_METHODS && receiver.t->kind != GT_OBJ) {
		const struct gt_class *cls = (const struct gt_class *)receiver.t;
		void *self = receiver.t->kind == GT_MAP ? (void *)receiver.m : (void *)receiver.l;
		for (size_t i = 0; i < cls->nmethods; i++)
			if (str_eqc(field, cls->methods[i].name))
				return eval_call(st, dot, &cls->methods[i], false, node, field->s,
					self, args, final, out);
	}
	switch (receiver.t->kind) {
	case GT_OBJ: {
		const struct gt_class *cls = (const struct gt_class *)receiver.t;
		for (size_t i = 0; i < cls->nmethods; i++) {
			if (str_eqc(field, cls->methods[i].name))
				return eval_call(st, dot, &cls->methods[i], false, node, field->s,
					receiver.o, args, final, out);
		}
		if (!receiver.o && receiver.t->name[0] == '*')
			return errorf(st, "nil pointer evaluating %s.%s", receiver.t->name, field->s);
		if (cls->field && cls->field(receiver.o, field, out)) {
			if (has_args)
				return errorf(st, "%s has arguments but cannot be invoked as function",
					field->s);
			return 0;
		}
		break;
	}
	case GT_MAP: {
		if (has_args)
			return errorf(st, "%s is not a method but has arguments", field->s);
		extern struct gt_value *gt_map_get_h(const struct gt_map *, const char *, size_t, uint64_t);
		struct gt_value *v = receiver.m && receiver.m->len
			? gt_map_get_h(receiver.m, field->s, field->len, field->hash) : NULL;
		if (v) {
			*out = *v;
			return 0;
		}
		switch (st->opts->missingkey) {
		case GT_MISSING_DEFAULT:
			*out = gt_invalid();
			return 0;
		case GT_MISSING_ZERO:
			*out = gt_zero(receiver.t->elem);
			return 0;
		case GT_MISSING_ERROR:
			return errorf(st, "map has no entry for key %s", quoted(st, field->s, field->len));
		}
		break;
	}
	default:
		break;
	}
	return errorf(st, "can't evaluate field %s in type %s", field->s, receiver.t->name);
}

static int eval_field_chain(struct gt_state *st, struct gt_value dot, struct gt_value receiver,
	const struct gt_node *node, const struct str *const *ident, uint32_t n,
	const struct gt_nodes *args, const struct gt_value *final, struct gt_value *out)
{
	for (uint32_t i = 0; i + 1 < n; i++)
		if (eval_field(st, dot, ident[i], node, NULL, NULL, receiver, &receiver))
			return -1;
	return eval_field(st, dot, ident[n - 1], node, args, final, receiver, out);
}

static int eval_field_node(struct gt_state *st, struct gt_value dot, const struct gt_node *field,
	const struct gt_nodes *args, const struct gt_value *final, struct gt_value *out)
{
	st->node = field;
	return eval_field_chain(st, dot, dot, field, field->field.ident, field->field.n, args,
		final, out);
}

static int eval_chain_node(struct gt_state *st, struct gt_value dot, const struct gt_node *chain,
	const struct gt_nodes *args, const struct gt_value *final, struct gt_value *out)
{
	st->node = chain;
	if (chain->chain.node->type == GN_NIL)
		return errorf(st, "indirection through explicit nil in %s", node_str(st, chain));
	struct gt_value pipe;
	if (eval_arg(st, dot, NULL, false, chain->chain.node, &pipe))
		return -1;
	return eval_field_chain(st, dot, pipe, chain, chain->chain.field, chain->chain.n, args,
		final, out);
}

static int eval_variable_node(struct gt_state *st, struct gt_value dot, const struct gt_node *var,
	const struct gt_nodes *args, const struct gt_value *final, struct gt_value *out)
{
	st->node = var;
	struct gt_value v;
	if (var_value(st, var->field.ident[0], &v))
		return -1;
	if (var->field.n == 1) {
		if (not_a_function(st, args, final))
			return -1;
		*out = v;
		return 0;
	}
	return eval_field_chain(st, dot, v, var, var->field.ident + 1, var->field.n - 1, args,
		final, out);
}

static int eval_function(struct gt_state *st, struct gt_value dot, const struct gt_node *ident,
	const struct gt_node *cmd, const struct gt_nodes *args, const struct gt_value *final,
	struct gt_value *out)
{
	st->node = ident;
	const struct gt_func *fn = gt_set_lookup_func(st->set, ident->ident);
	if (!fn)
		return errorf(st, "%s is not a defined function",
			quoted(st, ident->ident->s, ident->ident->len));
	uintptr_t off = (uintptr_t)fn - (uintptr_t)gt_builtin_funcs;
	bool builtin = off < gt_builtin_nfuncs * sizeof *fn;
	return eval_call(st, dot, fn, builtin, cmd, ident->ident->s, NULL, args, final, out);
}

static int eval_empty_interface(struct gt_state *st, struct gt_value dot, const struct gt_node *n,
	struct gt_value *out)
{
	st->node = n;
	switch (n->type) {
	case GN_BOOL:
		*out = gt_bool(n->b);
		return 0;
	case GN_DOT:
		*out = dot;
		return 0;
	case GN_FIELD:
		return eval_field_node(st, dot, n, NULL, NULL, out);
	case GN_IDENT:
		return eval_function(st, dot, n, n, NULL, NULL, out);
	case GN_NIL:
		return errorf(st, "evalEmptyInterface: nil (can't happen)");
	case GN_NUMBER:
		return ideal_constant(st, n, out);
	case GN_STRING:
		*out = gt_string(n->str.p, n->str.n);
		return 0;
	case GN_VARIABLE:
		return eval_variable_node(st, dot, n, NULL, NULL, out);
	case GN_PIPE:
		return eval_pipeline(st, dot, n, out);
	default:
		return errorf(st, "can't handle assignment of %s to empty interface argument",
			node_str(st, n));
	}
}

static int eval_arg(struct gt_state *st, struct gt_value dot, const struct gt_type *typ,
	bool typed, const struct gt_node *n, struct gt_value *out)
{
	st->node = n;
	struct gt_value v;
	switch (n->type) {
	case GN_DOT:
		return validate_type(st, dot, typ, typed, out);
	case GN_NIL:
		if (typed && can_be_nil(typ)) {
			*out = gt_zero(typ);
			return 0;
		}
		return errorf(st, "cannot assign nil to %s", type_str(typ));
	case GN_FIELD: {
		struct gt_nodes self = { (struct gt_node **)&n, 1, 1 };
		if (eval_field_node(st, dot, n, &self, NULL, &v))
			return -1;
		return validate_type(st, v, typ, typed, out);
	}
	case GN_VARIABLE:
		if (eval_variable_node(st, dot, n, NULL, NULL, &v))
			return -1;
		return validate_type(st, v, typ, typed, out);
	case GN_PIPE:
		if (eval_pipeline(st, dot, n, &v))
			return -1;
		return validate_type(st, v, typ, typed, out);
	case GN_IDENT:
		if (eval_function(st, dot, n, n, NULL, NULL, &v))
			return -1;
		return validate_type(st, v, typ, typed, out);
	case GN_CHAIN:
		if (eval_chain_node(st, dot, n, NULL, NULL, &v))
			return -1;
		return validate_type(st, v, typ, typed, out);
	default:
		break;
	}
	if (!typed || !typ || typ == &gt_t_value)
		return eval_empty_interface(st, dot, n, out);
	switch (typ->kind) {
	case GT_BOOL:
		if (n->type == GN_BOOL) {
			out->t = typ;
			out->b = n->b;
			return 0;
		}
		return errorf(st, "expected bool; found %s", node_str(st, n));
	case GT_COMPLEX:
		if (n->type == GN_NUMBER && n->num.v.is_complex) {
			out->t = typ;
			out->c.re = n->num.v.re;
			out->c.im = n->num.v.im;
			return 0;
		}
		return errorf(st, "expected complex; found %s", node_str(st, n));
	case GT_FLOAT:
		if (n->type == GN_NUMBER && n->num.v.is_float) {
			out->t = typ;
			out->f = typ->bits == 32 ? (double)(float)n->num.v.f : n->num.v.f;
			return 0;
		}
		return errorf(st, "expected float; found %s", node_str(st, n));
	case GT_INT:
		if (n->type == GN_NUMBER && n->num.v.is_int) {
			int64_t i = n->num.v.i;
			switch (typ->bits) {
			case 8: i = (int8_t)i; break;
			case 16: i = (int16_t)i; break;
			case 32: i = (int32_t)i; break;
			default: break;
			}
			*out = gt_typed_int(typ, i);
			return 0;
		}
		return errorf(st, "expected integer; found %s", node_str(st, n));
	case GT_UINT:
		if (n->type == GN_NUMBER && n->num.v.is_uint) {
			uint64_t u = n->num.v.u;
			switch (typ->bits) {
			case 8: u = (uint8_t)u; break;
			case 16: u = (uint16_t)u; break;
			case 32: u = (uint32_t)u; break;
			default: break;
			}
			*out = gt_typed_uint(typ, u);
			return 0;
		}
		return errorf(st, "expected unsigned integer; found %s", node_str(st, n));
	case GT_STRING:
		if (n->type == GN_STRING) {
			out->t = typ;
			out->s.p = n->str.p;
			out->s.n = n->str.n;
			return 0;
		}
		return errorf(st, "expected string; found %s", node_str(st, n));
	case GT_NIL:
		return eval_empty_interface(st, dot, n, out);
	default:
		return errorf(st, "can't handle %s for arg of type %s", node_str(st, n), typ->name);
	}
}

static const struct gt_type *param_type(const struct gt_func *fn, size_t i)
{
	if (fn->variadic && i + 1 >= fn->nparams)
		return fn->params[fn->nparams - 1];
	return fn->params[i];
}

static int eval_call(struct gt_state *st, struct gt_value dot, const struct gt_func *fn,
	bool builtin, const struct gt_node *node, const char *name, void *self,
	const struct gt_nodes *args_in, const struct gt_value *final, struct gt_value *out)
{
	struct gt_node *const *args = NULL;
	size_t nargs = 0;
	if (args_in && args_in->len) {
		args = args_in->items + 1;
		nargs = args_in->len - 1;
	}
	size_t num_in = nargs + (final ? 1 : 0);
	size_t num_fixed = nargs;
	if (fn->variadic) {
		num_fixed = fn->nparams - 1u;
		if (num_in < num_fixed)
			return errorf(st, "wrong number of args for %s: want at least %d got %zu", name,
				fn->nparams - 1, nargs);
	} else if (num_in != fn->nparams) {
		return errorf(st, "wrong number of args for %s: want %d got %zu", name, fn->nparams,
			num_in);
	}

	/* and/or short-circuit and return the deciding operand */
	if (builtin && (!strcmp(name, "and") || !strcmp(name, "or"))) {
		bool is_or = name[0] == 'o';
		struct gt_value v = gt_invalid();
		for (size_t i = 0; i < nargs; i++) {
			if (eval_arg(st, dot, &gt_t_value, true, args[i], &v))
				return -1;
			if (gt_truth(v) == is_or) {
				*out = v;
				return 0;
			}
		}
		if (final)
			v = *final;
		*out = v;
		return 0;
	}

	struct gt_value argv_small[8];
	struct gt_value *argv = num_in <= 8 ? argv_small
		: arena_alloc(st->arena, num_in * sizeof *argv);
	size_t i = 0;
	for (; i < num_fixed && i < nargs; i++)
		if (eval_arg(st, dot, fn->params[i], true, args[i], &argv[i]))
			return -1;
	if (fn->variadic) {
		const struct gt_type *t = fn->params[fn->nparams - 1];
		for (; i < nargs; i++)
			if (eval_arg(st, dot, t, true, args[i], &argv[i]))
				return -1;
	}
	if (final) {
		const struct gt_type *t = fn->variadic ? param_type(fn, num_in - 1)
			: fn->params[fn->nparams - 1];
		if (fn->variadic && num_in - 1 < num_fixed)
			t = fn->params[num_in - 1];
		if (validate_type(st, *final, t, true, &argv[i]))
			return -1;
	}

	/* `call` needs a function value; data never holds one */
	if (builtin && !strcmp(name, "call")) {
		st->node = node;
		const char *callee = nargs ? node_str(st, args[0]) : "";
		struct gt_value f = argv[0];
		if (!f.t || f.t->kind == GT_NIL)
			return errorf(st, "error calling call: call of nil");
		return errorf(st, "error calling call: non-function %s of type %s", callee, f.t->name);
	}

	struct gt_call call = { st, fn, name, self, node, NULL };
	struct gt_value ret = gt_invalid();
	int rc = fn->fn(&call, argv, num_in, &ret);
	if (st->failed)
		return -1;
	if (rc) {
		st->node = node;
		return errorf(st, "error calling %s: %s", name, call.msg ? call.msg : "error");
	}
	*out = ret;
	return 0;
}

static int eval_command(struct gt_state *st, struct gt_value dot, const struct gt_node *cmd,
	const struct gt_value *final, struct gt_value *out)
{
	const struct gt_node *first = cmd->cmd.items[0];
	switch (first->type) {
	case GN_FIELD:
		return eval_field_node(st, dot, first, &cmd->cmd, final, out);
	case GN_CHAIN:
		return eval_chain_node(st, dot, first, &cmd->cmd, final, out);
	case GN_IDENT:
		return eval_function(st, dot, first, cmd, &cmd->cmd, final, out);
	case GN_PIPE:
		if (not_a_function(st, &cmd->cmd, final))
			return -1;
		return eval_pipeline(st, dot, first, out);
	case GN_VARIABLE:
		return eval_variable_node(st, dot, first, &cmd->cmd, final, out);
	default:
		break;
	}
	st->node = first;
	if (not_a_function(st, &cmd->cmd, final))
		return -1;
	switch (first->type) {
	case GN_BOOL:
		*out = gt_bool(first->b);
		return 0;
	case GN_DOT:
		*out = dot;
		return 0;
	case GN_NIL:
		return errorf(st, "nil is not a command");
	case GN_NUMBER:
		return ideal_constant(st, first, out);
	case GN_STRING:
		*out = gt_string(first->str.p, first->str.n);
		return 0;
	default:
		return errorf(st, "can't evaluate command %s", quoted(st, node_str(st, first),
			strlen(node_str(st, first))));
	}
}

static int eval_pipeline(struct gt_state *st, struct gt_value dot, const struct gt_node *pipe,
	struct gt_value *out)
{
	if (!pipe) {
		*out = gt_invalid();
		return 0;
	}
	st->node = pipe;
	struct gt_value value = gt_invalid();
	bool have = false;
	for (uint32_t i = 0; i < pipe->pipe.cmds.len; i++) {
		struct gt_value v;
		if (eval_command(st, dot, pipe->pipe.cmds.items[i], have ? &value : NULL, &v))
			return -1;
		/* an interface{} value: dig down to the thing inside */
		if (v.t && v.t->kind == GT_NIL)
			v = gt_invalid();
		value = v;
		have = true;
	}
	for (uint32_t i = 0; i < pipe->pipe.decl.len; i++) {
		const struct str *name = pipe->pipe.decl.items[i]->field.ident[0];
		if (pipe->pipe.assign) {
			if (set_var(st, name, value))
				return -1;
		} else {
			push_var(st, name, value);
		}
	}
	*out = value;
	return 0;
}

/* ---- walking ---- */

static int walk(struct gt_state *st, struct gt_value dot, const struct gt_node *n);

static int walk_list(struct gt_state *st, struct gt_value dot, const struct gt_node *list)
{
	for (uint32_t i = 0; i < list->list.len; i++) {
		int r = walk(st, dot, list->list.items[i]);
		if (r)
			return r;
	}
	return W_OK;
}

static int walk_if_or_with(struct gt_state *st, struct gt_value dot, const struct gt_node *n)
{
	uint32_t m = mark(st);
	struct gt_value val;
	int r;
	if (eval_pipeline(st, dot, n->branch.pipe, &val)) {
		r = W_ERR;
	} else if (gt_truth(val)) {
		r = walk(st, n->type == GN_WITH ? val : dot, n->branch.list);
	} else if (n->branch.else_list) {
		r = walk(st, dot, n->branch.else_list);
	} else {
		r = W_OK;
	}
	pop(st, m);
	return r;
}

static int one_iteration(struct gt_state *st, const struct gt_node *r, uint32_t m,
	struct gt_value index, struct gt_value elem)
{
	const struct gt_nodes *decl = &r->branch.pipe->pipe.decl;
	bool assign = r->branch.pipe->pipe.assign;
	if (decl->len > 0) {
		if (assign) {
			if (set_var(st, decl->items[0]->field.ident[0], decl->len > 1 ? index : elem))
				return W_ERR;
		} else {
			set_top_var(st, 1, elem);
		}
	}
	if (decl->len > 1) {
		if (assign) {
			if (set_var(st, decl->items[1]->field.ident[0], elem))
				return W_ERR;
		} else {
			set_top_var(st, 2, index);
		}
	}
	int rc = walk(st, elem, r->branch.list);
	pop(st, m);
	if (rc == W_CONTINUE)
		rc = W_OK;
	return rc;
}

static int walk_range(struct gt_state *st, struct gt_value dot, const struct gt_node *r)
{
	st->node = r;
	uint32_t m0 = mark(st);
	struct gt_value val;
	if (eval_pipeline(st, dot, r->branch.pipe, &val)) {
		pop(st, m0);
		return W_ERR;
	}
	uint32_t m = mark(st);
	int rc = W_OK;
	bool ran = false;
	switch (gt_kind(val)) {
	case GT_INT:
	case GT_UINT: {
		if (!val.t)
			break;
		if (r->branch.pipe->pipe.decl.len > 1) {
			rc = errorf(st, "can't use %s to iterate over more than one variable",
				value_str(st, val));
			ran = true;
			break;
		}
		if (val.t->kind == GT_INT) {
			for (int64_t i = 0; i < val.i && rc == W_OK; i++) {
				ran = true;
				rc = one_iteration(st, r, m, gt_invalid(), gt_typed_int(val.t, i));
			}
		} else {
			for (uint64_t i = 0; i < val.u && rc == W_OK; i++) {
				ran = true;
				rc = one_iteration(st, r, m, gt_invalid(), gt_typed_uint(val.t, i));
			}
		}
		break;
	}
	case GT_LIST:
		if (!val.t)
			break;
		for (uint32_t i = 0; val.l && i < val.l->len && rc == W_OK; i++) {
			ran = true;
			rc = one_iteration(st, r, m, gt_int(i), val.l->items[i]);
		}
		break;
	case GT_MAP: {
		if (!val.t || !val.m || !val.m->len)
			break;
		size_t n;
		/* a private copy of the order: the body may change the map */
		struct gt_mapent *const *ents = gt_map_sorted(st->arena, val.m, &n);
		struct gt_mapent **copy = arena_alloc(st->arena, n * sizeof *copy);
		memcpy(copy, ents, n * sizeof *copy);
		struct gt_value *keys = arena_alloc(st->arena, n * 2 * sizeof *keys);
		for (size_t i = 0; i < n; i++) {
			keys[2 * i] = gt_string(copy[i]->k, copy[i]->klen);
			keys[2 * i + 1] = copy[i]->v;
		}
		for (size_t i = 0; i < n && rc == W_OK; i++) {
			ran = true;
			rc = one_iteration(st, r, m, keys[2 * i], keys[2 * i + 1]);
		}
		break;
	}
	case GT_NIL:
		if (!val.t)
			break; /* invalid: acts like an empty map */
		rc = errorf(st, "range can't iterate over %s", value_str(st, val));
		ran = true;
		break;
	default:
		rc = errorf(st, "range can't iterate over %s", value_str(st, val));
		ran = true;
		break;
	}
	if (rc == W_BREAK)
		rc = W_OK;
	if (!ran && rc == W_OK && r->branch.else_list)
		rc = walk(st, dot, r->branch.else_list);
	pop(st, m0);
	return rc;
}

static int run_tree(struct gt_state *parent, struct gt_set *set, const struct gt_tree *t,
	struct gt_value dot, struct sbuf *out, struct gt_error *err)
{
	struct xstate ns;
	memset(&ns, 0, sizeof ns);
	ns.pub = *parent;
	ns.pub.set = set;
	ns.pub.tmpl = t;
	ns.pub.out = out;
	ns.pub.node = NULL;
	ns.pub.depth = parent->depth + 1;
	ns.pub.err = err;
	ns.pub.failed = false;
	ns.vs = XS(parent)->vs;
	uint32_t m = ns.vs->n;
	ns.base = m;
	push_var(&ns.pub, set->s_dollar, dot);
	int rc = t->root ? walk(&ns.pub, dot, t->root) : W_OK;
	ns.vs->n = m;
	return rc == W_ERR || ns.pub.failed ? -1 : 0;
}

static int walk_template(struct gt_state *st, struct gt_value dot, const struct gt_node *t)
{
	st->node = t;
	const struct gt_tree *tmpl = gt_set_lookup(st->set, t->tmpl.name);
	if (!tmpl)
		return errorf(st, "template %s not defined",
			quoted(st, t->tmpl.name->s, t->tmpl.name->len));
	unsigned max = st->opts->max_depth ? st->opts->max_depth : GT_MAX_DEPTH;
	if (st->depth >= max)
		return errorf(st, "exceeded maximum template depth (%u)", max);
	if (eval_pipeline(st, dot, t->tmpl.pipe, &dot))
		return W_ERR;
	struct gt_error inner = { 0 };
	if (run_tree(st, st->set, tmpl, dot, st->out, &inner))
		return error_raw(st, inner.msg ? inner.msg : "template error", &inner.pos);
	return W_OK;
}

static int walk(struct gt_state *st, struct gt_value dot, const struct gt_node *n)
{
	st->node = n;
	if (st->opts->max_steps && ++*st->steps > st->opts->max_steps)
		return errorf(st, "template execution exceeded %llu steps",
			(unsigned long long)st->opts->max_steps);
	switch (n->type) {
	case GN_ACTION: {
		struct gt_value v;
		if (eval_pipeline(st, dot, n->action.pipe, &v))
			return W_ERR;
		if (n->action.pipe->pipe.decl.len == 0) {
			st->node = n;
			gt_print_value(st->out, v);
		}
		return W_OK;
	}
	case GN_BREAK:
		return W_BREAK;
	case GN_CONTINUE:
		return W_CONTINUE;
	case GN_COMMENT:
		return W_OK;
	case GN_IF:
	case GN_WITH:
		return walk_if_or_with(st, dot, n);
	case GN_LIST:
		return walk_list(st, dot, n);
	case GN_RANGE:
		return walk_range(st, dot, n);
	case GN_TEMPLATE:
		return walk_template(st, dot, n);
	case GN_TEXT:
		sbuf_add(st->out, n->text.p, n->text.n);
		return W_OK;
	default:
		return errorf(st, "unknown node: %s", node_str(st, n));
	}
}

/* ---- entry points ---- */

static const struct gt_exec_opts default_opts = { GT_MISSING_DEFAULT, NULL, NULL, 0, 0 };

int gt_exec(struct gt_set *s, const char *name, struct gt_value dot,
	const struct gt_exec_opts *opts, struct sbuf *out, struct gt_error *err)
{
	struct gt_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	if (!opts)
		opts = &default_opts;
	/* Execute(w, nil): reflect.ValueOf(nil) is the invalid value */
	if (dot.t && dot.t->kind == GT_NIL)
		dot = gt_invalid();
	const struct gt_tree *t = gt_set_lookup(s, str_intern0(&s->ctx->strs, name));
	if (!t) {
		struct sbuf sb = SBUF_INIT;
		sbuf_adds(&sb, "template: no template ");
		go_quote(&sb, name, strlen(name), '"', false, false);
		sbuf_adds(&sb, " associated with template ");
		go_quote(&sb, name, strlen(name), '"', false, false);
		err->msg = arena_strndup(&s->ctx->arena, sb.buf, sb.len);
		err->pos = SRCPOS_NONE;
		sbuf_release(&sb);
		return -1;
	}
	struct varstack vs = { 0 };
	uint64_t steps = 0;
	struct xstate root;
	memset(&root, 0, sizeof root);
	root.pub.set = s;
	root.pub.tmpl = t;
	root.pub.opts = opts;
	root.pub.arena = opts->arena ? opts->arena : s->arena;
	root.pub.out = out;
	root.pub.err = err;
	root.pub.steps = &steps;
	root.vs = &vs;
	/* run_tree adds one level: start at -1 so the top template is depth 0 */
	root.pub.depth = (unsigned)-1;
	if (!t->root) {
		root.pub.depth = 0;
		return gt_state_errorf(&root.pub, "%s is an incomplete or empty template",
			quoted(&root.pub, name, strlen(name)));
	}
	int rc = run_tree(&root.pub, s, t, dot, out, err);
	return rc;
}

int gt_exec_tree(struct gt_state *parent, struct gt_set *set, const struct gt_tree *t,
	struct gt_value dot, struct sbuf *out, struct gt_error *err)
{
	return run_tree(parent, set, t, dot, out, err);
}

/* ---- the call handle ---- */

int gt_call_errorf(struct gt_call *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	c->msg = arena_vprintf(c->st->arena, fmt, ap);
	va_end(ap);
	return -1;
}

int gt_call_error(struct gt_call *c, const char *msg)
{
	c->msg = arena_strdup(c->st->arena, msg ? msg : "error");
	return -1;
}

struct mc_ctx *gt_call_ctx(struct gt_call *c) { return c->st->set->ctx; }
struct arena *gt_call_arena(struct gt_call *c) { return c->st->arena; }
const struct gt_func *gt_call_func(struct gt_call *c) { return c->fn; }
void *gt_call_data(struct gt_call *c) { return c->fn->data; }
void *gt_call_user(struct gt_call *c) { return c->st->opts->user; }
void *gt_call_self(struct gt_call *c) { return c->self; }
struct gt_set *gt_call_set(struct gt_call *c) { return c->st->set; }
const char *gt_call_template(struct gt_call *c) { return c->st->tmpl->name->s; }
const struct gt_exec_opts *gt_call_opts(struct gt_call *c) { return c->st->opts; }

struct srcpos gt_call_pos(struct gt_call *c)
{
	struct srcpos pos = SRCPOS_NONE;
	if (c->node)
		gt_node_location(c->node, NULL, &pos);
	return pos;
}

int gt_call_exec(struct gt_call *c, struct gt_set *set, const char *name, struct gt_value dot,
	struct sbuf *out, struct gt_error *err)
{
	struct gt_state *st = c->st;
	memset(err, 0, sizeof *err);
	unsigned max = st->opts->max_depth ? st->opts->max_depth : GT_MAX_DEPTH;
	const struct gt_tree *t = gt_set_lookup(set, str_intern0(&set->ctx->strs, name));
	if (!t || !t->root) {
		struct sbuf sb = SBUF_INIT;
		sbuf_adds(&sb, "template: no template ");
		go_quote(&sb, name, strlen(name), '"', false, false);
		sbuf_adds(&sb, " associated with template ");
		if (set->name)
			go_quote(&sb, set->name, strlen(set->name), '"', false, false);
		else
			go_quote(&sb, st->tmpl->name->s, st->tmpl->name->len, '"', false, false);
		err->msg = arena_strndup(&set->ctx->arena, sb.buf, sb.len);
		err->pos = gt_call_pos(c);
		sbuf_release(&sb);
		return -1;
	}
	if (st->depth + 1 >= max) {
		err->msg = arena_printf(&set->ctx->arena,
			"template: %s: exceeded maximum template depth (%u)", name, max);
		err->pos = gt_call_pos(c);
		return -1;
	}
	return run_tree(st, set, t, dot, out, err);
}
