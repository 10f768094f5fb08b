#include "bench/load/kafka_client.h"

#include <thread>

namespace sluice::bench {

using protocol::ErrorCode;
using protocol::Status;

Status kafka_error(const std::string& what, rd_kafka_resp_err_t err) {
  return {ErrorCode::UNKNOWN_SERVER_ERROR, what + ": " + rd_kafka_err2str(err)};
}

protocol::Result<KafkaHandle> make_client(rd_kafka_type_t type, const KafkaSettings& settings,
                                          const std::function<void(rd_kafka_conf_t*)>& customize) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status{ErrorCode::INVALID_CONFIG, key + ": " + err};
    }
  }
  if (customize) customize(conf);
  // rd_kafka_new owns `conf` only when it succeeds.
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR, std::string("rd_kafka_new: ") + err};
  }
  return KafkaHandle(rk);
}

Status create_topic(rd_kafka_t* rk, const std::string& topic, std::int32_t partitions) {
  char err[512];
  rd_kafka_NewTopic_t* new_topic = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  if (new_topic == nullptr) return {ErrorCode::INVALID_REQUEST, err};
  QueueHandle queue(rd_kafka_queue_new(rk));
  rd_kafka_CreateTopics(rk, &new_topic, 1, nullptr, queue.get());
  rd_kafka_NewTopic_destroy(new_topic);

  rd_kafka_event_t* event = rd_kafka_queue_poll(queue.get(), 30000);
  if (event == nullptr) return {ErrorCode::REQUEST_TIMED_OUT, "CreateTopics: no answer in 30 s"};
  Status status;
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = {ErrorCode::UNKNOWN_SERVER_ERROR, std::string("CreateTopics: ") + rd_kafka_event_error_string(event)};
  } else if (const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event)) {
    std::size_t count = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
      const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(topics[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* msg = rd_kafka_topic_result_error_string(topics[i]);
        status = {ErrorCode::UNKNOWN_SERVER_ERROR, "CreateTopics " + topic + ": " + (msg ? msg : rd_kafka_err2str(e))};
      }
    }
  }
  rd_kafka_event_destroy(event);
  return status;
}

Status await_partitions(rd_kafka_t* rk, const std::string& topic, std::int32_t partitions,
                        std::chrono::milliseconds timeout) {
  TopicHandle rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no answer";
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt.get(), &md, 5000);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      bool ready = md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                   md->topics[0].partition_cnt == partitions;
      for (int i = 0; ready && i < md->topics[0].partition_cnt; ++i) {
        ready = md->topics[0].partitions[i].leader >= 0;
      }
      last = md->topic_cnt == 1 ? std::string(rd_kafka_err2str(md->topics[0].err)) + ", " +
                                      std::to_string(md->topics[0].partition_cnt) + " partitions"
                                : "no topic";
      rd_kafka_metadata_destroy(md);
      if (ready) return {};
    } else {
      last = rd_kafka_err2str(err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return {ErrorCode::REQUEST_TIMED_OUT, "topic " + topic + " not ready: " + last};
}

}  // namespace sluice::bench
