"""`ampsim firmware inspect` on the malformed-firmware corpus and on real firmware.

Every file of fixtures/firmware/malformed/ must get the exit status and the reason that
expected.yaml lists for it; the text and --json reports must agree; usage errors exit 2.
AMPSIM_BUILD_DIR selects the build tree (default: build/); an ASan build is judged the same way,
with sanitizer reports given their own exit status so that they never pass for "invalid"."""
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
CORPUS = ROOT / "fixtures" / "firmware" / "malformed"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text())
# Written by another part of the build: a Cortex-M firmware with a real resource table.
RSC_SAMPLE = BUILD / "firmware" / "fixtures" / "firmware" / "rsc_sample.elf"
NOT_CORPUS = {"make_malformed.py", "expected.yaml"}
SANITIZER_EXIT = 86  # neither 0, 1 nor 2
# A hang guard only: inspect reads a few KiB.
TIMEOUT_S = 60


def run(*args):
    if not AMPSIM.exists():
        pytest.fail(f"{AMPSIM} is not built (./scripts/setup, or set AMPSIM_BUILD_DIR)")
    env = dict(os.environ)
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        env[var] = ":".join(filter(None, [env.get(var), f"exitcode={SANITIZER_EXIT}"]))
    proc = subprocess.run([str(AMPSIM), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=TIMEOUT_S)
    assert "Sanitizer" not in proc.stderr and "runtime error" not in proc.stderr, proc.stderr
    return proc


def first_line(text):
    return text.splitlines()[0] if text else ""


def test_corpus_lists_every_file():
    present = {p.name for p in CORPUS.iterdir()} - NOT_CORPUS
    assert present == set(EXPECTED)


def test_corpus_matches_its_generator(tmp_path):
    subprocess.run([sys.executable, str(CORPUS / "make_malformed.py"), str(tmp_path)], check=True)
    for name in EXPECTED:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_case(name):
    want = EXPECTED[name]
    proc = run("firmware", "inspect", CORPUS / name)
    assert proc.returncode == want["exit"], proc.stdout + proc.stderr
    if want["exit"] == 0:
        assert proc.stderr == ""
        assert want["reason"] in proc.stdout.splitlines(), proc.stdout
    else:
        assert want["reason"] in first_line(proc.stderr), proc.stderr
        # The report ends with the same verdict.
        reason = first_line(proc.stderr).removeprefix("invalid: ")
        assert proc.stdout.splitlines()[-1] == f"verdict: invalid: {reason}"
    for text in want.get("output", []):
        assert text in proc.stdout, proc.stdout


@pytest.mark.parametrize("name", ["valid.elf", "big_endian.elf", "vring_num_3.elf",
                                  "segments_overlap.elf", "not_elf.bin"])
def test_json_matches_text(name):
    text = run("firmware", "inspect", CORPUS / name)
    proc = run("firmware", "inspect", "--json", CORPUS / name)
    assert proc.returncode == text.returncode == EXPECTED[name]["exit"]
    assert proc.stderr == text.stderr
    report = json.loads(proc.stdout)
    verdict = text.stdout.splitlines()[-1]
    if report["verdict"] == "valid":
        assert verdict.startswith("verdict: valid")
        assert report["reason"] is None
    else:
        assert verdict == f"verdict: invalid: {report['reason']}"
        assert proc.stderr == f"invalid: {report['reason']}\n"


def test_json_decodes_the_table():
    report = json.loads(run("firmware", "inspect", "--json", CORPUS / "big_endian.elf").stdout)
    assert report["elf"] == {"class": 32, "data": "big-endian", "machine": 40,
                             "machine_name": "ARM", "type": 2, "type_name": "EXEC",
                             "entry": 1}
    assert [(s["index"], s["paddr"], s["filesz"], s["memsz"], s["flags"])
            for s in report["segments"]] == [(0, 0, 0x40, 0x40, "R-X"),
                                             (1, 0x20000000, 200, 456, "RW-")]
    table = report["resource_table"]
    assert (table["section"], table["size"], table["segment"]) == (2, 200, 1)
    carveout, trace, vdev = table["entries"]
    assert (carveout["da"], carveout["pa"], carveout["len"], carveout["name"]) == \
        (0x20010000, 0xFFFFFFFF, 0x8000, "vdev0buffer")
    assert (trace["offset"], trace["da"], trace["len"], trace["name"]) == \
        (0x54, 0x20000400, 0x400, "trace0")
    assert (vdev["id"], vdev["num_of_vrings"], vdev["dfeatures"]) == (7, 2, 1)
    assert vdev["vrings"] == [{"da": 0x20010000, "align": 16, "num": 16, "notifyid": 0},
                              {"da": 0x20014000, "align": 16, "num": 16, "notifyid": 1}]
    assert table["check"] == {"verdict": "ok", "problem": None, "entries": []}


def test_json_names_the_overlapping_entries():
    report = json.loads(run("firmware", "inspect", "--json",
                            CORPUS / "entries_overlap.elf").stdout)
    assert report["resource_table"]["check"] == {"verdict": "error",
                                                 "problem": "entries overlap",
                                                 "entries": [0, 1]}


def test_json_names_the_overlapping_segments():
    report = json.loads(run("firmware", "inspect", "--json",
                            CORPUS / "segments_overlap.elf").stdout)
    assert report["overlap"] == {
        "segments": [0, 1],
        "problem": "PT_LOAD segments 0 (physical 0x0-0x3f) and 1 (0x20-0x1e7) overlap"}


def test_help_exits_0():
    proc = run("--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: ampsim")
    assert run("firmware", "inspect", "--help").returncode == 0


def test_version_exits_0():
    proc = run("--version")
    assert (proc.returncode, proc.stdout.split()[0]) == (0, "ampsim")


@pytest.mark.parametrize("args", [
    ["--bogus"],
    ["firmware", "inspect", "--bogus", CORPUS / "valid.elf"],
    ["frobnicate"],
    ["firmware", "dump", CORPUS / "valid.elf"],
    ["firmware", "inspect"],
    ["firmware", "inspect", CORPUS / "valid.elf", CORPUS / "valid.elf"],
    [],
], ids=["bad-option", "bad-verb-option", "unknown-verb", "unknown-firmware-verb", "no-file",
        "two-files", "nothing"])
def test_usage_errors_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "usage: ampsim" in proc.stderr


@pytest.mark.parametrize("path", [CORPUS / "no-such-file.elf", CORPUS],
                         ids=["missing", "directory"])
def test_unreadable_file_exits_2(path):
    proc = run("firmware", "inspect", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert first_line(proc.stderr).startswith("ampsim: ")


@pytest.mark.skipif(not RSC_SAMPLE.exists(), reason="rsc_sample.elf not built")
def test_real_cortex_m_firmware_is_valid():
    proc = run("firmware", "inspect", RSC_SAMPLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "vdev" in proc.stdout
    assert "machine ARM (40)" in proc.stdout
