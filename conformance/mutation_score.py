#!/usr/bin/python3
"""The conformance suite checks itself: each deliberately broken build of the reference
(conformance/iut/mutants.txt, reference/src/mutant.h) runs as the implementation under test in
its role through its scenarios, and must be caught by the rule it breaks - that rule "fail"
(MUST-class) or "warn" (SHOULD-class) in at least one of them. The unmutated reference runs the
same scenarios in the same role as the control: it must pass them, so a catch is the mutation's
doing. Prints each mutant's verdict and the mutation score; exit 0 only at 100 %.

    conformance/mutation_score.py [--build DIR] [--json]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "conformance" / "iut" / "mutants.txt"


def read_manifest():
    mutants = []
    for number, line in enumerate(MANIFEST.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(None, 4)
        if len(fields) != 5:
            sys.exit(f"{MANIFEST}:{number}: expected NAME ROLE RULE SCENARIOS DESCRIPTION")
        name, role, rule, scenarios, description = fields
        mutants.append({"name": name, "role": role, "rule": rule,
                        "scenarios": scenarios.split(","), "description": description})
    return mutants


def conform(ampsim, library, role, scenarios):
    proc = subprocess.run([str(ampsim), "conform", "--json", "--iut", f"lib:{library}",
                           "--side", role, "--scenarios", ",".join(scenarios)],
                          capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode == 2:
        sys.exit(f"ampsim conform {library}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def verdict(mutant, report):
    """(caught, the scenarios whose rules caught it, the other rules that fired)."""
    caught_in, others = [], set()
    for s in report["scenarios"]:
        for r in s["rules"]:
            if r["result"] not in ("fail", "warn"):
                continue
            if r["id"] == mutant["rule"]:
                caught_in.append(s["name"])
            else:
                others.add(r["id"])
    return bool(caught_in), caught_in, sorted(others)


def main():
    ap = argparse.ArgumentParser(prog="conformance/mutation_score.py")
    ap.add_argument("--build", default=os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
    ap.add_argument("--json", action="store_true", help="the verdicts as one JSON object")
    args = ap.parse_args()
    build = pathlib.Path(args.build)
    ampsim = build / "sim" / "ampsim"
    modules = build / "conformance" / "iut"
    mutants = read_manifest()

    controls = {}
    results = []
    for m in mutants:
        key = (m["role"], tuple(m["scenarios"]))
        if key not in controls:
            report = conform(ampsim, modules / "libampconf_ref_iut.so", *key)
            controls[key] = report["conformant"]
        report = conform(ampsim, modules / f"libampconf_mutant_{m['name']}.so", m["role"],
                         m["scenarios"])
        caught, where, others = verdict(m, report)
        results.append(dict(m, caught=caught and controls[key], caught_in=where,
                            other_rules=others, control_passed=controls[key]))

    caught = sum(r["caught"] for r in results)
    score = 100.0 * caught / len(results) if results else 0.0
    if args.json:
        print(json.dumps({"mutants": results, "caught": caught, "total": len(results),
                          "score": round(score, 1)}))
    else:
        for r in results:
            state = "caught" if r["caught"] else "MISSED"
            line = f"{r['name']:<24} {r['role']:<6} {r['rule']:<10} {state:<7}"
            if r["caught_in"]:
                line += f" in {','.join(r['caught_in'])}"
            if r["other_rules"]:
                line += f" (also {', '.join(r['other_rules'])})"
            if not r["control_passed"]:
                line += " - the unmutated reference fails these scenarios too"
            print(line)
        print(f"mutation score: {caught}/{len(results)} ({score:.1f} %)")
    return 0 if results and caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
