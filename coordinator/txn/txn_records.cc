#include "coordinator/txn/txn_records.h"

#include <map>

#include "coordinator/common/versioned_record.h"
#include "protocol/generated/transaction_log_key.h"
#include "protocol/generated/transaction_log_value.h"
#include "protocol/message_support.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

constexpr std::int16_t kKeyVersion = 0;
constexpr std::int16_t kValueVersion = 0;  // Kafka 3.9 with transaction.version 0

protocol::TransactionLogKey key_of(const std::string& transactional_id) {
  protocol::TransactionLogKey k;
  k.transactional_id = transactional_id;
  return k;
}

}  // namespace

TxnRecord txn_record(const std::string& transactional_id, const TxnTransit& value) {
  protocol::TransactionLogValue v;
  v.producer_id = value.producer_id;
  v.producer_epoch = value.producer_epoch;
  v.transaction_timeout_ms = value.txn_timeout_ms;
  v.transaction_status = static_cast<std::int8_t>(value.state);
  if (value.state == TxnState::kEmpty) {
    v.transaction_partitions.reset();
  } else {
    std::map<std::string, std::vector<std::int32_t>> by_topic;
    for (const auto& tp : value.partitions) by_topic[tp.topic].push_back(tp.partition);
    auto& out = v.transaction_partitions.emplace();
    for (auto& [topic, ids] : by_topic) {
      auto& p = out.emplace_back();
      p.topic = topic;
      p.partition_ids = std::move(ids);
    }
  }
  v.transaction_last_update_timestamp_ms = value.txn_last_update_timestamp;
  v.transaction_start_timestamp_ms = value.txn_start_timestamp;
  return TxnRecord{versioned(key_of(transactional_id), kKeyVersion), versioned(v, kValueVersion)};
}

TxnRecord txn_tombstone(const std::string& transactional_id) {
  return TxnRecord{versioned(key_of(transactional_id), kKeyVersion), std::nullopt};
}

Result<std::string> decode_txn_key(std::span<const std::uint8_t> key) {
  auto version = read_version(key, "TransactionLogKey");
  if (!version.ok()) return version.status();
  if (*version != kKeyVersion) {
    return Status{ErrorCode::UNSUPPORTED_VERSION, "Unknown transaction log key version " + std::to_string(*version)};
  }
  auto k = protocol::decode<protocol::TransactionLogKey>(key.subspan(2), *version);
  if (!k.ok()) return Status{ErrorCode::CORRUPT_MESSAGE, k.status().detail};
  return std::move(k->transactional_id);
}

Result<TxnTransit> decode_txn_value(std::span<const std::uint8_t> value) {
  auto version = read_version(value, "TransactionLogValue");
  if (!version.ok()) return version.status();
  auto v = protocol::decode<protocol::TransactionLogValue>(value.subspan(2), *version);
  if (!v.ok()) return Status{ErrorCode::CORRUPT_MESSAGE, v.status().detail};
  const std::optional<TxnState> state = txn_state_from_id(v->transaction_status);
  if (!state) {
    return Status{ErrorCode::CORRUPT_MESSAGE, "Unknown transaction state id " + std::to_string(v->transaction_status)};
  }
  TxnTransit out;
  out.producer_id = v->producer_id;
  out.producer_epoch = v->producer_epoch;
  out.txn_timeout_ms = v->transaction_timeout_ms;
  out.state = *state;
  if (*state != TxnState::kEmpty && v->transaction_partitions) {
    for (const auto& p : *v->transaction_partitions) {
      for (std::int32_t id : p.partition_ids) out.partitions.insert({p.topic, id});
    }
  }
  out.txn_last_update_timestamp = v->transaction_last_update_timestamp_ms;
  out.txn_start_timestamp = v->transaction_start_timestamp_ms;
  return out;
}

}  // namespace sluice::coordinator
