// SPDX-License-Identifier: BSD-3-Clause
/*
 * The scenario file parser (sim/scenario_parse.h): a scenario using every key parses into the
 * fields docs/scenarios.md gives; the defaults; the name from the file's stem; malformed files,
 * each failing with -EINVAL, the expected line and a phrase of the expected message; and files
 * that cannot be read. The files are written into a fresh temporary directory.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario_parse.h"
#include "ampconf/iut.h"
#include "testing.h"

#define ERR_SIZE 512
/* Enough for the temporary directory, a '/' and a file name. */
#define PATH_SIZE 256
/* Files written, removed at the end (each test writes a few; the bad cases one each). */
#define MAX_FILES 128
/* The three lines every bad case starts with unless it is about them: steps from line 4. */
#define HEAD "summary: s\nrules: [DRV-002]\nsteps:\n"
#define BOTH ((1u << AMPCONF_DRIVER) | (1u << AMPCONF_DEVICE))

static char tmpdir[] = "/tmp/test_scenario_parse.XXXXXX";
static char files[MAX_FILES][PATH_SIZE];
static unsigned int num_files;

/* One struct per test: a scenario is about 9 KiB. */
static struct ampconf_scenario scn;

/* Writes @text to the file @name in the temporary directory; returns its path. */
static const char *write_file(const char *name, const char *text)
{
	char *path;
	FILE *f;

	if (num_files == MAX_FILES) {
		fprintf(stderr, "too many files\n");
		exit(1);
	}
	path = files[num_files++];
	snprintf(path, PATH_SIZE, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
	return path;
}

static int load(const char *name, const char *text, char *err)
{
	return ampsim_scenario_load(write_file(name, text), &scn, err, ERR_SIZE);
}

/* Line and column of "PATH:LINE:COL: ..." in @err, or 0 when it is not so. */
static unsigned int err_line(const char *err, const char *path, unsigned int *col)
{
	size_t len = strlen(path);
	unsigned int line = 0;

	*col = 0;
	if (strncmp(err, path, len) || sscanf(err + len, ":%u:%u: ", &line, col) != 2)
		return 0;
	return line;
}

static const char full_text[] =
	"summary: Every key a scenario can have\n" /* 1 */
	"roles: [device]\n"
	"rules: [DRV-002, DEV-002, RPMSG-001]\n"
	"link:\n"
	"  num0: 64\n" /* 5 */
	"  num1: 128\n"
	"  align: 16\n"
	"  buf_size: 256\n"
	"  features: [ns, event_idx]\n"
	"  needs: [event_idx]\n" /* 10 */
	"  needs_reset: true\n"
	"steps:\n"
	"  - start\n"
	"  - open: {by: iut, ept: svc.1, name: rpmsg-conform, announce: true, "
	"addr: 0x400}\n"
	"  - open: {by: peer, ept: p}\n" /* 15 */
	"  - service: {by: peer, name: rpmsg-conform}\n"
	"  - send: {by: peer, ept: p, to: svc.1, size: max, count: 3, "
	"until_full: true}\n"
	"  - expect: {by: iut, ept: svc.1, count: 3}\n"
	"  - send:\n"
	"      by: iut\n" /* 20 */
	"      ept: svc.1\n"
	"      to_addr: 0x4000\n"
	"      size: 8\n"
	"  - pingpong: {by: peer, ept: p, to: svc.1, size: 0, count: 100}\n"
	"  - hold: {by: peer}\n" /* 25 */
	"  - release: {by: peer}\n"
	"  - close: {by: iut, ept: svc.1}\n"
	"  - service: {by: peer, name: rpmsg-conform, created: false}\n"
	"  - reset\n"
	"  - settle\n" /* 30 */
	"  - open: {by: iut, ept: svc.1, addr: any}\n"
	"  - hold: {by: iut}\n";

static void test_full(void)
{
	static const char *const rules[] = {"DRV-002", "DEV-002", "RPMSG-001"};
	static const enum ampconf_step_kind kinds[] = {
		AMPCONF_STEP_START, AMPCONF_STEP_OPEN,    AMPCONF_STEP_OPEN,  AMPCONF_STEP_SERVICE,
		AMPCONF_STEP_SEND,  AMPCONF_STEP_EXPECT,  AMPCONF_STEP_SEND,  AMPCONF_STEP_PINGPONG,
		AMPCONF_STEP_HOLD,  AMPCONF_STEP_RELEASE, AMPCONF_STEP_CLOSE, AMPCONF_STEP_SERVICE,
		AMPCONF_STEP_RESET, AMPCONF_STEP_SETTLE,  AMPCONF_STEP_OPEN,  AMPCONF_STEP_HOLD,
	};
	static const unsigned int lines[] = {13, 14, 15, 16, 17, 18, 19, 24,
					     25, 26, 27, 28, 29, 30, 31, 32};
	const struct ampconf_step *st = scn.step;
	char err[ERR_SIZE];
	int ret = load("full-1.0.yaml", full_text, err);

	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	CHECK(!strcmp(scn.name, "full-1.0"));
	CHECK(!strcmp(scn.summary, "Every key a scenario can have"));
	CHECK_EQ(scn.roles, 1u << AMPCONF_DEVICE);
	REQUIRE(scn.nrules == 3);
	for (unsigned int i = 0; i < 3; i++)
		CHECK(!strcmp(scn.rules[i], rules[i]));
	CHECK_EQ(scn.num[0], 64);
	CHECK_EQ(scn.num[1], 128);
	CHECK_EQ(scn.align, 16);
	CHECK_EQ(scn.buf_size, 256);
	CHECK_EQ(scn.features, AMPCONF_F_NS | AMPCONF_F_EVENT_IDX);
	CHECK_EQ(scn.needs, AMPCONF_F_EVENT_IDX);
	CHECK(scn.needs_reset);
	REQUIRE(scn.nsteps == ARRAY_SIZE(kinds));
	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
		CHECK_EQ(st[i].kind, kinds[i]);
		CHECK_EQ(st[i].line, lines[i]);
	}
	/* start: nothing but its kind and line */
	CHECK_EQ(st[0].actor, 0);
	CHECK(!st[0].ept[0] && !st[0].name[0] && !st[0].to[0]);
	CHECK_EQ(st[0].addr, 0);
	CHECK_EQ(st[0].size, 0);
	CHECK_EQ(st[0].count, 0);
	CHECK(!st[0].created);
	/* open by the IUT */
	CHECK_EQ(st[1].actor, AMPCONF_IUT);
	CHECK(!strcmp(st[1].ept, "svc.1"));
	CHECK(!strcmp(st[1].name, "rpmsg-conform"));
	CHECK(st[1].announce);
	CHECK_EQ(st[1].addr, 0x400);
	CHECK_EQ(st[1].count, 0);
	/* open by the peer, defaults */
	CHECK_EQ(st[2].actor, AMPCONF_PEER);
	CHECK(!strcmp(st[2].ept, "p"));
	CHECK(!st[2].name[0]);
	CHECK(!st[2].announce);
	CHECK_EQ(st[2].addr, AMPCONF_ADDR_ANY);
	/* service */
	CHECK_EQ(st[3].actor, AMPCONF_PEER);
	CHECK(!strcmp(st[3].name, "rpmsg-conform"));
	CHECK(st[3].created);
	CHECK(!st[3].ept[0]);
	/* send to a label, max size, until full */
	CHECK(!strcmp(st[4].ept, "p"));
	CHECK(!strcmp(st[4].to, "svc.1"));
	CHECK_EQ(st[4].to_addr, 0);
	CHECK_EQ(st[4].size, AMPCONF_SIZE_MAX);
	CHECK_EQ(st[4].count, 3);
	CHECK(st[4].until_full);
	/* expect */
	CHECK_EQ(st[5].actor, AMPCONF_IUT);
	CHECK(!strcmp(st[5].ept, "svc.1"));
	CHECK_EQ(st[5].count, 3);
	CHECK_EQ(st[5].size, 0);
	/* send to an address, block style */
	CHECK_EQ(st[6].actor, AMPCONF_IUT);
	CHECK(!st[6].to[0]);
	CHECK_EQ(st[6].to_addr, 0x4000);
	CHECK_EQ(st[6].size, 8);
	CHECK_EQ(st[6].count, 1);
	CHECK(!st[6].until_full);
	/* pingpong */
	CHECK(!strcmp(st[7].ept, "p"));
	CHECK(!strcmp(st[7].to, "svc.1"));
	CHECK_EQ(st[7].size, 0);
	CHECK_EQ(st[7].count, 100);
	/* hold, release, close, withdrawn service */
	CHECK_EQ(st[8].actor, AMPCONF_PEER);
	CHECK(!st[8].ept[0]);
	CHECK_EQ(st[9].actor, AMPCONF_PEER);
	CHECK_EQ(st[10].actor, AMPCONF_IUT);
	CHECK(!strcmp(st[10].ept, "svc.1"));
	CHECK(!st[11].created);
	/* reopened after its close; a hold left in force is fine */
	CHECK_EQ(st[14].addr, AMPCONF_ADDR_ANY);
	CHECK_EQ(st[15].actor, AMPCONF_IUT);
}

static void test_defaults(void)
{
	static const char text[] = HEAD "  - open: {by: iut, ept: a}\n"
					"  - open: {by: peer, ept: b}\n"
					"  - send: {by: peer, ept: b, to: a}\n"
					"  - pingpong: {by: iut, ept: a, to: b}\n"
					"  - service: {by: iut, name: 'x:y'}\n";
	char err[ERR_SIZE];
	int ret = load("defaults", text, err);

	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	CHECK(!strcmp(scn.name, "defaults")); /* no .yaml: the whole base name */
	CHECK(!strcmp(scn.summary, "s"));
	CHECK_EQ(scn.roles, BOTH);
	CHECK_EQ(scn.features, AMPCONF_F_NS);
	CHECK_EQ(scn.needs, 0);
	CHECK(!scn.needs_reset);
	CHECK_EQ(scn.num[0], 256);
	CHECK_EQ(scn.num[1], 256);
	CHECK_EQ(scn.align, 4096);
	CHECK_EQ(scn.buf_size, 512);
	REQUIRE(scn.nsteps == 5);
	CHECK_EQ(scn.step[0].line, 4);
	CHECK_EQ(scn.step[0].addr, AMPCONF_ADDR_ANY);
	CHECK(!scn.step[0].announce);
	CHECK(!scn.step[0].name[0]);
	CHECK_EQ(scn.step[2].size, 16);
	CHECK_EQ(scn.step[2].count, 1);
	CHECK(!scn.step[2].until_full);
	CHECK_EQ(scn.step[3].size, 16);
	CHECK_EQ(scn.step[3].count, 1);
	CHECK(!strcmp(scn.step[4].name, "x:y"));
	CHECK(scn.step[4].created);

	/* num sets both vrings; an empty feature list; roles in any order */
	ret = load("link.yaml",
		   "summary: s\nroles: [device, driver]\nrules: [DRV-002]\n"
		   "link: {num: 1, features: [], needs: []}\nsteps: [settle]\n",
		   err);
	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	CHECK_EQ(scn.roles, BOTH);
	CHECK_EQ(scn.num[0], 1);
	CHECK_EQ(scn.num[1], 1);
	CHECK_EQ(scn.features, 0);
	CHECK_EQ(scn.step[0].kind, AMPCONF_STEP_SETTLE);

	/* an empty link mapping keeps every default */
	ret = load("empty-link.yaml", "summary: s\nrules: [DRV-002]\nlink: {}\nsteps: [start]\n",
		   err);
	REQUIRE(ret == 0);
	CHECK_EQ(scn.num[1], 256);
	CHECK_EQ(scn.features, AMPCONF_F_NS);
}

/**
 * struct bad_case - a malformed scenario and what it must give
 * @text: the file
 * @line: the line of the message
 * @phrase: a part of the message
 */
struct bad_case {
	const char *text;
	unsigned int line;
	const char *phrase;
};

static const struct bad_case bad_cases[] = {
	/* keys */
	{"summary: s\nsummry: t\nrules: [DRV-002]\nsteps: [start]\n", 2,
	 ": unknown key 'summry' (allowed: summary, roles, rules, link, steps)"},
	{HEAD "  - open: {by: iut, ept: a, adr: 5}\n", 4,
	 "steps[0].open: unknown key 'adr' (allowed: by, ept, name, announce, addr)"},
	{"summary: s\nrules: [DRV-002]\nsummary: t\nsteps: [start]\n", 3,
	 "duplicate key 'summary' (first at line 1)"},
	{HEAD "  - send: {by: peer, by: iut}\n", 4, "steps[0].send: duplicate key 'by'"},
	{"rules: [DRV-002]\nsteps: [start]\n", 1, "missing required key 'summary'"},
	{HEAD "  - open: {by: iut, ept: a}\n  - expect: {by: iut}\n", 5,
	 "steps[1].expect: missing required key 'ept'"},
	{"summary: s\nrules: [DRV-002]\nlink: {nums: 4}\nsteps: [start]\n", 3,
	 "link: unknown key 'nums'"},
	/* the top level and its values */
	{"- start\n", 1, "expected a mapping at the top level, found a sequence"},
	{"", 1, "empty scenario file"},
	{"summary: s\nrules: [DRV-002\nsteps: [start]\n", 3, "YAML syntax error"},
	{"summary: s\nrules: [DRV-002]\nsteps: [start]\n---\nsummary: t\n", 4,
	 "a second YAML document"},
	{"summary: \"a\\nb\"\nrules: [DRV-002]\nsteps: [start]\n", 1, "summary: must be one line"},
	{"summary: ''\nrules: [DRV-002]\nsteps: [start]\n", 1, "summary: must not be empty"},
	{"summary: 0123456789012345678901234567890123456789012345678901234567890123456789"
	 "0123456789012345678901234567890123456789012345678901234567890123456789"
	 "01234567890123456789\nrules: [DRV-002]\nsteps: [start]\n",
	 1, "summary: too long (160 bytes, at most 159)"},
	{"summary: s\nroles: [driver, hub]\nrules: [DRV-002]\nsteps: [start]\n", 2,
	 "roles[1]: 'hub' is not a role (expected driver or device)"},
	{"summary: s\nroles: [driver, driver]\nrules: [DRV-002]\nsteps: [start]\n", 2,
	 "roles[1]: 'driver' is listed twice (first at line 2)"},
	{"summary: s\nroles: []\nrules: [DRV-002]\nsteps: [start]\n", 2,
	 "roles: expected 1 to 2 entries, found 0"},
	{"summary: s\nrules:\n  - DRV-002\n  - DRV-999\nsteps: [start]\n", 4,
	 "rules[1]: unknown rule 'DRV-999'"},
	{"summary: s\nrules: [DRV-002, DRV-002]\nsteps: [start]\n", 2,
	 "rules[1]: 'DRV-002' is listed twice"},
	{"summary: s\nrules: []\nsteps: [start]\n", 2, "rules: expected 1 to 32 entries, found 0"},
	{"summary: s\nrules: [DRV-002]\nsteps: []\n", 3,
	 "steps: expected 1 to 64 entries, found 0"},
	/* the link */
	{"summary: s\nrules: [DRV-002]\nlink:\n  num: 64\n  num0: 32\nsteps: [start]\n", 5,
	 "link.num0: 'num0' and 'num' are exclusive"},
	{"summary: s\nrules: [DRV-002]\nlink: {num1: 32, num: 64}\nsteps: [start]\n", 3,
	 "link.num1: 'num1' and 'num' are exclusive"},
	{"summary: s\nrules: [DRV-002]\nlink: {num: 48}\nsteps: [start]\n", 3,
	 "link.num: '48' is not a power of two"},
	{"summary: s\nrules: [DRV-002]\nlink: {num0: 65536}\nsteps: [start]\n", 3,
	 "link.num0: '65536' is out of range (1..32768)"},
	{"summary: s\nrules: [DRV-002]\nlink: {align: 2}\nsteps: [start]\n", 3,
	 "link.align: '2' is out of range (4..65536)"},
	{"summary: s\nrules: [DRV-002]\nlink: {buf_size: 520}\nsteps: [start]\n", 3,
	 "link.buf_size: '520' is not a multiple of 16"},
	{"summary: s\nrules: [DRV-002]\nlink:\n  features: [ns, evt_idx]\nsteps: [start]\n", 4,
	 "link.features[1]: 'evt_idx' is not a feature (expected ns or event_idx)"},
	{"summary: s\nrules: [DRV-002]\nlink:\n  features: [ns]\n  needs:\n    - ns\n"
	 "    - event_idx\nsteps: [start]\n",
	 7, "link.needs[1]: 'event_idx' is not in link.features"},
	{"summary: s\nrules: [DRV-002]\nlink: {features: [], needs: [ns]}\nsteps: [start]\n", 3,
	 "link.needs[0]: 'ns' is not in link.features"},
	{"summary: s\nrules: [DRV-002]\nlink: {needs_reset: yes}\nsteps: [start]\n", 3,
	 "'yes' is not a boolean"},
	{"summary: s\nrules: [DRV-002]\nlink: {features: [ns, ns]}\nsteps: [start]\n", 3,
	 "link.features[1]: 'ns' is listed twice (first at line 3)"},
	/* step forms */
	{HEAD "  - start\n  - sned: {by: peer}\n", 5,
	 "steps[1]: unknown step 'sned' (expected start, open, close, send, expect, service, "
	 "pingpong, reset, hold, release or settle)"},
	{HEAD "  - stop\n", 4, "unknown step 'stop'"},
	{HEAD "  - open\n", 4, "steps[0]: step 'open' needs parameters"},
	{HEAD "  - start: {by: peer}\n", 4, "steps[0]: step 'start' takes no parameters"},
	{HEAD "  - hold: {by: peer}\n    release: {by: peer}\n", 4,
	 "a step is a mapping with exactly one key (its kind), found 2"},
	{HEAD "  - [start]\n", 4, "steps[0]: expected a step"},
	{HEAD "  - hold:\n", 4, "steps[0].hold: expected a mapping, found an empty value"},
	{HEAD "  - hold: {by: me}\n", 4,
	 "steps[0].hold.by: 'me' is not a side (expected peer, iut, driver or device)"},
	{HEAD "  - hold: {by: peer}\n  - release: {by: device}\n", 5,
	 "steps[1].release.by: a scenario names the sides either peer and iut or driver and "
	 "device, not both"},
	{HEAD "  - open: {by: driver, ept: a}\n  - send: {by: driver, ept: b, to: a}\n", 5,
	 "endpoint 'b' is not open on the driver side"},
	{HEAD "  - hold: {}\n", 4, "steps[0].hold: missing required key 'by'"},
	/* values of steps */
	{HEAD "  - open: {by: iut, ept: 'a b'}\n", 4,
	 "steps[0].open.ept: 'a b' is not a valid label (1 to 31 of A-Z a-z 0-9 _ . -)"},
	{HEAD "  - open: {by: iut, ept: abcdefghijklmnopqrstuvwxyz012345}\n", 4,
	 "is not a valid label"},
	{HEAD "  - service: {by: iut, name: 'rpmsg conform'}\n", 4,
	 "steps[0].service.name: 'rpmsg conform' is not a valid service name"},
	{HEAD "  - open: {by: iut, ept: a, addr: 0xffffffff}\n", 4,
	 "steps[0].open.addr: '0xffffffff' is out of range (0..0xfffffffe)"},
	{HEAD "  - open: {by: iut, ept: a, addr: anywhere}\n", 4,
	 "'anywhere' is neither an integer nor 'any'"},
	{HEAD "  - open: {by: iut, ept: a, announce: true}\n", 4,
	 "steps[0].open.announce: announce needs a service name"},
	{HEAD "  - open: {by: iut, ept: a}\n  - open: {by: peer, ept: b}\n"
	      "  - send: {by: peer, ept: b, to: a, size: 65537}\n",
	 6, "steps[2].send.size: '65537' is out of range (0..65536)"},
	{HEAD "  - open: {by: iut, ept: a}\n  - open: {by: peer, ept: b}\n"
	      "  - send: {by: peer, ept: b, to: a, size: huge}\n",
	 6, "'huge' is neither an integer nor 'max'"},
	{HEAD "  - open: {by: iut, ept: a}\n  - open: {by: peer, ept: b}\n"
	      "  - send: {by: peer, ept: b, to: a, count: 0}\n",
	 6, "steps[2].send.count: '0' is out of range (1..1000000)"},
	{HEAD "  - open: {by: iut, ept: a}\n  - expect: {by: iut, ept: a, count: 1000001}\n", 5,
	 "'1000001' is out of range (1..1000000)"},
	{HEAD "  - open: {by: peer, ept: b}\n  - send: {by: peer, ept: b, to_addr: 0x100000000}\n",
	 5, "steps[1].send.to_addr: '0x100000000' is out of range (0..0xffffffff)"},
	/* across steps */
	{HEAD "  - open: {by: iut, ept: a}\n  - open: {by: peer, ept: b}\n"
	      "  - send: {by: peer, ept: b, to: a, to_addr: 0x400}\n",
	 6, "steps[2].send.to_addr: 'to' and 'to_addr' are exclusive"},
	{HEAD "  - open: {by: peer, ept: b}\n  - send: {by: peer, ept: b}\n", 5,
	 "steps[1].send: missing a destination ('to' or 'to_addr')"},
	{HEAD "  - open: {by: peer, ept: b}\n  - send: {by: peer, ept: b, to: zz}\n", 5,
	 "steps[1].send.to: endpoint 'zz' is not open on the iut side"},
	{HEAD "  - open: {by: peer, ept: b}\n  - open: {by: peer, ept: c}\n"
	      "  - send: {by: peer, ept: b, to: c}\n",
	 6, "steps[2].send.to: 'c' is the peer's own endpoint (opened at line 5)"},
	{HEAD "  - open: {by: iut, ept: a}\n  - pingpong: {by: peer, ept: p, to: a}\n", 5,
	 "steps[1].pingpong.ept: endpoint 'p' is not open on the peer side"},
	{HEAD "  - open: {by: iut, ept: a}\n  - expect: {by: peer, ept: a, count: 1}\n", 5,
	 "endpoint 'a' is not open on the peer side (the iut opened it at line 4"},
	{HEAD "  - close: {by: iut, ept: a}\n", 4,
	 "steps[0].close.ept: endpoint 'a' is not open on the iut side"},
	{HEAD "  - open: {by: iut, ept: a}\n  - close: {by: iut, ept: a}\n"
	      "  - close: {by: iut, ept: a}\n",
	 6, "endpoint 'a' is not open on the iut side"},
	{HEAD "  - open: {by: iut, ept: a}\n  - open: {by: peer, ept: a}\n"
	      "  - open: {by: iut, ept: a}\n",
	 6, "steps[2].open.ept: endpoint 'a' is already open on the iut side (opened at line 4)"},
	{HEAD "  - hold: {by: iut}\n  - release: {by: peer}\n", 5,
	 "steps[1].release: the peer is not held"},
	{HEAD "  - hold: {by: iut}\n  - release: {by: iut}\n  - release: {by: iut}\n", 6,
	 "the iut is not held"},
	{HEAD "  - hold: {by: iut}\n  - hold: {by: iut}\n", 5,
	 "steps[1].hold: the iut is already held (hold at line 4)"},
	/* YAML forms that are refused */
	{"summary: s\nrules: [DRV-002]\nsteps: [[[[[[[[[[[[[[[[[[start]]]]]]]]]]]]]]]]]]\n", 3,
	 "nested deeper than 16 levels"},
};

/* Steps may name the sides by role; the session resolves them against the IUT's role. */
static void test_roles(void)
{
	static const char text[] =
		HEAD "  - open: {by: device, ept: svc, name: s, announce: true}\n"
		     "  - service: {by: driver, name: s}\n"
		     "  - open: {by: driver, ept: d}\n"
		     "  - send: {by: driver, ept: d, to: svc}\n";
	char err[ERR_SIZE];
	int ret = load("roles", text, err);

	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	REQUIRE(scn.nsteps == 4);
	CHECK_EQ(scn.step[0].actor, AMPCONF_BY_DEVICE);
	CHECK_EQ(scn.step[1].actor, AMPCONF_BY_DRIVER);
	CHECK_EQ(scn.step[3].actor, AMPCONF_BY_DRIVER);
	CHECK(!strcmp(scn.step[3].to, "svc"));
}

static void test_bad(void)
{
	char err[ERR_SIZE], name[32];

	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		const char *path;
		unsigned int line, col;
		int ret;

		snprintf(name, sizeof(name), "bad%zu.yaml", i);
		path = write_file(name, b->text);
		memset(&scn, 0xa5, sizeof(scn));
		ret = ampsim_scenario_load(path, &scn, err, sizeof(err));
		line = err_line(err, path, &col);
		if (ret != -EINVAL || line != b->line || col == 0 || !strstr(err, b->phrase)) {
			fprintf(stderr, "case %zu: ret %d, message: %s\n  expected line %u, '%s'\n",
				i, ret, err, b->line, b->phrase);
			test_failures++;
		}
		CHECK(!strchr(err, '\n'));
		CHECK_EQ(scn.nsteps, 0); /* zeroed on failure */
		CHECK(!scn.name[0]);
	}
}

static void test_names(void)
{
	char err[ERR_SIZE];
	const char *text = "summary: s\nrules: [DRV-002]\nsteps: [start]\n";
	int ret = load("a_b-c.d.yaml", text, err);

	CHECK_EQ(ret, 0);
	CHECK(!strcmp(scn.name, "a_b-c.d"));
	/* only the last ".yaml" goes */
	ret = load("x.yaml.yaml", text, err);
	CHECK_EQ(ret, 0);
	CHECK(!strcmp(scn.name, "x.yaml"));
	ret = load("bad name.yaml", text, err);
	CHECK_EQ(ret, -EINVAL);
	CHECK(strstr(err, "bad name.yaml:1:1: the file's stem 'bad name' is not a valid scenario "
			  "name") != NULL);
	ret = load("abcdefghijklmnopqrstuvwxyz0123456.yaml", text, err);
	CHECK_EQ(ret, -EINVAL);
	CHECK(strstr(err, "is not a valid scenario name") != NULL);
	ret = load(".yaml", text, err);
	CHECK_EQ(ret, -EINVAL);
	CHECK(strstr(err, "the file's stem '' is not a valid scenario name") != NULL);
}

static void test_unreadable(void)
{
	char err[ERR_SIZE], path[PATH_SIZE], expected[PATH_SIZE + 64];
	int ret;

	snprintf(path, sizeof(path), "%s/missing.yaml", tmpdir);
	ret = ampsim_scenario_load(path, &scn, err, sizeof(err));
	CHECK_EQ(ret, -ENOENT);
	snprintf(expected, sizeof(expected),
		 "%s: cannot read the scenario file: No such file or directory", path);
	CHECK(!strcmp(err, expected));
	if (strcmp(err, expected))
		fprintf(stderr, "got: %s\n", err);

	ret = ampsim_scenario_load(tmpdir, &scn, err, sizeof(err));
	CHECK_EQ(ret, -EISDIR);
	CHECK(strstr(err, "cannot read the scenario file: Is a directory") != NULL);

	/* No message buffer, or a short one: still the right answer, never an overrun. */
	CHECK_EQ(ampsim_scenario_load(path, &scn, NULL, 0), -ENOENT);
	CHECK_EQ(
		ampsim_scenario_load(write_file("bad-short.yaml", HEAD "  - sned\n"), &scn, err, 8),
		-EINVAL);
	CHECK_EQ(strlen(err), 7);
}

static void cleanup(void)
{
	for (unsigned int i = 0; i < num_files; i++)
		unlink(files[i]);
	rmdir(tmpdir);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_full), TEST(test_defaults), TEST(test_roles),
		TEST(test_bad),  TEST(test_names),    TEST(test_unreadable),
	};
	int ret;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	ret = run_tests(tests, ARRAY_SIZE(tests));
	cleanup();
	return ret;
}
