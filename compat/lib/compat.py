"""What every Python-based compat driver shares: the environment the runner
sets, the verdict protocol of compat/SCENARIOS.md, and the records each
scenario sends."""

import os
import sys
import traceback

BOOTSTRAP = os.environ.get("SLUICE_BOOTSTRAP", "127.0.0.1:9092")
TOPIC = os.environ.get("SLUICE_TOPIC", "compat")
GROUP = os.environ.get("SLUICE_GROUP", "compat-group")
TXN_ID = os.environ.get("SLUICE_TXN_ID", "compat-txn")
BROKER_ID = 1

BASE_TIMESTAMP = 1600000000000
MESSAGE_TOO_LARGE = 10
TOPIC_ALREADY_EXISTS = 36
INVALID_PARTITIONS = 37
INVALID_RECORD = 87


class Verdict(Exception):
    """Raised to end a scenario with a verdict line."""

    def __init__(self, line):
        super().__init__(line)
        self.line = line


def fail(reason):
    raise Verdict("FAIL " + reason)


def na(reason):
    raise Verdict("N/A " + reason)


def check(condition, reason):
    if not condition:
        fail(reason)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def keyed(n, key="k", value="v"):
    """[(b"k0", b"v0"), ...]: the records most scenarios send."""
    return [(f"{key}{i}".encode(), f"{value}{i}".encode()) for i in range(n)]


def compressible(n=200):
    return [(f"k{i}".encode(), (f"value-{i}-" + "x" * 200).encode()) for i in range(n)]


def one_mib():
    return bytes(j % 251 for j in range(1 << 20))


def expect_records(got, expected, what="record"):
    """got/expected: lists of tuples compared element by element; fails
    naming the first difference."""
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            fail(f"{what} {i}: expected {_short(e)}, got {_short(g)}")
    if len(got) != len(expected):
        fail(f"expected {len(expected)} {what}s, got {len(got)}")


def _short(value):
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def main(name_version, scenarios):
    """Runs `driver <scenario>` or `driver --version`; scenarios maps an id
    to a function, and ids missing from it are reported as FAIL (every
    scenario needs a verdict, even N/A)."""
    if len(sys.argv) != 2:
        print("usage: driver <scenario>|--version", file=sys.stderr)
        sys.exit(2)
    arg = sys.argv[1]
    if arg == "--version":
        print(name_version)
        return
    line = "PASS"
    try:
        fn = scenarios.get(arg)
        if fn is None:
            fail(f"the driver has no scenario {arg}")
        fn()
    except Verdict as v:
        line = v.line
    except Exception as e:  # a client error the scenario did not expect
        traceback.print_exc()
        line = f"FAIL {type(e).__name__}: {e}".splitlines()[0]
    print(line, flush=True)
    sys.exit(1 if line.startswith("FAIL") else 0)
