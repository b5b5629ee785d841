/*
 * cli.c - a small, strict command-line parser shared by every command.
 *
 * Each command declares a table of options; this file parses GNU-style
 * arguments against it (--name VALUE, --name=VALUE, -x VALUE, -xVALUE,
 * booleans, repeatable lists, `--` to end options), rejects anything it
 * does not know with exit status 2, and prints per-command help.  Hooks and
 * CI call these commands, so unknown flags must fail loudly, not be ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "mc/arena.h"
#include "mc/str.h"

void strvec_push(struct strvec *v, const char *s)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->items = xrealloc(v->items, v->cap * sizeof *v->items);
	}
	v->items[v->len++] = s;
}

void strvec_release(struct strvec *v)
{
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "manifestc %s: error: ", cmd->name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'manifestc %s --help'.\n", cmd->name);
	va_end(ap);
	return EXIT_USAGE;
}

void cli_help(FILE *fp, const struct cli_cmd *cmd, const struct cli_opt *opts)
{
	fprintf(fp, "usage: manifestc %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (opts && opts->name) {
		fprintf(fp, "\noptions:\n");
		for (const struct cli_opt *o = opts; o->name; o++) {
			char left[80];
			int n = 0;
			if (o->short_name)
				n = snprintf(left, sizeof left, "-%c, ", o->short_name);
			else
				n = snprintf(left, sizeof left, "    ");
			snprintf(left + n, sizeof left - (size_t)n, "--%s%s%s", o->name,
				o->arg ? " " : "", o->arg ? o->arg : "");
			fprintf(fp, "  %-32s %s\n", left, o->help);
		}
	}
	fprintf(fp, "  %-32s %s\n", "-h, --help", "show this help");
	if (cmd->details)
		fprintf(fp, "\n%s\n", cmd->details);
}

static int set_value(const struct cli_cmd *cmd, const struct cli_opt *o, const char *val)
{
	switch (o->kind) {
	case CLI_BOOL:
		if (!val || !strcmp(val, "true"))
			*(bool *)o->dest = true;
		else if (!strcmp(val, "false"))
			*(bool *)o->dest = false;
		else
			return cli_usage_error(cmd, "--%s takes true or false, not '%s'", o->name, val);
		return 0;
	case CLI_STR:
		*(const char **)o->dest = val;
		return 0;
	case CLI_LIST:
		strvec_push(o->dest, val);
		return 0;
	case CLI_CSV: {
		/* Pieces point into argv, which lives as long as the process. */
		char *copy = (char *)val;
		char *p = copy;
		for (;;) {
			char *c = strchr(p, ',');
			if (c)
				*c = '\0';
			if (*p)
				strvec_push(o->dest, p);
			if (!c)
				break;
			p = c + 1;
		}
		return 0;
	}
	}
	return 0;
}

int cli_parse(const struct cli_cmd *cmd, const struct cli_opt *opts, int argc, char **argv,
	struct strvec *positional)
{
	bool only_positional = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_positional || a[0] != '-' || a[1] == '\0') {
			strvec_push(positional, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_positional = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cli_help(stdout, cmd, opts);
			return -1;
		}
		const struct cli_opt *o = NULL;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			for (const struct cli_opt *p = opts; p && p->name; p++)
				if (strlen(p->name) == len && !strncmp(p->name, name, len))
					o = p;
			if (!o)
				return cli_usage_error(cmd, "unknown flag: --%.*s", (int)len, name);
			if (eq)
				val = eq + 1;
		} else {
			for (const struct cli_opt *p = opts; p && p->name; p++)
				if (p->short_name == a[1])
					o = p;
			if (!o)
				return cli_usage_error(cmd, "unknown shorthand flag: '%c' in %s", a[1], a);
			if (a[2])
				val = a + 2 + (a[2] == '=');
			if (o->kind == CLI_BOOL && a[2] && a[2] != '=')
				return cli_usage_error(cmd, "-%c takes no value", a[1]);
		}
		if (o->kind != CLI_BOOL && !val) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "flag needs an argument: %s", a);
			val = argv[++i];
		}
		int rc = set_value(cmd, o, val);
		if (rc)
			return rc;
	}
	return 0;
}

int cli_write_fd(int fd, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno != EINTR)
			return errno;
		if (w > 0)
			off += (size_t)w;
	}
	return 0;
}

int write_output(const char *path, const char *data, size_t len)
{
	if (!path || !strcmp(path, "-")) {
		if (len && fwrite(data, 1, len, stdout) != len)
			return errno ? errno : EIO;
		return fflush(stdout) ? errno : 0;
	}
	struct sbuf tmp = SBUF_INIT;
	sbuf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		sbuf_release(&tmp);
		return e;
	}
	int e = cli_write_fd(fd, data, len);
	if (e) {
		close(fd);
		unlink(tmp.buf);
		sbuf_release(&tmp);
		return e;
	}
	if (close(fd) != 0 || rename(tmp.buf, path) != 0) {
		e = errno;
		unlink(tmp.buf);
		sbuf_release(&tmp);
		return e;
	}
	sbuf_release(&tmp);
	return 0;
}

int cli_write(const struct cli_cmd *cmd, const char *path, const char *data, size_t len)
{
	int e = write_output(path, data, len);
	if (!e)
		return EXIT_OK;
	fprintf(stderr, "manifestc %s: error: writing %s: %s\n", cmd->name, path ? path : "stdout",
		strerror(e));
	return EXIT_USAGE;
}

int cli_findings(const struct diag *d, int status)
{
	diag_print(d, stderr, -1);
	return status == EXIT_OK && diag_errors(d) ? EXIT_FINDINGS : status;
}
