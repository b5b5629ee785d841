/*
 * main.c - the manifestc command: dispatch to a subcommand.
 *
 * The command table below is the whole CLI surface; each entry lives in its
 * own driver/cmd_*.c.  Commands return their exit status (0 success, 1
 * findings in the input, 2 usage or internal error); only this file exits.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

static const struct cli_cmd *const commands[] = {
	&cmd_build,
	&cmd_render,
	&cmd_images,
	&cmd_appset,
	&cmd_template,
	&cmd_tpl,
	&cmd_diff,
	&cmd_validate,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: manifestc COMMAND [ARGS]\n"
		"\n"
		"manifestc compiles a GitOps repository (Argo CD ApplicationSets and\n"
		"Applications, Kustomize trees, Helm charts) offline into the exact\n"
		"manifests each environment gets.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(fp,
		"\n"
		"  --version    print the version\n"
		"  --help       show this help\n"
		"\n"
		"Run 'manifestc COMMAND --help' for a command's flags.\n"
		"Exit status: 0 success, 1 errors in the input, 2 usage or internal error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("manifestc %s\n", MC_VERSION);
		return EXIT_OK;
	}
	/* OpenSSL (SHA-256 for hash suffixes and Sprig) must not read the
	 * machine's openssl.cnf: the same input gives the same bytes on any
	 * machine (and reading it is start-up time spent on nothing). */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "manifestc: error: unknown command '%s'\n"
		"Run 'manifestc --help' for the list of commands.\n", name);
	return EXIT_USAGE;
}
