/*
 * driver.h - private to driver/: the command-line parser and commands.
 */
#ifndef MC_DRIVER_H
#define MC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses, the same for every command. */
enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

struct strvec {
	const char **items;
	size_t len, cap;
};

void strvec_push(struct strvec *v, const char *s);
void strvec_release(struct strvec *v);

enum cli_kind {
	CLI_BOOL,   /* --flag (also --flag=true|false) */
	CLI_STR,    /* --flag VALUE or --flag=VALUE; the last one wins */
	CLI_LIST,   /* repeatable; each VALUE is appended */
	CLI_CSV,    /* repeatable; VALUE is split at commas and appended */
};

struct cli_opt {
	const char *name;  /* long name without dashes */
	char short_name;   /* 0 if none */
	enum cli_kind kind;
	void *dest;        /* bool *, const char **, struct strvec * */
	const char *arg;   /* argument name in help, NULL for booleans */
	const char *help;
};

struct cli_cmd {
	const char *name;
	const char *usage;   /* "DIR [flags]" */
	const char *summary; /* one line */
	const char *details; /* paragraphs after the option list, or NULL */
	int (*run)(int argc, char **argv);
};

/* Parse argv (argv[0] is the command name).  Non-option arguments go to
 * positional.  Returns -1 when --help was given and printed, EXIT_USAGE
 * after printing an error, 0 otherwise. */
int cli_parse(const struct cli_cmd *cmd, const struct cli_opt *opts, int argc, char **argv,
	struct strvec *positional);
void cli_help(FILE *fp, const struct cli_cmd *cmd, const struct cli_opt *opts);
/* Print "manifestc CMD: error: ..." and return EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write bytes to path ("-" or NULL: stdout) atomically; 0 or errno. */
int write_output(const char *path, const char *data, size_t len);

/* The commands. */
extern const struct cli_cmd cmd_build;
extern const struct cli_cmd cmd_render;
extern const struct cli_cmd cmd_images;
extern const struct cli_cmd cmd_appset;
extern const struct cli_cmd cmd_template;
extern const struct cli_cmd cmd_tpl;
extern const struct cli_cmd cmd_diff;
extern const struct cli_cmd cmd_validate;

#endif
