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
    entry<OffsetCommitRequest, OffsetCommitResponse, &handle_offset_commit>(),
    entry<OffsetFetchRequest, OffsetFetchResponse, &handle_offset_fetch>(),
    entry<FindCoordinatorRequest, FindCoordinatorResponse, &handle_find_coordinator>(),
    entry<JoinGroupRequest, JoinGroupResponse, &handle_join_group>(),
    entry<HeartbeatRequest, HeartbeatResponse, &handle_heartbeat>(),
    entry<LeaveGroupRequest, LeaveGroupResponse, &handle_leave_group>(),
    entry<SyncGroupRequest, SyncGroupResponse, &handle_sync_group>(),
    entry<DescribeGroupsRequest, DescribeGroupsResponse, &handle_describe_groups>(),
    entry<ListGroupsRequest, ListGroupsResponse, &handle_list_groups>(),
    entry<ApiVersionsRequest, ApiVersionsResponse, &handle_api_versions>(),
    entry<CreateTopicsRequest, CreateTopicsResponse, &handle_create_topics>(),
    entry<DeleteTopicsRequest, DeleteTopicsResponse, &handle_delete_topics>(),
    entry<DeleteRecordsRequest, DeleteRecordsResponse, &handle_delete_records>(),
    entry<InitProducerIdRequest, InitProducerIdResponse, &handle_init_producer_id>(),
    entry<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, &handle_offset_for_leader_epoch>(),
    entry<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, &handle_add_partitions_to_txn>(),
    entry<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, &handle_add_offsets_to_txn>(),
    entry<EndTxnRequest, EndTxnResponse, &handle_end_txn>(),
    entry<TxnOffsetCommitRequest, TxnOffsetCommitResponse, &handle_txn_offset_commit>(),
    entry<DescribeConfigsRequest, DescribeConfigsResponse, &handle_describe_configs>(),
    entry<AlterConfigsRequest, AlterConfigsResponse, &handle_alter_configs>(),
    entry<DescribeLogDirsRequest, DescribeLogDirsResponse, &handle_describe_log_dirs>(),
    entry<CreatePartitionsRequest, CreatePartitionsResponse, &handle_create_partitions>(),
    entry<DeleteGroupsRequest, DeleteGroupsResponse, &handle_delete_groups>(),
    entry<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse, &handle_incremental_alter_configs>(),
    entry<OffsetDeleteRequest, OffsetDeleteResponse, &handle_offset_delete>(),
    entry<DescribeClusterRequest, DescribeClusterResponse, &handle_describe_cluster>(),
    entry<DescribeProducersRequest, DescribeProducersResponse, &handle_describe_producers>(),
    entry<DescribeTransactionsRequest, DescribeTransactionsResponse, &handle_describe_transactions>(),
    entry<ListTransactionsRequest, ListTransactionsResponse, &handle_list_transactions>(),
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
