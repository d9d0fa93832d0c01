"""End-to-end checks of the reference programs as a user runs them."""
import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
RING_DEMO = BUILD / "reference" / "examples" / "ring_demo"
VRING_BENCH = BUILD / "reference" / "bench" / "vring_bench"

VRING_METRICS = {
    "stream_unbatched_ns",
    "stream_batched_ns",
    "stream_512_ns",
    "echo_rtt_16_ns",
    "echo_rtt_496_ns",
    "pingpong_rtt_ns",
    "echo_over_pingpong",
}


def run(*args, timeout=120):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(
    "options",
    [[], ["--event-idx"], ["--big-endian"], ["--num", "2"], ["--num", "1024", "--event-idx"]],
    ids=["default", "event-idx", "big-endian", "num-2", "num-1024-event-idx"],
)
def test_ring_demo_exchanges_and_checks_every_message(options):
    result = run(RING_DEMO, "--messages", "20000", *options)
    assert result.returncode == 0, result.stderr
    assert "20000 messages exchanged and checked" in result.stdout
    assert "ring faults: driver none, device none" in result.stdout
    assert 'driver: reply "HELLO FROM THE DRIVER, MESSAGE 0"' in result.stdout


@pytest.mark.parametrize("num", ["0", "3", "65536"], ids=["zero", "not-power-of-two", "too-big"])
def test_ring_demo_rejects_invalid_ring_size(num):
    result = run(RING_DEMO, "--num", num)
    assert result.returncode == 2
    assert "power of two" in result.stderr


def test_ring_demo_rejects_unknown_option():
    result = run(RING_DEMO, "--no-such-option")
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_vring_bench_json_has_the_fixed_metrics():
    result = run(VRING_BENCH, "--quick", "--json", timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["bench"] == "vring"
    assert VRING_METRICS <= set(report["metrics"])
    metrics = report["metrics"]
    assert all(value > 0 for value in metrics.values())
    ratio = metrics["echo_rtt_16_ns"] / metrics["pingpong_rtt_ns"]
    assert metrics["echo_over_pingpong"] == pytest.approx(ratio, rel=1e-3)


def test_vring_bench_table_lists_targets():
    result = run(VRING_BENCH, "--quick", timeout=300)
    assert result.returncode == 0, result.stderr
    for name in VRING_METRICS:
        assert re.search(rf"^{name}\s+\d+\.\d+", result.stdout, re.M), name


def test_vring_bench_rejects_unknown_option():
    result = run(VRING_BENCH, "--bogus")
    assert result.returncode == 2
