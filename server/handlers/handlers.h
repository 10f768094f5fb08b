// One handler per API, each in its own file under server/handlers/. A
// handler reads top to bottom: check the request, delegate to the log or a
// coordinator, fill the response.
#pragma once

#include <asio/awaitable.hpp>

#include "server/request_context.h"

namespace sluice::protocol {
struct ApiVersionsRequest;
struct ApiVersionsResponse;
struct ProduceRequest;
struct ProduceResponse;
struct FetchRequest;
struct FetchResponse;
struct ListOffsetsRequest;
struct ListOffsetsResponse;
struct OffsetForLeaderEpochRequest;
struct OffsetForLeaderEpochResponse;
struct DeleteRecordsRequest;
struct DeleteRecordsResponse;
struct MetadataRequest;
struct MetadataResponse;
struct CreateTopicsRequest;
struct CreateTopicsResponse;
struct DeleteTopicsRequest;
struct DeleteTopicsResponse;
struct DescribeConfigsRequest;
struct DescribeConfigsResponse;
struct AlterConfigsRequest;
struct AlterConfigsResponse;
struct DescribeLogDirsRequest;
struct DescribeLogDirsResponse;
struct CreatePartitionsRequest;
struct CreatePartitionsResponse;
struct IncrementalAlterConfigsRequest;
struct IncrementalAlterConfigsResponse;
struct DescribeClusterRequest;
struct DescribeClusterResponse;
struct OffsetCommitRequest;
struct OffsetCommitResponse;
struct OffsetFetchRequest;
struct OffsetFetchResponse;
struct FindCoordinatorRequest;
struct FindCoordinatorResponse;
struct JoinGroupRequest;
struct JoinGroupResponse;
struct HeartbeatRequest;
struct HeartbeatResponse;
struct LeaveGroupRequest;
struct LeaveGroupResponse;
struct SyncGroupRequest;
struct SyncGroupResponse;
struct DescribeGroupsRequest;
struct DescribeGroupsResponse;
struct ListGroupsRequest;
struct ListGroupsResponse;
struct DeleteGroupsRequest;
struct DeleteGroupsResponse;
struct OffsetDeleteRequest;
struct OffsetDeleteResponse;
struct InitProducerIdRequest;
struct InitProducerIdResponse;
struct AddPartitionsToTxnRequest;
struct AddPartitionsToTxnResponse;
struct AddOffsetsToTxnRequest;
struct AddOffsetsToTxnResponse;
struct EndTxnRequest;
struct EndTxnResponse;
struct TxnOffsetCommitRequest;
struct TxnOffsetCommitResponse;
struct DescribeProducersRequest;
struct DescribeProducersResponse;
struct DescribeTransactionsRequest;
struct DescribeTransactionsResponse;
struct ListTransactionsRequest;
struct ListTransactionsResponse;
}  // namespace sluice::protocol

namespace sluice::server {

asio::awaitable<protocol::ApiVersionsResponse> handle_api_versions(RequestContext&, protocol::ApiVersionsRequest&);
asio::awaitable<protocol::ProduceResponse> handle_produce(RequestContext&, protocol::ProduceRequest&);
asio::awaitable<protocol::FetchResponse> handle_fetch(RequestContext&, protocol::FetchRequest&);
asio::awaitable<protocol::ListOffsetsResponse> handle_list_offsets(RequestContext&, protocol::ListOffsetsRequest&);
asio::awaitable<protocol::OffsetForLeaderEpochResponse> handle_offset_for_leader_epoch(
    RequestContext&, protocol::OffsetForLeaderEpochRequest&);
asio::awaitable<protocol::DeleteRecordsResponse> handle_delete_records(RequestContext&,
                                                                       protocol::DeleteRecordsRequest&);
asio::awaitable<protocol::MetadataResponse> handle_metadata(RequestContext&, protocol::MetadataRequest&);
asio::awaitable<protocol::CreateTopicsResponse> handle_create_topics(RequestContext&, protocol::CreateTopicsRequest&);
asio::awaitable<protocol::DeleteTopicsResponse> handle_delete_topics(RequestContext&, protocol::DeleteTopicsRequest&);
asio::awaitable<protocol::DescribeConfigsResponse> handle_describe_configs(RequestContext&,
                                                                           protocol::DescribeConfigsRequest&);
asio::awaitable<protocol::AlterConfigsResponse> handle_alter_configs(RequestContext&, protocol::AlterConfigsRequest&);
asio::awaitable<protocol::DescribeLogDirsResponse> handle_describe_log_dirs(RequestContext&,
                                                                            protocol::DescribeLogDirsRequest&);
asio::awaitable<protocol::CreatePartitionsResponse> handle_create_partitions(RequestContext&,
                                                                             protocol::CreatePartitionsRequest&);
asio::awaitable<protocol::IncrementalAlterConfigsResponse> handle_incremental_alter_configs(
    RequestContext&, protocol::IncrementalAlterConfigsRequest&);
asio::awaitable<protocol::DescribeClusterResponse> handle_describe_cluster(RequestContext&,
                                                                           protocol::DescribeClusterRequest&);

// Consumer groups (classic protocol), served by the group coordinator.
asio::awaitable<protocol::OffsetCommitResponse> handle_offset_commit(RequestContext&, protocol::OffsetCommitRequest&);
asio::awaitable<protocol::OffsetFetchResponse> handle_offset_fetch(RequestContext&, protocol::OffsetFetchRequest&);
asio::awaitable<protocol::FindCoordinatorResponse> handle_find_coordinator(RequestContext&,
                                                                           protocol::FindCoordinatorRequest&);
asio::awaitable<protocol::JoinGroupResponse> handle_join_group(RequestContext&, protocol::JoinGroupRequest&);
asio::awaitable<protocol::HeartbeatResponse> handle_heartbeat(RequestContext&, protocol::HeartbeatRequest&);
asio::awaitable<protocol::LeaveGroupResponse> handle_leave_group(RequestContext&, protocol::LeaveGroupRequest&);
asio::awaitable<protocol::SyncGroupResponse> handle_sync_group(RequestContext&, protocol::SyncGroupRequest&);
asio::awaitable<protocol::DescribeGroupsResponse> handle_describe_groups(RequestContext&,
                                                                         protocol::DescribeGroupsRequest&);
asio::awaitable<protocol::ListGroupsResponse> handle_list_groups(RequestContext&, protocol::ListGroupsRequest&);
asio::awaitable<protocol::DeleteGroupsResponse> handle_delete_groups(RequestContext&, protocol::DeleteGroupsRequest&);
asio::awaitable<protocol::OffsetDeleteResponse> handle_offset_delete(RequestContext&, protocol::OffsetDeleteRequest&);

// Idempotent producers and transactions, served by the transaction
// coordinator (and, for TxnOffsetCommit, the group coordinator).
asio::awaitable<protocol::InitProducerIdResponse> handle_init_producer_id(RequestContext&,
                                                                          protocol::InitProducerIdRequest&);
asio::awaitable<protocol::AddPartitionsToTxnResponse> handle_add_partitions_to_txn(
    RequestContext&, protocol::AddPartitionsToTxnRequest&);
asio::awaitable<protocol::AddOffsetsToTxnResponse> handle_add_offsets_to_txn(RequestContext&,
                                                                             protocol::AddOffsetsToTxnRequest&);
asio::awaitable<protocol::EndTxnResponse> handle_end_txn(RequestContext&, protocol::EndTxnRequest&);
asio::awaitable<protocol::TxnOffsetCommitResponse> handle_txn_offset_commit(RequestContext&,
                                                                            protocol::TxnOffsetCommitRequest&);
asio::awaitable<protocol::DescribeProducersResponse> handle_describe_producers(RequestContext&,
                                                                               protocol::DescribeProducersRequest&);
asio::awaitable<protocol::DescribeTransactionsResponse> handle_describe_transactions(
    RequestContext&, protocol::DescribeTransactionsRequest&);
asio::awaitable<protocol::ListTransactionsResponse> handle_list_transactions(RequestContext&,
                                                                             protocol::ListTransactionsRequest&);

}  // namespace sluice::server
