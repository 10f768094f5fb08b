#include "coordinator/controller/metadata_record_serde.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/protocol/generated/fill.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;

// Every alternative of MetadataRecord at every version, filled with varied
// values: framed, decoded back equal, re-encoded to the same bytes.
template <std::size_t I = 0>
void round_trip_every_type(int& cases) {
  if constexpr (I < std::variant_size_v<MetadataRecord>) {
    using M = std::variant_alternative_t<I, MetadataRecord>;
    for (int v = M::kLowestVersion; v <= M::kHighestVersion; ++v) {
      const auto version = static_cast<std::int16_t>(v);
      for (std::uint64_t seed = 0; seed < 4; ++seed) {
        protocol::testing::Filler g(seed * 977 + static_cast<std::uint64_t>(v) + I * 31);
        M m;
        protocol::testing::fill(m, g, version);
        const VersionedRecord original{m, version};
        auto bytes = encode_metadata_record(original);
        ASSERT_TRUE(bytes.ok()) << M::kName << " v" << v << ": " << bytes.status().detail;
        ASSERT_GE(bytes->size(), 3u);
        EXPECT_EQ((*bytes)[0], 1) << "frame version";
        auto decoded = decode_metadata_record(*bytes);
        ASSERT_TRUE(decoded.ok()) << M::kName << " v" << v << ": " << decoded.status().detail;
        EXPECT_EQ(decoded->version, version);
        EXPECT_EQ(api_key_of(decoded->record), M::kApiKey);
        ASSERT_TRUE(*decoded == original) << M::kName << " v" << v << " seed " << seed;
        auto again = encode_metadata_record(*decoded);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, *bytes);
        ++cases;
      }
    }
    round_trip_every_type<I + 1>(cases);
  }
}

TEST(MetadataRecordSerdeTest, EveryRecordTypeRoundTripsAtEveryVersion) {
  int cases = 0;
  round_trip_every_type(cases);
  EXPECT_EQ(cases, 26 * 4) << "17 record types, 26 type versions";
}

TEST(MetadataRecordSerdeTest, TopicRecordFramingIsByteExact) {
  protocol::TopicRecord r;
  r.name = "foo";
  r.topic_id = protocol::Uuid{0x0102030405060708ULL, 0x090A0B0C0D0E0F10ULL};
  auto bytes = encode_metadata_record(at_current_version(r));
  ASSERT_TRUE(bytes.ok());
  const std::vector<std::uint8_t> expected = {
      0x01,                   // frame version
      0x02,                   // TopicRecord
      0x00,                   // version 0
      0x04, 'f',  'o',  'o',  // compact string: length + 1
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10,
      0x00,  // no tagged fields
  };
  EXPECT_EQ(*bytes, expected);
}

TEST(MetadataRecordSerdeTest, CurrentVersionsAreKafka39s) {
  EXPECT_EQ(at_current_version(protocol::PartitionRecord{}).version, 1);
  EXPECT_EQ(at_current_version(protocol::PartitionChangeRecord{}).version, 1);
  EXPECT_EQ(at_current_version(protocol::RegisterBrokerRecord{}).version, 3);
  EXPECT_EQ(at_current_version(protocol::BrokerRegistrationChangeRecord{}).version, 2);
  EXPECT_EQ(at_current_version(protocol::ConfigRecord{}).version, 0);
  EXPECT_EQ(at_current_version(protocol::FeatureLevelRecord{}).version, 0);

  protocol::PartitionRecord p;
  p.partition_id = 0;
  p.replicas = {1};
  p.isr = {1};
  p.leader = 1;
  p.directories = {protocol::Uuid{0, 7}};
  auto bytes = encode_metadata_record(at_current_version(p));
  ASSERT_TRUE(bytes.ok());
  ASSERT_GE(bytes->size(), 3u);
  EXPECT_EQ((*bytes)[0], 0x01);
  EXPECT_EQ((*bytes)[1], 0x03);  // PartitionRecord
  EXPECT_EQ((*bytes)[2], 0x01);  // version 1: directories (KIP-858)
}

TEST(MetadataRecordSerdeTest, ConfigRecordWithNullValueKeepsTheNull) {
  protocol::ConfigRecord r;
  r.resource_type = 2;
  r.resource_name = "t";
  r.name = "retention.ms";
  r.value = std::nullopt;
  auto bytes = encode_metadata_record(at_current_version(r));
  ASSERT_TRUE(bytes.ok());
  auto decoded = decode_metadata_record(*bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(std::get<protocol::ConfigRecord>(decoded->record).value.has_value());
}

TEST(MetadataRecordSerdeTest, RefusesWhatItCannotRead) {
  protocol::FeatureLevelRecord f;
  f.name = "metadata.version";
  f.feature_level = 21;
  auto good = encode_metadata_record(at_current_version(f));
  ASSERT_TRUE(good.ok());

  auto with = [&](std::size_t at, std::uint8_t byte) {
    std::vector<std::uint8_t> b = *good;
    b[at] = byte;
    return b;
  };
  EXPECT_EQ(decode_metadata_record(with(0, 0)).code(), ErrorCode::CORRUPT_MESSAGE);  // frame 0 (KRaft preview)
  EXPECT_EQ(decode_metadata_record(with(0, 2)).code(), ErrorCode::CORRUPT_MESSAGE);  // unknown frame
  // AccessControlEntryRecord (18) is Kafka's, but not Sluice's: refuse to load.
  EXPECT_EQ(decode_metadata_record(with(1, 18)).code(), ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_EQ(decode_metadata_record(with(1, 99)).code(), ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_EQ(decode_metadata_record(with(2, 1)).code(), ErrorCode::UNSUPPORTED_VERSION);  // FeatureLevelRecord v1

  std::vector<std::uint8_t> trailing = *good;
  trailing.push_back(0);
  auto garbage = decode_metadata_record(trailing);
  EXPECT_EQ(garbage.code(), ErrorCode::CORRUPT_MESSAGE);
  EXPECT_NE(garbage.status().detail.find("garbage"), std::string::npos);

  for (std::size_t cut = 0; cut < good->size(); ++cut) {
    EXPECT_FALSE(decode_metadata_record(std::span(good->data(), cut)).ok()) << "cut at " << cut;
  }
  // A version varint above what a short holds.
  const std::vector<std::uint8_t> huge_version = {0x01, 0x0C, 0xFF, 0xFF, 0x03};
  EXPECT_EQ(decode_metadata_record(huge_version).code(), ErrorCode::CORRUPT_MESSAGE);
}

}  // namespace
}  // namespace sluice::coordinator
