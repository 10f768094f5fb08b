#include "coordinator/controller/controller.h"

#include <future>
#include <utility>

#include "coordinator/controller/bootstrap_records.h"
#include "coordinator/controller/config_operations.h"
#include "coordinator/controller/topic_operations.h"
#include "storage/checkpoint/uuid_text.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

// Fails every item that had succeeded: the operation's records were not
// committed.
template <class Items>
void fail_succeeded(Items& items, const Status& status) {
  if constexpr (requires { items.status; }) {
    if (items.status.ok()) items.status = status;
  } else {
    for (auto& item : items) {
      if (item.status.ok()) item.status = status;
    }
  }
}

Status not_controller() { return Status{ErrorCode::NOT_CONTROLLER, "The controller has shut down."}; }

}  // namespace

Result<std::unique_ptr<Controller>> Controller::start(ControllerConfig config,
                                                      std::shared_ptr<storage::Log> metadata_log,
                                                      const storage::Clock& clock) {
  auto opened = MetadataLog::open(std::move(metadata_log), clock);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<MetadataLog> log = std::move(opened).value();
  // A new election of the only voter: one epoch past any in the log.
  const std::int32_t epoch = log->last_epoch() + 1;

  auto write = [&](const std::vector<VersionedRecord>& records) -> Status {
    auto next = log->append(records, epoch);
    return next.ok() ? Status{} : next.status();
  };
  if (log->empty()) {
    if (Status s = write(bootstrap_records()); !s.ok()) return s;
  } else if (log->open_transaction()) {
    if (Status s = write({abort_transaction_record()}); !s.ok()) return s;
  }

  BrokerRegistrationRequest registration;
  registration.broker_id = config.node_id;
  registration.incarnation_id = storage::random_uuid();
  registration.endpoints = config.endpoints;
  registration.rack = config.rack;
  registration.log_dirs = config.log_dirs;
  const std::int64_t broker_epoch = log->end_offset();
  if (Status s = write({register_broker_record(registration, broker_epoch)}); !s.ok()) return s;
  if (Status s = write(unfence_broker_records(*log->image(), config.node_id, broker_epoch)); !s.ok()) return s;

  auto controller = std::make_unique<Controller>(Private{}, std::move(config), std::move(log));
  controller->epoch_ = epoch;
  controller->broker_epoch_ = broker_epoch;
  return controller;
}

Controller::Controller(Private, ControllerConfig config, std::unique_ptr<MetadataLog> log)
    : config_(std::move(config)), log_(std::move(log)), image_(log_->image()) {}

Controller::~Controller() { shutdown(); }

void Controller::shutdown() { queue_.close(); }

std::shared_ptr<const MetadataImage> Controller::image() const {
  std::lock_guard lock(image_mutex_);
  return image_;
}

void Controller::publish(std::shared_ptr<const MetadataImage> next) {
  std::shared_ptr<const MetadataImage> previous;
  {
    std::lock_guard lock(image_mutex_);
    previous = std::exchange(image_, next);
  }
  for (const Listener& listener : listeners_) listener(*previous, *next);
}

Status Controller::commit(const std::vector<VersionedRecord>& records) {
  auto next = log_->append(records, epoch_);
  if (!next.ok()) return next.status();
  publish(std::move(next).value());
  return {};
}

template <class T>
void Controller::run(std::function<ControllerResult<T>(const MetadataImage&)> op, bool validate_only,
                     Callback<T> done) {
  auto task = [this, op, validate_only, done] {
    ControllerResult<T> result = op(*image());
    if (!validate_only && !result.records.empty()) {
      if (Status s = commit(result.records); !s.ok()) fail_succeeded(result.response, s);
    }
    done(std::move(result.response));
  };
  if (!queue_.submit(std::move(task))) {
    // Shut down: answer on the caller's thread, every item failed.
    ControllerResult<T> result = op(*image());
    fail_succeeded(result.response, not_controller());
    done(std::move(result.response));
  }
}

void Controller::add_listener(Listener listener) {
  auto published = std::make_shared<std::promise<void>>();
  auto task = [this, published, listener = std::move(listener)]() mutable {
    const MetadataImage empty;
    listener(empty, *image());
    listeners_.push_back(std::move(listener));
    published->set_value();
  };
  if (!queue_.submit(std::move(task))) return;
  published->get_future().wait();
}

void Controller::create_topics(std::vector<CreatableTopic> topics, bool validate_only,
                               Callback<std::vector<CreateTopicResult>> done) {
  run<std::vector<CreateTopicResult>>(
      [this, topics = std::move(topics)](const MetadataImage& image) {
        return coordinator::create_topics(image, config_, topics);
      },
      validate_only, std::move(done));
}

void Controller::delete_topics(DeleteTopicsRequest request, Callback<std::vector<DeleteTopicResult>> done) {
  run<std::vector<DeleteTopicResult>>(
      [request = std::move(request)](const MetadataImage& image) { return coordinator::delete_topics(image, request); },
      false, std::move(done));
}

void Controller::create_partitions(std::vector<CreatePartitionsTopic> topics, bool validate_only,
                                   Callback<std::vector<CreatePartitionsResult>> done) {
  run<std::vector<CreatePartitionsResult>>(
      [topics = std::move(topics)](const MetadataImage& image) {
        return coordinator::create_partitions(image, topics);
      },
      validate_only, std::move(done));
}

void Controller::incremental_alter_configs(std::vector<IncrementalAlterConfigsResource> resources, bool validate_only,
                                           Callback<std::vector<AlterConfigsResult>> done) {
  run<std::vector<AlterConfigsResult>>(
      [this, resources = std::move(resources)](const MetadataImage& image) {
        return coordinator::incremental_alter_configs(image, config_, resources);
      },
      validate_only, std::move(done));
}

void Controller::legacy_alter_configs(std::vector<LegacyAlterConfigsResource> resources, bool validate_only,
                                      Callback<std::vector<AlterConfigsResult>> done) {
  run<std::vector<AlterConfigsResult>>(
      [this, resources = std::move(resources)](const MetadataImage& image) {
        return coordinator::legacy_alter_configs(image, config_, resources);
      },
      validate_only, std::move(done));
}

void Controller::allocate_producer_ids(std::int32_t broker_id, std::int64_t broker_epoch,
                                       Callback<AllocatedProducerIds> done) {
  run<AllocatedProducerIds>(
      [broker_id, broker_epoch](const MetadataImage& image) {
        return coordinator::allocate_producer_ids(image, broker_id, broker_epoch);
      },
      false, std::move(done));
}

}  // namespace sluice::coordinator
