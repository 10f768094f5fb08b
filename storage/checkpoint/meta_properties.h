// Kafka's meta.properties: the identity file at the root of every log
// directory, written by `kafka-storage format` and checked at startup so a
// broker never serves another node's or another cluster's data. KRaft writes
// version 1:
//
//   #
//   #Thu Mar 07 19:14:31 UTC 2024
//   cluster.id=MkU3OEVBNTcwNTJENDM2Qg
//   directory.id=Aw4Cf_TfR_eGdo7w-nZXyA
//   node.id=1
//   version=1
//
// Version 0 (ZooKeeper era) is read too: broker.id instead of node.id, and
// cluster.id optional. Reads/writes block on disk: call them at startup or
// off network threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/result.h"
#include "protocol/uuid.h"

namespace sluice::storage {

struct MetaProperties {
  static constexpr std::string_view kFileName = "meta.properties";

  int version = 1;                             // 0 or 1
  std::optional<std::string> cluster_id;       // always present in v1
  std::optional<std::int32_t> node_id;         // always present in v1 ("broker.id" in v0)
  std::optional<protocol::Uuid> directory_id;  // KIP-858 JBOD directory id, optional

  bool operator==(const MetaProperties&) const = default;
};

// The exact text Kafka (on JDK 21) writes, with `now` in the date comment.
std::string format_meta_properties(const MetaProperties& props, std::chrono::system_clock::time_point now);

// Parses the text like MetaProperties.Builder(Properties): unknown version,
// a non-numeric node.id/broker.id, a bad directory.id, or a v1 file without
// cluster.id or node.id -> KAFKA_STORAGE_ERROR naming `location`.
protocol::Result<MetaProperties> parse_meta_properties(std::string_view text, const std::string& location);

// "<log_dir>/meta.properties", or nullopt if the directory has none (an
// unformatted directory).
protocol::Result<std::optional<MetaProperties>> read_meta_properties(const std::filesystem::path& log_dir);

// Atomically and durably writes "<log_dir>/meta.properties".
protocol::Status write_meta_properties(const std::filesystem::path& log_dir, const MetaProperties& props);

// The startup checks of Kafka's MetaPropertiesEnsemble.verify for one
// directory: a stored node id different from the configured one ->
// INVALID_CONFIG (Kafka refuses to start); a stored cluster id different from
// `expected_cluster_id` (when given) -> INCONSISTENT_CLUSTER_ID; a reserved
// directory id -> KAFKA_STORAGE_ERROR.
protocol::Status verify_meta_properties(const MetaProperties& stored, const std::filesystem::path& log_dir,
                                        std::int32_t configured_node_id,
                                        std::optional<std::string_view> expected_cluster_id = std::nullopt);

// A new cluster id as `kafka-storage random-uuid` prints it: a random
// version-4 UUID in 22-character URL-safe base64.
std::string random_cluster_id();

// A new directory id (DirectoryId.random): random, and never one of the ids
// Kafka reserves (high word zero and low word below 100).
protocol::Uuid random_directory_id();

// True for the ids DirectoryId reserves (UNASSIGNED, LOST, MIGRATING, ...).
bool is_reserved_directory_id(const protocol::Uuid& id);

}  // namespace sluice::storage
