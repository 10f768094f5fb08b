#include "coordinator/controller/metadata_loader.h"

#include <string>
#include <utility>

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Status;

MetadataLoader::MetadataLoader(std::shared_ptr<const MetadataImage> image) : image_(image), delta_(std::move(image)) {}

MetadataLoader::MetadataLoader(std::shared_ptr<const MetadataImage> image, std::int64_t transaction_start)
    : MetadataLoader(std::move(image)) {
  transaction_start_ = transaction_start;
}

Status MetadataLoader::replay_batch(std::span<const VersionedRecord> records, std::int64_t base_offset,
                                    std::int32_t epoch, bool publish) {
  std::int64_t offset = base_offset;
  bool replayed = false;  // records of this batch in delta_, outside a transaction
  for (const VersionedRecord& r : records) {
    switch (api_key_of(r.record)) {
      case protocol::BeginTransactionRecord::kApiKey:
        if (transaction_start_) {
          return Status{ErrorCode::CORRUPT_MESSAGE, "BeginTransactionRecord at offset " + std::to_string(offset) +
                                                        " inside the transaction begun at offset " +
                                                        std::to_string(*transaction_start_)};
        }
        // What came before the transaction is published on its own, so an
        // abort can go back to it.
        if (replayed || unpublished_) image_ = delta_.apply(offset - 1, epoch);
        replayed = false;
        unpublished_.reset();
        transaction_start_ = offset;
        break;
      case protocol::EndTransactionRecord::kApiKey:
        if (!transaction_start_) {
          return Status{ErrorCode::CORRUPT_MESSAGE,
                        "EndTransactionRecord at offset " + std::to_string(offset) + " outside a transaction"};
        }
        transaction_start_.reset();
        break;
      case protocol::AbortTransactionRecord::kApiKey:
        if (!transaction_start_) {
          return Status{ErrorCode::CORRUPT_MESSAGE,
                        "AbortTransactionRecord at offset " + std::to_string(offset) + " outside a transaction"};
        }
        delta_ = MetadataDelta(image_);
        transaction_start_.reset();
        break;
      default:
        if (Status s = delta_.replay(r.record); !s.ok()) {
          s.detail = "Offset " + std::to_string(offset) + ": " + s.detail;
          return s;
        }
        break;
    }
    replayed = true;
    ++offset;
  }
  if (transaction_start_ || records.empty()) return {};
  unpublished_ = {offset - 1, epoch};
  if (publish) this->publish();
  return {};
}

void MetadataLoader::publish() {
  if (!unpublished_ || transaction_start_) return;
  image_ = delta_.apply(unpublished_->first, unpublished_->second);
  unpublished_.reset();
}

}  // namespace sluice::coordinator
