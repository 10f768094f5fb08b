#include "storage/checkpoint/uuid_text.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using protocol::Uuid;

TEST(UuidText, ParsesKafkasBase64) {
  auto id = parse_uuid_base64("ASNFZ4mrze_-3LqYdlQyEA");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, (Uuid{0x0123456789abcdefULL, 0xfedcba9876543210ULL}));
  EXPECT_EQ(*parse_uuid_base64("AAAAAAAAAAAAAAAAAAAAAQ"), (Uuid{0, 1}));
  EXPECT_EQ(*parse_uuid_base64("-_________8AAAAAAAAABQ"), (Uuid{0xfbffffffffffffffULL, 5}));
  // Java's URL decoder also takes the padded form.
  EXPECT_EQ(*parse_uuid_base64("ASNFZ4mrze_-3LqYdlQyEA=="), (Uuid{0x0123456789abcdefULL, 0xfedcba9876543210ULL}));
}

TEST(UuidText, RoundTripsWithToBase64) {
  for (int i = 0; i < 200; ++i) {
    const Uuid id = random_uuid();
    auto back = parse_uuid_base64(id.to_base64());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, id);
  }
}

TEST(UuidText, RejectsBadText) {
  EXPECT_EQ(parse_uuid_base64("").code(), ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(parse_uuid_base64("ASNFZ4mrze_-3LqYdlQyE").code(), ErrorCode::INVALID_REQUEST);    // 21 chars
  EXPECT_EQ(parse_uuid_base64("ASNFZ4mrze_-3LqYdlQyEAA").code(), ErrorCode::INVALID_REQUEST);  // 23 chars
  EXPECT_EQ(parse_uuid_base64("ASNFZ4mrze+/3LqYdlQyEA").code(), ErrorCode::INVALID_REQUEST);   // standard alphabet
  EXPECT_EQ(parse_uuid_base64("ASNFZ4mrze_-3LqYdlQyEA=").code(), ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(parse_uuid_base64("ASNFZ4mrze_-3LqYdlQyEA==AAAA").code(), ErrorCode::INVALID_REQUEST);
}

TEST(UuidText, RandomUuidsAreVersion4AndSafeToPrint) {
  std::set<Uuid> seen;
  for (int i = 0; i < 2000; ++i) {
    const Uuid id = random_uuid();
    EXPECT_EQ((id.high >> 12) & 0xf, 4u);       // version nibble
    EXPECT_EQ(id.low >> 62, 2u);                // IETF variant bits 10
    EXPECT_NE(id.to_base64().front(), '-');     // never looks like a CLI option
    EXPECT_FALSE(id.high == 0 && id.low <= 1);  // never a reserved id
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

}  // namespace
}  // namespace sluice::storage
