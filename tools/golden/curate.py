#!/usr/bin/env python3
"""Pick the golden vectors to keep from raw capture directories.

    curate.py --stage STAGE_DIR --dest tests/protocol/golden CLIENT...

STAGE_DIR/<client>/ holds everything capture_broker.py recorded for one
client.  For each client, every frame is decoded (strictly: frames that do not
decode cleanly are reported and never kept) and the first frame of each
(api, version, variant) is copied to DEST/<client>/ as
<seq:03d>_<ApiName>_v<version>[_<variant>].bin.  Variants distinguish frames
that differ in a way a decoder test cares about (Produce: compression codec,
legacy message format, idempotence, acks=0; Metadata: null / empty / explicit
topic list; JoinGroup: with or without member id; ListOffsets: earliest /
latest; SyncGroup: empty assignment).  Existing *.bin files in DEST/<client>/
are removed first so that a rerun replaces the previous set.
"""

import argparse
import glob
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kafka_codec as kc  # noqa: E402
import decode_golden as dg  # noqa: E402

NAME_RE = re.compile(r"^(\d+)_([A-Za-z0-9]+)_v(\d+)\.bin$")


def curate_client(schema, stage, dest):
    files = sorted(f for f in os.listdir(stage) if NAME_RE.match(f))
    files.sort(key=lambda f: int(NAME_RE.match(f).group(1)))
    kept = {}
    bad = []
    for fn in files:
        with open(os.path.join(stage, fn), "rb") as fh:
            frame = fh.read()
        try:
            d = dg.decode_frame(schema, frame)
        except Exception as e:
            bad.append((fn, str(e)))
            continue
        var = dg.variant(d)
        key = (d["api_name"], d["header"]["api_version"], var)
        if key in kept:
            continue
        seq = NAME_RE.match(fn).group(1)
        out = "%s_%s_v%d%s.bin" % (seq, d["api_name"], d["header"]["api_version"],
                                   "_" + var if var else "")
        kept[key] = (fn, out)
    os.makedirs(dest, exist_ok=True)
    for old in glob.glob(os.path.join(dest, "*.bin")):
        os.remove(old)
    for fn, out in kept.values():
        shutil.copyfile(os.path.join(stage, fn), os.path.join(dest, out))
    return [out for _, out in kept.values()], bad, len(files)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stage", required=True)
    ap.add_argument("--dest", required=True)
    ap.add_argument("--schema-dir", default=None)
    ap.add_argument("clients", nargs="+")
    args = ap.parse_args()
    schema = kc.Schema(args.schema_dir)
    rc = 0
    for client in args.clients:
        stage = os.path.join(args.stage, client)
        if not os.path.isdir(stage):
            print("%s: no capture directory %s" % (client, stage))
            rc = 1
            continue
        kept, bad, total = curate_client(schema, stage, os.path.join(args.dest, client))
        print("%s: %d frames captured, %d kept" % (client, total, len(kept)))
        for out in kept:
            print("   kept %s" % out)
        for fn, err in bad:
            print("   UNDECODABLE %s: %s" % (fn, err))
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
