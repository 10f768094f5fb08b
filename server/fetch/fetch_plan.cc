#include "server/fetch/fetch_plan.h"

#include <algorithm>

#include "protocol/records/convert.h"
#include "protocol/records/record_batch.h"
#include "server/broker_services.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using protocol::FetchRequest;

SessionPartition from_request(BrokerServices& services, const FetchRequest::FetchTopic& topic,
                              const FetchRequest::FetchPartition& p, std::int16_t version) {
  SessionPartition sp;
  if (version >= 13) {
    sp.topic_id = topic.topic_id;
    // An unknown id leaves the name empty: the read reports UNKNOWN_TOPIC_ID.
    sp.tp.topic = services.topic_name(topic.topic_id).value_or("");
  } else {
    sp.tp.topic = topic.topic;
    sp.topic_id = services.topic_id(topic.topic);
  }
  sp.tp.partition = p.partition;
  sp.fetch_offset = p.fetch_offset;
  sp.max_bytes = p.partition_max_bytes;
  sp.current_leader_epoch = version >= 9 ? p.current_leader_epoch : -1;
  sp.last_fetched_epoch = version >= 12 ? p.last_fetched_epoch : -1;
  sp.log_start_offset = p.log_start_offset;
  return sp;
}

bool same_partition(const SessionPartition& a, const SessionPartition& b) {
  return a.tp == b.tp && a.topic_id == b.topic_id;
}

// An incremental request: add or update the partitions it names, drop the
// forgotten ones (Kafka's FetchSession.update).
void apply_incremental(BrokerServices& services, const FetchRequest& req, std::int16_t version,
                       std::vector<SessionPartition>& session) {
  for (const auto& topic : req.forgotten_topics_data) {
    const std::string name = version >= 13 ? services.topic_name(topic.topic_id).value_or("") : topic.topic;
    for (std::int32_t partition : topic.partitions) {
      std::erase_if(session, [&](const SessionPartition& sp) {
        return version >= 13 ? sp.topic_id == topic.topic_id && sp.tp.partition == partition
                             : sp.tp.topic == name && sp.tp.partition == partition;
      });
    }
  }
  for (const auto& topic : req.topics) {
    for (const auto& p : topic.partitions) {
      SessionPartition incoming = from_request(services, topic, p, version);
      auto it = std::find_if(session.begin(), session.end(),
                             [&](const SessionPartition& sp) { return same_partition(sp, incoming); });
      if (it == session.end()) {
        session.push_back(std::move(incoming));
      } else {
        it->fetch_offset = incoming.fetch_offset;
        it->max_bytes = incoming.max_bytes;
        it->current_leader_epoch = incoming.current_leader_epoch;
        it->last_fetched_epoch = incoming.last_fetched_epoch;
        it->log_start_offset = incoming.log_start_offset;
      }
    }
  }
}

// Whether an incremental response must carry this partition (Kafka's
// CachedPartition.maybeUpdateResponseData).
bool has_news(const SessionPartition& sp, const PartitionRead& r) {
  return !r.error.ok() || r.diverging || r.data.records.length > 0 || r.data.high_watermark != sp.sent_high_watermark ||
         r.data.last_stable_offset != sp.sent_last_stable_offset || r.data.log_start_offset != sp.sent_log_start_offset;
}

constexpr std::int16_t code(ErrorCode e) { return static_cast<std::int16_t>(e); }

}  // namespace

std::vector<storage::TopicPartition> FetchPlan::topic_partitions() const {
  std::vector<storage::TopicPartition> out;
  for (const auto& sp : partitions) {
    if (!sp.tp.topic.empty()) out.push_back(sp.tp);
  }
  return out;
}

protocol::Result<FetchPlan> plan_fetch(BrokerServices& services, const FetchRequest& req, std::int16_t version) {
  FetchPlan plan;
  plan.read_committed = version >= 4 && req.isolation_level == 1;
  const std::int64_t now = services.clock.now_ms();
  const bool sessions = version >= 7;
  if (sessions && req.session_id != kInvalidSessionId && req.session_epoch > kInitialEpoch) {
    plan.incremental = true;
    plan.session_id = req.session_id;
    protocol::Status s = services.fetch_sessions.with_session(
        req.session_id, req.session_epoch, now, [&](FetchSessionCache::Session& session) {
          apply_incremental(services, req, version, session.partitions);
          plan.partitions = session.partitions;
        });
    if (!s.ok()) return s;
    return plan;
  }
  // A full fetch; an existing session named with epoch 0 or -1 is closed.
  if (sessions && req.session_id != kInvalidSessionId) services.fetch_sessions.remove(req.session_id);
  for (const auto& topic : req.topics) {
    for (const auto& p : topic.partitions) plan.partitions.push_back(from_request(services, topic, p, version));
  }
  if (sessions && req.session_epoch == kInitialEpoch && !plan.partitions.empty()) {
    plan.session_id = services.fetch_sessions.create(plan.partitions, now).value_or(kInvalidSessionId);
  }
  return plan;
}

void build_fetch_response(RequestContext& ctx, std::int16_t version, const FetchPlan& plan,
                          const std::vector<PartitionRead>& reads, protocol::FetchResponse& resp) {
  constexpr std::size_t kMaxDownConversion = 64 << 20;
  for (std::size_t i = 0; i < plan.partitions.size(); ++i) {
    const SessionPartition& sp = plan.partitions[i];
    const PartitionRead& r = reads[i];
    if (plan.incremental && !has_news(sp, r)) continue;
    const bool same_topic = !resp.responses.empty() && (version >= 13 ? resp.responses.back().topic_id == sp.topic_id
                                                                      : resp.responses.back().topic == sp.tp.topic);
    if (!same_topic) {
      auto& t = resp.responses.emplace_back();
      t.topic = sp.tp.topic;
      t.topic_id = sp.topic_id;
    }
    auto& out = resp.responses.back().partitions.emplace_back();
    out.partition_index = sp.tp.partition;
    out.records = protocol::RecordsView(std::span<const std::uint8_t>());
    protocol::Status error = r.error;
    // KIP-110: readers before Fetch v10 are refused a topic configured with
    // compression.type=zstd; producer-compressed zstd batches still go to
    // v4-v9 as stored, as Kafka does (only down-conversion fails on them).
    if (error.ok() && version < 10 && r.zstd_topic) error = {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, {}};
    if (error.ok() && !r.data.records.empty()) {
      if (version >= 10) {
        out.records = protocol::RecordsView::external(r.data.records.length);
        ctx.external_records.push_back(r.data.records);
      } else {
        auto bytes = read_slice(r.data.records);
        if (!bytes) {
          error = bytes.status();
        } else if (version >= 4) {
          out.records = protocol::RecordsView(ctx.owned_buffers.emplace_back(std::move(*bytes)));
        } else if (!r.downconversion_enabled) {
          error = {ErrorCode::UNSUPPORTED_VERSION, {}};
        } else {
          auto converted = protocol::down_convert(*bytes, protocol::fetch_magic_for_version(version), sp.fetch_offset,
                                                  kMaxDownConversion);
          if (!converted) {
            error = converted.status();
          } else {
            out.records = protocol::RecordsView(ctx.owned_buffers.emplace_back(std::move(*converted)));
          }
        }
      }
    }
    if (!error.ok()) {
      out.error_code = code(error.code);
      out.high_watermark = -1;
      out.last_stable_offset = -1;
      out.log_start_offset = -1;
      out.records = protocol::RecordsView(std::span<const std::uint8_t>());
      continue;
    }
    out.high_watermark = r.data.high_watermark;
    out.last_stable_offset = r.data.last_stable_offset;
    out.log_start_offset = r.data.log_start_offset;
    if (r.diverging) {
      out.diverging_epoch.epoch = r.diverging->epoch;
      out.diverging_epoch.end_offset = r.diverging->end_offset;
    }
    // read_committed consumers get the aborted transactions in the range
    // they read, to skip their records; read_uncommitted ones get null, as Kafka.
    if (version >= 4 && plan.read_committed) {
      auto& aborted = out.aborted_transactions.emplace();
      if (r.data.aborted_transactions) {
        for (const storage::AbortedTxn& a : *r.data.aborted_transactions) {
          auto& t = aborted.emplace_back();
          t.producer_id = a.producer_id;
          t.first_offset = a.first_offset;
        }
      }
    } else {
      out.aborted_transactions = std::nullopt;
    }
  }
}

void finish_fetch_plan(BrokerServices& services, const FetchPlan& plan, const std::vector<PartitionRead>& reads) {
  if (plan.session_id == kInvalidSessionId) return;
  services.fetch_sessions.update(plan.session_id, [&](FetchSessionCache::Session& session) {
    for (std::size_t i = 0; i < plan.partitions.size(); ++i) {
      const SessionPartition& read = plan.partitions[i];
      for (SessionPartition& sp : session.partitions) {
        if (!same_partition(sp, read)) continue;
        sp.sent_high_watermark = reads[i].error.ok() ? reads[i].data.high_watermark : -1;
        sp.sent_last_stable_offset = reads[i].error.ok() ? reads[i].data.last_stable_offset : -1;
        sp.sent_log_start_offset = reads[i].error.ok() ? reads[i].data.log_start_offset : -1;
      }
    }
  });
}

}  // namespace sluice::server
