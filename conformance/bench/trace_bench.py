#!/usr/bin/python3
"""./scripts/bench trace [--quick] [--json]: the checker's speed and memory, and what tracing
costs a board run (docs/benchmarks.md).

A long trace is recorded once from the minimal board (the host echoing 16-byte messages with
rpmsg-echo on the Cortex-M4: every store, barrier and mailbox event of both sides), then:

  check_events_per_s       `ampsim check` on the binary trace, all rules, one core
                           (target >= 50 000 000 on a >= 10 M-event trace)
  check_events_per_s_text  the same trace in the text encoding (target >= 5 000 000)
  check_peak_rss_mb        the checker's peak resident memory on the binary trace
                           (target <= 64, independent of the trace's length)
  check_peak_rss_mb_short  the same on a trace a tenth as long (shows the independence)
  read_events_per_s        calibration: the same binary trace only read and re-encoded
                           (`ampsim trace convert` to /dev/null), measured in the same run
  check_vs_read_ratio      check_events_per_s / read_events_per_s
  trace_overhead_ratio     wall time of the board echo run with --trace / without, the median
                           of interleaved pairs (target <= 2.0)
  trace_events             the long trace's events

Rates are the best of the repetitions (the machine is shared and noisy)."""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BENCH_BUILD_DIR", ROOT / "build-release"))
AMPSIM = BUILD / "sim" / "ampsim"
ENV = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
EVENTS_PER_ECHO = 32  # measured: an echo round trip on the minimal board


def board_run(messages, trace=None):
    """Wall seconds of an echo run (the whole process), optionally traced."""
    args = [str(AMPSIM), "run", "--board", "minimal", "--firmware",
            "m4=rpmsg-echo-minimal-m4.elf", "--payload-size", "16", "--messages",
            str(messages), "--log-level", "warn"]
    if trace:
        args += ["--trace", str(trace)]
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, text=True, check=True, env=ENV)
    return time.perf_counter() - start


def timed(args):
    """Wall seconds and peak RSS (MiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(map(str, args))}: exit {code}: {err}")
    return wall, usage.ru_maxrss / 1024.0


def events_of(trace):
    out = subprocess.run([str(AMPSIM), "check", "--json", str(trace)], capture_output=True,
                         text=True, env=ENV, check=False).stdout
    report = json.loads(out)
    bad = [r["id"] for r in report["rules"] if r["result"] in ("fail", "warn")]
    if bad:
        sys.exit(f"the recorded trace fails {bad}: the benchmark would time error paths")
    return report["events"]


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench trace")
    ap.add_argument("--quick", action="store_true", help="a 1 M-event trace, one repetition")
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args()
    reps = 1 if args.quick else 3
    target_events = 1_000_000 if args.quick else 10_500_000
    messages = target_events // EVENTS_PER_ECHO + 1
    pairs = 3 if args.quick else 7
    pair_messages = 3000 if args.quick else 20000

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        long_bin, long_txt = tmp / "long.bin", tmp / "long.txt"
        short_bin = tmp / "short.bin"
        board_run(messages, long_bin)
        board_run(messages // 10, short_bin)
        subprocess.run([str(AMPSIM), "trace", "convert", str(long_bin), str(long_txt)],
                       check=True, env=ENV)
        events = events_of(long_bin)
        # A GB of fresh trace is still being written back: the kernel's writeback would
        # compete with the checker for the second core and the memory bus.
        os.sync()

        check_bin = min(timed([AMPSIM, "check", long_bin]) for _ in range(reps))
        check_txt = min(timed([AMPSIM, "check", long_txt]) for _ in range(reps))
        read_bin = min(timed([AMPSIM, "trace", "convert", long_bin, "/dev/null", "--to",
                              "binary"]) for _ in range(reps))
        rss_short = min(timed([AMPSIM, "check", short_bin])[1] for _ in range(reps))

        ratios = []
        for _ in range(pairs):
            plain = board_run(pair_messages)
            traced = board_run(pair_messages, tmp / "pair.bin")
            ratios.append(traced / plain)

    metrics = {
        "check_events_per_s": round(events / check_bin[0]),
        "check_events_per_s_text": round(events / check_txt[0]),
        "check_peak_rss_mb": round(check_bin[1], 1),
        "check_peak_rss_mb_short": round(rss_short, 1),
        "read_events_per_s": round(events / read_bin[0]),
        "check_vs_read_ratio": round(read_bin[0] / check_bin[0], 3),
        "trace_overhead_ratio": round(statistics.median(ratios), 3),
        "trace_events": events,
    }
    if args.json:
        print(json.dumps({"bench": "trace", "metrics": metrics}))
        return
    width = max(map(len, metrics))
    print(f"trace benchmark ({'quick' if args.quick else 'full'}; best of {reps}, "
          f"overhead: median of {pairs} pairs)")
    for name, value in metrics.items():
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
