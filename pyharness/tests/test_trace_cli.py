"""`ampsim trace show|convert` (docs/trace-format.md): the hand-written fixture shown and converted
both ways byte for byte, corrupt and unreadable inputs with their exit statuses, usage errors.

AMPSIM_BUILD_DIR selects the build tree (default: build/)."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
AMPSIM = BUILD / "sim" / "ampsim"
KICK = ROOT / "fixtures" / "traces" / "kick.txt"
KICK_BIN = ROOT / "fixtures" / "fuzz" / "trace" / "kick.bin"


def trace(*args, status=0, stdin=None):
    proc = subprocess.run([str(AMPSIM), "trace", *map(str, args)], capture_output=True,
                          timeout=60, check=False, input=stdin)
    assert proc.returncode == status, (proc.returncode, proc.stdout[-2000:], proc.stderr)
    return proc


def canonical(path):
    """The fixture without its comments: what a writer produces."""
    return b"".join(l for l in path.read_bytes().splitlines(keepends=True)
                    if not l.startswith(b"#"))


def test_show_numbers_every_event():
    out = trace("show", KICK).stdout.decode().splitlines()
    assert out[0] == "ampsim-trace 1"
    assert "initiator 1 core ipu-c0" in out
    events = [l for l in out if l.startswith("#")]
    assert len(events) == 18
    assert events[0] == "#0 1000000 store host ipu0-shared 0x9e040000 00040000000400000c00000000000000"
    assert events[-1] == "#17 1012000 irq host mbox 0 1"


def test_convert_both_ways_byte_for_byte(tmp_path):
    binary, text = tmp_path / "kick.bin", tmp_path / "kick.txt"
    trace("convert", KICK, binary)
    assert binary.read_bytes() == KICK_BIN.read_bytes()  # the committed seed is this conversion
    trace("convert", binary, text)
    assert text.read_bytes() == canonical(KICK)
    trace("convert", text, "-", "--to", "text")
    piped = trace("convert", "-", "-", stdin=binary.read_bytes()).stdout
    assert piped == canonical(KICK)


@pytest.mark.parametrize("cut", [0, 9, 16, 20, 40, 706])
def test_corrupt_binary_is_an_error_with_its_position(tmp_path, cut):
    bad = tmp_path / "cut.bin"
    bad.write_bytes(KICK_BIN.read_bytes()[:cut])
    if cut == 16:  # header alone: an empty, valid trace
        assert trace("show", bad).stdout == b"ampsim-trace 1\n"
        return
    err = trace("show", bad, status=1).stderr.decode()
    assert err.startswith(f"ampsim trace: {bad}: ")
    assert "byte " in err or "not an ampsim trace" in err


def test_errors_in_text_name_the_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("ampsim-trace 1\ninitiator 0 host host\n5 barrier host sideways\n")
    err = trace("show", bad, status=1).stderr.decode()
    assert "line 3: barrier kind 'sideways' (write, read or full)" in err


@pytest.mark.parametrize("text, shown", [
    ("010 barrier host full", "#0 10 barrier host full"),  # a leading 0 is not octal
    ("0x10 barrier host full", "#0 16 barrier host full"),
    ("0X1f barrier host full", "#0 31 barrier host full"),
], ids=["leading-zero", "hex", "hex-upper"])
def test_numbers_are_decimal_or_0x_hex(tmp_path, text, shown):
    good = tmp_path / "n.txt"
    good.write_text(f"ampsim-trace 1\ninitiator 0 host host\n{text}\n")
    assert shown in trace("show", good).stdout.decode().splitlines()


@pytest.mark.parametrize("content, line", [
    (b"5 barrier host full\0junk\n", 3),
    (b"5 barrier host full\n6 barrier\0 host full\n", 4),
], ids=["nul-then-text", "nul-inside"])
def test_nul_bytes_are_refused_with_their_line(tmp_path, content, line):
    bad = tmp_path / "nul.txt"
    bad.write_bytes(b"ampsim-trace 1\ninitiator 0 host host\n" + content)
    err = trace("show", bad, status=1).stderr.decode()
    assert f"line {line}: a NUL byte in the line" in err


@pytest.mark.parametrize("number", ["0x", "1a", "0x1g", "18446744073709551616", "-1", "+1"])
def test_malformed_numbers_name_the_line(tmp_path, number):
    bad = tmp_path / "n.txt"
    bad.write_text(f"ampsim-trace 1\ninitiator 0 host host\n{number} barrier host full\n")
    err = trace("show", bad, status=1).stderr.decode()
    assert "line 3: " in err and number in err


@pytest.mark.parametrize("args,message", [
    ((), "no trace verb"),
    (("dump", "x"), "unknown trace verb"),
    (("show",), "trace show takes one FILE"),
    (("convert", "a"), "trace convert takes IN and OUT"),
    (("convert", "a", "b", "--to", "pcap"), "--to takes binary, text or pcapng"),
    (("show", "/nonexistent/trace"), "No such file or directory"),
])
def test_usage_errors(args, message):
    assert message in trace(*args, status=2).stderr.decode()
