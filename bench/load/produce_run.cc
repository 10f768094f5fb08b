#include "bench/load/produce_run.h"

#include <unistd.h>

#include <chrono>
#include <vector>

#include "bench/load/kafka_client.h"
#include "bench/load/proc_stats.h"

namespace sluice::bench {
namespace {

using protocol::ErrorCode;
using protocol::Status;

struct Deliveries {
  std::int64_t acked = 0;
  std::int64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* d = static_cast<Deliveries*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++d->acked;
  } else {
    if (d->failed++ == 0) d->first_error = m->err;
  }
}

}  // namespace

protocol::Result<Transfer> run_produce(const ProduceOptions& o) {
  if (o.record_size < 8 || o.partitions < 1 || o.bytes < o.record_size) {
    return Status{ErrorCode::INVALID_REQUEST, "need record size >= 8, partitions >= 1, bytes >= record size"};
  }
  Deliveries deliveries;
  const KafkaSettings settings = {
      {"bootstrap.servers", o.bootstrap},         {"client.id", "sluice-load"}, {"acks", o.acks},
      {"linger.ms", std::to_string(o.linger_ms)}, {"compression.type", "none"}, {"enable.idempotence", "false"},
      {"message.timeout.ms", "120000"},
  };
  auto client = make_client(RD_KAFKA_PRODUCER, settings, [&](rd_kafka_conf_t* conf) {
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &deliveries);
  });
  if (!client.ok()) return client.status();
  rd_kafka_t* rk = client->get();

  if (o.create_topic) {
    if (Status s = create_topic(rk, o.topic, o.partitions); !s.ok()) return s;
  }
  if (Status s = await_partitions(rk, o.topic, o.partitions, std::chrono::seconds(30)); !s.ok()) return s;
  TopicHandle rkt(rd_kafka_topic_new(rk, o.topic.c_str(), nullptr));

  // One payload for every record, sent without copying (flag 0): the client
  // then spends no CPU the broker could have used on this small machine.
  const std::vector<char> payload(static_cast<std::size_t>(o.record_size), 'x');
  const std::int64_t records = o.bytes / o.record_size;

  const CpuWatch cpu(o.watch_pid);
  const CpuWatch client_cpu(::getpid());
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < records; ++i) {
    const auto partition = static_cast<std::int32_t>(i % o.partitions);
    while (rd_kafka_produce(rkt.get(), partition, 0, const_cast<char*>(payload.data()), payload.size(), nullptr, 0,
                            nullptr) != 0) {
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return kafka_error("produce", err);
      rd_kafka_poll(rk, 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  const rd_kafka_resp_err_t flushed = rd_kafka_flush(rk, 180000);
  const auto end = std::chrono::steady_clock::now();
  Transfer t;
  t.broker_cpu = cpu.stop();
  t.client_cpu = client_cpu.stop();
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("flush", flushed);
  if (deliveries.failed > 0) {
    return kafka_error(std::to_string(deliveries.failed) + " records failed, first", deliveries.first_error);
  }
  if (deliveries.acked != records) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR,
                  "acked " + std::to_string(deliveries.acked) + " of " + std::to_string(records) + " records"};
  }
  t.records = records;
  t.bytes = records * o.record_size;
  t.seconds = std::chrono::duration<double>(end - start).count();
  return t;
}

}  // namespace sluice::bench
