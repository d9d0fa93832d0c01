"""The scenario library (fixtures/scenarios) against an implementation under test behind the
adapter of conformance/include/ampconf/iut.h (docs/conformance.md, "Test your own
implementation"): one test per scenario, each a session with ampsim's reference as the peer,
judged by the rule catalogue.

    pytest conformance/test_iut.py --ampsim-iut lib:libmy_rpmsg_iut.so --ampsim-side device \\
           --ampsim-profile openamp --junitxml=conformance.xml

Without --ampsim-iut every test here is skipped (conformance/test_conformance.py judges the
board's firmware instead). A scenario that does not apply to the IUT (its role, a feature or
reset it lacks) is skipped with the reason."""
import pathlib

import pytest

SCENARIOS = sorted(p.stem for p in
                   (pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "scenarios")
                   .glob("*.yaml"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIOS)
def test_scenario(scenario, conform):
    conform.passes(scenario)
