// java.util.Properties text, the format of Kafka's meta.properties: what
// Properties.load accepts and exactly what Properties.store(writer, "")
// writes on the JDK 21 that Kafka's images run (keys in sorted order, JDK 18+).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "protocol/result.h"

namespace sluice::storage {

using JavaProperties = std::map<std::string, std::string>;

// Properties.load: '#'/'!' comment lines, blank lines, "key=value",
// "key: value" and "key value" separators, backslash line continuations and
// escapes (\t \n \r \f \uXXXX, \x -> x). A repeated key keeps the last value.
// Only a malformed \uXXXX is an error (KAFKA_STORAGE_ERROR naming `location`).
protocol::Result<JavaProperties> parse_java_properties(std::string_view text, const std::string& location);

// Properties.store(writer, ""):
//   #\n#<date>\n then "key=value\n" per entry in key order, with Java's escaping.
std::string format_java_properties(const JavaProperties& props, std::chrono::system_clock::time_point now);

// java.util.Date.toString in UTC: "Thu Mar 07 19:14:31 UTC 2024".
std::string java_date_string(std::chrono::system_clock::time_point t);

}  // namespace sluice::storage
