#!/usr/bin/python3
"""Runs every compat scenario with every client driver against one fresh
sluice and prints (and writes) the client-by-scenario table. The contract
with the drivers is compat/SCENARIOS.md; compat/run installs what this needs
and calls it."""

import argparse
import concurrent.futures
import datetime
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLIENTS_DIR = os.path.join(HERE, "clients")

# Table columns, in this order; a folder not listed here is still run, after these.
CLIENTS = ["kcat", "librdkafka-cpp", "confluent-kafka-python", "kafka-python", "kafkajs",
           "platformatic-kafka", "sarama", "kafka-go", "confluent-kafka-go"]

SCENARIOS = [
    "metadata", "produce_acks_0", "produce_acks_1", "produce_acks_all", "compression_gzip",
    "compression_snappy", "compression_lz4", "compression_zstd", "headers", "timestamps", "null_keys",
    "empty_values", "value_1mib", "oversized_rejected", "consume_from_beginning", "consume_from_end",
    "consume_from_timestamp", "key_ordering", "group_rebalance", "admin_topics", "admin_partitions",
    "admin_configs", "idempotent", "transactions", "compacted_tombstones",
]

# (partitions, topic configs) per scenario, as SCENARIOS.md's table says; None: not created.
TOPICS = {
    "metadata": (3, {}),
    "key_ordering": (4, {}),
    "group_rebalance": (4, {}),
    "value_1mib": (1, {"max.message.bytes": "2097152"}),
    "oversized_rejected": (1, {"max.message.bytes": "100000"}),
    "compacted_tombstones": (1, {"cleanup.policy": "compact"}),
    "admin_topics": None,
}

BROKER_OVERRIDES = {"node.id": "1", "group.initial.rebalance.delay.ms": "0"}
BUILD_TIMEOUT = 900


class Outcome:
    def __init__(self, verdict, reason="", seconds=0.0):
        self.verdict = verdict  # PASS, FAIL, N/A, or NOT BUILT (the client cannot be built here)
        self.reason = reason
        self.seconds = seconds


def last_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def parse_verdict(stdout, code):
    line = last_line(stdout)
    word, _, reason = line.partition(" ")
    if word == "PASS" and code == 0:
        return Outcome("PASS")
    if word == "N/A" and code == 0 and reason:
        return Outcome("N/A", reason)
    if word == "FAIL" and code == 1:
        return Outcome("FAIL", reason or "no reason given")
    return Outcome("FAIL", f"driver exited {code} without a verdict" + (f" (last line: {line[:120]})" if line else ""))


class Client:
    def __init__(self, name, out_dir):
        self.name = name
        self.folder = os.path.join(CLIENTS_DIR, name)
        self.work = os.path.join(out_dir, "work", name)
        self.logs = os.path.join(out_dir, name)
        self.version = name
        self.build_error = None

    def env(self, extra=None):
        env = dict(os.environ, COMPAT_WORK=self.work)
        env.update(extra or {})
        return env

    def build(self):
        os.makedirs(self.work, exist_ok=True)
        os.makedirs(self.logs, exist_ok=True)
        script = os.path.join(self.folder, "build")
        if os.path.exists(script):
            try:
                p = subprocess.run([script], cwd=self.folder, env=self.env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=BUILD_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.build_error = f"build timed out after {BUILD_TIMEOUT} s"
                return
            with open(os.path.join(self.logs, "build.log"), "w") as f:
                f.write(p.stdout)
            if p.returncode != 0:
                self.build_error = last_line(p.stdout) or f"build exited {p.returncode}"
                return
        p = subprocess.run([os.path.join(self.folder, "driver"), "--version"], cwd=self.work, env=self.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=60)
        self.version = last_line(p.stdout) or self.name

    def run(self, scenario, bootstrap, timeout):
        if self.build_error:
            return Outcome("NOT BUILT", self.build_error)
        scratch = tempfile.mkdtemp(prefix=f"compat-{self.name}-")
        env = self.env({
            "SLUICE_BOOTSTRAP": bootstrap,
            "SLUICE_TOPIC": topic_name(self.name, scenario),
            "SLUICE_GROUP": f"compat-{self.name}-{scenario}",
            "SLUICE_TXN_ID": f"compat-{self.name}-{scenario}",
        })
        log_path = os.path.join(self.logs, scenario + ".log")
        start = time.monotonic()
        with open(log_path, "w") as log:
            p = subprocess.Popen([os.path.join(self.folder, "driver"), scenario], cwd=scratch, env=env,
                                 stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
            try:
                stdout, _ = p.communicate(timeout=timeout)
                outcome = parse_verdict(stdout, p.returncode)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                stdout, _ = p.communicate()
                outcome = Outcome("FAIL", f"timed out after {timeout} s")
            log.write("\n--- stdout ---\n" + (stdout or ""))
        outcome.seconds = time.monotonic() - start
        subprocess.run(["rm", "-rf", scratch])
        return outcome


def topic_name(client, scenario):
    return f"compat.{client}.{scenario}"


def create_topics(bootstrap, clients, scenarios):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    new = []
    for client in clients:
        for scenario in scenarios:
            spec = TOPICS.get(scenario, (1, {}))
            if spec is not None:
                new.append(NewTopic(topic_name(client, scenario), num_partitions=spec[0], replication_factor=1,
                                    config=spec[1]))
    for topic, future in admin.create_topics(new, request_timeout=60).items():
        future.result(timeout=60)  # raises: the run cannot go on without its topics


LABELS = {"FAIL": "FAIL", "N/A": "n/a", "NOT BUILT": "not built"}


def cell(outcome, notes):
    if outcome.verdict == "PASS":
        return "PASS"
    label = LABELS[outcome.verdict]
    text = f"{label}: {outcome.reason}"
    if text not in notes:
        notes.append(text)
    return f"{label} [{notes.index(text) + 1}]"


def render(clients, scenarios, results, header):
    notes = []
    lines = [header, "", "| scenario | " + " | ".join(c.name for c in clients) + " |",
             "|---|" + "---|" * len(clients)]
    for scenario in scenarios:
        cells = [cell(results[(c.name, scenario)], notes) for c in clients]
        lines.append(f"| `{scenario}` | " + " | ".join(cells) + " |")
    lines += ["", "Clients:", ""] + [f"- `{c.name}`: {c.version}" for c in clients]
    if notes:
        lines += ["", "Notes:", ""] + [f"{i + 1}. {text}" for i, text in enumerate(notes)]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sluice", required=True, help="the sluice binary to test")
    parser.add_argument("--client", action="append", help="run only this client (repeatable)")
    parser.add_argument("--scenario", action="append", help="run only this scenario (repeatable)")
    # Drivers mostly wait on the broker and on timers: three at once keep two cores busy.
    parser.add_argument("--jobs", type=int, default=3, help="drivers run at once")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per scenario")
    parser.add_argument("--out", default=os.path.join(HERE, "out"), help="logs and build output")
    parser.add_argument("--doc", help="write the table here (default: docs/compat.md for a full run)")
    args = parser.parse_args()

    present = sorted(d for d in os.listdir(CLIENTS_DIR) if os.path.exists(os.path.join(CLIENTS_DIR, d, "driver")))
    names = args.client or [c for c in CLIENTS if c in present] + [c for c in present if c not in CLIENTS]
    unknown = [n for n in names if n not in present] + [s for s in (args.scenario or []) if s not in SCENARIOS]
    if unknown:
        parser.error("unknown client or scenario: " + ", ".join(unknown))
    scenarios = args.scenario or SCENARIOS
    full_run = not args.client and not args.scenario
    doc = args.doc or (os.path.join(ROOT, "docs", "compat.md") if full_run else None)

    os.environ["SLUICE_BINARY"] = os.path.abspath(args.sluice)
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    from sluice_harness import SluiceBroker

    os.makedirs(args.out, exist_ok=True)
    clients = [Client(n, args.out) for n in names]
    started = time.monotonic()
    # Builds are mostly one compiler or npm each: two at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for c, _ in zip(clients, pool.map(Client.build, clients)):
            print(f"built {c.name}: {c.build_error or c.version}", flush=True)

    results = {}
    with SluiceBroker(overrides=BROKER_OVERRIDES) as broker:
        create_topics(broker.bootstrap, names, scenarios)
        work = [(c, s) for c in clients for s in scenarios]
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(c.run, s, broker.bootstrap, args.timeout): (c, s) for c, s in work}
            for future in concurrent.futures.as_completed(futures):
                c, s = futures[future]
                outcome = future.result()
                results[(c.name, s)] = outcome
                print(f"{outcome.verdict:4} {c.name:24} {s:24} {outcome.seconds:5.1f}s {outcome.reason}", flush=True)
        code = broker.stop()  # a clean exit (0) is part of the verdict
        with open(os.path.join(args.out, "sluice.log"), "w") as f:
            f.write("\n".join(broker.log_lines) + "\n")
    if code != 0:
        print(f"sluice exited with {code} (log: {args.out}/sluice.log)")

    elapsed = time.monotonic() - started
    header = (f"# Client compatibility\n\nEvery scenario of `compat/SCENARIOS.md` with every client, against one "
              f"fresh `sluice`. Produced by `compat/run` on {datetime.date.today().isoformat()} "
              f"in {elapsed:.0f} s; PASS, FAIL, n/a (the client has no such feature) or not built "
              f"(the client cannot be built on this machine), reasons below the table.")
    table = render(clients, scenarios, results, header)
    print("\n" + table)
    if doc:
        os.makedirs(os.path.dirname(doc), exist_ok=True)
        with open(doc, "w") as f:
            f.write(table)
        print(f"written to {os.path.relpath(doc, ROOT)}")
    count = {v: sum(o.verdict == v for o in results.values()) for v in ("PASS", "FAIL", "N/A", "NOT BUILT")}
    print(f"{len(results)} cells: {count['PASS']} PASS, {count['FAIL']} FAIL, {count['N/A']} n/a, "
          f"{count['NOT BUILT']} not built")
    # A client this machine cannot build (e.g. npm unreachable) is reported,
    # not failed, except on CI, where every client must build.
    strict = os.environ.get("CI") == "true"
    return 1 if count["FAIL"] or (strict and count["NOT BUILT"]) or code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
