"""Emits the C++ struct, decoder, encoder, sizer and version check of one message."""
from schema import snake

PRIM = {
    # schema type: (C++ type, Reader/Writer method, wire size)
    "bool": ("bool", "boolean", 1),
    "int8": ("std::int8_t", "i8", 1),
    "int16": ("std::int16_t", "i16", 2),
    "int32": ("std::int32_t", "i32", 4),
    "int64": ("std::int64_t", "i64", 8),
    "uint16": ("std::uint16_t", "u16", 2),
    "uint32": ("std::uint32_t", "u32", 4),
    "float64": ("double", "f64", 8),
    "uuid": ("Uuid", "uuid", 16),
}

CPP_KEYWORDS = {
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "const",
    "constexpr", "continue", "default", "delete", "do", "double", "else", "enum", "explicit", "export", "extern",
    "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
    "noexcept", "not", "operator", "or", "private", "protected", "public", "register", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "template", "this", "throw", "true", "try", "typedef",
    "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "while", "xor",
    "concept", "requires", "co_await", "co_return", "co_yield", "char8_t",
}


def covers(outer, inner):
    """Whether version range `outer` includes every version of `inner`."""
    if inner.empty():
        return True
    if outer.empty() or outer.lo > inner.lo:
        return False
    return outer.hi is None or (inner.hi is not None and outer.hi >= inner.hi)


def member(field):
    name = snake(field.name)
    return name + "_" if name in CPP_KEYWORDS else name


def elem_cpp(field):
    e = field.elem
    if e in PRIM:
        return PRIM[e][0]
    return {"string": "std::string", "bytes": "std::vector<std::uint8_t>", "records": "RecordsView"}.get(e, e)


def nullable_type(field):
    """Whether the C++ member is an optional (records carry their own null)."""
    return not field.nullable.empty() and field.elem != "records" and (field.is_array or field.elem in ("string", "bytes") or field.is_struct)


def cpp_type(field):
    t = "std::vector<%s>" % elem_cpp(field) if field.is_array else elem_cpp(field)
    return "std::optional<%s>" % t if nullable_type(field) else t


def literal(field, text):
    e = field.elem
    if e == "bool":
        return text.lower()
    if e == "float64":
        return repr(float(text))
    if e in ("int8", "int16", "int32", "int64", "uint16", "uint32"):
        value = int(text, 0)
        return "static_cast<%s>(%dLL)" % (PRIM[e][0], value) if value < 0 else "%s{%s}" % (PRIM[e][0], text)
    if e == "string":
        return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')
    raise ValueError("no literal default for %s" % field.type)


def null_default(field):
    return field.default == "null"


def initializer(field):
    """Member initializer giving the field its Kafka default."""
    if field.is_array or field.elem == "bytes" or field.is_struct:
        if nullable_type(field) and not null_default(field):
            return " = %s{}" % cpp_type(field)[len("std::optional<"):-1]
        return ""
    if field.elem == "records" or field.elem == "uuid":
        return ""
    if field.elem == "string":
        if null_default(field):
            return ""
        if nullable_type(field):
            return " = std::string(%s)" % literal(field, field.default or "")
        return " = %s" % literal(field, field.default) if field.default else ""
    return " = %s" % literal(field, field.default if field.default is not None else "0")


def is_default(field, t):
    """C++ expression: the member `t` holds the field's default."""
    if field.elem == "records":
        return "%s.is_null()" % t
    if nullable_type(field):
        if null_default(field):
            return "!%s" % t
        inner = "%s->empty()" % t if not field.is_struct or field.is_array else "*%s == %s{}" % (t, field.elem)
        if field.elem == "string" and not field.is_array:
            inner = "*%s == %s" % (t, literal(field, field.default or ""))
        return "(%s && %s)" % (t, inner)
    if field.is_array or field.elem == "bytes":
        return "%s.empty()" % t
    if field.is_struct:
        return "%s == %s{}" % (t, field.elem)
    if field.elem == "uuid":
        return "%s.is_zero()" % t
    if field.elem == "string":
        return "%s == %s" % (t, literal(field, field.default or ""))
    return "%s == %s" % (t, literal(field, field.default if field.default is not None else "0"))


class Emitter:
    def __init__(self, msg):
        self.msg = msg

    def compact(self, field):
        return field.flexible.cpp() if field.flexible is not None else "flexible"

    # ---- reading ----------------------------------------------------------

    def read_elem(self, field, target, compact, out, r="r"):
        e = field.elem
        if e in PRIM:
            out.append("%s.push_back(%s.%s());" % (target, r, PRIM[e][1]))
        elif e == "string":
            out.append("codec::read_string(%s, %s, %s.emplace_back());" % (r, compact, target))
        elif e == "bytes":
            out.append("codec::read_bytes(%s, %s, %s.emplace_back());" % (r, compact, target))
        else:
            out.append("%s.emplace_back().read_from(%s, v);" % (target, r))

    def read_field(self, field, t, out, r="r"):
        c = self.compact(field)
        n = field.nullable.cpp()
        e = field.elem
        if field.is_array:
            out.append("{")
            out.append("  const std::int32_t n_ = codec::read_array_length(%s, %s, %s);" % (r, c, n))
            if nullable_type(field):
                out.append("  if (n_ < 0) {")
                out.append("    %s.reset();" % t)
                out.append("  } else {")
                out.append("    auto& a_ = %s.emplace();" % t)
            else:
                out.append("  if (n_ >= 0) {")
                out.append("    auto& a_ = %s;" % t)
                out.append("    a_.clear();")
            body = []
            self.read_elem(field, "a_", c, body, r)
            out.append("    for (std::int32_t i_ = 0; i_ < n_ && %s.ok(); ++i_) %s" % (r, body[0]))
            out.append("  }")
            out.append("}")
        elif e in PRIM:
            out.append("%s = %s.%s();" % (t, r, PRIM[e][1]))
        elif e == "string":
            if nullable_type(field):
                out.append("codec::read_nullable_string(%s, %s, %s, %s);" % (r, c, n, t))
            else:
                out.append("codec::read_string(%s, %s, %s);" % (r, c, t))
        elif e == "bytes":
            if nullable_type(field):
                out.append("codec::read_nullable_bytes(%s, %s, %s, %s);" % (r, c, n, t))
            else:
                out.append("codec::read_bytes(%s, %s, %s);" % (r, c, t))
        elif e == "records":
            out.append("codec::read_records(%s, %s, %s, %s);" % (r, c, n, t))
        elif nullable_type(field):
            # Kafka marks a nullable struct with one byte: -1 null, 1 present.
            out.append("if (!(%s) || %s.i8() >= 0) {" % (n, r))
            out.append("  %s.emplace().read_from(%s, v);" % (t, r))
            out.append("} else {")
            out.append("  %s.reset();" % t)
            out.append("}")
        else:
            out.append("%s.read_from(%s, v);" % (t, r))

    # ---- writing ----------------------------------------------------------

    def write_elem(self, field, e_, compact):
        e = field.elem
        if e in PRIM:
            return "w.%s(%s);" % (PRIM[e][1], e_)
        if e == "string":
            return "codec::write_string(w, %s, %s);" % (compact, e_)
        if e == "bytes":
            return "codec::write_bytes(w, %s, %s);" % (compact, e_)
        return "%s.write_to(w, v);" % e_

    def write_field(self, field, t, out):
        c = self.compact(field)
        e = field.elem
        if field.is_array:
            if nullable_type(field):
                out.append("if (!%s) {" % t)
                out.append("  codec::write_array_length(w, %s, -1);" % c)
                out.append("} else {")
                src = "(*%s)" % t
            else:
                out.append("{")
                src = t
            out.append("  codec::write_array_length(w, %s, static_cast<std::int64_t>(%s.size()));" % (c, src))
            out.append("  for (const auto& e_ : %s) %s" % (src, self.write_elem(field, "e_", c)))
            out.append("}")
        elif e in PRIM:
            out.append("w.%s(%s);" % (PRIM[e][1], t))
        elif e in ("string", "bytes"):
            kind = ("nullable_" if nullable_type(field) else "") + e
            out.append("codec::write_%s(w, %s, %s);" % (kind, c, t))
        elif e == "records":
            out.append("codec::write_records(w, %s, %s);" % (c, t))
        elif nullable_type(field):
            out.append("if (%s) w.i8(%s ? 1 : -1);" % (field.nullable.cpp(), t))
            out.append("if (%s) %s->write_to(w, v);" % (t, t))
        else:
            out.append("%s.write_to(w, v);" % t)

    # ---- sizing -----------------------------------------------------------

    def elem_size(self, field, e_, compact):
        e = field.elem
        if e in PRIM:
            return str(PRIM[e][2])
        if e == "string":
            return "codec::string_size(%s, %s)" % (compact, e_)
        if e == "bytes":
            return "codec::bytes_size(%s, %s)" % (compact, e_)
        return "%s.wire_size(v)" % e_

    def size_field(self, field, t, acc, out):
        c = self.compact(field)
        e = field.elem
        if field.is_array:
            if nullable_type(field):
                out.append("if (!%s) {" % t)
                out.append("  %s += codec::array_length_size(%s, -1);" % (acc, c))
                out.append("} else {")
                src = "(*%s)" % t
            else:
                out.append("{")
                src = t
            out.append("  %s += codec::array_length_size(%s, static_cast<std::int64_t>(%s.size()));" % (acc, c, src))
            if e in PRIM:
                out.append("  %s += %s.size() * %d;" % (acc, src, PRIM[e][2]))
            else:
                out.append("  for (const auto& e_ : %s) %s += %s;" % (src, acc, self.elem_size(field, "e_", c)))
            out.append("}")
        elif e in PRIM:
            out.append("%s += %d;" % (acc, PRIM[e][2]))
        elif e in ("string", "bytes"):
            kind = ("nullable_" if nullable_type(field) else "") + e
            out.append("%s += codec::%s_size(%s, %s);" % (acc, kind, c, t))
        elif e == "records":
            out.append("%s += codec::records_size(%s, %s);" % (acc, c, t))
        elif nullable_type(field):
            out.append("if (%s) %s += 1;" % (field.nullable.cpp(), acc))
            out.append("if (%s) %s += %s->wire_size(v);" % (t, acc, t))
        else:
            out.append("%s += %s.wire_size(v);" % (acc, t))

    # ---- version checks ---------------------------------------------------

    def check_field(self, owner, field, t, out):
        where = "%s.%s" % (owner, field.name)
        present = field.versions.cpp()
        if field.tagged:
            present = "flexible && %s" % present if present != "true" else "flexible"
        if present != "true":
            out.append("if (!(%s)) {" % present)
            if not field.ignorable:
                out.append("  if (!(%s)) return {ErrorCode::UNSUPPORTED_VERSION, \"%s is not in version \" + std::to_string(v)};" % (is_default(field, t), where))
            out.append("} else {")
        else:
            out.append("{")
        if field.can_be_null and not covers(field.nullable, field.versions):
            null_test = "%s.is_null()" % t if field.elem == "records" and not field.is_array else "!%s" % t
            out.append("  if (!(%s) && %s) return {ErrorCode::INVALID_REQUEST, \"%s cannot be null in version \" + std::to_string(v)};" % (field.nullable.cpp(), null_test, where))
        c = self.compact(field)
        if field.elem == "string" and c != "true":
            if field.is_array:
                src = "*" + t if nullable_type(field) else t
                guard = "%s && " % t if nullable_type(field) else ""
                out.append("  if (%s!(%s)) for (const auto& s_ : %s) if (s_.size() > 32767) return {ErrorCode::INVALID_REQUEST, \"%s is too long\"};" % (guard, c, src, where))
            elif nullable_type(field):
                out.append("  if (!(%s) && %s && %s->size() > 32767) return {ErrorCode::INVALID_REQUEST, \"%s is too long\"};" % (c, t, t, where))
            else:
                out.append("  if (!(%s) && %s.size() > 32767) return {ErrorCode::INVALID_REQUEST, \"%s is too long\"};" % (c, t, where))
        if field.is_struct:
            if field.is_array:
                src = "*" + t if nullable_type(field) else t
                guard = "if (%s) " % t if nullable_type(field) else ""
                out.append("  %sfor (const auto& e_ : %s) if (auto s_ = e_.check_version(v); !s_.ok()) return s_;" % (guard, src))
            elif nullable_type(field):
                out.append("  if (%s) if (auto s_ = %s->check_version(v); !s_.ok()) return s_;" % (t, t))
            else:
                out.append("  if (auto s_ = %s.check_version(v); !s_.ok()) return s_;" % t)
        out.append("}")

    # ---- one struct -------------------------------------------------------

    def members(self, fields, indent):
        p = " " * indent
        out = []
        for f in fields:
            out.append("%s%s %s%s;" % (p, cpp_type(f), member(f), initializer(f)))
        out.append("%sUnknownTaggedFields unknown_tagged_fields;" % p)
        out.append("")
        out.append("%svoid read_from(Reader& r, std::int16_t v);" % p)
        out.append("%svoid write_to(Writer& w, std::int16_t v) const;" % p)
        out.append("%sstd::size_t wire_size(std::int16_t v) const;" % p)
        out.append("%sStatus check_version(std::int16_t v) const;" % p)
        return out

    def definitions(self, qual, display, fields):
        regular = [f for f in fields if not f.tagged]
        tagged = sorted((f for f in fields if f.tagged), key=lambda f: f.tag)
        out = []

        # read_from
        out.append("void %s::read_from(Reader& r, std::int16_t v) {" % qual)
        out.append("  const bool flexible = is_flexible(v);")
        for f in regular:
            body = []
            self.read_field(f, member(f), body)
            self.guarded(f.versions.cpp(), body, out)
        out.append("  if (flexible) {")
        out.append("    const std::uint32_t count_ = r.uvarint();")
        out.append("    for (std::uint32_t t_ = 0; t_ < count_ && r.ok(); ++t_) {")
        out.append("      const std::uint32_t tag_ = r.uvarint();")
        out.append("      Reader field_ = r.sub(r.uvarint());")
        if tagged:
            out.append("      switch (tag_) {")
            for f in tagged:
                out.append("        case %d:" % f.tag)
                out.append("          if (%s) {" % f.versions.cpp())
                body = []
                self.read_field(f, member(f), body, "field_")
                out.extend("            " + line for line in body)
                out.append("            if (!field_.ok()) r.fail(field_.error());")
                out.append("            break;")
                out.append("          }")
                out.append("          [[fallthrough]];")
            out.append("        default:")
            out.append("          codec::keep_unknown_tag(unknown_tagged_fields, tag_, field_);")
            out.append("      }")
        else:
            out.append("      codec::keep_unknown_tag(unknown_tagged_fields, tag_, field_);")
        out.append("    }")
        out.append("  }")
        out.append("}")
        out.append("")

        # write_to
        out.append("void %s::write_to(Writer& w, std::int16_t v) const {" % qual)
        out.append("  const bool flexible = is_flexible(v);")
        for f in regular:
            body = []
            self.write_field(f, member(f), body)
            self.guarded(f.versions.cpp(), body, out)
        out.append("  if (!flexible) return;")
        out.append("  std::uint32_t count_ = static_cast<std::uint32_t>(unknown_tagged_fields.size());")
        for f in tagged:
            out.append("  const bool has_%s = %s && !(%s);" % (member(f), f.versions.cpp(), is_default(f, member(f))))
            out.append("  count_ += has_%s ? 1 : 0;" % member(f))
        out.append("  w.uvarint(count_);")
        for f in tagged:
            out.append("  if (has_%s) {" % member(f))
            out.append("    std::size_t n_ = 0;")
            body = []
            self.size_field(f, member(f), "n_", body)
            out.extend("    " + line for line in body)
            out.append("    w.uvarint(%d);" % f.tag)
            out.append("    w.uvarint(n_);")
            body = []
            self.write_field(f, member(f), body)
            out.extend("    " + line for line in body)
            out.append("  }")
        out.append("  codec::write_unknown_tags(w, unknown_tagged_fields);")
        out.append("}")
        out.append("")

        # wire_size
        out.append("std::size_t %s::wire_size(std::int16_t v) const {" % qual)
        out.append("  const bool flexible = is_flexible(v);")
        out.append("  std::size_t n = 0;")
        for f in regular:
            body = []
            self.size_field(f, member(f), "n", body)
            self.guarded(f.versions.cpp(), body, out)
        out.append("  if (!flexible) return n;")
        out.append("  std::size_t count_ = unknown_tagged_fields.size();")
        for f in tagged:
            out.append("  if (%s && !(%s)) {" % (f.versions.cpp(), is_default(f, member(f))))
            out.append("    std::size_t f_ = 0;")
            body = []
            self.size_field(f, member(f), "f_", body)
            out.extend("    " + line for line in body)
            out.append("    n += uvarint_size(%d) + uvarint_size(f_) + f_;" % f.tag)
            out.append("    ++count_;")
            out.append("  }")
        out.append("  return n + uvarint_size(count_) + codec::unknown_tags_size(unknown_tagged_fields);")
        out.append("}")
        out.append("")

        # check_version
        out.append("Status %s::check_version(std::int16_t v) const {" % qual)
        out.append("  [[maybe_unused]] const bool flexible = is_flexible(v);")
        for f in fields:
            body = []
            self.check_field(display, f, member(f), body)
            if body != ["{", "}"]:
                out.extend("  " + line for line in body)
        out.append("  return {};")
        out.append("}")
        out.append("")
        return out

    @staticmethod
    def guarded(cond, body, out):
        if cond == "true":
            out.extend("  " + line for line in body)
        elif cond == "false":
            return
        else:
            out.append("  if (%s) {" % cond)
            out.extend("    " + line for line in body)
            out.append("  }")

    # ---- files ------------------------------------------------------------

    def header(self, stem):
        m = self.msg
        out = [
            "// Generated by protocol/generator from %s. Do not edit." % m.path.name,
            "#pragma once",
            "",
            '#include "protocol/message_support.h"',
            "",
            "namespace sluice::protocol {",
            "",
            "struct %s {" % m.name,
            '  static constexpr std::string_view kName = "%s";' % m.name,
            "  static constexpr std::int16_t kApiKey = %d;" % (m.api_key if m.api_key is not None else -1),
            "  static constexpr std::int16_t kLowestVersion = %d;" % m.versions.lo,
            "  static constexpr std::int16_t kHighestVersion = %d;" % (m.versions.hi if m.versions.hi is not None else m.versions.lo),
            "  static constexpr bool is_flexible([[maybe_unused]] std::int16_t v) { return %s; }" % m.flexible.cpp(),
            "",
        ]
        for s in m.structs():
            if s.name == m.name:
                raise ValueError("%s: struct named like its message" % m.path)
            out.append("  struct %s {" % s.name)
            # User-provided: clang holds a nested struct with default member
            # initializers not default-constructible until the enclosing one
            # is complete, and a std::optional<Nested> member asks before that.
            out.append("    %s() {}" % s.name)
            out.extend(self.members(s.fields, 4))
            out.append("    bool operator==(const %s&) const = default;" % s.name)
            out.append("  };")
            out.append("")
        out.extend(self.members(m.fields, 2))
        out.append("  bool operator==(const %s&) const = default;" % m.name)
        out.append("};")
        out.append("")
        out.append("}  // namespace sluice::protocol")
        return "\n".join(out) + "\n"

    def source(self, stem):
        m = self.msg
        out = [
            "// Generated by protocol/generator from %s. Do not edit." % m.path.name,
            '#include "protocol/generated/%s.h"' % stem,
            "",
            "#include <string>",
            "",
            "namespace sluice::protocol {",
            "",
        ]
        for s in m.structs():
            out.extend(self.definitions("%s::%s" % (m.name, s.name), "%s.%s" % (m.name, s.name), s.fields))
        out.extend(self.definitions(m.name, m.name, m.fields))
        out.append("}  // namespace sluice::protocol")
        return "\n".join(out) + "\n"
