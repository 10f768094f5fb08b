// sluice_load COMMAND [--flag value]...
// The broker load benchmark's client side (bench/load/run.sh drives it). Each
// command prints one line of key=value pairs on stdout, or an error on stderr
// and exits non-zero.
#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>

#include "bench/load/cli_args.h"
#include "bench/load/consume_run.h"
#include "bench/load/io_baseline.h"
#include "bench/load/latency_run.h"
#include "bench/load/produce_run.h"
#include "bench/load/startup_probe.h"

namespace sluice::bench {
namespace {

constexpr std::string_view kUsage =
    "Usage: sluice_load COMMAND [--flag value]...\n"
    "  produce    --bootstrap H:P --topic T [--partitions 4] [--acks 1|all] [--mb 512]\n"
    "             [--record-size 1024] [--linger-ms 5] [--create 0|1] [--watch-pid PID]\n"
    "  consume    --bootstrap H:P --topics T1,T2 [--partitions 4] [--api simple|assign] [--watch-pid PID]\n"
    "  latency    --bootstrap H:P --topic T [--partitions 4] [--acks all] [--rate-mb 20] [--seconds 10]\n"
    "             [--warmup-seconds 1] [--record-size 1024] [--create 0|1] [--api simple|assign]\n"
    "  disk-write --dir D --bytes N [--chunk 1048576] [--keep 0|1]\n"
    "  cache-read --dir DATA_DIR --topics T1,T2 [--chunk 1048576]\n"
    "  startup    --binary PATH --dir D [--runs 5] [--idle-ms 1000] [--override k=v]...\n"
    "MB are 10^6 bytes of record values.\n";

int fail(const protocol::Status& s) {
  std::fprintf(stderr, "error: %s\n", s.detail.c_str());
  return 1;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

ConsumerApi consumer_api(CliArgs& args) {
  return args.text("api", "simple") == "assign" ? ConsumerApi::kAssign : ConsumerApi::kSimple;
}

int produce(CliArgs& args) {
  ProduceOptions o;
  o.bootstrap = args.text("bootstrap", "127.0.0.1:9092");
  o.topic = args.text("topic", "sluice-load");
  o.partitions = static_cast<std::int32_t>(args.integer("partitions", o.partitions));
  o.acks = args.text("acks", o.acks);
  o.bytes = static_cast<std::int64_t>(args.number("mb", 512) * 1e6);
  o.record_size = static_cast<std::int32_t>(args.integer("record-size", o.record_size));
  o.linger_ms = static_cast<std::int32_t>(args.integer("linger-ms", o.linger_ms));
  o.create_topic = args.integer("create", 0) != 0;
  o.watch_pid = static_cast<int>(args.integer("watch-pid", 0));
  if (!args.finish()) return 2;
  auto t = run_produce(o);
  if (!t.ok()) return fail(t.status());
  std::printf("%s\n", describe(*t).c_str());
  return 0;
}

int consume(CliArgs& args) {
  ConsumeOptions o;
  o.bootstrap = args.text("bootstrap", "127.0.0.1:9092");
  const auto partitions = static_cast<std::int32_t>(args.integer("partitions", 4));
  for (const std::string& t : split(args.text("topics", "sluice-load"))) o.topics.push_back({t, partitions});
  o.api = consumer_api(args);
  o.watch_pid = static_cast<int>(args.integer("watch-pid", 0));
  if (!args.finish()) return 2;
  auto t = run_consume(o);
  if (!t.ok()) return fail(t.status());
  std::printf("%s\n", describe(*t).c_str());
  return 0;
}

int latency(CliArgs& args) {
  LatencyOptions o;
  o.bootstrap = args.text("bootstrap", "127.0.0.1:9092");
  o.topic = args.text("topic", "sluice-load-latency");
  o.partitions = static_cast<std::int32_t>(args.integer("partitions", o.partitions));
  o.acks = args.text("acks", o.acks);
  o.mb_per_s = args.number("rate-mb", o.mb_per_s);
  o.seconds = args.number("seconds", o.seconds);
  o.warmup_seconds = args.number("warmup-seconds", o.warmup_seconds);
  o.record_size = static_cast<std::int32_t>(args.integer("record-size", o.record_size));
  o.create_topic = args.integer("create", 0) != 0;
  o.api = consumer_api(args);
  if (!args.finish()) return 2;
  auto r = run_latency(o);
  if (!r.ok()) return fail(r.status());
  std::printf("sent=%lld received=%lld measured=%lld mb_per_s=%.2f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
              static_cast<long long>(r->sent), static_cast<long long>(r->received), static_cast<long long>(r->measured),
              r->achieved_mb_per_s, r->p50_ms, r->p99_ms, r->p999_ms, r->max_ms);
  return 0;
}

int disk_write(CliArgs& args) {
  const std::string dir = args.text("dir", ".");
  const std::int64_t bytes = args.integer("bytes", 512'000'000);
  const auto chunk = static_cast<std::size_t>(args.integer("chunk", 1 << 20));
  const bool keep = args.integer("keep", 0) != 0;
  if (!args.finish()) return 2;
  auto w = write_sequential(dir, bytes, chunk, keep);
  if (!w.ok()) return fail(w.status());
  std::printf("bytes=%lld seconds=%.4f mb_per_s=%.1f fsync_seconds=%.4f\n", static_cast<long long>(w->bytes),
              w->seconds, static_cast<double>(w->bytes) / 1e6 / w->seconds, w->fsync_seconds);
  return 0;
}

int cache_read(CliArgs& args) {
  const std::string dir = args.text("dir", ".");
  const std::vector<std::string> topics = split(args.text("topics", "sluice-load"));
  const auto chunk = static_cast<std::size_t>(args.integer("chunk", 1 << 20));
  if (!args.finish()) return 2;
  auto r = read_segments(dir, topics, chunk);
  if (!r.ok()) return fail(r.status());
  std::printf("files=%lld bytes=%lld seconds=%.4f mb_per_s=%.1f\n", static_cast<long long>(r->files),
              static_cast<long long>(r->bytes), r->seconds, static_cast<double>(r->bytes) / 1e6 / r->seconds);
  return 0;
}

template <class T>
T median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int startup(CliArgs& args) {
  StartupOptions o;
  o.binary = args.text("binary", "");
  o.work_dir = args.text("dir", "");
  o.runs = static_cast<int>(args.integer("runs", o.runs));
  o.idle_ms = static_cast<int>(args.integer("idle-ms", o.idle_ms));
  o.overrides = args.all("override");
  if (!args.finish()) return 2;
  if (o.binary.empty() || o.work_dir.empty() || o.runs < 1) {
    std::fprintf(stderr, "error: startup needs --binary, --dir and --runs >= 1\n");
    return 2;
  }
  auto r = probe_startup(o);
  if (!r.ok()) return fail(r.status());
  std::string all;
  for (const double ms : r->ready_ms) all += (all.empty() ? "" : ",") + std::to_string(ms).substr(0, 6);
  std::printf(
      "runs=%d ready_ms_median=%.1f ready_ms_max=%.1f idle_rss_kib_median=%lld idle_rss_kib_max=%lld "
      "ready_ms_all=%s\n",
      o.runs, median(r->ready_ms), *std::max_element(r->ready_ms.begin(), r->ready_ms.end()),
      static_cast<long long>(median(r->idle_rss_kib)),
      static_cast<long long>(*std::max_element(r->idle_rss_kib.begin(), r->idle_rss_kib.end())), all.c_str());
  return 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  using namespace sluice::bench;
  const std::string_view command = argc > 1 ? argv[1] : "";
  CliArgs args(argc, argv, 2);
  if (command == "produce") return produce(args);
  if (command == "consume") return consume(args);
  if (command == "latency") return latency(args);
  if (command == "disk-write") return disk_write(args);
  if (command == "cache-read") return cache_read(args);
  if (command == "startup") return startup(args);
  std::fputs(kUsage.data(), command == "--help" || command == "help" ? stdout : stderr);
  return command == "--help" || command == "help" ? 0 : 2;
}
