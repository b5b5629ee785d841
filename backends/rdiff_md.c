/*
 * rdiff_md.c - a render diff as a pull-request comment (GitHub markdown).
 *
 * One collapsible <details> section per Application, so a reviewer sees
 * the list of what changed at a glance and opens what matters; image
 * changes on top.  A first line `<!-- manifestc-diff -->` lets a workflow
 * find its own earlier comment and update it (a "sticky" comment).
 *
 * GitHub rejects comments of 65,536 characters or more, so the comment is
 * built section by section against a byte budget (bytes never undercount
 * characters): a section that does not fit is replaced by a compact one
 * (its resource headers without patches), and one that does not fit even
 * so is left out; a closing note says how much was cut.  Patches sit in
 * ```diff fences longer than any run of backticks inside them, and names
 * are HTML-escaped inside <summary>.
 */
#include <string.h>

#include "mc/diff.h"

#define MD_MARKER "<!-- manifestc-diff -->\n"
#define MD_RESERVE 600 /* room kept for the closing note */
#define MD_MAX_IMAGES 100

static void html(struct sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			sbuf_adds(out, "&lt;");
		else if (*s == '>')
			sbuf_adds(out, "&gt;");
		else if (*s == '&')
			sbuf_adds(out, "&amp;");
		else
			sbuf_addc(out, *s);
	}
}

/* Text with markdown's active characters escaped (key names such as
 * DB_PASSWORD must not turn italic). */
static void md_text(struct sbuf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|~#&", *s) && *s) {
			if (*s == '<')
				sbuf_adds(out, "&lt;");
			else if (*s == '>')
				sbuf_adds(out, "&gt;");
			else if (*s == '&')
				sbuf_adds(out, "&amp;");
			else
				sbuf_addc(out, '\\'), sbuf_addc(out, *s);
		} else {
			sbuf_addc(out, *s);
		}
	}
}

/* Inline code: `s`, with a longer backtick run when s holds backticks. */
static void code(struct sbuf *out, const char *s)
{
	size_t run = 0, max = 0;
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		max = run > max ? run : max;
	}
	for (size_t i = 0; i <= max; i++)
		sbuf_addc(out, '`');
	sbuf_adds(out, max ? " " : "");
	sbuf_adds(out, s);
	sbuf_adds(out, max ? " " : "");
	for (size_t i = 0; i <= max; i++)
		sbuf_addc(out, '`');
}

static void fenced(struct sbuf *out, const char *patch)
{
	size_t run = 0, max = 0;
	for (const char *p = patch; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		max = run > max ? run : max;
	}
	size_t fence = max < 3 ? 3 : max + 1;
	for (size_t i = 0; i < fence; i++)
		sbuf_addc(out, '`');
	sbuf_adds(out, "diff\n");
	sbuf_adds(out, patch);
	if (patch[0] && patch[strlen(patch) - 1] != '\n')
		sbuf_addc(out, '\n');
	for (size_t i = 0; i < fence; i++)
		sbuf_addc(out, '`');
	sbuf_addc(out, '\n');
}

static void section(struct sbuf *out, const char *env, const struct rd_app *a, bool patches)
{
	sbuf_adds(out, "<details>\n<summary><b>");
	html(out, env);
	sbuf_addc(out, '/');
	html(out, a->name);
	sbuf_adds(out, "</b>: ");
	struct sbuf tmp = SBUF_INIT;
	rdiff_app_summary(&tmp, a);
	html(out, tmp.buf);
	sbuf_adds(out, "</summary>\n\n");
	sbuf_reset(&tmp);
	rdiff_app_notes(&tmp, a, "- ");
	md_text(out, tmp.buf);
	if (tmp.len)
		sbuf_addc(out, '\n');
	if (patches && a->source_patch)
		fenced(out, a->source_patch), sbuf_addc(out, '\n');
	for (size_t k = 0; k < a->nres; k++) {
		const struct rd_res *r = &a->res[k];
		code(out, r->header);
		sbuf_adds(out, ": ");
		sbuf_reset(&tmp);
		rdiff_res_notes(&tmp, r);
		md_text(out, tmp.buf);
		sbuf_adds(out, patches ? "\n\n" : "  \n");
		if (patches && r->patch[0]) {
			fenced(out, r->patch);
			sbuf_addc(out, '\n');
		}
	}
	if (!patches)
		sbuf_adds(out, "\n_Patches left out to fit the comment size limit._\n\n");
	sbuf_adds(out, "</details>\n\n");
	sbuf_release(&tmp);
}

void rdiff_markdown(struct sbuf *out, const struct rdiff *d, const struct rdiff_fmt *f)
{
	size_t limit = f->limit ? f->limit : RDIFF_MD_LIMIT;
	size_t start = out->len;
	sbuf_adds(out, MD_MARKER "### manifestc diff\n\n");
	if (f->old_label && f->new_label) {
		code(out, f->old_label);
		sbuf_adds(out, " → ");
		code(out, f->new_label);
		sbuf_adds(out, ": ");
	}
	if (!d->differs) {
		sbuf_adds(out, "no differences in the rendered manifests.\n");
		return;
	}
	sbuf_adds(out, "**");
	rdiff_summary_line(out, d);
	sbuf_adds(out, "**\n\n");

	size_t nimages = 0, shown = 0;
	for (size_t i = 0; i < d->nenvs; i++)
		nimages += d->envs[i].nimages;
	if (nimages) {
		sbuf_adds(out, "**Images**\n\n");
		struct sbuf line = SBUF_INIT;
		bool room = true;
		for (size_t i = 0; room && i < d->nenvs; i++)
			for (size_t j = 0; j < d->envs[i].nimages; j++) {
				sbuf_reset(&line);
				rdiff_image_line(&line, d->envs[i].name, &d->envs[i].images[j]);
				/* Images take at most a quarter of the comment. */
				if (shown == MD_MAX_IMAGES || out->len - start + line.len * 2 > limit / 4) {
					room = false;
					break;
				}
				sbuf_adds(out, "- ");
				md_text(out, line.buf);
				sbuf_addc(out, '\n');
				shown++;
			}
		sbuf_release(&line);
		if (shown < nimages)
			sbuf_printf(out, "- … and %zu more\n", nimages - shown);
		sbuf_addc(out, '\n');
	}

	size_t compact = 0, omitted = 0;
	struct sbuf sec = SBUF_INIT;
	for (size_t i = 0; i < d->nenvs; i++) {
		const struct rd_env *e = &d->envs[i];
		if (e->status != RD_CHANGED)
			sbuf_printf(out, "Environment **%s**: %s\n\n", e->name, rdiff_status_word(e->status));
		for (size_t j = 0; j < e->napps; j++) {
			size_t room = limit > MD_RESERVE + (out->len - start)
				? limit - MD_RESERVE - (out->len - start) : 0;
			sbuf_reset(&sec);
			section(&sec, e->name, &e->apps[j], true);
			if (sec.len <= room) {
				sbuf_add(out, sec.buf, sec.len);
				continue;
			}
			sbuf_reset(&sec);
			section(&sec, e->name, &e->apps[j], false);
			if (sec.len <= room) {
				sbuf_add(out, sec.buf, sec.len);
				compact++;
			} else {
				omitted++;
			}
		}
	}
	sbuf_release(&sec);
	if (compact || omitted) {
		sbuf_adds(out, "> **Cut to stay under GitHub's 65,536-character comment limit:** ");
		if (compact)
			sbuf_printf(out, "the patches of %zu Application%s", compact, compact == 1 ? "" : "s");
		if (compact && omitted)
			sbuf_adds(out, " and ");
		if (omitted)
			sbuf_printf(out, "%zu Application%s entirely", omitted, omitted == 1 ? "" : "s");
		sbuf_adds(out, " left out. Run `manifestc diff` locally (or read the job log) for the whole diff.\n");
	}
}
