"""Runs KafkaJS scenario scripts (js/*.test.js) against a real sluice.

KafkaJsTestCase installs the pinned kafkajs with `npm ci` once, starts one
broker for the class, and run_scenario(name) runs `node SCRIPT name`,
failing with the step the script reports."""

import json
import os
import shutil
import subprocess

from group_helpers import SharedBrokerTestCase
from sluice_harness import cannot_run

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
SCENARIO_TIMEOUT = 180
# npm's codes for a registry it cannot reach or whose TLS certificate it
# cannot check (a sandbox that intercepts TLS, a machine offline).
_UNREACHABLE = ("SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
                "CERT_", "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH")


def _pinned_kafkajs():
    with open(os.path.join(JS_DIR, "package.json")) as f:
        return json.load(f)["dependencies"]["kafkajs"]


def _installed_kafkajs():
    try:
        with open(os.path.join(JS_DIR, "node_modules", "kafkajs", "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


class KafkaJsTestCase(SharedBrokerTestCase):
    SCRIPT = None  # a js/*.test.js file name

    @classmethod
    def setUpClass(cls):
        if shutil.which("node") is None or shutil.which("npm") is None:
            cannot_run("node and npm are not installed (tools/install-deps.sh test installs them)")
        if _installed_kafkajs() != _pinned_kafkajs():
            # npm ci installs exactly what package-lock.json pins.
            result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--fetch-retries=2",
                                     "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000"],
                                    cwd=JS_DIR, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                output = result.stdout + result.stderr
                if any(code in output for code in _UNREACHABLE):
                    cannot_run(f"the npm registry cannot be reached to install kafkajs:\n{output}")
                raise RuntimeError(f"npm ci failed:\n{output}")
        super().setUpClass()

    def run_scenario(self, name):
        env = dict(os.environ, SLUICE_BOOTSTRAP=self.broker.bootstrap, KAFKAJS_NO_PARTITIONER_WARNING="1")
        try:
            result = subprocess.run(["node", self.SCRIPT, name], cwd=JS_DIR, env=env, capture_output=True,
                                    text=True, timeout=SCENARIO_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail(f"KafkaJS scenario {name} still running after {SCENARIO_TIMEOUT}s:\n{e.stdout}\n{e.stderr}")
        if result.returncode != 0:
            self.fail(f"KafkaJS scenario {name} failed (exit {result.returncode}):\n"
                      f"{result.stdout}\n{result.stderr}")
