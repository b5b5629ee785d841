/*
 * config.h - the repository's settings file, manifestc.yaml.
 *
 * One optional file at the repository root holds the settings of every
 * command, each under its own top-level key (`validate:`, `render:`, ...).
 * This loader only finds and parses it; each command reads its section.
 * Unknown top-level keys are left to their owners, so adding a section
 * never breaks another command.
 */
#ifndef MC_CONFIG_H
#define MC_CONFIG_H

#include "mc/frontend.h"
#include "mc/ir.h"

#define MC_CONFIG_NAME "manifestc.yaml"

struct mc_config {
	const struct srcfile *file; /* NULL when there is none */
	struct ir_node *doc;        /* the top-level map, or NULL */
	char *dir;                  /* the directory holding it (malloc'd), or NULL */
};

/* Load path, or when path is NULL the manifestc.yaml of start_dir or of the
 * nearest parent up to the repository root (the first directory holding
 * .git).  Returns 1 when a file was loaded, 0 when there is none, -1 on an
 * error (reported to ctx->diag: unreadable, not YAML, not a map,
 * duplicate keys).  Release with mc_config_release. */
int mc_config_load(struct mc_ctx *ctx, struct vfs *fs, const char *path, const char *start_dir,
	struct mc_config *out);
void mc_config_release(struct mc_config *c);
/* The value of a top-level key, or NULL. */
struct ir_node *mc_config_section(const struct mc_config *c, const char *key);

#endif
