"""The conformance suite: a remote - the firmware under test (--ampsim-firmware CORE=ELF) or the
board's own - driven through scenarios over the control protocol, each scenario's trace judged
against every rule of the catalogue (docs/conformance.md, docs/pytest.md).

    pytest conformance/                                   # the board's own firmware
    pytest conformance/ --ampsim-board minimal --ampsim-firmware m4=my-rpmsg.elf \\
           --ampsim-side device --ampsim-profile openamp --junitxml=conformance.xml

With --ampsim-iut lib:SO the library is the implementation under test instead: these tests are
skipped and conformance/test_iut.py runs the scenario library against it.

Scenarios that need an echo service (a channel whose name holds "echo", answering every
message to its sender with the same bytes) are skipped when the remote announces none."""
import pytest

# Bring-up of a remote takes a few simulated milliseconds; allow much more.
SETTLE_US = 2_000_000


@pytest.fixture(autouse=True)
def _firmware_under_test(pytestconfig):
    """With --ampsim-iut the implementation under test is a library (conformance/test_iut.py),
    not the board's firmware."""
    if pytestconfig.getoption("ampsim_iut"):
        pytest.skip("--ampsim-iut: the IUT is a library, judged by test_iut.py")


@pytest.fixture
def settled(board, check):
    """The board once every remote booted and announced its channels (when they do not, the
    failure says what the trace shows)."""
    reply = board.run(until_settled=True, timeout_us=SETTLE_US)
    if not reply["settled"]:
        remotes = board.status()["remotes"]
        board.stop()
        pytest.fail(f"the remotes did not settle: {remotes}\n"
                    + check(board.trace_path).describe(), pytrace=False)
    return board


def echo_channel(board):
    for channel in board.channels():
        if "echo" in channel["name"]:
            return channel
    pytest.skip("the remote announces no echo service")


def echo(board, channel, data):
    board.send(channel["core"], channel["addr"], data)
    src, got = board.recv(channel["core"], timeout_us=100_000)
    assert src == channel["addr"]
    assert got == data


def pattern(size, seed=0):
    return bytes((i * 31 + seed) & 0xFF for i in range(size))


def test_boot_and_announce(settled, check):
    """The remote boots, announces at least one channel, and every rule holds."""
    assert settled.channels(), "no channel announced"
    check.conformant()


@pytest.mark.parametrize("size", [1, 16, 200, 496], ids=lambda size: f"payload-{size}")
def test_echo(settled, check, size):
    """One message each way, up to the largest payload a 512-byte buffer holds."""
    echo(settled, echo_channel(settled), pattern(size, size))
    check.conformant()


def test_burst_wraps_the_rings(settled, check):
    """More messages in flight than a vring holds (256): indices wrap, buffers recycle."""
    channel = echo_channel(settled)
    sent = [pattern(8 + i % 64, i) for i in range(300)]
    for data in sent:
        settled.send(channel["core"], channel["addr"], data)
    got = [settled.recv(channel["core"], timeout_us=200_000)[1] for _ in sent]
    assert got == sent
    check.conformant()


def test_unbound_address_is_dropped(settled, check):
    """A message to an address nobody bound is dropped; the link carries on."""
    channel = echo_channel(settled)
    settled.send(channel["core"], 0xDEAD0, b"nobody home")
    echo(settled, channel, b"still there?")
    result = check.conformant()
    # The probe exercised the rule (judged unless --ampsim-side driver leaves it out).
    assert result.result("RPMSG-009") in ("pass", "not judged")


def test_crash_and_recovery(settled, check):
    """A crash of the remote, the host's recovery, the remote back with its channels."""
    core = settled.channels()[0]["core"]
    before = {c["name"] for c in settled.channels() if c["core"] == core}
    settled.crash(core)
    reply = settled.run(until_settled=True, timeout_us=SETTLE_US)
    assert reply["settled"]
    remote = next(r for r in settled.status()["remotes"] if r["name"] == core)
    assert remote["crashes"] == 1 and remote["state"] == "running"
    assert {c["name"] for c in settled.channels() if c["core"] == core} == before
    for channel in settled.channels():
        if channel["core"] == core and "echo" in channel["name"]:
            echo(settled, channel, b"after the crash")
    check.conformant()
