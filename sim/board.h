/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * DOC: board description files
 *
 * A board file (YAML, docs/board.md) names the host and the remote Cortex-M cores, the memories,
 * the mailboxes and how every block appears in each initiator's address view. The parser reads
 * it into a &struct ampsim_board of fixed-size arrays (no allocation left behind), resolves every
 * name into an index and checks the whole board: a board that parses can be built. The first
 * problem found is reported as one line "FILE:LINE:COL: message" (1-based, at the offending
 * node); a problem between two entries points at the later one and names the earlier one with
 * its line.
 */
#ifndef AMPSIM_BOARD_H
#define AMPSIM_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A name is 1..31 characters of [A-Za-z0-9_-], so it fits a message, a path and a C array. */
#define AMPSIM_BOARD_NAME_SIZE        32
#define AMPSIM_BOARD_DESCRIPTION_SIZE 256
/* A firmware file name or path (PATH_MAX on Linux). */
#define AMPSIM_BOARD_FIRMWARE_SIZE 4096
/* Enough for the SoCs we model (OMAP4: 3 remotes); the arrays stay small. */
#define AMPSIM_BOARD_MAX_CORES     8
#define AMPSIM_BOARD_MAX_MEMORIES  32
#define AMPSIM_BOARD_MAX_MAILBOXES 8
/*
 * Mailbox limits of models/mailbox.h: the IRQ registers give each FIFO two bits of a 32-bit
 * word (16 FIFOs), and 8 users keep the per-user registers (0x100 + 0x10u) in one 4 KiB block.
 */
#define AMPSIM_BOARD_MAX_FIFOS 16
#define AMPSIM_BOARD_MAX_USERS 8
#define AMPSIM_BOARD_MAX_DEPTH 64
/* The NVIC of ARMv7-M has at most 240 external interrupt lines. */
#define AMPSIM_BOARD_MAX_IRQS 240
/*
 * A mailbox, a UART and a watchdog each occupy one 4 KiB window, and every window of a core view
 * is 4 KiB aligned: Unicorn maps whole pages.
 */
#define AMPSIM_BOARD_PAGE_SIZE 4096u
/* The Cortex-M private peripheral bus (NVIC, SysTick, SCB) at 0xe0000000..0xffffffff. */
#define AMPSIM_BOARD_PPB_BASE 0xe0000000u

/* The mailbox interrupt target that is not a core (&struct ampsim_board_irq.core). */
#define AMPSIM_BOARD_HOST (-1)

/**
 * enum ampsim_board_core_type - the CPU a remote core runs (Unicorn's Cortex-M models)
 * @AMPSIM_BOARD_CORTEX_M3: "cortex-m3"
 * @AMPSIM_BOARD_CORTEX_M4: "cortex-m4"
 */
enum ampsim_board_core_type {
	AMPSIM_BOARD_CORTEX_M3,
	AMPSIM_BOARD_CORTEX_M4,
};

/**
 * struct ampsim_board_uart - a core's UART (PL011 subset), one 4 KiB window in its view
 * @present: the core has one; the other fields are valid only then
 * @base: base address in the core's view
 * @irq: the core's NVIC external interrupt line
 */
struct ampsim_board_uart {
	bool present;
	uint32_t base;
	unsigned int irq;
};

/**
 * struct ampsim_board_watchdog - a core's watchdog (SP805), one 4 KiB window in its view
 * @present: the core has one; the other fields are valid only then
 * @base: base address in the core's view
 * @irq: the core's NVIC external interrupt line
 * @clock_hz: WDOGCLK in Hz (default 32768)
 */
struct ampsim_board_watchdog {
	bool present;
	uint32_t base;
	unsigned int irq;
	uint64_t clock_hz;
};

/**
 * struct ampsim_board_kick - how the host and a core notify each other (rpmsg kicks)
 * @present: the core has a kick; the other fields are valid only then
 * @mailbox: index into &struct ampsim_board.mailboxes
 * @host_to_core: FIFO the host writes and the core reads
 * @core_to_host: FIFO the core writes and the host reads
 * @core_user: the mailbox user wired to this core (resolved from the mailbox's wiring)
 * @core_line: the core's interrupt line for @core_user
 * @host_user: the mailbox user wired to the host
 */
struct ampsim_board_kick {
	bool present;
	int mailbox;
	unsigned int host_to_core;
	unsigned int core_to_host;
	unsigned int core_user;
	unsigned int core_line;
	unsigned int host_user;
};

/**
 * struct ampsim_board_core - a remote Cortex-M core
 * @name: unique name
 * @type: CPU model
 * @clock_hz: core clock in Hz (1 kHz..10 GHz)
 * @quantum: instructions per time slice (100..10000000, default 10000)
 * @irqs: NVIC external interrupt lines (1..240, default 64)
 * @firmware: default image (as written; the program resolves it), empty when none; the program
 *            may overwrite it (--firmware) before ampsim_board_check_firmware()
 * @uart: optional UART
 * @watchdog: optional watchdog
 * @kick: optional mailbox kicks; needed by a core that runs rpmsg
 */
struct ampsim_board_core {
	char name[AMPSIM_BOARD_NAME_SIZE];
	enum ampsim_board_core_type type;
	uint64_t clock_hz;
	unsigned int quantum;
	unsigned int irqs;
	char firmware[AMPSIM_BOARD_FIRMWARE_SIZE];
	struct ampsim_board_uart uart;
	struct ampsim_board_watchdog watchdog;
	struct ampsim_board_kick kick;
};

/**
 * struct ampsim_board_view - where a block appears in one core's address view
 * @core: index into &struct ampsim_board.cores
 * @base: base address in that core's view
 */
struct ampsim_board_view {
	int core;
	uint32_t base;
};

/**
 * struct ampsim_board_memory - a RAM block
 * @name: unique name
 * @size: bytes (1 B..4 GiB)
 * @has_host: the host reaches it at @host_base
 * @host_base: base in the host's physical view
 * @num_views: entries in @views
 * @views: the cores that see it, in file order
 * @pool: remoteproc allocates carveouts, vrings and buffers here (has a host base)
 */
struct ampsim_board_memory {
	char name[AMPSIM_BOARD_NAME_SIZE];
	uint64_t size;
	bool has_host;
	uint64_t host_base;
	unsigned int num_views;
	struct ampsim_board_view views[AMPSIM_BOARD_MAX_CORES];
	bool pool;
};

/**
 * struct ampsim_board_irq - one user's interrupt line of a mailbox
 * @user: the mailbox user
 * @core: index into &struct ampsim_board.cores, or AMPSIM_BOARD_HOST
 * @line: the core's NVIC external interrupt line (0 for the host)
 */
struct ampsim_board_irq {
	unsigned int user;
	int core;
	unsigned int line;
};

/**
 * struct ampsim_board_mailbox - an OMAP4-compatible mailbox (models/mailbox.h), one 4 KiB block
 * @name: unique name
 * @has_host: the host reaches it at @host_base
 * @host_base: base in the host's physical view
 * @num_views: entries in @views
 * @views: the cores that see it, in file order
 * @fifos: message FIFOs (1..16, default 8)
 * @users: interrupt users (1..8, default 3)
 * @depth: messages per FIFO (1..64, default 4)
 * @num_irqs: entries in @irqs; users not listed are not wired
 * @irqs: the wired users, in file order
 */
struct ampsim_board_mailbox {
	char name[AMPSIM_BOARD_NAME_SIZE];
	bool has_host;
	uint64_t host_base;
	unsigned int num_views;
	struct ampsim_board_view views[AMPSIM_BOARD_MAX_CORES];
	unsigned int fifos;
	unsigned int users;
	unsigned int depth;
	unsigned int num_irqs;
	struct ampsim_board_irq irqs[AMPSIM_BOARD_MAX_USERS];
};

/**
 * struct ampsim_board - a whole board, names resolved into indices
 * @name: the board's name
 * @description: free text, empty when none
 * @host_name: the host's name (default "host")
 * @num_cores: entries in @cores (1..8)
 * @cores: the remote cores, in file order
 * @num_memories: entries in @memories (1..32)
 * @memories: the memories, in file order
 * @num_mailboxes: entries in @mailboxes (0..8)
 * @mailboxes: the mailboxes, in file order
 */
struct ampsim_board {
	char name[AMPSIM_BOARD_NAME_SIZE];
	char description[AMPSIM_BOARD_DESCRIPTION_SIZE];
	char host_name[AMPSIM_BOARD_NAME_SIZE];
	unsigned int num_cores;
	struct ampsim_board_core cores[AMPSIM_BOARD_MAX_CORES];
	unsigned int num_memories;
	struct ampsim_board_memory memories[AMPSIM_BOARD_MAX_MEMORIES];
	unsigned int num_mailboxes;
	struct ampsim_board_mailbox mailboxes[AMPSIM_BOARD_MAX_MAILBOXES];
};

/**
 * ampsim_board_parse_file() - read and check a board file
 * @path: the file (a regular file of at most 1 MiB); also the FILE of messages
 * @b: filled in on success; unspecified on failure
 * @err: receives one line, "FILE:LINE:COL: message" ("FILE: message" when the file cannot be
 *       read), truncated to @errlen; may be NULL when @errlen is 0
 * @errlen: size of @err
 *
 * Return: 0; -EINVAL for an invalid board; -ENOMEM; or the negative errno of opening or
 * reading the file (-ENOENT, -EACCES, -EISDIR, ...; -EFBIG for a file over 1 MiB).
 */
int ampsim_board_parse_file(const char *path, struct ampsim_board *b, char *err, size_t errlen);

/**
 * ampsim_board_parse_string() - check a board given as text
 * @text: the YAML text (need not be NUL-terminated)
 * @len: its length in bytes
 * @name_for_messages: FILE in messages
 * @b: filled in on success; unspecified on failure
 * @err: as for ampsim_board_parse_file()
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL for an invalid board, or -ENOMEM.
 */
int ampsim_board_parse_string(const char *text, size_t len, const char *name_for_messages,
			      struct ampsim_board *b, char *err, size_t errlen);

/**
 * ampsim_board_find_core() - a core's index by name
 * @b: the board
 * @name: the core's name (the host is not a core)
 *
 * Return: the index into @b->cores, or -1.
 */
int ampsim_board_find_core(const struct ampsim_board *b, const char *name);

/**
 * ampsim_board_check_firmware() - every core has a firmware image to run
 * @b: the board, after the program wrote its --firmware overrides into the cores
 * @err: receives "core 'NAME' has no firmware (give --firmware NAME=FILE)" for the first core
 *       without one; may be NULL when @errlen is 0
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL.
 */
int ampsim_board_check_firmware(const struct ampsim_board *b, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* AMPSIM_BOARD_H */
