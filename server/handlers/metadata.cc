// Metadata (key 3): brokers, the cluster id and controller, and each
// requested topic's partitions with leaders, epochs, replicas and ISR.
// Unknown topics are created when allowed (auto.create.topics.enable and the
// request's allow_auto_topic_creation); as in KRaft Kafka, the request that
// creates one answers UNKNOWN_TOPIC_OR_PARTITION and later ones list it.
#include <algorithm>

#include "coordinator/controller/controller.h"
#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/topic_validation.h"
#include "protocol/generated/metadata_request.h"
#include "protocol/generated/metadata_response.h"
#include "server/async_bridge.h"
#include "server/broker_services.h"
#include "server/config/broker_config.h"
#include "server/handlers/handlers.h"
#include "server/metadata/authorized_operations.h"
#include "server/metadata/broker_addresses.h"

namespace sluice::server {
namespace {

using protocol::ErrorCode;
using protocol::MetadataRequest;
using protocol::MetadataResponse;

constexpr std::int16_t code(ErrorCode e) { return static_cast<std::int16_t>(e); }

void describe_topic(const coordinator::TopicImage& topic, bool internal, MetadataResponse::MetadataResponseTopic& out) {
  out.error_code = 0;
  out.name = topic.name;
  out.topic_id = topic.id;
  out.is_internal = internal;
  for (const auto& [index, p] : topic.partitions) {
    auto& part = out.partitions.emplace_back();
    part.partition_index = index;
    part.leader_id = p.leader;
    part.leader_epoch = p.leader_epoch;
    part.replica_nodes = p.replicas;
    part.isr_nodes = p.isr;
    if (p.leader < 0) part.error_code = code(ErrorCode::LEADER_NOT_AVAILABLE);
  }
}

// Creates the topics that do not exist yet with the broker's defaults.
asio::awaitable<std::vector<coordinator::CreateTopicResult>> auto_create(RequestContext& ctx,
                                                                         std::vector<std::string> names) {
  std::vector<coordinator::CreatableTopic> topics;
  for (std::string& n : names) topics.push_back(coordinator::CreatableTopic{std::move(n), -1, -1, {}, {}});
  // By reference: GCC 12 destroys a by-value capture of a temporary lambda
  // in a co_await expression twice.
  co_return co_await await_completion<std::vector<coordinator::CreateTopicResult>>(
      [&](auto done) { ctx.services.controller.create_topics(std::move(topics), false, std::move(done)); });
}

}  // namespace

asio::awaitable<MetadataResponse> handle_metadata(RequestContext& ctx, MetadataRequest& req) {
  const std::int16_t version = ctx.api_version();
  // v0 asks for all topics with an empty list; later versions with null.
  const bool all_topics = !req.topics || (version == 0 && req.topics->empty());
  const bool may_create =
      (version < 4 || req.allow_auto_topic_creation) && ctx.services.config.boolean("auto.create.topics.enable");

  // Topics that need creating; the ones this request created are answered
  // as not there yet, so a "has it gone?" poll cannot see its own creation.
  std::vector<std::string> created;
  if (!all_topics && may_create) {
    const auto before = ctx.services.image();
    std::vector<std::string> missing;
    for (const auto& t : *req.topics) {
      if (t.name && !before->topic(*t.name) && !coordinator::invalid_topic_name_reason(*t.name) &&
          !ctx.services.is_internal_topic(*t.name)) {
        missing.push_back(*t.name);
      }
    }
    if (!missing.empty()) {
      auto results = co_await auto_create(ctx, std::move(missing));
      for (auto& r : results) {
        if (r.status.ok()) created.push_back(std::move(r.name));
      }
    }
  }

  const auto image = ctx.services.image();
  MetadataResponse resp;
  resp.cluster_id = ctx.services.cluster_id;
  resp.controller_id = ctx.services.node_id;
  for (const BrokerAddress& a : broker_addresses(ctx, *image)) {
    auto& b = resp.brokers.emplace_back();
    b.node_id = a.id;
    b.host = a.host;
    b.port = a.port;
    b.rack = a.rack;
  }
  const std::int32_t topic_ops = topic_authorized_operations();

  auto add = [&](const coordinator::TopicImage& topic) {
    auto& t = resp.topics.emplace_back();
    describe_topic(topic, ctx.services.is_internal_topic(topic.name), t);
    if (req.include_topic_authorized_operations) t.topic_authorized_operations = topic_ops;
  };
  if (all_topics) {
    for (const auto& [name, topic] : image->topics_by_name) add(*topic);
  } else {
    for (const auto& requested : *req.topics) {
      const coordinator::TopicImage* topic = nullptr;
      if (requested.name) {
        topic = image->topic(*requested.name);
      } else if (!requested.topic_id.is_zero()) {
        topic = image->topic(requested.topic_id);
      }
      if (topic && std::ranges::find(created, topic->name) != created.end()) topic = nullptr;
      if (topic) {
        add(*topic);
        continue;
      }
      auto& t = resp.topics.emplace_back();
      t.name = requested.name;
      t.topic_id = requested.topic_id;
      if (!requested.name) {
        t.error_code = code(ErrorCode::UNKNOWN_TOPIC_ID);
      } else if (coordinator::invalid_topic_name_reason(*requested.name)) {
        t.error_code = code(ErrorCode::INVALID_TOPIC_EXCEPTION);
      } else {
        t.error_code = code(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
      }
    }
  }
  if (version >= 8 && version <= 10 && req.include_cluster_authorized_operations) {
    resp.cluster_authorized_operations = cluster_authorized_operations();
  }
  co_return resp;
}

}  // namespace sluice::server
