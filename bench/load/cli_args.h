// `--name value` flags for the load tools. Reads never fail on the spot: the
// first bad or unknown flag is remembered and finish() reports it, so a tool
// reads all its flags and checks once.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

class CliArgs {
 public:
  // Parses argv[first..]; every flag takes one value.
  CliArgs(int argc, char** argv, int first);

  std::string text(std::string_view name, std::string_view fallback);
  std::int64_t integer(std::string_view name, std::int64_t fallback);
  double number(std::string_view name, double fallback);
  // Every value of a repeatable flag, in order.
  std::vector<std::string> all(std::string_view name);

  // False (after printing why) on a malformed or unknown flag.
  bool finish();

 private:
  std::multimap<std::string, std::string, std::less<>> values_;
  std::set<std::string, std::less<>> used_;
  std::string error_;
};

}  // namespace sluice::bench
