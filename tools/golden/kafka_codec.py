"""Small, schema-driven Kafka wire codec used by the golden-vector capture tools.

Python 3 standard library only.  The message layouts are read at run time from
the Apache Kafka message definitions (the JSON files in
``kafka-protocol/messages``); nothing here is generated code.

What is in here:
  * loading of the ``*.json`` message definitions (they contain // comments),
  * generic encode/decode of a message body for a given version, including
    flexible versions (compact strings/arrays/bytes, tagged-field sections),
  * hand-written request header (v0/v1/v2) parsing and response header
    (v0/v1) writing,
  * record batch (magic 2) decoding/encoding with CRC-32C, legacy message sets
    (magic 0/1) decoding, and decompression (gzip, snappy, lz4 via our own
    decoders; zstd via the ``zstd`` command line tool when present).
"""

import gzip
import io
import json
import os
import shutil
import struct
import subprocess
import zlib

DEFAULT_SCHEMA_DIR = "/work/shared/kafka-protocol/messages"


class DecodeError(Exception):
    pass


# ---------------------------------------------------------------------------
# Version ranges
# ---------------------------------------------------------------------------

class VersionRange:
    """A version spec such as "0+", "3-7", "5" or "none"."""

    def __init__(self, spec):
        spec = (spec or "none").strip()
        self.spec = spec
        if spec == "none":
            self.lo, self.hi = 1, 0  # empty
        elif spec.endswith("+"):
            self.lo, self.hi = int(spec[:-1]), 1 << 30
        elif "-" in spec:
            a, b = spec.split("-", 1)
            self.lo, self.hi = int(a), int(b)
        else:
            self.lo = self.hi = int(spec)

    def __contains__(self, v):
        return self.lo <= v <= self.hi

    def __repr__(self):
        return "VersionRange(%r)" % self.spec


# ---------------------------------------------------------------------------
# Schema loading
# ---------------------------------------------------------------------------

def strip_json_comments(text):
    """Remove // line comments that are outside of JSON strings."""
    out = []
    i, n = 0, len(text)
    in_str = False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_str = False
            i += 1
            continue
        if c == '"':
            in_str = True
            out.append(c)
            i += 1
            continue
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            while i < n and text[i] != "\n":
                i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _parse_default(ftype, raw):
    if raw is None:
        return None
    if isinstance(raw, str):
        if raw == "null":
            return None
        if ftype == "bool":
            return raw.lower() == "true"
        if ftype in INT_TYPES:
            try:
                return int(raw, 0)
            except ValueError:
                return int(raw, 10)
        if ftype == "float64":
            return float(raw)
    return raw


class Field:
    def __init__(self, spec, common_structs):
        self.name = spec["name"]
        self.type = spec["type"]
        self.versions = VersionRange(spec.get("versions", "0+"))
        self.nullable = VersionRange(spec.get("nullableVersions", "none"))
        self.tagged = VersionRange(spec.get("taggedVersions", "none"))
        self.tag = spec.get("tag")
        # Field-level flexibleVersions override (used by RequestHeader.ClientId).
        self.flex_override = (VersionRange(spec["flexibleVersions"])
                              if "flexibleVersions" in spec else None)
        self.is_array = self.type.startswith("[]")
        self.elem_type = self.type[2:] if self.is_array else self.type
        self.fields = None
        if self.elem_type not in PRIMITIVE_TYPES:
            sub = spec.get("fields")
            if sub is None:
                sub = common_structs.get(self.elem_type)
                if sub is None:
                    raise ValueError("unknown struct type %s" % self.elem_type)
            self.fields = [Field(f, common_structs) for f in sub]
        self.default = _parse_default(self.elem_type, spec.get("default"))
        self.has_default = "default" in spec

    def default_value(self, version):
        if self.is_array:
            return []
        if self.fields is not None:
            return {}
        if self.has_default:
            return self.default
        t = self.elem_type
        if t in INT_TYPES:
            return 0
        if t == "bool":
            return False
        if t == "float64":
            return 0.0
        if t == "string":
            return ""
        if t == "uuid":
            return b"\x00" * 16
        if t == "bytes":
            return b""
        if t == "records":
            return None
        return None


class Message:
    def __init__(self, spec):
        self.name = spec["name"]
        self.api_key = spec.get("apiKey")
        self.kind = spec.get("type")
        self.valid = VersionRange(spec.get("validVersions", "0+"))
        self.flexible = VersionRange(spec.get("flexibleVersions", "none"))
        common = {}
        for cs in spec.get("commonStructs", []):
            common[cs["name"]] = cs["fields"]
        self.fields = [Field(f, common) for f in spec.get("fields", [])]

    def is_flexible(self, version):
        return version in self.flexible


class Schema:
    """All message definitions of one directory, indexed by api key."""

    def __init__(self, schema_dir=None):
        self.dir = schema_dir or os.environ.get("KAFKA_SCHEMA_DIR") or DEFAULT_SCHEMA_DIR
        self.requests = {}
        self.responses = {}
        self.by_name = {}
        for fn in sorted(os.listdir(self.dir)):
            if not fn.endswith(".json"):
                continue
            with open(os.path.join(self.dir, fn), encoding="utf-8") as fh:
                spec = json.loads(strip_json_comments(fh.read()))
            msg = Message(spec)
            self.by_name[msg.name] = msg
            if msg.kind == "request":
                self.requests[msg.api_key] = msg
            elif msg.kind == "response":
                self.responses[msg.api_key] = msg

    def api_name(self, api_key):
        m = self.requests.get(api_key)
        if m is None:
            return "Unknown%d" % api_key
        return m.name[:-len("Request")]

    def request_header_version(self, api_key, api_version):
        if api_key == 7 and api_version == 0:  # ControlledShutdown v0
            return 0
        m = self.requests.get(api_key)
        if m is not None and m.is_flexible(api_version):
            return 2
        return 1

    def response_header_version(self, api_key, api_version):
        if api_key == 18:  # ApiVersions responses always use header v0
            return 0
        m = self.responses.get(api_key)
        if m is not None and m.is_flexible(api_version):
            return 1
        return 0


INT_TYPES = {"int8", "int16", "uint16", "int32", "uint32", "int64"}
PRIMITIVE_TYPES = INT_TYPES | {"bool", "float64", "string", "bytes", "records", "uuid"}
_INT_FMT = {"int8": ">b", "int16": ">h", "uint16": ">H", "int32": ">i",
            "uint32": ">I", "int64": ">q"}


# ---------------------------------------------------------------------------
# Primitive readers / writers
# ---------------------------------------------------------------------------

class Reader:
    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos

    def remaining(self):
        return len(self.data) - self.pos

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise DecodeError("need %d bytes at offset %d, only %d left"
                              % (n, self.pos, len(self.data) - self.pos))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return bytes(b)

    def unpack(self, fmt):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))[0]

    def int8(self):
        return self.unpack(">b")

    def int16(self):
        return self.unpack(">h")

    def int32(self):
        return self.unpack(">i")

    def int64(self):
        return self.unpack(">q")

    def uvarint(self):
        shift = 0
        result = 0
        while True:
            b = self.take(1)[0]
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise DecodeError("varint too long")

    def varint(self):
        u = self.uvarint()
        return (u >> 1) ^ -(u & 1)

    def varlong(self):
        return self.varint()


def enc_uvarint(n):
    if n < 0:
        raise ValueError("negative uvarint")
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def enc_varint(n):
    return enc_uvarint((n << 1) ^ (n >> 63))


def enc_int16(n):
    return struct.pack(">h", n)


def enc_int32(n):
    return struct.pack(">i", n)


def enc_int64(n):
    return struct.pack(">q", n)


def enc_nullable_string16(s):
    """Classic (non-compact) nullable string with int16 length."""
    if s is None:
        return enc_int16(-1)
    b = s.encode("utf-8")
    return enc_int16(len(b)) + b


# ---------------------------------------------------------------------------
# Generic body codec
# ---------------------------------------------------------------------------

def _field_flexible(field, flexible, version):
    if field.flex_override is not None:
        return version in field.flex_override
    return flexible


def _read_scalar(r, t, flex, nullable, field_name):
    if t in _INT_FMT:
        return r.unpack(_INT_FMT[t])
    if t == "bool":
        return r.take(1)[0] != 0
    if t == "float64":
        return r.unpack(">d")
    if t == "uuid":
        return r.take(16)
    if t == "string":
        if flex:
            n = r.uvarint() - 1
        else:
            n = r.int16()
        if n < 0:
            if not nullable:
                raise DecodeError("null in non-nullable string %s" % field_name)
            return None
        return r.take(n).decode("utf-8")
    if t in ("bytes", "records"):
        if flex:
            n = r.uvarint() - 1
        else:
            n = r.int32()
        if n < 0:
            if not nullable:
                raise DecodeError("null in non-nullable bytes %s" % field_name)
            return None
        return r.take(n)
    raise DecodeError("unknown type %s" % t)


def _write_scalar(out, t, flex, nullable, value, field_name):
    if t in _INT_FMT:
        out += struct.pack(_INT_FMT[t], value)
    elif t == "bool":
        out += b"\x01" if value else b"\x00"
    elif t == "float64":
        out += struct.pack(">d", value)
    elif t == "uuid":
        if len(value) != 16:
            raise ValueError("uuid must be 16 bytes (%s)" % field_name)
        out += value
    elif t == "string":
        if value is None:
            if not nullable:
                raise ValueError("null for non-nullable string %s" % field_name)
            out += enc_uvarint(0) if flex else enc_int16(-1)
        else:
            b = value.encode("utf-8")
            out += enc_uvarint(len(b) + 1) if flex else enc_int16(len(b))
            out += b
    elif t in ("bytes", "records"):
        if value is None:
            if not nullable:
                raise ValueError("null for non-nullable bytes %s" % field_name)
            out += enc_uvarint(0) if flex else enc_int32(-1)
        else:
            out += enc_uvarint(len(value) + 1) if flex else enc_int32(len(value))
            out += value
    else:
        raise ValueError("unknown type %s" % t)


def _read_field_value(r, field, version, flex):
    nullable = version in field.nullable
    if field.is_array:
        n = (r.uvarint() - 1) if flex else r.int32()
        if n < 0:
            if not nullable:
                raise DecodeError("null array in non-nullable %s" % field.name)
            return None
        if n > r.remaining():
            raise DecodeError("array %s length %d too large" % (field.name, n))
        items = []
        for _ in range(n):
            if field.fields is not None:
                items.append(_read_struct(r, field.fields, version, flex))
            else:
                items.append(_read_scalar(r, field.elem_type, flex, False, field.name))
        return items
    if field.fields is not None:
        # A nullable struct is prefixed with an int8 presence marker.
        if nullable:
            marker = r.int8()
            if marker < 0:
                return None
        return _read_struct(r, field.fields, version, flex)
    return _read_scalar(r, field.elem_type, flex, nullable, field.name)


def _write_field_value(out, field, version, flex, value):
    nullable = version in field.nullable
    if field.is_array:
        if value is None:
            if not nullable:
                raise ValueError("null for non-nullable array %s" % field.name)
            out += enc_uvarint(0) if flex else enc_int32(-1)
            return
        out += enc_uvarint(len(value) + 1) if flex else enc_int32(len(value))
        for item in value:
            if field.fields is not None:
                _write_struct(out, field.fields, version, flex, item)
            else:
                _write_scalar(out, field.elem_type, flex, False, item, field.name)
        return
    if field.fields is not None:
        if nullable:
            if value is None:
                out += b"\xff"
                return
            out += b"\x01"
        _write_struct(out, field.fields, version, flex, value or {})
        return
    _write_scalar(out, field.elem_type, flex, nullable, value, field.name)


def _read_struct(r, fields, version, flex):
    obj = {}
    tagged_by_tag = {}
    for f in fields:
        if version not in f.versions:
            continue
        if flex and version in f.tagged:
            tagged_by_tag[f.tag] = f
            obj[f.name] = f.default_value(version)
            continue
        obj[f.name] = _read_field_value(r, f, version, _field_flexible(f, flex, version))
    if flex:
        ntags = r.uvarint()
        unknown = []
        for _ in range(ntags):
            tag = r.uvarint()
            size = r.uvarint()
            data = r.take(size)
            f = tagged_by_tag.get(tag)
            if f is None:
                unknown.append((tag, data))
            else:
                sub = Reader(data)
                obj[f.name] = _read_field_value(sub, f, version, True)
                if sub.remaining():
                    raise DecodeError("tagged field %s has trailing bytes" % f.name)
        if unknown:
            obj["_unknown_tagged_fields"] = unknown
        obj["_tagged_field_count"] = ntags
    return obj


def _write_struct(out, fields, version, flex, obj):
    known = {f.name for f in fields}
    for k in obj:
        if k not in known and not k.startswith("_"):
            raise ValueError("unknown field %r (known: %s)" % (k, sorted(known)))
    tagged = []
    for f in fields:
        if version not in f.versions:
            continue
        if flex and version in f.tagged:
            # Tagged fields are only written when explicitly given (not None).
            if f.name in obj and obj[f.name] is not None:
                tagged.append(f)
            continue
        if f.name in obj:
            value = obj[f.name]
        else:
            value = f.default_value(version)
        _write_field_value(out, f, version, _field_flexible(f, flex, version), value)
    if flex:
        tagged.sort(key=lambda f: f.tag)
        out += enc_uvarint(len(tagged))
        for f in tagged:
            buf = bytearray()
            _write_field_value(buf, f, version, True, obj[f.name])
            out += enc_uvarint(f.tag)
            out += enc_uvarint(len(buf))
            out += buf


def decode_body(message, version, data, pos=0, require_all=True):
    """Decode a message body; returns (dict, end_position)."""
    r = Reader(data, pos)
    obj = _read_struct(r, message.fields, version, message.is_flexible(version))
    if require_all and r.remaining():
        raise DecodeError("%d trailing bytes after %s v%d"
                          % (r.remaining(), message.name, version))
    return obj, r.pos


def encode_body(message, version, obj):
    out = bytearray()
    _write_struct(out, message.fields, version, message.is_flexible(version), obj)
    return bytes(out)


# ---------------------------------------------------------------------------
# Headers (hand-written on purpose: this is what the broker must get right)
# ---------------------------------------------------------------------------

def parse_request_header(schema, frame):
    """Parse a request header from a frame (bytes after the 4-byte size).

    Returns a dict with api_key, api_version, correlation_id, client_id,
    header_version, header_tagged_fields, and body_offset.
    """
    if len(frame) < 8:
        raise DecodeError("frame too short for a request header")
    api_key, api_version, correlation_id = struct.unpack(">hhi", frame[:8])
    hv = schema.request_header_version(api_key, api_version)
    r = Reader(frame, 8)
    client_id = None
    tagged = []
    if hv >= 1:
        n = r.int16()  # always the classic int16 length, even in header v2
        client_id = None if n < 0 else r.take(n).decode("utf-8")
    if hv >= 2:
        count = r.uvarint()
        for _ in range(count):
            tag = r.uvarint()
            size = r.uvarint()
            tagged.append((tag, r.take(size)))
    return {
        "api_key": api_key,
        "api_version": api_version,
        "correlation_id": correlation_id,
        "client_id": client_id,
        "header_version": hv,
        "header_tagged_fields": tagged,
        "body_offset": r.pos,
    }


def build_response_header(correlation_id, header_version):
    if header_version == 0:
        return enc_int32(correlation_id)
    return enc_int32(correlation_id) + enc_uvarint(0)  # empty tagged fields


# ---------------------------------------------------------------------------
# CRC-32C (Castagnoli) for record batches
# ---------------------------------------------------------------------------

def _make_crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C_TABLE = _make_crc32c_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    tbl = _CRC32C_TABLE
    for b in data:
        crc = tbl[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# ---------------------------------------------------------------------------
# Decompression (own decoders for snappy and lz4)
# ---------------------------------------------------------------------------

def snappy_raw_decompress(data):
    r = Reader(data)
    length = r.uvarint()
    out = bytearray()
    while r.remaining():
        tag = r.take(1)[0]
        kind = tag & 3
        if kind == 0:  # literal
            n = tag >> 2
            if n >= 60:
                nb = n - 59
                n = int.from_bytes(r.take(nb), "little")
            out += r.take(n + 1)
            continue
        if kind == 1:
            ln = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | r.take(1)[0]
        elif kind == 2:
            ln = (tag >> 2) + 1
            off = int.from_bytes(r.take(2), "little")
        else:
            ln = (tag >> 2) + 1
            off = int.from_bytes(r.take(4), "little")
        if off == 0 or off > len(out):
            raise DecodeError("bad snappy offset")
        for _ in range(ln):
            out.append(out[-off])
    if len(out) != length:
        raise DecodeError("snappy length mismatch %d != %d" % (len(out), length))
    return bytes(out)


_XERIAL_MAGIC = b"\x82SNAPPY\x00"


def snappy_decompress(data):
    """Kafka snappy: either xerial-framed (Java clients) or raw (librdkafka)."""
    if data.startswith(_XERIAL_MAGIC):
        r = Reader(data, 16)  # magic(8) + version(4) + compat(4)
        out = bytearray()
        while r.remaining():
            n = r.int32()
            out += snappy_raw_decompress(r.take(n))
        return bytes(out), "snappy (xerial framing)"
    return snappy_raw_decompress(data), "snappy (raw block)"


def lz4_block_decompress(data, out):
    r = Reader(data)
    while r.remaining():
        token = r.take(1)[0]
        lit = token >> 4
        if lit == 15:
            while True:
                b = r.take(1)[0]
                lit += b
                if b != 255:
                    break
        out += r.take(lit)
        if not r.remaining():
            break
        off = int.from_bytes(r.take(2), "little")
        ml = token & 15
        if ml == 15:
            while True:
                b = r.take(1)[0]
                ml += b
                if b != 255:
                    break
        ml += 4
        if off == 0 or off > len(out):
            raise DecodeError("bad lz4 offset")
        for _ in range(ml):
            out.append(out[-off])


def lz4_frame_decompress(data):
    r = Reader(data)
    magic = int.from_bytes(r.take(4), "little")
    if magic != 0x184D2204:
        raise DecodeError("not an lz4 frame (magic %08x)" % magic)
    flg = r.take(1)[0]
    r.take(1)  # BD
    block_checksum = bool(flg & 0x10)
    content_size = bool(flg & 0x08)
    content_checksum = bool(flg & 0x04)
    if content_size:
        r.take(8)
    if flg & 0x01:
        r.take(4)  # dictionary id
    r.take(1)  # header checksum
    out = bytearray()
    while True:
        bsize = int.from_bytes(r.take(4), "little")
        if bsize == 0:
            break
        uncompressed = bool(bsize & 0x80000000)
        bsize &= 0x7FFFFFFF
        block = r.take(bsize)
        if uncompressed:
            out += block
        else:
            lz4_block_decompress(block, out)
        if block_checksum:
            r.take(4)
    if content_checksum:
        r.take(4)
    return bytes(out)


def zstd_decompress(data):
    exe = shutil.which("zstd")
    if exe is None:
        raise DecodeError("zstd tool not available")
    res = subprocess.run([exe, "-d", "-c", "-q"], input=data,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if res.returncode != 0:
        raise DecodeError("zstd failed: %s" % res.stderr.decode(errors="replace"))
    return res.stdout


CODEC_NAMES = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


def decompress(codec, data):
    """Returns (bytes, note)."""
    if codec == 0:
        return data, "none"
    if codec == 1:
        return gzip.GzipFile(fileobj=io.BytesIO(data)).read(), "gzip"
    if codec == 2:
        return snappy_decompress(data)
    if codec == 3:
        return lz4_frame_decompress(data), "lz4 (frame)"
    if codec == 4:
        return zstd_decompress(data), "zstd"
    raise DecodeError("unknown codec %d" % codec)


# ---------------------------------------------------------------------------
# Record batches
# ---------------------------------------------------------------------------

def _decode_v2_records(data, count):
    r = Reader(data)
    records = []
    for _ in range(count):
        length = r.varint()
        start = r.pos
        attrs = r.int8()
        ts_delta = r.varlong()
        off_delta = r.varint()
        klen = r.varint()
        key = None if klen < 0 else r.take(klen)
        vlen = r.varint()
        value = None if vlen < 0 else r.take(vlen)
        nh = r.varint()
        headers = []
        for _ in range(nh):
            hk = r.take(r.varint()).decode("utf-8")
            hvl = r.varint()
            hv = None if hvl < 0 else r.take(hvl)
            headers.append((hk, hv))
        if r.pos - start != length:
            raise DecodeError("record length mismatch")
        records.append({"attributes": attrs, "timestamp_delta": ts_delta,
                        "offset_delta": off_delta, "key": key, "value": value,
                        "headers": headers})
    if r.remaining():
        raise DecodeError("%d trailing bytes after records" % r.remaining())
    return records


def decode_record_set(data):
    """Decode a 'records' field: a sequence of batches (magic 2) or legacy
    message sets (magic 0/1).  Returns a list of batch dicts."""
    batches = []
    r = Reader(data)
    while r.remaining():
        if r.remaining() < 17:
            raise DecodeError("truncated batch")
        base_offset = r.int64()
        batch_len = r.int32()
        body = r.take(batch_len)
        magic = body[4] if len(body) > 4 else None
        if magic == 2:
            br = Reader(body)
            b = {"magic": 2, "base_offset": base_offset, "batch_length": batch_len}
            b["partition_leader_epoch"] = br.int32()
            br.int8()
            b["crc"] = br.unpack(">I")
            b["crc_ok"] = crc32c(body[9:]) == b["crc"]
            attrs = br.int16()
            b["attributes"] = attrs
            b["codec"] = CODEC_NAMES.get(attrs & 7, "codec%d" % (attrs & 7))
            b["timestamp_type"] = "log_append" if attrs & 8 else "create"
            b["transactional"] = bool(attrs & 16)
            b["control"] = bool(attrs & 32)
            b["last_offset_delta"] = br.int32()
            b["base_timestamp"] = br.int64()
            b["max_timestamp"] = br.int64()
            b["producer_id"] = br.int64()
            b["producer_epoch"] = br.int16()
            b["base_sequence"] = br.int32()
            count = br.int32()
            b["record_count"] = count
            payload = br.take(br.remaining())
            raw, note = decompress(attrs & 7, payload)
            b["compression_note"] = note
            b["compressed_size"] = len(payload)
            b["records"] = _decode_v2_records(raw, count)
            batches.append(b)
        elif magic in (0, 1):
            batches.append(_decode_legacy_message(base_offset, batch_len, body))
        else:
            raise DecodeError("unknown magic %r" % magic)
    return batches


def _decode_legacy_message(offset, size, body):
    r = Reader(body)
    crc = r.unpack(">I")
    magic = r.int8()
    attrs = r.int8()
    ts = r.int64() if magic == 1 else None
    klen = r.int32()
    key = None if klen < 0 else r.take(klen)
    vlen = r.int32()
    value = None if vlen < 0 else r.take(vlen)
    codec = attrs & 7
    m = {"magic": magic, "base_offset": offset, "batch_length": size,
         "crc": crc, "crc_ok": (zlib.crc32(body[4:]) & 0xFFFFFFFF) == crc,
         "attributes": attrs, "codec": CODEC_NAMES.get(codec, str(codec)),
         "timestamp": ts}
    if codec == 0:
        m["records"] = [{"key": key, "value": value, "headers": [],
                         "offset": offset, "timestamp": ts}]
        m["record_count"] = 1
    else:
        raw, note = decompress(codec, value)
        m["compression_note"] = note
        inner = decode_record_set(raw)
        m["inner_messages"] = inner
        m["records"] = [rec for b in inner for rec in b["records"]]
        m["record_count"] = len(m["records"])
    return m


def encode_record_batch(base_offset, records, base_timestamp, producer_id=-1,
                        producer_epoch=-1, base_sequence=-1):
    """Build an uncompressed magic-2 record batch.

    records: list of (key bytes|None, value bytes|None, [(hkey str, hval bytes)]).
    """
    recs = bytearray()
    for i, (k, v, hdrs) in enumerate(records):
        body = bytearray()
        body += b"\x00"  # attributes
        body += enc_varint(0)  # timestamp delta
        body += enc_varint(i)  # offset delta
        if k is None:
            body += enc_varint(-1)
        else:
            body += enc_varint(len(k)) + k
        if v is None:
            body += enc_varint(-1)
        else:
            body += enc_varint(len(v)) + v
        body += enc_varint(len(hdrs))
        for hk, hv in hdrs:
            hkb = hk.encode("utf-8")
            body += enc_varint(len(hkb)) + hkb
            if hv is None:
                body += enc_varint(-1)
            else:
                body += enc_varint(len(hv)) + hv
        recs += enc_varint(len(body)) + body
    after_crc = bytearray()
    after_crc += enc_int16(0)  # attributes: no compression, create time
    after_crc += enc_int32(len(records) - 1)
    after_crc += enc_int64(base_timestamp)
    after_crc += enc_int64(base_timestamp)
    after_crc += enc_int64(producer_id)
    after_crc += enc_int16(producer_epoch)
    after_crc += enc_int32(base_sequence)
    after_crc += enc_int32(len(records))
    after_crc += recs
    crc = crc32c(bytes(after_crc))
    batch = bytearray()
    batch += enc_int32(0)  # partition leader epoch
    batch += b"\x02"
    batch += struct.pack(">I", crc)
    batch += after_crc
    return enc_int64(base_offset) + enc_int32(len(batch)) + bytes(batch)


def count_records(data):
    """Number of records in a produce record set (best effort, no decompression
    for magic 2)."""
    n = 0
    r = Reader(data)
    try:
        while r.remaining() >= 17:
            r.int64()
            blen = r.int32()
            body = r.take(blen)
            if len(body) > 4 and body[4] == 2 and len(body) >= 49:
                n += struct.unpack(">i", body[45:49])[0]
            else:
                n += 1
    except DecodeError:
        pass
    return max(n, 1)


# ---------------------------------------------------------------------------
# Consumer protocol (group member metadata / assignment)
# ---------------------------------------------------------------------------

def decode_consumer_subscription(schema, data):
    msg = schema.by_name["ConsumerProtocolSubscription"]
    r = Reader(data)
    version = r.int16()
    use = min(version, msg.valid.hi)
    obj, end = decode_body(msg, use, data, 2, require_all=False)
    obj["_version"] = version
    obj["_trailing_bytes"] = len(data) - end
    return obj


def decode_consumer_assignment(schema, data):
    msg = schema.by_name["ConsumerProtocolAssignment"]
    r = Reader(data)
    version = r.int16()
    use = min(version, msg.valid.hi)
    obj, end = decode_body(msg, use, data, 2, require_all=False)
    obj["_version"] = version
    obj["_trailing_bytes"] = len(data) - end
    return obj


def encode_consumer_assignment(schema, topic_partitions, version=0):
    msg = schema.by_name["ConsumerProtocolAssignment"]
    obj = {"AssignedPartitions": [{"Topic": t, "Partitions": list(p)}
                                  for t, p in topic_partitions],
           "UserData": None}
    return enc_int16(version) + encode_body(msg, version, obj)
