#include "bench/load/latency_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "bench/load/kafka_client.h"

namespace sluice::bench {
namespace {

using protocol::ErrorCode;
using protocol::Status;
using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Deliveries {
  std::int64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* d = static_cast<Deliveries*>(opaque);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && d->failed++ == 0) d->first_error = m->err;
}

double percentile_ms(const std::vector<std::int64_t>& sorted_ns, double q) {
  if (sorted_ns.empty()) return 0;
  const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted_ns.size() - 1) + 0.5);
  return static_cast<double>(sorted_ns[std::min(i, sorted_ns.size() - 1)]) / 1e6;
}

}  // namespace

protocol::Result<LatencyResult> run_latency(const LatencyOptions& o) {
  if (o.record_size < 8 || o.mb_per_s <= 0 || o.seconds <= o.warmup_seconds) {
    return Status{ErrorCode::INVALID_REQUEST, "need record size >= 8, a positive rate, seconds > warm-up"};
  }
  Deliveries deliveries;
  const KafkaSettings settings = {
      {"bootstrap.servers", o.bootstrap}, {"client.id", "sluice-load"},    {"acks", o.acks}, {"linger.ms", "0"},
      {"compression.type", "none"},       {"enable.idempotence", "false"},
  };
  auto producer = make_client(RD_KAFKA_PRODUCER, settings, [&](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &deliveries);
  });
  if (!producer.ok()) return producer.status();
  rd_kafka_t* rk = producer->get();
  if (o.create_topic) {
    if (Status s = create_topic(rk, o.topic, o.partitions); !s.ok()) return s;
  }
  if (Status s = await_partitions(rk, o.topic, o.partitions, std::chrono::seconds(30)); !s.ok()) return s;
  TopicHandle rkt(rd_kafka_topic_new(rk, o.topic.c_str(), nullptr));

  // The consumer starts at each high watermark, so it sees exactly this
  // run's records (RD_KAFKA_OFFSET_END would resolve later and could skip some).
  auto reader = PartitionReader::open(o.bootstrap, o.api);
  if (!reader.ok()) return reader.status();
  const std::vector<TopicPartitions> which = {{o.topic, o.partitions}};
  auto marks = (*reader)->watermarks(which);
  if (!marks.ok()) return marks.status();
  std::vector<std::int64_t> offsets;
  for (const auto& m : *marks) offsets.push_back(m.high);
  if (Status s = (*reader)->start(which, offsets); !s.ok()) return s;

  const std::int64_t start_ns = now_ns();
  const std::int64_t warmup_end_ns = start_ns + static_cast<std::int64_t>(o.warmup_seconds * 1e9);
  const std::int64_t end_ns = start_ns + static_cast<std::int64_t>(o.seconds * 1e9);
  std::atomic<std::int64_t> sent{-1};  // -1 until the producer is done
  std::vector<std::int64_t> latencies;
  latencies.reserve(static_cast<std::size_t>(o.mb_per_s * 1e6 / o.record_size * o.seconds) + 1024);
  std::int64_t received = 0;
  Status consumer_status;

  std::thread consumer([&] {
    auto last_progress = Clock::now();
    for (;;) {
      const std::int64_t target = sent.load();
      if (target >= 0 && received >= target) break;
      auto got = (*reader)->poll(std::chrono::milliseconds(20), [&](const rd_kafka_message_t& m) {
        const std::int64_t recv_ns = now_ns();
        ++received;
        std::int64_t sent_ns = 0;
        if (m.len >= sizeof sent_ns) std::memcpy(&sent_ns, m.payload, sizeof sent_ns);
        if (sent_ns >= warmup_end_ns) latencies.push_back(recv_ns - sent_ns);
      });
      if (!got.ok()) {
        consumer_status = got.status();
        return;
      }
      if (*got > 0) {
        last_progress = Clock::now();
      } else if (target >= 0 && Clock::now() - last_progress > std::chrono::seconds(10)) {
        consumer_status = {ErrorCode::REQUEST_TIMED_OUT, "consumer stalled at " + std::to_string(received) + " of " +
                                                             std::to_string(target) + " records"};
        return;
      }
    }
  });

  // Token bucket at 1 ms granularity: send what is due, then sleep.
  const double records_per_ns = o.mb_per_s * 1e6 / o.record_size / 1e9;
  std::vector<char> payload(static_cast<std::size_t>(o.record_size), 'x');
  std::int64_t count = 0;
  Status producer_status;
  for (std::int64_t now = now_ns(); now < end_ns && producer_status.ok(); now = now_ns()) {
    const auto due = static_cast<std::int64_t>(static_cast<double>(now - start_ns) * records_per_ns);
    for (; count < due; ++count) {
      const std::int64_t ts = now_ns();
      std::memcpy(payload.data(), &ts, sizeof ts);
      if (rd_kafka_produce(rkt.get(), static_cast<std::int32_t>(count % o.partitions), RD_KAFKA_MSG_F_COPY,
                           payload.data(), payload.size(), nullptr, 0, nullptr) != 0) {
        producer_status = kafka_error("produce", rd_kafka_last_error());
        break;
      }
    }
    rd_kafka_poll(rk, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double send_seconds = static_cast<double>(now_ns() - start_ns) / 1e9;
  const rd_kafka_resp_err_t flushed = rd_kafka_flush(rk, 30000);
  sent.store(producer_status.ok() ? count : 0);
  consumer.join();

  if (!producer_status.ok()) return producer_status;
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("flush", flushed);
  if (deliveries.failed > 0) {
    return kafka_error(std::to_string(deliveries.failed) + " records failed, first", deliveries.first_error);
  }
  if (!consumer_status.ok()) return consumer_status;

  std::sort(latencies.begin(), latencies.end());
  LatencyResult r;
  r.sent = count;
  r.received = received;
  r.measured = static_cast<std::int64_t>(latencies.size());
  r.achieved_mb_per_s = static_cast<double>(count) * o.record_size / 1e6 / send_seconds;
  r.p50_ms = percentile_ms(latencies, 0.50);
  r.p99_ms = percentile_ms(latencies, 0.99);
  r.p999_ms = percentile_ms(latencies, 0.999);
  r.max_ms = latencies.empty() ? 0 : static_cast<double>(latencies.back()) / 1e6;
  return r;
}

}  // namespace sluice::bench
