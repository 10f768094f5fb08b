// The Java text rules Kafka's file readers apply (BufferedReader.readLine,
// String.split("\\s+"), Integer.parseInt / Long.parseLong), so a file Kafka
// accepts parses here the same way and one it rejects is rejected here too.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::storage {

// Lines as BufferedReader.readLine yields them: terminated by "\n", "\r" or
// "\r\n"; a final line without a terminator still counts; no empty line
// after a trailing terminator.
std::vector<std::string_view> java_read_lines(std::string_view text);

// String.split on a regex separator, keeping Java's quirks: a separator at
// the very start yields a leading empty field, trailing empty fields are
// dropped, and an empty input gives one empty field.
//   java_split_whitespace: separator "\\s+" (space, \t, \n, \v, \f, \r).
//   java_split_colon_whitespace: separator ":\\s+" (partition.metadata).
std::vector<std::string_view> java_split_whitespace(std::string_view line);
std::vector<std::string_view> java_split_colon_whitespace(std::string_view line);

// Integer.parseInt / Long.parseLong: optional '+' or '-', then one or more
// ASCII decimal digits, nothing else, within range.
std::optional<std::int32_t> java_parse_int(std::string_view s);
std::optional<std::int64_t> java_parse_long(std::string_view s);

}  // namespace sluice::storage
