#include "bench/load/partition_reader.h"

#include <unistd.h>

namespace sluice::bench {

using protocol::ErrorCode;
using protocol::Status;

protocol::Result<std::unique_ptr<PartitionReader>> PartitionReader::open(const std::string& bootstrap,
                                                                         ConsumerApi api) {
  KafkaSettings settings = {
      {"bootstrap.servers", bootstrap},
      {"client.id", "sluice-load"},
      {"enable.partition.eof", "false"},
  };
  if (api == ConsumerApi::kAssign) {
    settings.push_back({"group.id", "sluice-load-" + std::to_string(::getpid())});
    settings.push_back({"enable.auto.commit", "false"});
    settings.push_back({"enable.auto.offset.store", "false"});
  }
  auto client = make_client(RD_KAFKA_CONSUMER, settings);
  if (!client.ok()) return client.status();
  std::unique_ptr<PartitionReader> reader(new PartitionReader(api, std::move(client).value()));
  if (api == ConsumerApi::kAssign) {
    rd_kafka_poll_set_consumer(reader->client_.get());
    reader->queue_.reset(rd_kafka_queue_get_consumer(reader->client_.get()));
  } else {
    reader->queue_.reset(rd_kafka_queue_new(reader->client_.get()));
  }
  return reader;
}

PartitionReader::~PartitionReader() {
  for (auto& [rkt, partition] : started_) rd_kafka_consume_stop(rkt.get(), partition);
  started_.clear();
  if (api_ == ConsumerApi::kAssign && client_) {
    queue_.reset();
    rd_kafka_consumer_close(client_.get());
  }
}

protocol::Result<std::vector<PartitionReader::Watermarks>> PartitionReader::watermarks(
    const std::vector<TopicPartitions>& which) {
  std::vector<Watermarks> out;
  for (const TopicPartitions& tp : which) {
    for (std::int32_t p = 0; p < tp.partitions; ++p) {
      std::int64_t low = 0;
      std::int64_t high = 0;
      const rd_kafka_resp_err_t err =
          rd_kafka_query_watermark_offsets(client_.get(), tp.topic.c_str(), p, &low, &high, 10000);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return kafka_error("watermarks of " + tp.topic + "-" + std::to_string(p), err);
      }
      out.push_back({low, high});
    }
  }
  return out;
}

Status PartitionReader::start(const std::vector<TopicPartitions>& which, const std::vector<std::int64_t>& offsets) {
  std::size_t count = 0;
  for (const TopicPartitions& tp : which) count += static_cast<std::size_t>(tp.partitions);
  if (offsets.size() != count) return {ErrorCode::INVALID_REQUEST, "one offset per partition expected"};
  std::size_t next = 0;
  if (api_ == ConsumerApi::kAssign) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(8);
    for (const TopicPartitions& tp : which) {
      for (std::int32_t p = 0; p < tp.partitions; ++p) {
        rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), p)->offset = offsets[next++];
      }
    }
    const rd_kafka_resp_err_t err = rd_kafka_assign(client_.get(), list);
    rd_kafka_topic_partition_list_destroy(list);
    return err == RD_KAFKA_RESP_ERR_NO_ERROR ? Status{} : kafka_error("assign", err);
  }
  for (const TopicPartitions& tp : which) {
    for (std::int32_t p = 0; p < tp.partitions; ++p) {
      TopicHandle rkt(rd_kafka_topic_new(client_.get(), tp.topic.c_str(), nullptr));
      if (rd_kafka_consume_start_queue(rkt.get(), p, offsets[next++], queue_.get()) != 0) {
        return kafka_error("consume_start " + tp.topic + "-" + std::to_string(p), rd_kafka_last_error());
      }
      started_.emplace_back(std::move(rkt), p);
    }
  }
  return {};
}

namespace {

struct PollState {
  const std::function<void(const rd_kafka_message_t&)>* on_message;
  int delivered = 0;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_queue_message(rd_kafka_message_t* m, void* opaque) {
  auto* state = static_cast<PollState*>(opaque);
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    (*state->on_message)(*m);
    ++state->delivered;
  } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && state->error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    state->error = m->err;
  }
}

}  // namespace

protocol::Result<int> PartitionReader::poll(std::chrono::milliseconds timeout,
                                            const std::function<void(const rd_kafka_message_t&)>& on_message) {
  // The callback form returns as soon as something arrived and hands over
  // all that is queued; rd_kafka_consume_batch_queue would wait the whole
  // timeout for a full batch, which adds its wait to every latency sample.
  PollState state{&on_message};
  if (rd_kafka_consume_callback_queue(queue_.get(), static_cast<int>(timeout.count()), on_queue_message, &state) < 0) {
    return kafka_error("consume", rd_kafka_last_error());
  }
  if (state.error != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("fetch", state.error);
  // The main queue carries client errors and logs; serve it so it stays small
  // (kAssign has redirected it into the consumer queue).
  if (api_ == ConsumerApi::kSimple) rd_kafka_poll(client_.get(), 0);
  return state.delivered;
}

}  // namespace sluice::bench
