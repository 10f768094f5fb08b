// Kafka's QuorumController for a single node in combined mode: the only
// voter, so every batch it appends is committed once it is on disk. Each
// operation runs on the controller's own thread (so changes to the metadata
// are totally ordered), computes its records against the current image,
// writes them as one atomic batch to __cluster_metadata-0, and completes
// once they are durable.
//
// Callbacks and listeners run on the controller thread: keep them short and
// hand longer work elsewhere (the server posts the results to Asio).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "coordinator/common/event_queue.h"
#include "coordinator/controller/controller_config.h"
#include "coordinator/controller/controller_types.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_log.h"
#include "coordinator/controller/producer_id_operations.h"
#include "protocol/result.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::coordinator {

class Controller {
  struct Private {
    explicit Private() = default;
  };

 public:
  template <class T>
  using Callback = std::function<void(T)>;
  // Called with the image before and after each change, once it is durable.
  using Listener = std::function<void(const MetadataImage& previous, const MetadataImage& next)>;

  // Replays the metadata log; into an empty one writes Kafka's bootstrap
  // records; ends a metadata transaction left open; then registers this
  // broker (a new broker epoch and incarnation id, its endpoints) and
  // unfences it, each in its own batch, in a new controller epoch (the last
  // epoch in the log plus one). Errors of the log or of its records.
  static protocol::Result<std::unique_ptr<Controller>> start(ControllerConfig config,
                                                             std::shared_ptr<storage::Log> metadata_log,
                                                             const storage::Clock& clock);

  Controller(Private, ControllerConfig config, std::unique_ptr<MetadataLog> log);
  // shutdown().
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Lets the operations already submitted finish; later ones complete at
  // once with NOT_CONTROLLER. Call before closing the metadata log, and not
  // from a callback or listener (it joins the controller thread).
  void shutdown();

  // The current image, from any thread.
  std::shared_ptr<const MetadataImage> image() const;
  const ControllerConfig& config() const { return config_; }
  // The controller epoch: the leader epoch of every batch this run writes.
  std::int32_t epoch() const { return epoch_; }
  // This broker's epoch: the offset of its RegisterBrokerRecord.
  std::int64_t broker_epoch() const { return broker_epoch_; }

  // Registers `listener` and calls it first (on the controller thread) with
  // an empty image and the current one, so it sees existing topics the way
  // it sees new ones. Returns once that first call is done, so the broker
  // hosts its partitions before it listens.
  void add_listener(Listener listener);

  // The operations. `validate_only` checks and answers without writing.
  void create_topics(std::vector<CreatableTopic> topics, bool validate_only,
                     Callback<std::vector<CreateTopicResult>> done);
  void delete_topics(DeleteTopicsRequest request, Callback<std::vector<DeleteTopicResult>> done);
  void create_partitions(std::vector<CreatePartitionsTopic> topics, bool validate_only,
                         Callback<std::vector<CreatePartitionsResult>> done);
  void incremental_alter_configs(std::vector<IncrementalAlterConfigsResource> resources, bool validate_only,
                                 Callback<std::vector<AlterConfigsResult>> done);
  void legacy_alter_configs(std::vector<LegacyAlterConfigsResource> resources, bool validate_only,
                            Callback<std::vector<AlterConfigsResult>> done);
  // AllocateProducerIds: the next block of producer ids for a broker.
  void allocate_producer_ids(std::int32_t broker_id, std::int64_t broker_epoch, Callback<AllocatedProducerIds> done);

 private:
  // Writes `records` and publishes the new image to the listeners; the
  // write's error otherwise.
  protocol::Status commit(const std::vector<VersionedRecord>& records);
  // Runs `op` on the controller thread, or fails every item of its answer
  // with NOT_CONTROLLER when the controller has shut down.
  template <class T>
  void run(std::function<ControllerResult<T>(const MetadataImage&)> op, bool validate_only, Callback<T> done);
  void publish(std::shared_ptr<const MetadataImage> next);

  const ControllerConfig config_;
  std::unique_ptr<MetadataLog> log_;
  std::int32_t epoch_ = 0;
  std::int64_t broker_epoch_ = -1;

  mutable std::mutex image_mutex_;
  std::shared_ptr<const MetadataImage> image_;

  std::vector<Listener> listeners_;  // controller thread only
  EventQueue queue_;
};

}  // namespace sluice::coordinator
