// sluice_null_sink [--port N] [--partitions N] [--host IPv4]
// A Kafka produce endpoint that stores nothing (see null_sink.h); it serves
// until killed.
#include <csignal>
#include <cstdio>

#include "bench/load/cli_args.h"
#include "bench/load/null_sink.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  sluice::bench::CliArgs args(argc, argv, 1);
  sluice::bench::NullSinkOptions options;
  options.host = args.text("host", options.host);
  options.port = static_cast<std::uint16_t>(args.integer("port", 0));
  options.partitions = static_cast<std::int32_t>(args.integer("partitions", options.partitions));
  if (!args.finish()) return 2;
  const auto status = sluice::bench::run_null_sink(options);
  std::fprintf(stderr, "sluice_null_sink: %s\n", status.detail.c_str());
  return 1;
}
