/*
 * gotmpl_parse.c - the parser of Go's text/template.
 *
 * A recursive-descent parser with text/template/parse's grammar, token
 * look-ahead and error texts ("template: NAME:LINE: msg"), producing the
 * arena-allocated tree that gotmpl_exec.c walks.  Errors unwind with
 * longjmp: everything is in the arena, so nothing leaks.  Nesting of
 * control structures and parentheses is capped so that no input can
 * exhaust the stack.
 *
 * Parsing one text yields its top-level template and those it {{define}}s;
 * they enter the set the way template.Parse/AddParseTree do (a duplicate
 * non-empty definition within one text is an error; across texts, the later
 * one wins unless it is empty).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gotmpl_lex.h"
#include "mc/frontend.h"

#define MAX_NEST 2000       /* nested control structures and parentheses */
#define MAX_PIPELINE_CMDS 100000

struct gparse {
	struct gt_set *set;
	struct arena *a;
	struct gt_lexer *lex;
	struct gt_table *trees; /* parsed by this call: name -> gt_tree */
	const char *parse_name;
	const char *text;
	size_t len;
	const struct gt_src *src;
	jmp_buf jb;
	char *msg;
	int depth;
};

/* One tree being parsed (Go's *Tree during parsing). */
struct tparse {
	struct gparse *g;
	struct gt_tree *t;
	struct gt_item token[3];
	int peek_count;
	struct { const char *p; size_t n; } *vars;
	size_t nvars, capvars;
	int action_line;
	int range_depth;
	int stack_depth;
};

static _Noreturn void perrorf(struct tparse *tp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static _Noreturn void perrorf(struct tparse *tp, const char *fmt, ...)
{
	struct gparse *g = tp->g;
	va_list ap;
	va_start(ap, fmt);
	char *m = arena_vprintf(g->a, fmt, ap);
	va_end(ap);
	g->msg = arena_printf(g->a, "template: %s:%d: %s", g->parse_name, tp->token[0].line, m);
	longjmp(g->jb, 1);
}

/* ---- tokens ---- */

static struct gt_item next(struct tparse *tp)
{
	if (tp->peek_count > 0)
		tp->peek_count--;
	else
		tp->token[0] = gt_lex_next(tp->g->lex);
	return tp->token[tp->peek_count];
}

static void backup(struct tparse *tp)
{
	tp->peek_count++;
}

static void backup2(struct tparse *tp, struct gt_item t1)
{
	tp->token[1] = t1;
	tp->peek_count = 2;
}

static void backup3(struct tparse *tp, struct gt_item t2, struct gt_item t1)
{
	tp->token[1] = t1;
	tp->token[2] = t2;
	tp->peek_count = 3;
}

static struct gt_item peek(struct tparse *tp)
{
	if (tp->peek_count > 0)
		return tp->token[tp->peek_count - 1];
	tp->peek_count = 1;
	tp->token[0] = gt_lex_next(tp->g->lex);
	return tp->token[0];
}

static struct gt_item next_non_space(struct tparse *tp)
{
	struct gt_item t;
	do
		t = next(tp);
	while (t.type == GT_ITEM_SPACE);
	return t;
}

static struct gt_item peek_non_space(struct tparse *tp)
{
	struct gt_item t = next_non_space(tp);
	backup(tp);
	return t;
}

static const char *item_str(struct tparse *tp, const struct gt_item *i)
{
	struct sbuf sb = SBUF_INIT;
	gt_item_string(&sb, i);
	char *s = arena_strndup(tp->g->a, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

static _Noreturn void unexpected(struct tparse *tp, const struct gt_item *tok, const char *context)
{
	if (tok->type == GT_ITEM_ERROR) {
		const char *extra = "";
		if (tp->action_line != 0 && tp->action_line != tok->line) {
			bool action = tok->n >= 7 && !memcmp(tok->p + tok->n - 7, " action", 7);
			extra = arena_printf(tp->g->a, "%s started at %s:%d", action ? "" : " in action",
				tp->g->parse_name, tp->action_line);
		}
		perrorf(tp, "%.*s%s", (int)tok->n, tok->p, extra);
	}
	perrorf(tp, "unexpected %s in %s", item_str(tp, tok), context);
}

static struct gt_item expect(struct tparse *tp, enum gt_item_type t, const char *context)
{
	struct gt_item tok = next_non_space(tp);
	if (tok.type != t)
		unexpected(tp, &tok, context);
	return tok;
}

static struct gt_item expect_one_of(struct tparse *tp, enum gt_item_type t1, enum gt_item_type t2,
	const char *context)
{
	struct gt_item tok = next_non_space(tp);
	if (tok.type != t1 && tok.type != t2)
		unexpected(tp, &tok, context);
	return tok;
}

/* ---- nodes ---- */

static struct gt_node *new_node(struct tparse *tp, enum gt_nt type, uint32_t pos)
{
	struct gt_node *n = arena_calloc(tp->g->a, 1, sizeof *n);
	n->type = (uint8_t)type;
	n->pos = pos;
	n->tree = tp->t;
	return n;
}

static void nodes_push(struct arena *a, struct gt_nodes *v, struct gt_node *n)
{
	VEC_PUSH(a, v, n);
}

static const struct str *intern(struct tparse *tp, const char *p, size_t n)
{
	return str_intern(&tp->g->set->ctx->strs, p, n);
}

/* Split "a.b.c" (after an optional leading '.') into interned parts. */
static void split_idents(struct tparse *tp, const char *p, size_t n, const struct str ***out,
	uint32_t *count)
{
	uint32_t k = 1;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '.';
	const struct str **v = arena_alloc(tp->g->a, k * sizeof *v);
	uint32_t c = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '.') {
			v[c++] = intern(tp, p + start, i - start);
			start = i + 1;
		}
	}
	*out = v;
	*count = c;
}

static struct gt_node *new_field(struct tparse *tp, uint32_t pos, const char *p, size_t n)
{
	struct gt_node *f = new_node(tp, GN_FIELD, pos);
	split_idents(tp, p + 1, n - 1, &f->field.ident, &f->field.n);
	return f;
}

static struct gt_node *new_variable(struct tparse *tp, uint32_t pos, const char *p, size_t n)
{
	struct gt_node *v = new_node(tp, GN_VARIABLE, pos);
	split_idents(tp, p, n, &v->field.ident, &v->field.n);
	return v;
}

static const char *quote_str(struct tparse *tp, const char *p, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	go_quote(&sb, p, n, '"', false, false);
	char *s = arena_strndup(tp->g->a, sb.buf, sb.len);
	sbuf_release(&sb);
	return s;
}

/* ---- numbers (strconv's syntax through str.h's go_parse_*) ---- */

static bool has_any(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]))
			return true;
	return false;
}

static void simplify_complex(struct gt_number *v)
{
	v->is_float = v->im == 0;
	if (v->is_float) {
		v->f = v->re;
		v->is_int = v->f >= -9223372036854775808.0 && v->f < 9223372036854775808.0 &&
			trunc(v->f) == v->f;
		if (v->is_int)
			v->i = (int64_t)v->f;
		v->is_uint = v->f >= 0 && v->f < 18446744073709551616.0 && trunc(v->f) == v->f;
		if (v->is_uint)
			v->u = (uint64_t)v->f;
	}
}

/* fmt.Sscan of a complex128 written as a+bi (the lexer's itemComplex). */
static bool parse_complex(const char *s, size_t n, double *re, double *im)
{
	if (n < 2 || s[n - 1] != 'i')
		return false;
	/* split at the last sign that is not part of an exponent */
	size_t k = n - 1;
	while (k > 1) {
		k--;
		if ((s[k] == '+' || s[k] == '-') && !strchr("eEpP", s[k - 1]))
			break;
	}
	if (k == 0)
		return false;
	return go_parse_float(s, k, re) && go_parse_float(s + k, n - 1 - k, im);
}

static struct gt_node *new_number(struct tparse *tp, uint32_t pos, const char *p, size_t n,
	enum gt_item_type typ)
{
	struct gt_node *nd = new_node(tp, GN_NUMBER, pos);
	nd->num.p = p;
	nd->num.n = n;
	struct gt_number *v = &nd->num.v;
	if (typ == GT_ITEM_CHAR_CONSTANT) {
		uint32_t r;
		bool mb;
		size_t used = n >= 2 ? go_unquote_char(p + 1, n - 1, p[0], &r, &mb) : 0;
		if (!used)
			perrorf(tp, "invalid syntax");
		if (used + 1 != n - 1 || p[n - 1] != '\'')
			perrorf(tp, "malformed character constant: %.*s", (int)n, p);
		v->i = r;
		v->is_int = true;
		v->u = r;
		v->is_uint = true;
		v->f = r;
		v->is_float = true;
		return nd;
	}
	if (typ == GT_ITEM_COMPLEX) {
		if (!parse_complex(p, n, &v->re, &v->im))
			perrorf(tp, "expected integer");
		v->is_complex = true;
		simplify_complex(v);
		return nd;
	}
	if (n > 0 && p[n - 1] == 'i') {
		double f;
		if (go_parse_float(p, n - 1, &f)) {
			v->is_complex = true;
			v->re = 0;
			v->im = f;
			simplify_complex(v);
			return nd;
		}
	}
	uint64_t u = 0;
	if (go_parse_uint(p, n, 0, &u)) {
		v->is_uint = true;
		v->u = u;
	}
	int64_t i;
	if (go_parse_int(p, n, 0, &i)) {
		v->is_int = true;
		v->i = i;
		if (i == 0) {
			v->is_uint = true;
			v->u = u;
		}
	}
	if (v->is_int) {
		v->is_float = true;
		v->f = (double)v->i;
	} else if (v->is_uint) {
		v->is_float = true;
		v->f = (double)v->u;
	} else {
		double f;
		if (go_parse_float(p, n, &f)) {
			if (!has_any(p, n, ".eEpP"))
				perrorf(tp, "integer overflow: %s", quote_str(tp, p, n));
			v->is_float = true;
			v->f = f;
			if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 && trunc(f) == f) {
				v->is_int = true;
				v->i = (int64_t)f;
			}
			if (f >= 0 && f < 18446744073709551616.0 && trunc(f) == f) {
				v->is_uint = true;
				v->u = (uint64_t)f;
			}
		}
	}
	if (!v->is_int && !v->is_uint && !v->is_float)
		perrorf(tp, "illegal number syntax: %s", quote_str(tp, p, n));
	return nd;
}

/* ---- grammar ---- */

static bool has_function(struct tparse *tp, const char *p, size_t n)
{
	return gt_set_lookup_func(tp->g->set, intern(tp, p, n)) != NULL;
}

static void push_var(struct tparse *tp, const char *p, size_t n)
{
	if (tp->nvars == tp->capvars) {
		size_t nc = tp->capvars ? tp->capvars * 2 : 8;
		tp->vars = arena_grow(tp->g->a, tp->vars, tp->capvars * sizeof *tp->vars,
			nc * sizeof *tp->vars);
		tp->capvars = nc;
	}
	tp->vars[tp->nvars].p = p;
	tp->vars[tp->nvars].n = n;
	tp->nvars++;
}

static void start_parse(struct tparse *tp, struct gparse *g, struct gt_tree *t)
{
	memset(tp, 0, sizeof *tp);
	tp->g = g;
	tp->t = t;
	push_var(tp, "$", 1);
}

static void enter(struct tparse *tp)
{
	if (++tp->g->depth > MAX_NEST)
		perrorf(tp, "max nesting depth exceeded (%d)", MAX_NEST);
}

static void leave(struct tparse *tp)
{
	tp->g->depth--;
}

static struct gt_node *pipeline(struct tparse *tp, const char *context, enum gt_item_type end);
static struct gt_node *item_list(struct tparse *tp, struct gt_node **next);

static struct gt_node *term(struct tparse *tp)
{
	struct gt_item tok = next_non_space(tp);
	switch (tok.type) {
	case GT_ITEM_IDENTIFIER: {
		if (!has_function(tp, tok.p, tok.n))
			perrorf(tp, "function %s not defined", quote_str(tp, tok.p, tok.n));
		struct gt_node *n = new_node(tp, GN_IDENT, tok.pos);
		n->ident = intern(tp, tok.p, tok.n);
		return n;
	}
	case GT_ITEM_DOT:
		return new_node(tp, GN_DOT, tok.pos);
	case GT_ITEM_NIL:
		return new_node(tp, GN_NIL, tok.pos);
	case GT_ITEM_VARIABLE: {
		struct gt_node *v = new_variable(tp, tok.pos, tok.p, tok.n);
		const struct str *name = v->field.ident[0];
		for (size_t i = 0; i < tp->nvars; i++)
			if (tp->vars[i].n == name->len && !memcmp(tp->vars[i].p, name->s, name->len))
				return v;
		perrorf(tp, "undefined variable %s", quote_str(tp, name->s, name->len));
	}
	case GT_ITEM_FIELD:
		return new_field(tp, tok.pos, tok.p, tok.n);
	case GT_ITEM_BOOL: {
		struct gt_node *n = new_node(tp, GN_BOOL, tok.pos);
		n->b = tok.n == 4;
		return n;
	}
	case GT_ITEM_CHAR_CONSTANT:
	case GT_ITEM_COMPLEX:
	case GT_ITEM_NUMBER:
		return new_number(tp, tok.pos, tok.p, tok.n, tok.type);
	case GT_ITEM_LEFT_PAREN: {
		if (tp->stack_depth >= 10000)
			perrorf(tp, "max expression depth exceeded");
		tp->stack_depth++;
		enter(tp);
		struct gt_node *p = pipeline(tp, "parenthesized pipeline", GT_ITEM_RIGHT_PAREN);
		leave(tp);
		tp->stack_depth--;
		return p;
	}
	case GT_ITEM_STRING:
	case GT_ITEM_RAW_STRING: {
		const char *s;
		size_t n;
		if (!go_unquote(tp->g->a, tok.p, tok.n, &s, &n))
			perrorf(tp, "invalid syntax");
		struct gt_node *nd = new_node(tp, GN_STRING, tok.pos);
		nd->str.quoted = tok.p;
		nd->str.qn = tok.n;
		nd->str.p = s;
		nd->str.n = n;
		return nd;
	}
	default:
		break;
	}
	backup(tp);
	return NULL;
}

static struct gt_node *operand(struct tparse *tp)
{
	struct gt_node *node = term(tp);
	if (!node)
		return NULL;
	if (peek(tp).type == GT_ITEM_FIELD) {
		uint32_t pos = peek(tp).pos;
		struct sbuf names = SBUF_INIT; /* the chain's String() */
		gt_node_string(&names, node);
		VEC(const struct str *) fields = { 0 };
		while (peek(tp).type == GT_ITEM_FIELD) {
			struct gt_item f = next(tp);
			sbuf_add(&names, f.p, f.n);
			VEC_PUSH(tp->g->a, &fields, intern(tp, f.p + 1, f.n - 1));
		}
		switch (node->type) {
		case GN_FIELD: {
			struct gt_node *nf = new_field(tp, pos, names.buf, names.len);
			sbuf_release(&names);
			return nf;
		}
		case GN_VARIABLE: {
			struct gt_node *nv = new_variable(tp, pos, names.buf, names.len);
			sbuf_release(&names);
			return nv;
		}
		case GN_BOOL: case GN_STRING: case GN_NUMBER: case GN_NIL: case GN_DOT: {
			struct sbuf sb = SBUF_INIT;
			gt_node_string(&sb, node);
			const char *q = quote_str(tp, sb.buf, sb.len);
			sbuf_release(&sb);
			sbuf_release(&names);
			perrorf(tp, "unexpected . after term %s", q);
		}
		default: {
			sbuf_release(&names);
			struct gt_node *c = new_node(tp, GN_CHAIN, pos);
			c->chain.node = node;
			c->chain.field = fields.items;
			c->chain.n = (uint32_t)fields.len;
			return c;
		}
		}
	}
	return node;
}

static struct gt_node *command(struct tparse *tp)
{
	struct gt_node *cmd = new_node(tp, GN_COMMAND, peek_non_space(tp).pos);
	for (;;) {
		peek_non_space(tp);
		struct gt_node *op = operand(tp);
		if (op)
			nodes_push(tp->g->a, &cmd->cmd, op);
		struct gt_item tok = next(tp);
		if (tok.type == GT_ITEM_SPACE)
			continue;
		if (tok.type == GT_ITEM_RIGHT_DELIM || tok.type == GT_ITEM_RIGHT_PAREN)
			backup(tp);
		else if (tok.type != GT_ITEM_PIPE)
			unexpected(tp, &tok, "operand");
		break;
	}
	if (cmd->cmd.len == 0)
		perrorf(tp, "empty command");
	return cmd;
}

static void check_pipeline(struct tparse *tp, struct gt_node *pipe, const char *context)
{
	if (pipe->pipe.cmds.len == 0)
		perrorf(tp, "missing value for %s", context);
	for (uint32_t i = 1; i < pipe->pipe.cmds.len; i++) {
		switch (pipe->pipe.cmds.items[i]->cmd.items[0]->type) {
		case GN_BOOL: case GN_DOT: case GN_NIL: case GN_NUMBER: case GN_STRING:
			perrorf(tp, "non executable command in pipeline stage %u", i + 1);
		default:
			break;
		}
	}
}

static struct gt_node *pipeline(struct tparse *tp, const char *context, enum gt_item_type end)
{
	struct gt_item tok = peek_non_space(tp);
	struct gt_node *pipe = new_node(tp, GN_PIPE, tok.pos);
	bool is_range = !strcmp(context, "range");
decls:;
	struct gt_item v = peek_non_space(tp);
	if (v.type == GT_ITEM_VARIABLE) {
		next(tp);
		struct gt_item after = peek(tp);
		struct gt_item nx = peek_non_space(tp);
		if (nx.type == GT_ITEM_ASSIGN || nx.type == GT_ITEM_DECLARE) {
			pipe->pipe.assign = nx.type == GT_ITEM_ASSIGN;
			next_non_space(tp);
			nodes_push(tp->g->a, &pipe->pipe.decl, new_variable(tp, v.pos, v.p, v.n));
			push_var(tp, v.p, v.n);
		} else if (nx.type == GT_ITEM_CHAR && nx.n == 1 && nx.p[0] == ',') {
			next_non_space(tp);
			nodes_push(tp->g->a, &pipe->pipe.decl, new_variable(tp, v.pos, v.p, v.n));
			push_var(tp, v.p, v.n);
			if (is_range && pipe->pipe.decl.len < 2) {
				enum gt_item_type t = peek_non_space(tp).type;
				if (t == GT_ITEM_VARIABLE || t == GT_ITEM_RIGHT_DELIM || t == GT_ITEM_RIGHT_PAREN)
					goto decls;
				perrorf(tp, "range can only initialize variables");
			}
			perrorf(tp, "too many declarations in %s", context);
		} else if (after.type == GT_ITEM_SPACE) {
			backup3(tp, v, after);
		} else {
			backup2(tp, v);
		}
	}
	for (;;) {
		tok = next_non_space(tp);
		if (tok.type == end) {
			check_pipeline(tp, pipe, context);
			return pipe;
		}
		switch (tok.type) {
		case GT_ITEM_BOOL: case GT_ITEM_CHAR_CONSTANT: case GT_ITEM_COMPLEX: case GT_ITEM_DOT:
		case GT_ITEM_FIELD: case GT_ITEM_IDENTIFIER: case GT_ITEM_NUMBER: case GT_ITEM_NIL:
		case GT_ITEM_RAW_STRING: case GT_ITEM_STRING: case GT_ITEM_VARIABLE:
		case GT_ITEM_LEFT_PAREN:
			backup(tp);
			nodes_push(tp->g->a, &pipe->pipe.cmds, command(tp));
			if (pipe->pipe.cmds.len > MAX_PIPELINE_CMDS)
				perrorf(tp, "pipeline too long");
			break;
		default:
			unexpected(tp, &tok, context);
		}
	}
}

static struct gt_node *if_control(struct tparse *tp);
static struct gt_node *with_control(struct tparse *tp);

static struct gt_node *parse_control(struct tparse *tp, enum gt_nt type, const char *context)
{
	size_t mark = tp->nvars;
	enter(tp);
	struct gt_node *pipe = pipeline(tp, context, GT_ITEM_RIGHT_DELIM);
	if (type == GN_RANGE)
		tp->range_depth++;
	struct gt_node *nx;
	struct gt_node *list = item_list(tp, &nx);
	if (type == GN_RANGE)
		tp->range_depth--;
	struct gt_node *else_list = NULL;
	if (nx->type == GN_ELSE) {
		if (type == GN_IF && peek(tp).type == GT_ITEM_IF) {
			next(tp);
			else_list = new_node(tp, GN_LIST, nx->pos);
			nodes_push(tp->g->a, &else_list->list, if_control(tp));
		} else if (type == GN_WITH && peek(tp).type == GT_ITEM_WITH) {
			next(tp);
			else_list = new_node(tp, GN_LIST, nx->pos);
			nodes_push(tp->g->a, &else_list->list, with_control(tp));
		} else {
			else_list = item_list(tp, &nx);
			if (nx->type != GN_END) {
				struct sbuf sb = SBUF_INIT;
				gt_node_string(&sb, nx);
				char *s = arena_strndup(tp->g->a, sb.buf, sb.len);
				sbuf_release(&sb);
				perrorf(tp, "expected end; found %s", s);
			}
		}
	}
	leave(tp);
	tp->nvars = mark;
	struct gt_node *n = new_node(tp, type, pipe->pos);
	n->branch.pipe = pipe;
	n->branch.list = list;
	n->branch.else_list = else_list;
	return n;
}

static struct gt_node *if_control(struct tparse *tp)
{
	return parse_control(tp, GN_IF, "if");
}

static struct gt_node *with_control(struct tparse *tp)
{
	return parse_control(tp, GN_WITH, "with");
}

static const struct str *template_name(struct tparse *tp, const struct gt_item *tok,
	const char *context)
{
	if (tok->type != GT_ITEM_STRING && tok->type != GT_ITEM_RAW_STRING)
		unexpected(tp, tok, context);
	const char *s;
	size_t n;
	if (!go_unquote(tp->g->a, tok->p, tok->n, &s, &n))
		perrorf(tp, "invalid syntax");
	return intern(tp, s, n);
}

static void add_tree(struct tparse *tp);

static struct gt_tree *new_tree(struct gparse *g, const struct str *name)
{
	struct gt_tree *t = arena_calloc(g->a, 1, sizeof *t);
	t->name = name;
	t->parse_name = g->parse_name;
	t->text = g->text;
	t->len = g->len;
	t->file = g->src->file;
	t->line0 = g->src->line ? g->src->line : 1;
	t->col0 = g->src->col ? g->src->col : 1;
	return t;
}

static struct gt_node *block_control(struct tparse *tp)
{
	const char *context = "block clause";
	struct gt_item tok = next_non_space(tp);
	const struct str *name = template_name(tp, &tok, context);
	struct gt_node *pipe = pipeline(tp, context, GT_ITEM_RIGHT_DELIM);

	struct tparse bp;
	start_parse(&bp, tp->g, new_tree(tp->g, name));
	enter(tp);
	struct gt_node *end;
	bp.t->root = item_list(&bp, &end);
	if (end->type != GN_END) {
		struct sbuf sb = SBUF_INIT;
		gt_node_string(&sb, end);
		char *s = arena_strndup(tp->g->a, sb.buf, sb.len);
		sbuf_release(&sb);
		perrorf(tp, "unexpected %s in %s", s, context);
	}
	leave(tp);
	add_tree(&bp);

	struct gt_node *n = new_node(tp, GN_TEMPLATE, tok.pos);
	n->tmpl.name = name;
	n->tmpl.pipe = pipe;
	return n;
}

static struct gt_node *template_control(struct tparse *tp)
{
	const char *context = "template clause";
	struct gt_item tok = next_non_space(tp);
	const struct str *name = template_name(tp, &tok, context);
	struct gt_node *pipe = NULL;
	if (next_non_space(tp).type != GT_ITEM_RIGHT_DELIM) {
		backup(tp);
		pipe = pipeline(tp, context, GT_ITEM_RIGHT_DELIM);
	}
	struct gt_node *n = new_node(tp, GN_TEMPLATE, tok.pos);
	n->tmpl.name = name;
	n->tmpl.pipe = pipe;
	return n;
}

static struct gt_node *action(struct tparse *tp)
{
	struct gt_item tok = next_non_space(tp);
	switch (tok.type) {
	case GT_ITEM_BLOCK:
		return block_control(tp);
	case GT_ITEM_BREAK:
	case GT_ITEM_CONTINUE: {
		bool brk = tok.type == GT_ITEM_BREAK;
		struct gt_item t2 = next_non_space(tp);
		if (t2.type != GT_ITEM_RIGHT_DELIM)
			unexpected(tp, &t2, brk ? "{{break}}" : "{{continue}}");
		if (tp->range_depth == 0)
			perrorf(tp, brk ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
		return new_node(tp, brk ? GN_BREAK : GN_CONTINUE, tok.pos);
	}
	case GT_ITEM_ELSE: {
		struct gt_item pk = peek_non_space(tp);
		if (pk.type == GT_ITEM_IF || pk.type == GT_ITEM_WITH)
			return new_node(tp, GN_ELSE, pk.pos);
		struct gt_item t2 = expect(tp, GT_ITEM_RIGHT_DELIM, "else");
		return new_node(tp, GN_ELSE, t2.pos);
	}
	case GT_ITEM_END:
		return new_node(tp, GN_END, expect(tp, GT_ITEM_RIGHT_DELIM, "end").pos);
	case GT_ITEM_IF:
		return if_control(tp);
	case GT_ITEM_RANGE:
		return parse_control(tp, GN_RANGE, "range");
	case GT_ITEM_TEMPLATE:
		return template_control(tp);
	case GT_ITEM_WITH:
		return with_control(tp);
	default:
		break;
	}
	backup(tp);
	struct gt_item pk = peek(tp);
	struct gt_node *n = new_node(tp, GN_ACTION, pk.pos);
	n->action.pipe = pipeline(tp, "command", GT_ITEM_RIGHT_DELIM);
	return n;
}

static struct gt_node *text_or_action(struct tparse *tp)
{
	struct gt_item tok = next_non_space(tp);
	switch (tok.type) {
	case GT_ITEM_TEXT: {
		struct gt_node *n = new_node(tp, GN_TEXT, tok.pos);
		n->text.p = tok.p;
		n->text.n = tok.n;
		return n;
	}
	case GT_ITEM_LEFT_DELIM: {
		tp->action_line = tok.line;
		struct gt_node *n = action(tp);
		tp->action_line = 0;
		return n;
	}
	case GT_ITEM_COMMENT: {
		struct gt_node *n = new_node(tp, GN_COMMENT, tok.pos);
		n->text.p = tok.p;
		n->text.n = tok.n;
		return n;
	}
	default:
		unexpected(tp, &tok, "input");
	}
}

static struct gt_node *item_list(struct tparse *tp, struct gt_node **nextp)
{
	struct gt_node *list = new_node(tp, GN_LIST, peek_non_space(tp).pos);
	while (peek_non_space(tp).type != GT_ITEM_EOF) {
		struct gt_node *n = text_or_action(tp);
		if (n->type == GN_END || n->type == GN_ELSE) {
			*nextp = n;
			return list;
		}
		nodes_push(tp->g->a, &list->list, n);
	}
	perrorf(tp, "unexpected EOF");
}

static void add_tree(struct tparse *tp)
{
	struct gt_table *ts = tp->g->trees;
	bool found;
	const struct gt_tree *old = gt_table_get(ts, tp->t->name, &found);
	if (!old || gt_is_empty_tree(old->root)) {
		gt_table_put(tp->g->a, ts, tp->t->name, tp->t);
		return;
	}
	if (!gt_is_empty_tree(tp->t->root))
		perrorf(tp, "template: multiple definition of template %s",
			quote_str(tp, tp->t->name->s, tp->t->name->len));
}

static void parse_definition(struct tparse *tp)
{
	const char *context = "define clause";
	struct gt_item name = expect_one_of(tp, GT_ITEM_STRING, GT_ITEM_RAW_STRING, context);
	const char *s;
	size_t n;
	if (!go_unquote(tp->g->a, name.p, name.n, &s, &n))
		perrorf(tp, "invalid syntax");
	tp->t->name = intern(tp, s, n);
	expect(tp, GT_ITEM_RIGHT_DELIM, context);
	struct gt_node *end;
	enter(tp);
	tp->t->root = item_list(tp, &end);
	leave(tp);
	if (end->type != GN_END) {
		struct sbuf sb = SBUF_INIT;
		gt_node_string(&sb, end);
		char *e = arena_strndup(tp->g->a, sb.buf, sb.len);
		sbuf_release(&sb);
		perrorf(tp, "unexpected %s in %s", e, context);
	}
	add_tree(tp);
}

static void parse_top(struct tparse *tp)
{
	tp->t->root = new_node(tp, GN_LIST, peek(tp).pos);
	while (peek(tp).type != GT_ITEM_EOF) {
		if (peek(tp).type == GT_ITEM_LEFT_DELIM) {
			struct gt_item delim = next(tp);
			if (next_non_space(tp).type == GT_ITEM_DEFINE) {
				struct tparse dp;
				start_parse(&dp, tp->g, new_tree(tp->g, tp->g->set->ctx->s_empty));
				parse_definition(&dp);
				continue;
			}
			backup2(tp, delim);
		}
		struct gt_node *n = text_or_action(tp);
		if (n->type == GN_END || n->type == GN_ELSE) {
			struct sbuf sb = SBUF_INIT;
			gt_node_string(&sb, n);
			char *s = arena_strndup(tp->g->a, sb.buf, sb.len);
			sbuf_release(&sb);
			perrorf(tp, "unexpected %s", s);
		}
		nodes_push(tp->g->a, &tp->t->root->list, n);
	}
}

static void error_pos(struct gparse *g, int line, struct srcpos *pos)
{
	const struct gt_src *src = g->src;
	pos->file = src->file;
	pos->line = (src->line ? src->line : 1) + (uint32_t)(line > 0 ? line - 1 : 0);
	pos->col = line <= 1 ? (src->col ? src->col : 1) : 1;
}

int gt_parse(struct gt_set *s, const struct gt_src *src, struct gt_error *err)
{
	struct gparse g;
	memset(&g, 0, sizeof g);
	struct gt_src srcc = *src;
	if (!srcc.file)
		srcc.file = srcfile_mem(s->ctx, src->name, src->text, src->len);
	g.set = s;
	g.a = s->arena;
	g.src = &srcc;
	g.parse_name = arena_strdup(g.a, src->name);
	g.text = src->text;
	g.len = src->len;
	struct gt_table trees = { 0 };
	g.trees = &trees;
	s->text_hash = s->text_hash * 31 + str_hash(src->text, src->len) + str_hash(src->name, strlen(src->name));

	struct gt_lexer lex;
	gt_lex_init(&lex, g.a, src->text, src->len);
	g.lex = &lex;
	lex.break_ok = !gt_set_lookup_func(s, str_intern0(&s->ctx->strs, "break"));
	lex.continue_ok = !gt_set_lookup_func(s, str_intern0(&s->ctx->strs, "continue"));

	struct tparse tp;
	start_parse(&tp, &g, new_tree(&g, str_intern0(&s->ctx->strs, src->name)));
	if (setjmp(g.jb)) {
		if (err) {
			/* "template: NAME:LINE: msg": the line of the failing tree's token */
			err->msg = g.msg;
			int line = atoi(g.msg + strlen("template: ") + strlen(g.parse_name) + 1);
			error_pos(&g, line, &err->pos);
		}
		return -1;
	}
	parse_top(&tp);
	add_tree(&tp);
	for (uint32_t i = 0; i < trees.cap; i++)
		if (trees.slots[i].key && trees.slots[i].val)
			gt_set_put_tree(s, (struct gt_tree *)trees.slots[i].val);
	return 0;
}

/* ---- node printing (Go's Node.String) ---- */

void gt_node_string(struct sbuf *out, const struct gt_node *n)
{
	switch (n->type) {
	case GN_TEXT:
		sbuf_add(out, n->text.p, n->text.n);
		break;
	case GN_COMMENT:
		sbuf_adds(out, "{{");
		sbuf_add(out, n->text.p, n->text.n);
		sbuf_adds(out, "}}");
		break;
	case GN_LIST:
		for (uint32_t i = 0; i < n->list.len; i++)
			gt_node_string(out, n->list.items[i]);
		break;
	case GN_ACTION:
		sbuf_adds(out, "{{");
		gt_node_string(out, n->action.pipe);
		sbuf_adds(out, "}}");
		break;
	case GN_IF: case GN_RANGE: case GN_WITH:
		sbuf_adds(out, n->type == GN_IF ? "{{if " : n->type == GN_RANGE ? "{{range " : "{{with ");
		gt_node_string(out, n->branch.pipe);
		sbuf_adds(out, "}}");
		gt_node_string(out, n->branch.list);
		if (n->branch.else_list) {
			sbuf_adds(out, "{{else}}");
			gt_node_string(out, n->branch.else_list);
		}
		sbuf_adds(out, "{{end}}");
		break;
	case GN_TEMPLATE:
		sbuf_adds(out, "{{template ");
		go_quote(out, n->tmpl.name->s, n->tmpl.name->len, '"', false, false);
		if (n->tmpl.pipe) {
			sbuf_addc(out, ' ');
			gt_node_string(out, n->tmpl.pipe);
		}
		sbuf_adds(out, "}}");
		break;
	case GN_BREAK:
		sbuf_adds(out, "{{break}}");
		break;
	case GN_CONTINUE:
		sbuf_adds(out, "{{continue}}");
		break;
	case GN_END:
		sbuf_adds(out, "{{end}}");
		break;
	case GN_ELSE:
		sbuf_adds(out, "{{else}}");
		break;
	case GN_PIPE:
		for (uint32_t i = 0; i < n->pipe.decl.len; i++) {
			if (i)
				sbuf_adds(out, ", ");
			gt_node_string(out, n->pipe.decl.items[i]);
		}
		if (n->pipe.decl.len)
			sbuf_adds(out, n->pipe.assign ? " = " : " := ");
		for (uint32_t i = 0; i < n->pipe.cmds.len; i++) {
			if (i)
				sbuf_adds(out, " | ");
			gt_node_string(out, n->pipe.cmds.items[i]);
		}
		break;
	case GN_COMMAND:
		for (uint32_t i = 0; i < n->cmd.len; i++) {
			if (i)
				sbuf_addc(out, ' ');
			const struct gt_node *a = n->cmd.items[i];
			if (a->type == GN_PIPE) {
				sbuf_addc(out, '(');
				gt_node_string(out, a);
				sbuf_addc(out, ')');
			} else {
				gt_node_string(out, a);
			}
		}
		break;
	case GN_FIELD:
		for (uint32_t i = 0; i < n->field.n; i++) {
			sbuf_addc(out, '.');
			sbuf_addstr(out, n->field.ident[i]);
		}
		break;
	case GN_VARIABLE:
		for (uint32_t i = 0; i < n->field.n; i++) {
			if (i)
				sbuf_addc(out, '.');
			sbuf_addstr(out, n->field.ident[i]);
		}
		break;
	case GN_CHAIN:
		if (n->chain.node->type == GN_PIPE) {
			sbuf_addc(out, '(');
			gt_node_string(out, n->chain.node);
			sbuf_addc(out, ')');
		} else {
			gt_node_string(out, n->chain.node);
		}
		for (uint32_t i = 0; i < n->chain.n; i++) {
			sbuf_addc(out, '.');
			sbuf_addstr(out, n->chain.field[i]);
		}
		break;
	case GN_IDENT:
		sbuf_addstr(out, n->ident);
		break;
	case GN_DOT:
		sbuf_addc(out, '.');
		break;
	case GN_NIL:
		sbuf_adds(out, "nil");
		break;
	case GN_BOOL:
		sbuf_adds(out, n->b ? "true" : "false");
		break;
	case GN_NUMBER:
		sbuf_add(out, n->num.p, n->num.n);
		break;
	case GN_STRING:
		sbuf_add(out, n->str.quoted, n->str.qn);
		break;
	}
}

void gt_node_location(const struct gt_node *n, struct sbuf *loc, struct srcpos *pos)
{
	const struct gt_tree *t = n->tree;
	size_t p = n->pos <= t->len ? n->pos : t->len;
	size_t line = 1, ls = 0;
	for (size_t i = 0; i < p; i++)
		if (t->text[i] == '\n')
			line++, ls = i + 1;
	size_t col = line == 1 ? p : p - ls;
	if (loc)
		sbuf_printf(loc, "%s:%zu:%zu", t->parse_name, line, col);
	if (pos) {
		pos->file = t->file;
		pos->line = t->line0 + (uint32_t)line - 1;
		pos->col = (uint32_t)(line == 1 ? t->col0 + col : col + 1);
	}
}

static bool space_only(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t r;
		i += utf8_decode(p + i, n - i, &r);
		if (!go_is_space(r))
			return false;
	}
	return true;
}

bool gt_is_empty_tree(const struct gt_node *n)
{
	if (!n)
		return true;
	switch (n->type) {
	case GN_COMMENT:
		return true;
	case GN_LIST:
		for (uint32_t i = 0; i < n->list.len; i++)
			if (!gt_is_empty_tree(n->list.items[i]))
				return false;
		return true;
	case GN_TEXT:
		return space_only(n->text.p, n->text.n);
	default:
		return false;
	}
}
