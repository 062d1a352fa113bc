"""`make run` stops on Ctrl-C with "Đã dừng." and exit status 0 (issue 12 §9).

The real command at a real terminal: `make run` on a pseudo-terminal, Ctrl-C typed into it, so the terminal
(not the test) chooses which process group receives SIGINT, as it does for a developer. It migrates a fresh
SQLite database and seeds the demo province (one to two minutes), hence its own marker (`-m "not run_dev"`).
"""

import os
import pty
import select
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
START_TIMEOUT = 240  # seconds: migrate and seed_demo on a shared, busy machine
STOP_TIMEOUT = 60  # seconds: the worker's warm shutdown

pytestmark = [
    pytest.mark.run_dev,
    pytest.mark.skipif(MAKE is None, reason="make is not installed"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read(fd: int, output: bytearray, until, timeout: float) -> bool:
    """Read the terminal into `output` until `until(output)`, the time is up (False) or the terminal closes (True:
    no process holds it any more)."""
    deadline = time.monotonic() + timeout
    while not until(output) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: every process holding the terminal has ended
                return True
            if not chunk:
                return True
            output += chunk
    return until(output)


@pytest.fixture
def run_env(tmp_path) -> dict:
    """SQLite and the filesystem broker in a fresh folder, on a free port: nothing shared with other runs."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    return env | {"DJANGO_VAR_DIR": str(tmp_path / "var"), "PORT": str(free_port()), "TERM": "dumb"}


def test_ctrl_c_stops_web_worker_and_beat_and_make_exits_0(run_env):
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session of its own whose controlling terminal is the pty, as in a terminal window
        os.chdir(ROOT)
        # --old-file: never reinstall the shared virtualenv from here, whatever the requirements' dates.
        os.execve(MAKE, [MAKE, "--no-print-directory", "--old-file=.venv/.installed", "run"], run_env)  # noqa: S606 - make, our own Makefile
    output = bytearray()
    try:
        started = read(fd, output, lambda out: b"Ctrl-C" in out, START_TIMEOUT)
        assert started, "make run did not start:\n" + output.decode(errors="replace")
        os.write(fd, b"\x03")  # Ctrl-C, typed: the terminal sends SIGINT to its foreground process group
        # The terminal closes once make, the script, the web server, the worker and its beat have all ended.
        closed = read(fd, output, lambda out: False, STOP_TIMEOUT)
        ended, status = os.waitpid(pid, 0 if closed else os.WNOHANG)
    finally:
        os.close(fd)
    text = output.decode(errors="replace")
    if not (closed and ended):
        if not ended:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        pytest.fail("make run or one of its processes was still running after Ctrl-C:\n" + text)
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert text.rstrip().endswith("Đã dừng."), text
    assert "ngoài ý muốn" not in text and "make: ***" not in text, text
    with socket.socket() as probe:  # nothing listens on the port any more
        assert probe.connect_ex(("127.0.0.1", int(run_env["PORT"]))) != 0
