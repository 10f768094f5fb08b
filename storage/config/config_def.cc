#include "storage/config/config_def.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace sluice::storage {
namespace {

using protocol::ErrorCode;

// The text Kafka prints for a parsed value inside an error message.
std::string value_text(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return java_double_to_string(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const ConfigValue::List& list) const {
      std::string out;
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ',';
        out += list[i];
      }
      return out;
    }
  };
  return std::visit(Visitor{}, value.data);
}

bool is_java_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r'; }

// Java's Integer/Short/Long.parseX: an optional sign, then ASCII digits only.
std::optional<std::int64_t> parse_java_integer(std::string_view s, std::int64_t min, std::int64_t max) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() < '0' || s.front() > '9') return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

// Java's Double.parseDouble for decimal literals: optional sign, digits with
// an optional point and exponent, an optional d/D/f/F suffix, or the words
// NaN and Infinity. Out-of-range literals become infinity or zero, as in Java.
// (Java's hexadecimal literals are not accepted.)
std::optional<double> parse_java_double(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity")
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (!s.empty() && (s.back() == 'd' || s.back() == 'D' || s.back() == 'f' || s.back() == 'F')) s.remove_suffix(1);
  if (s.empty() || !((s.front() >= '0' && s.front() <= '9') || s.front() == '.')) return std::nullopt;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, std::chars_format::general);
  if (end != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow or underflow: decide by the decimal exponent of the literal.
    const std::size_t e = s.find_first_of("eE");
    const std::string_view mantissa = s.substr(0, e);
    long exponent = 0;
    if (e != std::string_view::npos) {
      std::string_view digits = s.substr(e + 1);
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      if (std::from_chars(digits.data(), digits.data() + digits.size(), exponent).ec != std::errc{}) {
        exponent =
            digits.starts_with('-') ? std::numeric_limits<long>::min() / 2 : std::numeric_limits<long>::max() / 2;
      }
    }
    const std::size_t point = mantissa.find('.');
    const std::string_view integral = mantissa.substr(0, point);
    const std::size_t first_nonzero = integral.find_first_not_of('0');
    const long integral_digits =
        first_nonzero == std::string_view::npos ? 0 : static_cast<long>(integral.size() - first_nonzero);
    value = integral_digits + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  } else if (ec != std::errc{}) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

}  // namespace

std::string_view config_type_name(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kShort:
      return "SHORT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kClass:
      return "CLASS";
    case ConfigType::kPassword:
      return "PASSWORD";
  }
  return "UNKNOWN";
}

std::string invalid_value_message(std::string_view name, std::string_view value, std::string_view detail) {
  std::string out = "Invalid value ";
  out += value;
  out += " for configuration ";
  out += name;
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

Validator Validator::at_least(std::int64_t min) {
  Validator v;
  v.valid_values_ = "[" + std::to_string(min) + ",...]";
  v.check_ = [min](std::string_view name, const ConfigValue& value) -> std::optional<std::string> {
    const bool below =
        std::holds_alternative<double>(value.data) ? value.number() < static_cast<double>(min) : value.integer() < min;
    if (!below) return std::nullopt;
    return invalid_value_message(name, value_text(value), "Value must be at least " + std::to_string(min));
  };
  return v;
}

Validator Validator::between(std::int64_t min, std::int64_t max) {
  Validator v;
  v.valid_values_ = "[" + std::to_string(min) + ",...," + std::to_string(max) + "]";
  v.check_ = [min, max](std::string_view name, const ConfigValue& value) -> std::optional<std::string> {
    const bool is_double = std::holds_alternative<double>(value.data);
    const bool below = is_double ? value.number() < static_cast<double>(min) : value.integer() < min;
    const bool above = is_double ? value.number() > static_cast<double>(max) : value.integer() > max;
    if (below) return invalid_value_message(name, value_text(value), "Value must be at least " + std::to_string(min));
    if (above) {
      return invalid_value_message(name, value_text(value), "Value must be no more than " + std::to_string(max));
    }
    return std::nullopt;
  };
  return v;
}

Validator Validator::one_of(std::vector<std::string> allowed) {
  std::string joined;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) joined += ", ";
    joined += allowed[i];
  }
  Validator v;
  v.valid_values_ = "[" + joined + "]";
  v.check_ = [allowed = std::move(allowed), joined](std::string_view name,
                                                    const ConfigValue& value) -> std::optional<std::string> {
    auto check_one = [&](const std::string& s) -> std::optional<std::string> {
      for (const auto& a : allowed) {
        if (a == s) return std::nullopt;
      }
      return invalid_value_message(name, s, "String must be one of: " + joined);
    };
    if (std::holds_alternative<ConfigValue::List>(value.data)) {
      for (const auto& element : value.list()) {
        if (auto error = check_one(element)) return error;
      }
      return std::nullopt;
    }
    return check_one(value.text());
  };
  return v;
}

Validator Validator::custom(std::string valid_values, CheckFn check) {
  Validator v;
  v.valid_values_ = std::move(valid_values);
  v.check_ = std::move(check);
  return v;
}

std::optional<std::string> Validator::check(std::string_view name, const ConfigValue& value) const {
  if (!check_ || value.is_null()) return std::nullopt;
  return check_(name, value);
}

std::string_view java_trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

std::string java_double_to_string(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";

  // The shortest digits that round-trip, as "d.ddde+XX".
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(result.ptr - buf));
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const auto integral_len = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() < integral_len) digits.append(integral_len - digits.size(), '0');
      out += digits.substr(0, integral_len);
      out += '.';
      out += digits.size() > integral_len ? digits.substr(integral_len) : "0";
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits.front();
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(exponent);
  return out;
}

Result<ConfigValue> parse_type(std::string_view name, std::string_view raw, ConfigType type) {
  const std::string_view trimmed = java_trim(raw);
  auto not_a_number = [&] {
    return Status{ErrorCode::INVALID_CONFIG,
                  invalid_value_message(name, raw, "Not a number of type " + std::string(config_type_name(type)))};
  };
  auto equals_ignore_case = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
      if (x != b[i]) return false;
    }
    return true;
  };

  ConfigValue value;
  switch (type) {
    case ConfigType::kBoolean:
      if (equals_ignore_case(trimmed, "true")) {
        value.data = true;
      } else if (equals_ignore_case(trimmed, "false")) {
        value.data = false;
      } else {
        return Status{ErrorCode::INVALID_CONFIG,
                      invalid_value_message(name, raw, "Expected value to be either true or false")};
      }
      return value;
    case ConfigType::kInt:
    case ConfigType::kShort:
    case ConfigType::kLong: {
      std::int64_t min = std::numeric_limits<std::int64_t>::min();
      std::int64_t max = std::numeric_limits<std::int64_t>::max();
      if (type == ConfigType::kInt) {
        min = std::numeric_limits<std::int32_t>::min();
        max = std::numeric_limits<std::int32_t>::max();
      } else if (type == ConfigType::kShort) {
        min = std::numeric_limits<std::int16_t>::min();
        max = std::numeric_limits<std::int16_t>::max();
      }
      const auto parsed = parse_java_integer(trimmed, min, max);
      if (!parsed) return not_a_number();
      value.data = *parsed;
      return value;
    }
    case ConfigType::kDouble: {
      const auto parsed = parse_java_double(trimmed);
      if (!parsed) return not_a_number();
      value.data = *parsed;
      return value;
    }
    case ConfigType::kList: {
      // Java: trimmed.split("\\s*,\\s*", -1), so empty elements are kept.
      ConfigValue::List list;
      if (!trimmed.empty()) {
        std::size_t start = 0;
        while (true) {
          const std::size_t comma = trimmed.find(',', start);
          std::string_view element =
              trimmed.substr(start, comma == std::string_view::npos ? trimmed.npos : comma - start);
          while (!element.empty() && is_java_whitespace(element.front())) element.remove_prefix(1);
          while (!element.empty() && is_java_whitespace(element.back())) element.remove_suffix(1);
          list.emplace_back(element);
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
      }
      value.data = std::move(list);
      return value;
    }
    case ConfigType::kString:
    case ConfigType::kClass:
    case ConfigType::kPassword:
      value.data = std::string(trimmed);
      return value;
  }
  return Status{ErrorCode::INVALID_CONFIG, invalid_value_message(name, raw, "Unknown type")};
}

Result<ConfigValue> parse_value(const ConfigKey& key, std::string_view raw) {
  auto parsed = parse_type(key.name, raw, key.type);
  if (!parsed) return parsed;
  if (auto error = key.validator.check(key.name, *parsed)) return Status{ErrorCode::INVALID_CONFIG, std::move(*error)};
  return parsed;
}

std::optional<std::string> format_value(const ConfigValue& value, ConfigType type) {
  if (value.is_null()) return std::nullopt;
  if (type == ConfigType::kDouble && std::holds_alternative<double>(value.data)) {
    return java_double_to_string(value.number());
  }
  return value_text(value);
}

ConfigDef::ConfigDef(std::vector<ConfigKey> keys) : keys_(std::move(keys)) {
  defaults_.reserve(keys_.size());
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const ConfigKey& key = keys_[i];
    if (!index_.emplace(key.name, i).second) {
      std::fprintf(stderr, "sluice: config key %s is defined twice\n", key.name.c_str());
      std::abort();
    }
    if (!key.default_value) {
      defaults_.emplace_back();
      continue;
    }
    auto parsed = parse_value(key, *key.default_value);
    if (!parsed) {
      std::fprintf(stderr, "sluice: bad default for config key %s: %s\n", key.name.c_str(),
                   parsed.status().detail.c_str());
      std::abort();
    }
    defaults_.push_back(std::move(parsed).value());
  }
}

const ConfigKey* ConfigDef::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

const ConfigValue& ConfigDef::default_of(const ConfigKey& key) const {
  return defaults_[static_cast<std::size_t>(&key - keys_.data())];
}

}  // namespace sluice::storage
