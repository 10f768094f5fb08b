// A topic name and partition number: the identity of one partition log, and
// its directory name "<topic>-<partition>" as Kafka lays logs out.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::storage {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;

  std::string to_string() const { return topic + "-" + std::to_string(partition); }

  // "orders-3" -> {orders, 3}; nullopt when the name has no "-<number>" tail.
  static std::optional<TopicPartition> parse(std::string_view dir_name) {
    const std::size_t dash = dir_name.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == dir_name.size()) return std::nullopt;
    std::int64_t p = 0;
    for (char c : dir_name.substr(dash + 1)) {
      if (c < '0' || c > '9') return std::nullopt;
      p = p * 10 + (c - '0');
      if (p > INT32_MAX) return std::nullopt;
    }
    return TopicPartition{std::string(dir_name.substr(0, dash)), static_cast<std::int32_t>(p)};
  }
};

struct TopicPartitionHash {
  std::size_t operator()(const TopicPartition& tp) const {
    return std::hash<std::string>()(tp.topic) * 31 + static_cast<std::size_t>(tp.partition);
  }
};

}  // namespace sluice::storage
