/*
 * cmd_images.c - `manifestc images [REPO]`: every container image each
 * environment runs, and where its tag or digest was set.
 *
 * The repository is rendered as `manifestc render` renders it; the images
 * are read from the rendered Pod templates (containers, initContainers,
 * ephemeralContainers).  Each value carries the position it came from, so
 * the source is the kustomization `images:` entry, the Application's
 * kustomize.images, a Helm values file or parameter, or the manifest itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "mc/backend.h"
#include "mc/frontend.h"

/* The tag and digest of an image reference (kustomize's image.Split). */
static void split(const char *img, struct sbuf *name, struct sbuf *tag, struct sbuf *digest)
{
	size_t n = strlen(img), start = 0;
	const char *slash = strchr(img, '/');
	if (slash && slash > img)
		start = (size_t)(slash - img);
	const char *at = strchr(img + start, '@');
	const char *colon = strchr(img + start, ':');
	if (colon && at && colon > at)
		colon = NULL;
	size_t ne = colon ? (size_t)(colon - img) : at ? (size_t)(at - img) : n;
	sbuf_add(name, img, ne);
	if (colon)
		sbuf_add(tag, colon + 1, (size_t)((at ? at : img + n) - colon - 1));
	if (at)
		sbuf_adds(digest, at + 1);
}

static int run(int argc, char **argv)
{
	const char *format = "text";
	struct strvec envs = { 0 }, repos = { 0 }, clusters = { 0 }, pos = { 0 };
	const struct cli_opt opts[] = {
		{ "env", 0, CLI_LIST, &envs, "NAME", "only this environment (repeatable)" },
		{ "repo", 0, CLI_LIST, &repos, "URL=DIR", "the checkout of another repository (repeatable)" },
		{ "clusters", 0, CLI_LIST, &clusters, "FILE", "Argo CD cluster Secrets (repeatable)" },
		{ "output", 'o', CLI_STR, &format, "FORMAT", "text (default) or json" },
		{ 0 },
	};
	int rc = cli_parse(&cmd_images, opts, argc, argv, &pos);
	struct repo_render_opts o = { 0 };
	if (!rc)
		rc = render_common_opts(&cmd_images, &pos, &repos, &o);
	if (!rc && strcmp(format, "text") && strcmp(format, "json"))
		rc = cli_usage_error(&cmd_images, "-o must be text or json, not '%s'", format);
	int status = rc > 0 ? rc : EXIT_OK;
	if (!rc) {
		o.envs = envs.items;
		o.nenvs = envs.len;
		o.cluster_files = clusters.items;
		o.ncluster_files = clusters.len;
		o.images = true;
		struct repo_result res;
		repo_render(&o, &res);
		struct cli_reports text = { 0 };
		struct strvec none = { 0 };
		cli_reports_parse(&cmd_images, &none, "stderr", &text);
		render_report(&cmd_images, &text, &res, stderr);
		cli_reports_release(&text);
		if (res.nerrors) {
			status = EXIT_FINDINGS;
		} else {
			struct mc_ctx ctx;
			mc_ctx_init(&ctx, NULL);
			struct ir_node *list = ir_seq(&ctx, NULL);
			struct sbuf out = SBUF_INIT, nm = SBUF_INIT, tag = SBUF_INIT, dig = SBUF_INIT;
			const char *last_env = NULL, *last_app = NULL;
			for (size_t i = 0; i < res.napps; i++) {
				const struct repo_app *a = &res.apps[i];
				for (size_t k = 0; k < a->nimages; k++) {
					const struct repo_image *im = &a->images[k];
					sbuf_reset(&nm);
					sbuf_reset(&tag);
					sbuf_reset(&dig);
					split(im->image, &nm, &tag, &dig);
					if (!strcmp(format, "json")) {
						struct ir_node *m = ir_map(&ctx, NULL);
						ir_map_setc(&ctx, m, "environment", ir_str0(&ctx, a->env, NULL));
						ir_map_setc(&ctx, m, "application", ir_str0(&ctx, a->instance, NULL));
						ir_map_setc(&ctx, m, "container", ir_str0(&ctx, im->container, NULL));
						ir_map_setc(&ctx, m, "image", ir_str0(&ctx, im->image, NULL));
						ir_map_setc(&ctx, m, "name", ir_str0(&ctx, nm.buf, NULL));
						ir_map_setc(&ctx, m, "tag", ir_str0(&ctx, tag.buf, NULL));
						ir_map_setc(&ctx, m, "digest", ir_str0(&ctx, dig.buf, NULL));
						ir_map_setc(&ctx, m, "source", ir_str0(&ctx, im->source, NULL));
						ir_seq_push(&ctx, list, m);
						continue;
					}
					if (!last_env || strcmp(last_env, a->env))
						sbuf_printf(&out, "%s\n", a->env);
					if (!last_env || strcmp(last_env, a->env) || strcmp(last_app, a->instance))
						sbuf_printf(&out, "  %s\n", a->instance);
					last_env = a->env;
					last_app = a->instance;
					sbuf_printf(&out, "    %s  %s", im->container, nm.buf);
					if (tag.len)
						sbuf_printf(&out, "  tag %s", tag.buf);
					if (dig.len)
						sbuf_printf(&out, "  digest %s", dig.buf);
					if (!tag.len && !dig.len)
						sbuf_adds(&out, "  (no tag: latest)");
					sbuf_printf(&out, "  from %s\n", im->source);
				}
			}
			if (!strcmp(format, "json")) {
				const char *err = NULL;
				emit_json(&out, list, EMIT_JSON_UNSORTED, &err);
				sbuf_addc(&out, '\n');
			}
			fwrite(out.buf, 1, out.len, stdout);
			sbuf_release(&out);
			sbuf_release(&nm);
			sbuf_release(&tag);
			sbuf_release(&dig);
			mc_ctx_release(&ctx);
		}
		repo_result_release(&res);
	}
	strvec_release(&envs);
	strvec_release(&repos);
	strvec_release(&clusters);
	strvec_release(&pos);
	return rc < 0 ? EXIT_OK : status;
}

const struct cli_cmd cmd_images = {
	"images", "[REPO] [flags]",
	"List the container images of every environment and where each tag was set.",
	"REPO is rendered as `manifestc render` renders it. Each line names the resource and\n"
	"container, the image, its tag or digest, and the file:line that set the value.",
	run,
};
