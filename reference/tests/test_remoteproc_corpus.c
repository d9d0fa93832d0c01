// SPDX-License-Identifier: BSD-3-Clause
/*
 * The remoteproc host's loader on every file of fixtures/firmware/malformed/ (written by
 * make_malformed.py): each image is booted on a fake platform and must reach the outcome the
 * table below gives it: booted, with its segments loaded byte for byte and its rpmsg links up,
 * or refused with its reason, in the loader's words (remoteproc_load.c; they are not
 * `ampsim firmware inspect`'s, although the reader's reasons come through after "firmware: ").
 * Every file of the folder needs a row and every row a file, so that a new corpus file cannot
 * be forgotten. The firmware is handed to the host in read-only pages: neither the loader nor
 * libelf may write into it.
 *
 * Then the images with an rpmsg vdev are booted again and the loaded table is read back: the
 * carveout's addresses, the vring addresses and notify ids and the status the host wrote, in
 * the image's byte order, and the receive buffers it posted; a carveout and notify ids left to
 * the host are placed and numbered by it; and valid images that do not suit the processor
 * (byte order, class, machine) or its memory are refused with the reason.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <dirent.h>
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "amp/error.h"
#include "amp/fw_image.h"
#include "amp/remoteproc.h"
#include "amp/virtio.h"
#include "testing.h"

/*
 * The fake remote's memory, the map of make_malformed.py's images: code in flash at 0, data and
 * the resource table at the start of RAM, and the sample table's carveout "vdev0buffer" and
 * fixed vrings at 0x20010000-0x20017fff, hence 128 KiB of RAM. RAM's physical address differs
 * from its device address (as a Cortex-M TCM seen from the host does), so that a written-back
 * physical address is visibly computed. The pool holds what the host allocates.
 */
#define FLASH_DA  0x00000000u
#define FLASH_LEN 0x10000u
#define RAM_DA    0x20000000u
#define RAM_PA    0x00800000u
#define RAM_LEN   0x20000u
#define POOL_DA   0x30000000u
#define POOL_PA   0x80000000u
#define POOL_LEN  0x40000u
#define PIECES    3
/* Memory before the load: neither zero nor a plausible word of a table. */
#define FILL 0xee

/* make_malformed.py: the sample table at file offset 0x200, loaded at RAM_DA. */
#define TABLE_FILE_OFF 0x200u
#define CARVEOUT_OFF   0x1cu /* entry 0 */
#define VDEV_OFF       0x84u /* entry 2, vrings at 0xa0 and 0xb4 */
#define VRING0_DA      0x20010000u
#define VRING1_DA      0x20014000u
#define VRING_NUM      16u
/* The host's rpmsg buffers (the default size) and Linux's pool split: receive half first. */
#define BUF_SIZE 512u

/* ------------------------------------------------------------------ the table */

/**
 * enum outcome - what the host does with a corpus file
 * @BOOTS: loads and starts it
 * @REFUSED: refuses it at boot with a reason
 * @NOT_CREATED: refuses the configuration (an empty firmware)
 * @NOT_AN_IMAGE: a file of the folder that is not an image (the generator, the expectations)
 */
enum outcome {
	BOOTS,
	REFUSED,
	NOT_CREATED,
	NOT_AN_IMAGE,
};

/**
 * struct corpus_case - one file and its outcome
 * @file: the file name
 * @outcome: what the host does
 * @reason: @REFUSED: text the boot's reason must contain
 * @links: @BOOTS: rpmsg links the boot brings up
 * @vendor: @BOOTS: vendor entries handed to the platform
 */
struct corpus_case {
	const char *file;
	enum outcome outcome;
	const char *reason;
	unsigned int links;
	unsigned int vendor;
};

#define BOOT(f, l, v)                                                                              \
	{                                                                                          \
		f, BOOTS, NULL, l, v                                                               \
	}
#define REFUSE(f, why)                                                                             \
	{                                                                                          \
		f, REFUSED, why, 0, 0                                                              \
	}
#define FW(why)        "firmware: " why
#define RSC(why)       "resource table" why
#define ENTRY2(why)    "resource table entry 2: " why
#define PAST_EOF(what) what " runs past the end of the file (912 bytes)"

static const struct corpus_case corpus[] = {
	/* Valid images: everything fits the memory above; one rpmsg link each (none without a
	 * table); warnings (unknown entry, host fields, name, address mismatch) do not stop
	 * the host; the vendor entry goes to the platform. */
	BOOT("valid.elf", 1, 0),
	BOOT("big_endian.elf", 1, 0),
	BOOT("elf64_valid.elf", 1, 0),
	BOOT("no_rsc_table.elf", 0, 0),
	BOOT("shnum_extended.elf", 1, 0),
	BOOT("phnum_xnum.elf", 1, 0),
	BOOT("unknown_entry_type.elf", 1, 0),
	BOOT("vendor_entry.elf", 1, 1),
	BOOT("vdev_host_fields.elf", 1, 0),
	BOOT("rsc_addr_mismatch.elf", 1, 0),
	/* A valid table whose carveout (4 GiB at the host's choice) fits no memory. */
	REFUSE("huge_fields.elf",
	       "carveout 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' (4294967295 bytes): no room in the "
	       "remote's memory"),

	/* ELF identification and header: the reader's reason after "firmware: ". */
	{"empty.elf", NOT_CREATED, NULL, 0, 0},
	REFUSE("not_elf.bin", FW("not an ELF file (no \\x7fELF magic at offset 0)")),
	REFUSE("truncated_ident.elf",
	       FW("truncated ELF header: 10 bytes, the identification alone is 16")),
	REFUSE("truncated_header.elf", FW("truncated ELF header: 30 bytes, an ELF32 header is 52")),
	REFUSE("truncated_body.elf",
	       FW("section header table (e_shoff 0x2f0, 4 entries of 40 bytes) runs past the end "
		  "of the file (544 bytes)")),
	REFUSE("bad_class.elf", FW("unsupported ELF class 3")),
	REFUSE("bad_data.elf", FW("unsupported ELF data encoding 0")),
	REFUSE("bad_ident_version.elf", FW("unsupported ELF version 2")),
	REFUSE("no_phdrs.elf", FW("no program headers (e_phnum 0): nothing to load")),
	REFUSE("bad_phentsize.elf", FW("e_phentsize 40, an ELF32 program header is 32 bytes")),
	REFUSE("phoff_past_eof.elf",
	       FW(PAST_EOF("program header table (e_phoff 0x490, 2 entries of 32 bytes)"))),
	REFUSE("phoff_huge.elf",
	       FW(PAST_EOF("program header table (e_phoff 0xfffffff0, 2 entries of 32 bytes)"))),
	REFUSE("phnum_xnum_huge.elf",
	       FW(PAST_EOF("program header table (e_phoff 0x34, 2147483647 entries of 32 bytes)"))),
	REFUSE("bad_shentsize.elf", FW("e_shentsize 64, an ELF32 section header is 40 bytes")),
	REFUSE("shoff_past_eof.elf",
	       FW(PAST_EOF("section header table (e_shoff 0x490, 4 entries of 40 bytes)"))),
	REFUSE("shoff_huge.elf",
	       FW(PAST_EOF("section header table (e_shoff 0xfffffff0, 4 entries of 40 bytes)"))),
	REFUSE("shnum_extended_huge.elf",
	       FW(PAST_EOF(
		       "section header table (e_shoff 0x2f0, 4294967295 entries of 40 bytes)"))),
	REFUSE("bad_shstrndx.elf", FW("section name table index 99 is not a section (the file has "
				      "4)")),
	REFUSE("shstrndx_not_strtab.elf",
	       FW("section name table (section 1) has type 1, not SHT_STRTAB")),
	REFUSE("shstrtab_past_eof.elf",
	       FW(PAST_EOF("section name table (section 3): sh_offset 0xffffff00 + sh_size 0x21"))),
	REFUSE("shstrtab_unterminated.elf",
	       FW("section 2: name at offset 0x7 is not terminated inside the section name table")),
	REFUSE("section_name_outside.elf",
	       FW("section 1: name offset 0x1000 lies outside the section name table (33 bytes)")),
	REFUSE("no_load_segment.elf",
	       FW("no PT_LOAD segment among the 1 program headers: nothing to load")),

	/* PT_LOAD segments: the reader's checks, run by the loader before anything is placed. */
	REFUSE("segment_past_eof.elf",
	       FW(PAST_EOF("program header 1 (PT_LOAD): p_offset 0x200 + p_filesz 0x10000"))),
	REFUSE("huge_segment.elf",
	       FW(PAST_EOF("program header 1 (PT_LOAD): p_offset 0xffffffff + p_filesz "
			   "0xffffffff"))),
	REFUSE("filesz_gt_memsz.elf",
	       FW("program header 1 (PT_LOAD): p_filesz 0xc8 exceeds p_memsz 0xc0")),
	REFUSE("segment_wraps.elf",
	       FW("program header 1 (PT_LOAD): p_paddr 0xffffff00 + p_memsz 0x1c8 wraps the 32-bit "
		  "address space")),
	REFUSE("segments_overlap.elf",
	       FW("PT_LOAD segments 0 (physical 0x0-0x3f) and 1 (0x20-0x1e7) overlap")),

	/* The .resource_table section: its bytes must be in a segment's file image. */
	REFUSE("rsc_outside_load.elf", RSC(" is not in the loaded part of the image")),
	REFUSE("rsc_nobits.elf", RSC(" is not in the loaded part of the image")),
	REFUSE("rsc_section_past_eof.elf", RSC(" is not in the loaded part of the image")),

	/* The table header (no entry to name). */
	REFUSE("rsc_short.elf", RSC(": table shorter than its 16-byte header")),
	REFUSE("rsc_bad_version.elf", RSC(": unsupported table version (not 1)")),
	REFUSE("rsc_reserved_nonzero.elf", RSC(": non-zero reserved words in the table header")),
	REFUSE("rsc_huge_num.elf", RSC(": offset array runs past the table")),
	REFUSE("rsc_too_many_entries.elf", RSC(": more entries than the checks accept (1024)")),

	/* Entries and the checks across them: the first entry concerned. */
	REFUSE("rsc_offset_range.elf",
	       RSC(" entry 1: entry offset outside the table or inside its header")),
	REFUSE("rsc_offset_in_header.elf",
	       RSC(" entry 1: entry offset outside the table or inside its header")),
	REFUSE("rsc_offset_unaligned.elf", RSC(" entry 1: entry offset not a multiple of 4")),
	REFUSE("entry_reserved_nonzero.elf", RSC(" entry 0: non-zero reserved field in an entry")),
	REFUSE("entries_overlap.elf", RSC(" entry 0: entries overlap")),
	REFUSE("vdev_truncated.elf", ENTRY2("entry runs past the table")),
	REFUSE("huge_vdev_config_len.elf", ENTRY2("entry runs past the table")),
	REFUSE("vdev_3_vrings.elf", ENTRY2("vdev vring count (at most 2; rpmsg needs exactly 2)")),
	REFUSE("rpmsg_1_vring.elf", ENTRY2("vdev vring count (at most 2; rpmsg needs exactly 2)")),
	REFUSE("vring_num_3.elf", ENTRY2("vring num zero, not a power of two, or above 32768")),
	REFUSE("vring_num_0.elf", ENTRY2("vring num zero, not a power of two, or above 32768")),
	REFUSE("vring_num_too_big.elf",
	       ENTRY2("vring num zero, not a power of two, or above 32768")),
	REFUSE("big_endian_bad_vring.elf",
	       ENTRY2("vring num zero, not a power of two, or above 32768")),
	REFUSE("vring_align_0.elf", ENTRY2("vring align zero or not a power of two")),
	REFUSE("notifyid_dup.elf", ENTRY2("two vrings declare the same notify id")),
	REFUSE("notifyid_dup_across.elf", ENTRY2("two vrings declare the same notify id")),

	{"expected.yaml", NOT_AN_IMAGE, NULL, 0, 0},
	{"make_malformed.py", NOT_AN_IMAGE, NULL, 0, 0},
};

/* ------------------------------------------------------------------ the fake platform */

/**
 * struct platform - the remote's memory and what the host's operations saw
 * @mem: flash, RAM, pool
 * @starts: start calls
 * @stops: stop calls
 * @entry: the entry point of the last start
 * @vendor: vendor entries handed over
 */
struct platform {
	struct amp_rproc_mem mem[PIECES];
	unsigned int starts, stops;
	uint64_t entry;
	unsigned int vendor;
};

static struct platform plat;

static int op_start(void *ctx, struct amp_rproc *rproc, uint64_t entry)
{
	(void)ctx;
	(void)rproc;
	plat.starts++;
	plat.entry = entry;
	return 0;
}

static int op_stop(void *ctx, struct amp_rproc *rproc)
{
	(void)ctx;
	(void)rproc;
	plat.stops++;
	return 0;
}

static void op_kick(void *ctx, struct amp_rproc *rproc, uint32_t notifyid)
{
	(void)ctx;
	(void)rproc;
	(void)notifyid;
}

static int op_handle_rsc(void *ctx, struct amp_rproc *rproc, uint32_t type,
			 const volatile void *entry, size_t avail)
{
	(void)ctx;
	(void)rproc;
	(void)entry;
	(void)avail;
	if (type == AMP_RSC_VENDOR_START)
		plat.vendor++;
	return 0;
}

static const struct amp_rproc_ops ops = {
	.start = op_start,
	.stop = op_stop,
	.kick = op_kick,
	.handle_rsc = op_handle_rsc,
};

static void platform_init(size_t ram_len)
{
	static const struct amp_rproc_mem map[PIECES] = {
		{FLASH_DA, FLASH_DA, NULL, FLASH_LEN, 0},
		{RAM_DA, RAM_PA, NULL, RAM_LEN, 0},
		{POOL_DA, POOL_PA, NULL, POOL_LEN, AMP_RPROC_MEM_POOL},
	};

	memset(&plat, 0, sizeof(plat));
	for (int i = 0; i < PIECES; i++) {
		plat.mem[i] = map[i];
		if (i == 1)
			plat.mem[i].size = ram_len;
		/* page-aligned, as the host places carveouts and vrings on page boundaries */
		plat.mem[i].va = aligned_alloc(4096, plat.mem[i].size);
		if (plat.mem[i].va)
			memset(plat.mem[i].va, FILL, plat.mem[i].size);
	}
}

static void platform_free(void)
{
	for (int i = 0; i < PIECES; i++)
		free(plat.mem[i].va);
}

/* The host pointer of device address @da (@len bytes in one piece), or NULL. */
static uint8_t *remote(uint64_t da, uint64_t len)
{
	for (int i = 0; i < PIECES; i++) {
		const struct amp_rproc_mem *m = &plat.mem[i];

		if (m->va && da >= m->da && da - m->da <= m->size && len <= m->size - (da - m->da))
			return (uint8_t *)m->va + (da - m->da);
	}
	return NULL;
}

/* ------------------------------------------------------------------ images */

/**
 * struct image - a corpus file, in read-only pages
 * @bytes: the file (NULL when empty)
 * @size: bytes
 * @map_size: bytes mapped
 * @big: the file says big-endian (EI_DATA)
 */
struct image {
	uint8_t *bytes;
	size_t size;
	size_t map_size;
	bool big;
};

/* Map @size bytes from @src read-only: a write by the host or by libelf faults. */
static bool image_from(struct image *img, const uint8_t *src, size_t size)
{
	memset(img, 0, sizeof(*img));
	img->size = size;
	img->big = size > EI_DATA && src[EI_DATA] == ELFDATA2MSB;
	if (!size)
		return true;
	img->map_size = size;
	img->bytes = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img->bytes == MAP_FAILED) {
		img->bytes = NULL;
		return false;
	}
	memcpy(img->bytes, src, size);
	return mprotect(img->bytes, size, PROT_READ) == 0;
}

static bool image_load(struct image *img, const char *name)
{
	char path[512], why[AMP_FW_WHY_SIZE];
	uint8_t *bytes;
	size_t size;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", AMP_CORPUS_DIR, name);
	if (amp_fw_image_read_file(path, &bytes, &size, why)) {
		fprintf(stderr, "  %s\n", why);
		return false;
	}
	ok = image_from(img, bytes, size);
	free(bytes);
	return ok;
}

static void image_free(struct image *img)
{
	if (img->bytes)
		munmap(img->bytes, img->map_size);
}

/* A 32-bit word of the image or of remote memory, in the image's byte order. */
static uint32_t rd32(const struct image *img, const volatile uint8_t *p)
{
	if (img->big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const struct image *img, const volatile uint8_t *p)
{
	uint64_t a = rd32(img, p), b = rd32(img, p + 4);

	return img->big ? a << 32 | b : b << 32 | a;
}

static uint16_t rd16(const struct image *img, const volatile uint8_t *p)
{
	return img->big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static void wr32(const struct image *img, uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[img->big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/*
 * Every PT_LOAD of @img in remote memory: its file bytes and a zeroed tail, read with libelf.
 * The resource table's range ([sh_addr, sh_addr + sh_size) of .resource_table) is left out:
 * the host copies its own, written-back table there.
 */
static void check_segments(const struct image *img)
{
	uint64_t table_da = 0, table_len = 0;
	Elf_Scn *scn = NULL;
	size_t phnum, shstrndx;
	Elf *elf;

	REQUIRE(elf_version(EV_CURRENT) != EV_NONE);
	elf = elf_memory((char *)img->bytes, img->size);
	REQUIRE(elf != NULL);
	REQUIRE(elf_getphdrnum(elf, &phnum) == 0 && elf_getshdrstrndx(elf, &shstrndx) == 0);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		REQUIRE(gelf_getshdr(scn, &sh) != NULL);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".resource_table")) {
			table_da = sh.sh_addr;
			table_len = sh.sh_size;
			break;
		}
	}
	for (size_t i = 0; i < phnum; i++) {
		unsigned int wrong = 0;
		const uint8_t *m;
		GElf_Phdr ph;

		REQUIRE(gelf_getphdr(elf, (int)i, &ph) != NULL);
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		m = remote(ph.p_paddr, ph.p_memsz);
		CHECK(m != NULL);
		for (uint64_t k = 0; m && k < ph.p_memsz; k++) {
			uint64_t da = ph.p_paddr + k;

			if (da >= table_da && da - table_da < table_len)
				continue;
			wrong += m[k] != (k < ph.p_filesz ? img->bytes[ph.p_offset + k] : 0);
		}
		CHECK_EQ(wrong, 0);
	}
	elf_end(elf);
}

/* ------------------------------------------------------------------ booting */

/**
 * struct boot - one boot of an image on the platform
 * @node: the host's rpmsg node
 * @reg: the registry
 * @rp: the processor
 * @ret: amp_rproc_boot()
 * @why: its reason
 */
struct boot {
	struct amp_rpmsg_node node;
	struct amp_rproc_registry reg;
	struct amp_rproc *rp;
	int ret;
	char why[AMP_RPROC_WHY_SIZE];
};

/* The processor: any machine, either class, the image's byte order (each may be narrowed). */
static struct amp_rproc_config config(struct boot *b, const struct image *img)
{
	return (struct amp_rproc_config){
		.name = "m4",
		.ops = &ops,
		.mem = plat.mem,
		.mem_count = PIECES,
		.order = img->big ? AMP_BIG_ENDIAN : AMP_LITTLE_ENDIAN,
		.firmware = img->bytes,
		.firmware_size = img->size,
		.node = &b->node,
	};
}

/* Create and boot; 0, or the create's error (then nothing is registered). */
static int boot_start(struct boot *b, const struct amp_rproc_config *cfg)
{
	int ret;

	memset(b, 0, sizeof(*b));
	amp_rpmsg_node_init(&b->node, NULL, NULL);
	ret = amp_rproc_create(&b->reg, cfg, &b->rp);
	if (ret)
		return ret;
	b->ret = amp_rproc_boot(b->rp, b->why);
	return 0;
}

/* Shut down what booted, drop the processor: nothing may stay registered or on the node. */
static void boot_end(struct boot *b)
{
	if (!b->ret) {
		CHECK_EQ(amp_rproc_shutdown(b->rp), 0);
		CHECK_EQ(amp_rproc_state(b->rp), AMP_RPROC_OFFLINE);
		CHECK_EQ(plat.stops, plat.starts);
	}
	CHECK_EQ(amp_rproc_put(b->rp), 0);
	CHECK(b->reg.head == NULL);
	CHECK(b->node.links == NULL);
}

/* Boot a valid image on the platform and expect a refusal containing @reason. */
static void expect_refusal(const struct amp_rproc_config *cfg, const char *reason)
{
	struct boot b;

	REQUIRE(boot_start(&b, cfg) == 0);
	CHECK(b.ret < 0);
	if (!strstr(b.why, reason))
		fprintf(stderr, "  expected \"%s\" in \"%s\"\n", reason, b.why);
	CHECK(strstr(b.why, reason) != NULL);
	CHECK_EQ(amp_rproc_state(b.rp), AMP_RPROC_OFFLINE);
	CHECK_EQ(plat.starts, 0);
	boot_end(&b);
}

static void run_case(const struct corpus_case *c)
{
	struct amp_rproc_config cfg;
	struct image img;
	struct boot b;

	if (c->outcome == NOT_AN_IMAGE)
		return;
	REQUIRE(image_load(&img, c->file));
	platform_init(RAM_LEN);
	cfg = config(&b, &img);
	if (c->outcome == NOT_CREATED) {
		CHECK_EQ(boot_start(&b, &cfg), -AMP_EINVAL);
		CHECK(b.reg.head == NULL);
	} else if (c->outcome == REFUSED) {
		expect_refusal(&cfg, c->reason);
	} else {
		REQUIRE(boot_start(&b, &cfg) == 0);
		if (b.ret)
			fprintf(stderr, "  boot: %d %s\n", b.ret, b.why);
		CHECK_EQ(b.ret, 0);
		CHECK_EQ(amp_rproc_state(b.rp), AMP_RPROC_RUNNING);
		CHECK_EQ(plat.starts, 1);
		CHECK_EQ(plat.entry, 1); /* make_malformed.py: e_entry = TEXT_ADDR | 1 (Thumb) */
		CHECK_EQ(plat.vendor, c->vendor);
		CHECK(c->links == 0 || amp_rproc_link(b.rp, c->links - 1) != NULL);
		CHECK(amp_rproc_link(b.rp, c->links) == NULL);
		check_segments(&img);
		boot_end(&b);
	}
	platform_free();
	image_free(&img);
}

/* ------------------------------------------------------------------ tests */

static const struct corpus_case *find_case(const char *file)
{
	for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
		if (!strcmp(corpus[i].file, file))
			return &corpus[i];
	}
	return NULL;
}

/* Every file of the folder, in the table; every row, in the folder. */
static void test_corpus(void)
{
	bool seen[ARRAY_SIZE(corpus)] = {0};
	DIR *dir = opendir(AMP_CORPUS_DIR);
	struct dirent *e;

	REQUIRE(dir != NULL);
	while ((e = readdir(dir))) {
		const struct corpus_case *c;
		int failures = test_failures;

		if (e->d_name[0] == '.')
			continue;
		c = find_case(e->d_name);
		if (!c) {
			fprintf(stderr, "  %s: a corpus file without a row in the table\n",
				e->d_name);
			CHECK(c != NULL);
			continue;
		}
		seen[c - corpus] = true;
		run_case(c);
		if (test_failures != failures)
			fprintf(stderr, "  ^ %s\n", c->file);
	}
	closedir(dir);
	for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
		if (!seen[i])
			fprintf(stderr, "  %s: a row without a file in the corpus\n",
				corpus[i].file);
		CHECK(seen[i]);
	}
}

/*
 * A booted image's loaded table as the host wrote it: the carveout at @carveout_da (physical
 * @carveout_pa), notify ids 0 and 1, the fixed vrings' addresses, the features it took and
 * DRIVER_OK; ring 0 holds the receive buffers, which are the first @pool_skip bytes into the
 * pool.
 */
static void check_loaded_table(const struct image *img, uint32_t carveout_da, uint32_t carveout_pa,
			       uint32_t pool_skip)
{
	const uint8_t *t = remote(RAM_DA, 0x100), *vd, *ring0;

	REQUIRE(t != NULL);
	vd = t + VDEV_OFF;
	CHECK_EQ(rd32(img, t + CARVEOUT_OFF + 4), carveout_da);
	CHECK_EQ(rd32(img, t + CARVEOUT_OFF + 8), carveout_pa);
	CHECK_EQ(rd32(img, vd + AMP_VDEV_OFF_GFEATURES), 1u << AMP_VIRTIO_RPMSG_F_NS);
	CHECK_EQ(vd[AMP_VDEV_OFF_STATUS], AMP_VIRTIO_STATUS_ACKNOWLEDGE | AMP_VIRTIO_STATUS_DRIVER |
						  AMP_VIRTIO_STATUS_DRIVER_OK);
	for (unsigned int k = 0; k < 2; k++) {
		const uint8_t *v = vd + AMP_VDEV_OFF_VRING + AMP_VDEV_VRING_SIZE * k;

		CHECK_EQ(rd32(img, v + AMP_VDEV_VRING_OFF_DA), k ? VRING1_DA : VRING0_DA);
		CHECK_EQ(rd32(img, v + AMP_VDEV_VRING_OFF_NOTIFYID), k);
	}
	/* Ring 0: the receive buffers, device-writable, all 16 made available. */
	ring0 = remote(VRING0_DA, 0x1000);
	REQUIRE(ring0 != NULL);
	for (unsigned int d = 0; d < VRING_NUM; d++) {
		const uint8_t *desc = ring0 + 16 * d;

		CHECK_EQ(rd64(img, desc), POOL_DA + pool_skip + d * BUF_SIZE);
		CHECK_EQ(rd32(img, desc + 8), BUF_SIZE);
		CHECK_EQ(rd16(img, desc + 12), AMP_VRING_DESC_F_WRITE);
	}
	CHECK_EQ(rd16(img, ring0 + 16 * VRING_NUM + 2), VRING_NUM); /* avail.idx */
}

/* The images with an rpmsg vdev, booted and read back; the status is reset at shutdown. */
static void test_loaded_table(void)
{
	static const char *const files[] = {"valid.elf", "big_endian.elf", "elf64_valid.elf"};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct amp_rproc_config cfg;
		struct image img;
		struct boot b;

		REQUIRE(image_load(&img, files[i]));
		platform_init(RAM_LEN);
		cfg = config(&b, &img);
		REQUIRE(boot_start(&b, &cfg) == 0);
		CHECK_EQ(b.ret, 0);
		/* vdev0buffer stays where the image put it; its physical address is RAM's */
		check_loaded_table(&img, 0x20010000u, RAM_PA + 0x10000u, 0);
		boot_end(&b);
		CHECK_EQ(remote(RAM_DA, 0x100)[VDEV_OFF + AMP_VDEV_OFF_STATUS], 0);
		platform_free();
		image_free(&img);
	}
}

/*
 * valid.elf with its carveout and notify ids left to the host (da ANY, ids 9 and 4): the
 * carveout comes first from the pool, the rpmsg buffers on the next page after it, and the ids
 * are 0 and 1 whatever the image said; the image itself is not written.
 */
static void test_host_choices(void)
{
	const uint32_t id_off[2] = {TABLE_FILE_OFF + VDEV_OFF + AMP_VDEV_OFF_VRING +
					    AMP_VDEV_VRING_OFF_NOTIFYID,
				    TABLE_FILE_OFF + VDEV_OFF + AMP_VDEV_OFF_VRING +
					    AMP_VDEV_VRING_SIZE + AMP_VDEV_VRING_OFF_NOTIFYID};
	struct amp_rproc_config cfg;
	struct image file, img;
	uint8_t *patched;
	struct boot b;

	REQUIRE(image_load(&file, "valid.elf"));
	patched = malloc(file.size);
	REQUIRE(patched != NULL);
	memcpy(patched, file.bytes, file.size);
	wr32(&file, patched + TABLE_FILE_OFF + CARVEOUT_OFF + 4, AMP_FW_RSC_ADDR_ANY);
	wr32(&file, patched + id_off[0], 9);
	wr32(&file, patched + id_off[1], 4);
	REQUIRE(image_from(&img, patched, file.size));
	free(patched);
	platform_init(RAM_LEN);
	cfg = config(&b, &img);
	REQUIRE(boot_start(&b, &cfg) == 0);
	CHECK_EQ(b.ret, 0);
	/* the carveout is 0x8000 bytes: the buffers start on the page after it */
	check_loaded_table(&img, POOL_DA, POOL_PA, 0x8000);
	CHECK_EQ(rd32(&img, img.bytes + id_off[0]), 9);
	CHECK_EQ(rd32(&img, img.bytes + id_off[1]), 4);
	boot_end(&b);
	platform_free();
	image_free(&img);
	image_free(&file);
}

/* Valid images the processor or its memory does not take: refused with the reason. */
static void test_processor_mismatch(void)
{
	struct amp_rproc_config cfg;
	struct image img;
	struct boot b;

	REQUIRE(image_load(&img, "big_endian.elf"));
	platform_init(RAM_LEN);
	cfg = config(&b, &img);
	cfg.order = AMP_LITTLE_ENDIAN;
	expect_refusal(&cfg, "firmware is big-endian, the processor is not");
	platform_free();
	image_free(&img);

	REQUIRE(image_load(&img, "elf64_valid.elf"));
	platform_init(RAM_LEN);
	cfg = config(&b, &img);
	cfg.elf_class = 32;
	expect_refusal(&cfg, "firmware is ELF64, the processor takes ELF32");
	platform_free();
	image_free(&img);

	REQUIRE(image_load(&img, "valid.elf"));
	platform_init(RAM_LEN);
	cfg = config(&b, &img);
	cfg.machine = EM_AARCH64;
	expect_refusal(&cfg, "firmware is for machine 40, the processor is 183");
	platform_free();

	/* 64 KiB of RAM ends exactly where vdev0buffer starts. */
	platform_init(0x10000);
	cfg = config(&b, &img);
	expect_refusal(&cfg, "carveout 'vdev0buffer' at 0x20010000 (32768 bytes) is outside the "
			     "remote's memory");
	platform_free();
	image_free(&img);
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_corpus),
		TEST(test_loaded_table),
		TEST(test_host_choices),
		TEST(test_processor_mismatch),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
