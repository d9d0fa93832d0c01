// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim: one program with verbs (docs/sim.md). This file only parses the command line and
 * hands over to the verb; every verb returns an &enum ampsim_exit.
 */
#define _GNU_SOURCE /* dlopen's RTLD_* with -std=c11 */
#include <dlfcn.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ampsim.h"
#include "check_cmd.h"
#include "conform_cmd.h"
#include "fw_inspect.h"
#include "trace_cmd.h"

static const char usage_text[] =
	"usage: ampsim [--help] [--version] VERB ...\n"
	"\n"
	"verbs:\n"
	"  run [OPTIONS]                   boot a virtual board and run its firmware\n"
	"                                  (ampsim run --help for the options)\n"
	"  trace show FILE                 a wire-level trace's definitions and events\n"
	"  trace convert IN OUT [--to binary|text]\n"
	"                                  re-encode a trace (binary <-> text)\n"
	"  check TRACE [--side S] [--profile P] [--json]\n"
	"                                  judge a trace against the rule catalogue\n"
	"  conform --iut lib:SO|firmware:CORE=ELF --side S [--scenarios A,B] [--replay TRACE]\n"
	"          [--junit F] [--html F]  run conformance scenarios (or replay a recorded trace)\n"
	"                                  against an implementation under test\n"
	"  firmware inspect [--json] ELF   decode and check a remoteproc firmware image: ELF\n"
	"                                  header, PT_LOAD segments, the resource table\n"
	"\n"
	"exit status: 0 success (a valid image, a run that passed), 1 invalid input or a\n"
	"             failed run (stderr says why), 2 usage error or a file that cannot be read\n";

/*
 * LeakSanitizer's end-of-process check scans every live heap chunk, among them the stacks of
 * SystemC's coroutines, which SystemC 2.3 guards with a PROT_NONE page and never frees before
 * exit: the scan then faults at random ("Tracer caught signal 11"). The board run - the only
 * verb that elaborates SystemC - turns the check off; every other verb keeps it. LeakSanitizer
 * calls this hook when it is present; other builds never do.
 */
static volatile int leak_check_off;

int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return leak_check_off;
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "ampsim: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
		arg ? "'" : "");
	fputs(usage_text, stderr);
	return AMPSIM_EXIT_USAGE;
}

/* The option getopt_long() rejected (with opterr 0 it prints nothing itself). */
static int unknown_option(char **argv)
{
	const char *arg = argv[optind - 1];
	char opt[3] = {'-', (char)optopt, '\0'};

	return usage_error("unknown option", strncmp(arg, "--", 2) == 0 || !optopt ? arg : opt);
}

/*
 * The run verb, from the board module beside this program (ampsim-board.so; the build puts it
 * there): SystemC, Unicorn and the models load only for it - every other verb starts without
 * their relocations. The module stays loaded until the process ends (SystemC's objects are
 * destroyed at exit).
 */
static int run_board(int argc, char **argv)
{
	static const char module[] = "ampsim-board.so";
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - sizeof(module) - 1);
	char *slash;
	void *handle;
	int (*run)(int, char **);

	if (n <= 0) {
		fprintf(stderr, "ampsim run: cannot find the program's own path\n");
		return AMPSIM_EXIT_USAGE;
	}
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, module);
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		fprintf(stderr, "ampsim run: cannot load the board runtime: %s\n", dlerror());
		return AMPSIM_EXIT_USAGE;
	}
	*(void **)&run = dlsym(handle, "ampsim_run");
	if (!run) {
		fprintf(stderr, "ampsim run: %s has no ampsim_run()\n", path);
		return AMPSIM_EXIT_USAGE;
	}
	return run(argc, argv);
}

/* ampsim firmware inspect [--json] ELF; @argv[0] is "inspect". */
static int firmware_inspect(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	int c, status;

	optind = 0; /* glibc: start over on this argument vector */
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return AMPSIM_EXIT_OK;
		default:
			return unknown_option(argv);
		}
	}
	if (argc - optind != 1)
		return usage_error("firmware inspect takes exactly one ELF file", NULL);
	status = fw_inspect(argv[optind], json, stdout, stderr);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ampsim: cannot write the report\n");
		return AMPSIM_EXIT_USAGE;
	}
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	/* "+": stop at the verb, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return AMPSIM_EXIT_OK;
		case 'V':
			printf("ampsim %s\n", AMPSIM_VERSION);
			return AMPSIM_EXIT_OK;
		default:
			return unknown_option(argv);
		}
	}
	if (optind >= argc)
		return usage_error("no verb given", NULL);
	if (strcmp(argv[optind], "run") == 0) {
		leak_check_off = 1;
		return run_board(argc - optind, argv + optind);
	}
	if (strcmp(argv[optind], "trace") == 0)
		return ampsim_trace(argc - optind, argv + optind);
	if (strcmp(argv[optind], "check") == 0)
		return ampsim_check(argc - optind, argv + optind);
	if (strcmp(argv[optind], "conform") == 0)
		return ampsim_conform(argc - optind, argv + optind);
	if (strcmp(argv[optind], "firmware") != 0)
		return usage_error("unknown verb", argv[optind]);
	if (optind + 1 >= argc || strcmp(argv[optind + 1], "inspect") != 0)
		return usage_error("unknown firmware verb",
				   optind + 1 < argc ? argv[optind + 1] : "(none)");
	return firmware_inspect(argc - optind - 1, argv + optind + 1);
}
