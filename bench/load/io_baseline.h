// The local I/O the broker's throughput is compared with: a dd-like
// sequential write of the same bytes, and a read of its segment files from
// the page cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "protocol/result.h"

namespace sluice::bench {

struct DiskWrite {
  std::int64_t bytes = 0;
  double seconds = 0;        // write() calls only: what a broker that leaves flushing to the OS does
  double fsync_seconds = 0;  // the final fsync on top, for reference
};

// Writes `bytes` to a new file in `dir` with `chunk`-sized write() calls,
// then fsyncs. The file is removed unless `keep`: a kept file holds its page
// cache as the broker's segments do, so the next write also needs new pages
// (which costs more than reusing freed ones, markedly so in a VM).
protocol::Result<DiskWrite> write_sequential(const std::filesystem::path& dir, std::int64_t bytes, std::size_t chunk,
                                             bool keep);

struct CacheRead {
  std::int64_t files = 0;
  std::int64_t bytes = 0;
  double seconds = 0;
};

// Reads every "*.log" segment of the partition directories "<topic>-<n>" of
// `topics` under `data_dir`: once to warm the page cache, then timed.
protocol::Result<CacheRead> read_segments(const std::filesystem::path& data_dir, const std::vector<std::string>& topics,
                                          std::size_t chunk);

}  // namespace sluice::bench
