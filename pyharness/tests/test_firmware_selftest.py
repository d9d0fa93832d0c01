"""Run the Cortex-M ring self-test firmware on Unicorn: the freestanding reference ring must
work on the real Thumb-2 instruction set (barriers are DMB there), not only compile."""
import pathlib

import pytest
from elftools.elf.elffile import ELFFile
from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn.arm_const import UC_ARM_REG_PC, UC_ARM_REG_SP

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "build" / "firmware" / "fixtures" / "firmware" / "ring_selftest.elf"
FLASH = (0x00000000, 256 * 1024)
RAM = (0x20000000, 64 * 1024)
# main() runs 1000 messages through the ring; far fewer instructions than this.
INSTRUCTION_LIMIT = 20_000_000


def load(uc, elf):
    for segment in elf.iter_segments():
        if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
            uc.mem_write(segment["p_paddr"], segment.data())


def symbol(elf, name):
    return elf.get_section_by_name(".symtab").get_symbol_by_name(name)[0]["st_value"]


@pytest.mark.skipif(not FIRMWARE.exists(), reason="firmware not built (no arm-none-eabi-gcc)")
@pytest.mark.parametrize("cpu", ["cortex-m3"])
def test_ring_selftest_passes_on_cortex_m(cpu):
    with FIRMWARE.open("rb") as f:
        elf = ELFFile(f)
        assert elf["e_machine"] == "EM_ARM"
        uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        for base, size in (FLASH, RAM):
            uc.mem_map(base, size)
        load(uc, elf)
        result_addr = symbol(elf, "selftest_result")
        reset = symbol(elf, "reset_handler")
    vectors = uc.mem_read(0, 8)
    initial_sp = int.from_bytes(vectors[0:4], "little")
    reset_vector = int.from_bytes(vectors[4:8], "little")
    assert reset_vector & ~1 == reset & ~1  # Thumb symbols carry bit 0
    uc.reg_write(UC_ARM_REG_SP, initial_sp)
    # The reset handler copies .data, clears .bss, runs main and sleeps in WFI: Unicorn
    # returns from emu_start at the WFI.
    uc.emu_start(reset_vector | 1, 0xFFFFFFFF, count=INSTRUCTION_LIMIT)
    result = int.from_bytes(uc.mem_read(result_addr, 4), "little", signed=True)
    assert result == 1, f"self-test failed at step {result} (pc {uc.reg_read(UC_ARM_REG_PC):#x})"
