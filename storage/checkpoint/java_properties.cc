#include "storage/checkpoint/java_properties.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Logical lines as Properties' LineReader builds them: leading blanks
// dropped, blank and comment lines skipped, a line ending in an odd number of
// backslashes joined with the next (whose leading blanks are dropped).
std::vector<std::string> logical_lines(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool continuing = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    std::string_view natural = text.substr(i, end - i);
    i = end;
    if (i < text.size()) i += (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;

    std::size_t lead = 0;
    while (lead < natural.size() && is_blank(natural[lead])) ++lead;
    natural.remove_prefix(lead);
    if (!continuing) {
      if (natural.empty()) continue;
      if (natural.front() == '#' || natural.front() == '!') continue;
    }
    std::size_t trailing_backslashes = 0;
    while (trailing_backslashes < natural.size() && natural[natural.size() - 1 - trailing_backslashes] == '\\') {
      ++trailing_backslashes;
    }
    if (trailing_backslashes % 2 == 1) {
      current.append(natural.substr(0, natural.size() - 1));
      continuing = true;
      continue;
    }
    current.append(natural);
    out.push_back(std::move(current));
    current.clear();
    continuing = false;
  }
  if (continuing) out.push_back(std::move(current));  // continuation at end of input
  return out;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Properties.loadConvert.
std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) break;  // a lone trailing backslash is dropped
    c = s[i];
    if (c == 'u') {
      if (i + 4 >= s.size()) return std::nullopt;
      unsigned cp = 0;
      for (int k = 1; k <= 4; ++k) {
        const int v = hex_value(s[i + static_cast<std::size_t>(k)]);
        if (v < 0) return std::nullopt;
        cp = (cp << 4) | static_cast<unsigned>(v);
      }
      i += 4;
      append_utf8(out, cp);
    } else if (c == 't') {
      out += '\t';
    } else if (c == 'r') {
      out += '\r';
    } else if (c == 'n') {
      out += '\n';
    } else if (c == 'f') {
      out += '\f';
    } else {
      out += c;
    }
  }
  return out;
}

// Properties.saveConvert with escUnicode = false (store to a Writer).
void append_escaped(std::string& out, std::string_view s, bool escape_space) {
  for (std::size_t x = 0; x < s.size(); ++x) {
    const char c = s[x];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ' ':
        out += (x == 0 || escape_space) ? "\\ " : " ";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\f':
        out += "\\f";
        break;
      case '=':
      case ':':
      case '#':
      case '!':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

Result<JavaProperties> parse_java_properties(std::string_view text, const std::string& location) {
  JavaProperties props;
  for (const std::string& line : logical_lines(text)) {
    std::size_t key_len = 0;
    std::size_t value_start = line.size();
    bool has_separator = false;
    bool preceding_backslash = false;
    while (key_len < line.size()) {
      const char c = line[key_len];
      if ((c == '=' || c == ':') && !preceding_backslash) {
        value_start = key_len + 1;
        has_separator = true;
        break;
      }
      if (is_blank(c) && !preceding_backslash) {
        value_start = key_len + 1;
        break;
      }
      preceding_backslash = (c == '\\') ? !preceding_backslash : false;
      ++key_len;
    }
    while (value_start < line.size()) {
      const char c = line[value_start];
      if (!is_blank(c)) {
        if (!has_separator && (c == '=' || c == ':')) {
          has_separator = true;
        } else {
          break;
        }
      }
      ++value_start;
    }
    auto key = unescape(std::string_view(line).substr(0, key_len));
    auto value = unescape(std::string_view(line).substr(std::min(value_start, line.size())));
    if (!key || !value) {
      return Result<JavaProperties>(ErrorCode::KAFKA_STORAGE_ERROR,
                                    "Malformed \\uxxxx encoding in " + location + ": " + line);
    }
    props.insert_or_assign(std::move(*key), std::move(*value));
  }
  return props;
}

std::string java_date_string(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %s %02d %02d:%02d:%02d UTC %d", kDays[tm.tm_wday], kMonths[tm.tm_mon], tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
  return buf;
}

std::string format_java_properties(const JavaProperties& props, std::chrono::system_clock::time_point now) {
  std::string out = "#\n#" + java_date_string(now) + "\n";
  for (const auto& [key, value] : props) {
    append_escaped(out, key, /*escape_space=*/true);
    out += '=';
    append_escaped(out, value, /*escape_space=*/false);
    out += '\n';
  }
  return out;
}

}  // namespace sluice::storage
