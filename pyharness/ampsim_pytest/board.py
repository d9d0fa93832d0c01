"""A virtual board in its own `ampsim run` process, driven over the control protocol.

One board is one process (SystemC elaborates once per process): a crash of the board - even a
fault in the simulator itself - ends that process, never the test runner. Requests and replies
are JSON lines on a socket pair (docs/control.md)."""
import json
import os
import pathlib
import signal
import socket
import subprocess


class BoardError(RuntimeError):
    """The board refused a request, or its process ended unexpectedly."""


class Build:
    """Where ampsim's build tree is: the `ampsim` program and the firmware it built."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.ampsim = self.root / "sim" / "ampsim"
        self.firmware = self.root / "firmware" / "fixtures" / "firmware"

    def check_exists(self):
        if not self.ampsim.exists():
            raise BoardError(f"{self.ampsim} is missing: build ampsim first (./scripts/setup)")


class Board:
    """`ampsim run --control` for one test.

    board: board name or file; firmware: {core: ELF}; artifacts: a directory for the trace
    (trace.bin), the console logs (logs/), standard output (stdout.txt) and errors
    (stderr.txt); extra: more `ampsim run` arguments. The process starts in start()."""

    REQUEST_TIMEOUT_S = 300  # a hang guard; requests take milliseconds of wall time

    def __init__(self, build, board="minimal", firmware=None, artifacts=".", extra=()):
        self.build = build
        self.board = board
        self.firmware = dict(firmware or {})
        self.artifacts = pathlib.Path(artifacts)
        self.extra = list(extra)
        self.trace_path = self.artifacts / "trace.bin"
        self.stdout_path = self.artifacts / "stdout.txt"
        self.stderr_path = self.artifacts / "stderr.txt"
        self.proc = None
        self.returncode = None
        self.info = {}
        self._sock = None
        self._file = None
        self._next_id = 0

    # ---- life cycle ----
    def start(self):
        self.build.check_exists()
        self.artifacts.mkdir(parents=True, exist_ok=True)
        (self.artifacts / "logs").mkdir(exist_ok=True)
        mine, theirs = socket.socketpair()
        args = [str(self.build.ampsim), "run", "--board", self.board, "--control",
                str(theirs.fileno()), "--trace", str(self.trace_path), "--log-dir",
                str(self.artifacts / "logs"), "--firmware-dir", str(self.build.firmware)]
        for core, elf in self.firmware.items():
            args += ["--firmware", f"{core}={elf}"]
        args += self.extra
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err, pass_fds=[theirs.fileno()],
                                         env=env)
        theirs.close()
        mine.settimeout(self.REQUEST_TIMEOUT_S)
        self._sock = mine
        self._file = mine.makefile("rw", encoding="utf-8")
        self.info = self.request("hello")
        return self

    @property
    def running(self):
        return self.proc is not None and self.returncode is None

    def stop(self):
        """End the run (the host shuts the remotes down); return ampsim run's exit status."""
        if not self.running:
            return self.returncode
        try:
            self.request("stop")
        except BoardError:
            pass
        return self._reap()

    def kill(self):
        if self.running:
            self.proc.send_signal(signal.SIGKILL)
            self._reap()

    def _reap(self):
        try:
            self.returncode = self.proc.wait(timeout=self.REQUEST_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.returncode = self.proc.wait()
        if self._file:
            self._file.close()
            self._sock.close()
            self._file = self._sock = None
        return self.returncode

    def stdout(self):
        return self.stdout_path.read_text() if self.stdout_path.exists() else ""

    def stderr(self):
        return self.stderr_path.read_text() if self.stderr_path.exists() else ""

    # ---- the protocol ----
    def request(self, cmd, **params):
        """Send one request; return the reply, or raise BoardError with the board's reason."""
        if not self.running:
            raise BoardError(f"the board is not running (exit status {self.returncode})")
        self._next_id += 1
        line = json.dumps(dict(params, id=self._next_id, cmd=cmd))
        try:
            self._file.write(line + "\n")
            self._file.flush()
            reply = self._file.readline()
        except OSError as e:
            reply = ""
            why = str(e)
        else:
            why = "the board closed the control channel"
        if not reply:
            status = self._reap()
            raise BoardError(f"{cmd}: {why} (ampsim run exited with {status}): "
                             f"{self.stderr()[-2000:]}")
        answer = json.loads(reply)
        if not answer.get("ok"):
            raise BoardError(f"{cmd}: {answer.get('error')}")
        return answer

    def status(self):
        return self.request("status")

    def run(self, for_us=None, until_us=None, until_settled=False, timeout_us=1e6):
        """Advance simulated time: by for_us, to until_us, or until every remote settled."""
        if until_settled:
            return self.request("run", until="settled", timeout_us=timeout_us)
        if until_us is not None:
            return self.request("run", until_us=until_us)
        return self.request("run", for_us=for_us or 0)

    def channels(self):
        return self.request("channels")["channels"]

    def send(self, core, dst, data=None, text=None):
        """Send bytes (or text) from the host's control endpoint on core's link to dst."""
        if text is not None:
            return self.request("send", core=core, dst=dst, text=text)["src"]
        return self.request("send", core=core, dst=dst, data=bytes(data).hex())["src"]

    def recv(self, core, timeout_us=10000):
        """The next message to the control endpoint on core's link: (src, bytes)."""
        reply = self.request("recv", core=core, timeout_us=timeout_us)
        return reply["src"], bytes.fromhex(reply["data"])

    def crash(self, core):
        """Declare core crashed; the host recovers it (run until settled to see it back)."""
        return self.request("crash", core=core)
