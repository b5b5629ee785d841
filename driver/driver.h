/*
 * driver.h - private to driver/: the command-line parser and commands.
 */
#ifndef MC_DRIVER_H
#define MC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mc/backend.h"

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

/* Write all len bytes to fd (again after EINTR); 0 or errno. */
int cli_write_fd(int fd, const char *data, size_t len);
/* Write bytes to path ("-" or NULL: stdout) atomically; 0 or errno. */
int write_output(const char *path, const char *data, size_t len);
/* write_output for a command: EXIT_OK, or EXIT_USAGE after printing
 * "manifestc CMD: error: writing PATH: reason". */
int cli_write(const struct cli_cmd *cmd, const char *path, const char *data, size_t len);
/* Print the findings of d; the exit status is status, or EXIT_FINDINGS
 * when it is EXIT_OK and there were errors. */
int cli_findings(const struct diag *d, int status);

/* --report FORMAT[:FILE] (reports.c): the findings of validate, render and
 * diff in text, json, junit, sarif or github, each to FILE or to the
 * command's stream. */
struct cli_report {
	enum report_format fmt;
	const char *file; /* NULL: the command's stream */
};

struct cli_reports {
	struct cli_report *items;
	size_t len;
};

/* Parse the --report values (none: one text report on the stream, named
 * "stdout" or "stderr" in messages); EXIT_USAGE after printing an error. */
int cli_reports_parse(const struct cli_cmd *cmd, const struct strvec *specs, const char *stream,
	struct cli_reports *out);
void cli_reports_release(struct cli_reports *rs);
/* Only the default report (text on the stream): print nothing when
 * nothing was found. */
bool cli_reports_quiet(const struct cli_reports *rs);
/* Write r in each format (r->color is set per report); 0, or EXIT_USAGE
 * when a report could not be written. */
int cli_reports_write(const struct cli_cmd *cmd, const struct cli_reports *rs, struct report *r,
	FILE *fp);

/* Shared by the commands that render a repository (cmd_render.c): REPO and
 * --repo into o (usage errors printed: EXIT_USAGE); the findings of a render
 * as the reports asked for (nothing for a clean render and the default
 * report), 0 or EXIT_USAGE. */
struct repo_render_opts;
struct repo_result;
int render_common_opts(const struct cli_cmd *cmd, struct strvec *pos, struct strvec *repos,
	struct repo_render_opts *o);
int render_report(const struct cli_cmd *cmd, const struct cli_reports *reps,
	const struct repo_result *res, FILE *fp);

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
