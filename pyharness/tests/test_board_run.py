"""`ampsim run`, end to end: the virtual board booting real firmware (docs/simulator.md).

Every sample firmware on every core of every shipped board; crash detection and recovery for each
way a remote can crash; boot/shutdown cycles; determinism; and the ways a run must refuse its
inputs (bad options, boards, firmware) with a clear message and the documented exit status.

AMPSIM_BUILD_DIR selects the build tree (default: build/)."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
AMPSIM = BUILD / "sim" / "ampsim"
FIRMWARE_DIR = BUILD / "firmware" / "fixtures" / "firmware"
MALFORMED = ROOT / "fixtures" / "firmware" / "malformed"
BAD_BOARDS = ROOT / "fixtures" / "boards" / "bad"
TIMEOUT_S = 300  # a hang guard; every run here takes well under a second of wall time

BOARDS = {"minimal": ("m4",), "omap4": ("ipu-c0", "ipu-c1", "dsp")}
SAMPLES = ("rpmsg-client-sample", "rpmsg-echo", "rpmsg-crasher", "rpmsg-p2p")
LINE = re.compile(r"^\[\s*\d+\.\d{6}\] [\w-]+: ")

pytestmark = pytest.mark.skipif(not (FIRMWARE_DIR / "rpmsg-echo-minimal-m4.elf").exists(),
                                reason="the firmware is not built (AMPSIM_FIRMWARE=OFF)")


def ampsim_run(*args, check_status=None):
    """Run `ampsim run ARGS`; return the completed process (text)."""
    proc = subprocess.run([str(AMPSIM), "run", *args], capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)
    if check_status is not None:
        assert proc.returncode == check_status, (proc.returncode, proc.stdout[-3000:],
                                                 proc.stderr[-2000:])
    return proc


def overrides(board, sample):
    """--firmware for every core of @board, all running @sample."""
    args = []
    for core in BOARDS[board]:
        args += ["--firmware", f"{core}={sample}-{board}-{core}.elf"]
    return args


def summary_line(stdout, core):
    match = re.search(rf"^  {re.escape(core)}\s+(\S+)\s+(\d+) channels?, (\d+) crash", stdout,
                      re.M)
    assert match, stdout[-2000:]
    return match.group(1), int(match.group(2)), int(match.group(3))


@pytest.mark.parametrize("board", sorted(BOARDS))
@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_on_every_core(board, sample):
    messages = 12
    proc = ampsim_run("--board", board, "--messages", str(messages), *overrides(board, sample),
                      check_status=0)
    out = proc.stdout
    assert "result: PASS" in out
    assert "summary: every remote settled" in out
    for line in out.splitlines():
        if not line.startswith(("summary:", "result:", "  ")):
            assert LINE.match(line), line
    for core in BOARDS[board]:
        state, channels, crashes = summary_line(out, core)
        assert state == "running" and crashes == 0
        assert channels == (2 if sample == "rpmsg-p2p" else 1)
        assert f"remoteproc {core}: remote processor {core} is now up" in out
        assert f"received echo reply from {core}" in out  # the ping before the start
        assert f"] {core}: ampsim {sample} on {board}/{core}" in out  # the core's console
        if sample == "rpmsg-client-sample":
            # Both sides print Linux's line, the host after the remote.
            assert f"] {core}: incoming msg {messages} (src: 0x400)" in out
            assert f"] host: rpmsg-client-sample {core}: incoming msg {messages} (src: " in out
            assert f"rpmsg-client-sample {core}: goodbye!" in out
        elif sample == "rpmsg-p2p":
            for ept in ("rpmsg-p2p-a", "rpmsg-p2p-b"):
                assert f"{ept} {core}: {messages} answers checked" in out
        else:
            assert f"{sample} {core}: {messages} answers checked" in out
    if sample == "rpmsg-p2p" and board == "omap4":
        # The remote-to-remote link: ipu-c0 drives it, ipu-c1 announces its service there,
        # and ipu-c0's "rpmsg-p2p-b" answers the host through ipu-c1 (checked by the host).
        for line in ("ipu-c1: peer: link with ipu-c0 as its device",
                     "ipu-c0: peer: link with ipu-c1 as its driver",
                     "ipu-c0: rpmsg: channel created rpmsg-p2p-peer, addr 0x400",
                     "ipu-c0: peer: ipu-c1 announced rpmsg-p2p-peer at 0x400",
                     "ipu-c0: peer: relaying rpmsg-p2p-b's messages to ipu-c1",
                     "ipu-c1: peer: answering ipu-c0's first message"):
            assert f"] {line}" in out, line
        assert "dsp: peer:" not in out
    dialogues = len(BOARDS[board]) * (2 if sample == "rpmsg-p2p" else 1)
    assert f"dialogues: {dialogues} completed, 0 failed" in out


CRASHES = {"fault": "mmufault", "watchdog": "watchdog", "report": "fatal error"}


@pytest.mark.parametrize("kind", sorted(CRASHES))
def test_crash_is_detected_and_recovered(kind, tmp_path):
    proc = ampsim_run("--board", "minimal", "--firmware", "m4=rpmsg-crasher-minimal-m4.elf",
                      "--messages", "5", "--crash", kind, "--coredump-dir", str(tmp_path),
                      check_status=0)
    out = proc.stdout
    assert f"crash detected in m4: type {CRASHES[kind]}" in out
    assert "handling crash #1 in m4" in out
    assert "recovered; remote processor m4 is now up" in out
    assert "rpmsg-crasher m4: 5 answers checked after the recovery" in out
    assert summary_line(out, "m4") == ("running", 2, 1)
    # The remote came back through a full reload: its banner twice, a fresh announcement.
    assert out.count("] m4: ampsim rpmsg-crasher on minimal/m4") == 2
    core = tmp_path / "m4-crash1.core"
    assert core.read_bytes()[:4] == b"\x7fELF"
    if kind == "watchdog":
        # The SP805 warns at half the timeout and resets at the whole (1 s).
        assert re.search(r"^\[\s*0\.5\d+\] m4: watchdog: not petted", out, re.M)
        assert re.search(r"^\[\s*1\.0\d+\] host: remoteproc m4: crash detected", out, re.M)


def test_crash_without_recovery_fails_the_run():
    proc = ampsim_run("--board", "minimal", "--firmware", "m4=rpmsg-crasher-minimal-m4.elf",
                      "--messages", "3", "--crash", "fault", "--no-recovery", check_status=1)
    assert "recovery disabled; m4 stays crashed" in proc.stdout
    assert summary_line(proc.stdout, "m4") == ("crashed", 1, 1)
    assert "result: FAIL (m4 stayed crashed)" in proc.stdout


def test_firmware_for_another_board_crash_loops_and_gives_up():
    # The omap4 image touches its UART at 0xa8020000, unmapped on minimal: it faults at every
    # start; the host stops recovering after --max-crashes.
    proc = ampsim_run("--board", "minimal", "--firmware", "m4=rpmsg-echo-omap4-ipu-c0.elf",
                      "--max-crashes", "3", check_status=1)
    assert "crash detected in m4: type mmufault" in proc.stdout
    assert "3 crashes; recovery disabled for it" in proc.stdout
    assert summary_line(proc.stdout, "m4") == ("crashed", 0, 3)


def test_one_hundred_boot_cycles():
    proc = ampsim_run("--board", "minimal", "--messages", "2", "--cycles", "100", check_status=0)
    assert "boot cycles: 100 of 100 completed" in proc.stdout
    assert proc.stdout.count("remote processor m4 is now up") == 100
    assert proc.stdout.count("rpmsg-client-sample m4: goodbye!") == 100
    assert "dialogues: 100 completed, 0 failed" in proc.stdout


def test_output_is_deterministic(tmp_path):
    args = ("--board", "omap4", "--messages", "20", "--seed", "7")
    first = ampsim_run(*args, check_status=0)
    second = ampsim_run(*args, check_status=0)
    assert first.stdout == second.stdout
    assert "wall" not in first.stdout  # wall-clock figures go to stderr
    assert "wall" in first.stderr


def test_stats_and_console_logs(tmp_path):
    stats = tmp_path / "stats.json"
    proc = ampsim_run("--board", "omap4", "--messages", "4", "--stats", str(stats), "--log-dir",
                      str(tmp_path), check_status=0)
    doc = json.loads(stats.read_text())
    assert doc["verdict"] == "pass" and doc["finished"] is True
    assert [r["name"] for r in doc["remotes"]] == ["ipu-c0", "ipu-c1", "dsp"]
    assert all(r["channels"] == 1 and r["instructions"] > 0 for r in doc["remotes"])
    assert doc["messages_sent"] == doc["answers_received"] == 12
    log = (tmp_path / "ipu-c0.log").read_text()
    assert "incoming msg 4 (src: 0x400)" in log and not log.startswith("[")
    assert proc.stdout.count("] ipu-c0: ") == log.count("\n")


def test_fixed_payload_sizes():
    for size in ("4", "16", "496"):
        ampsim_run("--board", "minimal", "--firmware", "m4=rpmsg-echo-minimal-m4.elf",
                   "--messages", "50", "--payload-size", size, check_status=0)
    proc = ampsim_run("--board", "minimal", "--firmware", "m4=rpmsg-echo-minimal-m4.elf",
                      "--messages", "5", "--payload-size", "497", check_status=1)
    assert "payload size 497 does not fit a 496-byte buffer" in proc.stdout


@pytest.mark.parametrize("args,message", [
    (["--until", "soon"], "--until takes a time"),
    (["--messages", "0"], "--messages takes 1.."),
    (["--crash", "melt"], "--crash takes fault, watchdog or report"),
    (["--log-level", "loud"], "--log-level takes error, warn, info or debug"),
    (["--firmware", "m4"], "--firmware takes CORE=ELF"),
    (["--board", "minimal", "--firmware", "ipu-c0=x.elf"], "board 'minimal' has no core 'ipu-c0'"),
    (["--board", "no-such-board"], "no-such-board"),
    (["--board", "minimal", "--firmware", "m4=/nonexistent/fw.elf"], "/nonexistent/fw.elf"),
    (["--bogus"], "unknown option '--bogus'"),
    (["extra"], "unexpected argument 'extra'"),
], ids=["until", "messages", "crash", "log-level", "firmware-syntax", "unknown-core",
        "unknown-board", "missing-firmware", "unknown-option", "extra-argument"])
def test_usage_errors(args, message):
    proc = ampsim_run(*args, check_status=2)
    assert message in proc.stderr
    assert proc.stdout == ""


def test_program_without_its_board_module(tmp_path):
    """The board runtime is a module beside the program: without it `run` is a usage error
    with the loader's reason, and the verbs that do not need it work as before."""
    shutil.copy(AMPSIM, tmp_path / "ampsim")
    proc = subprocess.run([str(tmp_path / "ampsim"), "run", "--board", "minimal"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc
    assert "ampsim run: cannot load the board runtime:" in proc.stderr
    assert "ampsim-board.so" in proc.stderr
    check = subprocess.run([str(tmp_path / "ampsim"), "check", "--rules"], capture_output=True,
                           text=True, timeout=60, check=False)
    assert check.returncode == 0 and "LAYOUT-001" in check.stdout


def test_invalid_board_file_names_the_line():
    bad = sorted(BAD_BOARDS.glob("*.yaml"))[0]
    proc = ampsim_run("--board", str(bad), check_status=1)
    assert re.match(rf"ampsim run: {re.escape(str(bad))}:\d+:\d+: ", proc.stderr), proc.stderr


@pytest.mark.parametrize("image", ["not_elf.bin", "truncated_header.elf", "segment_past_eof.elf",
                                   "rsc_offset_range.elf", "vring_num_3.elf", "big_endian.elf",
                                   "elf64_valid.elf"])
def test_malformed_firmware_fails_to_boot(image):
    proc = ampsim_run("--board", "minimal", "--firmware", f"m4={MALFORMED / image}",
                      check_status=1)
    assert "remoteproc m4: Boot failed: " in proc.stdout
    assert "result: FAIL (m4 did not boot)" in proc.stdout


def test_hostile_remote_is_survived_and_reported():
    # rpmsg-hostile enables the host's mailbox events, sends an unassigned notify id and a
    # reserved control message, then corrupts vring0's used index after its first echo.
    proc = ampsim_run("--board", "minimal", "--firmware", "m4=rpmsg-hostile-minimal-m4.elf",
                      "--until", "50ms", check_status=1)
    out = proc.stdout
    assert "host: warning: omap-rproc m4: dropping unknown message 0x1234" in out
    assert re.search(r"host: warning: mailbox mbox: events 0x[0-9a-f]+ enabled for the host's "
                     r"user 0 by a guest; disabled", out)
    assert "host: warning: virtio_rpmsg_bus m4: peer broke the ring protocol: " in out
    assert "dropping unknown message 0xffffff10" not in out  # control messages are ignored
    assert re.search(r"result: FAIL \(.*protocol problem\(s\) seen by the host", out)
    assert summary_line(out, "m4") == ("running", 1, 0)


def test_trace_capture_changes_nothing_and_is_deterministic(tmp_path):
    args = ("--board", "omap4", "--messages", "6")
    plain = ampsim_run(*args, check_status=0).stdout
    binary, text = tmp_path / "run.trace", tmp_path / "run.txt"
    traced = ampsim_run(*args, "--trace", str(binary), check_status=0).stdout
    m = re.search(r"^  trace: (\d+) events\n", traced, re.M)
    assert m and int(m.group(1)) > 1000
    # Tracing does not change the run: the same output but the trace line.
    assert traced.replace(m.group(0), "") == plain
    again = ampsim_run(*args, "--trace", str(text), check_status=0).stdout
    assert again == traced
    shown = subprocess.run([str(AMPSIM), "trace", "convert", str(binary), "-"],
                           capture_output=True, check=True, timeout=60).stdout
    assert shown == text.read_bytes()  # the same events in both encodings, run after run
    lines = text.read_text().splitlines()
    assert lines[0] == "ampsim-trace 1"
    assert "initiator 0 host host" in lines and "initiator 1 core ipu-c0" in lines
    assert "region 2 ipu0-shared 0x9e000000 0x100000" in lines
    assert "view ipu0-shared ipu-c0 0x30000000" in lines  # where the core's addresses point
    assert "view mbox2 ipu-c0 0xaa0f5000" in lines
    events = [l.split() for l in lines if l[0].isdigit()]
    kinds = {(e[1], e[2]) for e in events}
    for core in ("ipu-c0", "ipu-c1", "dsp"):
        assert ("store", core) in kinds  # the core's ring and buffer stores
        assert ("mbox-read", core) in kinds and ("mbox-write", core) in kinds
        assert ("irq", core) in kinds
    assert ("barrier", "host") in kinds and ("store", "host") in kinds
    for core in ("ipu-c0", "ipu-c1", "dsp"):
        assert ("barrier", core) in kinds
    # A core returning a buffer: the used element, a barrier, then the used index (ipu-c0's
    # vring0 used ring is at 0x9e002000: flags, idx at +2, elements from +4).
    c0 = [e for e in events if e[2] == "ipu-c0" and e[1] in ("store", "barrier")]
    idx = next(i for i, e in enumerate(c0) if e[1] == "store" and e[4] == "0x9e002002"
               and i > 0 and c0[i - 1][1] == "barrier")
    assert c0[idx - 2][1] == "store" and 0x9e002004 <= int(c0[idx - 2][4], 16) < 0x9e002800
    # Cores write only shared memory; their code and data are not traced.
    core_regions = {e[3] for e in events if e[1] == "store" and e[2] != "host"}
    assert core_regions == {"ipu0-shared", "ipu1-shared", "dsp-shared"}
    # The host's copy of ipu-c0's resource table (at 0x9d040000: the start of its data RAM),
    # then its DRIVER_OK store into the table's status byte.
    assert any(e[1:5] == ["store", "host", "ipu0-data", "0x9d040000"] and len(e[5]) > 200
               for e in events)
    assert any(e[1:4] == ["store", "host", "ipu0-data"] and e[5] == "07" for e in events)
    times = [int(e[0]) for e in events]
    assert times == sorted(times)


def test_trace_to_an_unwritable_path_is_a_usage_error(tmp_path):
    proc = ampsim_run("--board", "minimal", "--trace", str(tmp_path / "no" / "such" / "t"),
                      check_status=2)
    assert "--trace" in proc.stderr and "No such file or directory" in proc.stderr
