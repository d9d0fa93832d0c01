"""ampsim's pytest plugin and the small API under it (docs/pytest.md).

- `Board`: one `ampsim run --control` process - a virtual board a test drives over the control
  protocol (docs/control.md): run, send, recv, crash, stop.
- `check_trace()`: `ampsim check` on a trace, its verdicts as a `CheckResult`.
- The pytest plugin (`ampsim_pytest.plugin`, entry point `pytest11`): options in the `ampsim`
  group, fixtures `board`, `trace` and `check`, markers `board(...)` and `firmware(...)`.
"""
from .board import Board, BoardError, Build
from .check import CheckResult, check_trace

__all__ = ["Board", "BoardError", "Build", "CheckResult", "check_trace"]
