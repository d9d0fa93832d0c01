#!/usr/bin/python3
"""./scripts/bench conform [--quick] [--json]: how fast the scenario library runs against an
implementation under test (docs/benchmarks.md).

The IUT is ampsim's reference as a native library (libampconf_ref_iut.so) playing the device;
the peer is the reference too, so the figures are the harness's own cost: the IUT's process,
its traced stores (each a write fault and a single step), the lock-step rounds, the checker.

  scenarios_per_s        the whole library (`ampsim conform`, one process, sessions one after
                         another), scenarios per second of wall time
  firmware_scenarios_per_s  the library against the echo firmware on the minimal board
                         (--iut firmware:m4=...), a board started per session: the scenarios
                         that ran (the others are skipped) per second of wall time
  suite_wall_s           `pytest conformance/ -n 2 --ampsim-iut ...` on 2 cores (target <= 60)
  session_events_per_s   trace events the sessions made, per second of the library's wall time
  check_events_per_s     calibration, measured in the same run: `ampsim check` on the kept
                         traces of the same sessions (the checker alone)
  session_vs_check_ratio session_events_per_s / check_events_per_s: what making the events
                         (the IUT traced, the peer, the rounds) costs over judging them
  scenarios              scenarios in the library run

Times are the best of the repetitions (the machine is shared and noisy)."""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BENCH_BUILD_DIR", ROOT / "build-release"))
AMPSIM = BUILD / "sim" / "ampsim"
IUT = f"lib:{BUILD / 'conformance' / 'iut' / 'libampconf_ref_iut.so'}"
PYTHON = "/usr/bin/python3"


def wall(args, **kw):
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, **kw)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))}: exit {proc.returncode}\n{proc.stdout[-2000:]}"
                 f"\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench conform")
    ap.add_argument("--quick", action="store_true",
                    help="the library without index-wrap, one repetition, no pytest run")
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args()
    reps = 1 if args.quick else 3
    names = sorted(p.stem for p in (ROOT / "fixtures" / "scenarios").glob("*.yaml"))
    if args.quick:
        names.remove("index-wrap")

    with tempfile.TemporaryDirectory() as tmp:
        traces = pathlib.Path(tmp) / "traces"
        runs = []
        for _ in range(reps):
            elapsed, out = wall([AMPSIM, "conform", "--json", "--iut", IUT, "--side", "device",
                                 "--scenarios", ",".join(names), "--artifacts", traces])
            runs.append((elapsed, json.loads(out)))
        best, report = min(runs, key=lambda r: r[0])
        events = sum(s["events"] for s in report["scenarios"])
        fw_runs = []
        for _ in range(reps):
            elapsed, out = wall([AMPSIM, "conform", "--json", "--iut",
                                 "firmware:m4=rpmsg-echo-minimal-m4.elf", "--side", "device",
                                 "--scenarios", ",".join(names)])
            fw_runs.append((elapsed, json.loads(out)))
        fw_best, fw_report = min(fw_runs, key=lambda r: r[0])
        fw_ran = sum(s["outcome"] != "skipped" for s in fw_report["scenarios"])
        check_s = 0.0
        for s in report["scenarios"]:
            check_s += min(wall([AMPSIM, "check", s["trace"]])[0] for _ in range(reps))
        suite = None
        if not args.quick:
            suite = min(wall([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n",
                              "2", str(ROOT / "conformance"), f"--ampsim-build={BUILD}",
                              f"--ampsim-iut={IUT}", "--ampsim-side=device",
                              f"--ampsim-artifacts={tmp}/artifacts"], cwd=ROOT)[0]
                        for _ in range(reps))

    metrics = {
        "scenarios_per_s": round(len(names) / best, 3),
        "firmware_scenarios_per_s": round(fw_ran / fw_best, 3),
        "session_events_per_s": round(events / best),
        "check_events_per_s": round(events / check_s),
        "session_vs_check_ratio": round(check_s / best, 4),
        "scenarios": len(names),
    }
    if suite is not None:
        metrics["suite_wall_s"] = round(suite, 2)
    if args.json:
        print(json.dumps({"bench": "conform", "metrics": metrics}))
        return
    width = max(map(len, metrics))
    print(f"conform benchmark ({'quick' if args.quick else 'full'}; best of {reps})")
    for name, value in metrics.items():
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
