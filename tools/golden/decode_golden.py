#!/usr/bin/env python3
"""Decode captured Kafka request frames (golden vectors).

    decode_golden.py FILE.bin...          full field-by-field dump of each frame
    decode_golden.py --summary FILE.bin.. one line of notable values per frame

A frame is what capture_broker.py saves: request header + body, without the
4-byte size prefix.  Decoding is strict: every byte of the frame must be
consumed by the header + body of the announced api key / version, and record
batches must have a valid CRC.

Python 3 standard library only (zstd payloads are inflated with the `zstd`
command line tool).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kafka_codec as kc  # noqa: E402


def _b(v):
    """bytes -> readable str for the manifest."""
    if v is None:
        return "null"
    try:
        s = v.decode("utf-8")
        if all(32 <= ord(c) < 127 for c in s):
            return repr(s)
    except UnicodeDecodeError:
        pass
    return "0x" + v.hex()


def _s(v):
    return "null" if v is None else repr(v)


def decode_frame(schema, frame):
    hdr = kc.parse_request_header(schema, frame)
    key, ver = hdr["api_key"], hdr["api_version"]
    msg = schema.requests[key]
    body, _ = kc.decode_body(msg, ver, frame, hdr["body_offset"])
    out = {"header": hdr, "api_name": schema.api_name(key), "body": body,
           "flexible": msg.is_flexible(ver), "frame_len": len(frame)}
    if key == 0:
        out["batches"] = {}
        for t in body["TopicData"]:
            for p in t["PartitionData"]:
                out["batches"][(t["Name"], p["Index"])] = kc.decode_record_set(p["Records"] or b"")
    if key == 11:
        out["subscriptions"] = []
        for p in body["Protocols"]:
            try:
                out["subscriptions"].append(kc.decode_consumer_subscription(schema, p["Metadata"]))
            except kc.DecodeError as e:
                out["subscriptions"].append({"_error": str(e)})
    if key == 14:
        out["assignments"] = []
        for a in body["Assignments"]:
            out["assignments"].append(kc.decode_consumer_assignment(schema, a["Assignment"]))
    return out


def produce_variant(decoded):
    """Variant tag for file naming: codec [+ legacy magic] [+ idempotent /
    transactional] [+ acks0]."""
    codecs = set()
    magics = set()
    idem = False
    for batches in decoded["batches"].values():
        for b in batches:
            codecs.add(b["codec"])
            magics.add(b["magic"])
            if b.get("producer_id", -1) >= 0:
                idem = True
    v = "+".join(sorted(codecs)) or "empty"
    for m in sorted(magics):
        if m != 2:
            v += "_magic%d" % m
    if decoded["body"].get("TransactionalId"):
        v += "_transactional"
    elif idem:
        v += "_idempotent"
    if decoded["body"]["Acks"] == 0:
        v += "_acks0"
    return v


def variant(decoded):
    key = decoded["header"]["api_key"]
    body = decoded["body"]
    if key == 0:
        return produce_variant(decoded)
    if key == 3:
        topics = body.get("Topics")
        if topics is None:
            return "alltopics"
        if not topics:
            return "alltopics" if decoded["header"]["api_version"] == 0 else "notopics"
        return "topics"
    if key == 11:
        return "nomemberid" if not body["MemberId"] else "withmemberid"
    if key == 14:
        for a in decoded["assignments"]:
            if not a["AssignedPartitions"]:
                return "emptyassignment"
        return ""
    if key == 2:
        ts = sorted({p["Timestamp"] for t in body["Topics"] for p in t["Partitions"]})
        return {-2: "earliest", -1: "latest"}.get(ts[0], "ts") if len(ts) == 1 else "mixed"
    return ""


def _record_items(recs, legacy=False):
    items = []
    for i, r in enumerate(recs):
        h = ""
        if r.get("headers"):
            h = " headers{" + ", ".join("%s=%s" % (k, _b(v)) for k, v in r["headers"]) + "}"
        extra = ""
        if legacy:
            extra = "offset=%d timestamp=%s " % (r["offset"], r["timestamp"])
        elif r["offset_delta"] != i or r["timestamp_delta"] != 0 or r["attributes"] != 0:
            extra = "offsetDelta=%d timestampDelta=%d attributes=%d " % (
                r["offset_delta"], r["timestamp_delta"], r["attributes"])
        items.append("%s%s=>%s%s" % (extra, _b(r["key"]), _b(r["value"]), h))
    return "; ".join(items)


def _records_summary(batches):
    parts = []
    for b in batches:
        if b["magic"] == 2:
            desc = ("RecordBatch magic=2 codec=%s%s records=%d baseOffset=%d lastOffsetDelta=%d "
                    "baseTimestamp=%d maxTimestamp=%d producerId=%d producerEpoch=%d "
                    "baseSequence=%d transactional=%s partitionLeaderEpoch=%d "
                    "attributes=0x%04x batchLength=%d crc=0x%08x(%s)"
                    % (b["codec"],
                       "" if b["compression_note"] in ("none", b["codec"])
                       else " [%s]" % b["compression_note"],
                       b["record_count"], b["base_offset"], b["last_offset_delta"],
                       b["base_timestamp"], b["max_timestamp"], b["producer_id"],
                       b["producer_epoch"], b["base_sequence"], b["transactional"],
                       b["partition_leader_epoch"], b["attributes"], b["batch_length"], b["crc"],
                       "valid" if b["crc_ok"] else "INVALID"))
            desc += " records: [" + _record_items(b["records"]) + "]"
        else:
            desc = ("legacy Message magic=%d offset=%d codec=%s timestamp=%s crc=0x%08x(%s)"
                    % (b["magic"], b["base_offset"], b["codec"], b["timestamp"], b["crc"],
                       "valid" if b["crc_ok"] else "INVALID"))
            if b["codec"] == "none":
                desc += " key/value: " + _record_items(b["records"], legacy=True)
            else:
                desc += (" wrapping %d inner messages (magic %s; offsets as stored, i.e. "
                         "relative): [%s]") % (
                    len(b["inner_messages"]),
                    "/".join(sorted({str(m["magic"]) for m in b["inner_messages"]})),
                    _record_items(b["records"], legacy=True))
        parts.append(desc)
    return " + ".join(parts) if parts else "no records"


def summarize(decoded):
    """Notable field values for the manifest (one line)."""
    h = decoded["header"]
    b = decoded["body"]
    key, ver = h["api_key"], h["api_version"]
    f = []
    if key == 18:
        if ver >= 3:
            f.append("ClientSoftwareName=%s ClientSoftwareVersion=%s"
                     % (_s(b["ClientSoftwareName"]), _s(b["ClientSoftwareVersion"])))
        else:
            f.append("empty body")
    elif key == 3:
        topics = b["Topics"]
        if topics is None:
            f.append("Topics=null (all topics)")
        else:
            f.append("Topics=[%s]" % ", ".join(_s(t["Name"]) for t in topics))
            if ver == 0 and not topics:
                f[-1] += " (v0: empty = all topics)"
        if ver >= 4:
            f.append("AllowAutoTopicCreation=%s" % b["AllowAutoTopicCreation"])
        if 8 <= ver <= 10:
            f.append("IncludeClusterAuthorizedOperations=%s" % b["IncludeClusterAuthorizedOperations"])
        if ver >= 8:
            f.append("IncludeTopicAuthorizedOperations=%s" % b["IncludeTopicAuthorizedOperations"])
    elif key == 0:
        if ver >= 3:
            f.append("TransactionalId=%s" % _s(b["TransactionalId"]))
        f.append("Acks=%d TimeoutMs=%d" % (b["Acks"], b["TimeoutMs"]))
        for t in b["TopicData"]:
            for p in t["PartitionData"]:
                f.append("topic=%s partition=%d records_bytes=%d: %s"
                         % (_s(t["Name"]), p["Index"], len(p["Records"] or b""),
                            _records_summary(decoded["batches"][(t["Name"], p["Index"])])))
    elif key == 1:
        f.append("ReplicaId=%d MaxWaitMs=%d MinBytes=%d" % (b.get("ReplicaId", -1),
                                                             b["MaxWaitMs"], b["MinBytes"]))
        if ver >= 3:
            f.append("MaxBytes=%d" % b["MaxBytes"])
        if ver >= 4:
            f.append("IsolationLevel=%d" % b["IsolationLevel"])
        if ver >= 7:
            f.append("SessionId=%d SessionEpoch=%d" % (b["SessionId"], b["SessionEpoch"]))
        for t in b["Topics"]:
            for p in t["Partitions"]:
                s = "topic=%s partition=%d FetchOffset=%d PartitionMaxBytes=%d" % (
                    _s(t.get("Topic")), p["Partition"], p["FetchOffset"], p["PartitionMaxBytes"])
                if ver >= 9:
                    s += " CurrentLeaderEpoch=%d" % p["CurrentLeaderEpoch"]
                if ver >= 5:
                    s += " LogStartOffset=%d" % p["LogStartOffset"]
                f.append(s)
        if ver >= 7:
            f.append("ForgottenTopicsData=%d" % len(b["ForgottenTopicsData"]))
        if ver >= 11:
            f.append("RackId=%s" % _s(b["RackId"]))
    elif key == 2:
        f.append("ReplicaId=%d" % b["ReplicaId"])
        if ver >= 2:
            f.append("IsolationLevel=%d" % b["IsolationLevel"])
        for t in b["Topics"]:
            for p in t["Partitions"]:
                s = "topic=%s partition=%d Timestamp=%d" % (_s(t["Name"]), p["PartitionIndex"],
                                                             p["Timestamp"])
                if ver >= 4:
                    s += " CurrentLeaderEpoch=%d" % p["CurrentLeaderEpoch"]
                if ver == 0:
                    s += " MaxNumOffsets=%d" % p["MaxNumOffsets"]
                f.append(s)
    elif key == 10:
        if ver <= 3:
            f.append("Key=%s" % _s(b["Key"]))
        else:
            f.append("CoordinatorKeys=[%s]" % ", ".join(_s(k) for k in b["CoordinatorKeys"]))
        if ver >= 1:
            f.append("KeyType=%d" % b["KeyType"])
    elif key == 11:
        f.append("GroupId=%s SessionTimeoutMs=%d" % (_s(b["GroupId"]), b["SessionTimeoutMs"]))
        if ver >= 1:
            f.append("RebalanceTimeoutMs=%d" % b["RebalanceTimeoutMs"])
        f.append("MemberId=%s" % _s(b["MemberId"]))
        if ver >= 5:
            f.append("GroupInstanceId=%s" % _s(b["GroupInstanceId"]))
        f.append("ProtocolType=%s" % _s(b["ProtocolType"]))
        for p, sub in zip(b["Protocols"], decoded["subscriptions"]):
            if "_error" in sub:
                f.append("protocol %s metadata=%d bytes (not a consumer subscription)"
                         % (_s(p["Name"]), len(p["Metadata"])))
                continue
            s = "protocol %s: subscription v%d Topics=%s UserData=%s" % (
                _s(p["Name"]), sub["_version"], sub["Topics"],
                _b(sub["UserData"]) if sub["UserData"] is not None else "null")
            if sub["_version"] >= 1:
                s += " OwnedPartitions=%s" % [(o["Topic"], o["Partitions"])
                                              for o in sub["OwnedPartitions"]]
            if sub["_version"] >= 2:
                s += " GenerationId=%d" % sub["GenerationId"]
            if sub["_version"] >= 3:
                s += " RackId=%s" % _s(sub["RackId"])
            s += " (%d metadata bytes)" % len(p["Metadata"])
            f.append(s)
        if ver >= 8:
            f.append("Reason=%s" % _s(b["Reason"]))
    elif key == 14:
        f.append("GroupId=%s GenerationId=%d MemberId=%s" % (_s(b["GroupId"]), b["GenerationId"],
                                                             _s(b["MemberId"])))
        if ver >= 3:
            f.append("GroupInstanceId=%s" % _s(b["GroupInstanceId"]))
        if ver >= 5:
            f.append("ProtocolType=%s ProtocolName=%s" % (_s(b["ProtocolType"]),
                                                          _s(b["ProtocolName"])))
        for a, asg in zip(b["Assignments"], decoded["assignments"]):
            f.append("assignment for %s: v%d %s UserData=%s (%d bytes)" % (
                _s(a["MemberId"]), asg["_version"],
                [(x["Topic"], x["Partitions"]) for x in asg["AssignedPartitions"]],
                _b(asg["UserData"]), len(a["Assignment"])))
        if not b["Assignments"]:
            f.append("Assignments=[]")
    elif key == 12:
        f.append("GroupId=%s GenerationId=%d MemberId=%s" % (_s(b["GroupId"]), b["GenerationId"],
                                                             _s(b["MemberId"])))
        if ver >= 3:
            f.append("GroupInstanceId=%s" % _s(b["GroupInstanceId"]))
    elif key == 13:
        f.append("GroupId=%s" % _s(b["GroupId"]))
        if ver <= 2:
            f.append("MemberId=%s" % _s(b["MemberId"]))
        else:
            for m in b["Members"]:
                s = "member MemberId=%s GroupInstanceId=%s" % (_s(m["MemberId"]),
                                                               _s(m["GroupInstanceId"]))
                if ver >= 5:
                    s += " Reason=%s" % _s(m["Reason"])
                f.append(s)
    elif key == 8:
        f.append("GroupId=%s" % _s(b["GroupId"]))
        if ver >= 1:
            f.append("GenerationIdOrMemberEpoch=%d MemberId=%s"
                     % (b["GenerationIdOrMemberEpoch"], _s(b["MemberId"])))
        if ver >= 7:
            f.append("GroupInstanceId=%s" % _s(b["GroupInstanceId"]))
        if 2 <= ver <= 4:
            f.append("RetentionTimeMs=%d" % b["RetentionTimeMs"])
        for t in b["Topics"]:
            for p in t["Partitions"]:
                s = "topic=%s partition=%d CommittedOffset=%d CommittedMetadata=%s" % (
                    _s(t["Name"]), p["PartitionIndex"], p["CommittedOffset"],
                    _s(p["CommittedMetadata"]))
                if ver >= 6:
                    s += " CommittedLeaderEpoch=%d" % p["CommittedLeaderEpoch"]
                if ver == 1:
                    s += " CommitTimestamp=%d" % p["CommitTimestamp"]
                f.append(s)
    elif key == 9:
        if ver <= 7:
            topics = b["Topics"]
            f.append("GroupId=%s Topics=%s" % (_s(b["GroupId"]), "null (all)" if topics is None
                                               else [(t["Name"], t["PartitionIndexes"])
                                                     for t in topics]))
        else:
            for g in b["Groups"]:
                topics = g["Topics"]
                f.append("group GroupId=%s Topics=%s" % (
                    _s(g["GroupId"]), "null (all)" if topics is None
                    else [(t["Name"], t["PartitionIndexes"]) for t in topics]))
        if ver >= 7:
            f.append("RequireStable=%s" % b["RequireStable"])
    elif key == 22:
        f.append("TransactionalId=%s TransactionTimeoutMs=%d" % (_s(b["TransactionalId"]),
                                                                 b["TransactionTimeoutMs"]))
        if ver >= 3:
            f.append("ProducerId=%d ProducerEpoch=%d" % (b["ProducerId"], b["ProducerEpoch"]))
    else:
        f.append("(not summarized)")
    if decoded["flexible"]:
        n = b.get("_tagged_field_count", 0)
        f.append("body tagged fields=%d" % n)
    return "; ".join(f)


def dump(obj, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and v:
                lines.append("%s%s:" % (pad, k))
                lines.extend(dump(v, indent + 1))
            else:
                lines.append("%s%s: %s" % (pad, k, _fmt(v)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            if isinstance(v, (dict, list)) and v:
                lines.append("%s- [%d]" % (pad, i))
                lines.extend(dump(v, indent + 1))
            else:
                lines.append("%s- %s" % (pad, _fmt(v)))
    return lines


def _fmt(v):
    if isinstance(v, bytes):
        return _b(v) if len(v) <= 64 else "<%d bytes> %s..." % (len(v), v[:32].hex())
    return repr(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--schema-dir", default=None)
    args = ap.parse_args()
    schema = kc.Schema(args.schema_dir)
    rc = 0
    for path in args.files:
        with open(path, "rb") as fh:
            frame = fh.read()
        try:
            d = decode_frame(schema, frame)
        except Exception as e:  # report and continue
            print("%s: DECODE ERROR: %s" % (path, e))
            rc = 1
            continue
        h = d["header"]
        head = ("%s: %s v%d (api_key=%d) header v%d corr=%d client_id=%s variant=%s"
                % (os.path.basename(path), d["api_name"], h["api_version"], h["api_key"],
                   h["header_version"], h["correlation_id"], _s(h["client_id"]), variant(d)))
        print(head)
        if args.summary:
            print("    " + summarize(d))
        else:
            printable = {k: v for k, v in d.items() if k != "header"}
            printable["header"] = {k: v for k, v in h.items()}
            print("\n".join(dump(printable, 1)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
