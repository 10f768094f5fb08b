// Replays a __transaction_state partition into the transactional ids it
// holds: the latest record of each id wins, a tombstone removes it (Kafka's
// TransactionStateManager.loadTransactionMetadata).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>

#include "coordinator/txn/transaction_metadata.h"
#include "protocol/result.h"
#include "storage/log/log.h"

namespace sluice::coordinator {

using LoadedTxns = std::map<std::string, TxnTransit>;

// Applies one record. Keys of other record types (a newer coordinator's)
// are skipped, as are values that cannot be decoded (logged): one bad record
// must not keep every id of the partition offline.
void replay_txn_record(LoadedTxns& loaded, std::span<const std::uint8_t> key,
                       std::optional<std::span<const std::uint8_t>> value);

// Reads the whole partition (from its log start offset).
protocol::Result<LoadedTxns> load_txns(const storage::Log& log);

}  // namespace sluice::coordinator
