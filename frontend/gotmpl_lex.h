/*
 * gotmpl_lex.h - private: the text/template lexer (gotmpl_lex.c), used by
 * the parser (gotmpl_parse.c).
 */
#ifndef MC_GOTMPL_LEX_H
#define MC_GOTMPL_LEX_H

#include "gotmpl_impl.h"

/* In Go's order: keywords come after GT_ITEM_KEYWORD. */
enum gt_item_type {
	GT_ITEM_ERROR, GT_ITEM_BOOL, GT_ITEM_CHAR, GT_ITEM_CHAR_CONSTANT, GT_ITEM_COMMENT,
	GT_ITEM_COMPLEX, GT_ITEM_ASSIGN, GT_ITEM_DECLARE, GT_ITEM_EOF, GT_ITEM_FIELD,
	GT_ITEM_IDENTIFIER, GT_ITEM_LEFT_DELIM, GT_ITEM_LEFT_PAREN, GT_ITEM_NUMBER,
	GT_ITEM_PIPE, GT_ITEM_RAW_STRING, GT_ITEM_RIGHT_DELIM, GT_ITEM_RIGHT_PAREN,
	GT_ITEM_SPACE, GT_ITEM_STRING, GT_ITEM_TEXT, GT_ITEM_VARIABLE,
	GT_ITEM_KEYWORD,
	GT_ITEM_BLOCK, GT_ITEM_BREAK, GT_ITEM_CONTINUE, GT_ITEM_DOT, GT_ITEM_DEFINE,
	GT_ITEM_ELSE, GT_ITEM_END, GT_ITEM_IF, GT_ITEM_NIL, GT_ITEM_RANGE,
	GT_ITEM_TEMPLATE, GT_ITEM_WITH,
};

struct gt_item {
	enum gt_item_type type;
	uint32_t pos;
	const char *p; /* the text (error items: the message) */
	size_t n;
	int line;
};

struct gt_lexer {
	struct arena *arena;
	const char *in;
	size_t len, pos, start;
	bool at_eof, inside_action;
	int paren_depth, line, start_line;
	struct gt_item item;
	bool emit_comments, break_ok, continue_ok;
};

void gt_lex_init(struct gt_lexer *l, struct arena *a, const char *text, size_t len);
struct gt_item gt_lex_next(struct gt_lexer *l);
/* Go's item.String(). */
void gt_item_string(struct sbuf *out, const struct gt_item *i);

/* fmt's %U (%#U with sharp). */
void gt_fmt_U(struct sbuf *out, uint32_t r, bool sharp);

#endif
