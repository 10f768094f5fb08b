#include "coordinator/controller/topic_validation.h"

#include <algorithm>

namespace sluice::coordinator {

namespace {

bool legal_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// String.length(): UTF-16 code units, counting a 4-byte UTF-8 sequence as
// two and any other sequence (or stray byte) as one.
std::size_t java_length(std::string_view s) {
  std::size_t units = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += (c >= 0xF0) ? 2 : 1;
  }
  return units;
}

}  // namespace

std::optional<std::string> invalid_topic_name_reason(std::string_view name) {
  const std::string prefix = "Topic name is invalid: ";
  if (name.empty()) return prefix + "the empty string is not allowed";
  if (name == ".") return prefix + "'.' is not allowed";
  if (name == "..") return prefix + "'..' is not allowed";
  if (java_length(name) > kMaxTopicNameLength) {
    return prefix + "the length of '" + std::string(name) + "' is longer than the max allowed length " +
           std::to_string(kMaxTopicNameLength);
  }
  if (!std::all_of(name.begin(), name.end(), legal_char)) {
    return prefix + "'" + std::string(name) +
           "' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'";
  }
  return std::nullopt;
}

bool has_collision_chars(std::string_view name) {
  return name.find('.') != std::string_view::npos || name.find('_') != std::string_view::npos;
}

std::string unify_collision_chars(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

std::optional<std::string> colliding_topic(const MetadataImage& image, std::string_view name) {
  if (!has_collision_chars(name)) return std::nullopt;
  const std::string unified = unify_collision_chars(name);
  for (const auto& [existing, topic] : image.topics_by_name) {
    if (existing != name && has_collision_chars(existing) && unify_collision_chars(existing) == unified) {
      return existing;
    }
  }
  return std::nullopt;
}

}  // namespace sluice::coordinator
