// Whole small files replaced atomically and durably, the way Kafka writes its
// checkpoints and meta.properties: write "<name>.tmp", fsync it, rename it over
// the target, fsync the directory (Utils.atomicMoveWithFallback). A crash at
// any point leaves either the old file or the new one, never a torn mix.
//
// Every function here blocks on disk I/O (fsync can take seconds on a sick
// disk): call them from storage/background threads, never a network thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/result.h"

namespace sluice::storage {

// The temporary sibling Kafka writes before the rename: "<target>.tmp".
std::filesystem::path temp_path_for(const std::filesystem::path& target);

// Replaces `target` with `contents`. With `sync`, the data is fsynced before
// the rename and the directory after it, so the new file survives a power
// loss once this returns OK. On failure the temporary file is removed and
// the target still holds its previous contents -- unless only the final
// directory fsync failed, when the new contents are in place but may not
// survive a crash. Errors: KAFKA_STORAGE_ERROR naming the path.
protocol::Status write_file_atomically(const std::filesystem::path& target, std::string_view contents,
                                       bool sync = true);

// rename(2) of `source` over `target` (atomic within one filesystem), then,
// if asked, fsync of the target's directory so the rename itself is durable.
protocol::Status atomic_move(const std::filesystem::path& source, const std::filesystem::path& target,
                             bool flush_parent_dir);

// fsync of a directory, making creations/renames/unlinks in it durable.
protocol::Status fsync_directory(const std::filesystem::path& dir);

// The whole file, or nullopt if it does not exist. Errors: KAFKA_STORAGE_ERROR.
protocol::Result<std::optional<std::string>> read_file_if_exists(const std::filesystem::path& path);

// "<what> <path>: <strerror(err)>" as a KAFKA_STORAGE_ERROR.
protocol::Status storage_error(std::string_view what, const std::filesystem::path& path, int err);

}  // namespace sluice::storage
