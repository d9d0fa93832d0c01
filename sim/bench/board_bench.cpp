// SPDX-License-Identifier: BSD-3-Clause
/*
 * board_bench: one measurement of the guest workload (fixtures/firmware/bench/guest_loop.c) for
 * ./scripts/bench board (sim/bench/board_bench.py runs it and computes the ratios).
 *
 *	board_bench raw ELF     bare Unicorn: the image's segments in host memory, no hook at all,
 *	                        run from the reset vector until the workload's BKPT
 *	board_bench board ELF   the board's core model (models/cortex_m.h, Cortex-M4 at 200 MHz,
 *	                        the default 10 000-instruction quantum) behind the router and
 *	                        memories, as `ampsim run` builds them, until the BKPT halts it
 *
 * Prints one line: "wall_s=W instructions=N pc=0xPC" (instructions only for board: bare Unicorn
 * counts nothing without a hook; the two runs execute the same instructions, and the PCs at
 * the BKPT must agree). One SystemC simulation per process, so each board run is a process.
 */
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <systemc>
#include <unicorn/unicorn.h>

#include "amp/fw_image.h"
#include "cortex_m.h"
#include "memory.h"
#include "router.h"

namespace
{

/* The minimal board's private map (sim/boards/minimal.yaml): code at 0, data at 0x20000000. */
constexpr uint64_t CODE_BASE = 0x00000000, CODE_SIZE = 256 * 1024;
constexpr uint64_t DATA_BASE = 0x20000000, DATA_SIZE = 64 * 1024;

struct image {
	std::vector<uint8_t> code = std::vector<uint8_t>(CODE_SIZE);
	std::vector<uint8_t> data = std::vector<uint8_t>(DATA_SIZE);
};

bool load(const char *path, image &img)
{
	char why[AMP_FW_WHY_SIZE];
	uint8_t *bytes = nullptr;
	size_t size = 0;
	struct amp_fw_image fw;
	bool ok = true;

	if (amp_fw_image_read_file(path, &bytes, &size, why)) {
		std::fprintf(stderr, "board_bench: %s\n", why);
		return false;
	}
	if (amp_fw_image_parse(&fw, bytes, size, why)) {
		std::fprintf(stderr, "board_bench: %s: %s\n", path, why);
		ok = false;
	}
	for (size_t i = 0; ok && i < fw.nload; i++) {
		const struct amp_fw_segment &s = fw.load[i];
		std::vector<uint8_t> &to = s.paddr >= DATA_BASE ? img.data : img.code;
		uint64_t at = s.paddr >= DATA_BASE ? s.paddr - DATA_BASE : s.paddr - CODE_BASE;

		if (at + s.memsz > to.size()) {
			std::fprintf(stderr, "board_bench: %s: segment %zu outside the map\n", path,
				     i);
			ok = false;
		} else if (s.filesz) {
			std::memcpy(&to[at], bytes + s.offset, s.filesz);
		}
	}
	amp_fw_image_release(&fw);
	std::free(bytes);
	return ok;
}

double now_s()
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
		.count();
}

int run_raw(image &img)
{
	uc_engine *uc;
	uint32_t sp, pc;
	double t0, t1;

	std::memcpy(&sp, &img.code[0], 4);
	std::memcpy(&pc, &img.code[4], 4);
	if (uc_open(UC_ARCH_ARM, static_cast<uc_mode>(UC_MODE_THUMB | UC_MODE_MCLASS), &uc) !=
	    UC_ERR_OK)
		return 1;
	uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M4);
	if (uc_mem_map_ptr(uc, CODE_BASE, CODE_SIZE, UC_PROT_READ | UC_PROT_EXEC,
			   img.code.data()) ||
	    uc_mem_map_ptr(uc, DATA_BASE, DATA_SIZE, UC_PROT_ALL, img.data.data()))
		return 1;
	uc_reg_write(uc, UC_ARM_REG_SP, &sp);
	t0 = now_s();
	/* No hook: BKPT is an exception nobody handles, which ends the run with an error. */
	(void)uc_emu_start(uc, pc | 1u, 0xffffffffu, 0, 0);
	t1 = now_s();
	uc_reg_read(uc, UC_ARM_REG_PC, &pc);
	uc_close(uc);
	std::printf("wall_s=%.6f instructions=0 pc=%#x\n", t1 - t0, pc);
	return 0;
}

} // namespace

int sc_main(int argc, char **argv)
{
	image img;

	if (argc != 3 || (std::strcmp(argv[1], "raw") && std::strcmp(argv[1], "board"))) {
		std::fprintf(stderr, "usage: board_bench raw|board ELF\n");
		return 2;
	}
	if (!load(argv[2], img))
		return 1;
	if (!std::strcmp(argv[1], "raw"))
		return run_raw(img);

	ampsim::cortex_m::config cfg;
	ampsim::router bus("bus");
	ampsim::memory code("code", CODE_SIZE), data("data", DATA_SIZE);
	ampsim::cortex_m core("core", cfg);
	sc_core::sc_signal<bool> low("low", false);
	double t0, t1;

	core.bus.bind(bus.in);
	bus.out.bind(code.bus);
	bus.out.bind(data.bus);
	bus.map(0, CODE_BASE, CODE_SIZE, 0);
	bus.map(0, DATA_BASE, DATA_SIZE, 1);
	core.add_window(CODE_BASE, CODE_SIZE);
	core.add_window(DATA_BASE, DATA_SIZE);
	for (unsigned i = 0; i < cfg.irqs; i++)
		core.irq[i].bind(low);
	std::memcpy(code.data(), img.code.data(), CODE_SIZE);
	std::memcpy(data.data(), img.data.data(), DATA_SIZE);
	core.start();
	t0 = now_s();
	sc_core::sc_start();
	t1 = now_s();
	std::printf("wall_s=%.6f instructions=%llu pc=%#x\n", t1 - t0,
		    static_cast<unsigned long long>(core.instructions()), core.reg(UC_ARM_REG_PC));
	return core.fault_description().find("BKPT") == std::string::npos;
}
