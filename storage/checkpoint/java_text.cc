#include "storage/checkpoint/java_text.h"

#include <charconv>
#include <cstddef>

namespace sluice::storage {

namespace {

bool is_java_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// Splits on separators found by `match`, which returns the separator's length
// at position i (0 if none starts there); Java's String.split semantics.
template <class Match>
std::vector<std::string_view> java_split(std::string_view s, Match match) {
  std::vector<std::string_view> out;
  std::size_t field_start = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = match(s, i);
    if (len == 0) {
      ++i;
      continue;
    }
    out.push_back(s.substr(field_start, i - field_start));
    i += len;
    field_start = i;
  }
  out.push_back(s.substr(field_start));
  if (s.empty()) return out;  // "".split(x) is [""]
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

template <class T>
std::optional<T> parse_java_integer(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return std::nullopt;  // "+" and "+-1" are rejected
  }
  if (s.empty()) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 10);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::vector<std::string_view> java_read_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '\n' && c != '\r') {
      ++i;
      continue;
    }
    lines.push_back(text.substr(start, i - start));
    i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    start = i;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::vector<std::string_view> java_split_whitespace(std::string_view line) {
  return java_split(line, [](std::string_view s, std::size_t i) {
    std::size_t j = i;
    while (j < s.size() && is_java_space(s[j])) ++j;
    return j - i;
  });
}

std::vector<std::string_view> java_split_colon_whitespace(std::string_view line) {
  return java_split(line, [](std::string_view s, std::size_t i) -> std::size_t {
    if (s[i] != ':' || i + 1 >= s.size() || !is_java_space(s[i + 1])) return 0;
    std::size_t j = i + 1;
    while (j < s.size() && is_java_space(s[j])) ++j;
    return j - i;
  });
}

std::optional<std::int32_t> java_parse_int(std::string_view s) { return parse_java_integer<std::int32_t>(s); }

std::optional<std::int64_t> java_parse_long(std::string_view s) { return parse_java_integer<std::int64_t>(s); }

}  // namespace sluice::storage
