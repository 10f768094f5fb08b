#include "server/api_registry.h"

#include <algorithm>
#include <array>

#include "protocol/generated/all_messages.h"
#include "server/handler_adapter.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

// An implemented API accepts every version Kafka 3.9 accepts.
template <class Req, class Resp, asio::awaitable<Resp> (*Handle)(RequestContext&, Req&)>
constexpr ApiEntry entry() {
  return ApiEntry{Req::kApiKey, Req::kLowestVersion, Req::kHighestVersion, &invoke<Req, Resp, Handle>};
}

using namespace protocol;  // NOLINT: message types of this table only

// Sorted by key: ApiVersions lists them in this order.
constexpr auto kApis = std::to_array<ApiEntry>({
    entry<ProduceRequest, ProduceResponse, &handle_produce>(),
    entry<FetchRequest, FetchResponse, &handle_fetch>(),
    entry<ListOffsetsRequest, ListOffsetsResponse, &handle_list_offsets>(),
    entry<MetadataRequest, MetadataResponse, &handle_metadata>(),
    entry<ApiVersionsRequest, ApiVersionsResponse, &handle_api_versions>(),
    entry<CreateTopicsRequest, CreateTopicsResponse, &handle_create_topics>(),
    entry<DeleteTopicsRequest, DeleteTopicsResponse, &handle_delete_topics>(),
    entry<DeleteRecordsRequest, DeleteRecordsResponse, &handle_delete_records>(),
    entry<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, &handle_offset_for_leader_epoch>(),
    entry<DescribeConfigsRequest, DescribeConfigsResponse, &handle_describe_configs>(),
    entry<AlterConfigsRequest, AlterConfigsResponse, &handle_alter_configs>(),
    entry<DescribeLogDirsRequest, DescribeLogDirsResponse, &handle_describe_log_dirs>(),
    entry<CreatePartitionsRequest, CreatePartitionsResponse, &handle_create_partitions>(),
    entry<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse, &handle_incremental_alter_configs>(),
    entry<DescribeClusterRequest, DescribeClusterResponse, &handle_describe_cluster>(),
});
static_assert(std::is_sorted(kApis.begin(), kApis.end(),
                             [](const ApiEntry& a, const ApiEntry& b) { return a.key < b.key; }));

}  // namespace

std::span<const ApiEntry> implemented_apis() { return kApis; }

const ApiEntry* find_implemented_api(std::int16_t key) {
  auto it = std::find_if(kApis.begin(), kApis.end(), [key](const ApiEntry& e) { return e.key == key; });
  return it == kApis.end() ? nullptr : &*it;
}

}  // namespace sluice::server
