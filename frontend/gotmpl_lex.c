/*
 * gotmpl_lex.c - the lexer of Go's text/template.
 *
 * A pull lexer with the same states as text/template/parse/lex.go, because
 * the exact token boundaries decide what users see: trim markers need a
 * space next to them ("{{-3}}" is the number -3), comments must close
 * right before the delimiter, numbers are scanned loosely and validated by
 * the parser (as strconv would), and error texts and line numbers match
 * Go's.  Only the default delimiters are supported (Helm and Argo CD never
 * change them).
 */
#include <string.h>

#include "gotmpl_lex.h"

#define EOF_RUNE ((int32_t)-1)

static const char LDELIM[] = "{{", RDELIM[] = "}}";
#define LDLEN 2
#define RDLEN 2

static bool is_space(int32_t r)
{
	return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

static bool is_alnum(int32_t r)
{
	if (r < 0)
		return false;
	if (r < 0x80)
		return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(r >= '0' && r <= '9');
	return go_is_letter((uint32_t)r) || go_is_digit((uint32_t)r);
}

static int32_t lnext(struct gt_lexer *l)
{
	if (l->pos >= l->len) {
		l->at_eof = true;
		return EOF_RUNE;
	}
	uint32_t r;
	size_t w = utf8_decode(l->in + l->pos, l->len - l->pos, &r);
	l->pos += w;
	if (r == '\n')
		l->line++;
	return (int32_t)r;
}

static void lbackup(struct gt_lexer *l)
{
	if (!l->at_eof && l->pos > 0) {
		/* step back one rune: find its start */
		size_t p = l->pos - 1;
		size_t lim = l->pos >= 4 ? l->pos - 4 : 0;
		while (p > lim && ((unsigned char)l->in[p] & 0xc0) == 0x80)
			p--;
		uint32_t r;
		size_t w = utf8_decode(l->in + p, l->pos - p, &r);
		if (p + w != l->pos) /* invalid sequence: one byte back */
			p = l->pos - 1, r = (unsigned char)l->in[p];
		l->pos = p;
		if (r == '\n')
			l->line--;
	}
}

static int32_t lpeek(struct gt_lexer *l)
{
	int32_t r = lnext(l);
	lbackup(l);
	return r;
}

static size_t count_nl(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += p[i] == '\n';
	return c;
}

static struct gt_item this_item(struct gt_lexer *l, enum gt_item_type t)
{
	struct gt_item i = { t, (uint32_t)l->start, l->in + l->start, l->pos - l->start, l->start_line };
	l->start = l->pos;
	l->start_line = l->line;
	return i;
}

/* The state functions return the next state; S_DONE means an item is ready. */
enum lstate { S_DONE, S_TEXT, S_LEFT_DELIM, S_COMMENT, S_RIGHT_DELIM, S_INSIDE, S_SPACE,
	S_IDENT, S_FIELD, S_VARIABLE, S_CHAR, S_NUMBER, S_QUOTE, S_RAW_QUOTE };

static enum lstate emit_item(struct gt_lexer *l, struct gt_item i)
{
	l->item = i;
	return S_DONE;
}

static enum lstate emit(struct gt_lexer *l, enum gt_item_type t)
{
	return emit_item(l, this_item(l, t));
}

static void ignore(struct gt_lexer *l)
{
	l->line += (int)count_nl(l->in + l->start, l->pos - l->start);
	l->start = l->pos;
	l->start_line = l->line;
}

static bool accept(struct gt_lexer *l, const char *valid)
{
	int32_t r = lnext(l);
	if (r > 0 && r < 0x80 && strchr(valid, (int)r))
		return true;
	lbackup(l);
	return false;
}

static void accept_run(struct gt_lexer *l, const char *valid)
{
	for (;;) {
		int32_t r = lnext(l);
		if (!(r > 0 && r < 0x80 && strchr(valid, (int)r)))
			break;
	}
	lbackup(l);
}

static enum lstate lerrorf(struct gt_lexer *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum lstate lerrorf(struct gt_lexer *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(l->arena, fmt, ap);
	va_end(ap);
	l->item = (struct gt_item){ GT_ITEM_ERROR, (uint32_t)l->start, msg, strlen(msg), l->start_line };
	l->start = 0;
	l->pos = 0;
	l->len = 0;
	return S_DONE;
}

static bool has_left_trim(const char *s, size_t n)
{
	return n >= 2 && s[0] == '-' && is_space((unsigned char)s[1]);
}

static bool has_right_trim(const char *s, size_t n)
{
	return n >= 2 && is_space((unsigned char)s[0]) && s[1] == '-';
}

static bool has_prefix(const char *s, size_t n, const char *p, size_t pn)
{
	return n >= pn && memcmp(s, p, pn) == 0;
}

static size_t right_trim_len(const char *s, size_t n)
{
	size_t k = n;
	while (k > 0 && is_space((unsigned char)s[k - 1]))
		k--;
	return n - k;
}

static size_t left_trim_len(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && is_space((unsigned char)s[k]))
		k++;
	return k;
}

static void at_right_delim(struct gt_lexer *l, bool *delim, bool *trim)
{
	const char *s = l->in + l->pos;
	size_t n = l->len - l->pos;
	*delim = *trim = false;
	if (has_right_trim(s, n) && has_prefix(s + 2, n - 2, RDELIM, RDLEN)) {
		*delim = *trim = true;
		return;
	}
	if (has_prefix(s, n, RDELIM, RDLEN))
		*delim = true;
}

static enum lstate lex_text(struct gt_lexer *l)
{
	const char *x = mem_find(l->in + l->pos, l->len - l->pos, LDELIM, LDLEN);
	if (x) {
		size_t off = (size_t)(x - (l->in + l->pos));
		if (off > 0) {
			l->pos += off;
			size_t trim = 0;
			size_t delim_end = l->pos + LDLEN;
			if (has_left_trim(l->in + delim_end, l->len - delim_end))
				trim = right_trim_len(l->in + l->start, l->pos - l->start);
			l->pos -= trim;
			l->line += (int)count_nl(l->in + l->start, l->pos - l->start);
			struct gt_item i = this_item(l, GT_ITEM_TEXT);
			l->pos += trim;
			ignore(l);
			if (i.n > 0)
				return emit_item(l, i);
		}
		return S_LEFT_DELIM;
	}
	l->pos = l->len;
	if (l->pos > l->start) {
		l->line += (int)count_nl(l->in + l->start, l->pos - l->start);
		return emit(l, GT_ITEM_TEXT);
	}
	return emit(l, GT_ITEM_EOF);
}

static enum lstate lex_left_delim(struct gt_lexer *l)
{
	l->pos += LDLEN;
	bool trim = has_left_trim(l->in + l->pos, l->len - l->pos);
	size_t after = trim ? 2 : 0;
	if (has_prefix(l->in + l->pos + after, l->len - l->pos - after, "/*", 2)) {
		l->pos += after;
		ignore(l);
		return S_COMMENT;
	}
	struct gt_item i = this_item(l, GT_ITEM_LEFT_DELIM);
	l->inside_action = true;
	l->pos += after;
	ignore(l);
	l->paren_depth = 0;
	return emit_item(l, i);
}

static enum lstate lex_comment(struct gt_lexer *l)
{
	l->pos += 2;
	const char *x = mem_find(l->in + l->pos, l->len - l->pos, "*/", 2);
	if (!x)
		return lerrorf(l, "unclosed comment");
	l->pos = (size_t)(x - l->in) + 2;
	bool delim, trim;
	at_right_delim(l, &delim, &trim);
	if (!delim)
		return lerrorf(l, "comment ends before closing delimiter");
	l->line += (int)count_nl(l->in + l->start, l->pos - l->start);
	struct gt_item i = this_item(l, GT_ITEM_COMMENT);
	if (trim)
		l->pos += 2;
	l->pos += RDLEN;
	if (trim)
		l->pos += left_trim_len(l->in + l->pos, l->len - l->pos);
	ignore(l);
	if (l->emit_comments)
		return emit_item(l, i);
	return S_TEXT;
}

static enum lstate lex_right_delim(struct gt_lexer *l)
{
	bool delim, trim;
	at_right_delim(l, &delim, &trim);
	if (trim) {
		l->pos += 2;
		ignore(l);
	}
	l->pos += RDLEN;
	struct gt_item i = this_item(l, GT_ITEM_RIGHT_DELIM);
	if (trim) {
		l->pos += left_trim_len(l->in + l->pos, l->len - l->pos);
		ignore(l);
	}
	l->inside_action = false;
	return emit_item(l, i);
}

static enum lstate lex_inside(struct gt_lexer *l)
{
	bool delim, trim;
	at_right_delim(l, &delim, &trim);
	if (delim) {
		if (l->paren_depth == 0)
			return S_RIGHT_DELIM;
		return lerrorf(l, "unclosed left paren");
	}
	int32_t r = lnext(l);
	if (r == EOF_RUNE)
		return lerrorf(l, "unclosed action");
	if (is_space(r)) {
		lbackup(l);
		return S_SPACE;
	}
	switch (r) {
	case '=':
		return emit(l, GT_ITEM_ASSIGN);
	case ':':
		if (lnext(l) != '=')
			return lerrorf(l, "expected :=");
		return emit(l, GT_ITEM_DECLARE);
	case '|':
		return emit(l, GT_ITEM_PIPE);
	case '"':
		return S_QUOTE;
	case '`':
		return S_RAW_QUOTE;
	case '$':
		return S_VARIABLE;
	case '\'':
		return S_CHAR;
	case '.':
		if (l->pos < l->len) {
			char c = l->in[l->pos];
			if (c < '0' || c > '9')
				return S_FIELD;
		}
		lbackup(l);
		return S_NUMBER;
	case '(':
		l->paren_depth++;
		return emit(l, GT_ITEM_LEFT_PAREN);
	case ')':
		l->paren_depth--;
		if (l->paren_depth < 0)
			return lerrorf(l, "unexpected right paren");
		return emit(l, GT_ITEM_RIGHT_PAREN);
	}
	if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
		lbackup(l);
		return S_NUMBER;
	}
	if (is_alnum(r)) {
		lbackup(l);
		return S_IDENT;
	}
	if (r < 0x80 && r >= 0x20 && r < 0x7f)
		return emit(l, GT_ITEM_CHAR);
	struct sbuf sb = SBUF_INIT;
	gt_fmt_U(&sb, (uint32_t)r, true);
	enum lstate st = lerrorf(l, "unrecognized character in action: %s", sb.buf);
	sbuf_release(&sb);
	return st;
}

static enum lstate lex_space(struct gt_lexer *l)
{
	int nspaces = 0;
	for (;;) {
		int32_t r = lpeek(l);
		if (!is_space(r))
			break;
		lnext(l);
		nspaces++;
	}
	const char *s = l->in + l->pos - 1;
	size_t n = l->len - l->pos + 1;
	if (has_right_trim(s, n) && has_prefix(s + 2, n - 2, RDELIM, RDLEN)) {
		lbackup(l);
		if (nspaces == 1)
			return S_RIGHT_DELIM;
	}
	return emit(l, GT_ITEM_SPACE);
}

static bool at_terminator(struct gt_lexer *l)
{
	int32_t r = lpeek(l);
	if (is_space(r))
		return true;
	switch (r) {
	case EOF_RUNE: case '.': case ',': case '|': case ':': case ')': case '(':
		return true;
	}
	return has_prefix(l->in + l->pos, l->len - l->pos, RDELIM, RDLEN);
}

static enum lstate bad_char(struct gt_lexer *l, int32_t r)
{
	struct sbuf sb = SBUF_INIT;
	gt_fmt_U(&sb, r < 0 ? 0xfffd : (uint32_t)r, true);
	enum lstate st = lerrorf(l, "bad character %s", sb.buf);
	sbuf_release(&sb);
	return st;
}

static const struct { const char *w; enum gt_item_type t; } keywords[] = {
	{ ".", GT_ITEM_DOT }, { "block", GT_ITEM_BLOCK }, { "break", GT_ITEM_BREAK },
	{ "continue", GT_ITEM_CONTINUE }, { "define", GT_ITEM_DEFINE }, { "else", GT_ITEM_ELSE },
	{ "end", GT_ITEM_END }, { "if", GT_ITEM_IF }, { "range", GT_ITEM_RANGE },
	{ "nil", GT_ITEM_NIL }, { "template", GT_ITEM_TEMPLATE }, { "with", GT_ITEM_WITH },
};

static enum lstate lex_ident(struct gt_lexer *l)
{
	for (;;) {
		int32_t r = lnext(l);
		if (is_alnum(r))
			continue;
		lbackup(l);
		const char *w = l->in + l->start;
		size_t n = l->pos - l->start;
		if (!at_terminator(l))
			return bad_char(l, r);
		for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
			if (strlen(keywords[i].w) == n && !memcmp(keywords[i].w, w, n)) {
				enum gt_item_type t = keywords[i].t;
				if ((t == GT_ITEM_BREAK && !l->break_ok) ||
				    (t == GT_ITEM_CONTINUE && !l->continue_ok))
					return emit(l, GT_ITEM_IDENTIFIER);
				return emit(l, t);
			}
		}
		if (n > 0 && w[0] == '.')
			return emit(l, GT_ITEM_FIELD);
		if ((n == 4 && !memcmp(w, "true", 4)) || (n == 5 && !memcmp(w, "false", 5)))
			return emit(l, GT_ITEM_BOOL);
		return emit(l, GT_ITEM_IDENTIFIER);
	}
}

static enum lstate lex_field_or_var(struct gt_lexer *l, enum gt_item_type t)
{
	if (at_terminator(l))
		return emit(l, t == GT_ITEM_VARIABLE ? GT_ITEM_VARIABLE : GT_ITEM_DOT);
	int32_t r;
	for (;;) {
		r = lnext(l);
		if (!is_alnum(r)) {
			lbackup(l);
			break;
		}
	}
	if (!at_terminator(l))
		return bad_char(l, r);
	return emit(l, t);
}

/* lexChar and lexQuote: up to the closing quote, skipping escaped
 * characters; a newline or the end of the input leaves it unterminated. */
static enum lstate lex_quoted(struct gt_lexer *l, int32_t quote, const char *what,
	enum gt_item_type t)
{
	for (;;) {
		int32_t r = lnext(l);
		if (r == '\\') {
			r = lnext(l);
			if (r != EOF_RUNE && r != '\n')
				continue;
		}
		if (r == EOF_RUNE || r == '\n')
			return lerrorf(l, "unterminated %s", what);
		if (r == quote)
			return emit(l, t);
	}
}

static enum lstate lex_char(struct gt_lexer *l)
{
	return lex_quoted(l, '\'', "character constant", GT_ITEM_CHAR_CONSTANT);
}

static bool scan_number(struct gt_lexer *l)
{
	accept(l, "+-");
	const char *digits = "0123456789_";
	if (accept(l, "0")) {
		if (accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(l, "oO"))
			digits = "01234567_";
		else if (accept(l, "bB"))
			digits = "01_";
	}
	accept_run(l, digits);
	if (accept(l, "."))
		accept_run(l, digits);
	if (strlen(digits) == 11 && accept(l, "eE")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(l, "pP")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	accept(l, "i");
	if (is_alnum(lpeek(l))) {
		lnext(l);
		return false;
	}
	return true;
}

static enum lstate bad_number(struct gt_lexer *l)
{
	struct sbuf sb = SBUF_INIT;
	go_quote(&sb, l->in + l->start, l->pos - l->start, '"', false, false);
	enum lstate st = lerrorf(l, "bad number syntax: %s", sb.buf);
	sbuf_release(&sb);
	return st;
}

static enum lstate lex_number(struct gt_lexer *l)
{
	if (!scan_number(l))
		return bad_number(l);
	int32_t sign = lpeek(l);
	if (sign == '+' || sign == '-') {
		if (!scan_number(l) || l->in[l->pos - 1] != 'i')
			return bad_number(l);
		return emit(l, GT_ITEM_COMPLEX);
	}
	return emit(l, GT_ITEM_NUMBER);
}

static enum lstate lex_quote(struct gt_lexer *l)
{
	return lex_quoted(l, '"', "quoted string", GT_ITEM_STRING);
}

static enum lstate lex_raw_quote(struct gt_lexer *l)
{
	for (;;) {
		int32_t r = lnext(l);
		if (r == EOF_RUNE)
			return lerrorf(l, "unterminated raw quoted string");
		if (r == '`')
			break;
	}
	return emit(l, GT_ITEM_RAW_STRING);
}

void gt_lex_init(struct gt_lexer *l, struct arena *a, const char *text, size_t len)
{
	memset(l, 0, sizeof *l);
	l->arena = a;
	l->in = text;
	l->len = len;
	l->line = 1;
	l->start_line = 1;
}

struct gt_item gt_lex_next(struct gt_lexer *l)
{
	l->item = (struct gt_item){ GT_ITEM_EOF, (uint32_t)l->pos, "EOF", 3, l->start_line };
	enum lstate st = l->inside_action ? S_INSIDE : S_TEXT;
	for (;;) {
		switch (st) {
		case S_DONE: return l->item;
		case S_TEXT: st = lex_text(l); break;
		case S_LEFT_DELIM: st = lex_left_delim(l); break;
		case S_COMMENT: st = lex_comment(l); break;
		case S_RIGHT_DELIM: st = lex_right_delim(l); break;
		case S_INSIDE: st = lex_inside(l); break;
		case S_SPACE: st = lex_space(l); break;
		case S_IDENT: st = lex_ident(l); break;
		case S_FIELD: st = lex_field_or_var(l, GT_ITEM_FIELD); break;
		case S_VARIABLE:
			if (at_terminator(l))
				st = emit(l, GT_ITEM_VARIABLE);
			else
				st = lex_field_or_var(l, GT_ITEM_VARIABLE);
			break;
		case S_CHAR: st = lex_char(l); break;
		case S_NUMBER: st = lex_number(l); break;
		case S_QUOTE: st = lex_quote(l); break;
		case S_RAW_QUOTE: st = lex_raw_quote(l); break;
		}
	}
}

void gt_item_string(struct sbuf *out, const struct gt_item *i)
{
	if (i->type == GT_ITEM_EOF) {
		sbuf_adds(out, "EOF");
		return;
	}
	if (i->type == GT_ITEM_ERROR) {
		sbuf_add(out, i->p, i->n);
		return;
	}
	if (i->type > GT_ITEM_KEYWORD) {
		sbuf_addc(out, '<');
		sbuf_add(out, i->p, i->n);
		sbuf_addc(out, '>');
		return;
	}
	/* len(val) > 10: "%.10q..." (at most ten runes, quoted) */
	if (i->n > 10) {
		size_t k = 0, runes = 0;
		while (k < i->n && runes < 10) {
			uint32_t r;
			k += utf8_decode(i->p + k, i->n - k, &r);
			runes++;
		}
		go_quote(out, i->p, k, '"', false, false);
		sbuf_adds(out, "...");
		return;
	}
	go_quote(out, i->p, i->n, '"', false, false);
}
