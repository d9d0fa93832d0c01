"""pcapng export (`ampsim trace convert IN OUT --to pcapng`) read back by tshark with the
shipped dissector (conformance/wireshark/ampsim.lua): every event a packet on its initiator's
interface with its time, kind, address and bytes; the decoder's ring, rpmsg and name-service
fields; errors.

AMPSIM_BUILD_DIR selects the build tree (default: build/). tshark comes from scripts/setup."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("AMPSIM_BUILD_DIR", ROOT / "build"))
AMPSIM = BUILD / "sim" / "ampsim"
DISSECTOR = ROOT / "conformance" / "wireshark" / "ampsim.lua"
RULE_TRACES = ROOT / "fixtures" / "traces" / "rules"
GOLDEN = ROOT / "fixtures" / "traces" / "golden"
TSHARK = shutil.which("tshark")


def export(trace, out):
    proc = subprocess.run([str(AMPSIM), "trace", "convert", str(trace), str(out), "--to",
                           "pcapng"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return out


def tshark_fields(pcap, *fields, display_filter=None):
    assert TSHARK, "tshark is missing: ./scripts/setup installs it"
    args = [TSHARK, "-n", "-X", f"lua_script:{DISSECTOR}", "-r", str(pcap), "-T", "fields",
            "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"]
    if display_filter:
        args += ["-Y", display_filter]
    for field in fields:
        args += ["-e", field]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Lua: Error" not in proc.stderr, proc.stderr
    return [line.split("|") for line in proc.stdout.splitlines()]


def text_events(trace):
    """The trace's events as `ampsim trace show` prints them: (seq, time, kind, initiator, rest)."""
    out = subprocess.run([str(AMPSIM), "trace", "show", str(trace)], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    events = []
    for line in out.splitlines():
        if line.startswith("#"):
            seq, time, kind, who, *rest = line[1:].split()
            events.append((int(seq), int(time), kind, who, rest))
    return events


@pytest.fixture(scope="module")
def echo_pcap(tmp_path_factory):
    return export(GOLDEN / "minimal-rpmsg-echo.bin", tmp_path_factory.mktemp("p") / "e.pcapng")


def test_every_event_is_a_packet_with_its_fields(echo_pcap):
    events = text_events(GOLDEN / "minimal-rpmsg-echo.bin")
    rows = tshark_fields(echo_pcap, "frame.interface_name", "ampsim.seq", "ampsim.time_ps",
                         "ampsim.kind", "ampsim.addr", "ampsim.bytes", "ampsim.message",
                         "frame.time_epoch")
    assert len(rows) == len(events)
    kinds = {"1": "store", "2": "barrier", "3": "mbox-write", "4": "mbox-read", "5": "irq"}
    for (seq, time, kind, who, rest), row in zip(events, rows):
        iface, pseq, ptime, pkind, addr, data, message, epoch = row
        assert (int(pseq), int(ptime), kinds[pkind], iface) == (seq, time, kind, who)
        assert abs(float(epoch) - time / 1e12) < 1e-9
        if kind == "store":
            assert int(addr, 16) == int(rest[1], 16)
            assert data.replace(":", "") == rest[2]
        elif kind in ("mbox-write", "mbox-read"):
            assert int(message, 16) == int(rest[2], 16)


def test_interfaces_are_the_initiators(echo_pcap):
    names = {r[0] for r in tshark_fields(echo_pcap, "frame.interface_name")}
    assert names == {"host", "m4"}


def test_rpmsg_and_name_service_fields(echo_pcap):
    ns = tshark_fields(echo_pcap, "frame.interface_name", "ampsim.ns.name", "ampsim.ns.addr",
                       "ampsim.ns.flags", display_filter="ampsim.rpmsg.dst == 53")
    assert ns and ns[0] == ["m4", "rpmsg-echo", "0x00000400", "0"]
    messages = tshark_fields(echo_pcap, "ampsim.side", "ampsim.rpmsg.src", "ampsim.rpmsg.dst",
                             "ampsim.rpmsg.len", "ampsim.rpmsg.payload",
                             display_filter="ampsim.rpmsg.dst == 0x400")
    # The host's three messages to the echo service, and its three answers to the host's 0x400.
    assert sorted(r[0] for r in messages) == ["1", "1", "1", "2", "2", "2"]
    for side, src, dst, length, payload in messages:
        assert src == dst == "0x00000400" and int(length) == len(payload) // 2


def test_ring_fields(echo_pcap):
    layout = tshark_fields(echo_pcap, "ampsim.ring.vring", "ampsim.ring.num", "ampsim.ring.align",
                           "ampsim.ring.notifyid", display_filter="ampsim.ring.num")
    # (a layout packet also holds the vring's notify id item: the vring twice)
    assert sorted((r[0].split(",")[0], r[1], r[2]) for r in layout) == [("0", "256", "4096"),
                                                                        ("1", "256", "4096")]
    avail = tshark_fields(echo_pcap, "ampsim.ring.vring", "ampsim.ring.avail_idx",
                          display_filter="ampsim.ring.avail_idx && ampsim.ring.vring == 1")
    assert [int(r[1]) for r in avail] == [1, 2, 3]
    kicks = tshark_fields(echo_pcap, "ampsim.side", "ampsim.ring.vring",
                          display_filter="ampsim.kick")
    assert {(r[0], r[1]) for r in kicks} >= {("1", "0"), ("1", "1"), ("2", "0")}
    status = tshark_fields(echo_pcap, "ampsim.status.new", display_filter="ampsim.status.new")
    assert [r[0] for r in status][:3] == ["0x01", "0x03", "0x07"]


def test_ownership_and_suppression_fields(echo_pcap):
    exposed = tshark_fields(echo_pcap, "ampsim.ring.desc.len", "ampsim.ring.desc.flags",
                            display_filter="ampsim.item == 13 && ampsim.ring.vring == 0")
    # The 256 receive buffers posted at bring-up (one packet, one avail.idx store), then the
    # one re-posted after the announcement and after each of the three answers.
    lengths = [n for r in exposed for n in r[0].split(",")]
    flags = [n for r in exposed for n in r[1].split(",")]
    assert len(exposed) == 5 and len(lengths) == 256 + 4
    assert set(lengths) == {"512"} and set(flags) == {"0x0002"}
    returned = tshark_fields(echo_pcap, "ampsim.ring.desc", "ampsim.ring.used.len",
                             display_filter="ampsim.item == 14 && ampsim.ring.vring == 1")
    assert len(returned) == 3 and all(r[1] == "0" for r in returned)
    suppression = tshark_fields(echo_pcap, "ampsim.ring.suppression",
                                "ampsim.ring.suppression.value",
                                display_filter="ampsim.item == 15")
    assert suppression  # the zeroed rings at least


def test_decoder_lines_are_packet_comments(echo_pcap):
    comments = tshark_fields(echo_pcap, "frame.comment", display_filter="frame.comment")
    text = " ".join(c[0] for c in comments)
    assert "name service: create rpmsg-echo at 0x400 (from device)" in text


def test_p2p_link_in_pcapng(tmp_path):
    pcap = export(GOLDEN / "omap4-rpmsg-p2p.bin", tmp_path / "p.pcapng")
    links = tshark_fields(pcap, "frame.interface_name", "ampsim.block",
                          display_filter="ampsim.item == 2")
    assert ["ipu-c0", "0x000000009e300000"] in [[r[0], r[1]] for r in links]
    names = {r[0] for r in tshark_fields(pcap, "ampsim.ns.name", display_filter="ampsim.ns.name")}
    assert "rpmsg-p2p-peer" in names


def test_export_refuses_a_corrupt_trace(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("ampsim-trace 1\ninitiator 0 host host\n5 store host nowhere 0x0 00\n")
    proc = subprocess.run([str(AMPSIM), "trace", "convert", str(bad), str(tmp_path / "o.pcapng"),
                           "--to", "pcapng"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "line 3" in proc.stderr


def test_every_rule_fixture_dissects(tmp_path):
    """The dissector on every kind of hostile link the fixtures show: no Lua error."""
    for fixture in sorted(RULE_TRACES.glob("*.fail.txt"))[::7]:
        pcap = export(fixture, tmp_path / (fixture.stem + ".pcapng"))
        rows = tshark_fields(pcap, "ampsim.seq")
        assert len(rows) == len(text_events(fixture)), fixture.name
