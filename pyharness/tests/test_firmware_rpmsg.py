"""Run the Cortex-M rpmsg self-test firmware on Unicorn: the freestanding rpmsg stack (driver
and device role, name service, bus, reset) must work on the real Thumb-2 instruction set, with
static allocation only, and produce exactly the counts its scenario implies.

The firmware (fixtures/firmware/rpmsg_selftest.c) leaves selftest_result (1 = pass, negative =
the step that failed) and rpmsg_selftest_report (32-bit words, in the order of REPORT_FIELDS)."""
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
FIRMWARE = BUILD / "firmware" / "fixtures" / "firmware" / "rpmsg_selftest.elf"
FLASH = (0x00000000, 256 * 1024)
RAM = (0x20000000, 64 * 1024)
# The whole scenario takes about 1 M instructions on a Cortex-M3 build; a hang stops here.
INSTRUCTION_LIMIT = 20_000_000
TIMEOUT_US = 30_000_000
WFI = b"\x30\xbf"  # Thumb WFI: where the reset handler sleeps once main() returned

REPORT_MAGIC = 0x52504D53  # "RPMS"
REPORT_FIELDS = (
    "magic",
    "host_sample_probes",
    "host_sample_removes",
    "host_replies",
    "remote_echoes",
    "host_svc_probes",
    "host_svc_rx",
    "remote_svc_probes",
    "remote_svc_removes",
    "remote_svc_rx",
    "host_link_ups",
    "host_link_downs",
    "remote_link_ups",
    "remote_link_downs",
    "other_events",
    "host_rx_messages",
    "host_tx_messages",
    "remote_rx_messages",
    "remote_tx_messages",
    "remote_features",
    "remote_sample_addr",
    "host_sample_src",
    "host_kicks",
    "remote_kicks",
    "pump_rounds",
)

# The scenario: two link sessions with a host reset in between.
SAMPLE_MSGS = 200 + 1  # 200 echoes in session 1, one more after the reset
SVC_ROUNDS = 10  # pings on the host-announced service, per session
SESSIONS = 2
F_NS = 1 << 0
F_EVENT_IDX = 1 << 29
FIRST_DYNAMIC = 1024  # RPMSG-010: dynamic addresses start at 1024


def load(uc, elf):
    for segment in elf.iter_segments():
        if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
            uc.mem_write(segment["p_paddr"], segment.data())


def symbol(elf, name):
    found = elf.get_section_by_name(".symtab").get_symbol_by_name(name)
    assert found, f"no symbol {name} in the firmware"
    return found[0]


def run_firmware(path):
    """Reset the core, run to the WFI after main() and return (result, report dict, pc)."""
    with path.open("rb") as f:
        elf = ELFFile(f)
        assert elf["e_machine"] == "EM_ARM"
        uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        for base, size in (FLASH, RAM):
            uc.mem_map(base, size)
        load(uc, elf)
        result_addr = symbol(elf, "selftest_result")["st_value"]
        report = symbol(elf, "rpmsg_selftest_report")
        reset = symbol(elf, "reset_handler")["st_value"]
        symtab = elf.get_section_by_name(".symtab")
        # Static allocation only: no heap in the image (rpmsg.h: "nothing is allocated").
        heap = [s.name for s in symtab.iter_symbols() if s.name in ("malloc", "_malloc_r")]
    assert not heap, f"firmware links a heap allocator: {heap}"
    assert report["st_size"] == 4 * len(REPORT_FIELDS), "report layout differs from the firmware's"
    vectors = uc.mem_read(0, 8)
    initial_sp = int.from_bytes(vectors[0:4], "little")
    reset_vector = int.from_bytes(vectors[4:8], "little")
    assert reset_vector & ~1 == reset & ~1  # Thumb symbols carry bit 0
    uc.reg_write(UC_ARM_REG_SP, initial_sp)
    # A fault (the handler's BKPT, an undefined instruction, an unmapped access) raises UcError
    # and fails the test; a hang runs into the instruction limit and is caught below.
    uc.emu_start(reset_vector | 1, 0xFFFFFFFF, timeout=TIMEOUT_US, count=INSTRUCTION_LIMIT)
    pc = uc.reg_read(UC_ARM_REG_PC)
    assert bytes(uc.mem_read(pc - 2, 2)) == WFI, f"firmware did not finish (pc {pc:#x})"
    result = int.from_bytes(uc.mem_read(result_addr, 4), "little", signed=True)
    raw = uc.mem_read(report["st_value"], report["st_size"])
    words = struct.unpack(f"<{len(REPORT_FIELDS)}I", raw)
    return result, dict(zip(REPORT_FIELDS, words)), pc


@pytest.fixture(scope="module")
def outcome():
    if not FIRMWARE.exists():
        pytest.skip("firmware not built (no arm-none-eabi-gcc)")
    return run_firmware(FIRMWARE)


def test_rpmsg_selftest_passes_on_cortex_m(outcome):
    result, report, pc = outcome
    assert result == 1, f"self-test failed at step {result} (pc {pc:#x}), report {report}"
    assert report["magic"] == REPORT_MAGIC


def test_rpmsg_sample_echoes_across_a_reset(outcome):
    _, r, _ = outcome
    # The remote's announcement probes the host's driver once per session; the channel goes
    # with the link (the peer's services disappear at reset).
    assert r["host_sample_probes"] == SESSIONS
    assert r["host_sample_removes"] == SESSIONS - 1
    assert r["host_replies"] == SAMPLE_MSGS
    assert r["remote_echoes"] == SAMPLE_MSGS
    assert r["remote_sample_addr"] == FIRST_DYNAMIC
    assert r["host_sample_src"] == FIRST_DYNAMIC


def test_rpmsg_host_announced_channel_probes_the_remote_driver(outcome):
    _, r, _ = outcome
    # The host's own channel survives its reset (bound once) and is announced again in the
    # second session, so the remote's driver is probed twice and removed once.
    assert r["host_svc_probes"] == 1
    assert r["remote_svc_probes"] == SESSIONS
    assert r["remote_svc_removes"] == SESSIONS - 1
    assert r["host_svc_rx"] == SESSIONS * SVC_ROUNDS
    assert r["remote_svc_rx"] == SESSIONS * SVC_ROUNDS


def test_rpmsg_link_life_cycle_and_statistics(outcome):
    _, r, _ = outcome
    assert (r["host_link_ups"], r["host_link_downs"]) == (SESSIONS, SESSIONS - 1)
    # The device learns the reset from the status byte alone (no config interrupt).
    assert (r["remote_link_ups"], r["remote_link_downs"]) == (SESSIONS, SESSIONS - 1)
    assert r["other_events"] == 0
    # Features the remote saw in the block: what both offered and the host supports.
    assert r["remote_features"] == F_NS | F_EVENT_IDX
    delivered = SAMPLE_MSGS + SESSIONS * SVC_ROUNDS  # name-service messages are not deliveries
    assert r["host_rx_messages"] == delivered
    assert r["remote_rx_messages"] == delivered
    # Sent: the data messages plus, host: one CREATE per session and the DESTROY at stop;
    # remote: one CREATE per session.
    assert r["host_tx_messages"] == delivered + SESSIONS + 1
    assert r["remote_tx_messages"] == delivered + SESSIONS
    assert r["host_kicks"] > 0 and r["remote_kicks"] > 0
    assert 0 < r["pump_rounds"] < 2 * 2000
