"""Starts the real sluice binary on an ephemeral port with a temporary data
dir, for integration tests that drive it with real Kafka clients."""

import os
import re
import shutil
import signal
import sys
import subprocess
import tempfile
import threading
import time
import unittest

SLUICE = os.environ.get("SLUICE_BINARY", os.path.join(os.path.dirname(__file__), "../../build/server/sluice"))
_LISTENING = re.compile(r"listening on (\S+) (\S+):(\d+)")


class SluiceBroker:
    """A running broker. Use as a context manager, or start()/stop()."""

    def __init__(self, overrides=None, data_dir=None, startup_timeout=30):
        self.overrides = dict(overrides or {})
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="sluice-it-")
        self.startup_timeout = startup_timeout
        self.process = None
        self.port = None
        self.log_lines = []
        self._reader = None
        self._port_seen = threading.Event()

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self, port=0):
        args = [SLUICE, "--override", f"listeners=PLAINTEXT://127.0.0.1:{port}",
                "--override", f"log.dirs={self.data_dir}"]
        for key, value in self.overrides.items():
            args += ["--override", f"{key}={value}"]
        self._port_seen.clear()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        if not self._port_seen.wait(self.startup_timeout):
            self.kill()
            raise RuntimeError("sluice did not start:\n" + "\n".join(self.log_lines[-50:]))
        return self

    def _read_output(self):
        for line in self.process.stdout:
            self.log_lines.append(line.rstrip())
            m = _LISTENING.search(line)
            if m and not self._port_seen.is_set():
                self.port = int(m.group(3))
                self._port_seen.set()

    def stop(self, timeout=30):
        """SIGTERM, and the exit code (0 for a clean shutdown)."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._reader.join(5)
        self.process.stdout.close()
        self.process = None
        if code != 0:
            # What the broker said last (sanitizer reports included), for the CI log.
            sys.stderr.write("sluice exited with %d; its last output:\n%s\n" % (code, "\n".join(self.log_lines[-80:])))
        return code

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self._reader.join(5)
            self.process.stdout.close()
            self.process = None

    def restart(self):
        """Stops cleanly and starts again on the same port and data dir."""
        port = self.port
        code = self.stop()
        assert code == 0, f"sluice exited with {code}"
        return self.start(port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def wait_until(predicate, timeout=15, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def cannot_run(reason):
    """A test whose prerequisite is missing (root, npm, a file descriptor
    limit). CI (CI=true) provides them all: there the test fails. Elsewhere (a
    sandboxed fresh machine) it is skipped, saying why."""
    if os.environ.get("CI") == "true":
        raise RuntimeError(reason)
    raise unittest.SkipTest(reason)
