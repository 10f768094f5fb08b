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

}  // namespace sluice::server
