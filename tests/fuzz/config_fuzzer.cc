// libFuzzer target: a server.properties file as `sluice server.properties`
// reads it: Java .properties parsing, then every key and value validated
// against Kafka's broker config definitions. Any text is a config or an
// error naming the key, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/broker_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace s = sluice::server;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto properties = s::parse_java_properties(text);
  if (!properties) return 0;
  std::vector<std::string> warnings;
  // As --override pairs: the same validation as the file, without the disk.
  (void)s::BrokerConfig::load(std::nullopt, *properties, warnings);
  return 0;
}
