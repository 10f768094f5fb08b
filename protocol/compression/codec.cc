#include "protocol/compression/codec.h"

#include "protocol/compression/bounded_output.h"
#include "protocol/compression/gzip_codec.h"
#include "protocol/compression/lz4_codec.h"
#include "protocol/compression/snappy_codec.h"
#include "protocol/compression/zstd_codec.h"

namespace sluice::protocol {
namespace {

// First allocation guess: typical record payloads compress 2-4x.
constexpr std::size_t kExpectedRatio = 4;

}  // namespace

Status compress(CompressionType type, std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                const CompressOptions& options) {
  switch (type) {
    case CompressionType::kNone:
      out.insert(out.end(), input.begin(), input.end());
      return {};
    case CompressionType::kGzip:
      return gzip_compress(input, out, options.level);
    case CompressionType::kSnappy:
      return snappy_compress_xerial(input, out);
    case CompressionType::kLz4:
      return lz4_compress(
          input, out, options.level,
          options.lz4_kafka3160_checksum ? Lz4HeaderChecksum::kKafka3160 : Lz4HeaderChecksum::kStandard);
    case CompressionType::kZstd:
      return zstd_compress(input, out, options.level);
  }
  return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown compression type"};
}

Result<std::vector<std::uint8_t>> decompress(CompressionType type, std::span<const std::uint8_t> input,
                                             std::size_t max_output_bytes) {
  if (type == CompressionType::kNone) {
    if (input.size() > max_output_bytes) return BoundedOutput(max_output_bytes, 0).too_large();
    return std::vector<std::uint8_t>(input.begin(), input.end());
  }
  BoundedOutput out(max_output_bytes, input.size() * kExpectedRatio);
  Status status;
  switch (type) {
    case CompressionType::kGzip:
      status = gzip_decompress(input, out);
      break;
    case CompressionType::kSnappy:
      status = snappy_decompress(input, out);
      break;
    case CompressionType::kLz4:
      status = lz4_decompress(input, out);
      break;
    case CompressionType::kZstd:
      status = zstd_decompress(input, out);
      break;
    default:
      return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown compression type"};
  }
  if (!status.ok()) return status;
  return std::move(out).take();
}

}  // namespace sluice::protocol
