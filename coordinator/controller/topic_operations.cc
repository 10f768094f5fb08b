#include "coordinator/controller/topic_operations.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "coordinator/controller/config_operations.h"
#include "coordinator/controller/replica_placement.h"
#include "coordinator/controller/topic_validation.h"
#include "protocol/generated/error_code.h"
#include "storage/checkpoint/uuid_text.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;
using protocol::Uuid;

namespace {

// An error with Kafka's default message for its code (ApiError(Errors)).
Status default_error(ErrorCode code) { return Status{code, std::string(protocol::error_message(code))}; }

Status too_many_records() { return Status{ErrorCode::POLICY_VIOLATION, std::string(kExcessiveBatchMessage)}; }

struct NewPartition {
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> isr;
};

// Names given more than once, in order of first appearance.
std::vector<std::string> duplicate_names(const std::vector<std::string>& names) {
  std::map<std::string, int, std::less<>> seen;
  std::vector<std::string> duplicates;
  for (const std::string& name : names) {
    if (++seen[name] == 2) duplicates.push_back(name);
  }
  return duplicates;
}

Uuid new_topic_id(const MetadataImage& image) {
  Uuid id = storage::random_uuid();
  while (image.topic(id) != nullptr) id = storage::random_uuid();
  return id;
}

// The partitions of a topic with a manual assignment.
Result<std::map<std::int32_t, NewPartition>> assigned_partitions(const MetadataImage& image,
                                                                 const CreatableTopic& topic) {
  if (topic.replication_factor != -1) {
    return Status{ErrorCode::INVALID_REQUEST,
                  "A manual partition assignment was specified, but replication factor was not set to -1."};
  }
  if (topic.num_partitions != -1) {
    return Status{ErrorCode::INVALID_REQUEST,
                  "A manual partition assignment was specified, but numPartitions was not set to -1."};
  }
  std::map<std::int32_t, NewPartition> parts;
  std::optional<std::int32_t> replication_factor;
  for (const ReplicaAssignment& a : topic.assignments) {
    if (parts.contains(a.partition_index)) {
      return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                    "Found multiple manual partition assignments for partition " + std::to_string(a.partition_index)};
    }
    if (Status s = validate_manual_assignment(image, a.broker_ids, replication_factor); !s.ok()) return s;
    replication_factor = static_cast<std::int32_t>(a.broker_ids.size());
    std::vector<std::int32_t> isr = active_replicas(image, a.broker_ids);
    if (isr.empty()) {
      return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                    "All brokers specified in the manual partition assignment for partition " +
                        std::to_string(a.partition_index) + " are fenced or in controlled shutdown."};
    }
    parts[a.partition_index] = NewPartition{a.broker_ids, std::move(isr)};
  }
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(parts.size()); ++i) {
    if (!parts.contains(i)) {
      return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                    "partitions should be a consecutive 0-based integer sequence"};
    }
  }
  return parts;
}

// The partitions of a topic the controller places. `room` is how many more
// records the operation may write; beyond it the whole operation fails.
Result<std::map<std::int32_t, NewPartition>> placed_partitions(const MetadataImage& image,
                                                               const ControllerConfig& config,
                                                               const CreatableTopic& topic, std::size_t room,
                                                               bool& overflow) {
  if (topic.replication_factor < -1 || topic.replication_factor == 0) {
    return Status{ErrorCode::INVALID_REPLICATION_FACTOR,
                  "Replication factor must be larger than 0, or -1 to use the default value."};
  }
  if (topic.num_partitions < -1 || topic.num_partitions == 0) {
    return Status{ErrorCode::INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value."};
  }
  const std::int32_t count = topic.num_partitions == -1 ? config.num_partitions : topic.num_partitions;
  const std::int32_t rf = topic.replication_factor == -1 ? config.default_replication_factor : topic.replication_factor;
  const std::string prefix = "Unable to replicate the partition " + std::to_string(rf) + " time(s): ";
  // The placer's checks first, so a topic that cannot be placed fails alone.
  if (auto check = place_replicas(image, 0, 0, rf); !check.ok()) {
    return Status{ErrorCode::INVALID_REPLICATION_FACTOR, prefix + check.status().detail};
  }
  if (count <= 0) {
    return Status{ErrorCode::INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value."};
  }
  if (static_cast<std::size_t>(count) > room) {
    overflow = true;
    return too_many_records();
  }
  auto placements = place_replicas(image, 0, count, rf);
  if (!placements.ok()) return Status{ErrorCode::INVALID_REPLICATION_FACTOR, prefix + placements.status().detail};
  std::map<std::int32_t, NewPartition> parts;
  for (std::int32_t i = 0; i < count; ++i) {
    std::vector<std::int32_t>& replicas = (*placements)[static_cast<std::size_t>(i)];
    std::vector<std::int32_t> isr = active_replicas(image, replicas);
    if (isr.empty()) {
      return Status{ErrorCode::INVALID_REPLICATION_FACTOR,
                    prefix + "All brokers are currently fenced or in controlled shutdown."};
    }
    parts[i] = NewPartition{std::move(replicas), std::move(isr)};
  }
  return parts;
}

// ReplicationControlManager.createTopic for a topic whose name passed.
Result<CreateTopicResult> create_topic(const MetadataImage& image, const ControllerConfig& config,
                                       const CreatableTopic& topic, std::vector<VersionedRecord>& records,
                                       bool& overflow) {
  ConfigOps ops;
  storage::ConfigMap overrides;
  for (const CreatableTopicConfig& c : topic.configs) {
    ops[c.name] = {AlterConfigOp::kSet, c.value};
    overrides[c.name] = c.value.value_or("");
  }
  std::vector<VersionedRecord> config_records;
  const ConfigResource resource{ConfigResourceType::kTopic, topic.name};
  if (Status s = alter_config_resource(image, config, resource, ops, true, config_records); !s.ok()) return s;

  const std::size_t used = records.size() + 1 + config_records.size();
  const std::size_t room = used > kMaxRecordsPerUserOp ? 0 : kMaxRecordsPerUserOp - used;
  auto parts = topic.assignments.empty() ? placed_partitions(image, config, topic, room, overflow)
                                         : assigned_partitions(image, topic);
  if (!parts.ok()) return parts.status();
  if (parts->size() > room) {
    overflow = true;
    return too_many_records();
  }
  auto effective = effective_topic_configs(overrides, image, config);
  if (!effective.ok()) return effective.status();

  CreateTopicResult result;
  result.name = topic.name;
  result.topic_id = new_topic_id(image);
  result.num_partitions = static_cast<std::int32_t>(parts->size());
  result.replication_factor = static_cast<std::int16_t>(parts->begin()->second.replicas.size());
  result.configs = std::move(effective).value();

  protocol::TopicRecord topic_record;
  topic_record.name = topic.name;
  topic_record.topic_id = result.topic_id;
  records.push_back(at_current_version(std::move(topic_record)));
  // ConfigRecords go after the TopicRecord and before the PartitionRecords.
  for (VersionedRecord& r : config_records) records.push_back(std::move(r));
  for (const auto& [id, p] : *parts)
    records.push_back(new_partition_record(image, result.topic_id, id, p.replicas, p.isr));
  return result;
}

}  // namespace

ControllerResult<std::vector<CreateTopicResult>> create_topics(const MetadataImage& image,
                                                               const ControllerConfig& config,
                                                               const std::vector<CreatableTopic>& topics) {
  std::vector<std::string> names;
  for (const CreatableTopic& t : topics) names.push_back(t.name);
  const std::vector<std::string> duplicates = duplicate_names(names);
  const std::set<std::string, std::less<>> duplicate_set(duplicates.begin(), duplicates.end());

  // Later checks override earlier ones, as Kafka's topicErrors.put does.
  std::map<std::string, Status, std::less<>> errors;
  for (const CreatableTopic& t : topics) {
    if (duplicate_set.contains(t.name) || errors.contains(t.name)) continue;
    if (auto reason = invalid_topic_name_reason(t.name)) {
      errors[t.name] = Status{ErrorCode::INVALID_TOPIC_EXCEPTION, std::move(*reason)};
    } else if (t.name == kClusterMetadataTopic) {
      // Its directory is the metadata log's; Kafka never lists it as a topic.
      errors[t.name] = Status{ErrorCode::INVALID_REQUEST, "Creation of internal topic " + t.name + " is prohibited."};
    }
    if (auto other = colliding_topic(image, t.name)) {
      errors[t.name] =
          Status{ErrorCode::INVALID_TOPIC_EXCEPTION, "Topic '" + t.name + "' collides with existing topic: " + *other};
    }
  }
  for (const CreatableTopic& t : topics) {
    if (!duplicate_set.contains(t.name) && image.topic(t.name) != nullptr) {
      errors[t.name] = Status{ErrorCode::TOPIC_ALREADY_EXISTS, "Topic '" + t.name + "' already exists."};
    }
  }
  for (const CreatableTopic& t : topics) {
    if (duplicate_set.contains(t.name) || errors.contains(t.name)) continue;
    std::string nulls;
    for (const CreatableTopicConfig& c : t.configs) {
      if (!c.value) nulls += (nulls.empty() ? "" : ",") + c.name;
    }
    if (!nulls.empty()) {
      errors[t.name] = Status{ErrorCode::INVALID_CONFIG, "Null value not supported for topic configs: " + nulls};
    }
  }

  ControllerResult<std::vector<CreateTopicResult>> result;
  std::map<std::string, CreateTopicResult, std::less<>> created;
  bool overflow = false;
  for (const CreatableTopic& t : topics) {
    if (duplicate_set.contains(t.name) || errors.contains(t.name)) continue;
    auto done = create_topic(image, config, t, result.records, overflow);
    if (overflow) break;
    if (done.ok()) {
      created[t.name] = std::move(done).value();
    } else {
      errors[t.name] = done.status();
    }
  }

  for (const CreatableTopic& t : topics) {
    if (duplicate_set.contains(t.name)) continue;
    CreateTopicResult r;
    r.name = t.name;
    if (overflow) {
      r.status = too_many_records();
    } else if (auto e = errors.find(t.name); e != errors.end()) {
      r.status = e->second;
    } else {
      r = created[t.name];
    }
    result.response.push_back(std::move(r));
  }
  for (const std::string& name : duplicates) {
    CreateTopicResult r;
    r.name = name;
    r.status = Status{ErrorCode::INVALID_REQUEST, "Duplicate topic name."};
    result.response.push_back(std::move(r));
  }
  if (overflow) result.records.clear();
  return result;
}

ControllerResult<std::vector<DeleteTopicResult>> delete_topics(const MetadataImage& image,
                                                               const DeleteTopicsRequest& request) {
  ControllerResult<std::vector<DeleteTopicResult>> result;
  auto fail = [&](std::optional<std::string> name, Uuid id, Status status) {
    result.response.push_back(DeleteTopicResult{std::move(name), id, std::move(status)});
  };

  const std::vector<std::string> duplicate_list = duplicate_names(request.names);
  const std::set<std::string, std::less<>> duplicate_names_set(duplicate_list.begin(), duplicate_list.end());
  std::map<Uuid, int> id_counts;
  for (const Uuid& id : request.ids) ++id_counts[id];

  // The topics to delete, by id, with the name each resolves to.
  std::map<Uuid, std::string> to_delete;
  std::set<Uuid> reported;
  for (const Uuid& id : request.ids) {
    if (id.is_zero()) {
      if (reported.insert(id).second) {
        fail(std::nullopt, id,
             Status{ErrorCode::INVALID_REQUEST, "Attempt to find topic with invalid topicId " + id.to_base64()});
      }
    } else if (id_counts[id] > 1) {
      if (reported.insert(id).second) fail(std::nullopt, id, Status{ErrorCode::INVALID_REQUEST, "Duplicate topic id."});
    } else if (const TopicImage* topic = image.topic(id); topic == nullptr) {
      fail(std::nullopt, id, default_error(ErrorCode::UNKNOWN_TOPIC_ID));
    } else {
      to_delete[id] = topic->name;
    }
  }
  std::set<std::string, std::less<>> reported_names;
  for (const std::string& name : request.names) {
    if (duplicate_names_set.contains(name)) {
      if (reported_names.insert(name).second) {
        fail(name, Uuid{}, Status{ErrorCode::INVALID_REQUEST, "Duplicate topic name."});
      }
      continue;
    }
    const TopicImage* topic = image.topic(name);
    if (topic == nullptr) {
      fail(name, Uuid{}, default_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
    } else if (id_counts.contains(topic->id)) {
      // Kafka then deletes neither and answers only for the name.
      to_delete.erase(topic->id);
      fail(name, topic->id,
           Status{ErrorCode::INVALID_REQUEST, "The provided topic name maps to an ID that was already supplied."});
    } else {
      to_delete[topic->id] = name;
    }
  }

  if (to_delete.size() > kMaxRecordsPerUserOp) {
    for (const auto& [id, name] : to_delete) fail(name, id, too_many_records());
    return result;
  }
  for (const auto& [id, name] : to_delete) {
    protocol::RemoveTopicRecord r;
    r.topic_id = id;
    result.records.push_back(at_current_version(std::move(r)));
    result.response.push_back(DeleteTopicResult{name, id, Status{}});
  }
  return result;
}

namespace {

// ReplicationControlManager.createPartitions for one topic.
Status create_partitions_of(const MetadataImage& image, const CreatePartitionsTopic& request,
                            std::vector<VersionedRecord>& records, bool& overflow) {
  const TopicImage* topic = image.topic(request.name);
  if (topic == nullptr) return default_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  const auto current = static_cast<std::int32_t>(topic->partitions.size());
  if (request.count == current) {
    return Status{ErrorCode::INVALID_PARTITIONS, "Topic already has " + std::to_string(current) + " partition(s)."};
  }
  if (request.count < current) {
    return Status{ErrorCode::INVALID_PARTITIONS, "The topic " + request.name + " currently has " +
                                                     std::to_string(current) + " partition(s); " +
                                                     std::to_string(request.count) + " would not be an increase."};
  }
  const std::int32_t additional = request.count - current;
  if (request.assignments && static_cast<std::int32_t>(request.assignments->size()) != additional) {
    return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                  "Attempted to add " + std::to_string(additional) + " additional partition(s), but only " +
                      std::to_string(request.assignments->size()) + " assignment(s) were specified."};
  }
  if (topic->partitions.empty()) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR,
                  "Invalid state: topic " + request.name + " appears to have no partitions."};
  }
  if (records.size() + static_cast<std::size_t>(additional) > kMaxRecordsPerUserOp) {
    overflow = true;
    return too_many_records();
  }
  const auto rf = static_cast<std::int32_t>(topic->partitions.begin()->second.replicas.size());

  std::vector<NewPartition> parts;
  if (request.assignments) {
    for (std::int32_t i = 0; i < additional; ++i) {
      const std::vector<std::int32_t>& replicas = (*request.assignments)[static_cast<std::size_t>(i)];
      if (Status s = validate_manual_assignment(image, replicas, rf); !s.ok()) return s;
      std::vector<std::int32_t> isr = active_replicas(image, replicas);
      if (isr.empty()) {
        return Status{ErrorCode::INVALID_REPLICA_ASSIGNMENT,
                      "All brokers specified in the manual partition assignment for partition " +
                          std::to_string(current + i) + " are fenced or in controlled shutdown."};
      }
      parts.push_back(NewPartition{replicas, std::move(isr)});
    }
  } else {
    auto placements = place_replicas(image, current, additional, rf);
    if (!placements.ok()) return placements.status();
    for (std::vector<std::int32_t>& replicas : *placements) {
      std::vector<std::int32_t> isr = active_replicas(image, replicas);
      if (isr.empty()) {
        return Status{ErrorCode::INVALID_REPLICATION_FACTOR,
                      "Unable to replicate the partition " + std::to_string(rf) +
                          " time(s): All brokers are currently fenced or in controlled shutdown."};
      }
      parts.push_back(NewPartition{std::move(replicas), std::move(isr)});
    }
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    records.push_back(new_partition_record(image, topic->id, current + static_cast<std::int32_t>(i), parts[i].replicas,
                                           parts[i].isr));
  }
  return {};
}

}  // namespace

ControllerResult<std::vector<CreatePartitionsResult>> create_partitions(
    const MetadataImage& image, const std::vector<CreatePartitionsTopic>& topics) {
  std::vector<std::string> names;
  for (const CreatePartitionsTopic& t : topics) names.push_back(t.name);
  const std::vector<std::string> duplicates = duplicate_names(names);
  const std::set<std::string, std::less<>> duplicate_set(duplicates.begin(), duplicates.end());

  ControllerResult<std::vector<CreatePartitionsResult>> result;
  for (const std::string& name : duplicates) {
    result.response.push_back({name, Status{ErrorCode::INVALID_REQUEST, "Duplicate topic name."}});
  }
  bool overflow = false;
  for (const CreatePartitionsTopic& t : topics) {
    if (duplicate_set.contains(t.name)) continue;
    Status s = overflow ? too_many_records() : create_partitions_of(image, t, result.records, overflow);
    result.response.push_back({t.name, std::move(s)});
  }
  if (overflow) {
    result.records.clear();
    for (CreatePartitionsResult& r : result.response) {
      if (r.status.code != ErrorCode::INVALID_REQUEST) r.status = too_many_records();
    }
  }
  return result;
}

}  // namespace sluice::coordinator
