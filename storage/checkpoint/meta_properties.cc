#include "storage/checkpoint/meta_properties.h"

#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/java_properties.h"
#include "storage/checkpoint/java_text.h"
#include "storage/checkpoint/uuid_text.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;
using protocol::Uuid;

namespace {

constexpr const char* kVersionProp = "version";
constexpr const char* kClusterIdProp = "cluster.id";
constexpr const char* kBrokerIdProp = "broker.id";
constexpr const char* kNodeIdProp = "node.id";
constexpr const char* kDirectoryIdProp = "directory.id";

Status bad(const std::string& location, const std::string& what) {
  return Status(ErrorCode::KAFKA_STORAGE_ERROR, what + " in " + location);
}

std::filesystem::path file_in(const std::filesystem::path& log_dir) { return log_dir / MetaProperties::kFileName; }

}  // namespace

std::string format_meta_properties(const MetaProperties& props, std::chrono::system_clock::time_point now) {
  JavaProperties out;
  out[kVersionProp] = std::to_string(props.version);
  if (props.cluster_id) out[kClusterIdProp] = *props.cluster_id;
  if (props.node_id) out[props.version == 0 ? kBrokerIdProp : kNodeIdProp] = std::to_string(*props.node_id);
  if (props.directory_id) out[kDirectoryIdProp] = props.directory_id->to_base64();
  return format_java_properties(out, now);
}

Result<MetaProperties> parse_meta_properties(std::string_view text, const std::string& location) {
  auto parsed = parse_java_properties(text, location);
  if (!parsed.ok()) return parsed.status();
  const JavaProperties& props = *parsed;
  const auto get = [&](const char* key) -> const std::string* {
    const auto it = props.find(key);
    return it == props.end() ? nullptr : &it->second;
  };

  MetaProperties meta;
  const std::string* version = get(kVersionProp);
  if (version == nullptr) {
    meta.version = 0;  // the version key was added with v1; its absence means v0
  } else {
    const auto v = java_parse_int(*version);
    if (!v || (*v != 0 && *v != 1)) return bad(location, "Unknown meta.properties version '" + *version + "'");
    meta.version = *v;
  }

  const char* id_key = meta.version == 0 ? kBrokerIdProp : kNodeIdProp;
  if (const std::string* id = get(id_key)) {
    const auto n = java_parse_int(*id);
    if (!n) return bad(location, std::string("Unable to read ") + id_key + " as a base-10 number");
    meta.node_id = *n;
  } else if (meta.version == 1) {
    return bad(location, "node.id was not found");
  }

  if (const std::string* cluster = get(kClusterIdProp)) {
    meta.cluster_id = *cluster;
  } else if (meta.version == 1) {
    return bad(location, "cluster.id was not found");
  }

  if (const std::string* dir = get(kDirectoryIdProp)) {
    auto id = parse_uuid_base64(*dir);
    if (!id.ok()) return bad(location, "Unable to read directory.id as a Uuid: " + id.status().detail);
    meta.directory_id = *id;
  }
  return meta;
}

Result<std::optional<MetaProperties>> read_meta_properties(const std::filesystem::path& log_dir) {
  const std::filesystem::path path = file_in(log_dir);
  auto text = read_file_if_exists(path);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::optional<MetaProperties>();
  auto meta = parse_meta_properties(**text, path.string());
  if (!meta.ok()) return meta.status();
  return std::optional<MetaProperties>(std::move(*meta));
}

Status write_meta_properties(const std::filesystem::path& log_dir, const MetaProperties& props) {
  return write_file_atomically(file_in(log_dir), format_meta_properties(props, std::chrono::system_clock::now()),
                               /*sync=*/true);
}

Status verify_meta_properties(const MetaProperties& stored, const std::filesystem::path& log_dir,
                              std::int32_t configured_node_id, std::optional<std::string_view> expected_cluster_id) {
  const std::string path = file_in(log_dir).string();
  if (stored.version == 1 && !stored.cluster_id) {
    return Status(ErrorCode::KAFKA_STORAGE_ERROR, "cluster.id was not specified in the v1 file: " + path);
  }
  if (stored.cluster_id && expected_cluster_id && *stored.cluster_id != *expected_cluster_id) {
    return Status(ErrorCode::INCONSISTENT_CLUSTER_ID, "Invalid cluster.id in: " + path + ". Expected " +
                                                          std::string(*expected_cluster_id) + ", but read " +
                                                          *stored.cluster_id);
  }
  if (stored.version == 1 && !stored.node_id) {
    return Status(ErrorCode::KAFKA_STORAGE_ERROR, "node.id was not specified in " + path);
  }
  if (stored.node_id && *stored.node_id != configured_node_id) {
    return Status(ErrorCode::INVALID_CONFIG,
                  "Stored node id " + std::to_string(*stored.node_id) + " doesn't match previous node id " +
                      std::to_string(configured_node_id) + " in " + path +
                      ". If you moved your data, make sure your configured node id matches. If you intend to "
                      "create a new node, you should remove all data in your data directories.");
  }
  if (stored.directory_id && is_reserved_directory_id(*stored.directory_id)) {
    return Status(ErrorCode::KAFKA_STORAGE_ERROR, "Invalid reserved directory ID " + stored.directory_id->to_base64() +
                                                      " found in " + log_dir.string());
  }
  return Status::Ok();
}

std::string random_cluster_id() { return random_uuid().to_base64(); }

bool is_reserved_directory_id(const Uuid& id) { return id.high == 0 && id.low < 100; }

Uuid random_directory_id() {
  for (;;) {
    const Uuid id = random_uuid();
    if (!is_reserved_directory_id(id)) return id;
  }
}

}  // namespace sluice::storage
