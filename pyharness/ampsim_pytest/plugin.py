"""The ampsim pytest plugin (entry point `pytest11`, name `ampsim`; docs/pytest.md).

Options (group `ampsim`):
  --ampsim-build DIR        ampsim's build tree (default: $AMPSIM_BUILD_DIR, else build/ in
                            the rootdir)
  --ampsim-board NAME       the board of tests without a board marker (default: minimal)
  --ampsim-firmware CORE=ELF  firmware for tests without a firmware marker (repeatable): the
                            implementation under test
  --ampsim-artifacts DIR    per-test directories (trace, logs, console) go here (default:
                            ampsim-artifacts/ in the build tree)
  --ampsim-profile P        the checker's profile (strict, linux, openamp, rpmsg-lite)
  --ampsim-side S           the side the checker judges (driver, device, both); with
                            --ampsim-iut, the role the IUT plays (driver or device)
  --ampsim-iut IUT          an implementation under test - lib:SO (the adapter of
                            conformance/include/ampconf/iut.h) or firmware:CORE=ELF (on
                            --ampsim-board): the `conform` fixture and conformance/test_iut.py
                            run scenarios against it

Fixtures:
  board    a Board (ampsim_pytest.Board) started for the test, stopped after it; its
           artifacts directory holds trace.bin, logs/, stdout.txt, stderr.txt
  trace    the board's trace path; using it stops the board first (a trace is complete
           only when the run ended)
  check    check(trace=None, side=None, profile=None) -> CheckResult; check.conformant(...)
           asserts that every MUST-class rule passed and fails the test with the violating
           events otherwise
  conform  conform(scenario, iut=None, side=None, profile=None) -> ConformResult: one
           scenario of fixtures/scenarios against --ampsim-iut (skips the test without one);
           conform.passes(scenario) asserts it passed (or did not apply: skips)

Markers: board(name, *extra_run_args), firmware(core=elf, ...) or firmware("core=elf", ...).
Each test's trace path is attached to the junit report as the property `ampsim_trace`, its
artifacts as `ampsim_artifacts`.
"""
import os
import pathlib
import re

import pytest

from .board import Board, BoardError, Build
from .check import check_trace
from .conform import conform_scenario

_VIOLATIONS = pytest.StashKey[list]()


def pytest_addoption(parser):
    group = parser.getgroup("ampsim", "ampsim virtual boards and conformance checking")
    group.addoption("--ampsim-build", metavar="DIR", default=None,
                    help="ampsim's build tree (default: $AMPSIM_BUILD_DIR, else build/)")
    group.addoption("--ampsim-board", metavar="NAME", default="minimal",
                    help="board for tests without a board marker (default: minimal)")
    group.addoption("--ampsim-firmware", metavar="CORE=ELF", action="append", default=[],
                    help="firmware for tests without a firmware marker (repeatable)")
    group.addoption("--ampsim-artifacts", metavar="DIR", default=None,
                    help="where per-test artifacts go (default: BUILD/ampsim-artifacts)")
    group.addoption("--ampsim-profile", metavar="P", default=None,
                    choices=("strict", "linux", "openamp", "rpmsg-lite"),
                    help="the checker's profile (default: strict)")
    group.addoption("--ampsim-side", metavar="S", default=None,
                    choices=("driver", "device", "both"),
                    help="the side the checker judges (default: both); with --ampsim-iut "
                         "the role the IUT plays")
    group.addoption("--ampsim-iut", metavar="IUT", default=None,
                    help="an implementation under test, lib:SO (implementing ampconf/iut.h) "
                         "or firmware:CORE=ELF, for the conform fixture and "
                         "conformance/test_iut.py")


def pytest_configure(config):
    config.addinivalue_line("markers", "board(name, *args): the board (and extra ampsim run "
                                       "arguments) the test's board fixture runs")
    config.addinivalue_line("markers", "firmware(*core_eq_elf, **core_elf): the firmware the "
                                       "test's board fixture runs")


def _build(config):
    opt = config.getoption("ampsim_build") or os.environ.get("AMPSIM_BUILD_DIR")
    return Build(opt or pathlib.Path(config.rootpath) / "build")


@pytest.fixture(scope="session")
def ampsim_build(pytestconfig):
    """The build tree the plugin uses (Build: .ampsim, .firmware)."""
    return _build(pytestconfig)


def _firmware_pairs(items):
    out = {}
    for item in items:
        core, sep, elf = item.partition("=")
        if not sep or not core or not elf:
            raise pytest.UsageError(f"firmware '{item}' is not CORE=ELF")
        out[core] = elf
    return out


def _artifacts_dir(request, build):
    base = request.config.getoption("ampsim_artifacts")
    base = pathlib.Path(base) if base else build.root / "ampsim-artifacts"
    name = re.sub(r"[^A-Za-z0-9_.=-]+", "_", request.node.nodeid).strip("_")
    path = base / name
    if path.exists():
        for p in sorted(path.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def board(request, ampsim_build):
    """A virtual board for this test, driven over the control protocol."""
    config = request.config
    name, extra = config.getoption("ampsim_board"), []
    marker = request.node.get_closest_marker("board")
    if marker:
        name = marker.args[0] if marker.args else name
        extra = list(marker.args[1:])
    firmware = _firmware_pairs(config.getoption("ampsim_firmware"))
    marker = request.node.get_closest_marker("firmware")
    if marker:
        firmware = _firmware_pairs(marker.args)
        firmware.update(marker.kwargs)
    artifacts = _artifacts_dir(request, ampsim_build)
    request.node.user_properties.append(("ampsim_artifacts", str(artifacts)))
    request.node.user_properties.append(("ampsim_trace", str(artifacts / "trace.bin")))
    b = Board(ampsim_build, name, firmware, artifacts, extra)
    try:
        b.start()
    except BoardError as e:
        pytest.fail(f"the board did not start: {e}", pytrace=False)
    yield b
    b.stop()


@pytest.fixture
def trace(board):
    """The board's trace: the board is stopped first (the trace is complete only then)."""
    board.stop()
    return board.trace_path


class _Checker:
    """The `check` fixture: run ampsim check, remember violations for the report."""

    def __init__(self, request, build):
        self._request = request
        self._build = build

    def __call__(self, trace=None, side=None, profile=None):
        if trace is None:
            trace = self._request.getfixturevalue("trace")
        config = self._request.config
        return check_trace(self._build.ampsim, trace,
                           side=side or config.getoption("ampsim_side"),
                           profile=profile or config.getoption("ampsim_profile"))

    def conformant(self, trace=None, side=None, profile=None):
        """Assert every MUST-class rule passed; the failure lists the violating events."""
        result = self(trace, side, profile)
        self._request.node.stash.setdefault(_VIOLATIONS, []).append(result.describe())
        if not result.passed:
            pytest.fail("trace violates the conformance rules:\n" + result.describe(False),
                        pytrace=False)
        return result


@pytest.fixture
def check(request, ampsim_build):
    """check(trace=None, side=None, profile=None) -> CheckResult; check.conformant(...)."""
    return _Checker(request, ampsim_build)


class _Conform:
    """The `conform` fixture: one scenario against the IUT, violations kept for the report."""

    def __init__(self, request, build):
        self._request = request
        self._build = build

    def __call__(self, scenario, iut=None, side=None, profile=None):
        config = self._request.config
        iut = iut or config.getoption("ampsim_iut")
        if not iut:
            pytest.skip("no implementation under test (--ampsim-iut lib:SO)")
        side = side or config.getoption("ampsim_side")
        if side not in ("driver", "device"):
            raise pytest.UsageError("--ampsim-iut needs --ampsim-side driver or device")
        artifacts = _artifacts_dir(self._request, self._build)
        self._request.node.user_properties.append(("ampsim_artifacts", str(artifacts)))
        try:
            result = conform_scenario(self._build.ampsim, iut, side, scenario, artifacts,
                                      profile or config.getoption("ampsim_profile"),
                                      board=config.getoption("ampsim_board"))
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        if result.trace:
            self._request.node.user_properties.append(("ampsim_trace", result.trace))
        self._request.node.stash.setdefault(_VIOLATIONS, []).append(result.describe())
        return result

    def passes(self, scenario, iut=None, side=None, profile=None):
        """Assert the scenario passed; skip when it does not apply to the IUT."""
        result = self(scenario, iut, side, profile)
        if result.outcome == "skipped":
            pytest.skip(result.reason)
        if not result.passed:
            pytest.fail(result.describe(False), pytrace=False)
        return result


@pytest.fixture
def conform(request, ampsim_build):
    """conform(scenario, iut=None, side=None, profile=None) -> ConformResult; .passes(...)."""
    return _Conform(request, ampsim_build)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for text in item.stash.get(_VIOLATIONS, []):
            report.sections.append(("ampsim", text))
        for name, value in item.user_properties:
            if name == "ampsim_artifacts":
                report.sections.append(("ampsim artifacts", value))
