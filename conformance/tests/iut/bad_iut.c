// SPDX-License-Identifier: BSD-3-Clause
/*
 * Malformed implementations under test (ampconf/iut.h), for tests of the harness's robustness:
 * each build with -DBAD_IUT=<n> is one way an adapter can be broken - not loadable, lying about
 * its interface, crashing, hanging, scribbling over the window, feeding the host garbage. The
 * harness must turn each into a clear verdict (exit 2 for an unusable library, 1 with the
 * outcome crashed, broken or fail for the others) and never crash or hang itself.
 *
 * The ones that must get past attach declare a proper device block, so the session starts and
 * the fault happens where it is meant to; they do nothing else an rpmsg device would.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ampconf/iut.h"

/* The kinds, as CMakeLists.txt numbers them (in this order). */
#define BAD_NOSYMBOL          1  /* exports no ampconf_iut() */
#define BAD_NULL              2  /* ampconf_iut() returns NULL */
#define BAD_ABI               3  /* abi = AMPCONF_IUT_ABI + 1 */
#define BAD_MISSING_OP        4  /* poll = NULL */
#define BAD_CRASH_ATTACH      5  /* segfaults in attach */
#define BAD_CRASH_POLL        6  /* segfaults in its third poll */
#define BAD_HANG              7  /* loops forever in its first poll */
#define BAD_ABORT             8  /* abort() in open */
#define BAD_WILD_STORE        9  /* fills vring0's used ring with 0xff after DRIVER_OK */
#define BAD_GARBAGE_CALLBACKS 10 /* calls every host callback with nonsense */

#ifndef BAD_IUT
#error "build with -DBAD_IUT=<n> (see the kinds above)"
#endif

/* The device block's fields used here (offsets from its type word; iut.h). */
#define BLK_STATUS       24u
#define BLK_VRING        28u
#define BLK_VRING_SIZE   20u
#define STATUS_DRIVER_OK 0x04u

/**
 * struct bad - what a malformed adapter keeps
 * @link: the link as given
 * @host: the harness's callbacks
 * @shm: the window
 * @polls: poll calls so far
 * @done: the one-time misdeed has been done
 */
struct bad {
	struct ampconf_link link;
	struct ampconf_host host;
	volatile uint8_t *shm;
	unsigned int polls;
	bool done;
};

/* A little-endian word into the window (x86-64, the only host the harness loads IUTs on). */
static void st32(struct bad *b, uint64_t off, uint32_t v)
{
	*(volatile uint32_t *)(b->shm + off) = v;
}

/* Segfault for real: through a pointer the compiler cannot prove NULL (a provable NULL store
 * may be compiled into a trap instruction, which is SIGILL, not the fault meant here). */
static void crash(void)
{
	volatile int *volatile p = NULL;

	*p = 1;
}

static void *bad_attach(const struct ampconf_link *link, const struct ampconf_host *host, char *err,
			size_t errlen)
{
	struct bad *b;
	uint64_t v = link->vdev_offset;

	(void)err;
	(void)errlen;
	if (BAD_IUT == BAD_CRASH_ATTACH)
		crash();
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->link = *link;
	b->host = *host;
	b->shm = (volatile uint8_t *)link->shm;
	/* The declaration iut.h asks for: the session must start for the faults below. */
	st32(b, v + 0, 3);
	st32(b, v + 4, 7);
	st32(b, v + 8, link->vdev_notifyid);
	st32(b, v + 12, link->features & AMPCONF_F_NS);
	b->shm[v + 25] = 2;
	for (unsigned int k = 0; k < 2; k++) {
		uint64_t e = v + BLK_VRING + BLK_VRING_SIZE * k;

		st32(b, e + 0, (uint32_t)(link->shm_da + link->vring_offset[k]));
		st32(b, e + 4, link->align);
		st32(b, e + 8, link->num[k]);
		st32(b, e + 12, link->notifyid[k]);
	}
	return b;
}

static int bad_kick(void *iut, uint32_t notifyid)
{
	(void)iut;
	(void)notifyid;
	return 0;
}

/* Fill vring0's used ring (at the address the driver left in the block) with 0xff. */
static void wild_store(struct bad *b)
{
	const volatile uint8_t *e = b->shm + b->link.vdev_offset + BLK_VRING;
	uint64_t off = (uint64_t) * (const volatile uint32_t *)e - b->link.shm_da;
	uint64_t num = b->link.num[0], align = b->link.align;
	uint64_t used = (off + 16 * num + 6 + 2 * num + align - 1) & ~(align - 1);
	uint64_t len = 6 + 8 * num;

	/* Wild, but inside the window: the point is the checker's verdict, not a fault. */
	if (off < b->link.shm_size && used < b->link.shm_size && len <= b->link.shm_size - used)
		memset((uint8_t *)(uintptr_t)(b->shm + used), 0xff, len);
}

/* Every callback once, each with something it must not be given. */
static void garbage_callbacks(struct bad *b)
{
	static const uint8_t big[100000];
	char name[32];

	memset(name, 'x', sizeof(name)); /* 32 bytes, no terminating NUL */
	if (b->host.received)
		b->host.received(b->host.ctx, 12345, 1, big, sizeof(big));
	b->host.notify(b->host.ctx, 0xdeadbeefu);
	if (b->host.service)
		b->host.service(b->host.ctx, name, 1024, 1);
	if (b->host.barrier)
		b->host.barrier(b->host.ctx, 99);
}

__attribute__((unused)) static int bad_poll(void *iut)
{
	struct bad *b = iut;
	bool up = b->shm[b->link.vdev_offset + BLK_STATUS] & STATUS_DRIVER_OK;

	b->polls++;
	if (BAD_IUT == BAD_CRASH_POLL && b->polls == 3)
		crash();
	if (BAD_IUT == BAD_HANG)
		for (volatile int spin = 1; spin;)
			;
	if (b->done || (!up && BAD_IUT == BAD_WILD_STORE))
		return 0;
	b->done = true;
	if (BAD_IUT == BAD_WILD_STORE)
		wild_store(b);
	else if (BAD_IUT == BAD_GARBAGE_CALLBACKS)
		garbage_callbacks(b);
	return 0;
}

static int bad_open(void *iut, const char *name, uint32_t addr, uint32_t dst, int announce,
		    uint32_t *bound)
{
	static uint32_t next = 1024;

	(void)iut;
	(void)name;
	(void)dst;
	(void)announce;
	if (BAD_IUT == BAD_ABORT)
		abort();
	*bound = addr == 0xffffffffu ? next++ : addr;
	return 0;
}

static int bad_close(void *iut, int ept)
{
	(void)iut;
	(void)ept;
	return 0;
}

/* Never a buffer: these adapters are not meant to carry messages. */
static int bad_send(void *iut, int ept, uint32_t dst, const void *data, size_t len)
{
	(void)iut;
	(void)ept;
	(void)dst;
	(void)data;
	(void)len;
	return -EAGAIN;
}

static void bad_detach(void *iut)
{
	free(iut);
}

static const struct ampconf_iut_ops bad_iut = {
	.abi = BAD_IUT == BAD_ABI ? AMPCONF_IUT_ABI + 1 : AMPCONF_IUT_ABI,
	.name = "bad-iut (harness robustness tests)",
	.roles = 1u << AMPCONF_DEVICE,
	.features = AMPCONF_F_NS,
	.flags = AMPCONF_IUT_REPORTS_BARRIERS,
	.attach = bad_attach,
	.kick = bad_kick,
	.poll = BAD_IUT == BAD_MISSING_OP ? NULL : bad_poll,
	.open = bad_open,
	.close = bad_close,
	.send = bad_send,
	.detach = bad_detach,
};

#if BAD_IUT == BAD_NOSYMBOL
/* The table exists, but under no name the harness looks up (and hidden: nothing exported). */
__attribute__((used)) static const struct ampconf_iut_ops *not_the_entry(void)
{
	return &bad_iut;
}
#else
/**
 * ampconf_iut() - the adapter's one exported symbol (ampconf/iut.h)
 *
 * Return: the malformed description, or NULL for the kind that returns none.
 */
__attribute__((visibility("default"))) const struct ampconf_iut_ops *ampconf_iut(void)
{
	return BAD_IUT == BAD_NULL ? NULL : &bad_iut;
}
#endif
