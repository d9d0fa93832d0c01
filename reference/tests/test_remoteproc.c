// SPDX-License-Identifier: BSD-3-Clause
/*
 * The remoteproc host end to end against a fake remote core in the same process: the test
 * builds a small ELF image (a code segment in flash, a data segment in RAM holding the resource
 * table: a carveout, a trace buffer and an rpmsg vdev), the host loads and starts it, and the
 * "remote" is the firmware side of the reference run natively: when the platform starts it, it
 * finds its vdev in the loaded table, brings up the device role and announces
 * "rpmsg-client-sample"; it echoes every message. Everything is stepped on one thread, so each
 * run is exact: boot, announce, probe, "dude" and N echoes, shutdown; 100 crash and recovery
 * cycles with messages after each and the core dump read back; reference counts and the power
 * count; attaching to a running remote; images the host must refuse, each with its reason.
 */
#define _POSIX_C_SOURCE 200809L
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "amp/error.h"
#include "amp/remoteproc.h"
#include "amp/virtio.h"
#include "testing.h"

/* The remote's memory map: flash, RAM (the image's data and table), DDR (the host's pool). */
#define FLASH_DA  0x00000000u
#define FLASH_LEN 0x10000u
#define RAM_DA    0x20000000u
#define RAM_LEN   0x10000u
#define DDR_DA    0x30000000u
#define DDR_PA    0x80000000u
#define DDR_LEN   0x80000u
#define ENTRY     0x101u
#define TRACE_DA  (RAM_DA + 0x1000u)
#define TRACE_LEN 256u
#define REPLIES   20u

static uint8_t *flash, *ram, *ddr;

/* ------------------------------------------------------------------ the image */

/**
 * struct image_opts - what the built image looks like (defaults: a valid one)
 * @machine: e_machine
 * @num: vring sizes
 * @table_da: where the table section is loaded
 * @code_da: where the code segment goes
 * @no_table: leave the .resource_table section out
 * @carveout_da: the carveout's address (AMP_FW_RSC_ADDR_ANY: host's choice)
 */
struct image_opts {
	uint16_t machine;
	uint32_t num[2];
	uint32_t table_da;
	uint32_t code_da;
	bool no_table;
	uint32_t carveout_da;
};

static void default_opts(struct image_opts *o)
{
	*o = (struct image_opts){.machine = EM_ARM,
				 .num = {16, 16},
				 .table_da = RAM_DA,
				 .code_da = FLASH_DA,
				 .carveout_da = AMP_FW_RSC_ADDR_ANY};
}

/* The table: carveout, trace, rpmsg vdev with two vrings at ANY. */
static size_t build_table(uint8_t *t, const struct image_opts *o)
{
	struct {
		struct amp_fw_rsc_table_hdr hdr;
		uint32_t offset[3];
		struct amp_fw_rsc_carveout carveout;
		struct amp_fw_rsc_trace trace;
		struct amp_fw_rsc_vdev vdev;
		struct amp_fw_rsc_vdev_vring vring[2];
	} table = {
		.hdr = {.ver = 1, .num = 3},
		.offset = {28, 84, 132},
		.carveout = {.type = AMP_RSC_CARVEOUT,
			     .da = o->carveout_da,
			     .pa = AMP_FW_RSC_ADDR_ANY,
			     .len = 0x2000,
			     .name = "work"},
		.trace = {.type = AMP_RSC_TRACE, .da = TRACE_DA, .len = TRACE_LEN, .name = "log"},
		.vdev = {.type = AMP_RSC_VDEV,
			 .id = AMP_VIRTIO_ID_RPMSG,
			 .notifyid = 7,
			 .dfeatures = 1u << AMP_VIRTIO_RPMSG_F_NS,
			 .num_of_vrings = 2},
		.vring = {{AMP_FW_RSC_ADDR_ANY, 16, o->num[0], 5, 0},
			  {AMP_FW_RSC_ADDR_ANY, 16, o->num[1], 6, 0}},
	};

	memcpy(t, &table, sizeof(table));
	return sizeof(table);
}

/*
 * A little-endian ELF32 file: header, two program headers (code in flash, data with the table
 * in RAM), the segment bytes, then .resource_table and .shstrtab section headers.
 */
static uint8_t *build_image(const struct image_opts *o, size_t *size)
{
	static const char shstr[] = "\0.resource_table\0.shstrtab";
	const size_t code_off = 0x100, data_off = 0x200, code_len = 0x40, data_len = 0x800;
	const size_t shstr_off = data_off + data_len;
	const size_t sh_off = (shstr_off + sizeof(shstr) + 3) & ~(size_t)3; /* 4-aligned */
	size_t total = sh_off + 3 * sizeof(Elf32_Shdr);
	uint8_t *f = calloc(1, total);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)f;
	Elf32_Phdr *ph = (Elf32_Phdr *)(f + sizeof(*eh));
	Elf32_Shdr *sh = (Elf32_Shdr *)(f + sh_off);
	size_t table_len;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = o->machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = ENTRY;
	eh->e_phoff = sizeof(*eh);
	eh->e_shoff = (Elf32_Off)sh_off;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 3;
	eh->e_shstrndx = 2;
	ph[0] = (Elf32_Phdr){PT_LOAD,
			     (Elf32_Off)code_off,
			     o->code_da,
			     o->code_da,
			     (Elf32_Word)code_len,
			     (Elf32_Word)code_len,
			     PF_R | PF_X,
			     4};
	/* The data segment: 0x800 bytes from the file, 0x1800 in memory (zeroed tail). */
	ph[1] = (Elf32_Phdr){PT_LOAD,
			     (Elf32_Off)data_off,
			     o->table_da,
			     o->table_da,
			     (Elf32_Word)data_len,
			     0x1800,
			     PF_R | PF_W,
			     4};
	memset(f + code_off, 0xc3, code_len);
	table_len = build_table(f + data_off, o);
	memcpy(f + shstr_off, shstr, sizeof(shstr));
	sh[1] = (Elf32_Shdr){.sh_name = 1,
			     .sh_type = SHT_PROGBITS,
			     .sh_flags = SHF_ALLOC | SHF_WRITE,
			     .sh_addr = o->table_da,
			     .sh_offset = (Elf32_Off)data_off,
			     .sh_size = (Elf32_Word)table_len,
			     .sh_addralign = 4};
	if (o->no_table)
		sh[1].sh_name = 0; /* nameless: no .resource_table */
	sh[2] = (Elf32_Shdr){.sh_name = 17,
			     .sh_type = SHT_STRTAB,
			     .sh_offset = (Elf32_Off)shstr_off,
			     .sh_size = sizeof(shstr),
			     .sh_addralign = 1};
	*size = total;
	return f;
}

/* ------------------------------------------------------------------ the fake remote */

/**
 * struct remote - the firmware side, run natively when the platform starts the remote
 * @running: started by the platform and not stopped
 * @up: its rpmsg stack is set up
 * @node: its rpmsg node
 * @link: its device-role link over the vdev in the loaded table
 * @ept: the echo endpoint, announced as "rpmsg-client-sample"
 * @work: the link's bookkeeping
 * @channels: its channel pool
 * @host_kicks: kicks the host sent, per notify id (0..7)
 * @starts: times the platform started it
 * @echoes: messages echoed
 */
struct remote {
	bool running;
	bool up;
	struct amp_rpmsg_node node;
	struct amp_rpmsg_link link;
	struct amp_rpmsg_endpoint ept;
	uint8_t work[AMP_RPMSG_LINK_WORK_SIZE(256)] __attribute__((aligned(8)));
	struct amp_rpmsg_channel channels[4];
	unsigned int host_kicks[8];
	unsigned int starts;
	unsigned int echoes;
};

static struct remote remote;
static struct amp_mem_region remote_regions[3];
static struct amp_region_table remote_table = {remote_regions, 3};

static int remote_echo(struct amp_rpmsg_endpoint *ept, void *data, size_t len, uint32_t src,
		       void *priv)
{
	(void)priv;
	remote.echoes++;
	return amp_rpmsg_sendto(ept, data, len, src);
}

/*
 * The doorbells of the threaded test (the stepped tests pump both sides anyway): a counter per
 * direction, bumped by the sender's notify hook, watched by the receiver's thread.
 */
static atomic_uint host_bell, remote_bell;

static void remote_kick(void *ctx, uint32_t notifyid)
{
	(void)ctx;
	(void)notifyid;
	atomic_fetch_add(&host_bell, 1);
}

/* What the firmware does at reset: find its vdev in its own (loaded) table, set up rpmsg. */
static void remote_boot(void)
{
	volatile uint8_t *table = ram;
	struct amp_rpmsg_endpoint_config ec = {.name = "rpmsg-client-sample",
					       .addr = AMP_RPMSG_ADDR_ANY,
					       .dst = AMP_RPMSG_ADDR_ANY,
					       .cb = remote_echo,
					       .announce = true};
	struct amp_rpmsg_link_config lc;
	struct amp_rsc_table t;
	struct amp_rsc_entry e;

	REQUIRE(amp_rsc_table_open(&t, table, 200, AMP_LITTLE_ENDIAN) == AMP_RSC_OK);
	REQUIRE(amp_rsc_table_find(&t, AMP_RSC_VDEV, 0, &e) == 0);
	lc = (struct amp_rpmsg_link_config){
		.role = AMP_RPMSG_DEVICE,
		.vdev = table + e.offset,
		.features = AMP_VIRTIO_FEATURE(AMP_VIRTIO_RPMSG_F_NS),
		.io = {.order = AMP_LITTLE_ENDIAN},
		.addr = amp_addr_map_regions(&remote_table),
		.work = remote.work,
		.work_size = sizeof(remote.work),
		.channels = remote.channels,
		.channel_count = 4,
		.notify = remote_kick,
	};
	amp_rpmsg_node_init(&remote.node, NULL, NULL);
	REQUIRE(amp_rpmsg_link_init(&remote.link, &remote.node, &lc) == 0);
	REQUIRE(amp_rpmsg_endpoint_create(&remote.ept, &remote.link, &ec) == 0);
	remote.up = true;
}

static void remote_halt(void)
{
	if (remote.up) {
		amp_rpmsg_endpoint_destroy(&remote.ept);
		REQUIRE(amp_rpmsg_link_remove(&remote.link) == 0);
	}
	remote.up = false;
	remote.running = false;
}

/* One step of the remote's main loop. */
static int remote_poll(void)
{
	if (!remote.running)
		return 0;
	if (!remote.up)
		remote_boot();
	return amp_rpmsg_link_poll(&remote.link);
}

/* ------------------------------------------------------------------ the platform */

/**
 * struct platform - what the host's platform operations record
 * @starts: start calls
 * @stops: stop calls
 * @entry: the entry point of the last start
 * @core_fd: the file the last core dump went to (-1: none requested)
 * @want_core: hand out a file for core dumps
 * @attach_table: the table to attach to (attach tests)
 * @vendor_calls: vendor entries seen
 * @crash_on_start: starts that report a crash right away (the remote dies as it boots)
 * @rproc: the processor, for @crash_on_start
 */
struct platform {
	unsigned int starts, stops;
	unsigned int crash_on_start;
	struct amp_rproc *rproc;
	uint64_t entry;
	int core_fd;
	bool want_core;
	volatile void *attach_table;
	unsigned int vendor_calls;
};

static struct platform plat;

/*
 * The threaded remote: the core runs its main loop on a thread of its own, polling its link
 * whenever its doorbell moved (and now and then regardless), until the platform stops it.
 */
static struct {
	bool enabled;
	pthread_t thread;
	atomic_bool halt;
	atomic_int poll_error;
} core;

static void *core_main(void *arg)
{
	unsigned int seen = 0;

	(void)arg;
	while (!atomic_load(&core.halt)) {
		unsigned int bell = atomic_load(&remote_bell);
		int n;

		if (bell == seen && remote.up) {
			struct timespec ts = {0, 20000};

			nanosleep(&ts, NULL);
			continue;
		}
		seen = bell;
		do
			n = remote_poll();
		while (n > 0);
		if (n < 0)
			atomic_store(&core.poll_error, n);
	}
	return NULL;
}

static int op_start(void *ctx, struct amp_rproc *rproc, uint64_t entry)
{
	(void)ctx;
	(void)rproc;
	plat.starts++;
	plat.entry = entry;
	remote.running = true;
	remote.starts++;
	if (core.enabled) {
		atomic_store(&core.halt, false);
		if (pthread_create(&core.thread, NULL, core_main, NULL))
			return -AMP_ENOMEM;
	}
	if (plat.crash_on_start) {
		plat.crash_on_start--;
		amp_rproc_report_crash(plat.rproc, AMP_RPROC_WATCHDOG);
	}
	return 0;
}

static int op_stop(void *ctx, struct amp_rproc *rproc)
{
	(void)ctx;
	(void)rproc;
	plat.stops++;
	if (core.enabled) {
		/* Held in reset: the core stops executing before its memory is reused. */
		atomic_store(&core.halt, true);
		pthread_join(core.thread, NULL);
	}
	remote_halt();
	return 0;
}

static void op_kick(void *ctx, struct amp_rproc *rproc, uint32_t notifyid)
{
	(void)ctx;
	(void)rproc;
	if (notifyid < 8)
		remote.host_kicks[notifyid]++;
	atomic_fetch_add(&remote_bell, 1);
}

static int op_coredump_fd(void *ctx, struct amp_rproc *rproc)
{
	char path[] = "/tmp/amp_rproc_core_XXXXXX";
	int fd;

	(void)ctx;
	(void)rproc;
	if (!plat.want_core)
		return -1;
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	if (plat.core_fd >= 0)
		close(plat.core_fd);
	plat.core_fd = fd >= 0 ? dup(fd) : -1;
	return fd;
}

static int op_attach(void *ctx, struct amp_rproc *rproc)
{
	(void)ctx;
	(void)rproc;
	remote.running = true;
	return 0;
}

static volatile void *op_loaded_rsc_table(void *ctx, struct amp_rproc *rproc, size_t *size)
{
	(void)ctx;
	(void)rproc;
	*size = 200;
	return plat.attach_table;
}

static const struct amp_rproc_ops ops = {
	.start = op_start,
	.stop = op_stop,
	.kick = op_kick,
	.attach = op_attach,
	.loaded_rsc_table = op_loaded_rsc_table,
	.coredump_fd = op_coredump_fd,
};

/* ------------------------------------------------------------------ the host's sample driver */

static struct {
	unsigned int probes, removes, replies, bad;
} sample;

static int sample_probe(struct amp_rpmsg_channel *ch)
{
	sample.probes++;
	return amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), "dude", 4);
}

static void sample_remove(struct amp_rpmsg_channel *ch)
{
	(void)ch;
	sample.removes++;
}

static int sample_cb(struct amp_rpmsg_channel *ch, void *data, size_t len, uint32_t src)
{
	(void)src;
	if (len != 4 || memcmp(data, "dude", 4))
		sample.bad++;
	if (++sample.replies < REPLIES)
		return amp_rpmsg_send(amp_rpmsg_channel_endpoint(ch), "dude", 4);
	return 0;
}

static const struct amp_rpmsg_device_id sample_ids[] = {{"rpmsg-client-sample"}, {NULL}};
static struct amp_rpmsg_driver sample_driver = {
	.id_table = sample_ids,
	.probe = sample_probe,
	.remove = sample_remove,
	.callback = sample_cb,
};

/* ------------------------------------------------------------------ set-up */

static struct amp_rproc_mem mem[3];
static struct amp_rpmsg_node host;
static uint8_t *image;
static size_t image_size;

static void setup(const struct image_opts *o)
{
	memset(&remote, 0, sizeof(remote));
	memset(&plat, 0, sizeof(plat));
	memset(&sample, 0, sizeof(sample));
	plat.core_fd = -1;
	flash = calloc(1, FLASH_LEN);
	ram = aligned_alloc(4096, RAM_LEN);
	ddr = aligned_alloc(4096, DDR_LEN);
	REQUIRE(flash && ram && ddr);
	memset(ram, 0xee, RAM_LEN); /* garbage the load must overwrite or zero */
	memset(ddr, 0xee, DDR_LEN);
	mem[0] = (struct amp_rproc_mem){FLASH_DA, FLASH_DA, flash, FLASH_LEN, 0};
	mem[1] = (struct amp_rproc_mem){RAM_DA, RAM_DA, ram, RAM_LEN, 0};
	mem[2] = (struct amp_rproc_mem){DDR_DA, DDR_PA, ddr, DDR_LEN, AMP_RPROC_MEM_POOL};
	for (int i = 0; i < 3; i++)
		remote_regions[i] = (struct amp_mem_region){mem[i].da, mem[i].va, mem[i].size};
	image = build_image(o, &image_size);
	REQUIRE(image != NULL);
	amp_rpmsg_node_init(&host, NULL, NULL);
	REQUIRE(amp_rpmsg_driver_register(&host, &sample_driver) == 0);
}

static void teardown(void)
{
	amp_rpmsg_driver_unregister(&host, &sample_driver);
	if (plat.core_fd >= 0)
		close(plat.core_fd);
	free(image);
	free(flash);
	free(ram);
	free(ddr);
}

static struct amp_rproc_config rproc_config(void)
{
	return (struct amp_rproc_config){.name = "m4",
					 .ops = &ops,
					 .mem = mem,
					 .mem_count = 3,
					 .machine = EM_ARM,
					 .elf_class = 32,
					 .order = AMP_LITTLE_ENDIAN,
					 .firmware = image,
					 .firmware_size = image_size,
					 .node = &host};
}

/* Step both sides until nothing moves (bounded). */
static void pump(struct amp_rproc *rproc)
{
	for (int i = 0; i < 200; i++) {
		int r = remote_poll();
		int h = amp_rproc_interrupt(rproc, AMP_FW_RSC_ADDR_ANY);

		CHECK(r >= 0);
		CHECK(h >= 0);
		if (r <= 0 && h <= 0 && i > 2)
			return;
	}
}

/* ------------------------------------------------------------------ tests */

static void test_boot_sample_shutdown(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;
	uint32_t word;

	default_opts(&o);
	setup(&o);
	cfg = rproc_config();
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_OFFLINE);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
	CHECK_EQ(plat.starts, 1);
	CHECK_EQ(plat.entry, ENTRY);
	/* Segments loaded where the image says, the memsz tail zeroed. */
	CHECK_EQ(flash[0], 0xc3);
	CHECK_EQ(flash[0x3f], 0xc3);
	CHECK_EQ(ram[0x17ff], 0);
	CHECK_EQ(ram[0x1800], 0xee);
	/* Written back into the loaded table: the carveout placed at the pool's start. */
	memcpy(&word, ram + 28 + 4, 4);
	CHECK_EQ(word, DDR_DA);
	memcpy(&word, ram + 28 + 8, 4);
	CHECK_EQ(word, DDR_PA);
	/* Notify ids 0 and 1, whatever the image said. */
	memcpy(&word, ram + 160 + 12, 4);
	CHECK_EQ(word, 0);
	memcpy(&word, ram + 180 + 12, 4);
	CHECK_EQ(word, 1);
	/* Status DRIVER_OK: the link started after the remote. */
	CHECK_EQ(ram[132 + AMP_VDEV_OFF_STATUS], AMP_VIRTIO_STATUS_ACKNOWLEDGE |
							 AMP_VIRTIO_STATUS_DRIVER |
							 AMP_VIRTIO_STATUS_DRIVER_OK);
	pump(rp);
	CHECK_EQ(sample.probes, 1);
	CHECK_EQ(sample.replies, REPLIES);
	CHECK_EQ(remote.echoes, REPLIES);
	CHECK_EQ(sample.bad, 0);
	/* Vring 0's "host online" kick reached the remote under its assigned id. */
	CHECK(remote.host_kicks[0] >= 1);

	/* The trace buffer, as the remote wrote it. */
	{
		char log[64];

		memcpy(ram + (TRACE_DA - RAM_DA), "booted\n", 8);
		CHECK_EQ(amp_rproc_trace(rp, 0, log, sizeof(log)), 7);
		CHECK(!strcmp(log, "booted\n"));
		CHECK_EQ(amp_rproc_trace(rp, 0, log, 4), 3);
		CHECK(!strcmp(log, "boo"));
		CHECK_EQ(amp_rproc_trace(rp, 1, log, sizeof(log)), -AMP_ENOENT);
	}

	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_OFFLINE);
	CHECK_EQ(plat.stops, 1);
	CHECK_EQ(sample.removes, 1);
	CHECK_EQ(ram[132 + AMP_VDEV_OFF_STATUS], 0);
	CHECK_EQ(amp_rproc_shutdown(rp), -AMP_EINVAL);
	CHECK_EQ(amp_rproc_put(rp), 0);
	CHECK(reg.head == NULL);
	teardown();
}

/* Counts what the store hooks saw (test_store_hooks). */
struct store_log {
	unsigned long writes, barriers;
	bool driver_ok;    /* the status byte's DRIVER_OK store went through the hooks */
	bool table_copied; /* so did the loaded table's copy (a store over the status byte) */
	const volatile uint8_t *status;
};

static void log_write(void *ctx, volatile void *dst, const void *src, size_t len)
{
	struct store_log *l = ctx;

	l->writes++;
	if ((const volatile uint8_t *)dst < l->status &&
	    (const volatile uint8_t *)dst + len > l->status)
		l->table_copied = true;
	if (dst == (volatile void *)l->status && len == 1 &&
	    (*(const uint8_t *)src & AMP_VIRTIO_STATUS_DRIVER_OK))
		l->driver_ok = true;
	amp_io_native_write(dst, src, len);
}

static void log_barrier(void *ctx, enum amp_barrier kind)
{
	struct store_log *l = ctx;

	l->barriers++;
	amp_io_native_barrier(kind);
}

/*
 * The rpmsg links' stores go through amp_rproc_config.io_ops in the hooked build (the
 * simulator's trace tap), and the plain build refuses hooks it would silently ignore.
 */
static void test_store_hooks(void)
{
	static const struct amp_io_ops log_ops = {.write = log_write, .barrier = log_barrier};
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct store_log log = {0};
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	setup(&o);
	log.status = ram + 132 + AMP_VDEV_OFF_STATUS; /* the rpmsg vdev's, in the loaded table */
	cfg = rproc_config();
	cfg.io_ops = &log_ops;
	cfg.io_ctx = &log;
	if (!amp_io_hooks_available()) {
		CHECK_EQ(amp_rproc_create(&reg, &cfg, &rp), -AMP_ENOTSUP);
		CHECK(reg.head == NULL);
		teardown();
		return;
	}
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	CHECK(log.table_copied);
	CHECK(log.driver_ok);
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);
	/* Each message is a buffer copy, a descriptor and two index stores, with barriers. */
	CHECK(log.writes > 4 * REPLIES);
	CHECK(log.barriers > REPLIES);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(amp_rproc_put(rp), 0);
	teardown();
}

static void test_refcounts(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp, *again;

	default_opts(&o);
	setup(&o);
	cfg = rproc_config();
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	CHECK_EQ(amp_rproc_create(&reg, &cfg, &again), -AMP_EEXIST);
	CHECK(amp_rproc_get_by_name(&reg, "m3") == NULL);
	again = amp_rproc_get_by_name(&reg, "m4");
	CHECK(again == rp);
	/* Two boots, one start; the first shutdown leaves it running. */
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	REQUIRE(amp_rproc_boot(again, NULL) == 0);
	CHECK_EQ(plat.starts, 1);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
	CHECK_EQ(plat.stops, 0);
	/* References are not power: the last reference cannot go while it runs. */
	CHECK_EQ(amp_rproc_put(again), 0);
	CHECK_EQ(amp_rproc_put(rp), -AMP_EBUSY);
	CHECK(amp_rproc_get_by_name(&reg, "m4") == rp);
	CHECK_EQ(amp_rproc_put(rp), 0);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(plat.stops, 1);
	CHECK_EQ(amp_rproc_put(rp), 0);
	CHECK(reg.head == NULL);
	teardown();
}

/* Read a core file back: ET_CORE, ARM, the loaded segments with the memory as it was. */
static void check_core(int fd)
{
	size_t phnum = 0, size = 0;
	const uint8_t *raw;
	bool saw_ram = false;
	GElf_Ehdr eh;
	Elf *elf;

	REQUIRE(fd >= 0);
	REQUIRE(elf_version(EV_CURRENT) != EV_NONE);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	REQUIRE(elf != NULL);
	REQUIRE(gelf_getehdr(elf, &eh) != NULL);
	CHECK_EQ(eh.e_type, ET_CORE);
	CHECK_EQ(eh.e_machine, EM_ARM);
	CHECK_EQ(elf_getphdrnum(elf, &phnum), 0);
	CHECK_EQ(phnum, 2);
	raw = (const uint8_t *)elf_rawfile(elf, &size);
	for (size_t i = 0; i < phnum && raw; i++) {
		GElf_Phdr ph;

		REQUIRE(gelf_getphdr(elf, (int)i, &ph) != NULL);
		CHECK_EQ(ph.p_type, PT_LOAD);
		REQUIRE(ph.p_offset + ph.p_filesz <= size);
		if (ph.p_paddr == RAM_DA) {
			saw_ram = true;
			CHECK_EQ(ph.p_filesz, 0x1800);
			/* The table as the crashed remote's memory held it. */
			CHECK(!memcmp(raw + ph.p_offset, "\1\0\0\0\3\0\0\0", 8));
		}
	}
	CHECK(saw_ram);
	elf_end(elf);
}

static void test_crash_recovery_cycles(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	setup(&o);
	cfg = rproc_config();
	plat.want_core = true;
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);
	for (unsigned int cycle = 1; cycle <= 100; cycle++) {
		amp_rproc_report_crash(rp, cycle % 3 == 0   ? AMP_RPROC_WATCHDOG
					   : cycle % 3 == 1 ? AMP_RPROC_MMUFAULT
							    : AMP_RPROC_FATAL_ERROR);
		/* Nothing happens before the host's thread services it. */
		CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
		CHECK_EQ(amp_rproc_service(rp), 0);
		CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
		CHECK_EQ(amp_rproc_crash_count(rp), cycle);
		CHECK_EQ(amp_rproc_crash_type(rp), cycle % 3 == 0   ? AMP_RPROC_WATCHDOG
						   : cycle % 3 == 1 ? AMP_RPROC_MMUFAULT
								    : AMP_RPROC_FATAL_ERROR);
		CHECK_EQ(plat.starts, cycle + 1);
		CHECK_EQ(sample.removes, cycle);
		/* The remote announces again, the driver is probed again, messages flow. */
		sample.replies = 0;
		pump(rp);
		CHECK_EQ(sample.probes, cycle + 1);
		CHECK_EQ(sample.replies, REPLIES);
	}
	check_core(plat.core_fd);

	/* Recovery disabled: the crash is counted and the remote stays CRASHED until
	 * recovered by hand. */
	amp_rproc_set_recovery(rp, false);
	amp_rproc_report_crash(rp, AMP_RPROC_FATAL_ERROR);
	CHECK_EQ(amp_rproc_service(rp), 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_CRASHED);
	CHECK_EQ(amp_rproc_crash_count(rp), 101);
	/* A second crash while crashed is not counted again. */
	amp_rproc_report_crash(rp, AMP_RPROC_FATAL_ERROR);
	CHECK_EQ(amp_rproc_service(rp), 0);
	CHECK_EQ(amp_rproc_crash_count(rp), 101);
	CHECK_EQ(amp_rproc_recover(rp), 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
	CHECK_EQ(amp_rproc_recover(rp), -AMP_EINVAL);
	sample.replies = 0;
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);

	/* Two crashes reported before the service ran are one crash: the flag is set twice. */
	amp_rproc_set_recovery(rp, true);
	amp_rproc_report_crash(rp, AMP_RPROC_WATCHDOG);
	amp_rproc_report_crash(rp, AMP_RPROC_WATCHDOG);
	CHECK_EQ(amp_rproc_service(rp), 0);
	CHECK_EQ(amp_rproc_crash_count(rp), 102);

	/* A crash during recovery (the restarted remote dies at once, twice): handled after the
	 * recovery that was running, until a restart survives. */
	plat.rproc = rp;
	plat.crash_on_start = 2;
	amp_rproc_report_crash(rp, AMP_RPROC_FATAL_ERROR);
	CHECK_EQ(amp_rproc_service(rp), 0);
	CHECK_EQ(amp_rproc_crash_count(rp), 105);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
	sample.replies = 0;
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);

	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(amp_rproc_put(rp), 0);
	teardown();
}

static void test_attach(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	o.carveout_da = DDR_DA + 0x40000; /* a running remote's carveouts are placed already */
	setup(&o);
	/* A boot loader already placed the image and started the remote. */
	build_table(ram, &o);
	plat.attach_table = ram;
	cfg = rproc_config();
	cfg.detached = true;
	cfg.firmware = NULL;
	cfg.firmware_size = 0;
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_DETACHED);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_ATTACHED);
	CHECK_EQ(plat.starts, 0);
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);
	/* A crash of an attached remote without an image: attached again. */
	amp_rproc_report_crash(rp, AMP_RPROC_FATAL_ERROR);
	remote.running = true; /* it restarts by itself, as a boot loader would restart it */
	CHECK_EQ(amp_rproc_service(rp), 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_ATTACHED);
	sample.replies = 0;
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(amp_rproc_put(rp), 0);
	teardown();
}

/* Serve the host's side until @target replies arrived (bounded by a generous deadline). */
static void host_serve(struct amp_rproc *rproc, unsigned int target)
{
	struct timespec start, now;
	unsigned int seen = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (sample.replies < target) {
		unsigned int bell = atomic_load(&host_bell);

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 30) {
			CHECK(!"the sample did not complete");
			return;
		}
		if (bell == seen) {
			struct timespec ts = {0, 20000};

			nanosleep(&ts, NULL);
		}
		seen = bell;
		CHECK(amp_rproc_interrupt(rproc, AMP_FW_RSC_ADDR_ANY) >= 0);
	}
}

/*
 * The remote on a thread of its own, as a second core: the host boots it, the sample runs
 * across the two threads, then ten crashes, each recovered with the core thread stopped and
 * started again, and messages after each.
 */
static void test_threaded_remote(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	setup(&o);
	core.enabled = true;
	atomic_store(&core.poll_error, 0);
	cfg = rproc_config();
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	host_serve(rp, REPLIES);
	CHECK_EQ(sample.replies, REPLIES);
	for (unsigned int cycle = 1; cycle <= 10; cycle++) {
		amp_rproc_report_crash(rp, AMP_RPROC_WATCHDOG);
		CHECK_EQ(amp_rproc_service(rp), 0);
		CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
		sample.replies = 0;
		host_serve(rp, REPLIES);
		CHECK_EQ(sample.probes, cycle + 1);
		CHECK_EQ(sample.bad, 0);
	}
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(atomic_load(&core.poll_error), 0);
	CHECK_EQ(remote.echoes, 11 * REPLIES); /* read after the core thread was joined */
	CHECK_EQ(amp_rproc_put(rp), 0);
	core.enabled = false;
	teardown();
}

/*
 * An endpoint the application created on a processor's link keeps the link across shutdown
 * (stopped, started again at the next boot) and keeps the processor from being freed.
 */
static void test_application_endpoint(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rpmsg_endpoint_config ec = {.addr = 0x500, .dst = AMP_RPMSG_ADDR_ANY};
	struct amp_rpmsg_endpoint ept;
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	setup(&o);
	cfg = rproc_config();
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	REQUIRE(amp_rpmsg_endpoint_create(&ept, amp_rproc_link(rp, 0), &ec) == 0);
	pump(rp);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK(host.links != NULL);
	CHECK_EQ(amp_rproc_put(rp), -AMP_EBUSY);
	/* Booted again, the same link carries the sample again. */
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	CHECK(amp_rproc_link(rp, 0) == ept.link);
	sample.replies = 0;
	pump(rp);
	CHECK_EQ(sample.replies, REPLIES);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	amp_rpmsg_endpoint_destroy(&ept);
	CHECK_EQ(amp_rproc_put(rp), 0);
	CHECK(host.links == NULL);
	teardown();
}

/* A running remote's carveouts are placed already: one without an address is refused. */
static void test_attach_unplaced_carveout(void)
{
	struct amp_rproc_registry reg = {0};
	char why[AMP_RPROC_WHY_SIZE] = "";
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	setup(&o);
	build_table(ram, &o);
	plat.attach_table = ram;
	cfg = rproc_config();
	cfg.detached = true;
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	CHECK_EQ(amp_rproc_boot(rp, why), -AMP_EINVAL);
	CHECK(strstr(why, "carveout 'work' of a running remote has no address") != NULL);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_DETACHED);
	CHECK_EQ(amp_rproc_put(rp), 0);
	teardown();
}

/* Images the host refuses, each with the reason it gives; nothing is started. */
static void refused(const struct image_opts *o, const char *reason)
{
	struct amp_rproc_registry reg = {0};
	char why[AMP_RPROC_WHY_SIZE] = "";
	struct amp_rproc_config cfg;
	struct amp_rproc *rp;

	setup(o);
	cfg = rproc_config();
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	CHECK(amp_rproc_boot(rp, why) < 0);
	if (!strstr(why, reason))
		fprintf(stderr, "  expected \"%s\" in \"%s\"\n", reason, why);
	CHECK(strstr(why, reason) != NULL);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_OFFLINE);
	CHECK_EQ(plat.starts, 0);
	CHECK_EQ(amp_rproc_put(rp), 0);
	teardown();
}

static void test_refused_images(void)
{
	struct image_opts o;

	default_opts(&o);
	o.machine = EM_RISCV;
	refused(&o, "machine");
	default_opts(&o);
	o.num[1] = 12;
	refused(&o, "resource table entry 2: vring num");
	default_opts(&o);
	o.code_da = 0x40000000u;
	refused(&o, "outside the remote's memory");
	default_opts(&o);
	o.carveout_da = 0x50000000u;
	refused(&o, "carveout 'work' at 0x50000000");
	default_opts(&o);
	o.num[0] = o.num[1] = 32768; /* rings and buffers larger than the pool */
	refused(&o, "no room");
}

/* An image without a table boots (Linux does): no resources, no rpmsg. */
static void test_no_table(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	o.no_table = true;
	setup(&o);
	cfg = rproc_config();
	REQUIRE(amp_rproc_create(&reg, &cfg, &rp) == 0);
	REQUIRE(amp_rproc_boot(rp, NULL) == 0);
	CHECK_EQ(amp_rproc_state(rp), AMP_RPROC_RUNNING);
	CHECK(amp_rproc_link(rp, 0) == NULL);
	CHECK_EQ(amp_rproc_shutdown(rp), 0);
	CHECK_EQ(amp_rproc_put(rp), 0);
	teardown();
}

static void test_bad_config(void)
{
	struct amp_rproc_registry reg = {0};
	struct amp_rproc_config cfg;
	struct image_opts o;
	struct amp_rproc *rp;

	default_opts(&o);
	setup(&o);
	cfg = rproc_config();
	cfg.name = "";
	CHECK_EQ(amp_rproc_create(&reg, &cfg, &rp), -AMP_EINVAL);
	cfg = rproc_config();
	cfg.mem_count = 0;
	CHECK_EQ(amp_rproc_create(&reg, &cfg, &rp), -AMP_EINVAL);
	cfg = rproc_config();
	cfg.elf_class = 16;
	CHECK_EQ(amp_rproc_create(&reg, &cfg, &rp), -AMP_EINVAL);
	cfg = rproc_config();
	cfg.firmware = NULL;
	CHECK_EQ(amp_rproc_create(&reg, &cfg, &rp), -AMP_EINVAL);
	cfg = rproc_config();
	cfg.name = "a-name-of-thirty-two-characters!";
	CHECK_EQ(amp_rproc_create(&reg, &cfg, &rp), -AMP_EINVAL);
	CHECK(reg.head == NULL);
	teardown();
}

int main(void)
{
	static const struct test tests[] = {
		TEST(test_boot_sample_shutdown),
		TEST(test_store_hooks),
		TEST(test_refcounts),
		TEST(test_crash_recovery_cycles),
		TEST(test_threaded_remote),
		TEST(test_attach),
		TEST(test_attach_unplaced_carveout),
		TEST(test_application_endpoint),
		TEST(test_refused_images),
		TEST(test_no_table),
		TEST(test_bad_config),
	};

	return run_tests(tests, ARRAY_SIZE(tests));
}
