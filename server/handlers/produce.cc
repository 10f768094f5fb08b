// Produce (key 0): appends each partition's records as leader. acks=0 gets
// no response; acks=1 and acks=-1 are answered once the append is in the
// page cache (with a single replica the ISR is this broker), or, with
// flush.messages reached, once it is on disk. Transactional writes are
// verified with the transaction coordinator first (KIP-890); the log itself
// refuses sequence gaps and stale epochs and acknowledges a duplicate batch
// with its original offsets.
#include "protocol/generated/produce_request.h"
#include "protocol/generated/produce_response.h"
#include "protocol/records/record_batch.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/handlers/handlers.h"
#include "server/txn_verification.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using protocol::ProduceRequest;
using protocol::ProduceResponse;

constexpr std::int16_t code(ErrorCode e) { return static_cast<std::int16_t>(e); }

// ProduceRequest.validateRecords: from v3 on, exactly one v2 batch; zstd
// only from v7 (KIP-110).
protocol::Status check_request_records(std::int16_t version, const protocol::RecordsView& records) {
  if (version < 3) return {};
  protocol::EntryIterator it(records.bytes());
  auto first = it.next();
  if (!first || it.next() || it.remaining() != 0) {
    return {ErrorCode::INVALID_RECORD,
            "Produce requests with version 3 and above must contain exactly one record batch"};
  }
  auto header = protocol::peek_entry(*first);
  if (!header || header->magic != protocol::kCurrentMagic) {
    return {ErrorCode::INVALID_RECORD, "Produce requests with version 3 and above must use record batch magic 2"};
  }
  auto batch = protocol::parse_batch_header(*first);
  if (batch && version < 7 && batch->compression() == protocol::CompressionType::kZstd) {
    return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "zstd needs Produce version 7 or later"};
  }
  return {};
}

// Everything Kafka checks before a partition's records reach its log; the
// log when they may.
protocol::Result<std::shared_ptr<storage::Log>> check_partition(RequestContext& ctx, const ProduceRequest& req,
                                                                const storage::TopicPartition& tp,
                                                                const protocol::RecordsView& records) {
  if (req.acks != 0 && req.acks != 1 && req.acks != -1) return protocol::Status{ErrorCode::INVALID_REQUIRED_ACKS, {}};
  if (ctx.services.is_internal_topic(tp.topic)) {
    return protocol::Status{ErrorCode::INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + tp.topic};
  }
  auto partition = ctx.services.replicas.partition_or_error(tp);
  if (!partition) return partition.status();
  if (protocol::Status s = check_request_records(ctx.api_version(), records); !s.ok()) return s;
  const auto& log = (*partition)->log();
  if (req.acks == -1 && log->config()->min_insync_replicas > 1) {
    // One broker is the whole ISR (until replication arrives).
    return protocol::Status{ErrorCode::NOT_ENOUGH_REPLICAS,
                            "The size of the current ISR 1 is insufficient to satisfy the min.isr requirement of " +
                                std::to_string(log->config()->min_insync_replicas)};
  }
  return log;
}

// The producer of a transactional batch, which KIP-890 verifies.
std::optional<TxnWrite> txn_write_of(const storage::TopicPartition& tp, const protocol::RecordsView& records) {
  protocol::EntryIterator it(records.bytes());
  auto first = it.next();
  if (!first) return std::nullopt;
  auto batch = protocol::parse_batch_header(*first);
  if (!batch || !batch->is_transactional() || !batch->has_producer_id()) return std::nullopt;
  return TxnWrite{tp, batch->producer_id, batch->producer_epoch};
}

}  // namespace

asio::awaitable<ProduceResponse> handle_produce(RequestContext& ctx, ProduceRequest& req) {
  ProduceResponse resp;
  bool any_error = false;
  // Logs to flush before answering (flush.messages): the offset to reach and
  // the response entry (topic, partition index) that reports a failure.
  struct PendingFlush {
    std::shared_ptr<storage::Log> log;
    std::int64_t offset;
    std::size_t topic;
    std::size_t partition;
  };
  std::vector<PendingFlush> to_flush;

  // A partition that passed the checks, waiting for its append.
  struct Ready {
    storage::TopicPartition tp;
    std::shared_ptr<storage::Log> log;
    std::span<std::uint8_t> records;
    std::size_t topic;
    std::size_t partition;
  };
  std::vector<Ready> ready;
  std::vector<TxnWrite> txn_writes;
  auto fail = [&](std::size_t topic, std::size_t partition, const protocol::Status& s) {
    auto& p = resp.responses[topic].partition_responses[partition];
    p.error_code = code(s.code);
    p.base_offset = -1;
    if (!s.detail.empty()) p.error_message = s.detail;
    any_error = true;
  };

  for (auto& topic : req.topic_data) {
    auto& topic_resp = resp.responses.emplace_back();
    topic_resp.name = topic.name;
    const std::size_t ti = resp.responses.size() - 1;
    for (auto& part : topic.partition_data) {
      topic_resp.partition_responses.emplace_back().index = part.index;
      const std::size_t pi = topic_resp.partition_responses.size() - 1;
      const storage::TopicPartition tp{topic.name, part.index};
      auto log = check_partition(ctx, req, tp, part.records);
      if (!log) {
        fail(ti, pi, log.status());
        continue;
      }
      if (req.transactional_id) {
        if (auto w = txn_write_of(tp, part.records)) txn_writes.push_back(*w);
      }
      // The request buffer is ours for the whole request: offsets, epochs and
      // timestamps are assigned in place, as Kafka does with its buffer.
      ready.push_back(
          {tp, *log,
           std::span<std::uint8_t>(const_cast<std::uint8_t*>(part.records.bytes().data()), part.records.size()), ti,
           pi});
    }
  }

  std::map<storage::TopicPartition, protocol::Status> refused;
  if (!txn_writes.empty()) refused = co_await verify_txn_writes(ctx, *req.transactional_id, txn_writes);

  for (const Ready& r : ready) {
    if (auto it = refused.find(r.tp); it != refused.end()) {
      fail(r.topic, r.partition, it->second);
      continue;
    }
    auto& p = resp.responses[r.topic].partition_responses[r.partition];
    std::vector<storage::RecordError> record_errors;
    auto info = ctx.services.replicas.append(r.tp, r.records, storage::AppendOrigin::kClient, record_errors);
    if (!info) {
      fail(r.topic, r.partition, info.status());
      for (const auto& e : record_errors) {
        auto& re = p.record_errors.emplace_back();
        re.batch_index = e.batch_index;
        re.batch_index_error_message = e.message;
      }
      continue;
    }
    p.base_offset = info->first_offset;
    p.log_append_time_ms = info->log_append_time;
    p.log_start_offset = info->log_start_offset;
    if (!info->duplicate && r.log->unflushed_messages() >= r.log->config()->flush_messages) {
      to_flush.push_back({r.log, r.log->log_end_offset(), r.topic, r.partition});
    }
  }

  for (PendingFlush& f : to_flush) {
    protocol::Status flushed =
        co_await await_completion<protocol::Status>([&ctx, &f](std::function<void(protocol::Status)> done) {
          ctx.services.logs.flush_async(f.log, f.offset, std::move(done));
        });
    if (!flushed.ok()) {
      auto& p = resp.responses[f.topic].partition_responses[f.partition];
      p.error_code = code(ErrorCode::KAFKA_STORAGE_ERROR);
      p.error_message = flushed.detail;
      any_error = true;
    }
  }
  if (req.acks == 0) {
    ctx.suppress_response = true;
    // With acks=0 the only way to tell the producer something failed is to
    // close the connection (Kafka does the same).
    ctx.close_connection = any_error;
  }
  co_return resp;
}

}  // namespace sluice::server
