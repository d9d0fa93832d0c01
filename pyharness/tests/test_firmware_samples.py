"""The virtual board's sample firmware (fixtures/firmware/samples/, BSP in fixtures/firmware/bsp/),
every sample for every (board, core): <sample>-<board>-<core>.elf.

1. `ampsim firmware inspect --json` must call every image valid, and its resource table must be
   what a host of the board needs: one rpmsg vdev offering F_NS with two vrings of 256 at
   FW_RSC_ADDR_ANY, and a trace entry naming the console's trace buffer.
2. The layout the core and the host rely on: the vector table at 0 with the board's handlers on
   the board's lines, the table first in data RAM in a loaded segment, code not writable.
3. On Unicorn, with the board's peripherals as small fakes written from the board map here (not
   from the C headers) and a fake host of the driver role in Python: start-up up to the idle
   loop (banner, watchdog, SysTick, mailbox programmed), the mailbox handler (ECHO_REQUEST,
   ABORT_REQUEST, a full FIFO), and the samples over a real link (name service, echoes, the
   host's reset, the crash commands). No interrupt is delivered: Unicorn has none, and the
   firmware polls its link at every wake-up, so resuming it after its WFI is one loop round.

AMPSIM_BUILD_DIR selects the build tree (default: build/)."""
import json
import os
import pathlib
import struct
import subprocess
from dataclasses import dataclass

import pytest
from elftools.elf.elffile import ELFFile
from unicorn import (UC_ARCH_ARM, UC_ERR_WRITE_UNMAPPED, UC_HOOK_MEM_WRITE, UC_MODE_MCLASS,
                     UC_MODE_THUMB, Uc, UcError)
from unicorn.arm_const import (UC_ARM_REG_LR, UC_ARM_REG_PC, UC_ARM_REG_R0, UC_ARM_REG_R1,
                               UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_SP)

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
AMPSIM = BUILD / "sim" / "ampsim"
FIRMWARE_DIR = BUILD / "firmware" / "fixtures" / "firmware"
TIMEOUT_S = 60  # a hang guard for inspect

SAMPLES = ("rpmsg-client-sample", "rpmsg-echo", "rpmsg-crasher", "rpmsg-p2p")


@dataclass(frozen=True)
class Core:
    """One remote core of the board map (/tmp/prompts/boardmap.md, docs/firmware.md)."""
    clock_hz: int
    mbox: int
    user: int
    rx_fifo: int  # host -> core
    tx_fifo: int  # core -> host
    mbox_line: int
    uart: int
    uart_line: int
    wdog: int
    wdog_line: int
    # The remote-to-remote link's FIFOs (docs/firmware.md, "Peer-to-peer link"), if any:
    # (mailbox base, user, FIFO from the peer, FIFO to the peer, line).
    peer: tuple = None


CORES = {
    ("minimal", "m4"): Core(200_000_000, 0x40000000, 1, 0, 1, 0, 0x40001000, 1, 0x40002000, 2),
    ("omap4", "ipu-c0"): Core(200_000_000, 0xAA0F4000, 2, 0, 1, 50, 0xA8020000, 52, 0xA8030000,
                              53, peer=(0xAA0F5000, 2, 3, 2, 51)),
    ("omap4", "ipu-c1"): Core(200_000_000, 0xAA0F4000, 1, 0, 1, 50, 0xA8020000, 52, 0xA8030000,
                              53, peer=(0xAA0F4000, 1, 2, 3, 50)),
    ("omap4", "dsp"): Core(465_000_000, 0x4A0F4000, 1, 3, 2, 0, 0x48020000, 2, 0x48030000, 3),
}
IMAGES = [(s, b, c) for s in SAMPLES for (b, c) in CORES]
IDS = [f"{s}-{b}-{c}" for s, b, c in IMAGES]

CODE = (0x00000000, 256 * 1024)
RAM = (0x20000000, 64 * 1024)
SHARED = (0x30000000, 1024 * 1024)
P2P_SHARED = (0x38000000, 64 * 1024)  # the peer link's block, on cores with a peer
UNMAPPED = 0x50000000
NVIC_LINES = 64
WATCHDOG_CLOCK_HZ = 32768
WATCHDOG_LOAD = WATCHDOG_CLOCK_HZ // 2  # reset after two loads: 1 s
ADDR_ANY = 0xFFFFFFFF
F_NS = 1 << 0
VRING_NUM, VRING_ALIGN = 256, 4096
TRACE_SIZE = 4096
FIRST_DYNAMIC = 1024
NS_ADDR = 53

# TI remoteproc mailbox messages (wire-format.md 12).
RP_MBOX_CRASH, RP_MBOX_ECHO_REQUEST, RP_MBOX_ECHO_REPLY, RP_MBOX_ABORT_REQUEST = (
    0xFFFFFF02, 0xFFFFFF03, 0xFFFFFF04, 0xFFFFFF05)
WFI = b"\x30\xbf"
# One main-loop round is a few thousand instructions; boot prints a few hundred characters.
ROUND_LIMIT = 2_000_000


def image_path(sample, board, core):
    return FIRMWARE_DIR / f"{sample}-{board}-{core}.elf"


def skip_unless_built(path):
    if not path.exists():
        pytest.skip(f"{path.name} not built (no arm-none-eabi-gcc, or AMPSIM_FIRMWARE=OFF)")


def read_elf(path):
    """Loadable segments, sections by name and symbols by name of an image."""
    with path.open("rb") as f:
        elf = ELFFile(f)
        segments = [(dict(s.header), s.data()) for s in elf.iter_segments()
                    if s["p_type"] == "PT_LOAD"]
        sections = {s.name: dict(s.header) for s in elf.iter_sections()}
        symtab = elf.get_section_by_name(".symtab")
        symbols = {s.name: (s["st_value"], s["st_size"]) for s in symtab.iter_symbols()
                   if s.name}
    return segments, sections, symbols


# --- 1. the project's checker ---


@pytest.mark.parametrize("sample,board,core", IMAGES, ids=IDS)
def test_inspect_finds_the_board_resource_table(sample, board, core):
    path = image_path(sample, board, core)
    skip_unless_built(path)
    if not AMPSIM.exists():
        pytest.fail(f"{AMPSIM} is not built (./scripts/setup, or set AMPSIM_BUILD_DIR)")
    proc = subprocess.run([str(AMPSIM), "firmware", "inspect", "--json", str(path)],
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert (report["verdict"], report["warnings"]) == ("valid", 0)
    table = report["resource_table"]
    # First in data RAM, loaded where it is linked: the host writes into the copy it loaded.
    assert table["address"] == table["load_address"] == RAM[0]
    assert report["segments"][table["segment"]]["flags"] == "RW-"
    vdevs = [e for e in table["entries"] if e["type_name"] == "vdev"]
    traces = [e for e in table["entries"] if e["type_name"] == "trace"]
    assert len(vdevs) == 1 and len(traces) == 1 and len(table["entries"]) == 2
    vdev = vdevs[0]
    assert vdev["id"] == 7 and vdev["dfeatures"] & F_NS and vdev["num_of_vrings"] == 2
    assert (vdev["gfeatures"], vdev["status"], vdev["config_len"]) == (0, 0, 0)
    assert [(v["da"], v["num"], v["align"]) for v in vdev["vrings"]] == [
        (ADDR_ANY, VRING_NUM, VRING_ALIGN)] * 2
    _, _, symbols = read_elf(path)
    trace_addr, trace_size = symbols["bsp_trace"]
    assert (traces[0]["da"], traces[0]["len"]) == (trace_addr, trace_size) == (trace_addr,
                                                                              TRACE_SIZE)
    assert RAM[0] <= trace_addr and trace_addr + trace_size <= RAM[0] + RAM[1]


# --- 2. layout ---


@pytest.mark.parametrize("sample,board,core", IMAGES, ids=IDS)
def test_vector_table_and_segments(sample, board, core):
    path = image_path(sample, board, core)
    skip_unless_built(path)
    segments, sections, symbols = read_elf(path)
    c = CORES[(board, core)]
    vt = sections[".isr_vector"]
    assert (vt["sh_addr"], vt["sh_size"]) == (0, 4 * (16 + NVIC_LINES))
    code = next(data for header, data in segments if header["p_paddr"] == 0)
    words = struct.unpack_from(f"<{16 + NVIC_LINES}I", code, 0)
    assert words[0] == RAM[0] + RAM[1]  # stack at the top of data RAM
    assert words[1] == symbols["reset_handler"][0] | 1
    # peer_irq_handler first: where it is only the weak alias, default_handler's name wins.
    handlers = {symbols[n][0] | 1: n for n in ("peer_irq_handler", "default_handler",
                                               "mailbox_irq_handler", "watchdog_irq_handler",
                                               "systick_handler") if n in symbols}
    assert handlers[words[15]] == "systick_handler"
    assert handlers[words[16 + c.mbox_line]] == "mailbox_irq_handler"
    assert handlers[words[16 + c.wdog_line]] == "watchdog_irq_handler"
    # A peer link with a line of its own has its handler in every image of the core (the BSP
    # is shared); it does nothing until the rpmsg-p2p firmware opens the peer FIFOs.
    own_peer_line = {c.peer[4]} if c.peer and c.peer[4] != c.mbox_line else set()
    for line in own_peer_line:
        assert handlers[words[16 + line]] == "peer_irq_handler"
    for line in set(range(NVIC_LINES)) - {c.mbox_line, c.wdog_line} - own_peer_line:
        assert handlers[words[16 + line]] == "default_handler", line
    for header, _ in segments:
        start, end = header["p_paddr"], header["p_paddr"] + header["p_memsz"]
        assert header["p_paddr"] == header["p_vaddr"]
        in_code = CODE[0] <= start and end <= CODE[0] + CODE[1]
        in_ram = RAM[0] <= start and end <= RAM[0] + RAM[1]
        assert in_code or in_ram, hex(start)
        assert not (in_code and header["p_flags"] & 2), "code memory loaded writable"
    assert sections[".resource_table"]["sh_addr"] == RAM[0]


# --- 3. on Unicorn ---


class Mailbox:
    """This core's user of an OMAP4 mailbox: the receive FIFO the host fills, the send FIFO it
    empties at once (or never, when told it is full)."""

    def __init__(self, core, user=None, rx_fifo=None, tx_fifo=None, peer_fifos=None):
        self.c = core
        self.user = core.user if user is None else user
        self.rx_fifo = core.rx_fifo if rx_fifo is None else rx_fifo
        self.tx_fifo = core.tx_fifo if tx_fifo is None else tx_fifo
        # A second FIFO pair on the same user (the peer's, on ipu-c1): (rx, tx).
        self.peer_fifos = peer_fifos
        self.to_core = []
        self.to_host = []
        self.to_peer = []
        self.acks = []
        self.enable_writes = []
        self.tx_full = False

    def read(self, off):
        if off == 0x0C0 + 4 * self.rx_fifo:
            return len(self.to_core)
        if off == 0x040 + 4 * self.rx_fifo:
            assert self.to_core, "read of an empty FIFO"
            return self.to_core.pop(0)
        if off == 0x080 + 4 * self.tx_fifo:
            return 1 if self.tx_full else 0
        if self.peer_fifos and off == 0x0C0 + 4 * self.peer_fifos[0]:
            return 0  # nothing from the peer: it is not simulated here
        if self.peer_fifos and off == 0x080 + 4 * self.peer_fifos[1]:
            return 0
        raise AssertionError(f"mailbox read at {off:#x}")

    def write(self, off, value):
        user = 0x100 + 0x10 * self.user
        if off == 0x040 + 4 * self.tx_fifo:
            assert not self.tx_full, "write to a full FIFO"
            self.to_host.append(value)
        elif self.peer_fifos and off == 0x040 + 4 * self.peer_fifos[1]:
            self.to_peer.append(value)
        elif off == user + 0x4:
            self.acks.append(value)
        elif off in (user + 0x8, user + 0xC):
            self.enable_writes.append((off - user, value))
        else:
            raise AssertionError(f"mailbox write {value:#x} at {off:#x}")


class Board:
    """One core on Unicorn: its memories, its peripherals as fakes, and write watchers on code
    memory and the resource table (the firmware must write neither). Unicorn swallows what a
    callback raises, so the fakes' complaints are collected and checked after every run."""

    def __init__(self, path, core, mailbox_preload=()):
        self.segments, self.sections, self.symbols = read_elf(path)
        self.c = core
        self.uart = bytearray()
        self.wdog = []
        self.ppb = []
        # The peer link's FIFOs exist only in the rpmsg-p2p images of cores with a peer.
        peer = core.peer if path.name.startswith("rpmsg-p2p-") else None
        shared_user = peer and peer[0] == core.mbox and peer[1] == core.user
        self.mbox = Mailbox(core, peer_fifos=peer[2:4] if shared_user else None)
        self.mbox.to_core.extend(mailbox_preload)
        self.peer_mbox = Mailbox(core, *peer[1:4]) if peer and not shared_user else None
        self.forbidden_writes = []
        self.complaints = []
        uc = self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        for base, size in (CODE, RAM, SHARED) + ((P2P_SHARED,) if peer else ()):
            uc.mem_map(base, size)
        for header, data in self.segments:
            uc.mem_write(header["p_paddr"], data)
        self.table = self.sections[".resource_table"]
        uc.mmio_map(core.mbox, 0x1000, self._guard(lambda off: self.mbox.read(off)), None,
                    self._guard(lambda off, v: self.mbox.write(off, v)), None)
        if self.peer_mbox:
            uc.mmio_map(peer[0], 0x1000, self._guard(lambda off: self.peer_mbox.read(off)),
                        None, self._guard(lambda off, v: self.peer_mbox.write(off, v)), None)
        uc.mmio_map(core.uart, 0x1000, self._guard(self._uart_read), None,
                    self._guard(self._uart_write), None)
        uc.mmio_map(core.wdog, 0x1000, self._guard(self._no_read), None,
                    self._guard(lambda off, v: self.wdog.append((off, v))), None)
        uc.mmio_map(0xE000E000, 0x1000, self._guard(lambda off: 0), None,
                    self._guard(lambda off, v: self.ppb.append((0xE000E000 + off, v))), None)
        for start, size in ((CODE[0], CODE[1]),
                            (self.table["sh_addr"], self.table["sh_size"])):
            uc.hook_add(UC_HOOK_MEM_WRITE, self._forbidden, begin=start,
                        end=start + size - 1)
        vectors = bytes(uc.mem_read(0, 8))
        uc.reg_write(UC_ARM_REG_SP, int.from_bytes(vectors[0:4], "little"))
        self.pc = int.from_bytes(vectors[4:8], "little")

    def _guard(self, fake):
        """An MMIO callback around @fake(offset[, value]): a complaint stops the run."""
        def callback(_uc, off, _size, *rest):
            try:
                return fake(off, *rest[:-1]) or 0
            except AssertionError as complaint:
                self.complaints.append(str(complaint))
                self.uc.emu_stop()
                return 0
        return callback

    def _uart_read(self, off):
        assert off == 0x018, f"UART read at {off:#x}"
        return 0  # FR: never full

    def _uart_write(self, off, value):
        assert off in (0x000, 0x02C, 0x030), f"UART write at {off:#x}"
        if off == 0x000:
            self.uart.append(value & 0xFF)

    @staticmethod
    def _no_read(off):
        raise AssertionError(f"unexpected read at {off:#x}")

    def _check(self):
        assert not self.complaints, self.complaints
        assert not self.forbidden_writes, self.forbidden_writes

    def _forbidden(self, _uc, _access, address, size, value, _data):
        self.forbidden_writes.append((address, size, value))

    def text(self):
        return self.uart.decode()

    def round(self):
        """Run until the firmware sleeps (one main-loop round after the first)."""
        self.uc.emu_start(self.pc | 1, 0xFFFFFFFF, count=ROUND_LIMIT)
        self.pc = self.uc.reg_read(UC_ARM_REG_PC)
        self._check()
        assert bytes(self.uc.mem_read(self.pc - 2, 2)) == WFI, f"not idle at {self.pc:#x}"

    def call(self, function, *args):
        """Call @function(@args) (32-bit words, AAPCS: r0-r3, then the stack) from where the
        core sleeps, and come back there: how an interrupt handler runs, as far as it can
        tell, and how a test reaches one function."""
        context = self.uc.context_save()
        stop = CODE[0] + CODE[1] - 4  # past the image: zero, never executed
        sp = (self.uc.reg_read(UC_ARM_REG_SP) - 64 - 4 * len(args)) & ~7
        for i, value in enumerate(args[4:]):
            self.write(sp + 4 * i, struct.pack("<I", value & 0xFFFFFFFF))
        for reg, value in zip((UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3),
                              args):
            self.uc.reg_write(reg, value & 0xFFFFFFFF)
        self.uc.reg_write(UC_ARM_REG_SP, sp)
        self.uc.reg_write(UC_ARM_REG_LR, stop | 1)
        try:
            self.uc.emu_start(self.symbols[function][0] | 1, stop, count=ROUND_LIMIT)
            self._check()
            assert self.uc.reg_read(UC_ARM_REG_PC) == stop, f"{function} did not return"
        finally:
            self.uc.context_restore(context)

    def interrupt(self, handler):
        """Run @handler as the core would on its interrupt, and come back to where it slept."""
        self.call(handler)

    def read32(self, addr):
        return int.from_bytes(self.uc.mem_read(addr, 4), "little")

    def write(self, addr, data):
        self.uc.mem_write(addr, data)


def align(value, to):
    return (value + to - 1) & ~(to - 1)


class Host:
    """The driver role of a legacy split-ring rpmsg link, as Linux's virtio_rpmsg_bus runs it,
    on the vdev of the firmware's loaded table: just enough to talk to the samples. It writes
    memory directly (Unicorn's mem_write), like a host processor beside the core."""

    RX_BUFS = TX_BUFS = 32
    BUF = 512
    VRING_BYTES = align(align(16 * VRING_NUM + 6 + 2 * VRING_NUM, VRING_ALIGN)
                        + 6 + 8 * VRING_NUM, 4096)

    def __init__(self, board):
        self.b = board
        self.vdev = board.symbols["bsp_rsc_table"][0] + 0x48  # 16 + 2 offsets + trace entry
        self.ring = [SHARED[0], SHARED[0] + self.VRING_BYTES]
        self.rx_base = SHARED[0] + 2 * self.VRING_BYTES
        self.tx_base = self.rx_base + self.RX_BUFS * self.BUF
        self.addr = FIRST_DYNAMIC

    def avail(self, k):
        return self.ring[k] + 16 * VRING_NUM

    def used(self, k):
        return self.ring[k] + align(16 * VRING_NUM + 6 + 2 * VRING_NUM, VRING_ALIGN)

    def status(self, value):
        self.b.write(self.vdev + 24, bytes([value]))

    def start(self):
        """Linux's order: reset, ACK, DRIVER, features, rings, receive buffers, DRIVER_OK."""
        for s in (0, 1, 3):
            self.status(s)
        self.b.write(self.vdev + 16, struct.pack("<I", F_NS))
        for k in (0, 1):
            self.b.write(self.ring[k], bytes(self.VRING_BYTES))
            self.b.write(self.vdev + 28 + 20 * k, struct.pack("<I", self.ring[k]))
        for i in range(self.RX_BUFS):
            self.b.write(self.ring[0] + 16 * i,
                         struct.pack("<QIHH", self.rx_base + i * self.BUF, self.BUF, 2, 0))
            self.b.write(self.avail(0) + 4 + 2 * i, struct.pack("<H", i))
        self.b.write(self.avail(0) + 2, struct.pack("<H", self.RX_BUFS))
        self.rx_avail = self.RX_BUFS
        self.rx_used = 0
        self.tx_next = 0
        self.status(7)

    def reset(self):
        self.status(0)

    def send(self, dst, payload, src=None):
        i = self.tx_next % self.TX_BUFS
        buf = self.tx_base + i * self.BUF
        src = self.addr if src is None else src
        self.b.write(buf, struct.pack("<IIIHH", src, dst, 0, len(payload), 0) + payload)
        self.b.write(self.ring[1] + 16 * i, struct.pack("<QIHH", buf, 16 + len(payload), 0, 0))
        self.b.write(self.avail(1) + 4 + 2 * (self.tx_next % VRING_NUM), struct.pack("<H", i))
        self.tx_next += 1
        self.b.write(self.avail(1) + 2, struct.pack("<H", self.tx_next & 0xFFFF))

    def receive(self):
        """Messages the firmware sent since the last call, as (src, dst, payload); buffers
        go back to vring0 at once."""
        got = []
        idx = self.b.read32(self.used(0)) >> 16
        while self.rx_used != idx:
            elem = self.used(0) + 4 + 8 * (self.rx_used % VRING_NUM)
            head, length = struct.unpack("<II", self.b.uc.mem_read(elem, 8))
            assert head < self.RX_BUFS and 16 <= length <= self.BUF
            raw = bytes(self.b.uc.mem_read(self.rx_base + head * self.BUF, length))
            src, dst, _, size, _ = struct.unpack_from("<IIIHH", raw)
            got.append((src, dst, raw[16:16 + size]))
            self.rx_used += 1
            self.b.write(self.avail(0) + 4 + 2 * (self.rx_avail % VRING_NUM),
                         struct.pack("<H", head))
            self.rx_avail += 1
            self.b.write(self.avail(0) + 2, struct.pack("<H", self.rx_avail & 0xFFFF))
        return got


def announcements(messages):
    """Name-service CREATEs among @messages, as {name: address}."""
    found = {}
    for src, dst, payload in messages:
        if dst == NS_ADDR:
            name, addr, flags = struct.unpack("<32sII", payload)
            assert flags == 0 and src == addr
            found[name.rstrip(b"\0").decode()] = addr
    return found


def boot(sample, board, core, mailbox_preload=()):
    path = image_path(sample, board, core)
    skip_unless_built(path)
    b = Board(path, CORES[(board, core)], mailbox_preload)
    b.round()
    return b


def link_up(b):
    """Start the host's side; return the host and the firmware's announcements."""
    host = Host(b)
    host.start()
    b.round()
    return host, announcements(host.receive())


@pytest.mark.parametrize("sample,board,core", IMAGES, ids=IDS)
def test_start_up_programs_the_board(sample, board, core):
    b = boot(sample, board, core)
    c = b.c
    lines = b.text().splitlines()
    assert lines[0] == f"ampsim {sample} on {board}/{core}"
    assert f"rpmsg: vdev at {b.symbols['bsp_rsc_table'][0] + 0x48:#010x}, 2 vrings of 256, " \
           "waiting for the host" in lines
    # The trace buffer holds what the UART printed, NUL-terminated.
    trace = bytes(b.uc.mem_read(b.symbols["bsp_trace"][0], TRACE_SIZE))
    assert trace[:trace.index(0)] == bytes(b.uart)
    # Watchdog: unlocked, 0.5 s per load, interrupt and reset on, locked; then one pet per round.
    assert b.wdog[:4] == [(0xC00, 0x1ACCE551), (0x000, WATCHDOG_LOAD), (0x008, 3), (0xC00, 0)]
    assert b.wdog[4:] == [(0xC00, 0x1ACCE551), (0x00C, 1), (0xC00, 0)]
    # SysTick at 1 ms on the core clock; the mailbox and watchdog lines enabled in the NVIC.
    assert (0xE000E014, c.clock_hz // 1000 - 1) in b.ppb and (0xE000E010, 7) in b.ppb
    for line in (c.mbox_line, c.wdog_line):
        assert (0xE000E100 + 4 * (line // 32), 1 << (line % 32)) in b.ppb
    # The user's enables: all off, then NEWMSG of the receive FIFO alone (and of the peer's
    # receive FIFO, on the same user or on the peer mailbox's own, for rpmsg-p2p with a peer).
    want = [(0xC, 0xFFFFFFFF), (0x8, 1 << (2 * c.rx_fifo))]
    if b.mbox.peer_fifos:
        want.append((0x8, 1 << (2 * b.mbox.peer_fifos[0])))
    assert b.mbox.enable_writes == want
    if b.peer_mbox:
        assert b.peer_mbox.enable_writes == [(0xC, 0xFFFFFFFF),
                                             (0x8, 1 << (2 * b.peer_mbox.rx_fifo))]
        assert (0xE000E100 + 4 * (c.peer[4] // 32), 1 << (c.peer[4] % 32)) in b.ppb
    # Asleep in the main loop, with the table as the host loaded it (rpmsg-p2p with a peer
    # runs its own loop, in main(), beside the peer link).
    loop = "main" if b.mbox.peer_fifos or b.peer_mbox else "rpmsg_remote_run"
    assert b.pc - 2 in range(*span(b, loop)) or \
        b.pc - 2 in range(*span(b, "bsp_wait_for_work"))


def span(b, name):
    start, size = b.symbols[name]
    return (start & ~1, (start & ~1) + size)


@pytest.mark.parametrize("board,core", list(CORES), ids=[f"{b}-{c}" for b, c in CORES])
def test_mailbox_handler_answers_echo_request_and_acknowledges(board, core):
    # Linux queues ECHO_REQUEST before the core starts; a kick (notify id 1) and a control
    # message the firmware does not serve (SUSPEND_AUTO) follow.
    b = boot("rpmsg-echo", board, core, mailbox_preload=[RP_MBOX_ECHO_REQUEST, 1, 0xFFFFFF10])
    b.interrupt("mailbox_irq_handler")
    assert b.mbox.to_core == []  # drained
    assert b.mbox.to_host == [RP_MBOX_ECHO_REPLY]
    assert b.mbox.acks == [1 << (2 * b.c.rx_fifo)]  # NEWMSG of the receive FIFO, after draining
    assert b.text().splitlines()[-2:] == ["mailbox: echo request from the host, replied",
                                          "mailbox: ignoring control message 0xffffff10"]
    b.round()  # and the main loop carries on


def test_mailbox_handler_gives_up_on_a_full_fifo():
    b = boot("rpmsg-echo", "minimal", "m4", mailbox_preload=[RP_MBOX_ECHO_REQUEST])
    b.mbox.tx_full = True
    b.interrupt("mailbox_irq_handler")  # returns: the wait is bounded
    assert b.mbox.to_host == [] and b.mbox.acks == [1]
    assert b.text().splitlines()[-1] == "mailbox: echo request from the host, reply dropped"
    b.round()


def test_abort_request_crashes_with_a_fault():
    b = boot("rpmsg-echo", "omap4", "dsp", mailbox_preload=[RP_MBOX_ABORT_REQUEST])
    with pytest.raises(UcError) as fault:
        b.interrupt("mailbox_irq_handler")
    assert fault.value.errno == UC_ERR_WRITE_UNMAPPED
    assert f"crash: abort request from the host; store to unmapped {UNMAPPED:#010x}" \
        in b.text().splitlines()


@pytest.mark.parametrize("board,core", list(CORES), ids=[f"{b}-{c}" for b, c in CORES])
def test_client_sample_logs_echoes_and_survives_a_host_reset(board, core):
    b = boot("rpmsg-client-sample", board, core)
    host, names = link_up(b)
    assert names == {"rpmsg-client-sample": FIRST_DYNAMIC}
    assert b.mbox.to_host and b.mbox.to_host[-1] == 0  # kicked vring0 (notify id 0)
    for n in (1, 2):
        host.send(FIRST_DYNAMIC, b"dude%d" % n)
        b.round()
        assert host.receive() == [(FIRST_DYNAMIC, host.addr, b"dude%d" % n)]
        assert b.text().splitlines()[-1] == f"incoming msg {n} (src: {host.addr:#x})"
    # The host resets the device: the firmware sees status 0 on its next round...
    host.reset()
    b.round()
    assert b.text().splitlines()[-1] == "rpmsg: link down, the host reset the device"
    # ... and comes back at the next DRIVER_OK: announced again, counting from 1 again.
    host, names = link_up(b)
    assert names == {"rpmsg-client-sample": FIRST_DYNAMIC}
    host.send(FIRST_DYNAMIC, b"dude")
    b.round()
    assert host.receive() == [(FIRST_DYNAMIC, host.addr, b"dude")]
    assert b.text().splitlines()[-1] == f"incoming msg 1 (src: {host.addr:#x})"


def test_echo_sample_is_silent_and_counts():
    b = boot("rpmsg-echo", "omap4", "ipu-c1")
    host, names = link_up(b)
    assert names == {"rpmsg-echo": FIRST_DYNAMIC}
    quiet = len(b.uart)
    payloads = [bytes([i]) * (i * 7 % 496 + 1) for i in range(20)]
    for p in payloads:
        host.send(FIRST_DYNAMIC, p)
    b.round()
    assert host.receive() == [(FIRST_DYNAMIC, host.addr, p) for p in payloads]
    assert len(b.uart) == quiet
    received, send_errors = struct.unpack(
        "<II", b.uc.mem_read(b.symbols["rpmsg_echo_counts"][0], 8))
    assert (received, send_errors) == (len(payloads), 0)


def test_p2p_sample_answers_on_both_endpoints_with_their_names():
    b = boot("rpmsg-p2p", "omap4", "ipu-c0")
    host, names = link_up(b)
    assert names == {"rpmsg-p2p-a": FIRST_DYNAMIC, "rpmsg-p2p-b": FIRST_DYNAMIC + 1}
    host.send(FIRST_DYNAMIC + 1, b"hello")
    host.send(FIRST_DYNAMIC, b"hi")
    b.round()
    assert host.receive() == [(FIRST_DYNAMIC + 1, host.addr, b"rpmsg-p2p-b: hello"),
                              (FIRST_DYNAMIC, host.addr, b"rpmsg-p2p-a: hi")]
    # A reply longer than a buffer is cut at its end (496 payload bytes).
    host.send(FIRST_DYNAMIC, b"x" * 496)
    b.round()
    [(_, _, reply)] = host.receive()
    assert reply == b"rpmsg-p2p-a: " + b"x" * (496 - 13)


def crasher_after(command):
    b = boot("rpmsg-crasher", "minimal", "m4")
    host, names = link_up(b)
    assert names == {"rpmsg-crasher": FIRST_DYNAMIC}
    host.send(FIRST_DYNAMIC, b"not a crash: echoed")
    b.round()
    assert host.receive() == [(FIRST_DYNAMIC, host.addr, b"not a crash: echoed")]
    host.send(FIRST_DYNAMIC, command)
    return b, host


def test_crasher_fault():
    b, _ = crasher_after(b"crash:fault now")
    with pytest.raises(UcError) as fault:
        b.round()
    assert fault.value.errno == UC_ERR_WRITE_UNMAPPED
    assert b.text().splitlines()[-1] == \
        f"crash: message crash:fault; store to unmapped {UNMAPPED:#010x}"


def test_crasher_report_sends_crash_and_halts():
    b, host = crasher_after(b"crash:report")
    b.round()
    assert b.mbox.to_host[-1] == RP_MBOX_CRASH
    assert b.text().splitlines()[-2:] == [
        "crash: message crash:report; reporting RP_MBOX_CRASH to the host", "halt: crashed"]
    assert (0xE000E010, 0) in b.ppb  # SysTick off: nothing wakes the halted core
    halted_at = b.pc
    pets = len(b.wdog)
    host.send(FIRST_DYNAMIC, b"anyone?")
    b.round()
    assert (b.pc, len(b.wdog), host.receive()) == (halted_at, pets, [])


def test_crasher_watchdog_stops_petting():
    b, host = crasher_after(b"crash:watchdog")
    b.round()
    assert b.text().splitlines()[-1] == "crash: message crash:watchdog; no more watchdog pets"
    pets = len(b.wdog)
    for _ in range(3):
        b.round()
    host.send(FIRST_DYNAMIC, b"anyone?")
    b.round()
    assert (len(b.wdog), host.receive()) == (pets, [])
    # The watchdog's warning comes through its handler, which masks its line.
    b.interrupt("watchdog_irq_handler")
    assert b.text().splitlines()[-1] == "watchdog: not petted for 500 ms, reset in 500 ms"
    line = b.c.wdog_line
    assert b.ppb[-1] == (0xE000E180 + 4 * (line // 32), 1 << (line % 32))


def test_crasher_ignores_a_prefix_of_a_command():
    b, host = crasher_after(b"crash:")
    b.round()
    assert host.receive() == [(FIRST_DYNAMIC, host.addr, b"crash:")]


SCRATCH = RAM[0] + 0xA000  # between .bss and the stack in every image


def test_printf_conversions():
    b = boot("rpmsg-echo", "minimal", "m4")
    fmt, text = SCRATCH, SCRATCH + 0x100
    b.write(fmt, b"%d %d %u %x %08x|%5d|%05d|%-|%s|%c|%p|%%|%s\n\0")
    b.write(text, b"str\0")
    b.call("bsp_printf", fmt, -42, -0x80000000, 4_000_000_000, 0xBEEF, 0x1F, 42, -7, text,
           ord("Z"), 0x20000048, 0)
    assert b.text().splitlines()[-1] == \
        "-42 -2147483648 4000000000 beef 0000001f|   42|-0007|%-|str|Z|0x20000048|%|(null)"
    b.write(fmt, b"100%\0")  # a lone % at the end is printed as it is
    b.call("bsp_printf", fmt)
    assert b.text().endswith("(null)\n100%")


def test_trace_buffer_keeps_the_latest_output():
    b = boot("rpmsg-echo", "minimal", "m4")
    fmt = SCRATCH
    b.write(fmt, b"line %u of a text longer than the trace buffer, to make it wrap\n\0")
    for i in range(80):
        b.call("bsp_printf", fmt, i)
    out = bytes(b.uart)
    assert len(out) > TRACE_SIZE
    trace = bytes(b.uc.mem_read(b.symbols["bsp_trace"][0], TRACE_SIZE))
    # TRACE_SIZE - 1 characters per lap: the last byte is kept for the NUL.
    since_wrap = len(out) % (TRACE_SIZE - 1)
    assert trace[:trace.index(0)] == out[len(out) - since_wrap:]
