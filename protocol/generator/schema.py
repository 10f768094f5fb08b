"""Parser for Sluice's schema files (format: protocol/schemas/FORMAT.md)."""
import pathlib
import re
import shlex

PRIMITIVES = {"bool", "int8", "int16", "int32", "int64", "uint16", "uint32", "float64", "uuid"}
RUNS = {"string", "bytes", "records"}
KINDS = {"request", "response", "header", "data", "metadata"}


class VersionRange:
    """A Kafka version range: `3`, `3-5`, `3+` or `none`."""

    def __init__(self, text):
        self.text = text
        if text == "none":
            self.lo, self.hi = None, None
        elif text.endswith("+"):
            self.lo, self.hi = int(text[:-1]), None
        elif "-" in text:
            lo, hi = text.split("-")
            self.lo, self.hi = int(lo), int(hi)
        else:
            self.lo = self.hi = int(text)

    def empty(self):
        return self.lo is None

    def contains(self, v):
        return self.lo is not None and v >= self.lo and (self.hi is None or v <= self.hi)

    def cpp(self, var="v"):
        """A C++ boolean expression testing `var` against this range."""
        if self.lo is None:
            return "false"
        if self.hi is None:
            return "true" if self.lo == 0 else "%s >= %d" % (var, self.lo)
        if self.lo == self.hi:
            return "%s == %d" % (var, self.lo)
        if self.lo == 0:
            return "%s <= %d" % (var, self.hi)
        return "(%s >= %d && %s <= %d)" % (var, self.lo, var, self.hi)


class Field:
    def __init__(self, name, type_, attrs, line):
        self.name = name
        self.type = type_
        self.line = line
        self.versions = VersionRange(attrs.pop("v"))
        self.nullable = VersionRange(attrs.pop("nullable", "none"))
        self.tag = int(attrs.pop("tag")) if "tag" in attrs else None
        self.flexible = VersionRange(attrs.pop("flexible")) if "flexible" in attrs else None
        self.default = attrs.pop("default", None)
        self.ignorable = attrs.pop("ignorable", False)
        self.mapkey = attrs.pop("mapkey", False)
        self.zerocopy = attrs.pop("zerocopy", False)
        self.entity = attrs.pop("entity", None)
        attrs.pop("tagged", None)  # tagged versions always equal `v` in Kafka 3.9
        if attrs:
            raise ValueError("line %d: unknown attributes %s" % (line, sorted(attrs)))
        self.fields = []

    @property
    def is_array(self):
        return self.type.startswith("[]")

    @property
    def elem(self):
        return self.type[2:] if self.is_array else self.type

    @property
    def is_struct(self):
        return self.elem not in PRIMITIVES and self.elem not in RUNS

    @property
    def tagged(self):
        return self.tag is not None

    @property
    def can_be_null(self):
        return not self.nullable.empty() or self.elem == "records" and not self.is_array


class Struct:
    def __init__(self, name, versions, fields):
        self.name = name
        self.versions = versions
        self.fields = fields


class Message:
    def __init__(self, path, kind, name, attrs):
        self.path = path
        self.kind = kind
        self.name = name
        self.api_key = int(attrs.pop("key")) if "key" in attrs else None
        self.versions = VersionRange(attrs.pop("versions"))
        self.flexible = VersionRange(attrs.pop("flexible"))
        self.deprecated = VersionRange(attrs.pop("deprecated", "none"))
        self.unstable = attrs.pop("unstable", False)
        self.listeners = attrs.pop("listeners", "").split(",") if "listeners" in attrs else []
        if attrs:
            raise ValueError("%s: unknown attributes %s" % (path, sorted(attrs)))
        self.fields = []
        self.common = {}  # name -> Struct

    def structs(self):
        """Every struct type of the message, each after the structs it uses."""
        defined = {}
        order = []

        def define(name, fields):
            if name in defined:
                if defined[name] is not fields and [f.name for f in defined[name]] != [f.name for f in fields]:
                    raise ValueError("%s: struct %s defined twice" % (self.path, name))
                return
            defined[name] = fields
            visit(fields)
            order.append(Struct(name, None, fields))

        def visit(fields):
            for f in fields:
                if not f.is_struct:
                    continue
                if f.fields:
                    define(f.elem, f.fields)
                elif f.elem in self.common:
                    define(f.elem, self.common[f.elem].fields)
                else:
                    raise ValueError("%s line %d: unknown type %s" % (self.path, f.line, f.type))

        visit(self.fields)
        return order


def parse_attrs(tokens):
    attrs = {}
    for tok in tokens:
        if "=" in tok:
            k, v = tok.split("=", 1)
            attrs[k] = v
        else:
            attrs[tok] = True
    return attrs


def parse(path):
    path = pathlib.Path(path)
    msg = None
    stack = []  # (indent, list to append to)
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        tokens = shlex.split(raw.strip())
        if indent == 0:
            if tokens[0] in KINDS:
                msg = Message(path, tokens[0], tokens[1], parse_attrs(tokens[2:]))
                stack = [(0, msg.fields)]
            elif tokens[0] == "struct":
                attrs = parse_attrs(tokens[2:])
                s = Struct(tokens[1], VersionRange(attrs.get("v", "0+")), [])
                msg.common[s.name] = s
                stack = [(0, s.fields)]
            else:
                raise ValueError("%s:%d: unexpected %r" % (path, lineno, tokens[0]))
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            raise ValueError("%s:%d: bad indentation" % (path, lineno))
        field = Field(tokens[0], tokens[1], parse_attrs(tokens[2:]), lineno)
        stack[-1][1].append(field)
        stack.append((indent, field.fields))
    if msg is None:
        raise ValueError("%s: no message" % path)
    return msg


def snake(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.lower()


def load_all(schema_dir):
    schema_dir = pathlib.Path(schema_dir)
    return [parse(p) for p in sorted(schema_dir.rglob("*.schema"))]
