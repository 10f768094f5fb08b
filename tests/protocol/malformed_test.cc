// Bad input never crashes a decoder, never reads out of bounds (the test build
// runs under ASan) and never allocates in proportion to a claimed length.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "protocol/generated/all_messages.h"
#include "tests/protocol/generated/fill.h"

namespace {
// Bytes allocated by operator new while counting is on, on this thread.
thread_local bool counting = false;
thread_local std::size_t allocated = 0;
}  // namespace

// The replacement pair uses malloc/free on purpose; GCC cannot see they match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (counting) allocated += n;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// Every other form too, so that nothing allocated by the runtime's own
// operator new is freed by ours (ASan reports such a mismatch).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting) allocated += n;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace sluice::protocol {
namespace {

struct AllocationCounter {
  AllocationCounter() {
    allocated = 0;
    counting = true;
  }
  ~AllocationCounter() { counting = false; }
  std::size_t bytes() const { return allocated; }
};

TEST(Malformed, EveryStrictPrefixOfEveryMessageFailsToDecode) {
  std::size_t prefixes = 0;
  for_each_message([&]<class M>() {
    for (int v = M::kLowestVersion; v <= M::kHighestVersion; ++v) {
      const auto version = static_cast<std::int16_t>(v);
      testing::Filler g(static_cast<std::uint64_t>(v) + 17);
      M m;
      testing::fill(m, g, version);
      auto bytes = encode(m, version);
      ASSERT_TRUE(bytes.ok());
      for (std::size_t n = 0; n < bytes->size(); ++n) {
        // A copy of exactly n bytes, so ASan sees any read past the end.
        std::vector<std::uint8_t> prefix(bytes->begin(), bytes->begin() + static_cast<std::ptrdiff_t>(n));
        auto decoded = decode<M>(prefix, version);
        ASSERT_FALSE(decoded.ok()) << M::kName << " v" << v << " decoded from " << n << " of " << bytes->size();
        EXPECT_EQ(decoded.code(), ErrorCode::INVALID_REQUEST);
        ++prefixes;
      }
    }
  });
  EXPECT_GT(prefixes, 10000u);
}

TEST(Malformed, NegativeLengthsAreRejected) {
  // MetadataRequest v1: topics array of int32 count, then int16-length names.
  const std::vector<std::uint8_t> negative_count = {0xff, 0xff, 0xff, 0xfe};
  EXPECT_FALSE(decode<MetadataRequest>(negative_count, 1).ok());
  const std::vector<std::uint8_t> negative_name = {0, 0, 0, 1, 0xff, 0xf0};
  EXPECT_FALSE(decode<MetadataRequest>(negative_name, 1).ok());
  // Null name in a version where names are not nullable.
  const std::vector<std::uint8_t> null_name = {0, 0, 0, 1, 0xff, 0xff};
  EXPECT_FALSE(decode<MetadataRequest>(null_name, 1).ok());
}

TEST(Malformed, LengthsPastTheBufferAreRejected) {
  const std::vector<std::uint8_t> long_name = {0, 0, 0, 1, 0x7f, 0xff, 'a', 'b'};
  EXPECT_FALSE(decode<MetadataRequest>(long_name, 1).ok());
  // Compact string claiming 2^32-2 bytes (MetadataRequest v9).
  const std::vector<std::uint8_t> compact = {2, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 'a'};
  EXPECT_FALSE(decode<MetadataRequest>(compact, 9).ok());
}

TEST(Malformed, VarintsLongerThanFiveBytesAreRejected) {
  // MetadataRequest v9 topics count as a 6-byte varint.
  const std::vector<std::uint8_t> bytes = {0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0, 0, 0};
  auto decoded = decode<MetadataRequest>(bytes, 9);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().detail.find("varint"), std::string::npos);
  Reader r(std::span<const std::uint8_t>(bytes.data(), 6));
  (void)r.uvarint();
  EXPECT_FALSE(r.ok());
  const std::vector<std::uint8_t> eleven(11, 0x80);
  Reader r64(eleven);
  (void)r64.uvarlong();
  EXPECT_FALSE(r64.ok());
}

TEST(Malformed, HugeArrayCountsAllocateNothing) {
  // ProduceRequest v3: null transactional id, acks, timeout, topic count 2^31-1.
  const std::vector<std::uint8_t> produce = {0xff, 0xff, 0, 1, 0, 0, 0x75, 0x30, 0x7f, 0xff, 0xff, 0xff, 0, 1, 'a'};
  // FetchRequest v15 compact topic array claiming 2^32-2 elements.
  std::vector<std::uint8_t> fetch = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  fetch.insert(fetch.end(), {0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3});
  AllocationCounter counter;
  EXPECT_FALSE(decode<ProduceRequest>(produce, 3).ok());
  EXPECT_FALSE(decode<FetchRequest>(fetch, 15).ok());
  const std::size_t used = counter.bytes();
  EXPECT_LT(used, 4096u) << "decoders allocated " << used << " bytes for absurd counts";
}

TEST(Malformed, RandomBytesNeverCrashADecoder) {
  std::size_t attempts = 0;
  for_each_message([&]<class M>() {
    testing::Filler g(99);
    for (int v = M::kLowestVersion; v <= M::kHighestVersion; ++v) {
      for (int i = 0; i < 4; ++i) {
        std::vector<std::uint8_t> junk(g.next() % 64);
        for (auto& b : junk) b = static_cast<std::uint8_t>(g.next());
        (void)decode<M>(junk, static_cast<std::int16_t>(v));
        ++attempts;
      }
    }
  });
  EXPECT_GT(attempts, 1000u);
}

TEST(Malformed, UnsupportedVersionsAreRefused) {
  const std::vector<std::uint8_t> empty;
  EXPECT_EQ(decode<ProduceRequest>(empty, 12).code(), ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_EQ(decode<ProduceRequest>(empty, -1).code(), ErrorCode::UNSUPPORTED_VERSION);
  EXPECT_EQ(encode(ProduceRequest{}, 12).code(), ErrorCode::UNSUPPORTED_VERSION);
}

}  // namespace
}  // namespace sluice::protocol
