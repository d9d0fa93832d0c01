"""Repository-wide pytest set-up: pyharness/ on the path and the ampsim plugin loaded when it is
not installed (installed, it registers itself through its pytest11 entry point)."""
import importlib.metadata
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "pyharness"))

pytest_plugins = ["pytester"]  # the plugin's own tests (pyharness/tests/test_plugin.py)
if not any(ep.name == "ampsim" for ep in importlib.metadata.entry_points(group="pytest11")):
    pytest_plugins.append("ampsim_pytest.plugin")
