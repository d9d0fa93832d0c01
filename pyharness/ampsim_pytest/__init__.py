"""ampsim's pytest plugin and the small API under it (docs/pytest.md).

- `Board`: one `ampsim run --control` process - a virtual board a test drives over the control
  protocol (docs/control.md): run, send, recv, crash, stop.
- `check_trace()`: `ampsim check` on a trace, its verdicts as a `CheckResult`.
- `conform_scenario()`: `ampsim conform` on one scenario against an implementation under test,
  as a `ConformResult`.
- The pytest plugin (`ampsim_pytest.plugin`, entry point `pytest11`): options in the `ampsim`
  group, fixtures `board`, `trace`, `check` and `conform`, markers `board(...)` and `firmware(...)`.
"""
from .board import Board, BoardError, Build
from .check import CheckResult, check_trace
from .conform import ConformResult, conform_scenario

__all__ = ["Board", "BoardError", "Build", "CheckResult", "ConformResult", "check_trace",
           "conform_scenario"]
