#!/usr/bin/env python3
"""Fake single-node Kafka broker that records every request frame it receives.

Usage:
    capture_broker.py --port 19092 --out DIR [--schema-dir DIR] [--host 127.0.0.1]

Each request frame (the bytes after the 4-byte size prefix, i.e. request header
+ body) is written to DIR/<seq:03d>_<ApiName>_v<version>.bin.  The broker then
answers with minimal but valid responses so that real clients get far enough
to send the requests we want to record (produce, fetch, consumer groups,
idempotent producers ...).  It is a capture tool, not a broker: there is one
partition per topic, the "log" always serves the same two records, every
joining group member becomes the leader of its own generation, and so on.

Python 3 standard library only.
"""

import argparse
import hashlib
import os
import socketserver
import struct
import sys
import threading
import time
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kafka_codec as kc  # noqa: E402

NODE_ID = 1
CLUSTER_ID = "golden-cluster-0001"
DEFAULT_TOPIC = "golden-topic"
PRODUCER_ID = 4000
# The fake log served to consumers: offsets 0..1, high watermark 2.
FETCH_RECORDS = [
    (b"key-1", b"value-1", [("golden-header", b"hv-1")]),
    (b"key-2", b"value-2", []),
]
HIGH_WATERMARK = len(FETCH_RECORDS)

ERR_NONE = 0
ERR_UNSUPPORTED_VERSION = 35
ERR_MEMBER_ID_REQUIRED = 79

# Request api keys this broker answers (advertised in ApiVersions with the full
# version range of the message definitions, so clients pick their newest).
HANDLED_APIS = {
    0: "produce", 1: "fetch", 2: "list_offsets", 3: "metadata",
    8: "offset_commit", 9: "offset_fetch", 10: "find_coordinator",
    11: "join_group", 12: "heartbeat", 13: "leave_group", 14: "sync_group",
    15: "describe_groups", 16: "list_groups", 18: "api_versions",
    22: "init_producer_id",
}


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def topic_uuid(name):
    return hashlib.md5(("golden:" + name).encode()).digest()


class State:
    def __init__(self, schema, out_dir, host, port):
        self.schema = schema
        self.out_dir = out_dir
        self.host = host
        self.port = port
        self.lock = threading.Lock()
        self.seq = 0
        self.topics = {DEFAULT_TOPIC}
        self.produce_offsets = {}   # (topic, partition) -> next base offset
        self.committed = {}         # (group, topic, partition) -> (offset, metadata)
        self.generations = {}       # group -> generation id
        self.members = {}           # (group, member_id) -> dict
        self.next_producer_id = PRODUCER_ID

    def save_frame(self, api_key, api_version, frame):
        with self.lock:
            self.seq += 1
            seq = self.seq
        name = "%03d_%s_v%d.bin" % (seq, self.schema.api_name(api_key)
                                    if api_key in self.schema.requests
                                    else "ApiKey%d" % api_key, api_version)
        path = os.path.join(self.out_dir, name)
        with open(path, "wb") as fh:
            fh.write(frame)
        return seq, name

    def topic_name_by_id(self, tid):
        with self.lock:
            for t in self.topics:
                if topic_uuid(t) == tid:
                    return t
        return None


class UnsupportedRequest(Exception):
    pass


class Handler(socketserver.BaseRequestHandler):
    state = None  # set in main()

    def recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.request.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def handle(self):
        st = self.state
        peer = "%s:%d" % self.client_address
        log("connection from %s" % peer)
        try:
            while True:
                size_b = self.recv_exact(4)
                if size_b is None:
                    break
                size = struct.unpack(">i", size_b)[0]
                if size < 8 or size > 100 * 1024 * 1024:
                    log("%s: bad frame size %d, closing" % (peer, size))
                    break
                frame = self.recv_exact(size)
                if frame is None:
                    break
                api_key, api_version = struct.unpack(">hh", frame[:4])
                seq, fname = st.save_frame(api_key, api_version, frame)
                try:
                    hdr = kc.parse_request_header(st.schema, frame)
                except kc.DecodeError as e:
                    log("%s: cannot parse header of %s: %s" % (peer, fname, e))
                    break
                log("%s #%03d %s corr=%d client_id=%r hdr_v%d"
                    % (peer, seq, fname, hdr["correlation_id"], hdr["client_id"],
                       hdr["header_version"]))
                try:
                    resp = self.dispatch(hdr, frame)
                except UnsupportedRequest as e:
                    log("%s: unsupported request %s (%s); closing connection"
                        % (peer, fname, e))
                    break
                if resp is None:
                    continue  # e.g. acks=0 produce: no response
                hv, body = resp
                payload = kc.build_response_header(hdr["correlation_id"], hv) + body
                self.request.sendall(struct.pack(">i", len(payload)) + payload)
        except (ConnectionError, OSError) as e:
            log("%s: connection error: %s" % (peer, e))
        except Exception:  # keep the capture going whatever happens
            log("%s: handler crashed:\n%s" % (peer, traceback.format_exc()))
        log("connection from %s closed" % peer)

    # -- dispatch ---------------------------------------------------------

    def dispatch(self, hdr, frame):
        st = self.state
        key, ver = hdr["api_key"], hdr["api_version"]
        if key == 18:
            return self.api_versions(hdr, frame)
        if key not in HANDLED_APIS:
            raise UnsupportedRequest("api key %d not implemented" % key)
        req_msg = st.schema.requests[key]
        if ver not in req_msg.valid:
            raise UnsupportedRequest("version %d outside %s" % (ver, req_msg.valid.spec))
        req, _ = kc.decode_body(req_msg, ver, frame, hdr["body_offset"])
        body = getattr(self, HANDLED_APIS[key])(hdr, req, ver)
        if body is None:
            return None
        resp_msg = st.schema.responses[key]
        return (st.schema.response_header_version(key, ver),
                kc.encode_body(resp_msg, ver, body))

    # -- APIs -------------------------------------------------------------

    def api_versions(self, hdr, frame):
        st = self.state
        ver = hdr["api_version"]
        resp_msg = st.schema.responses[18]
        keys = []
        for k in sorted(HANDLED_APIS):
            m = st.schema.requests[k]
            keys.append({"ApiKey": k, "MinVersion": m.valid.lo, "MaxVersion": m.valid.hi})
        if ver not in resp_msg.valid:
            # Unknown (newer) version: answer in v0 format with
            # UNSUPPORTED_VERSION so that the client retries with an older one.
            body = kc.encode_body(resp_msg, 0, {"ErrorCode": ERR_UNSUPPORTED_VERSION,
                                                "ApiKeys": keys})
            return 0, body
        try:
            req, _ = kc.decode_body(st.schema.requests[18], ver, frame, hdr["body_offset"])
            if ver >= 3:
                log("  client software: %r %r" % (req.get("ClientSoftwareName"),
                                                  req.get("ClientSoftwareVersion")))
        except kc.DecodeError as e:
            log("  (ApiVersions body not decodable: %s)" % e)
        body = kc.encode_body(resp_msg, ver, {"ErrorCode": 0, "ApiKeys": keys,
                                              "ThrottleTimeMs": 0})
        return 0, body  # ApiVersions responses always use response header v0

    def metadata(self, hdr, req, ver):
        st = self.state
        topics = req.get("Topics")
        if topics is None or (ver == 0 and not topics):
            with st.lock:
                names = sorted(st.topics)
        else:
            names = []
            for t in topics:
                name = t.get("Name")
                if name is None and t.get("TopicId"):
                    name = st.topic_name_by_id(t["TopicId"])
                if name:
                    names.append(name)
            with st.lock:
                st.topics.update(names)
        out_topics = []
        for name in names:
            out_topics.append({
                "ErrorCode": 0, "Name": name, "TopicId": topic_uuid(name),
                "IsInternal": False,
                "Partitions": [{
                    "ErrorCode": 0, "PartitionIndex": 0, "LeaderId": NODE_ID,
                    "LeaderEpoch": 0, "ReplicaNodes": [NODE_ID],
                    "IsrNodes": [NODE_ID], "OfflineReplicas": [],
                }],
                "TopicAuthorizedOperations": -2147483648,
            })
        return {
            "ThrottleTimeMs": 0,
            "Brokers": [{"NodeId": NODE_ID, "Host": st.host, "Port": st.port, "Rack": None}],
            "ClusterId": CLUSTER_ID,
            "ControllerId": NODE_ID,
            "Topics": out_topics,
            "ClusterAuthorizedOperations": -2147483648,
        }

    def produce(self, hdr, req, ver):
        st = self.state
        responses = []
        for t in req["TopicData"]:
            parts = []
            for p in t["PartitionData"]:
                n = kc.count_records(p["Records"] or b"")
                k = (t["Name"], p["Index"])
                with st.lock:
                    base = st.produce_offsets.get(k, 0)
                    st.produce_offsets[k] = base + n
                parts.append({"Index": p["Index"], "ErrorCode": 0, "BaseOffset": base,
                              "LogAppendTimeMs": -1, "LogStartOffset": 0,
                              "RecordErrors": [], "ErrorMessage": None})
            responses.append({"Name": t["Name"], "PartitionResponses": parts})
        if req["Acks"] == 0:
            return None
        return {"Responses": responses, "ThrottleTimeMs": 0}

    def fetch(self, hdr, req, ver):
        responses = []
        any_records = False
        for t in req["Topics"]:
            parts = []
            for p in t["Partitions"]:
                records = b""
                if p["FetchOffset"] < HIGH_WATERMARK:
                    records = kc.encode_record_batch(0, FETCH_RECORDS,
                                                     int(time.time() * 1000))
                    any_records = True
                parts.append({
                    "PartitionIndex": p["Partition"], "ErrorCode": 0,
                    "HighWatermark": HIGH_WATERMARK, "LastStableOffset": HIGH_WATERMARK,
                    "LogStartOffset": 0, "AbortedTransactions": None,
                    "PreferredReadReplica": -1, "Records": records,
                })
            responses.append({"Topic": t.get("Topic", ""),
                              "TopicId": t.get("TopicId", b"\x00" * 16),
                              "Partitions": parts})
        if not any_records:
            # Behave like a long poll so idle consumers do not spin.
            time.sleep(min(max(req["MaxWaitMs"], 0), 500) / 1000.0)
        return {"ThrottleTimeMs": 0, "ErrorCode": 0, "SessionId": 0,
                "Responses": responses}

    def list_offsets(self, hdr, req, ver):
        topics = []
        for t in req["Topics"]:
            parts = []
            for p in t["Partitions"]:
                ts = p["Timestamp"]
                off = 0 if ts == -2 else HIGH_WATERMARK if ts == -1 else 0
                parts.append({"PartitionIndex": p["PartitionIndex"], "ErrorCode": 0,
                              "OldStyleOffsets": [off], "Timestamp": -1,
                              "Offset": off, "LeaderEpoch": 0})
            topics.append({"Name": t["Name"], "Partitions": parts})
        return {"ThrottleTimeMs": 0, "Topics": topics}

    def find_coordinator(self, hdr, req, ver):
        st = self.state
        keys = req.get("CoordinatorKeys") or [req.get("Key", "")]
        return {
            "ThrottleTimeMs": 0, "ErrorCode": 0, "ErrorMessage": None,
            "NodeId": NODE_ID, "Host": st.host, "Port": st.port,
            "Coordinators": [{"Key": k, "NodeId": NODE_ID, "Host": st.host,
                              "Port": st.port, "ErrorCode": 0, "ErrorMessage": None}
                             for k in keys],
        }

    def join_group(self, hdr, req, ver):
        st = self.state
        group = req["GroupId"]
        member_id = req["MemberId"]
        protocols = req["Protocols"]
        proto_name = protocols[0]["Name"] if protocols else ""
        if not member_id:
            member_id = "%s-%s" % (hdr["client_id"] or "member", uuid.uuid4())
            if ver >= 4:
                log("  JoinGroup: MEMBER_ID_REQUIRED, assigned %s" % member_id)
                return {"ThrottleTimeMs": 0, "ErrorCode": ERR_MEMBER_ID_REQUIRED,
                        "GenerationId": -1, "ProtocolType": None,
                        "ProtocolName": "" if ver < 7 else None, "Leader": "",
                        "MemberId": member_id, "Members": []}
        with st.lock:
            gen = st.generations.get(group, 0) + 1
            st.generations[group] = gen
            st.members[(group, member_id)] = {
                "protocol_type": req["ProtocolType"], "protocol_name": proto_name,
                "metadata": protocols[0]["Metadata"] if protocols else b"",
            }
        return {
            "ThrottleTimeMs": 0, "ErrorCode": 0, "GenerationId": gen,
            "ProtocolType": req["ProtocolType"], "ProtocolName": proto_name,
            "Leader": member_id, "SkipAssignment": False, "MemberId": member_id,
            "Members": [{"MemberId": member_id,
                         "GroupInstanceId": req.get("GroupInstanceId"),
                         "Metadata": protocols[0]["Metadata"] if protocols else b""}],
        }

    def sync_group(self, hdr, req, ver):
        st = self.state
        group, member_id = req["GroupId"], req["MemberId"]
        with st.lock:
            info = st.members.get((group, member_id), {})
        assignment = None
        for a in req["Assignments"]:
            if a["MemberId"] == member_id:
                assignment = a["Assignment"]
        if assignment is None:
            topics = [DEFAULT_TOPIC]
            try:
                sub = kc.decode_consumer_subscription(st.schema, info.get("metadata", b""))
                topics = sub.get("Topics") or topics
            except Exception:
                pass
            assignment = kc.encode_consumer_assignment(st.schema, [(t, [0]) for t in topics])
        return {"ThrottleTimeMs": 0, "ErrorCode": 0,
                "ProtocolType": req.get("ProtocolType") or info.get("protocol_type"),
                "ProtocolName": req.get("ProtocolName") or info.get("protocol_name"),
                "Assignment": assignment}

    def heartbeat(self, hdr, req, ver):
        return {"ThrottleTimeMs": 0, "ErrorCode": 0}

    def leave_group(self, hdr, req, ver):
        members = [{"MemberId": m["MemberId"], "GroupInstanceId": m.get("GroupInstanceId"),
                    "ErrorCode": 0} for m in req.get("Members", [])]
        return {"ThrottleTimeMs": 0, "ErrorCode": 0, "Members": members}

    def offset_commit(self, hdr, req, ver):
        st = self.state
        topics = []
        for t in req["Topics"]:
            parts = []
            for p in t["Partitions"]:
                with st.lock:
                    st.committed[(req["GroupId"], t["Name"], p["PartitionIndex"])] = (
                        p["CommittedOffset"], p.get("CommittedMetadata"))
                parts.append({"PartitionIndex": p["PartitionIndex"], "ErrorCode": 0})
            topics.append({"Name": t["Name"], "Partitions": parts})
        return {"ThrottleTimeMs": 0, "Topics": topics}

    def _offsets_for(self, group, topics):
        # Always report "no committed offset" (-1) so that every consumer run
        # starts from auto.offset.reset and fetches (and then commits) the
        # served records, whatever earlier runs committed.
        out = []
        for t in topics or []:
            parts = [{"PartitionIndex": p, "CommittedOffset": -1,
                      "CommittedLeaderEpoch": -1, "Metadata": "", "ErrorCode": 0}
                     for p in t["PartitionIndexes"]]
            out.append({"Name": t["Name"], "Partitions": parts})
        return out

    def offset_fetch(self, hdr, req, ver):
        if ver >= 8:
            groups = [{"GroupId": g["GroupId"],
                       "Topics": self._offsets_for(g["GroupId"], g["Topics"]),
                       "ErrorCode": 0} for g in req["Groups"]]
            return {"ThrottleTimeMs": 0, "Groups": groups}
        return {"ThrottleTimeMs": 0, "ErrorCode": 0,
                "Topics": self._offsets_for(req["GroupId"], req["Topics"])}

    def describe_groups(self, hdr, req, ver):
        return {"ThrottleTimeMs": 0, "Groups": [
            {"ErrorCode": 0, "GroupId": g, "GroupState": "Empty", "ProtocolType": "consumer",
             "ProtocolData": "", "Members": [], "AuthorizedOperations": -2147483648}
            for g in req["Groups"]]}

    def list_groups(self, hdr, req, ver):
        st = self.state
        with st.lock:
            groups = sorted(st.generations)
        return {"ThrottleTimeMs": 0, "ErrorCode": 0, "Groups": [
            {"GroupId": g, "ProtocolType": "consumer", "GroupState": "Stable",
             "GroupType": "classic"} for g in groups]}

    def init_producer_id(self, hdr, req, ver):
        st = self.state
        with st.lock:
            pid = st.next_producer_id
            st.next_producer_id += 1
        return {"ThrottleTimeMs": 0, "ErrorCode": 0, "ProducerId": pid, "ProducerEpoch": 0}


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port", nargs="?", type=int, help="listen port (or use --port)")
    ap.add_argument("--port", dest="port_opt", type=int)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--out", required=True, help="directory for captured frames")
    ap.add_argument("--schema-dir", default=None,
                    help="Kafka message JSON directory (default: $KAFKA_SCHEMA_DIR or %s)"
                         % kc.DEFAULT_SCHEMA_DIR)
    args = ap.parse_args()
    port = args.port_opt or args.port
    if not port:
        ap.error("a port is required")
    if args.host != "127.0.0.1":
        ap.error("this capture tool only listens on 127.0.0.1")
    os.makedirs(args.out, exist_ok=True)
    schema = kc.Schema(args.schema_dir)
    Handler.state = State(schema, args.out, args.host, port)
    with Server((args.host, port), Handler) as srv:
        log("capture broker listening on %s:%d, writing to %s" % (args.host, port, args.out))
        try:
            srv.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
