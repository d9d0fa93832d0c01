"""`ampsim check` on a trace: the verdicts, and a readable account of the violations."""
import json
import subprocess


class CheckResult:
    """The report of `ampsim check --json` (docs/conformance.md, "Verdicts")."""

    def __init__(self, report, status, trace):
        self.report = report
        self.status = status
        self.trace = trace
        self.rules = {r["id"]: r for r in report["rules"]}

    @property
    def passed(self):
        """Every MUST-class rule judged passed (exit status 0)."""
        return self.status == 0

    def result(self, rule):
        return self.rules[rule]["result"]

    def failures(self, include_warnings=False):
        bad = ("fail", "warn") if include_warnings else ("fail",)
        return [r for r in self.report["rules"] if r["result"] in bad]

    def describe(self, include_warnings=True):
        """The violated rules with their events, as `ampsim check` prints them."""
        lines = [f"ampsim check {self.trace}: {len(self.report['links'])} link(s), "
                 f"profile {self.report['profile']}, judging {self.report['side']}"]
        for rule in self.failures(include_warnings):
            lines.append(f"{rule['id']} {rule['result']} ({rule['severity']}, {rule['side']}): "
                         f"{rule['violations']} violation(s)")
            for e in rule["events"]:
                lines.append(f"    #{e['seq']} [{e['time_ps'] / 1e12:.6f}] {e['initiator']} "
                             f"({e['side']}): {e['text']}")
        return "\n".join(lines)


def check_trace(ampsim, trace, side=None, profile=None, byte_order=None):
    """Run `ampsim check --json` on trace; raise RuntimeError when the trace is unreadable."""
    args = [str(ampsim), "check", "--json", str(trace)]
    if side:
        args += ["--side", side]
    if profile:
        args += ["--profile", profile]
    if byte_order:
        args += ["--byte-order", byte_order]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode == 2:
        raise RuntimeError(f"ampsim check {trace}: {proc.stderr.strip()}")
    return CheckResult(json.loads(proc.stdout), proc.returncode, trace)
