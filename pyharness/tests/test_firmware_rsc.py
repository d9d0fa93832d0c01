"""The resource table of the Cortex-M sample firmware (fixtures/firmware/rsc_sample.c), decoded
here with the struct module alone, independently of the C declarations and checker: the image
must carry exactly the table the firmware declares, in a loaded segment, with the addresses of
the objects it names, and the firmware's own check of it (on Unicorn) must find nothing wrong.

Layout and field names: /work/shared/notes/wire-format.md section 2 (Linux remoteproc.h)."""
import os
import pathlib
import struct

import pytest
from elftools.elf.elffile import ELFFile
from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn.arm_const import UC_ARM_REG_PC, UC_ARM_REG_SP

ROOT = pathlib.Path(__file__).resolve().parents[2]
# A helper's or a developer's own tree: AMPSIM_BUILD_DIR=/tmp/build-x pytest ...
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
FIRMWARE = BUILD / "firmware" / "fixtures" / "firmware" / "rsc_sample.elf"
FLASH = (0x00000000, 256 * 1024)
RAM = (0x20000000, 64 * 1024)
INSTRUCTION_LIMIT = 1_000_000  # main() needs a few thousand
WFI = b"\x30\xbf"  # Thumb WFI: where the reset handler sleeps once main() returned

# Wire constants (wire-format.md 2.2, 2.7, 4.1, 4.3).
RSC_CARVEOUT, RSC_TRACE, RSC_VDEV = 0, 2, 3
ADDR_ANY = 0xFFFFFFFF
VIRTIO_ID_RPMSG = 7
VIRTIO_RPMSG_F_NS = 1 << 0
HDR = struct.Struct("<4I")  # ver, num, reserved[2]
CARVEOUT = struct.Struct("<6I32s")  # type, da, pa, len, flags, reserved, name
TRACE = struct.Struct("<4I32s")  # type, da, len, reserved, name
VDEV = struct.Struct("<6I4B")  # type, id, notifyid, dfeatures, gfeatures, config_len,
# status, num_of_vrings, reserved[2]
VRING = struct.Struct("<5I")  # da, align, num, notifyid, pa

# What rsc_sample.c declares: carveout, trace, vdev with its two vrings, in this order.
NUM_ENTRIES = 3
OFFSETS = (28, 84, 132)  # 16-byte header + 3 offsets, then 56-byte carveout, 48-byte trace
TABLE_SIZE = 132 + 28 + 2 * 20  # the vdev is last and has no config space
WORK_SYMBOL, WORK_LEN, WORK_NAME = "rsc_sample_work", 4096, b"rsc-sample-work"
TRACE_SYMBOL, TRACE_LEN, TRACE_NAME = "rsc_sample_trace", 512, b"rsc-sample-trace"
VDEV_NOTIFYID = 31
VRINGS = ((ADDR_ANY, 16, 8, 0, 0), (ADDR_ANY, 16, 16, 1, 0))
TRACE_LINE = b"rsc_sample: resource table ok\n"


def symbol(elf, name):
    found = elf.get_section_by_name(".symtab").get_symbol_by_name(name)
    assert found, f"no symbol {name} in the firmware"
    return found[0]


def name_field(name):
    """A 32-byte name field as the image must hold it: the name, NUL-padded."""
    assert len(name) < 32
    return name.ljust(32, b"\0")


@pytest.fixture(scope="module")
def image():
    """The table's bytes, its section header, the PT_LOAD segments and the symbols it names."""
    if not FIRMWARE.exists():
        pytest.skip("firmware not built (no arm-none-eabi-gcc)")
    with FIRMWARE.open("rb") as f:
        elf = ELFFile(f)
        assert elf["e_machine"] == "EM_ARM"
        # Table words are in the image's byte order; every struct above reads little-endian.
        assert elf.little_endian
        section = elf.get_section_by_name(".resource_table")
        assert section is not None, "no .resource_table section"
        loads = [dict(s.header) for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]
        syms = {n: symbol(elf, n) for n in (WORK_SYMBOL, TRACE_SYMBOL, "rsc_sample_table")}
        return {
            "data": section.data(),
            "header": dict(section.header),
            "loads": loads,
            "symbols": {n: (s["st_value"], s["st_size"]) for n, s in syms.items()},
        }


def test_table_section_is_carried_by_a_load_segment(image):
    sh = image["header"]
    assert sh["sh_type"] == "SHT_PROGBITS"  # bytes in the file, not NOBITS
    assert sh["sh_size"] == TABLE_SIZE == len(image["data"])
    assert sh["sh_addr"] % 4 == 0
    carriers = [
        p
        for p in image["loads"]
        if p["p_offset"] <= sh["sh_offset"]
        and sh["sh_offset"] + sh["sh_size"] <= p["p_offset"] + p["p_filesz"]
    ]
    assert len(carriers) == 1, "the table is not inside one PT_LOAD file image"
    p = carriers[0]
    # Loaded where it is linked: the host writes into the copy the remote reads (RSC-008).
    assert sh["sh_addr"] - p["p_vaddr"] == sh["sh_offset"] - p["p_offset"]
    assert p["p_paddr"] == p["p_vaddr"]
    assert image["symbols"]["rsc_sample_table"] == (sh["sh_addr"], TABLE_SIZE)


def test_header_and_offsets(image):
    data = image["data"]
    assert HDR.unpack_from(data, 0) == (1, NUM_ENTRIES, 0, 0)
    offsets = struct.unpack_from(f"<{NUM_ENTRIES}I", data, HDR.size)
    assert offsets == OFFSETS
    # The entries follow the offset array back to back, in table order.
    assert OFFSETS[0] == HDR.size + 4 * NUM_ENTRIES
    assert OFFSETS[1] == OFFSETS[0] + CARVEOUT.size
    assert OFFSETS[2] == OFFSETS[1] + TRACE.size


def test_carveout_names_the_work_area(image):
    da, size = image["symbols"][WORK_SYMBOL]
    assert size == WORK_LEN
    assert da % 4096 == 0  # page-aligned: mappable by an IOMMU host as it is
    assert CARVEOUT.unpack_from(image["data"], OFFSETS[0]) == (
        RSC_CARVEOUT, da, ADDR_ANY, WORK_LEN, 0, 0, name_field(WORK_NAME))


def test_trace_is_the_trace_buffer(image):
    da, size = image["symbols"][TRACE_SYMBOL]
    assert size == TRACE_LEN
    assert TRACE.unpack_from(image["data"], OFFSETS[1]) == (
        RSC_TRACE, da, TRACE_LEN, 0, name_field(TRACE_NAME))


def test_rpmsg_vdev_and_its_vrings(image):
    data = image["data"]
    # gfeatures and status 0: the host's to write (RSC-005); two vrings, no config space.
    assert VDEV.unpack_from(data, OFFSETS[2]) == (
        RSC_VDEV, VIRTIO_ID_RPMSG, VDEV_NOTIFYID, VIRTIO_RPMSG_F_NS, 0, 0, 0, 2, 0, 0)
    first = OFFSETS[2] + VDEV.size
    vrings = tuple(VRING.unpack_from(data, first + k * VRING.size) for k in range(2))
    assert vrings == VRINGS
    assert first + 2 * VRING.size == len(data)


def test_work_and_trace_lie_in_ram_apart_from_the_table(image):
    ranges = sorted(image["symbols"].values())
    for (a, a_size), (b, _) in zip(ranges, ranges[1:]):
        assert a + a_size <= b, "objects the table names overlap"
    for addr, size in ranges:
        assert RAM[0] <= addr and addr + size <= RAM[0] + RAM[1]


def load(uc, elf):
    for segment in elf.iter_segments():
        if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
            uc.mem_write(segment["p_paddr"], segment.data())


def test_firmware_finds_its_table_sound_and_logs_it(image):
    """The firmware runs the reference checker over its own table and writes the verdict into
    the trace buffer: the C declaration and the C checker agree on the target."""
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    for base, size in (FLASH, RAM):
        uc.mem_map(base, size)
    with FIRMWARE.open("rb") as f:
        load(uc, ELFFile(f))
    vectors = uc.mem_read(0, 8)
    uc.reg_write(UC_ARM_REG_SP, int.from_bytes(vectors[0:4], "little"))
    # A fault raises UcError and fails the test; Unicorn returns at the WFI after main().
    uc.emu_start(int.from_bytes(vectors[4:8], "little") | 1, 0xFFFFFFFF,
                 count=INSTRUCTION_LIMIT)
    pc = uc.reg_read(UC_ARM_REG_PC)
    assert bytes(uc.mem_read(pc - 2, 2)) == WFI, f"firmware did not finish (pc {pc:#x})"
    da, size = image["symbols"][TRACE_SYMBOL]
    trace = bytes(uc.mem_read(da, size))
    assert trace == TRACE_LINE + bytes(size - len(TRACE_LINE))
    # The remote never writes the table (RSC-007).
    table_addr = image["header"]["sh_addr"]
    assert bytes(uc.mem_read(table_addr, TABLE_SIZE)) == image["data"]
