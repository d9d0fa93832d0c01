"""`ampsim conform` (docs/conformance.md, "Test your own implementation"): the reference as the
implementation under test in both roles, an independent minimal implementation, the reports
(text, JSON, junit XML, the HTML matrix), the traces kept, scenario files and adapters that are
wrong, and IUTs that crash, hang or scribble.

AMPSIM_BUILD_DIR selects the build tree (default: build/)."""
import json
import os
import pathlib
import subprocess
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
AMPSIM = BUILD / "sim" / "ampsim"
REF_IUT = BUILD / "conformance" / "iut" / "libampconf_ref_iut.so"
TEST_IUTS = BUILD / "conformance" / "tests" / "iut"
SCENARIOS = sorted(p.stem for p in (ROOT / "fixtures" / "scenarios").glob("*.yaml"))
# Under the sanitizers (AMPSIM_SANITIZED, set by the ctest of those trees) the library runs
# without its one long scenario: a million events judged at a sanitizer's pace add minutes and
# nothing the plain tree does not show.
if os.environ.get("AMPSIM_SANITIZED"):
    SCENARIOS.remove("index-wrap")
ROLES = ["driver", "device"]


def conform(*args, status=None, timeout=600):
    proc = subprocess.run([str(AMPSIM), "conform", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, check=False)
    if status is not None:
        assert proc.returncode == status, (proc.returncode, proc.stdout[-4000:],
                                           proc.stderr[-2000:])
    return proc


def conform_json(*args, status=None, timeout=600):
    proc = conform("--json", *args, status=status, timeout=timeout)
    return json.loads(proc.stdout), proc


@pytest.fixture(scope="module", params=ROLES)
def reference_run(request, tmp_path_factory):
    """The whole library against the reference in one role, every report written."""
    out = tmp_path_factory.mktemp(f"ref-{request.param}")
    report, _ = conform_json("--iut", f"lib:{REF_IUT}", "--side", request.param,
                             "--scenarios", ",".join(SCENARIOS),
                             "--artifacts", out / "traces", "--junit", out / "junit.xml",
                             "--html", out / "matrix.html", status=0)
    return request.param, out, report


def test_reference_passes_every_scenario(reference_run):
    role, _, report = reference_run
    assert report["conformant"] is True
    assert report["side"] == role
    assert report["iut_name"] == "ampsim reference"
    assert [s["name"] for s in report["scenarios"]] == SCENARIOS
    for s in report["scenarios"]:
        assert s["outcome"] == "pass", (s["name"], s["reason"])
        # Each scenario exercises what it says it does (rules of the IUT's side).
        assert s["unexercised"] == "", (s["name"], s["unexercised"])
        assert not [r for r in s["rules"] if r["result"] in ("fail", "warn")], s["name"]
    failing = [r["id"] for r in report["rules"] if r["result"] in ("fail", "warn")]
    assert not failing


def test_messages_are_delivered_and_checked(reference_run):
    _, _, report = reference_run
    by_name = {s["name"]: s for s in report["scenarios"]}
    assert by_name["ping-pong"]["messages"] == 200
    if "index-wrap" in by_name:
        assert by_name["index-wrap"]["messages"] == 132000
    assert by_name["boot"]["messages"] == 0


def test_kept_traces_judge_alike(reference_run):
    """A kept trace, judged again by `ampsim check`, gives the session's verdicts."""
    role, out, report = reference_run
    for s in report["scenarios"]:
        if s["name"] == "index-wrap":
            continue  # a million events: the other scenarios show the same
        trace = out / "traces" / f"{s['name']}.bin"
        assert s["trace"] == str(trace)
        assert trace.with_suffix(".log").is_file()  # the IUT's diagnostics beside it
        proc = subprocess.run([str(AMPSIM), "check", "--json", "--side", role, str(trace)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, (s["name"], proc.stdout[-2000:])
        again = {r["id"]: r["result"] for r in json.loads(proc.stdout)["rules"]}
        for r in s["rules"]:
            assert again[r["id"]] == r["result"], (s["name"], r["id"])
        assert json.loads(proc.stdout)["events"] == s["events"]


def test_junit_report(reference_run):
    role, out, _ = reference_run
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite.get("tests") == str(len(SCENARIOS))
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == SCENARIOS
    assert {c.get("classname") for c in cases} == {f"conform.{role}"}
    for c in cases:
        prop = c.find("properties/property[@name='ampsim_trace']")
        assert prop is not None and pathlib.Path(prop.get("value")).is_file()


def test_html_matrix(reference_run):
    _, out, report = reference_run
    html = (out / "matrix.html").read_text()
    assert "CONFORMANT" in html and "NOT CONFORMANT" not in html
    assert html.count("<tr>") == len(report["rules"]) + 2  # header, outcomes, one per rule
    for name in SCENARIOS:
        assert f'id="s-{name}"' in html


def test_text_report_and_scenario_selection(tmp_path):
    proc = conform("--iut", f"lib:{REF_IUT}", "--side", "device", "--scenarios",
                   "boot,ping-pong", status=0)
    assert "verdict: CONFORMANT" in proc.stdout
    assert "ping-pong" in proc.stdout and "burst-fill" not in proc.stdout
    # A scenario file by path.
    scenario = tmp_path / "just-boot.yaml"
    scenario.write_text("summary: boot only\nrules: [INIT-002]\nsteps: [start]\n")
    proc = conform("--iut", f"lib:{REF_IUT}", "--side", "driver", "--scenarios", scenario,
                   status=0)
    assert "just-boot" in proc.stdout


@pytest.mark.parametrize("args, message", [
    ([], "--iut and --side are required"),
    (["--iut", "elf:x.elf", "--side", "device"], "--iut: lib:PATH"),
    (["--iut", "lib:x.so", "--side", "both"], "--side: driver or device"),
    (["--iut", "lib:x.so", "--side", "device", "--profile", "zephyr"], "--profile"),
    (["--iut", "lib:x.so", "--side", "device", "--timeout-ms", "0"], "--timeout-ms"),
    (["--iut", "lib:x.so", "--side", "device", "--scenarios", "no-such"], "no-such.yaml"),
], ids=["no-iut", "scheme", "side", "profile", "timeout", "scenario"])
def test_usage_errors(args, message):
    proc = conform(*args, status=2)
    assert message in proc.stderr


def test_bad_scenario_file(tmp_path):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("summary: x\nrules: [DRV-002]\nsteps:\n  - start\n"
                        "  - send: {by: peer, ept: p, to: q}\n")
    proc = conform("--iut", f"lib:{REF_IUT}", "--side", "device", "--scenarios", scenario,
                   status=2)
    assert f"{scenario}:5:" in proc.stderr and "'p' is not open" in proc.stderr


def test_library_that_cannot_load(tmp_path):
    proc = conform("--iut", f"lib:{tmp_path}/missing.so", "--side", "device", "--scenarios",
                   "boot", status=2)
    assert "cannot load" in proc.stderr


def test_an_independent_minimal_device_is_conformant():
    """conformance/tests/iut/mini_iut.c: a device written for this test alone, without the
    reference - the adapter, the tracing and the rules work for code that is not ours."""
    report, _ = conform_json("--iut", f"lib:{TEST_IUTS / 'libampconf_mini_iut.so'}", "--side",
                             "device", "--scenarios", ",".join(SCENARIOS), status=0)
    assert report["iut_name"].startswith("mini")
    outcomes = {s["name"]: s["outcome"] for s in report["scenarios"]}
    assert outcomes.pop("event-idx") == "skipped"  # it does not implement EVENT_IDX
    assert set(outcomes.values()) == {"pass"}, outcomes
    # It plays no driver: every scenario skipped, nothing passed, not conformant.
    report, _ = conform_json("--iut", f"lib:{TEST_IUTS / 'libampconf_mini_iut.so'}", "--side",
                             "driver", "--scenarios", "boot,ping-pong", status=1)
    assert {s["outcome"] for s in report["scenarios"]} == {"skipped"}


UNUSABLE = [
    ("nosymbol", "exports no ampconf_iut()"),
    ("null", "ampconf_iut() returned NULL"),
    ("abi", "adapter interface version 2 (this harness speaks 1)"),
    ("missing-op", "the required operation poll() is missing"),
]


@pytest.mark.parametrize("kind, message", UNUSABLE, ids=[k for k, _ in UNUSABLE])
def test_adapters_that_cannot_be_used(kind, message):
    proc = conform("--iut", f"lib:{TEST_IUTS / f'libampconf_bad_{kind}.so'}", "--side",
                   "device", "--scenarios", "ping-pong", status=2)
    assert message in proc.stderr


# kind, the outcome and reason of ping-pong, the outcome of boot after it (a fresh process:
# the IUT fails there again, but for the one that aborts only on open(), which boot never calls)
MISBEHAVING = [
    ("crash-attach", "crashed", "the IUT crashed in attach(): Segmentation fault (signal 11)",
     "crashed"),
    ("crash-poll", "crashed", "the IUT crashed in poll(): Segmentation fault (signal 11)",
     "crashed"),
    ("abort", "crashed", "the IUT crashed in open(): Aborted (signal 6)", "pass"),
    ("hang", "crashed", "the IUT did not finish in poll() in time (hung?)", "crashed"),
    ("garbage-callbacks", "broken", "the IUT called the harness wrongly: received() with more "
                                    "than 64 KiB", "broken"),
    ("wild-store", "broken", "the link did not come up", "broken"),
]


@pytest.mark.parametrize("kind, outcome, reason, after", MISBEHAVING,
                         ids=[k for k, *_ in MISBEHAVING])
def test_iuts_that_crash_hang_or_scribble_get_a_verdict(kind, outcome, reason, after):
    """Each ends its own scenario with a reason; the harness goes on to the next one."""
    report, _ = conform_json("--iut", f"lib:{TEST_IUTS / f'libampconf_bad_{kind}.so'}",
                             "--side", "device", "--scenarios", "ping-pong,boot",
                             "--timeout-ms", "1000", status=1)
    first, second = report["scenarios"]
    assert first["outcome"] == outcome and reason in first["reason"], first
    assert second["name"] == "boot" and second["outcome"] == after, second
    if kind == "wild-store":  # what it wrote is judged too
        failed = {r["id"] for r in first["rules"] if r["result"] == "fail"}
        assert {"DEV-002", "NOTIF-002"} <= failed


GOLDEN = sorted((ROOT / "fixtures" / "traces" / "golden").glob("*.bin"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("trace", GOLDEN, ids=[t.stem for t in GOLDEN])
def test_replay_of_a_board_trace(trace, role):
    """The other side of a trace recorded on a board, re-enacted against the reference as the
    IUT: every message of the recording goes again, each arrives as it was recorded."""
    check = subprocess.run([str(AMPSIM), "check", "--json", str(trace)], capture_output=True,
                           text=True, check=True).stdout
    decoded = subprocess.run([str(AMPSIM), "trace", "show", "--decode", str(trace)],
                             capture_output=True, text=True, check=True).stdout
    messages = sum(1 for line in decoded.splitlines()
                   if line.startswith("#   message") and "-> 0x35," not in line)
    replayed = 0
    for link in range(len(json.loads(check)["links"])):
        report, _ = conform_json("--iut", f"lib:{REF_IUT}", "--side", role, "--replay", trace,
                                 "--replay-link", link, status=0)
        (session,) = report["scenarios"]
        assert session["name"].startswith("replay") and session["outcome"] == "pass"
        replayed += session["messages"]
    assert replayed == messages > 0


def test_replay_against_other_implementations():
    echo = ROOT / "fixtures" / "traces" / "golden" / "minimal-rpmsg-echo.bin"
    report, _ = conform_json("--iut", f"lib:{TEST_IUTS / 'libampconf_mini_iut.so'}", "--side",
                             "device", "--replay", echo, status=0)
    assert report["scenarios"][0]["outcome"] == "pass"
    mutant = BUILD / "conformance" / "iut" / "libampconf_mutant_used-id-duplicate.so"
    if mutant.exists():  # the mutants are built in the plain trees only
        report, _ = conform_json("--iut", f"lib:{mutant}", "--side", "device", "--replay",
                                 echo, status=1)
        rules = {r["id"]: r["result"] for r in report["scenarios"][0]["rules"]}
        assert rules["DEV-001"] == "fail"


def test_replay_with_scenarios_and_bad_traces(tmp_path):
    echo = ROOT / "fixtures" / "traces" / "golden" / "minimal-rpmsg-echo.bin"
    report, _ = conform_json("--iut", f"lib:{REF_IUT}", "--side", "driver", "--scenarios",
                             "boot", "--replay", echo, status=0)
    assert [s["name"] for s in report["scenarios"]] == ["boot", "replay-minimal-rpmsg-echo"]
    bad = tmp_path / "bad.txt"
    bad.write_text("ampsim-trace 1\ninitiator 0 host h\n5 store h nowhere 0x0 00\n")
    proc = conform("--iut", f"lib:{REF_IUT}", "--side", "device", "--replay", bad, status=2)
    assert f"--replay {bad}: line 3:" in proc.stderr
    proc = conform("--iut", f"lib:{REF_IUT}", "--side", "device", "--replay",
                   ROOT / "fixtures" / "traces" / "kick.txt", status=2)
    assert "no rpmsg link 0 in the trace (it shows 0)" in proc.stderr
    proc = conform("--iut", f"lib:{REF_IUT}", "--side", "device", "--replay", echo,
                   "--replay-link", "1", status=2)
    assert "no rpmsg link 1 in the trace (it shows 1)" in proc.stderr


FIRMWARE = BUILD / "firmware" / "fixtures" / "firmware"
needs_firmware = pytest.mark.skipif(not (FIRMWARE / "rpmsg-echo-minimal-m4.elf").exists(),
                                    reason="the firmware is not built (AMPSIM_FIRMWARE=OFF)")
FIRMWARE_SCENARIOS = {"boot", "ping-pong", "max-payload", "ns-device-announce", "reset",
                      "unknown-destination", "zero-length"}


@needs_firmware
def test_firmware_on_the_board(tmp_path):
    """--iut firmware:CORE=ELF: the echo firmware as the device of the minimal board; every
    scenario it can take part in passes, the others are skipped with the reason."""
    report, _ = conform_json("--iut", "firmware:m4=rpmsg-echo-minimal-m4.elf", "--side",
                             "device", "--artifacts", tmp_path, status=0)
    outcomes = {s["name"]: s for s in report["scenarios"]}
    assert {n for n, s in outcomes.items() if s["outcome"] == "pass"} == FIRMWARE_SCENARIOS
    for name, s in outcomes.items():
        if name not in FIRMWARE_SCENARIOS:
            assert s["outcome"] == "skipped" and s["reason"], name
            assert s["trace"] is None
    assert outcomes["ping-pong"]["messages"] == 200
    assert pathlib.Path(outcomes["reset"]["trace"]).is_file()
    assert (tmp_path / "reset.log").is_file()  # the board's console


@needs_firmware
def test_firmware_one_core_of_a_bigger_board():
    """On omap4 the other cores run their own firmware: only the IUT's core is judged."""
    report, _ = conform_json("--board", "omap4", "--iut",
                             "firmware:ipu-c0=rpmsg-echo-omap4-ipu-c0.elf", "--side", "device",
                             "--scenarios", "boot,ping-pong", status=0)
    assert [s["outcome"] for s in report["scenarios"]] == ["pass", "pass"]


@needs_firmware
def test_firmware_that_breaks_the_rules_or_lacks_the_service():
    report, _ = conform_json("--iut", "firmware:m4=rpmsg-hostile-minimal-m4.elf", "--side",
                             "device", "--scenarios", "boot", status=1)
    (boot,) = report["scenarios"]
    failed = {r["id"] for r in boot["rules"] if r["result"] == "fail"}
    assert {"DEV-002", "NOTIF-007"} <= failed
    report, _ = conform_json("--iut", "firmware:m4=rpmsg-client-sample-minimal-m4.elf",
                             "--side", "device", "--scenarios", "boot,ping-pong", status=0)
    boot, ping = report["scenarios"]
    assert boot["outcome"] == "pass" and ping["outcome"] == "skipped"
    assert "announces no echo service (it announces: rpmsg-client-sample" in ping["reason"]
    # Its service answers with the same bytes too: named, it is what the scenarios use.
    report, _ = conform_json("--iut", "firmware:m4=rpmsg-client-sample-minimal-m4.elf",
                             "--service", "rpmsg-client-sample", "--side", "device",
                             "--scenarios", "ping-pong", status=0)
    assert report["scenarios"][0]["messages"] == 200


@needs_firmware
@pytest.mark.parametrize("args, message", [
    (["--iut", "firmware:m4=rpmsg-echo-minimal-m4.elf", "--side", "driver"],
     "firmware plays the device"),
    (["--iut", "firmware:rpmsg-echo-minimal-m4.elf", "--side", "device"],
     "firmware:CORE=ELF"),
    (["--iut", f"lib:{REF_IUT}", "--side", "device", "--board", "omap4"],
     "--board and --service are for --iut firmware"),
    (["--iut", "firmware:m4=no-such.elf", "--side", "device", "--scenarios", "boot"],
     "the board did not start: ampsim run: core 'm4': firmware no-such.elf"),
], ids=["driver", "no-core", "board-for-lib", "missing-image"])
def test_firmware_usage_errors(args, message):
    assert message in conform(*args, status=2).stderr


def test_junit_failure_carries_the_violations(tmp_path):
    """A scenario that broke still lists the rules its trace violated, with their events."""
    junit = tmp_path / "junit.xml"
    conform("--iut", f"lib:{TEST_IUTS / 'libampconf_bad_wild-store.so'}", "--side", "device",
            "--scenarios", "ping-pong", "--junit", junit, status=1)
    failure = ET.parse(junit).getroot().find(".//testcase[@name='ping-pong']/failure")
    assert failure.get("message").startswith("broken: the link did not come up")
    assert "DEV-002 fail (MUST)" in failure.text and "#" in failure.text
