// SPDX-License-Identifier: BSD-3-Clause
/*
 * ampsim conform --iut lib:PATH | firmware:CORE=ELF --side driver|device [--board B]
 *                [--service NAME] [--profile P] [--scenarios A,B,...]
 *                [--scenario-dir DIR] [--replay TRACE]... [--artifacts DIR] [--json]
 *                [--junit FILE] [--html FILE] [--timeout-ms N]
 *
 * Runs the scenario library (fixtures/scenarios/) against an implementation under test and
 * judges what it did (docs/conformance.md, "Test your own implementation"). Exit 0 when the IUT
 * is conformant (every scenario passed or did not apply), 1 when it is not, 2 on a usage error,
 * a scenario file that is wrong, an IUT library that cannot be used or a harness failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ampconf/conform.h"
#include "ampconf/iut.h"
#include "ampsim.h"
#include "amptrace/check.h"
#include "conform_board.h"
#include "conform_cmd.h"
#include "conform_report.h"
#include "scenario_parse.h"

static const char usage_text[] =
	"usage: ampsim conform --iut lib:PATH | firmware:CORE=ELF --side driver|device\n"
	"                      [--board NAME] [--service NAME] [--profile NAME]\n"
	"                      [--scenarios NAME,...] [--scenario-dir DIR] [--replay TRACE]...\n"
	"                      [--replay-link N]\n"
	"                      [--artifacts DIR] [--json] [--junit FILE] [--html FILE]\n"
	"                      [--timeout-ms N]\n"
	"\n"
	"Runs conformance scenarios against an implementation under test (IUT) playing --side,\n"
	"with ampsim's reference as its peer, and judges the IUT's side of every session by the\n"
	"rule catalogue. --iut lib:PATH is a shared object implementing the adapter of\n"
	"conformance/include/ampconf/iut.h; --iut firmware:CORE=ELF a firmware image on CORE of\n"
	"--board (default minimal), the device, reached through the echo service it announces\n"
	"(--service NAME, default the first whose name holds \"echo\"); scenarios firmware\n"
	"cannot take part in are skipped. --scenarios names scenarios of --scenario-dir\n"
	"(default: the project's fixtures/scenarios) or paths of scenario files; default: all,\n"
	"or none when --replay is given. --replay TRACE re-enacts the other side of a recorded\n"
	"trace's link N (default 0, as ampsim check numbers them) against the IUT, message for\n"
	"message (repeatable).\n"
	"--artifacts keeps each session's trace (DIR/NAME.bin). Reports: text on standard output\n"
	"(--json: JSON instead), --junit and --html (the verdict matrix) into files.\n"
	"exit status: 0 conformant, 1 not conformant, 2 usage error, bad scenario, unusable IUT\n";

/**
 * struct conform_args - the command line
 * @iut: the --iut argument
 * @library: its path (lib:)
 * @fw: the firmware (firmware:), @fw.elf NULL for a library
 * @fw_spec: a copy of the CORE=ELF text @fw points into
 * @side: "driver" or "device"
 * @profile: the profile's name
 * @scenarios: --scenarios (comma-separated), or NULL for all
 * @dir: the scenario directory
 * @artifacts: where traces go, or NULL
 * @json: JSON on standard output
 * @junit: junit XML file, or NULL
 * @html: HTML matrix file, or NULL
 * @timeout_ms: per IUT operation
 * @replays: the --replay traces
 * @nreplays: entries of @replays
 * @replay_link: --replay-link
 */
struct conform_args {
	const char *iut;
	const char *library;
	struct conform_firmware fw;
	char fw_spec[AMPCONF_PATH_SIZE];
	const char *side;
	const char *profile;
	const char *scenarios;
	const char *dir;
	const char *artifacts;
	bool json;
	const char *junit;
	const char *html;
	int timeout_ms;
	const char *replays[64];
	unsigned int nreplays;
	unsigned int replay_link;
};

static int usage(const char *why)
{
	fprintf(stderr, "ampsim conform: %s\n%s", why, usage_text);
	return AMPSIM_EXIT_USAGE;
}

/* --iut firmware:CORE=ELF: the device on a board. */
static int parse_firmware(struct conform_args *a)
{
	char *eq;

	snprintf(a->fw_spec, sizeof(a->fw_spec), "%s", a->iut + 9);
	eq = strchr(a->fw_spec, '=');
	if (!eq || eq == a->fw_spec || !eq[1])
		return usage("--iut firmware:CORE=ELF (a core of the board and its image)");
	*eq = '\0';
	a->fw.core = a->fw_spec;
	a->fw.elf = eq + 1;
	if (!a->fw.board)
		a->fw.board = "minimal";
	if (strcmp(a->side, "device"))
		return usage("--iut firmware: firmware plays the device (--side device)");
	return 0;
}

static int parse_args(int argc, char **argv, struct conform_args *a)
{
	static const struct option options[] = {
		{"iut", required_argument, NULL, 'i'},
		{"side", required_argument, NULL, 's'},
		{"profile", required_argument, NULL, 'p'},
		{"scenarios", required_argument, NULL, 'S'},
		{"scenario-dir", required_argument, NULL, 'd'},
		{"artifacts", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"junit", required_argument, NULL, 'J'},
		{"html", required_argument, NULL, 'H'},
		{"timeout-ms", required_argument, NULL, 't'},
		{"replay", required_argument, NULL, 'r'},
		{"board", required_argument, NULL, 'b'},
		{"service", required_argument, NULL, 'v'},
		{"replay-link", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	long v;
	int c;

	*a = (struct conform_args){.profile = "strict",
				   .dir = AMPSIM_SOURCE_DIR "/fixtures/scenarios"};
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'i':
			a->iut = optarg;
			break;
		case 's':
			a->side = optarg;
			break;
		case 'p':
			a->profile = optarg;
			break;
		case 'S':
			a->scenarios = optarg;
			break;
		case 'd':
			a->dir = optarg;
			break;
		case 'a':
			a->artifacts = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'J':
			a->junit = optarg;
			break;
		case 'H':
			a->html = optarg;
			break;
		case 't':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 1 || v > 3600000)
				return usage("--timeout-ms: a number of milliseconds, 1..3600000");
			a->timeout_ms = (int)v;
			break;
		case 'b':
			a->fw.board = optarg;
			break;
		case 'v':
			a->fw.service = optarg;
			break;
		case 'L':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || !*optarg || v < 0 || v > 255)
				return usage("--replay-link: a link number, 0..255");
			a->replay_link = (unsigned int)v;
			break;
		case 'r':
			if (a->nreplays == sizeof(a->replays) / sizeof(a->replays[0]))
				return usage("--replay: at most 64 traces");
			a->replays[a->nreplays++] = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			return usage("unknown option or missing argument");
		}
	}
	if (optind < argc)
		return usage("unexpected argument");
	if (!a->iut || !a->side)
		return usage("--iut and --side are required");
	if (strcmp(a->side, "driver") && strcmp(a->side, "device"))
		return usage("--side: driver or device");
	if (!strncmp(a->iut, "firmware:", 9))
		return parse_firmware(a);
	if (strncmp(a->iut, "lib:", 4) || !a->iut[4])
		return usage("--iut: lib:PATH (a shared object implementing ampconf/iut.h) or "
			     "firmware:CORE=ELF");
	if (a->fw.board || a->fw.service)
		return usage("--board and --service are for --iut firmware:CORE=ELF");
	a->library = a->iut + 4;
	if (!ampcheck_profile_find(a->profile))
		return usage("--profile: strict, linux, openamp or rpmsg-lite");
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every NAME.yaml of @dir, sorted; NULL-terminated, or NULL with the reason printed. */
static char **list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "ampsim conform: %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **grown;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml"))
			continue;
		grown = realloc(names, (n + 2) * sizeof(*names));
		if (!grown || !(grown[n] = strndup(e->d_name, len - 5))) {
			free(grown ? grown : names);
			closedir(d);
			fprintf(stderr, "ampsim conform: out of memory\n");
			return NULL;
		}
		names = grown;
		names[++n] = NULL;
	}
	closedir(d);
	if (!n) {
		fprintf(stderr, "ampsim conform: %s: no scenario files (NAME.yaml)\n", dir);
		return NULL;
	}
	qsort(names, n, sizeof(*names), by_name);
	return names;
}

/*
 * The comma-separated list as a NULL-terminated array; the strings live in one copy of @list,
 * kept after the terminator for free_names().
 */
static char **split_list(const char *list)
{
	char *copy = strdup(list), *save = NULL;
	char **names = calloc(strlen(list) + 3, sizeof(*names));
	size_t n = 0;

	if (!copy || !names) {
		free(copy);
		free(names);
		fprintf(stderr, "ampsim conform: out of memory\n");
		return NULL;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		names[n++] = t;
	names[n + 1] = copy;
	return names;
}

static void free_names(char **names, bool split)
{
	char **p = names;

	if (!names)
		return;
	for (; *p; p++)
		if (!split)
			free(*p);
	if (split)
		free(p[1]);
	free(names);
}

/* A name of the directory or a path of a scenario file; the file loaded into @sc. */
static int load_scenario(const struct conform_args *a, const char *name,
			 struct ampconf_scenario *sc)
{
	char path[AMPCONF_PATH_SIZE], err[1024];
	int ret;

	if (strchr(name, '/') || (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".yaml")))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s.yaml", a->dir, name);
	ret = ampsim_scenario_load(path, sc, err, sizeof(err));
	if (ret)
		fprintf(stderr, "ampsim conform: %s\n", err);
	return ret;
}

/* A recorded trace, made into a session against the IUT's role. */
static int load_replay(const struct conform_args *a, const char *path, struct conform_entry *e)
{
	unsigned int role = strcmp(a->side, "driver") ? AMPCONF_DEVICE : AMPCONF_DRIVER;
	char err[512];

	e->replay = calloc(1, sizeof(*e->replay));
	if (!e->replay) {
		fprintf(stderr, "ampsim conform: out of memory\n");
		return -1;
	}
	if (ampconf_replay_load(path, a->replay_link, role, e->replay, err, sizeof(err))) {
		fprintf(stderr, "ampsim conform: --replay %s\n", err);
		return -1;
	}
	e->sc = e->replay->sc;
	return 0;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "ampsim conform: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void run_entries(const struct conform_args *a, struct conform_run *run)
{
	struct ampconf_options opt = {
		.library = a->library,
		.role = strcmp(a->side, "driver") ? AMPCONF_DEVICE : AMPCONF_DRIVER,
		.profile = ampcheck_profile_find(a->profile),
		.timeout_ms = a->timeout_ms,
	};

	for (unsigned int i = 0; i < run->count; i++) {
		struct conform_entry *e = &run->entries[i];

		if (a->artifacts)
			snprintf(e->trace, sizeof(e->trace), "%s/%s.bin", a->artifacts, e->sc.name);
		opt.trace_path = a->artifacts ? e->trace : NULL;
		const struct ampconf_step *steps = e->replay ? e->replay->step : e->sc.step;
		size_t nsteps = e->replay ? e->replay->nsteps : e->sc.nsteps;

		if (a->fw.elf)
			ampsim_conform_firmware(&a->fw, &opt, &e->sc, steps, nsteps, &e->res);
		else
			ampconf_run_steps(&opt, &e->sc, steps, nsteps, &e->res);
		if (e->res.outcome == AMPCONF_SKIPPED)
			e->trace[0] = '\0'; /* nothing ran, nothing was kept */
		if (!a->json)
			fprintf(stderr, "ampsim conform: %-24s %s\n", e->sc.name,
				ampconf_outcome_name(e->res.outcome));
		if (e->res.iut_name[0] && !run->iut_name[0])
			run->iut_name = e->res.iut_name;
	}
}

static int exit_status(const struct conform_run *run)
{
	for (unsigned int i = 0; i < run->count; i++)
		if (run->entries[i].res.outcome == AMPCONF_ERROR) {
			fprintf(stderr, "ampsim conform: %s: %s\n", run->entries[i].sc.name,
				run->entries[i].res.reason);
			return AMPSIM_EXIT_USAGE;
		}
	return conform_conformant(run) ? AMPSIM_EXIT_OK : AMPSIM_EXIT_FAILURE;
}

/**
 * ampsim_conform() - the conform verb
 * @argc: arguments, the verb first
 * @argv: them
 * Return: &enum ampsim_exit.
 */
int ampsim_conform(int argc, char **argv)
{
	struct conform_args a;
	struct conform_run run = {0};
	char **names;
	int ret = parse_args(argc, argv, &a), status = AMPSIM_EXIT_USAGE;
	unsigned int n = 0;

	if (ret)
		return ret < 0 ? AMPSIM_EXIT_OK : ret;
	names = a.scenarios || !a.nreplays
			? (a.scenarios ? split_list(a.scenarios) : list_dir(a.dir))
			: calloc(3, sizeof(*names));
	if (!names || (!names[0] && !a.nreplays)) {
		if (names)
			fprintf(stderr, "ampsim conform: --scenarios: no names\n");
		goto out;
	}
	while (names[n])
		n++;
	run = (struct conform_run){.iut = a.iut,
				   .iut_name = "",
				   .side = a.side,
				   .profile = a.profile,
				   .count = n + a.nreplays};
	run.entries = calloc(run.count, sizeof(*run.entries));
	if (!run.entries) {
		fprintf(stderr, "ampsim conform: out of memory\n");
		goto out;
	}
	for (unsigned int i = 0; i < n; i++)
		if (load_scenario(&a, names[i], &run.entries[i].sc))
			goto out;
	for (unsigned int i = 0; i < a.nreplays; i++)
		if (load_replay(&a, a.replays[i], &run.entries[n + i]))
			goto out;
	if (a.artifacts && make_dir(a.artifacts))
		goto out;
	run_entries(&a, &run);
	if (a.json)
		conform_report_json(stdout, &run);
	else
		conform_report_text(stdout, &run);
	status = exit_status(&run);
	if ((a.junit && conform_report_junit(a.junit, &run)) ||
	    (a.html && conform_report_html(a.html, &run)))
		status = AMPSIM_EXIT_USAGE;
out:
	for (unsigned int i = 0; run.entries && i < run.count; i++) {
		ampconf_result_release(&run.entries[i].res);
		if (run.entries[i].replay)
			ampconf_replay_free(run.entries[i].replay);
		free(run.entries[i].replay);
	}
	free(run.entries);
	free_names(names, a.scenarios != NULL || a.nreplays);
	return status;
}
