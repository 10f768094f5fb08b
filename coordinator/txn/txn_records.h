// The records of __transaction_state in Kafka's exact format, so Kafka's
// TransactionLogMessageFormatter (and Kafka itself) decode what Sluice
// writes: the key is version 0 then TransactionLogKey (the transactional
// id); the value is a version then TransactionLogValue. Kafka 3.9 writes
// value version 0 (version 1, flexible, only once transaction.version >= 1
// is enabled, which 3.9 does not do by default); both are read. A null value
// is a tombstone: the id expired.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "coordinator/txn/transaction_metadata.h"
#include "protocol/result.h"

namespace sluice::coordinator {

// A record for the log: key and value (nullopt: tombstone).
struct TxnRecord {
  std::vector<std::uint8_t> key;
  std::optional<std::vector<std::uint8_t>> value;
};

// `value`'s last producer id and epoch are not part of version 0 and are
// not written. Partitions are grouped by topic; an Empty transaction writes
// null partitions, as Kafka does.
TxnRecord txn_record(const std::string& transactional_id, const TxnTransit& value);
TxnRecord txn_tombstone(const std::string& transactional_id);

// The transactional id; UNSUPPORTED_VERSION for keys of other record types
// (a newer coordinator's), CORRUPT_MESSAGE for bytes that are no key.
protocol::Result<std::string> decode_txn_key(std::span<const std::uint8_t> key);
// The stored state (last producer id and epoch unknown: -1); CORRUPT_MESSAGE
// for an unknown state id or undecodable bytes. An Empty transaction's
// partitions are ignored, as Kafka does.
protocol::Result<TxnTransit> decode_txn_value(std::span<const std::uint8_t> value);

}  // namespace sluice::coordinator
