// compress()/decompress() over every Kafka codec: round trips, the codec ids
// of record batch attributes, and bad input that must fail as a value.
#include "protocol/compression/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "tests/protocol/compression/compression_test_util.h"

namespace sluice::protocol {
namespace {

using testing::as_bytes;
using testing::compress_or_fail;
using testing::compressible_bytes;
using testing::kKiB;
using testing::kMiB;
using testing::random_bytes;

constexpr std::size_t kGenerousLimit = 16 * kMiB;

struct RoundTripCase {
  CompressionType type;
  std::size_t size;
  bool random;
};

std::string round_trip_name(const ::testing::TestParamInfo<RoundTripCase>& info) {
  return std::string(compression_name(info.param.type)) + "_" + std::to_string(info.param.size) +
         (info.param.random ? "_random" : "_text");
}

std::vector<RoundTripCase> round_trip_cases() {
  // Empty, one byte, both sides of the xerial (32 KiB) and LZ4 (64 KiB) block
  // sizes, and 1 MiB of each kind.
  const std::size_t sizes[] = {
      0,   1, 2, 100, 32 * kKiB - 1, 32 * kKiB, 32 * kKiB + 1, 64 * kKiB - 1, 64 * kKiB, 64 * kKiB + 1, 128 * kKiB + 7,
      kMiB};
  std::vector<RoundTripCase> out;
  for (CompressionType type : testing::kAllCodecs) {
    for (std::size_t size : sizes) {
      out.push_back({type, size, true});
      out.push_back({type, size, false});
    }
  }
  return out;
}

class CompressionRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(CompressionRoundTrip, DecompressesToTheInput) {
  const RoundTripCase& c = GetParam();
  const std::vector<std::uint8_t> input = c.random ? random_bytes(c.size, 7) : compressible_bytes(c.size);
  const std::vector<std::uint8_t> packed = compress_or_fail(c.type, input);
  if (!c.random && c.size >= 64 * kKiB) {
    EXPECT_LT(packed.size(), input.size() / 4) << "text should compress";
  }

  Result<std::vector<std::uint8_t>> back = decompress(c.type, packed, kGenerousLimit);
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_TRUE(*back == input);

  // The limit is inclusive: exactly the input's size is enough, one less is not.
  Result<std::vector<std::uint8_t>> exact = decompress(c.type, packed, input.size());
  ASSERT_TRUE(exact.ok()) << exact.status().detail;
  EXPECT_TRUE(*exact == input);
  if (!input.empty()) {
    EXPECT_EQ(decompress(c.type, packed, input.size() - 1).code(), ErrorCode::RECORD_LIST_TOO_LARGE);
  }
}

INSTANTIATE_TEST_SUITE_P(Compression, CompressionRoundTrip, ::testing::ValuesIn(round_trip_cases()), round_trip_name);

TEST(CompressionRoundTripLevels, EveryKafkaLevelRangeDecodes) {
  // KIP-390 levels: gzip 1-9, lz4 1-17, zstd -131072..22 (a sample of each).
  const std::vector<std::uint8_t> input = compressible_bytes(200 * kKiB);
  const std::pair<CompressionType, std::vector<int>> levels[] = {
      {CompressionType::kGzip, {0, 1, 6, 9}},
      {CompressionType::kLz4, {-5, 0, 1, 9, 12, 17}},
      {CompressionType::kZstd, {-5, 1, 3, 19, 22}},
  };
  for (const auto& [type, list] : levels) {
    for (int level : list) {
      CompressOptions options;
      options.level = level;
      const std::vector<std::uint8_t> packed = compress_or_fail(type, input, options);
      Result<std::vector<std::uint8_t>> back = decompress(type, packed, kGenerousLimit);
      ASSERT_TRUE(back.ok()) << compression_name(type) << " level " << level << ": " << back.status().detail;
      EXPECT_TRUE(*back == input) << compression_name(type) << " level " << level;
    }
  }
}

TEST(CompressionRoundTripLevels, OutOfRangeLevelsAreConfigErrors) {
  const std::vector<std::uint8_t> input = compressible_bytes(1000);
  for (auto [type, level] : {std::pair{CompressionType::kGzip, 10}, std::pair{CompressionType::kZstd, 23}}) {
    CompressOptions options;
    options.level = level;
    std::vector<std::uint8_t> out{1, 2, 3};
    EXPECT_EQ(compress(type, input, out, options).code, ErrorCode::INVALID_CONFIG) << compression_name(type);
    EXPECT_EQ(out, (std::vector<std::uint8_t>{1, 2, 3})) << "a failed compress leaves the output as it was";
  }
}

TEST(CompressionApi, CompressAppendsAfterExistingBytes) {
  const std::vector<std::uint8_t> input = compressible_bytes(5000);
  for (CompressionType type : testing::kAllCodecs) {
    std::vector<std::uint8_t> out = {0xAA, 0xBB};
    ASSERT_TRUE(compress(type, input, out).ok());
    EXPECT_EQ(out[0], 0xAA);
    EXPECT_EQ(out[1], 0xBB);
    Result<std::vector<std::uint8_t>> back =
        decompress(type, std::span<const std::uint8_t>(out).subspan(2), kGenerousLimit);
    ASSERT_TRUE(back.ok()) << compression_name(type);
    EXPECT_TRUE(*back == input);
  }
}

TEST(CompressionApi, NoneCopiesAndIsBoundedToo) {
  const std::vector<std::uint8_t> input = random_bytes(300);
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(compress(CompressionType::kNone, input, out).ok());
  EXPECT_EQ(out, input);
  Result<std::vector<std::uint8_t>> back = decompress(CompressionType::kNone, input, 300);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, input);
  EXPECT_EQ(decompress(CompressionType::kNone, input, 299).code(), ErrorCode::RECORD_LIST_TOO_LARGE);
}

TEST(CompressionApi, CodecComesFromTheLowThreeAttributeBits) {
  EXPECT_EQ(compression_from_attributes(0), CompressionType::kNone);
  EXPECT_EQ(compression_from_attributes(1), CompressionType::kGzip);
  EXPECT_EQ(compression_from_attributes(2), CompressionType::kSnappy);
  EXPECT_EQ(compression_from_attributes(3), CompressionType::kLz4);
  EXPECT_EQ(compression_from_attributes(4), CompressionType::kZstd);
  // Timestamp type (bit 3), transactional (4), control (5) do not interfere.
  EXPECT_EQ(compression_from_attributes(0x38 | 4), CompressionType::kZstd);
  for (std::int16_t id = 5; id <= 7; ++id) EXPECT_EQ(compression_from_attributes(id), std::nullopt) << id;
}

TEST(CompressionApi, ForMagicWritesTheKafka3160ChecksumOnlyForMagic0) {
  EXPECT_TRUE(CompressOptions::for_magic(0).lz4_kafka3160_checksum);
  EXPECT_FALSE(CompressOptions::for_magic(1).lz4_kafka3160_checksum);
  EXPECT_FALSE(CompressOptions::for_magic(2).lz4_kafka3160_checksum);
  EXPECT_EQ(CompressOptions::for_magic(2, 5).level, 5);
}

TEST(CompressionCorrupt, ZeroLengthInputIsCorrupt) {
  for (CompressionType type : testing::kAllCodecs) {
    EXPECT_EQ(decompress(type, {}, kMiB).code(), ErrorCode::CORRUPT_MESSAGE) << compression_name(type);
  }
}

// Fails with one of the two codes the codecs use, or decodes to something
// within the limit; the sanitizer build catches anything worse.
void expect_safe(CompressionType type, std::span<const std::uint8_t> input, std::size_t limit,
                 const std::string& what) {
  Result<std::vector<std::uint8_t>> r = decompress(type, input, limit);
  if (r.ok()) {
    EXPECT_LE(r->size(), limit) << what;
  } else {
    EXPECT_TRUE(r.code() == ErrorCode::CORRUPT_MESSAGE || r.code() == ErrorCode::RECORD_LIST_TOO_LARGE)
        << what << ": " << static_cast<int>(r.code());
  }
}

TEST(CompressionCorrupt, EveryPrefixFailsOrDecodesAPrefix) {
  // 40 KiB: two xerial blocks, so a cut at the block boundary is a valid
  // (shorter) xerial stream; every other codec has an end marker or trailer.
  const std::vector<std::uint8_t> input = compressible_bytes(40 * kKiB);
  for (CompressionType type : testing::kAllCodecs) {
    const std::vector<std::uint8_t> packed = compress_or_fail(type, input);
    for (std::size_t n = 0; n < packed.size(); ++n) {
      Result<std::vector<std::uint8_t>> r = decompress(type, std::span(packed).first(n), kMiB);
      if (!r.ok()) {
        EXPECT_EQ(r.code(), ErrorCode::CORRUPT_MESSAGE) << compression_name(type) << " prefix " << n;
        continue;
      }
      ASSERT_EQ(type, CompressionType::kSnappy) << compression_name(type) << " decoded a strict prefix of " << n;
      ASSERT_LE(r->size(), input.size());
      EXPECT_TRUE(std::equal(r->begin(), r->end(), input.begin())) << "prefix " << n;
    }
  }
}

TEST(CompressionCorrupt, EveryByteFlippedNeverCrashes) {
  const std::vector<std::uint8_t> input = compressible_bytes(3000);
  for (CompressionType type : testing::kAllCodecs) {
    const std::vector<std::uint8_t> packed = compress_or_fail(type, input);
    for (std::size_t i = 0; i < packed.size(); ++i) {
      for (std::uint8_t mask : {0x01, 0x80, 0xFF}) {
        std::vector<std::uint8_t> bad = packed;
        bad[i] ^= mask;
        expect_safe(type, bad, 64 * kKiB, std::string(compression_name(type)) + " byte " + std::to_string(i));
      }
    }
  }
}

TEST(CompressionCorrupt, RandomMutationsAndGarbageNeverCrash) {
  std::mt19937 rng(2024);
  const std::vector<std::uint8_t> input = compressible_bytes(70 * kKiB);
  for (CompressionType type : testing::kAllCodecs) {
    const std::vector<std::uint8_t> packed = compress_or_fail(type, input);
    for (int iter = 0; iter < 300; ++iter) {
      std::vector<std::uint8_t> bad = packed;
      const int edits = 1 + static_cast<int>(rng() % 8);
      for (int e = 0; e < edits; ++e) bad[rng() % bad.size()] = static_cast<std::uint8_t>(rng());
      if (rng() % 4 == 0) bad.resize(rng() % bad.size());
      expect_safe(type, bad, 100 * kKiB, std::string(compression_name(type)) + " mutation " + std::to_string(iter));
    }
    for (int iter = 0; iter < 300; ++iter) {
      std::vector<std::uint8_t> garbage = random_bytes(rng() % 300, static_cast<std::uint32_t>(rng()));
      // Half of them start like the real thing, to get past magic checks.
      if (iter % 2 == 0) std::copy_n(packed.begin(), std::min<std::size_t>(garbage.size(), 8), garbage.begin());
      expect_safe(type, garbage, 100 * kKiB, std::string(compression_name(type)) + " garbage " + std::to_string(iter));
    }
  }
}

TEST(CompressionCorrupt, TrailingGarbageAfterAValidPayloadIsCorrupt) {
  const std::vector<std::uint8_t> input = compressible_bytes(1000);
  // Not snappy: a raw block has no length of its own to notice extra bytes
  // by; a xerial stream reads them as a (bad) next block.
  for (CompressionType type : {CompressionType::kGzip, CompressionType::kLz4, CompressionType::kZstd}) {
    std::vector<std::uint8_t> packed = compress_or_fail(type, input);
    packed.insert(packed.end(), {0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06});
    EXPECT_EQ(decompress(type, packed, kMiB).code(), ErrorCode::CORRUPT_MESSAGE) << compression_name(type);
  }
  std::vector<std::uint8_t> xerial = compress_or_fail(CompressionType::kSnappy, input);
  xerial.insert(xerial.end(), {0x00, 0x00, 0x01});
  EXPECT_EQ(decompress(CompressionType::kSnappy, xerial, kMiB).code(), ErrorCode::CORRUPT_MESSAGE);
}

TEST(CompressionCorrupt, AStringIsNotACompressedPayload) {
  for (CompressionType type : testing::kAllCodecs) {
    expect_safe(type, as_bytes("hello, world: not compressed at all"), kMiB, std::string(compression_name(type)));
    EXPECT_FALSE(decompress(type, as_bytes("\x1f\x8b\x08"), kMiB).ok()) << compression_name(type);
  }
}

}  // namespace
}  // namespace sluice::protocol
