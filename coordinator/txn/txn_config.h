// The broker settings the transaction coordinator follows (Kafka's
// transaction.* and transactional.id.* keys).
#pragma once

#include <cstdint>

namespace sluice::coordinator {

struct TxnConfig {
  std::int32_t max_timeout_ms = 900000;                     // transaction.max.timeout.ms
  std::int64_t transactional_id_expiration_ms = 604800000;  // transactional.id.expiration.ms
  std::int64_t abort_timed_out_interval_ms = 10000;   // transaction.abort.timed.out.transaction.cleanup.interval.ms
  std::int64_t remove_expired_interval_ms = 3600000;  // transaction.remove.expired.transaction.cleanup.interval.ms
  std::int32_t state_log_partitions = 50;             // transaction.state.log.num.partitions
  // How long before a marker that failed retriably (and a Complete* record
  // that could not be written) is tried again: the broker's retry.backoff.ms,
  // which Kafka's TransactionMarkerChannelManager uses between attempts.
  std::int64_t marker_retry_backoff_ms = 100;
  // Sluice: how long an InitProducerId waits for the controller's next block
  // of producer ids before answering COORDINATOR_LOAD_IN_PROGRESS (retriable).
  // Kafka 3.9's RPCProducerIdManager answers that at once; waiting a little
  // spares the client a round trip when the block is on its way.
  std::int64_t producer_id_wait_ms = 5000;
  // RPCProducerIdManager's backoff after a failed block request.
  std::int64_t producer_id_retry_backoff_ms = 50;
};

}  // namespace sluice::coordinator
