// What a request handler hands back to the network layer: the bytes of one
// response as an ordered list of chunks. Memory chunks are written with a
// gathered write; file ranges go out with sendfile(2) straight from a log
// segment (Kafka's zero-copy Fetch path), so record data never enters user
// space. The first chunk starts with the 4-byte big-endian size prefix; the
// network layer writes the chunks in order and adds nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <variant>
#include <vector>

namespace sluice::server::network {

// A byte range of an open file. `owner` keeps `fd` open until the range has
// been sent (or the connection dropped), whatever happens to the segment.
struct FileRange {
  std::shared_ptr<const void> owner;
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

using ResponseChunk = std::variant<std::vector<std::uint8_t>, FileRange>;

struct Response {
  std::vector<ResponseChunk> chunks;

  Response() = default;
  // The common case: one memory chunk that already holds the size prefix.
  explicit Response(std::vector<std::uint8_t> bytes) { chunks.emplace_back(std::move(bytes)); }

  void append(std::vector<std::uint8_t> bytes) { chunks.emplace_back(std::move(bytes)); }
  void append(FileRange range) { chunks.emplace_back(std::move(range)); }

  // Bytes this response puts on the wire; what back-pressure counts.
  std::uint64_t size_bytes() const {
    std::uint64_t total = 0;
    for (const auto& chunk : chunks) {
      if (const auto* bytes = std::get_if<std::vector<std::uint8_t>>(&chunk)) {
        total += bytes->size();
      } else {
        total += std::get<FileRange>(chunk).length;
      }
    }
    return total;
  }
};

}  // namespace sluice::server::network
