// Turns batches of metadata records into published images, as Kafka's
// MetadataLoader does: a batch is applied as a whole, and the records of a
// metadata transaction (KIP-868: BeginTransactionRecord ...
// EndTransactionRecord, possibly spanning batches) become visible together
// at its end, or never when an AbortTransactionRecord ends it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "coordinator/controller/metadata_delta.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_record.h"
#include "protocol/result.h"

namespace sluice::coordinator {

class MetadataLoader {
 public:
  explicit MetadataLoader(std::shared_ptr<const MetadataImage> image);
  // A loader inside a transaction begun at `transaction_start` whose records
  // are not known (enough to replay the AbortTransactionRecord ending it).
  MetadataLoader(std::shared_ptr<const MetadataImage> image, std::int64_t transaction_start);

  // Replays one batch whose records sit at offsets base_offset, base_offset
  // + 1, ... in a batch of leader epoch `epoch`, and publishes the result
  // unless `publish` is false: a whole log replayed at start-up is published
  // once, by publish(), rather than copied batch after batch. An error
  // (CORRUPT_MESSAGE) means the log cannot be loaded; the loader is then
  // unusable.
  protocol::Status replay_batch(std::span<const VersionedRecord> records, std::int64_t base_offset, std::int32_t epoch,
                                bool publish = true);
  // Publishes the batches replayed without publishing (not an open
  // transaction's records).
  void publish();

  // The last image published: every batch replayed, less an open transaction.
  const std::shared_ptr<const MetadataImage>& image() const { return image_; }
  // The offset of the BeginTransactionRecord of a transaction still open.
  std::optional<std::int64_t> open_transaction() const { return transaction_start_; }

 private:
  std::shared_ptr<const MetadataImage> image_;
  // Records replayed since image_ was published (an open transaction's).
  MetadataDelta delta_;
  std::optional<std::int64_t> transaction_start_;
  // The offset and epoch of the last record replayed but not published, when
  // outside a transaction.
  std::optional<std::pair<std::int64_t, std::int32_t>> unpublished_;
};

}  // namespace sluice::coordinator
