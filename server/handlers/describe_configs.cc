// DescribeConfigs (key 32): a topic's or this broker's configuration, each
// key with its value, source, synonyms (v1+) and documentation (v3+).
#include <algorithm>

#include "coordinator/controller/metadata_image.h"
#include "protocol/generated/describe_configs_request.h"
#include "protocol/generated/describe_configs_response.h"
#include "server/broker_services.h"
#include "server/config/broker_config.h"
#include "server/handlers/handlers.h"

namespace sluice::server {
namespace {

using coordinator::ConfigResourceType;
using protocol::DescribeConfigsRequest;
using protocol::DescribeConfigsResponse;
using protocol::ErrorCode;
using protocol::Result;

Result<std::vector<storage::DescribedConfig>> describe_resource(
    const RequestContext& ctx, const DescribeConfigsRequest::DescribeConfigsResource& r) {
  switch (static_cast<ConfigResourceType>(r.resource_type)) {
    case ConfigResourceType::kTopic: {
      const auto image = ctx.services.image();
      if (!image->topic(r.resource_name)) {
        return {ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, "Topic " + r.resource_name + " does not exist"};
      }
      return storage::describe_topic_config(image->configs_of(ConfigResourceType::kTopic, r.resource_name),
                                            *ctx.services.config.broker_log_defaults());
    }
    case ConfigResourceType::kBroker:
      if (r.resource_name.empty()) return ctx.services.config.describe(DynamicLevel::kClusterDefault);
      if (r.resource_name != std::to_string(ctx.services.node_id)) {
        return {ErrorCode::INVALID_REQUEST, "Unexpected broker id, expected " + std::to_string(ctx.services.node_id) +
                                                " or empty string, but received " + r.resource_name};
      }
      return ctx.services.config.describe(DynamicLevel::kBroker);
    default:
      return {ErrorCode::INVALID_REQUEST, "Unsupported resource type " + std::to_string(r.resource_type)};
  }
}

}  // namespace

asio::awaitable<DescribeConfigsResponse> handle_describe_configs(RequestContext& ctx, DescribeConfigsRequest& req) {
  const std::int16_t version = ctx.api_version();
  DescribeConfigsResponse resp;
  for (const auto& r : req.resources) {
    auto& out = resp.results.emplace_back();
    out.resource_type = r.resource_type;
    out.resource_name = r.resource_name;
    Result<std::vector<storage::DescribedConfig>> configs = describe_resource(ctx, r);
    if (!configs) {
      out.error_code = static_cast<std::int16_t>(configs.code());
      out.error_message = configs.status().detail;
      continue;
    }
    out.error_message = std::nullopt;
    for (const storage::DescribedConfig& c : *configs) {
      if (r.configuration_keys && std::find(r.configuration_keys->begin(), r.configuration_keys->end(), c.name) ==
                                      r.configuration_keys->end()) {
        continue;
      }
      auto& e = out.configs.emplace_back();
      e.name = c.name;
      e.value = c.value;
      e.read_only = c.read_only;
      e.is_sensitive = c.sensitive;
      e.config_source = static_cast<std::int8_t>(c.source);
      if (version == 0) e.is_default = c.source == storage::ConfigSource::kDefaultConfig;
      if (version >= 3) {
        e.config_type = static_cast<std::int8_t>(c.type);
        e.documentation = req.include_documentation ? std::optional<std::string>(c.documentation) : std::nullopt;
      }
      if (version >= 1 && req.include_synonyms) {
        for (const auto& s : c.synonyms) {
          auto& syn = e.synonyms.emplace_back();
          syn.name = s.name;
          syn.value = s.value;
          syn.source = static_cast<std::int8_t>(s.source);
        }
      }
    }
  }
  co_return resp;
}

}  // namespace sluice::server
