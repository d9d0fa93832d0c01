"""`ampsim conform` on one scenario: the session's outcome, its verdicts and its trace."""
import json
import subprocess


class ConformResult:
    """One scenario of `ampsim conform --json` (docs/conformance.md, "Test your own
    implementation")."""

    def __init__(self, report, status):
        self.report = report
        self.status = status
        self.scenario = report["scenarios"][0]
        self.outcome = self.scenario["outcome"]
        self.reason = self.scenario["reason"]
        self.trace = self.scenario["trace"]

    @property
    def passed(self):
        return self.outcome == "pass"

    def failures(self, include_warnings=False):
        bad = ("fail", "warn") if include_warnings else ("fail",)
        return [r for r in self.scenario["rules"] if r["result"] in bad]

    def describe(self, include_warnings=True):
        """The outcome, why, and the violated rules with their events."""
        s = self.scenario
        lines = [f"ampsim conform {self.report['iut']} as {self.report['side']}: "
                 f"{s['name']} {self.outcome}"]
        if self.reason:
            where = f"step {s['step']} (line {s['line']}): " if s["step"] else ""
            lines.append(f"  {where}{self.reason}")
        for rule in self.failures(include_warnings):
            lines.append(f"  {rule['id']} {rule['result']}: {rule['violations']} violation(s)")
            for e in rule["events"]:
                lines.append(f"    #{e['seq']} [{e['time_ps'] / 1e12:.9f}] ({e['side']}): "
                             f"{e['text']}")
        if self.trace:
            lines.append(f"  trace: {self.trace}")
        return "\n".join(lines)


def conform_scenario(ampsim, iut, side, scenario, artifacts=None, profile=None,
                     timeout_ms=None, board=None):
    """Run one scenario (a name of fixtures/scenarios or a file) against iut ("lib:PATH" or
    "firmware:CORE=ELF" on board) playing side; raise RuntimeError on a usage or harness error
    (exit status 2)."""
    args = [str(ampsim), "conform", "--json", "--iut", iut, "--side", side, "--scenarios",
            str(scenario)]
    if artifacts:
        args += ["--artifacts", str(artifacts)]
    if profile:
        args += ["--profile", profile]
    if timeout_ms:
        args += ["--timeout-ms", str(timeout_ms)]
    if board and iut.startswith("firmware:"):
        args += ["--board", board]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=1800, check=False)
    if proc.returncode == 2:
        raise RuntimeError(f"ampsim conform: {proc.stderr.strip()}")
    return ConformResult(json.loads(proc.stdout), proc.returncode)
