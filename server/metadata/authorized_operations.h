// KIP-430 authorized operations bit fields. Without an authorizer every
// operation a resource type supports is allowed, as Kafka reports it.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace sluice::server {

// Kafka's AclOperation codes.
enum class AclOperation : std::int8_t {
  kRead = 3,
  kWrite = 4,
  kCreate = 5,
  kDelete = 6,
  kAlter = 7,
  kDescribe = 8,
  kClusterAction = 9,
  kDescribeConfigs = 10,
  kAlterConfigs = 11,
  kIdempotentWrite = 12,
  kCreateTokens = 13,
  kDescribeTokens = 14,
};

constexpr std::int32_t operations_bits(std::initializer_list<AclOperation> ops) {
  std::int32_t bits = 0;
  for (AclOperation op : ops) bits |= 1 << static_cast<int>(op);
  return bits;
}

constexpr std::int32_t topic_authorized_operations() {
  using enum AclOperation;
  return operations_bits({kRead, kWrite, kCreate, kDelete, kAlter, kDescribe, kDescribeConfigs, kAlterConfigs});
}

constexpr std::int32_t cluster_authorized_operations() {
  using enum AclOperation;
  return operations_bits({kCreate, kAlter, kDescribe, kClusterAction, kDescribeConfigs, kAlterConfigs, kIdempotentWrite,
                          kCreateTokens, kDescribeTokens});
}

constexpr std::int32_t group_authorized_operations() {
  using enum AclOperation;
  return operations_bits({kRead, kDescribe, kDelete});
}

}  // namespace sluice::server
