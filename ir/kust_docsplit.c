/*
 * kust_docsplit.c - reading a multi-document file as kyaml's ByteReader
 * does (resources, patches, plugin configs).
 *
 * kyaml does not hand the whole file to the YAML parser: it cuts it at
 * every match of the regular expression `\n---.*\n` (a separator followed
 * by anything but a comment is an error: "invalid document separator"),
 * then decodes only the *first* document of each piece.  So a `...`
 * document end followed by more YAML silently drops the rest of the piece,
 * and a piece that starts with `...` (an empty `---` document closed at
 * once) fails as go-yaml fails on it.  Files without such lines (or
 * block scalars that keep their trailing newlines) are parsed whole,
 * which gives the same documents.
 */
#include <string.h>

#include "mc/passes.h"

/* A line at p that is a document end marker (`...` then blank or end). */
static bool doc_end_line(const char *p, const char *end)
{
	return end - p >= 3 && p[0] == '.' && p[1] == '.' && p[2] == '.' &&
		(end - p == 3 || p[3] == '\n' || p[3] == ' ' || p[3] == '\t' || p[3] == '\r');
}

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

/* Blank or comment-only line. */
static bool empty_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == end || *p == '\n' || *p == '#';
}

struct sep {
	size_t at, end; /* the match [at, end) */
};

/* Go's FindAllStringIndex(`\n---.*\n`): leftmost, non-overlapping. */
static size_t find_seps(const char *s, size_t n, struct sep *out, size_t max)
{
	size_t k = 0, pos = 0;
	while (pos + 4 <= n) {
		const char *hit = NULL;
		for (const char *p = memchr(s + pos, '\n', n - pos); p;
		     p = memchr(p + 1, '\n', n - (size_t)(p + 1 - s))) {
			if ((size_t)(p - s) + 4 <= n && p[1] == '-' && p[2] == '-' && p[3] == '-') {
				hit = p;
				break;
			}
		}
		if (!hit)
			break;
		const char *nl = memchr(hit + 4, '\n', n - (size_t)(hit + 4 - s));
		if (!nl)
			break;
		if (k < max)
			out[k] = (struct sep){ (size_t)(hit - s), (size_t)(nl + 1 - s) };
		k++;
		pos = (size_t)(nl + 1 - s);
	}
	return k;
}

static uint32_t line_of(const char *s, size_t off)
{
	uint32_t line = 1;
	for (const char *p = s; (p = memchr(p, '\n', off - (size_t)(p - s))); p++)
		line++;
	return line;
}

int kust_read_docs(struct mc_ctx *ctx, const struct srcfile *f, const struct yaml_opts *yo,
	struct ir_docs *out)
{
	const char *s = f->data;
	size_t n = f->len;
	/* Only files with a `...` line or a separator carrying more than a
	 * comment read differently from a whole-file parse. */
	bool special = false;
	for (const char *p = s, *end = s + n; p < end && !special; p = next_line(p, end)) {
		if (doc_end_line(p, end))
			special = true;
		else if (p > s && end - p >= 3 && !memcmp(p, "---", 3)) {
			const char *q = p + 3;
			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			special = q < end && *q != '\n' && *q != '#';
		}
	}
	/* A block scalar that keeps its trailing line breaks (|+, >+) at the
	 * end of a document reads one line break more from a piece (kyaml puts
	 * back the newline its split ate) than from the whole file. */
	for (const char *p = s, *end = s + n; !special && (p = memchr(p, '+', (size_t)(end - p)));
	     p++) {
		const char *q = p;
		if (q > s && q[-1] >= '1' && q[-1] <= '9')
			q--;
		special = q > s && (q[-1] == '|' || q[-1] == '>');
	}
	if (!special)
		return yaml_load(ctx, f, yo, out);

	VEC(struct sep) seps = { 0 };
	size_t nsep = find_seps(s, n, NULL, 0);
	for (size_t i = 0; i < nsep; i++)
		VEC_PUSH(&ctx->arena, &seps, ((struct sep){ 0, 0 }));
	find_seps(s, n, seps.items, seps.len);
	const struct srcfile *posf = yo->pos_file ? yo->pos_file : f;
	int errors = 0;
	size_t prev = 0;
	for (size_t i = 0; i <= nsep && !errors; i++) {
		/* (kyaml gives each piece but the last back the newline its
		 * split ate) */
		size_t b = prev, e = i < nsep ? seps.items[i].at + 1 : n;
		uint32_t line = line_of(s, b);
		if (i < nsep) {
			/* strings.TrimSpace(separator[4:]) must be empty or a comment */
			const char *t = s + seps.items[i].at + 4, *te = s + seps.items[i].end;
			while (t < te && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n'))
				t++;
			if (t < te && *t != '#') {
				const char *l = s + seps.items[i].at + 1;
				size_t ll = seps.items[i].end - seps.items[i].at - 2;
				while (ll && (l[ll - 1] == ' ' || l[ll - 1] == '\t' || l[ll - 1] == '\r'))
					ll--;
				struct srcpos at = { posf, line_of(s, seps.items[i].at + 1) + yo->line_offset,
					1 + yo->col_offset };
				return diag_error(&ctx->diag, &at, "invalid document separator: %.*s", (int)ll, l);
			}
			prev = seps.items[i].end;
		}
		/* The first document of the piece only: a leading `...` is an
		 * error, a later one ends what is read. */
		const char *p = s + b, *end = s + e;
		while (p < end && empty_line(p, end))
			p = next_line(p, end);
		if (p < end && doc_end_line(p, end)) {
			struct srcpos at = { posf, line_of(s, (size_t)(p - s)) + yo->line_offset,
				1 + yo->col_offset };
			return diag_error(&ctx->diag, &at,
				"MalformedYAMLError: yaml: did not find expected node content");
		}
		for (const char *q = p; q < end; q = next_line(q, end))
			if (q > p && doc_end_line(q, end)) {
				e = (size_t)(next_line(q, end) - s);
				break;
			}
		struct srcfile *piece = (struct srcfile *)srcfile_mem(ctx, f->path, s + b, e - b);
		struct yaml_opts po = *yo;
		po.pos_file = posf;
		po.line_offset = yo->line_offset + line - 1;
		struct ir_docs d = { 0 };
		errors += yaml_load(ctx, piece, &po, &d);
		/* (cut as above, a piece holds one document at most) */
		if (!errors && d.len && d.items[0]) {
			size_t cap = out->cap;
			VEC_PUSH(&ctx->arena, out, d.items[0]);
			if (out->cap != cap || !out->starts)
				out->starts = arena_grow(&ctx->arena, out->starts,
					cap * sizeof *out->starts, out->cap * sizeof *out->starts);
			out->starts[out->len - 1] = d.starts[0];
		}
	}
	return errors;
}
