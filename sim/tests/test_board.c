// SPDX-License-Identifier: BSD-3-Clause
/*
 * The board file parser (sim/board.h): the two shipped boards parse and resolve to the numbers
 * of docs/board.md; every file of fixtures/boards/bad/ fails with exactly the message its row
 * of expected.txt gives (every file needs a row and every row a file, so that a new case
 * cannot be forgotten); unreadable files; units, defaults and the YAML forms a board may use;
 * --firmware checks; and every truncation of the shipped boards, and every one-byte change of
 * the minimal one, gives a board or a clean one-line error, never a crash (run it under ASan:
 * each copy is exactly as long as its text).
 */
#define _POSIX_C_SOURCE 200809L /* opendir */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "testing.h"

#define BOARDS_DIR AMPSIM_SOURCE_DIR "/sim/boards"
#define BAD_DIR    AMPSIM_SOURCE_DIR "/fixtures/boards/bad"
#define EXPECTED   BAD_DIR "/expected.txt"
#define MAX_CASES  128
#define ERR_SIZE   512
#define MHZ        1000000ull
#define KIB        1024ull
#define MIB        (1024ull * KIB)

/* One struct per test: a board is about 40 KiB, too much for every stack frame. */
static struct ampsim_board board;

static int parse_text(const char *text, char *err)
{
	return ampsim_board_parse_string(text, strlen(text), "t.yaml", &board, err, ERR_SIZE);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)size;
	}
	fclose(f);
	return buf;
}

static void check_view(const struct ampsim_board_memory *m, unsigned int i, const char *core,
		       uint32_t base)
{
	REQUIRE(i < m->num_views);
	CHECK_EQ(m->views[i].core, ampsim_board_find_core(&board, core));
	CHECK_EQ(m->views[i].base, base);
}

static void check_memory(unsigned int index, const char *name, uint64_t size, uint64_t host,
			 const char *core, uint32_t base, bool pool)
{
	const struct ampsim_board_memory *m = &board.memories[index];

	REQUIRE(index < board.num_memories);
	CHECK(!strcmp(m->name, name));
	CHECK_EQ(m->size, size);
	CHECK(m->has_host);
	CHECK_EQ(m->host_base, host);
	CHECK_EQ(m->num_views, 1);
	check_view(m, 0, core, base);
	CHECK_EQ(m->pool, pool);
}

static void check_irq(const struct ampsim_board_mailbox *mb, unsigned int i, unsigned int user,
		      const char *to, unsigned int line)
{
	REQUIRE(i < mb->num_irqs);
	CHECK_EQ(mb->irqs[i].user, user);
	CHECK_EQ(mb->irqs[i].core, to ? ampsim_board_find_core(&board, to) : AMPSIM_BOARD_HOST);
	CHECK_EQ(mb->irqs[i].line, line);
}

static void check_kick(const char *core, int mailbox, unsigned int to_core, unsigned int to_host,
		       unsigned int core_user, unsigned int line)
{
	int i = ampsim_board_find_core(&board, core);
	const struct ampsim_board_kick *k;

	REQUIRE(i >= 0);
	k = &board.cores[i].kick;
	CHECK(k->present);
	CHECK_EQ(k->mailbox, mailbox);
	CHECK_EQ(k->host_to_core, to_core);
	CHECK_EQ(k->core_to_host, to_host);
	CHECK_EQ(k->core_user, core_user);
	CHECK_EQ(k->core_line, line);
	CHECK_EQ(k->host_user, 0);
}

static void check_devices(const char *core, uint32_t uart, unsigned int uart_irq, uint32_t watchdog,
			  unsigned int watchdog_irq)
{
	int i = ampsim_board_find_core(&board, core);
	const struct ampsim_board_core *co;

	REQUIRE(i >= 0);
	co = &board.cores[i];
	CHECK(co->uart.present);
	CHECK_EQ(co->uart.base, uart);
	CHECK_EQ(co->uart.irq, uart_irq);
	CHECK(co->watchdog.present);
	CHECK_EQ(co->watchdog.base, watchdog);
	CHECK_EQ(co->watchdog.irq, watchdog_irq);
	CHECK_EQ(co->watchdog.clock_hz, 32768);
}

static void test_minimal(void)
{
	char err[ERR_SIZE];
	const struct ampsim_board_core *m4 = &board.cores[0];
	const struct ampsim_board_mailbox *mb = &board.mailboxes[0];
	int ret = ampsim_board_parse_file(BOARDS_DIR "/minimal.yaml", &board, err, sizeof(err));

	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	CHECK(!strcmp(board.name, "minimal"));
	CHECK(!strcmp(board.host_name, "host"));
	CHECK(board.description[0] != '\0');
	REQUIRE(board.num_cores == 1);
	CHECK(!strcmp(m4->name, "m4"));
	CHECK_EQ(m4->type, AMPSIM_BOARD_CORTEX_M4);
	CHECK_EQ(m4->clock_hz, 200 * MHZ);
	CHECK_EQ(m4->quantum, 10000);
	CHECK_EQ(m4->irqs, 64);
	CHECK(!strcmp(m4->firmware, "rpmsg-client-sample-minimal-m4.elf"));
	check_devices("m4", 0x40001000, 1, 0x40002000, 2);
	check_kick("m4", 0, 0, 1, 1, 0);

	REQUIRE(board.num_memories == 3);
	check_memory(0, "m4-code", 256 * KIB, 0x90000000, "m4", 0x00000000, false);
	check_memory(1, "m4-data", 64 * KIB, 0x90040000, "m4", 0x20000000, false);
	check_memory(2, "m4-shared", 1 * MIB, 0x98000000, "m4", 0x30000000, true);

	REQUIRE(board.num_mailboxes == 1);
	CHECK(!strcmp(mb->name, "mbox"));
	CHECK(mb->has_host);
	CHECK_EQ(mb->host_base, 0x4a0f4000);
	CHECK_EQ(mb->num_views, 1);
	CHECK_EQ(mb->views[0].core, 0);
	CHECK_EQ(mb->views[0].base, 0x40000000);
	CHECK_EQ(mb->fifos, 8);
	CHECK_EQ(mb->users, 3);
	CHECK_EQ(mb->depth, 4);
	CHECK_EQ(mb->num_irqs, 2);
	check_irq(mb, 0, 0, NULL, 0);
	check_irq(mb, 1, 1, "m4", 0);
	CHECK_EQ(ampsim_board_check_firmware(&board, err, sizeof(err)), 0);
}

static void test_omap4(void)
{
	static const char *const names[] = {"ipu-c0", "ipu-c1", "dsp"};
	static const char *const firmware[] = {
		"rpmsg-client-sample-omap4-ipu-c0.elf",
		"rpmsg-echo-omap4-ipu-c1.elf",
		"rpmsg-echo-omap4-dsp.elf",
	};
	const struct ampsim_board_memory *p2p = &board.memories[9];
	const struct ampsim_board_mailbox *mb = &board.mailboxes[0], *mb2 = &board.mailboxes[1];
	char err[ERR_SIZE];
	int ret = ampsim_board_parse_file(BOARDS_DIR "/omap4.yaml", &board, err, sizeof(err));

	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	CHECK(!strcmp(board.name, "omap4"));
	REQUIRE(board.num_cores == 3);
	for (int i = 0; i < 3; i++) {
		CHECK(!strcmp(board.cores[i].name, names[i]));
		CHECK(!strcmp(board.cores[i].firmware, firmware[i]));
		CHECK_EQ(board.cores[i].type,
			 i < 2 ? AMPSIM_BOARD_CORTEX_M3 : AMPSIM_BOARD_CORTEX_M4);
		CHECK_EQ(board.cores[i].clock_hz, (i < 2 ? 200 : 465) * MHZ);
	}
	check_devices("ipu-c0", 0xa8020000, 52, 0xa8030000, 53);
	check_devices("ipu-c1", 0xa8020000, 52, 0xa8030000, 53);
	check_devices("dsp", 0x48020000, 2, 0x48030000, 3);
	check_kick("ipu-c0", 0, 0, 1, 2, 50);
	check_kick("ipu-c1", 1, 0, 1, 1, 50);
	check_kick("dsp", 0, 3, 2, 1, 0);

	REQUIRE(board.num_memories == 10);
	for (int i = 0; i < 3; i++) {
		const char *core = names[i];
		uint64_t code = 0x9d000000 + 0x100000u * (unsigned)i;

		check_memory(3 * i, board.memories[3 * i].name, 256 * KIB, code, core, 0, false);
		check_memory(3 * i + 1, board.memories[3 * i + 1].name, 64 * KIB, code + 0x40000,
			     core, 0x20000000, false);
		check_memory(3 * i + 2, board.memories[3 * i + 2].name, 1 * MIB,
			     0x9e000000 + 0x100000u * (unsigned)i, core, 0x30000000, true);
	}
	CHECK(!strcmp(board.memories[0].name, "ipu0-code"));
	CHECK(!strcmp(board.memories[5].name, "ipu1-shared"));
	CHECK(!strcmp(board.memories[7].name, "dsp-data"));
	CHECK(!strcmp(p2p->name, "p2p-shared"));
	CHECK_EQ(p2p->size, 64 * KIB);
	CHECK_EQ(p2p->host_base, 0x9e300000);
	CHECK(!p2p->pool);
	CHECK_EQ(p2p->num_views, 2);
	check_view(p2p, 0, "ipu-c0", 0x38000000);
	check_view(p2p, 1, "ipu-c1", 0x38000000);

	REQUIRE(board.num_mailboxes == 2);
	CHECK(!strcmp(mb->name, "mbox"));
	CHECK_EQ(mb->host_base, 0x4a0f4000);
	REQUIRE(mb->num_views == 2);
	CHECK_EQ(mb->views[0].core, 0);
	CHECK_EQ(mb->views[0].base, 0xaa0f4000);
	CHECK_EQ(mb->views[1].core, 2);
	CHECK_EQ(mb->views[1].base, 0x4a0f4000);
	check_irq(mb, 0, 0, NULL, 0);
	check_irq(mb, 1, 1, "dsp", 0);
	check_irq(mb, 2, 2, "ipu-c0", 50);
	CHECK(!strcmp(mb2->name, "mbox2"));
	CHECK_EQ(mb2->host_base, 0x4a0f5000);
	REQUIRE(mb2->num_views == 2);
	CHECK_EQ(mb2->views[0].core, 1);
	CHECK_EQ(mb2->views[0].base, 0xaa0f4000);
	CHECK_EQ(mb2->views[1].core, 0);
	CHECK_EQ(mb2->views[1].base, 0xaa0f5000);
	check_irq(mb2, 0, 0, NULL, 0);
	check_irq(mb2, 1, 1, "ipu-c1", 50);
	check_irq(mb2, 2, 2, "ipu-c0", 51);

	CHECK_EQ(ampsim_board_find_core(&board, "dsp"), 2);
	CHECK_EQ(ampsim_board_find_core(&board, "host"), -1);
	CHECK_EQ(ampsim_board_find_core(&board, "mbox"), -1);
}

/**
 * struct bad_case - one row of expected.txt
 * @file: the fixture's name
 * @message: what follows "PATH:" in the error
 * @seen: the file was found in the folder
 */
struct bad_case {
	char file[64];
	char message[ERR_SIZE];
	bool seen;
};

/* expected.txt: "FILE<TAB>LINE:COL: message" rows; '#' comments and blank lines. */
static size_t read_expected(struct bad_case *cases)
{
	FILE *f = fopen(EXPECTED, "r");
	char line[ERR_SIZE];
	size_t n = 0;

	if (!f)
		return 0;
	while (n < MAX_CASES && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!tab || (size_t)(tab - line) >= sizeof(cases[n].file)) {
			fprintf(stderr, "expected.txt: bad row '%s'\n", line);
			test_failures++;
			continue;
		}
		memcpy(cases[n].file, line, (size_t)(tab - line));
		cases[n].file[tab - line] = '\0';
		memcpy(cases[n].message, tab + 1, strlen(tab + 1) + 1);
		cases[n].seen = false;
		n++;
	}
	fclose(f);
	return n;
}

static void test_bad_fixtures(void)
{
	static struct bad_case cases[MAX_CASES];
	size_t n = read_expected(cases), files = 0;
	DIR *dir = opendir(BAD_DIR);
	struct dirent *d;

	REQUIRE(n > 0);
	REQUIRE(dir);
	while ((d = readdir(dir))) {
		size_t len = strlen(d->d_name), i;
		char path[1024], want[1100], err[ERR_SIZE];
		int ret;

		if (len < 5 || strcmp(d->d_name + len - 5, ".yaml"))
			continue;
		files++;
		for (i = 0; i < n && strcmp(cases[i].file, d->d_name); i++)
			;
		if (i == n) {
			fprintf(stderr, "%s: no row in expected.txt\n", d->d_name);
			test_failures++;
			continue;
		}
		cases[i].seen = true;
		snprintf(path, sizeof(path), "%s/%s", BAD_DIR, d->d_name);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].message);
		ret = ampsim_board_parse_file(path, &board, err, sizeof(err));
		CHECK_EQ(ret, -EINVAL);
		if (strcmp(err, want)) {
			fprintf(stderr, "%s:\n  want %s\n  got  %s\n", d->d_name, want, err);
			test_failures++;
		}
	}
	closedir(dir);
	for (size_t i = 0; i < n; i++)
		if (!cases[i].seen) {
			fprintf(stderr, "expected.txt: %s: no such fixture\n", cases[i].file);
			test_failures++;
		}
	CHECK_EQ(files, n);
}

static void test_unreadable(void)
{
	char err[ERR_SIZE];

	CHECK_EQ(ampsim_board_parse_file(BAD_DIR "/no-such-file.yaml", &board, err, sizeof(err)),
		 -ENOENT);
	CHECK(!strcmp(err, BAD_DIR "/no-such-file.yaml: cannot read the board file: No such file "
				   "or directory"));
	CHECK_EQ(ampsim_board_parse_file(BAD_DIR, &board, err, sizeof(err)), -EISDIR);
	CHECK(!strcmp(err, BAD_DIR ": cannot read the board file: Is a directory"));
	CHECK_EQ(ampsim_board_parse_file("/dev/null", &board, err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "/dev/null: cannot read the board file: not a regular file"));
	/* No buffer at all is allowed. */
	CHECK_EQ(ampsim_board_parse_file(BAD_DIR "/no-such-file.yaml", &board, NULL, 0), -ENOENT);
}

/* A small valid board whose lines the value tests replace. */
#define CORE_HEAD "board: t\ncores:\n  - name: c\n    type: cortex-m3\n"
#define MEM_TAIL  "memories:\n  - { name: ram, size: 4 KiB, views: { c: 0 } }\n"

static void expect_error(const char *text, const char *message)
{
	char err[ERR_SIZE];

	CHECK_EQ(parse_text(text, err), -EINVAL);
	if (strcmp(err, message)) {
		fprintf(stderr, "  want %s\n  got  %s\n", message, err);
		test_failures++;
	}
}

static void test_values(void)
{
	static const struct {
		const char *clock;
		uint64_t hz;
	} clocks[] = {
		{"1 kHz", 1000},
		{"1kHz", 1000},
		{"10 GHz", 10000000000ull},
		{"465 MHz", 465 * MHZ},
		{"0x10 MHz", 16 * MHZ},
		{"'200 MHz'", 200 * MHZ},
		{"1000   Hz", 1000},
		{"\"2 GHz\"", 2000000000ull},
	};
	static const struct {
		const char *size;
		uint64_t bytes;
	} sizes[] = {
		{"4096", 4096},     {"4 KiB", 4096},       {"4K", 4096},     {"1 M", MIB},
		{"2 MiB", 2 * MIB}, {"4 GiB", 4096 * MIB}, {"0x1000", 4096}, {"8192 B", 8192},
	};
	char text[1024], err[ERR_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(clocks); i++) {
		snprintf(text, sizeof(text), CORE_HEAD "    clock: %s\n" MEM_TAIL, clocks[i].clock);
		CHECK_EQ(parse_text(text, err), 0);
		CHECK_EQ(board.cores[0].clock_hz, clocks[i].hz);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(text, sizeof(text),
			 CORE_HEAD "    clock: 1 MHz\nmemories:\n  - { name: r, size: %s }\n"
				   "  - { name: ram, size: 4 KiB, views: { c: 0 } }\n",
			 sizes[i].size);
		CHECK_EQ(parse_text(text, err), 0);
		CHECK_EQ(board.memories[0].size, sizes[i].bytes);
	}
	/* Defaults; no host, mailbox or devices; a quoted number is a number. */
	CHECK_EQ(parse_text(CORE_HEAD "    clock: 1 MHz\n    quantum: '100'\n" MEM_TAIL, err), 0);
	CHECK(!strcmp(board.host_name, "host"));
	CHECK_EQ(board.cores[0].quantum, 100);
	CHECK_EQ(board.cores[0].irqs, 64);
	CHECK(!board.cores[0].uart.present && !board.cores[0].watchdog.present);
	CHECK(!board.cores[0].kick.present);
	CHECK(!board.memories[0].has_host && !board.memories[0].pool);
	CHECK_EQ(board.num_mailboxes, 0);
	CHECK(board.description[0] == '\0');
	/* Limits, at and past them. */
	expect_error(CORE_HEAD "    clock: 1 MHz\n    quantum: 99\n" MEM_TAIL,
		     "t.yaml:6:14: cores[0].quantum: '99' is out of range (100..10000000)");
	expect_error(CORE_HEAD "    clock: 999 Hz\n" MEM_TAIL,
		     "t.yaml:5:12: cores[0].clock: '999 Hz' is out of range (1 kHz..10 GHz)");
	expect_error(CORE_HEAD "    clock: 18446744073709551616 Hz\n" MEM_TAIL,
		     "t.yaml:5:12: cores[0].clock: '18446744073709551616 Hz' is out of range (1 "
		     "kHz..10 GHz)");
	expect_error(CORE_HEAD "    clock: 1 MHz\nmemories:\n  - { name: r, size: 0, views: { c: "
			       "0 } }\n",
		     "t.yaml:7:22: memories[0].size: '0' is out of range (1 B..4 GiB)");
	expect_error(CORE_HEAD "    clock: 1 MHz\nmemories:\n  - { name: r, size: 4097 M }\n",
		     "t.yaml:7:22: memories[0].size: '4097 M' is out of range (1 B..4 GiB)");
	expect_error(CORE_HEAD "    clock: -1 MHz\n" MEM_TAIL,
		     "t.yaml:5:12: cores[0].clock: '-1 MHz' is not a frequency (an integer and a "
		     "unit: Hz, kHz, MHz or GHz)");
	expect_error(CORE_HEAD "    clock: 1 MHz\n    irqs: +3\n" MEM_TAIL,
		     "t.yaml:6:11: cores[0].irqs: '+3' is not an integer (decimal, or hex with "
		     "0x; no sign)");
	/* A mapping's keys are checked before its values. */
	expect_error("board: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		     "t.yaml:1:1: missing required key 'cores'");
	expect_error("board: [x]\ncores: []\nmemories: []\n",
		     "t.yaml:1:8: board: expected a scalar, found a sequence");
	/* A message stays one line whatever the scalar holds, and long scalars are cut. */
	expect_error(CORE_HEAD "    clock: \"1\\nMHz\"\n" MEM_TAIL,
		     "t.yaml:5:12: cores[0].clock: '1\\x0aMHz' has an unknown unit (expected Hz, "
		     "kHz, MHz or GHz)");
	expect_error("board: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\ncores: []\n"
		     "memories: []\n",
		     "t.yaml:1:8: board: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a "
		     "valid name (1 to 31 of A-Z a-z 0-9 _ -)");
	expect_error("board: t\nboard: u\n", "t.yaml:2:1: duplicate key 'board' (first at line 1)");
	expect_error("--- {board: t}\n--- {board: u}\n",
		     "t.yaml:2:1: a second YAML document (a board file holds exactly one)");
	expect_error("", "t.yaml:1:1: empty board file (expected a mapping with board, cores and "
			 "memories)");
}

/* YAML forms: anchors and aliases, flow style, a renamed host, keys in any order, the limits. */
static void test_yaml_forms(void)
{
	static const char text[] =
		"memories:\n"
		"  - { name: ram, size: &sz 64 KiB, host: 0x10000, views: { b: 0, a: 0 }, pool: "
		"true }\n"
		"  - { name: rom, size: *sz, views: { a: 0x10000 } }\n"
		"mailboxes: [ { name: mb, host: 0x100000, views: { a: 0x40000000, b: 0x40000000 "
		"},\n"
		"  fifos: 16, users: 8, depth: 64,\n"
		"  irq: [ { user: 7, to: a, line: 239 }, { user: 0, to: a9, line: }, \n"
		"         { user: 1, to: b, line: 5 } ] } ]\n"
		"cores: [ { name: a, type: cortex-m4, clock: 1 GHz, irqs: 240, quantum: 10000000,\n"
		"           kick: { mailbox: mb, host-to-core: 15, core-to-host: 0 } },\n"
		"         { name: b, type: cortex-m3, clock: 1 GHz } ]\n"
		"host: { name: a9 }\n"
		"board: forms\n";
	char copy[sizeof(text)], err[ERR_SIZE];
	const struct ampsim_board_kick *kick = &board.cores[0].kick;
	int ret;

	/* `line:` with nothing is a line given for the host. */
	expect_error(text, "t.yaml:6:66: mailboxes[0].irq[1].line: the host takes no line (give "
			   "'line' only for a core)");
	snprintf(copy, sizeof(copy), "%s", text);
	memcpy(strstr(copy, ", line: }"), " }       ", 9);
	ret = parse_text(copy, err);
	if (ret)
		fprintf(stderr, "%s\n", err);
	REQUIRE(ret == 0);
	CHECK(!strcmp(board.name, "forms"));
	CHECK(!strcmp(board.host_name, "a9"));
	CHECK_EQ(board.cores[0].irqs, 240);
	CHECK_EQ(board.cores[0].quantum, 10000000);
	CHECK_EQ(board.memories[1].size, 64 * KIB);
	REQUIRE(board.memories[0].num_views == 2);
	CHECK_EQ(board.memories[0].views[0].core, 1);
	CHECK_EQ(board.memories[0].views[1].core, 0);
	CHECK_EQ(board.mailboxes[0].fifos, 16);
	CHECK_EQ(board.mailboxes[0].users, 8);
	CHECK_EQ(board.mailboxes[0].depth, 64);
	CHECK(kick->present);
	CHECK_EQ(kick->host_to_core, 15);
	CHECK_EQ(kick->core_user, 7);
	CHECK_EQ(kick->core_line, 239);
	CHECK_EQ(kick->host_user, 0);
	CHECK(!board.cores[1].kick.present);
}

static void test_check_firmware(void)
{
	char err[ERR_SIZE];

	REQUIRE(parse_text(CORE_HEAD
			   "    clock: 1 MHz\n    firmware: a.elf\n"
			   "  - { name: d, type: cortex-m4, clock: 2 MHz }\n"
			   "memories:\n  - { name: ram, size: 4 KiB, views: { c: 0, d: 0 } }\n",
			   err) == 0);
	CHECK(!strcmp(board.cores[0].firmware, "a.elf"));
	CHECK_EQ(ampsim_board_check_firmware(&board, err, sizeof(err)), -EINVAL);
	CHECK(!strcmp(err, "core 'd' has no firmware (give --firmware d=FILE)"));
	snprintf(board.cores[1].firmware, sizeof(board.cores[1].firmware), "d.elf");
	CHECK_EQ(ampsim_board_check_firmware(&board, err, sizeof(err)), 0);
	board.cores[0].firmware[0] = '\0';
	CHECK_EQ(ampsim_board_check_firmware(&board, NULL, 0), -EINVAL);
}

/* Small buffers: the message is cut, never overrun (ASan watches the exact-size copy). */
static void test_short_buffer(void)
{
	char *err = malloc(8);

	REQUIRE(err);
	CHECK_EQ(ampsim_board_parse_string("[]", 2, "t.yaml", &board, err, 8), -EINVAL);
	CHECK(!strcmp(err, "t.yaml:"));
	CHECK_EQ(ampsim_board_parse_string("[]", 2, "t.yaml", &board, NULL, 0), -EINVAL);
	free(err);
}

/* A failed parse of a damaged board: -EINVAL and one line about the right file. */
static void check_clean_error(int ret, const char *err)
{
	CHECK_EQ(ret, -EINVAL);
	CHECK(!strncmp(err, "cut.yaml:", 9));
	CHECK(!strchr(err, '\n'));
}

/*
 * Every prefix of both shipped boards gives a board or one clean line, never a crash or an
 * overread (each copy is exactly as long as the prefix).
 */
static void test_truncations(void)
{
	static const char *const paths[] = {BOARDS_DIR "/minimal.yaml", BOARDS_DIR "/omap4.yaml"};
	char err[ERR_SIZE];

	for (size_t p = 0; p < ARRAY_SIZE(paths); p++) {
		size_t len, failures = 0;
		char *text = read_all(paths[p], &len);

		REQUIRE(text);
		for (size_t cut = 0; cut <= len; cut++) {
			char *copy = malloc(cut ? cut : 1);
			int ret;

			REQUIRE(copy);
			memcpy(copy, text, cut);
			ret = ampsim_board_parse_string(copy, cut, "cut.yaml", &board, err,
							sizeof(err));
			free(copy);
			if (ret)
				check_clean_error(ret, err);
			failures += ret != 0;
		}
		/* The whole file parses; most cuts do not. */
		CHECK_EQ(ampsim_board_parse_string(text, len, "cut.yaml", &board, err, sizeof(err)),
			 0);
		CHECK(failures > len / 2);
		free(text);
	}
}

/*
 * The minimal board with one byte changed at every offset, cycling through characters YAML
 * gives a meaning to (the larger board would only cost time: each parse reads it all).
 */
static void test_byte_changes(void)
{
	static const char swaps[] = ":-{}[]&*!|>'\"#,\n \t\0\xff"
				    "0x";
	size_t len, failures = 0;
	char *text = read_all(BOARDS_DIR "/minimal.yaml", &len), err[ERR_SIZE];

	REQUIRE(text);
	for (size_t at = 0; at < len; at++) {
		char *copy = malloc(len);
		int ret;

		REQUIRE(copy);
		memcpy(copy, text, len);
		copy[at] = swaps[at % (sizeof(swaps) - 1)];
		ret = ampsim_board_parse_string(copy, len, "cut.yaml", &board, err, sizeof(err));
		free(copy);
		if (ret)
			check_clean_error(ret, err);
		failures += ret != 0;
	}
	/* Changes inside comments and text are harmless; many others are not. */
	CHECK(failures > 0 && failures < len);
	free(text);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_minimal),        TEST(test_omap4),        TEST(test_bad_fixtures),
		TEST(test_unreadable),     TEST(test_values),       TEST(test_yaml_forms),
		TEST(test_check_firmware), TEST(test_short_buffer), TEST(test_truncations),
		TEST(test_byte_changes),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
