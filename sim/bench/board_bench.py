#!/usr/bin/python3
"""./scripts/bench board [--quick] [--json]: the virtual board's speed (docs/benchmarks.md).

Metrics (all wall-clock; rates are the best of the repetitions, this machine is shared and noisy):
  guest_mips_raw     the guest workload (fixtures/firmware/bench/guest_loop.c) in bare Unicorn
  guest_mips_board   the same in the board's Cortex-M model (quantum, block-hook budget, DMI)
  guest_speed_ratio  board / raw: the median over interleaved raw/board pairs (target >= 0.90)
  echo_per_s_16      rpmsg echo round trips per second, host <-> the minimal board's Cortex-M4
  echo_per_s_496     running rpmsg-echo, 16- and 496-byte payloads, one message in flight
                     (targets >= 150 000 and >= 65 000)
  bringup_ms         ELF load -> the remote's name-service announcement seen by the host
                     (target <= 20)
The echo figures come from `ampsim run --stats`: the host's echo dialogue, first send to last
answer checked."""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BENCH_BUILD_DIR", ROOT / "build-release"))
AMPSIM = BUILD / "sim" / "ampsim"
BOARD_BENCH = BUILD / "sim" / "board_bench"
FIRMWARE = BUILD / "firmware" / "fixtures" / "firmware"
ENV = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")


def guest_run(mode):
    out = subprocess.run([str(BOARD_BENCH), mode, str(FIRMWARE / "guest_loop.elf")],
                         capture_output=True, text=True, check=True, env=ENV).stdout
    m = re.search(r"wall_s=([\d.]+) instructions=(\d+) pc=(0x[0-9a-f]+)", out)
    if not m:
        sys.exit(f"board_bench {mode}: unexpected output {out!r}")
    return float(m.group(1)), int(m.group(2)), m.group(3)


def echo_run(payload, messages):
    with tempfile.TemporaryDirectory() as tmp:
        stats = pathlib.Path(tmp) / "stats.json"
        subprocess.run([str(AMPSIM), "run", "--board", "minimal", "--firmware",
                        "m4=rpmsg-echo-minimal-m4.elf", "--payload-size", str(payload),
                        "--messages", str(messages), "--log-level", "warn", "--stats",
                        str(stats)], capture_output=True, text=True, check=True, env=ENV)
        doc = json.loads(stats.read_text())
    wall = [d["wall_s"] for d in doc["dialogues"] if d["name"] == "m4/rpmsg-echo"][0]
    return messages / wall, doc["remotes"][0]["bringup_wall_s"] * 1e3


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench board")
    ap.add_argument("--quick", action="store_true", help="one repetition, fewer messages")
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args()
    reps = 1 if args.quick else 5
    messages = 5000 if args.quick else 50000

    raw, board, instructions = [], [], 0
    for _ in range(reps):
        wall_raw, _, pc_raw = guest_run("raw")
        wall_board, instructions, pc_board = guest_run("board")
        if pc_raw != pc_board:
            sys.exit(f"the two runs stopped at different places: {pc_raw} vs {pc_board}")
        raw.append(wall_raw)
        board.append(wall_board)
    echo16, echo496, bringup = [], [], []
    for _ in range(reps):
        rate, up = echo_run(16, messages)
        echo16.append(rate)
        bringup.append(up)
        rate, up = echo_run(496, messages)
        echo496.append(rate)
        bringup.append(up)
    mips_raw = instructions / min(raw) / 1e6
    mips_board = instructions / min(board) / 1e6
    # Each board run right after its raw run: the median of the pairs' ratios is what a
    # noisy machine disturbs least.
    ratios = sorted(r / b for r, b in zip(raw, board))
    metrics = {
        "guest_instructions": instructions,
        "guest_mips_raw": round(mips_raw, 1),
        "guest_mips_board": round(mips_board, 1),
        "guest_speed_ratio": round(ratios[len(ratios) // 2], 3),
        "echo_per_s_16": round(max(echo16)),
        "echo_per_s_496": round(max(echo496)),
        "bringup_ms": round(min(bringup), 2),
    }
    if args.json:
        print(json.dumps({"bench": "board", "metrics": metrics}))
        return
    print(f"board benchmark ({reps} repetition(s); rates best of them, the ratio their median; "
          f"{messages} echoes per run)")
    rows = [
        ("guest_mips_raw", "guest workload, bare Unicorn (MIPS)", ""),
        ("guest_mips_board", "same workload, board core model (MIPS)", ""),
        ("guest_speed_ratio", "board / raw", ">= 0.90"),
        ("echo_per_s_16", "rpmsg echo round trips/s, 16 B", ">= 150000"),
        ("echo_per_s_496", "rpmsg echo round trips/s, 496 B", ">= 65000"),
        ("bringup_ms", "ELF load -> announcement (ms)", "<= 20"),
    ]
    for key, what, target in rows:
        print(f"  {what:42} {metrics[key]:>12} {target}")


if __name__ == "__main__":
    main()
