// SPDX-License-Identifier: BSD-3-Clause
/*
 * Writes the seed corpus of the vring and resource-table fuzz targets:
 *
 *   make_seeds DIR      creates DIR/vring_device/, DIR/vring_driver/, DIR/rsc_table/ and
 *                       DIR/fw_image/ and fills them
 *
 * The committed seeds in fixtures/fuzz/ are this program's output (regenerate them after
 * changing an input format: cc -std=c11 make_seeds.c seed_writer.c -o make_seeds &&
 * ./make_seeds ../../fixtures/fuzz). Each vring seed is one session in the input format
 * described at the top of fuzz_common.h: a 15-byte header, the initial contents, then
 * operations. The operation codes below must match enum op in fuzz_vring_device.c /
 * fuzz_vring_driver.c.
 *
 * Device seeds: a valid single-buffer session, a chain, an indirect table, event-idx, a
 * big-endian ring at the top of the address space, the index wrap, and one session per hostile
 * driver pattern (loop, head out of range, avail.idx jump, address outside the window,
 * invalid indirect tables, readable after writable, a head exposed twice, 4 GiB chains).
 * Driver seeds: the same valid sessions from the other side, argument errors, and one session
 * per hostile device pattern (used.idx ahead, id out of range, duplicate and unpublished ids,
 * length above the writable bytes).
 * Resource-table seeds (input format at the top of fuzz_rsc_table.c: a byte-order byte, then
 * the table): a firmware-like table in both byte orders, an empty one, 500 entries, a header
 * whose offset array wraps 32 bits, and one table per kind of broken entry (offsets, truncated
 * entries, reserved fields, vring counts and sizes, overlaps and duplicate notify ids,
 * warnings).
 * Firmware-image seeds (fuzz_fw_image.c: an ELF file) that the corpus copies beside them do not
 * provide: little-endian ELF32 images of make_malformed.py's shape (code in flash at 0, the table
 * at the start of RAM) whose tables reach every resource the host handles (carveouts placed by
 * the host, devmem, traces, rpmsg vdevs with host-placed and fixed vrings, a vdev of another
 * kind, vendor and unknown entries) and each of its limits (nine traces, five rpmsg vdevs, a
 * refused vendor entry, buffers larger than the pool), a vring placed on the table itself, an
 * image without section headers, and one with forty PT_LOAD segments.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "seed_writer.h"

/* enum op of fuzz_vring_device.c */
enum dev_op {
	D_PEER_RING,
	D_PEER_WINDOW,
	D_PEER_DESC,
	D_PEER_TABLE,
	D_PEER_AVAIL,
	D_PEER_IDX,
	D_PEER_EVENT,
	D_PEER_ADD,
	D_GET_AVAIL,
	D_GET_AVAIL_BAD,
	D_ADD_USED,
	D_PUBLISH,
	D_KICK_PREPARE,
	D_KICK,
	D_DISABLE,
	D_ENABLE,
	D_HAS_AVAIL,
	D_RESET,
	D_BULK,
};

/* enum op of fuzz_vring_driver.c */
enum drv_op {
	R_PEER_RING,
	R_PEER_WINDOW,
	R_PEER_ELEM,
	R_PEER_IDX,
	R_PEER_EVENT,
	R_PEER_RETURN,
	R_ADD_BUF,
	R_ADD,
	R_ADD_INDIRECT,
	R_PUBLISH,
	R_KICK_PREPARE,
	R_KICK,
	R_GET_USED,
	R_HAS_USED,
	R_DISABLE,
	R_ENABLE,
	R_DETACH,
	R_RESET,
	R_BULK,
};

/* header byte 1 */
#define BIG_ENDIAN_RING 0x01u
#define EVENT_IDX       0x02u
#define INDIRECT        0x04u
#define ALIGN_4096      0x18u
#define WINDOW_B        0x20u
#define PLACE_TOP       0x40u /* the windows end at 2^64 */
#define PLACE_LOW32     0x80u
#define PLACE_SPLIT     0xc0u /* A ends at 2^64, B starts at 0 */
/* header byte 5 */
#define REGION_C 0x80u

/* descriptor field mode (OP_PEER_DESC, OP_PEER_TABLE) */
#define DF_NEXT     0x01u
#define DF_WRITE    0x02u
#define DF_INDIRECT 0x04u
#define DF_ADDR_B   0x10u
#define DF_ADDR_C   0x20u
#define DF_ADDR_RAW 0x30u
#define DF_LEN32    0x40u

/*
 * The header: num = 1 << @num_log2, @opts as above, window A of @asize bytes (1..8192),
 * @bsel (B size 16 * (bsel & 0x7f) + 16, REGION_C), @da seed, @start (indices begin at
 * 65536 - start when not 0); the largest operation budget; no initial contents.
 */
static void header(struct seed *s, unsigned int num_log2, unsigned int opts, unsigned int asize,
		   unsigned int bsel, uint64_t da, unsigned int start)
{
	s->n = 0;
	seed_u8(s, num_log2);
	seed_u8(s, opts);
	seed_u8(s, 255);
	seed_u16(s, asize - 1);
	seed_u8(s, bsel);
	seed_u64(s, da);
	seed_u8(s, start);
	seed_u16(s, 0);
	seed_u16(s, 0);
}

static char *out_dir;

static void save(const char *sub, const char *name, const struct seed *s)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/%s", out_dir, sub);
	seed_save(dir, name, s);
}

/* ------------------------------------------------------------------ device seeds */

/* A correct driver adds a chain: @n buffers (1..8), @nout readable, at @offs/@lens in A. */
static void d_add(struct seed *s, unsigned int head, unsigned int n, unsigned int nout,
		  int indirect, unsigned int table_off, const unsigned int *offs,
		  const unsigned int *lens)
{
	seed_u8(s, D_PEER_ADD);
	seed_u8(s, head);
	seed_u8(s, (n - 1) | nout << 3 | 0x40 | (indirect ? 0x80 : 0));
	if (indirect)
		seed_u16(s, table_off);
	for (unsigned int k = 0; k < n; k++) {
		seed_u16(s, offs[k]);
		seed_u16(s, lens[k]);
	}
}

static void d_add1(struct seed *s, unsigned int head, unsigned int off, unsigned int len,
		   int writable)
{
	d_add(s, head, 1, writable ? 0 : 1, 0, 0, &off, &len);
}

/* take, return all writable bytes, publish, decide on a kick */
static void d_round(struct seed *s, unsigned int max_elems)
{
	seed_u8(s, D_GET_AVAIL);
	seed_u8(s, max_elems);
	seed_u8(s, D_ADD_USED);
	seed_u8(s, 0);
	seed_u8(s, 0);
	seed_u8(s, D_PUBLISH);
	seed_u8(s, D_KICK_PREPARE);
}

/* a descriptor in the table, address in window A */
static void d_desc(struct seed *s, unsigned int idx, unsigned int mode, unsigned int off,
		   unsigned int len, unsigned int next)
{
	seed_u8(s, D_PEER_DESC);
	seed_u8(s, idx);
	seed_u8(s, mode);
	seed_u16(s, off);
	seed_u16(s, len);
	seed_u8(s, next);
}

static void d_expose(struct seed *s, unsigned int slot, unsigned int head)
{
	seed_u8(s, D_PEER_AVAIL);
	seed_u8(s, slot);
	seed_u8(s, head);
	seed_u8(s, D_PEER_IDX);
	seed_u8(s, 1 << 2); /* advance by one */
}

/* the ring is broken: every call fails, then the driver and device reset */
static void d_after_fault(struct seed *s)
{
	seed_u8(s, D_GET_AVAIL);
	seed_u8(s, 4);
	seed_u8(s, D_ADD_USED);
	seed_u8(s, 0);
	seed_u8(s, 0);
	seed_u8(s, D_HAS_AVAIL);
	seed_u8(s, D_KICK_PREPARE);
	seed_u8(s, D_ENABLE);
	seed_u8(s, D_RESET);
	seed_u8(s, 1);
}

static void device_seeds(void)
{
	static const unsigned int offs3[] = {0, 16, 64}, lens3[] = {16, 32, 100};
	static const unsigned int offs4[] = {0, 32, 64, 96}, lens4[] = {8, 24, 32, 32};
	struct seed s;

	/* one writable buffer, the rpmsg case */
	header(&s, 2, 0, 256, 0, 0x10000000, 0);
	d_add1(&s, 0, 0, 64, 1);
	seed_u8(&s, D_HAS_AVAIL);
	d_round(&s, 4);
	seed_u8(&s, D_HAS_AVAIL);
	seed_u8(&s, D_GET_AVAIL);
	seed_u8(&s, 4);
	save("vring_device", "single-buffer", &s);

	/* a three-descriptor chain, one readable and two writable; returned short */
	header(&s, 3, 0, 512, 0, 0x80000000, 0);
	d_add(&s, 2, 3, 1, 0, 0, offs3, lens3);
	seed_u8(&s, D_GET_AVAIL);
	seed_u8(&s, 8);
	seed_u8(&s, D_ADD_USED);
	seed_u8(&s, 0);
	seed_u8(&s, 1 | 4 << 2);
	seed_u8(&s, D_KICK);
	d_add(&s, 5, 3, 1, 0, 0, offs3, lens3);
	seed_u8(&s, D_DISABLE);
	seed_u8(&s, D_ENABLE);
	d_round(&s, 2);
	save("vring_device", "chain", &s);

	/* an indirect table of four, taken with room for two elements */
	header(&s, 2, INDIRECT, 512, 0, 0x40000000, 0);
	d_add(&s, 1, 4, 2, 1, 256, offs4, lens4);
	d_round(&s, 2);
	d_add(&s, 3, 4, 2, 1, 384, offs4, lens4);
	d_add1(&s, 0, 128, 16, 0);
	d_round(&s, 19);
	d_round(&s, 0);
	save("vring_device", "indirect", &s);

	/* event index: the driver moves used_event, the device suppresses and re-enables */
	header(&s, 3, EVENT_IDX, 256, 0, 0x1000, 0);
	d_add1(&s, 0, 0, 32, 1);
	d_add1(&s, 1, 32, 32, 1);
	seed_u8(&s, D_PEER_EVENT);
	seed_u8(&s, 1);
	seed_u16(&s, 1);
	d_round(&s, 1);
	d_round(&s, 1);
	seed_u8(&s, D_DISABLE);
	d_add1(&s, 2, 64, 32, 0);
	seed_u8(&s, D_ENABLE);
	d_round(&s, 1);
	seed_u8(&s, D_KICK);
	save("vring_device", "event-idx", &s);

	/* big-endian, align 4096, windows A and B ending at 2^64, both features */
	header(&s, 4, BIG_ENDIAN_RING | EVENT_IDX | INDIRECT | ALIGN_4096 | WINDOW_B | PLACE_TOP,
	       1024, 15, 0, 0);
	d_add(&s, 7, 3, 1, 0, 0, offs3, lens3);
	d_add(&s, 11, 4, 2, 1, 512, offs4, lens4);
	/* a buffer in window B: descriptor 15 at B + 8 */
	d_desc(&s, 15, DF_WRITE | DF_ADDR_B, 8, 200, 0);
	d_expose(&s, 2, 15);
	d_round(&s, 4);
	d_round(&s, 4);
	d_round(&s, 4);
	save("vring_device", "big-endian-top", &s);

	/* indices start at 65533 and wrap during the session; the last kick decision was 65530
	 * buffers earlier, so the 65535-unsignalled kick fires */
	header(&s, 1, EVENT_IDX, 64, 0, 0x2000, 3);
	for (unsigned int i = 0; i < 6; i++) {
		d_add1(&s, i & 1, 8 * i, 8, 1);
		seed_u8(&s, D_GET_AVAIL);
		seed_u8(&s, 1);
		seed_u8(&s, D_ADD_USED);
		seed_u8(&s, 0);
		seed_u8(&s, 0);
		seed_u8(&s, D_PUBLISH);
	}
	for (unsigned int i = 0; i < 4; i++) {
		d_add1(&s, i & 1, 8 * i, 8, 1);
		d_round(&s, 1);
	}
	seed_u8(&s, D_BULK);
	seed_u8(&s, 0);
	save("vring_device", "index-wrap", &s);

	/* hostile: a descriptor loop 0 -> 1 -> 0, then a loop inside an indirect table */
	header(&s, 2, INDIRECT, 256, 0, 0x10000, 0);
	d_desc(&s, 0, DF_NEXT, 0, 8, 1);
	d_desc(&s, 1, DF_NEXT, 8, 8, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	seed_u8(&s, D_PEER_TABLE); /* entry 0 of a table at A + 64, next 1 */
	seed_u16(&s, 64);
	seed_u8(&s, DF_NEXT);
	seed_u16(&s, 0);
	seed_u16(&s, 8);
	seed_u8(&s, 1);
	seed_u8(&s, D_PEER_TABLE); /* entry 1, next 0 */
	seed_u16(&s, 80);
	seed_u8(&s, DF_NEXT);
	seed_u16(&s, 8);
	seed_u16(&s, 8);
	seed_u8(&s, 0);
	d_desc(&s, 2, DF_INDIRECT, 64, 32, 0);
	d_expose(&s, 0, 2);
	d_after_fault(&s);
	save("vring_device", "hostile-loop", &s);

	/* hostile: a head out of range, then avail.idx jumping num + 5 ahead, then backwards */
	header(&s, 2, 0, 128, 0, 0x10000, 0);
	seed_u8(&s, D_PEER_AVAIL);
	seed_u8(&s, 0);
	seed_u8(&s, 0xff);
	seed_u16(&s, 1000);
	seed_u8(&s, D_PEER_IDX);
	seed_u8(&s, 1 << 2);
	d_after_fault(&s);
	seed_u8(&s, D_PEER_IDX);
	seed_u8(&s, 3 | 5 << 2);
	d_after_fault(&s);
	d_add1(&s, 0, 0, 8, 1);
	d_round(&s, 1);
	seed_u8(&s, D_PEER_IDX);
	seed_u8(&s, 2 | 1 << 2);
	seed_u8(&s, D_PEER_IDX);
	seed_u8(&s, 2 | 1 << 2);
	d_after_fault(&s);
	save("vring_device", "hostile-index", &s);

	/* hostile: buffers outside the window (past its end, straddling it, near 2^64) */
	header(&s, 2, 0, 128, 0, 0x10000, 0);
	d_desc(&s, 0, 0, 120, 16, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	seed_u8(&s, D_PEER_DESC);
	seed_u8(&s, 1);
	seed_u8(&s, DF_ADDR_RAW | DF_LEN32);
	seed_u64(&s, UINT64_MAX);
	seed_u32(&s, 2);
	seed_u8(&s, 0);
	d_expose(&s, 0, 1);
	d_after_fault(&s);
	save("vring_device", "hostile-address", &s);

	/* hostile: indirect tables that are nested, combined with NEXT, of a bad length, or
	 * used without the feature */
	header(&s, 2, INDIRECT, 256, 0, 0x10000, 0);
	seed_u8(&s, D_PEER_TABLE);
	seed_u16(&s, 64);
	seed_u8(&s, DF_INDIRECT);
	seed_u16(&s, 128);
	seed_u16(&s, 16);
	seed_u8(&s, 0);
	d_desc(&s, 0, DF_INDIRECT, 64, 16, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	d_desc(&s, 0, DF_INDIRECT | DF_NEXT, 64, 16, 1);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	d_desc(&s, 0, DF_INDIRECT, 64, 24, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	save("vring_device", "hostile-indirect", &s);

	/* hostile: readable after writable; then a head exposed twice */
	header(&s, 2, 0, 256, 0, 0x10000, 0);
	d_desc(&s, 0, DF_NEXT | DF_WRITE, 0, 8, 1);
	d_desc(&s, 1, 0, 8, 8, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	d_add1(&s, 3, 0, 8, 1);
	d_add1(&s, 3, 0, 8, 1);
	seed_u8(&s, D_GET_AVAIL);
	seed_u8(&s, 1);
	seed_u8(&s, D_GET_AVAIL);
	seed_u8(&s, 1);
	d_after_fault(&s);
	/* an indirect descriptor without the feature */
	d_desc(&s, 0, DF_INDIRECT, 64, 16, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	save("vring_device", "hostile-order-reuse", &s);

	/* hostile: 2 x 4 GiB readable in region C, and an indirect table of 32769 entries */
	header(&s, 2, INDIRECT, 64, REGION_C, 0x100000, 0);
	seed_u8(&s, D_PEER_DESC);
	seed_u8(&s, 0);
	seed_u8(&s, DF_NEXT | DF_ADDR_C | DF_LEN32);
	seed_u32(&s, 0);
	seed_u32(&s, UINT32_MAX);
	seed_u8(&s, 1);
	seed_u8(&s, D_PEER_DESC);
	seed_u8(&s, 1);
	seed_u8(&s, DF_ADDR_C | DF_LEN32);
	seed_u32(&s, 0);
	seed_u32(&s, UINT32_MAX);
	seed_u8(&s, 0);
	d_expose(&s, 0, 0);
	d_after_fault(&s);
	seed_u8(&s, D_PEER_DESC);
	seed_u8(&s, 2);
	seed_u8(&s, DF_INDIRECT | DF_ADDR_C | DF_LEN32);
	seed_u32(&s, 0);
	seed_u32(&s, 32769 * 16);
	seed_u8(&s, 0);
	d_expose(&s, 0, 2);
	d_after_fault(&s);
	save("vring_device", "hostile-4gib", &s);
}

/* ------------------------------------------------------------------ driver seeds */

/* a buffer in window A (kind 0) or B (kind 1) */
static void r_sg(struct seed *s, unsigned int kind, unsigned int off, unsigned int len)
{
	seed_u8(s, kind);
	seed_u16(s, off);
	seed_u16(s, len);
}

static void r_add_buf(struct seed *s, int writable, unsigned int off, unsigned int len)
{
	seed_u8(s, R_ADD_BUF);
	seed_u8(s, writable ? 1 : 0);
	r_sg(s, 0, off, len);
}

/* a correct device returns record @sel with all its writable bytes and publishes used.idx */
static void r_return(struct seed *s, unsigned int sel, unsigned int len_mode)
{
	seed_u8(s, R_PEER_RETURN);
	seed_u8(s, sel);
	seed_u8(s, len_mode | 4);
}

static void r_after_fault(struct seed *s)
{
	seed_u8(s, R_GET_USED);
	seed_u8(s, 0);
	r_add_buf(s, 1, 0, 8);
	seed_u8(s, R_HAS_USED);
	seed_u8(s, R_ENABLE);
	seed_u8(s, R_KICK_PREPARE);
	seed_u8(s, R_DETACH);
	seed_u8(s, R_DETACH);
	seed_u8(s, R_RESET);
}

static void driver_seeds(void)
{
	struct seed s;

	/* one writable buffer, the rpmsg case */
	header(&s, 2, 0, 256, 0, 0x10000000, 0);
	r_add_buf(&s, 1, 0, 64);
	seed_u8(&s, R_PUBLISH);
	seed_u8(&s, R_KICK_PREPARE);
	seed_u8(&s, R_HAS_USED);
	r_return(&s, 0, 0);
	seed_u8(&s, R_HAS_USED);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	save("vring_driver", "single-buffer", &s);

	/* chains of one readable and two writable buffers; one returned short, one detached */
	header(&s, 3, 0, 512, 0, 0x80000000, 0);
	for (unsigned int i = 0; i < 2; i++) {
		seed_u8(&s, R_ADD);
		seed_u8(&s, 1 | 2 << 3);
		r_sg(&s, 0, 0, 16);
		r_sg(&s, 0, 64, 100);
		r_sg(&s, 0, 200, 50);
	}
	seed_u8(&s, R_KICK);
	r_return(&s, 1, 1 | 8 << 3);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	seed_u8(&s, R_DETACH);
	seed_u8(&s, R_DETACH);
	seed_u8(&s, R_ADD_INDIRECT); /* without the feature */
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u16(&s, 0);
	r_sg(&s, 0, 0, 8);
	save("vring_driver", "chain", &s);

	/* indirect tables of four and of one */
	header(&s, 2, INDIRECT, 1024, 0, 0x40000000, 0);
	seed_u8(&s, R_ADD_INDIRECT);
	seed_u8(&s, 2 | 2 << 3);
	seed_u8(&s, 0);
	seed_u16(&s, 512);
	r_sg(&s, 0, 0, 16);
	r_sg(&s, 0, 16, 16);
	r_sg(&s, 0, 32, 64);
	r_sg(&s, 0, 96, 64);
	seed_u8(&s, R_ADD_INDIRECT);
	seed_u8(&s, 1 << 3);
	seed_u8(&s, 0);
	seed_u16(&s, 768);
	r_sg(&s, 0, 256, 128);
	seed_u8(&s, R_PUBLISH);
	r_return(&s, 0, 0);
	r_return(&s, 1, 1 | 1 << 3);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 3);
	save("vring_driver", "indirect", &s);

	/* event index: the device moves avail_event; callbacks disabled and re-enabled */
	header(&s, 3, EVENT_IDX, 256, 0, 0x1000, 0);
	r_add_buf(&s, 1, 0, 32);
	r_add_buf(&s, 1, 32, 32);
	seed_u8(&s, R_PUBLISH);
	seed_u8(&s, R_PEER_EVENT);
	seed_u8(&s, 1);
	seed_u16(&s, 0);
	seed_u8(&s, R_KICK_PREPARE);
	r_add_buf(&s, 0, 64, 32);
	seed_u8(&s, R_KICK);
	seed_u8(&s, R_DISABLE);
	r_return(&s, 0, 0);
	seed_u8(&s, R_ENABLE);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	r_return(&s, 0, 0);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	save("vring_driver", "event-idx", &s);

	/* big-endian, align 4096, A ends at 2^64 and B starts at 0 */
	header(&s, 4, BIG_ENDIAN_RING | EVENT_IDX | INDIRECT | ALIGN_4096 | WINDOW_B | PLACE_SPLIT,
	       1024, 15, 0, 0);
	seed_u8(&s, R_ADD);
	seed_u8(&s, 1 | 1 << 3);
	r_sg(&s, 0, 1000, 24);
	r_sg(&s, 1, 0, 256);
	seed_u8(&s, R_ADD_INDIRECT);
	seed_u8(&s, 1 | 1 << 3);
	seed_u8(&s, 1);
	seed_u16(&s, 128);
	r_sg(&s, 1, 0, 16);
	r_sg(&s, 0, 0, 16);
	seed_u8(&s, R_KICK);
	r_return(&s, 1, 0);
	r_return(&s, 0, 0);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	save("vring_driver", "big-endian-split", &s);

	/* indices start at 65533 and wrap; the 65535-unsignalled kick fires (odd start) */
	header(&s, 1, EVENT_IDX, 64, 0, 0x2000, 3);
	for (unsigned int i = 0; i < 10; i++) {
		r_add_buf(&s, 1, 8 * (i % 8), 8);
		seed_u8(&s, i < 6 ? R_PUBLISH : R_KICK);
		r_return(&s, 0, 0);
		seed_u8(&s, R_GET_USED);
		seed_u8(&s, 0);
	}
	seed_u8(&s, R_BULK);
	seed_u8(&s, 0);
	save("vring_driver", "index-wrap", &s);

	/* argument errors: outside the window, NULL token, too long a chain, misaligned or
	 * absent table, 2 x 4 GiB writable in region C */
	header(&s, 2, INDIRECT, 128, REGION_C, 0x100000, 0);
	seed_u8(&s, R_ADD_BUF);
	seed_u8(&s, 1);
	seed_u8(&s, 3);
	seed_u8(&s, 0);
	seed_u16(&s, 8);
	seed_u8(&s, R_ADD_BUF); /* straddles the end of window A */
	seed_u8(&s, 1);
	r_sg(&s, 4, 120, 16);
	seed_u8(&s, R_ADD_BUF);
	seed_u8(&s, 2);
	r_sg(&s, 0, 0, 8);
	seed_u8(&s, R_ADD); /* 24 writable buffers, more than num */
	seed_u8(&s, 0x40);
	for (unsigned int i = 0; i < 24; i++)
		r_sg(&s, 0, 4 * i, 4);
	seed_u8(&s, R_ADD_INDIRECT);
	seed_u8(&s, 1);
	seed_u8(&s, 2);
	seed_u16(&s, 0);
	r_sg(&s, 0, 0, 8);
	seed_u8(&s, R_ADD_INDIRECT);
	seed_u8(&s, 1);
	seed_u8(&s, 0x80);
	seed_u16(&s, 0);
	r_sg(&s, 0, 0, 8);
	seed_u8(&s, R_ADD);
	seed_u8(&s, 2 << 3);
	seed_u8(&s, 2);
	seed_u32(&s, 0);
	seed_u32(&s, UINT32_MAX);
	seed_u8(&s, 2);
	seed_u32(&s, 0);
	seed_u32(&s, UINT32_MAX);
	for (unsigned int i = 0; i < 5; i++)
		r_add_buf(&s, 1, 0, 8);
	save("vring_driver", "argument-errors", &s);

	/* hostile: used.idx ahead of what was published, then an id out of range */
	header(&s, 2, 0, 128, 0, 0x10000, 0);
	r_add_buf(&s, 1, 0, 8);
	seed_u8(&s, R_PUBLISH);
	seed_u8(&s, R_PEER_IDX);
	seed_u8(&s, 3);
	r_after_fault(&s);
	r_add_buf(&s, 1, 0, 8);
	seed_u8(&s, R_PUBLISH);
	seed_u8(&s, R_PEER_ELEM);
	seed_u8(&s, 0);
	seed_u8(&s, 0xff);
	seed_u32(&s, 1000);
	seed_u16(&s, 0);
	seed_u8(&s, R_PEER_IDX);
	seed_u8(&s, 1 << 2);
	r_after_fault(&s);
	save("vring_driver", "hostile-index-id", &s);

	/* hostile: a duplicate return, an unpublished head returned, a length too long */
	header(&s, 2, 0, 128, 0, 0x10000, 0);
	r_add_buf(&s, 1, 0, 8);
	r_add_buf(&s, 1, 8, 8);
	seed_u8(&s, R_PUBLISH);
	r_return(&s, 0, 0);
	seed_u8(&s, R_GET_USED);
	seed_u8(&s, 0);
	seed_u8(&s, R_PEER_ELEM); /* head 0 again, at position 1 */
	seed_u8(&s, 1);
	seed_u8(&s, 0);
	seed_u16(&s, 0);
	seed_u8(&s, R_PEER_IDX);
	seed_u8(&s, 1 << 2);
	r_after_fault(&s);
	r_add_buf(&s, 1, 0, 8);
	seed_u8(&s, R_PUBLISH);
	r_add_buf(&s, 1, 8, 8);
	r_return(&s, 1, 0);
	r_after_fault(&s);
	r_add_buf(&s, 1, 0, 8);
	seed_u8(&s, R_PUBLISH);
	r_return(&s, 0, 2);
	r_after_fault(&s);
	save("vring_driver", "hostile-used-elem", &s);
}

/* ------------------------------------------------------------------ resource-table seeds */

/* Entry types and the rpmsg device id of rsc_table.h. */
#define RSC_CARVEOUT 0u
#define RSC_DEVMEM   1u
#define RSC_TRACE    2u
#define RSC_VDEV     3u
#define VIRTIO_RPMSG 7u
#define ADDR_ANY     0xffffffffu

/**
 * struct rsc - a resource table being composed: words stored at given offsets in the table's
 *	byte order, then appended to a seed after the byte-order byte
 * @big: big-endian
 * @size: the table's bytes
 * @b: the bytes, zero where nothing was written; room for a seed of 4096 bytes
 */
struct rsc {
	bool big;
	size_t size;
	uint8_t b[4095];
};

static void rsc_u8(struct rsc *r, size_t off, unsigned int v)
{
	if (off >= sizeof(r->b)) {
		fprintf(stderr, "resource table seed too long\n");
		exit(1);
	}
	r->b[off] = (uint8_t)v;
}

static void rsc_u32(struct rsc *r, size_t off, uint32_t v)
{
	for (unsigned int k = 0; k < 4; k++)
		rsc_u8(r, off + k, (v >> (r->big ? 24 - 8 * k : 8 * k)) & 0xff);
}

/* ver 1, @num entries, reserved 0, the offsets still 0; a table of @size bytes. */
static void rsc_begin(struct rsc *r, bool big, uint32_t num, size_t size)
{
	if (size > sizeof(r->b)) {
		fprintf(stderr, "resource table seed too long\n");
		exit(1);
	}
	memset(r, 0, sizeof(*r));
	r->big = big;
	r->size = size;
	rsc_u32(r, 0, 1);
	rsc_u32(r, 4, num);
}

static void rsc_offset(struct rsc *r, uint32_t index, uint32_t off)
{
	rsc_u32(r, 16 + 4 * (size_t)index, off);
}

/* @name without its NUL, at most 32 bytes. */
static void rsc_name(struct rsc *r, size_t off, const char *name)
{
	for (size_t k = 0; name[k] && k < 32; k++)
		rsc_u8(r, off + k, (unsigned char)name[k]);
}

/* Carveout or devmem (56 bytes), reserved 0. */
static void rsc_mem(struct rsc *r, uint32_t off, uint32_t type, uint32_t da, uint32_t pa,
		    uint32_t len, const char *name)
{
	rsc_u32(r, off, type);
	rsc_u32(r, off + 4, da);
	rsc_u32(r, off + 8, pa);
	rsc_u32(r, off + 12, len);
	rsc_name(r, off + 24, name);
}

/* Trace (48 bytes), reserved 0. */
static void rsc_trace(struct rsc *r, uint32_t off, uint32_t da, uint32_t len, const char *name)
{
	rsc_u32(r, off, RSC_TRACE);
	rsc_u32(r, off + 4, da);
	rsc_u32(r, off + 8, len);
	rsc_name(r, off + 16, name);
}

/* The 28 fixed bytes of a vdev: gfeatures, status and reserved 0. */
static void rsc_vdev(struct rsc *r, uint32_t off, uint32_t id, uint32_t config_len,
		     unsigned int num_of_vrings)
{
	rsc_u32(r, off, RSC_VDEV);
	rsc_u32(r, off + 4, id);
	rsc_u32(r, off + 8, 31);
	rsc_u32(r, off + 12, 1);
	rsc_u32(r, off + 20, config_len);
	rsc_u8(r, off + 25, num_of_vrings);
}

/* Vring @k of the vdev at @vdev, its address left to the host. */
static void rsc_vring(struct rsc *r, uint32_t vdev, unsigned int k, uint32_t align, uint32_t num,
		      uint32_t notifyid)
{
	rsc_u32(r, vdev + 28 + 20 * k, ADDR_ANY);
	rsc_u32(r, vdev + 32 + 20 * k, align);
	rsc_u32(r, vdev + 36 + 20 * k, num);
	rsc_u32(r, vdev + 40 + 20 * k, notifyid);
}

/* An rpmsg vdev (68 bytes): vrings of 256, align 4096, notify ids @n0 and @n1. */
static void rsc_rpmsg(struct rsc *r, uint32_t off, uint32_t n0, uint32_t n1)
{
	rsc_vdev(r, off, VIRTIO_RPMSG, 0, 2);
	rsc_vring(r, off, 0, 4096, 256, n0);
	rsc_vring(r, off, 1, 4096, 256, n1);
}

static void rsc_save(const char *name, const struct rsc *r)
{
	struct seed s = {.n = 0};

	seed_u8(&s, r->big);
	for (size_t k = 0; k < r->size; k++)
		seed_u8(&s, r->b[k]);
	save("rsc_table", name, &s);
}

/* Carveout 40, devmem 96, trace 152, an rpmsg vdev with 8 bytes of config space 200, vendor
 * entries 128 and 512 (type and length) at 276 and 284; 292 bytes. */
static void rsc_firmware(struct rsc *r, bool big)
{
	static const uint32_t offsets[] = {40, 96, 152, 200, 276, 284};

	rsc_begin(r, big, 6, 292);
	for (uint32_t i = 0; i < 6; i++)
		rsc_offset(r, i, offsets[i]);
	rsc_mem(r, 40, RSC_CARVEOUT, 0x10000000, ADDR_ANY, 0x100000, "r5f-text");
	rsc_mem(r, 96, RSC_DEVMEM, 0x40000000, 0x4a000000, 0x80000, "peripherals");
	rsc_trace(r, 152, 0x10100000, 0x8000, "trace:r5f0");
	rsc_vdev(r, 200, VIRTIO_RPMSG, 8, 2);
	rsc_vring(r, 200, 0, 4096, 256, 0);
	rsc_vring(r, 200, 1, 16, 32, 1);
	rsc_u32(r, 276, 128);
	rsc_u32(r, 280, 8);
	rsc_u32(r, 284, 512);
	rsc_u32(r, 288, 8);
}

static void rsc_table_seeds(void)
{
	struct rsc r;

	rsc_firmware(&r, false);
	rsc_save("firmware-le", &r);
	rsc_firmware(&r, true);
	rsc_save("firmware-be", &r);

	rsc_begin(&r, false, 0, 16);
	rsc_save("empty", &r);

	/* 500 vendor entries back to back: the checks across entries compare every pair */
	rsc_begin(&r, false, 500, 16 + 8 * 500);
	for (uint32_t i = 0; i < 500; i++) {
		rsc_offset(&r, i, 16 + 4 * 500 + 4 * i);
		rsc_u32(&r, 16 + 4 * 500 + 4 * i, 128 + i % 385);
	}
	rsc_save("many-entries", &r);

	/* 16 + 4 * num wraps to 16 in 32 bits */
	rsc_begin(&r, true, 0x40000000, 64);
	rsc_save("header-num-wraps", &r);

	/* offsets in the header, in the offset array, past the end, wrapping, misaligned; one
	 * vendor entry in the last four bytes */
	rsc_begin(&r, false, 6, 64);
	rsc_offset(&r, 0, 8);
	rsc_offset(&r, 1, 36);
	rsc_offset(&r, 2, 64);
	rsc_offset(&r, 3, 0xfffffffd);
	rsc_offset(&r, 4, 42);
	rsc_offset(&r, 5, 60);
	rsc_u32(&r, 60, 200);
	rsc_save("offsets-hostile", &r);

	/* a carveout one byte short at the end of the table */
	rsc_begin(&r, false, 2, 24 + 48 + 55);
	rsc_offset(&r, 0, 24);
	rsc_trace(&r, 24, 0x1000, 0x100, "trace");
	rsc_offset(&r, 1, 72);
	rsc_mem(&r, 72, RSC_CARVEOUT, 0x2000, ADDR_ANY, 0x1000, "cut");
	rsc_save("truncated-carveout", &r);

	/* an rpmsg vdev whose config_len wraps 28 + 40 + config_len in 32 bits */
	rsc_begin(&r, true, 1, 20 + 68 + 64);
	rsc_offset(&r, 0, 20);
	rsc_rpmsg(&r, 20, 0, 1);
	rsc_u32(&r, 20 + 20, 0xffffffff);
	rsc_save("truncated-vdev", &r);

	/* reserved fields set in a carveout, a trace and a vdev */
	rsc_begin(&r, false, 3, 28 + 56 + 48 + 68);
	rsc_offset(&r, 0, 28);
	rsc_mem(&r, 28, RSC_DEVMEM, 0x1000, 0x1000, 0x1000, "mmio");
	rsc_u32(&r, 28 + 20, 1);
	rsc_offset(&r, 1, 84);
	rsc_trace(&r, 84, 0x2000, 0x100, "trace");
	rsc_u32(&r, 84 + 12, 0x80000000);
	rsc_offset(&r, 2, 132);
	rsc_rpmsg(&r, 132, 0, 1);
	rsc_u8(&r, 132 + 27, 1);
	rsc_save("reserved-fields", &r);

	/* vrings: 3 in a vdev, 1 in an rpmsg vdev, 1 in a console (id 3, fine), num 3, align 0 */
	rsc_begin(&r, false, 5, 36 + 88 + 48 + 48 + 68 + 68);
	rsc_offset(&r, 0, 36);
	rsc_vdev(&r, 36, 3, 0, 3);
	for (unsigned int k = 0; k < 3; k++)
		rsc_vring(&r, 36, k, 64, 16, 10 + k);
	rsc_offset(&r, 1, 124);
	rsc_vdev(&r, 124, VIRTIO_RPMSG, 0, 1);
	rsc_vring(&r, 124, 0, 64, 16, 20);
	rsc_offset(&r, 2, 172);
	rsc_vdev(&r, 172, 3, 0, 1);
	rsc_vring(&r, 172, 0, 64, 16, 30);
	rsc_offset(&r, 3, 220);
	rsc_rpmsg(&r, 220, 40, 41);
	rsc_vring(&r, 220, 1, 4096, 3, 41);
	rsc_offset(&r, 4, 288);
	rsc_rpmsg(&r, 288, 50, 51);
	rsc_vring(&r, 288, 0, 0, 256, 50);
	rsc_save("vrings-hostile", &r);

	/* a trace sharing four bytes with a carveout */
	rsc_begin(&r, false, 2, 24 + 52 + 48);
	rsc_offset(&r, 0, 24);
	rsc_mem(&r, 24, RSC_CARVEOUT, 0x1000, ADDR_ANY, 0x1000, "text");
	rsc_offset(&r, 1, 76);
	rsc_trace(&r, 76, 0x2000, 0x100, "trace");
	rsc_save("overlap", &r);

	/* two vdevs declaring notify id 2, a third "any" twice */
	rsc_begin(&r, false, 3, 28 + 3 * 68);
	rsc_offset(&r, 0, 28);
	rsc_rpmsg(&r, 28, 1, 2);
	rsc_offset(&r, 1, 96);
	rsc_rpmsg(&r, 96, 2, 3);
	rsc_offset(&r, 2, 164);
	rsc_rpmsg(&r, 164, ADDR_ANY, ADDR_ANY);
	rsc_save("duplicate-notifyid", &r);

	/* warnings only: unknown types, a name without NUL, gfeatures and status set */
	rsc_begin(&r, true, 5, 36 + 3 * 4 + 56 + 68);
	rsc_offset(&r, 0, 36);
	rsc_u32(&r, 36, 4);
	rsc_offset(&r, 1, 40);
	rsc_u32(&r, 40, 127);
	rsc_offset(&r, 2, 44);
	rsc_u32(&r, 44, 513);
	rsc_offset(&r, 3, 48);
	rsc_mem(&r, 48, RSC_CARVEOUT, 0x1000, ADDR_ANY, 0x1000, "0123456789abcdef0123456789ABCDEF");
	rsc_offset(&r, 4, 104);
	rsc_rpmsg(&r, 104, 0, 1);
	rsc_u32(&r, 104 + 16, 1);
	rsc_u8(&r, 104 + 24, 7);
	rsc_save("warnings", &r);
}

/* ------------------------------------------------------------------ firmware-image seeds */

/* make_malformed.py's memory map: code in flash at 0, data and the table at the start of RAM. */
#define FW_FLASH      0x00000000u
#define FW_RAM        0x20000000u
#define FW_CODE_SIZE  64u
#define FW_BSS        0x100u
#define FW_SHSTRTAB   "\0.text\0.resource_table\0.shstrtab"
#define FW_SHSTR_SIZE sizeof(FW_SHSTRTAB)

/**
 * struct fw - a little-endian ELF32 image being composed
 * @size: its bytes
 * @b: the bytes, zero where nothing was written
 */
struct fw {
	size_t size;
	uint8_t b[sizeof(((struct seed *)0)->b)];
};

static void fw_u8(struct fw *f, size_t off, unsigned int v)
{
	if (off >= sizeof(f->b)) {
		fprintf(stderr, "firmware seed too long\n");
		exit(1);
	}
	f->b[off] = (uint8_t)v;
}

static void fw_u16(struct fw *f, size_t off, unsigned int v)
{
	fw_u8(f, off, v & 0xff);
	fw_u8(f, off + 1, (v >> 8) & 0xff);
}

static void fw_u32(struct fw *f, size_t off, uint32_t v)
{
	fw_u16(f, off, v & 0xffff);
	fw_u16(f, off + 2, v >> 16);
}

/* Program header @i: PT_LOAD of @filesz bytes from @off, at physical (and virtual) @pa. */
static void fw_load(struct fw *f, unsigned int i, uint32_t off, uint32_t pa, uint32_t filesz,
		    uint32_t memsz, uint32_t flags)
{
	size_t ph = 52 + 32 * (size_t)i;

	fw_u32(f, ph, 1);
	fw_u32(f, ph + 4, off);
	fw_u32(f, ph + 8, pa);
	fw_u32(f, ph + 12, pa);
	fw_u32(f, ph + 16, filesz);
	fw_u32(f, ph + 20, memsz);
	fw_u32(f, ph + 24, flags);
	fw_u32(f, ph + 28, 4);
}

/* Section header @i at @shoff: @name (offset in FW_SHSTRTAB), @type, @addr, @off, @size. */
static void fw_section(struct fw *f, size_t shoff, unsigned int i, uint32_t name, uint32_t type,
		       uint32_t addr, uint32_t off, uint32_t size)
{
	size_t sh = shoff + 40 * (size_t)i;

	fw_u32(f, sh, name);
	fw_u32(f, sh + 4, type);
	fw_u32(f, sh + 8, type == 1 ? 2 : 0); /* SHF_ALLOC for PROGBITS */
	fw_u32(f, sh + 12, addr);
	fw_u32(f, sh + 16, off);
	fw_u32(f, sh + 20, size);
	fw_u32(f, sh + 32, type == 1 ? 4 : 1);
}

/*
 * Save an image: the code segment (64 bytes in flash at 0, entry 1), @extra more PT_LOADs of
 * 16 code bytes at 0x1000, 0x1020, ... in flash, and, with a @table, a data segment at FW_RAM
 * holding it (plus FW_BSS zeroed bytes) and the sections null, .text, .resource_table,
 * .shstrtab; without one, no section headers at all (a stripped image).
 */
static void fw_save(const char *name, const struct rsc *table, unsigned int extra)
{
	unsigned int nph = 1 + extra + (table != NULL);
	uint32_t code = (52 + 32 * nph + 15) & ~15u, data = code + FW_CODE_SIZE;
	uint32_t tsize = table ? (uint32_t)table->size : 0;
	uint32_t shstr = data + tsize, shoff = (shstr + (uint32_t)FW_SHSTR_SIZE + 3) & ~3u;
	struct seed s = {.n = 0};
	struct fw f;

	memset(&f, 0, sizeof(f));
	f.size = table ? shoff + 4 * 40 : data;
	if (f.size > sizeof(f.b) || (table && table->big)) {
		fprintf(stderr, "firmware seed %s: too long or not little-endian\n", name);
		exit(1);
	}
	memcpy(f.b, "\177ELF\1\1\1", 7); /* ELF32, little-endian, version 1 */
	fw_u16(&f, 16, 2);               /* ET_EXEC */
	fw_u16(&f, 18, 40);              /* EM_ARM */
	fw_u32(&f, 20, 1);
	fw_u32(&f, 24, FW_FLASH | 1); /* Thumb entry */
	fw_u32(&f, 28, 52);
	fw_u32(&f, 32, table ? shoff : 0);
	fw_u16(&f, 40, 52);
	fw_u16(&f, 42, 32);
	fw_u16(&f, 44, nph);
	fw_u16(&f, 46, 40);
	fw_u16(&f, 48, table ? 4 : 0);
	fw_u16(&f, 50, table ? 3 : 0);
	for (uint32_t k = 0; k < FW_CODE_SIZE; k++)
		f.b[code + k] = (uint8_t)(k * 7 + 1);
	fw_load(&f, 0, code, FW_FLASH, FW_CODE_SIZE, FW_CODE_SIZE, 5);
	for (unsigned int i = 0; i < extra; i++)
		fw_load(&f, 1 + i, code + 16 * (i % 4), FW_FLASH + 0x1000 + 0x20 * i, 16, 16, 5);
	if (table) {
		fw_load(&f, nph - 1, data, FW_RAM, tsize, tsize + FW_BSS, 6);
		memcpy(f.b + data, table->b, tsize);
		memcpy(f.b + shstr, FW_SHSTRTAB, FW_SHSTR_SIZE);
		fw_section(&f, shoff, 1, 1, 1, FW_FLASH, code, FW_CODE_SIZE);
		fw_section(&f, shoff, 2, 7, 1, FW_RAM, data, tsize);
		fw_section(&f, shoff, 3, 23, 3, 0, shstr, FW_SHSTR_SIZE);
	}
	for (size_t k = 0; k < f.size; k++)
		seed_u8(&s, f.b[k]);
	save("fw_image", name, &s);
}

/* An rpmsg vdev whose vrings (@num, align 16) sit at @da0 and @da1; notify ids 0 and 1. */
static void fw_rpmsg_fixed(struct rsc *r, uint32_t off, uint32_t num, uint32_t da0, uint32_t da1)
{
	rsc_vdev(r, off, VIRTIO_RPMSG, 0, 2);
	rsc_vring(r, off, 0, 16, num, 0);
	rsc_vring(r, off, 1, 16, num, 1);
	rsc_u32(r, off + 28, da0);
	rsc_u32(r, off + 48, da1);
}

static void fw_image_seeds(void)
{
	struct rsc r;

	/* Every resource: a carveout and a vring pair placed by the host, a fixed carveout,
	 * devmem, two traces, an rpmsg vdev of fixed vrings, a console vdev (id 3, left alone),
	 * a vendor entry and an unknown one; two rpmsg links. */
	rsc_begin(&r, false, 10, 56 + 2 * 56 + 56 + 2 * 48 + 68 + 68 + 48 + 8 + 4);
	rsc_offset(&r, 0, 56);
	rsc_mem(&r, 56, RSC_CARVEOUT, ADDR_ANY, ADDR_ANY, 0x3000, "host-placed");
	rsc_offset(&r, 1, 112);
	rsc_mem(&r, 112, RSC_CARVEOUT, FW_RAM + 0x4000, ADDR_ANY, 0x1000, "fixed");
	rsc_offset(&r, 2, 168);
	rsc_mem(&r, 168, RSC_DEVMEM, 0x40000000, 0x40000000, 0x1000, "uart");
	rsc_offset(&r, 3, 224);
	rsc_trace(&r, 224, FW_RAM + 0x6000, 0x400, "trace0");
	rsc_offset(&r, 4, 272);
	rsc_trace(&r, 272, FW_RAM + 0x6400, 0x400, "trace1");
	rsc_offset(&r, 5, 320);
	rsc_rpmsg(&r, 320, 0, 1);
	rsc_vring(&r, 320, 0, 16, 16, 0);
	rsc_vring(&r, 320, 1, 4096, 32, 1);
	rsc_offset(&r, 6, 388);
	fw_rpmsg_fixed(&r, 388, 8, FW_RAM + 0x8000, FW_RAM + 0x9000);
	rsc_u32(&r, 388 + 40, 2);
	rsc_u32(&r, 388 + 60, 3);
	rsc_offset(&r, 7, 456);
	rsc_vdev(&r, 456, 3, 0, 1);
	rsc_vring(&r, 456, 0, 16, 4, 9);
	rsc_offset(&r, 8, 504);
	rsc_u32(&r, 504, 128);
	rsc_u32(&r, 508, 8);
	rsc_offset(&r, 9, 512);
	rsc_u32(&r, 512, 77);
	fw_save("fw-every-resource", &r, 0);

	/* nine traces: one more than the host keeps */
	rsc_begin(&r, false, 9, 52 + 9 * 48);
	for (uint32_t i = 0; i < 9; i++) {
		rsc_offset(&r, i, 52 + 48 * i);
		rsc_trace(&r, 52 + 48 * i, FW_RAM + 0x1000 + 0x100 * i, 0x100, "trace");
	}
	fw_save("fw-nine-traces", &r, 0);

	/* five rpmsg vdevs of one-entry rings: one more than the host drives */
	rsc_begin(&r, false, 5, 36 + 5 * 68);
	for (uint32_t i = 0; i < 5; i++) {
		rsc_offset(&r, i, 36 + 68 * i);
		rsc_rpmsg(&r, 36 + 68 * i, 2 * i, 2 * i + 1);
		rsc_vring(&r, 36 + 68 * i, 0, 16, 1, 2 * i);
		rsc_vring(&r, 36 + 68 * i, 1, 16, 1, 2 * i + 1);
	}
	fw_save("fw-five-vdevs", &r, 0);

	/* the last vendor type, which the harness's platform refuses */
	rsc_begin(&r, false, 1, 20 + 8);
	rsc_offset(&r, 0, 20);
	rsc_u32(&r, 20, 512);
	rsc_u32(&r, 24, 8);
	fw_save("fw-vendor-refused", &r, 0);

	/* rings of 256 at align 4096 and 512 buffers: 24 KiB of rings, 256 KiB of buffers */
	rsc_begin(&r, false, 1, 20 + 68);
	rsc_offset(&r, 0, 20);
	rsc_rpmsg(&r, 20, 0, 1);
	fw_save("fw-buffers-exceed-pool", &r, 0);

	/* vring 0 on the loaded table itself, vring 1 right after it */
	rsc_begin(&r, false, 1, 20 + 68);
	rsc_offset(&r, 0, 20);
	fw_rpmsg_fixed(&r, 20, 4, FW_RAM, FW_RAM + 0x100);
	fw_save("fw-ring-on-table", &r, 0);

	/* no table and no section headers; then forty small segments and no table either */
	fw_save("fw-stripped", NULL, 0);
	fw_save("fw-forty-segments", NULL, 39);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0777) && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}
	device_seeds();
	driver_seeds();
	rsc_table_seeds();
	fw_image_seeds();
	return 0;
}
