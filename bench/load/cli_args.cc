#include "bench/load/cli_args.h"

#include <charconv>
#include <cstdio>

namespace sluice::bench {

CliArgs::CliArgs(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with("--") || arg.size() == 2) {
      if (error_.empty()) error_ = "unexpected argument " + std::string(arg);
      continue;
    }
    if (i + 1 >= argc) {
      if (error_.empty()) error_ = std::string(arg) + " needs a value";
      continue;
    }
    values_.emplace(std::string(arg.substr(2)), argv[++i]);
  }
}

std::string CliArgs::text(std::string_view name, std::string_view fallback) {
  used_.emplace(name);
  auto it = values_.find(name);
  return it == values_.end() ? std::string(fallback) : it->second;
}

std::int64_t CliArgs::integer(std::string_view name, std::int64_t fallback) {
  const std::string v = text(name, "");
  if (v.empty()) return fallback;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    if (error_.empty()) error_ = "--" + std::string(name) + ": not an integer: " + v;
    return fallback;
  }
  return out;
}

double CliArgs::number(std::string_view name, double fallback) {
  const std::string v = text(name, "");
  if (v.empty()) return fallback;
  double out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    if (error_.empty()) error_ = "--" + std::string(name) + ": not a number: " + v;
    return fallback;
  }
  return out;
}

std::vector<std::string> CliArgs::all(std::string_view name) {
  used_.emplace(name);
  std::vector<std::string> out;
  auto [lo, hi] = values_.equal_range(name);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

bool CliArgs::finish() {
  if (error_.empty()) {
    for (const auto& [name, value] : values_) {
      if (!used_.contains(name)) {
        error_ = "unknown flag --" + name;
        break;
      }
    }
  }
  if (error_.empty()) return true;
  std::fprintf(stderr, "error: %s\n", error_.c_str());
  return false;
}

}  // namespace sluice::bench
