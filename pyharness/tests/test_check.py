"""`ampsim check` (docs/conformance.md): every rule through its passing and failing fixture, the
catalogue against conformance/rules.yaml, golden traces recorded from the boards, profiles,
--side, the report formats, and unreadable input.

AMPSIM_BUILD_DIR selects the build tree (default: build/)."""
import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
AMPSIM = BUILD / "sim" / "ampsim"
FIRMWARE_DIR = BUILD / "firmware" / "fixtures" / "firmware"
RULE_TRACES = ROOT / "fixtures" / "traces" / "rules"
GOLDEN = ROOT / "fixtures" / "traces" / "golden"
CATALOGUE = yaml.safe_load((ROOT / "conformance" / "rules.yaml").read_text())
RULE_IDS = [r["id"] for r in CATALOGUE["rules"]]
SHOULD = {r["id"] for r in CATALOGUE["rules"] if r["severity"] in ("SHOULD", "DF-SHOULD")}
# A failing fixture may need what another rule warns about (a SHOULD-level rule): a probe of an
# unbound address is, by definition, a message to an address the peer never made known.
COMPANIONS = {"RPMSG-009": {"RPMSG-011"}}


def check(*args, status=None):
    proc = subprocess.run([str(AMPSIM), "check", *map(str, args)], capture_output=True,
                          text=True, timeout=120, check=False)
    if status is not None:
        assert proc.returncode == status, (proc.returncode, proc.stdout[-3000:], proc.stderr)
    return proc


def verdicts(path, *args, status=None):
    proc = check("--json", path, *args, status=status)
    report = json.loads(proc.stdout)
    return {r["id"]: r for r in report["rules"]}, report, proc.returncode


def test_catalogue_matches_the_yaml():
    listed = json.loads(check("--rules", "--json", status=0).stdout)
    assert [r["id"] for r in listed["rules"]] == RULE_IDS
    assert len(RULE_IDS) >= 60
    for mine, theirs in zip(listed["rules"], CATALOGUE["rules"]):
        for key in ("side", "severity", "title", "observed", "check", "source"):
            assert mine[key] == theirs[key], (mine["id"], key)
        assert mine["deviations"] == theirs.get("deviations", [])
    for name, profile in CATALOGUE["profiles"].items():
        assert listed["profiles"][name] == profile["allows"]
    text = check("--rules", status=0).stdout.splitlines()
    assert len(text) == len(RULE_IDS) and text[0].startswith(RULE_IDS[0])


def test_rule_fixtures_are_what_the_generator_makes(tmp_path):
    subprocess.run([sys.executable, str(RULE_TRACES / "make_rule_traces.py"), str(tmp_path)],
                   check=True, timeout=120)
    made = sorted(p.name for p in tmp_path.glob("*.txt"))
    committed = sorted(p.name for p in RULE_TRACES.glob("*.txt"))
    assert made == committed
    for name in made:
        assert (tmp_path / name).read_text() == (RULE_TRACES / name).read_text(), name


@pytest.mark.parametrize("rule", RULE_IDS)
def test_rule_passing_fixture(rule):
    result, _, status = verdicts(RULE_TRACES / f"{rule}.pass.txt")
    assert result[rule]["result"] == "pass", result[rule]
    assert result[rule]["exercised"] > 0
    others = {k: v["result"] for k, v in result.items()
              if v["result"] not in ("pass", "not exercised")}
    assert set(others) <= COMPANIONS.get(rule, set()), others
    assert all(v == "warn" for v in others.values()), others
    assert status == 0


@pytest.mark.parametrize("rule", RULE_IDS)
def test_rule_failing_fixture(rule):
    result, _, status = verdicts(RULE_TRACES / f"{rule}.fail.txt")
    expected = "warn" if rule in SHOULD else "fail"
    assert result[rule]["result"] == expected, result[rule]
    assert result[rule]["events"], "a violation names its events"
    for event in result[rule]["events"]:
        assert event["initiator"] in ("host", "m4") and event["text"]
    others = {k: v["result"] for k, v in result.items()
              if k != rule and v["result"] not in ("pass", "not exercised")}
    assert set(others) <= COMPANIONS.get(rule, set()), others
    assert all(v == "warn" for v in others.values()), others
    assert status == (0 if rule in SHOULD else 1)


@pytest.mark.parametrize("trace", sorted(p.name for p in GOLDEN.glob("*.bin")))
def test_golden_trace_passes(trace):
    result, report, _ = verdicts(GOLDEN / trace, status=0)
    assert report["links"], "the trace's links were found"
    bad = {k: v["result"] for k, v in result.items() if v["result"] in ("fail", "warn")}
    assert not bad, bad
    exercised = sum(1 for v in result.values() if v["result"] == "pass")
    assert exercised >= 50, exercised


needs_firmware = pytest.mark.skipif(
    not (FIRMWARE_DIR / "rpmsg-echo-minimal-m4.elf").exists(),
    reason="the firmware is not built (AMPSIM_FIRMWARE=OFF)")
BOARDS = {"minimal": ("m4",), "omap4": ("ipu-c0", "ipu-c1", "dsp")}


def record(tmp_path, name, *args):
    out = tmp_path / name
    proc = subprocess.run([str(AMPSIM), "run", *args, "--trace", str(out)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


@needs_firmware
@pytest.mark.parametrize("board", sorted(BOARDS))
@pytest.mark.parametrize("sample", ("rpmsg-client-sample", "rpmsg-echo", "rpmsg-p2p"))
def test_fresh_board_trace_passes(tmp_path, board, sample):
    args = ["--board", board, "--messages", "10"]
    for core in BOARDS[board]:
        args += ["--firmware", f"{core}={sample}-{board}-{core}.elf"]
    trace = record(tmp_path, "run.bin", *args)
    result, report, _ = verdicts(trace, status=0)
    assert len(report["links"]) == len(BOARDS[board]) + (board == "omap4" and sample == "rpmsg-p2p")
    assert not [k for k, v in result.items() if v["result"] in ("fail", "warn")]


@needs_firmware
@pytest.mark.parametrize("kind", ("fault", "watchdog"))
def test_crash_recovery_trace_passes(tmp_path, kind):
    trace = record(tmp_path, "crash.txt", "--board", "minimal", "--messages", "5", "--crash", kind,
                   "--firmware", "m4=rpmsg-crasher-minimal-m4.elf")
    result, _, _ = verdicts(trace, status=0)
    assert result["INIT-001"]["exercised"] > 3  # the recovery's reset and second bring-up


@needs_firmware
def test_hostile_remote_is_caught(tmp_path):
    out = tmp_path / "hostile.bin"
    subprocess.run([str(AMPSIM), "run", "--board", "minimal", "--messages", "5", "--firmware",
                    "m4=rpmsg-hostile-minimal-m4.elf", "--trace", str(out)],
                   capture_output=True, timeout=300, check=False)
    result, _, status = verdicts(out, status=1)
    assert result["NOTIF-007"]["result"] == "fail"  # a kick naming no vring
    assert result["DEV-002"]["result"] == "fail"  # a corrupted used index
    proc = check(out)
    assert "#" in proc.stdout and "m4 (device)" in proc.stdout


def test_profile_reports_an_allowed_deviation():
    fixture = RULE_TRACES / "DEV-003.fail.txt"  # used.len = the buffer's length
    strict, _, status = verdicts(fixture)
    assert strict["DEV-003"]["result"] == "fail" and status == 1
    openamp, report, status = verdicts(fixture, "--profile", "openamp")
    assert openamp["DEV-003"]["result"] == "deviation" and status == 0
    assert openamp["DEV-003"]["events"][0]["deviation"] == "used-len-buffer-len"
    assert report["profile"] == "openamp"
    linux, _, status = verdicts(fixture, "--profile", "linux")
    assert linux["DEV-003"]["result"] == "fail" and status == 1
    # An allowance covers its deviation only: used.len beyond the writable bytes still fails.
    other, _, status = verdicts(RULE_TRACES / "INIT-002.fail.txt", "--profile", "openamp")
    assert other["INIT-002"]["result"] == "fail" and status == 1


def test_side_selects_whose_rules_are_judged():
    fixture = RULE_TRACES / "DEV-001.fail.txt"
    driver, report, status = verdicts(fixture, "--side", "driver")
    assert driver["DEV-001"]["result"] == "not judged" and status == 0
    assert report["side"] == "driver"
    device, _, status = verdicts(fixture, "--side", "device")
    assert device["DEV-001"]["result"] == "fail" and status == 1
    assert device["DRV-001"]["result"] == "not judged"


def test_text_report_names_events_and_sources():
    proc = check(RULE_TRACES / "DRV-001.fail.txt", status=1)
    out = proc.stdout
    assert "DRV-001 fail (MUST, driver)" in out
    assert "source: virtio v1.2 §2.7.13" in out
    assert "host (driver): vring1 avail.ring[0] rewritten after avail.idx 1 exposed it" in out
    assert out.rstrip().endswith("result: FAIL")
    assert "link 0: device block 0x90040014 (m4-data), driver host, device m4" in out


def test_text_and_binary_encodings_judge_alike(tmp_path):
    binary = tmp_path / "t.bin"
    subprocess.run([str(AMPSIM), "trace", "convert", RULE_TRACES / "NOTIF-004.fail.txt", binary],
                   check=True, timeout=60)
    a, _, _ = verdicts(RULE_TRACES / "NOTIF-004.fail.txt")
    b, _, _ = verdicts(binary)
    assert a == b


@pytest.mark.parametrize("content, where", [
    (b"ampsim-trace 1\nbogus line\n", "line 2"),
    (b"AMPTRC\r\n\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\xff\x00\x00\x00", "byte 16"),
    (b"not a trace at all", ""),
], ids=["text-garbage", "binary-oversized-record", "no-header"])
def test_unreadable_trace_is_an_input_error(tmp_path, content, where):
    bad = tmp_path / "bad"
    bad.write_bytes(content)
    proc = check(bad, status=2)
    assert where in proc.stderr and "ampsim check" in proc.stderr
    assert proc.stdout == ""


def test_truncated_golden_trace_is_an_input_error(tmp_path):
    data = (GOLDEN / "minimal-rpmsg-echo.bin").read_bytes()
    cut = tmp_path / "cut.bin"
    cut.write_bytes(data[: len(data) // 2 + 3])
    proc = check(cut, status=2)
    assert "byte" in proc.stderr


@pytest.mark.parametrize("encoding", ["text", "binary"])
def test_checker_limit_is_an_input_error_at_its_event(tmp_path, encoding):
    """One byte written on each of 12 289 pages: one page more than the shadow's 48 MiB; the
    checker gives up at that store, with its number."""
    lines = ["ampsim-trace 1", "initiator 0 host host", "region 1 big 0x0 0x4000000"]
    lines += [f"{i} store host big {i * 4096:#x} 00" for i in range(12289)]
    trace = tmp_path / "wide.txt"
    trace.write_text("\n".join(lines) + "\n")
    if encoding == "binary":
        subprocess.run([str(AMPSIM), "trace", "convert", str(trace), str(tmp_path / "wide.bin")],
                       check=True, capture_output=True)
        trace = tmp_path / "wide.bin"
    proc = check(trace, status=2)
    assert "event 12288: the trace writes more than 48 MiB of distinct shared memory" in \
        proc.stderr, proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("args", [
    [], ["a", "b"], ["--side", "host", "x"], ["--profile", "zephyr", "x"],
    ["--byte-order", "middle", "x"], ["--rules", "x"], ["--bogus", "x"],
], ids=["none", "two", "bad-side", "bad-profile", "bad-order", "rules-with-trace", "unknown"])
def test_usage_errors(args):
    proc = check(*args, status=2)
    assert "usage: ampsim check" in proc.stderr


def test_missing_file():
    proc = check("/nonexistent/trace.bin", status=2)
    assert "No such file" in proc.stderr


def test_byte_order_option_overrides_detection():
    result, report, _ = verdicts(RULE_TRACES / "INIT-002.pass.txt", "--byte-order", "big")
    assert report["links"] == []  # a little-endian block does not read as one big-endian
    result, report, _ = verdicts(RULE_TRACES / "INIT-002.pass.txt", "--byte-order", "little")
    assert len(report["links"]) == 1


def test_trace_show_decode_explains_the_events(tmp_path):
    proc = subprocess.run([str(AMPSIM), "trace", "show", "--decode",
                           RULE_TRACES / "RPMSG-011.pass.txt"],
                          capture_output=True, text=True, timeout=60, check=True)
    out = proc.stdout
    for line in ("#   rpmsg device block at 0x90040014 (m4-data)", "#   status 0x03 -> 0x07",
                 "#   name service: create rpmsg-echo at 0x400 (from device)",
                 "#   message 0x400 -> 0x400, 5 bytes (from driver)",
                 "#   kick vring1 by the device (m4)", "#   vring0 avail.idx 8 -> 9"):
        assert line in out, line
    # Still a text trace: the notes are comments.
    shown = tmp_path / "shown.txt"
    shown.write_text("\n".join(l.split(" ", 1)[1] if l.startswith("#") and not l.startswith("# ")
                               else l for l in out.splitlines()) + "\n")
    back = subprocess.run([str(AMPSIM), "trace", "convert", shown, tmp_path / "b.bin"],
                          capture_output=True, text=True, timeout=60)
    assert back.returncode == 0, back.stderr
    bad = subprocess.run([str(AMPSIM), "trace", "convert", "--decode", shown, tmp_path / "c"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--decode is an option of trace show" in bad.stderr


def test_big_endian_link():
    result, report, _ = verdicts(RULE_TRACES / "big-endian.txt", status=0)
    assert "big-endian" in report["links"][0]
    assert sum(1 for v in result.values() if v["result"] == "pass") >= 45
    _, report, _ = verdicts(RULE_TRACES / "big-endian.txt", "--byte-order", "little")
    assert report["links"] == []


def test_a_trace_without_links_says_so():
    proc = check(ROOT / "fixtures" / "traces" / "kick.txt", status=0)
    assert "no rpmsg link found" in proc.stderr
    assert "0 rpmsg links" in proc.stdout


def test_initiator_judges_one_initiator():
    """--initiator: only what that initiator did counts (a core among a board's others)."""
    fixture = RULE_TRACES / "DEV-001.fail.txt"
    rules, _, status = verdicts(fixture, "--initiator", "m4")
    assert status == 1 and rules["DEV-001"]["result"] == "fail"
    rules, _, status = verdicts(fixture, "--initiator", "host")
    assert status == 0 and rules["DEV-001"]["result"] in ("pass", "not exercised")
