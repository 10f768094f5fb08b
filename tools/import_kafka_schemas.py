#!/usr/bin/env python3
"""Derive Sluice's schema files from Apache Kafka's JSON message definitions.

Only facts are carried over (names, types, versions, defaults, tags, entity
types, map keys); comments and the "about" prose are dropped. Run it once when
the Kafka reference changes and commit the result:

    tools/import_kafka_schemas.py ../shared/kafka-protocol protocol/schemas

The output format is described in protocol/schemas/FORMAT.md.
"""
import json
import pathlib
import re
import shlex
import sys

# Source sub-directory -> output sub-directory ("" = top level).
LAYOUT = {"messages": "", "internal": "internal", "metadata-records": "metadata"}
# Messages that are neither requests nor responses go under common/ so that the
# top level holds exactly the 88 request/response pairs.
COMMON_KINDS = {"header", "data"}


def load_json(path):
    text = re.sub(r"^\s*//.*$", "", path.read_text(), flags=re.M)
    return json.loads(text)


def quote(value):
    text = str(value)
    if text == "" or re.search(r"[\s\"'#=]", text):
        return shlex.quote(text) if text else '""'
    return text


def field_line(field, depth):
    parts = [field["name"], field["type"], "v=" + field["versions"]]
    if "nullableVersions" in field:
        parts.append("nullable=" + field["nullableVersions"])
    if "taggedVersions" in field:
        parts.append("tag=%d" % int(field["tag"]))
        if field["taggedVersions"] != field["versions"]:
            parts.append("tagged=" + field["taggedVersions"])
    if "flexibleVersions" in field:
        parts.append("flexible=" + field["flexibleVersions"])
    if "default" in field:
        default = field["default"]
        if isinstance(default, bool):
            default = "true" if default else "false"
        elif default is None:
            default = "null"
        parts.append("default=" + quote(default))
    if field.get("ignorable"):
        parts.append("ignorable")
    if field.get("mapKey"):
        parts.append("mapkey")
    if field.get("zeroCopy"):
        parts.append("zerocopy")
    if "entityType" in field:
        parts.append("entity=" + field["entityType"])
    lines = ["  " * depth + " ".join(parts)]
    for child in field.get("fields", []):
        lines.extend(field_line(child, depth + 1))
    return lines


def convert(doc, source_name):
    head = [doc["type"], doc["name"]]
    if "apiKey" in doc:
        head.append("key=%d" % int(doc["apiKey"]))
    head.append("versions=" + doc["validVersions"])
    head.append("flexible=" + doc.get("flexibleVersions", "none"))
    if "deprecatedVersions" in doc:
        head.append("deprecated=" + doc["deprecatedVersions"])
    if doc.get("latestVersionUnstable"):
        head.append("unstable")
    if "listeners" in doc:
        head.append("listeners=" + ",".join(doc["listeners"]))
    out = [
        "# Sluice protocol schema, derived from Apache Kafka 3.9 %s (facts only)." % source_name,
        " ".join(head),
    ]
    for field in doc.get("fields", []):
        out.extend(field_line(field, 1))
    for struct in doc.get("commonStructs", []):
        out.append("struct %s v=%s" % (struct["name"], struct.get("versions", "0+")))
        for field in struct["fields"]:
            out.extend(field_line(field, 1))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    count = 0
    for sub, outsub in LAYOUT.items():
        for path in sorted((src / sub).glob("*.json")):
            doc = load_json(path)
            target = dst / outsub
            if outsub == "" and doc["type"] in COMMON_KINDS:
                target = dst / "common"
            target.mkdir(parents=True, exist_ok=True)
            (target / (doc["name"] + ".schema")).write_text(convert(doc, sub + "/" + path.name))
            count += 1
    print("wrote %d schema files under %s" % (count, dst))


if __name__ == "__main__":
    main()
