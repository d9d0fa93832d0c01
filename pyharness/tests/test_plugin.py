"""The ampsim pytest plugin (pyharness/ampsim_pytest, docs/pytest.md) through pytester: its
options group, the board/trace/check fixtures and markers, junit properties, a failing check's
report, boards that fail to start or die mid-test, stable ids of the conformance suite.

Each inner session runs in a subprocess with the plugin named by -p, as an installed plugin
would be loaded by its entry point."""
import os
import pathlib
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
FIRMWARE = BUILD / "firmware" / "fixtures" / "firmware"

pytestmark = pytest.mark.skipif(not (FIRMWARE / "rpmsg-echo-minimal-m4.elf").exists(),
                                reason="the firmware is not built (AMPSIM_FIRMWARE=OFF)")


@pytest.fixture
def inner(pytester, monkeypatch, tmp_path):
    """Run an inner pytest session with the plugin, on our build, artifacts in tmp_path."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "pyharness"))

    def run(*args):
        # Options as one token each: pytest takes the rootdir from path-like arguments
        # before it knows which options take a value.
        return pytester.runpytest_subprocess(
            "-p", "ampsim_pytest.plugin", "-p", "no:cacheprovider", f"--rootdir={pytester.path}",
            f"--ampsim-build={BUILD}", f"--ampsim-artifacts={tmp_path / 'artifacts'}", *args)

    return run


def test_options_are_in_the_ampsim_group(inner):
    out = inner("--help").stdout.str()
    assert "ampsim virtual boards and conformance checking:" in out
    for option in ("--ampsim-build", "--ampsim-board", "--ampsim-firmware",
                   "--ampsim-artifacts", "--ampsim-profile", "--ampsim-side", "--ampsim-iut"):
        assert option in out


def test_board_fixture_markers_and_junit(inner, pytester, tmp_path):
    pytester.makepyfile(test_echo="""
        import pytest

        @pytest.mark.board("minimal", "--messages", "3")
        @pytest.mark.firmware(m4="rpmsg-echo-minimal-m4.elf")
        def test_round_trip(board, check):
            assert board.info["board"] == "minimal" and board.info["cores"] == ["m4"]
            assert board.run(until_settled=True)["settled"]
            (channel,) = board.channels()
            assert channel["name"] == "rpmsg-echo"
            board.send("m4", channel["addr"], b"ping")
            assert board.recv("m4") == (channel["addr"], b"ping")
            result = check.conformant()
            assert result.result("NS-002") == "pass"
            assert "result: PASS" in board.stdout()
    """)
    junit = tmp_path / "junit.xml"
    result = inner(f"--junitxml={junit}")
    result.assert_outcomes(passed=1)
    props = {p.get("name"): p.get("value") for p in ET.parse(junit).iter("property")}
    trace = pathlib.Path(props["ampsim_trace"])
    assert trace.exists() and trace.stat().st_size > 1000
    artifacts = pathlib.Path(props["ampsim_artifacts"])
    assert (artifacts / "stdout.txt").exists() and (artifacts / "logs" / "m4.log").exists()


def test_firmware_option_is_the_default(inner, pytester):
    pytester.makepyfile(test_default="""
        def test_which(board):
            board.run(until_settled=True)
            assert [c["name"] for c in board.channels()] == ["rpmsg-echo"]
    """)
    inner("--ampsim-firmware", "m4=rpmsg-echo-minimal-m4.elf").assert_outcomes(passed=1)


def test_failing_check_shows_the_violating_events(inner, pytester):
    fixture = ROOT / "fixtures" / "traces" / "rules" / "DRV-001.fail.txt"
    pytester.makepyfile(test_bad=f"""
        def test_bad_trace(check):
            check.conformant(trace={str(fixture)!r})
    """)
    result = inner()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "trace violates the conformance rules" in out
    assert "DRV-001 fail (MUST, driver)" in out
    assert "host (driver): vring1 avail.ring[0] rewritten after avail.idx 1 exposed it" in out


def test_profile_and_side_options_reach_the_checker(inner, pytester):
    fixture = ROOT / "fixtures" / "traces" / "rules" / "DEV-003.fail.txt"
    pytester.makepyfile(test_profile=f"""
        def test_allowed(check):
            result = check.conformant(trace={str(fixture)!r})
            assert result.result("DEV-003") == "deviation"
            assert result.report["profile"] == "openamp"
    """)
    inner("--ampsim-profile", "openamp").assert_outcomes(passed=1)
    inner("--ampsim-side", "driver").assert_outcomes(failed=1)  # DEV-003 not judged: the
    # assertion on "deviation" fails, not the check


def test_a_board_that_cannot_start_fails_only_its_test(inner, pytester):
    pytester.makepyfile(test_start="""
        import pytest

        @pytest.mark.firmware(m4="no-such-image.elf")
        def test_missing_image(board):
            pass

        def test_next_one_runs():
            pass
    """)
    result = inner()
    result.assert_outcomes(passed=1, errors=1)
    assert "the board did not start" in result.stdout.str()


def test_a_board_dying_mid_test_is_a_failure_not_a_crash(inner, pytester):
    pytester.makepyfile(test_die="""
        import pytest
        from ampsim_pytest import BoardError

        def test_killed(board):
            board.proc.kill()
            with pytest.raises(BoardError, match="exited"):
                board.status()

        def test_after():
            pass
    """)
    inner().assert_outcomes(passed=2)


def test_conformance_suite_ids_are_stable(inner):
    result = inner("--collect-only", "-q", str(ROOT / "conformance" / "test_conformance.py"))
    out = result.stdout.str()
    for test_id in ("test_boot_and_announce", "test_echo[payload-1]", "test_echo[payload-496]",
                    "test_burst_wraps_the_rings", "test_crash_and_recovery"):
        assert test_id in out


REF_IUT = BUILD / "conformance" / "iut" / "libampconf_ref_iut.so"


def test_conform_fixture_runs_a_scenario_against_the_iut(inner, pytester, tmp_path):
    pytester.makepyfile(test_iut="""
        def test_ping_pong(conform):
            result = conform.passes("ping-pong")
            assert result.scenario["messages"] == 200

        def test_reset(conform):
            conform.passes("reset")
    """)
    junit = tmp_path / "junit.xml"
    result = inner(f"--ampsim-iut=lib:{REF_IUT}", "--ampsim-side=driver", f"--junitxml={junit}")
    result.assert_outcomes(passed=2)
    case = ET.parse(junit).getroot().find(".//testcase[@name='test_ping_pong']")
    trace = case.find("properties/property[@name='ampsim_trace']").get("value")
    assert pathlib.Path(trace).is_file() and trace.endswith("ping-pong.bin")
    # Without an IUT, nothing to judge: skipped, not failed.
    inner().assert_outcomes(skipped=2)
    # A role the scenario is not for is a skip with the reason.
    scenario = tmp_path / "driver-only.yaml"
    scenario.write_text("summary: s\nroles: [driver]\nrules: [INIT-002]\nsteps: [start]\n")
    pytester.makepyfile(test_role=f"""
        def test_role(conform):
            conform.passes({str(scenario)!r})
    """)
    result = inner(f"--ampsim-iut=lib:{REF_IUT}", "--ampsim-side=device", "-rs", "test_role.py")
    result.assert_outcomes(skipped=1)
    assert "the scenario is not for this role" in result.stdout.str()


def test_conform_failure_shows_why(inner, pytester, tmp_path):
    scenario = tmp_path / "expects-too-much.yaml"
    scenario.write_text("summary: s\nrules: [INIT-002]\nsteps:\n  - start\n"
                        "  - open: {by: iut, ept: a}\n  - expect: {by: iut, ept: a, count: 2}\n")
    pytester.makepyfile(test_fail=f"""
        def test_fails(conform):
            conform.passes({str(scenario)!r})
    """)
    result = inner(f"--ampsim-iut=lib:{REF_IUT}", "--ampsim-side=device")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "expects-too-much broken" in out
    assert "step 3 (line 6): the IUT's endpoint 'a' received 0 messages, 2 expected" in out


def test_iut_suite_ids_are_the_scenario_names(inner):
    out = inner("--collect-only", "-q", str(ROOT / "conformance" / "test_iut.py")).stdout.str()
    for name in ("boot", "ping-pong", "index-wrap", "reset"):
        assert f"test_scenario[{name}]" in out
