// sluice [server.properties] [--override key=value]...
// Starts one broker, as Kafka's kafka-server-start does, and stops it cleanly
// on SIGTERM or SIGINT.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/broker.h"
#include "server/config/broker_config.h"

namespace {

constexpr std::string_view kUsage =
    "Usage: sluice [server.properties] [--override key=value]...\n"
    "\n"
    "Runs a Kafka-compatible broker. With no arguments it listens on 127.0.0.1:9092\n"
    "and keeps its data in ./data. Configuration keys are Kafka's broker keys.\n"
    "\n"
    "Options:\n"
    "  --override key=value   set a configuration key (repeatable; wins over the file)\n"
    "  --help                 print this help and exit\n"
    "  --version              print the version and exit\n";

struct Arguments {
  std::optional<std::string> properties_file;
  std::vector<std::pair<std::string, std::string>> overrides;
};

// Returns nullopt after printing what went wrong (or help/version).
std::optional<Arguments> parse_arguments(int argc, char** argv, int& exit_code) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage.data(), stdout);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--version") {
      std::printf("sluice %s\n", SLUICE_VERSION);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--override") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: --override needs key=value\n");
        exit_code = 1;
        return std::nullopt;
      }
      const std::string_view kv = argv[++i];
      const std::size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        std::fprintf(stderr, "error: --override %s: expected key=value\n", argv[i]);
        exit_code = 1;
        return std::nullopt;
      }
      args.overrides.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
      continue;
    }
    if (arg.starts_with("-") || args.properties_file) {
      std::fprintf(stderr, "error: unexpected argument %s\n%s", argv[i], kUsage.data());
      exit_code = 1;
      return std::nullopt;
    }
    args.properties_file = std::string(arg);
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<Arguments> args = parse_arguments(argc, argv, exit_code);
  if (!args) return exit_code;

  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> warnings;
  auto config = sluice::server::BrokerConfig::load(args->properties_file, args->overrides, warnings);
  if (!config) {
    std::fprintf(stderr, "error: %s\n", config.status().detail.c_str());
    return 1;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level()));
  for (const std::string& w : warnings) spdlog::warn("{}", w);

  sluice::server::Broker broker(std::move(config).value());
  if (auto s = broker.start(); !s.ok()) {
    spdlog::critical("sluice failed to start: {}", s.detail);
    return 1;
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("received signal {}, shutting down", signal);
  if (auto s = broker.stop(); !s.ok()) {
    spdlog::error("shutdown: {}", s.detail);
    return 1;
  }
  spdlog::info("sluice stopped");
  return 0;
}
