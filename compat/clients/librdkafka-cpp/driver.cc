// librdkafka C++ compat driver: runs one scenario of compat/SCENARIOS.md
// with librdkafka's C++ API (Producer, KafkaConsumer) and, for the admin
// scenarios the C++ API lacks, the C admin API on the same client handle.
//
// Usage: driver <scenario> | --version. Environment: SLUICE_BOOTSTRAP,
// SLUICE_TOPIC, SLUICE_GROUP, SLUICE_TXN_ID; COMPAT_RDKAFKA_DEBUG (optional)
// sets librdkafka's `debug` property, e.g. "protocol,broker".
//
// A scenario ends with a Verdict exception caught in main. Nothing throws
// from inside librdkafka callbacks: they only record what happened.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kReadDeadline = 20s;
constexpr auto kQuietTime = 500ms;
constexpr int kTimeoutMs = 20000;
constexpr int32_t kBrokerId = 1;
constexpr int64_t kBaseTimestamp = 1600000000000;

// ------------------------------------------------------------------ verdicts

struct Verdict {
  std::string line;
};

template <class... Parts>
std::string Str(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

[[noreturn]] void Fail(const std::string& reason) { throw Verdict{"FAIL " + reason}; }

void Check(bool ok, const std::string& reason) {
  if (!ok) Fail(reason);
}

void Log(const std::string& line) { std::cerr << line << std::endl; }

using Bytes = std::optional<std::string>;  // nullopt is Kafka's null

// Quoted, with non-printable bytes as \xNN: verdicts are one line.
std::string Show(const Bytes& bytes) {
  if (!bytes) return "null";
  std::string text = "\"";
  for (unsigned char c : bytes->substr(0, 40)) {
    static constexpr char kHex[] = "0123456789abcdef";
    text += c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c)) : Str("\\x", kHex[c >> 4], kHex[c & 15]);
  }
  text += "\"";
  if (bytes->size() > 40) text += Str("... (", bytes->size(), " bytes)");
  return text;
}

// --------------------------------------------------------------- environment

struct Env {
  std::string bootstrap;
  std::string topic;
  std::string group;
  std::string txn_id;
  std::string debug;
};

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

Env ReadEnv() {
  return Env{EnvOr("SLUICE_BOOTSTRAP", "127.0.0.1:9092"), EnvOr("SLUICE_TOPIC", "compat"),
             EnvOr("SLUICE_GROUP", "compat-group"), EnvOr("SLUICE_TXN_ID", "compat-txn"),
             EnvOr("COMPAT_RDKAFKA_DEBUG", "")};
}

using Props = std::vector<std::pair<std::string, std::string>>;

std::unique_ptr<RdKafka::Conf> MakeConf(const Env& env, const Props& props) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  Props all{{"bootstrap.servers", env.bootstrap}};
  if (!env.debug.empty()) all.emplace_back("debug", env.debug);
  all.insert(all.end(), props.begin(), props.end());
  for (const auto& [name, value] : all) {
    Check(conf->set(name, value, error) == RdKafka::Conf::CONF_OK, Str("config ", name, "=", value, ": ", error));
  }
  return conf;
}

template <class Callback>
void SetCallback(RdKafka::Conf& conf, const std::string& name, Callback* callback) {
  std::string error;
  Check(conf.set(name, callback, error) == RdKafka::Conf::CONF_OK, Str("config ", name, ": ", error));
}

// ------------------------------------------------------------------- records

using Headers = std::vector<std::pair<std::string, Bytes>>;

struct Record {
  Bytes key;
  Bytes value;
  Headers headers{};
  int64_t timestamp = 0;  // 0: the client stamps it
  int32_t partition = RdKafka::Topic::PARTITION_UA;
};

// k0=v0 ... k<n-1>=v<n-1>, the records most scenarios send.
std::vector<Record> Keyed(int n, const std::string& key = "k", const std::string& value = "v") {
  std::vector<Record> records;
  for (int i = 0; i < n; ++i) records.push_back({key + std::to_string(i), value + std::to_string(i)});
  return records;
}

struct Consumed {
  int32_t partition = 0;
  int64_t offset = 0;
  Bytes key;
  Bytes value;
  Headers headers;
  RdKafka::MessageTimestamp timestamp{};
};

Bytes CopyBytes(const void* data, size_t size) {
  if (data == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(data), size);
}

Consumed FromMessage(RdKafka::Message& message) {
  Consumed record{message.partition(),
                  message.offset(),
                  CopyBytes(message.key_pointer(), message.key_len()),
                  CopyBytes(message.payload(), message.len()),
                  {},
                  message.timestamp()};
  if (RdKafka::Headers* headers = message.headers()) {
    for (const auto& header : headers->get_all()) {
      record.headers.emplace_back(header.key(), CopyBytes(header.value(), header.value_size()));
    }
  }
  return record;
}

// Where two long values part, which Show() alone may not reveal.
std::string FirstDifference(const Bytes& got, const Bytes& want) {
  if (!got || !want) return "";
  auto at = std::mismatch(got->begin(), got->end(), want->begin(), want->end()).first - got->begin();
  return Str(" (first difference at byte ", at, ")");
}

// Compares key and value record by record; first_offset, when given, is the
// offset the first record must have (the rest follow without gaps).
void ExpectRecords(const std::vector<Consumed>& got, const std::vector<Record>& expected,
                   std::optional<int64_t> first_offset = 0) {
  for (size_t i = 0; i < got.size() && i < expected.size(); ++i) {
    Check(got[i].key == expected[i].key,
          Str("record ", i, ": expected key ", Show(expected[i].key), ", got ", Show(got[i].key)));
    Check(got[i].value == expected[i].value, Str("record ", i, ": expected value ", Show(expected[i].value), ", got ",
                                                 Show(got[i].value), FirstDifference(got[i].value, expected[i].value)));
    if (first_offset) {
      int64_t want = *first_offset + static_cast<int64_t>(i);
      Check(got[i].offset == want, Str("record ", i, ": expected offset ", want, ", got ", got[i].offset));
    }
  }
  Check(got.size() == expected.size(), Str("expected ", expected.size(), " records, got ", got.size()));
}

// ----------------------------------------------------------------- producing

// Delivery results indexed by the record's position in the send order
// (passed as the message opaque).
class DeliveryLog : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto index = reinterpret_cast<uintptr_t>(message.msg_opaque());
    if (index >= results_.size()) results_.resize(index + 1, RdKafka::ERR__IN_PROGRESS);
    results_[index] = message.err();
  }
  void Expect(size_t count) { results_.resize(count, RdKafka::ERR__IN_PROGRESS); }
  const std::vector<RdKafka::ErrorCode>& results() const { return results_; }

 private:
  std::vector<RdKafka::ErrorCode> results_;
};

void CheckError(RdKafka::Error* raw, const std::string& what) {
  std::unique_ptr<RdKafka::Error> error(raw);
  Check(error == nullptr, Str(what, ": ", error ? error->str() : ""));
}

class Producer {
 public:
  Producer(const Env& env, const Props& props) : topic_(env.topic) {
    auto conf = MakeConf(env, props);
    SetCallback(*conf, "dr_cb", static_cast<RdKafka::DeliveryReportCb*>(&deliveries_));
    std::string error;
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
    Check(producer_ != nullptr, "creating the producer: " + error);
  }

  // Queues the records; delivery results arrive with Flush().
  void Send(const std::vector<Record>& records) {
    for (const Record& record : records) {
      std::unique_ptr<RdKafka::Headers> headers;
      if (!record.headers.empty()) {
        headers.reset(RdKafka::Headers::create());
        for (const auto& [name, value] : record.headers) {
          headers->add(name, value ? value->data() : nullptr, value ? value->size() : 0);
        }
      }
      void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(sent_));
      while (true) {
        // RK_MSG_COPY: librdkafka copies the value, so the const_cast never writes.
        auto err =
            producer_->produce(topic_, record.partition, RdKafka::Producer::RK_MSG_COPY,
                               record.value ? const_cast<char*>(record.value->data()) : nullptr,
                               record.value ? record.value->size() : 0, record.key ? record.key->data() : nullptr,
                               record.key ? record.key->size() : 0, record.timestamp, headers.get(), opaque);
        if (err == RdKafka::ERR_NO_ERROR) break;
        Check(err == RdKafka::ERR__QUEUE_FULL, Str("produce() of record ", sent_, ": ", RdKafka::err2str(err)));
        producer_->poll(100);
      }
      headers.release();  // a successful produce() owns the headers
      ++sent_;
    }
  }

  // Waits for every delivery report; returns one error code per record sent.
  const std::vector<RdKafka::ErrorCode>& Flush() {
    Check(producer_->flush(kTimeoutMs) == RdKafka::ERR_NO_ERROR, "flush timed out");
    deliveries_.Expect(sent_);
    return deliveries_.results();
  }

  RdKafka::Producer* operator->() { return producer_.get(); }
  RdKafka::Producer& client() { return *producer_; }

 private:
  std::string topic_;
  size_t sent_ = 0;
  DeliveryLog deliveries_;  // declared before producer_: it must outlive it
  std::unique_ptr<RdKafka::Producer> producer_;
};

void CheckDelivered(const std::vector<RdKafka::ErrorCode>& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    Check(results[i] == RdKafka::ERR_NO_ERROR, Str("delivery of record ", i, ": ", RdKafka::err2str(results[i])));
  }
}

void ProduceOk(const Env& env, const std::vector<Record>& records, const Props& props = {}) {
  Producer producer(env, props);
  producer.Send(records);
  CheckDelivered(producer.Flush());
}

// Produces one record the broker must refuse with `expected`.
void ProduceRejected(const Env& env, const Record& record, RdKafka::ErrorCode expected, const Props& props = {}) {
  Producer producer(env, props);
  producer.Send({record});
  RdKafka::ErrorCode got = producer.Flush().at(0);
  Check(got == expected, Str("expected delivery error ", RdKafka::err2str(expected), " (", static_cast<int>(expected),
                             "), got ", RdKafka::err2str(got), " (", static_cast<int>(got), ")"));
}

// ----------------------------------------------------------------- consuming

// Owns the TopicPartition objects that the C++ API takes by raw pointer.
class PartitionList {
 public:
  PartitionList(const std::string& topic, const std::vector<int32_t>& partitions,
                int64_t offset = RdKafka::Topic::OFFSET_INVALID) {
    for (int32_t partition : partitions) list_.push_back(RdKafka::TopicPartition::create(topic, partition, offset));
  }
  ~PartitionList() { RdKafka::TopicPartition::destroy(list_); }
  PartitionList(const PartitionList&) = delete;
  PartitionList& operator=(const PartitionList&) = delete;

  std::vector<RdKafka::TopicPartition*>& get() { return list_; }
  const RdKafka::TopicPartition& operator[](size_t i) const { return *list_.at(i); }

 private:
  std::vector<RdKafka::TopicPartition*> list_;
};

// A KafkaConsumer that keeps track of its eager-protocol assignment and of
// the end-of-partition events it saw.
class Consumer : public RdKafka::RebalanceCb {
 public:
  Consumer(const Env& env, std::string name, const Props& props) : name_(std::move(name)) {
    auto conf = MakeConf(env, props);
    SetCallback(*conf, "rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this));
    std::string error;
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    Check(consumer_ != nullptr, Str("creating consumer ", name_, ": ", error));
  }

  ~Consumer() override { Close(); }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    assigned_.clear();
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (const auto* partition : partitions) assigned_.insert(partition->partition());
      consumer->assign(partitions);
    } else {
      consumer->unassign();
    }
    Log(Str(name_, ": ", err == RdKafka::ERR__ASSIGN_PARTITIONS ? "assigned" : "revoked", " ", partitions.size(),
            " partition(s)"));
  }

  // Takes at most one record into `got`, waiting up to wait_ms.
  void Poll(std::vector<Consumed>& got, int wait_ms) {
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(wait_ms));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        got.push_back(FromMessage(*message));
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      case RdKafka::ERR__PARTITION_EOF:
        eof_[message->partition()] = message->offset();
        break;
      default:
        Fail(Str(name_, ": consumer error: ", message->errstr()));
    }
  }

  void Subscribe(const std::string& topic) {
    Check(consumer_->subscribe({topic}) == RdKafka::ERR_NO_ERROR, name_ + ": subscribe failed");
  }

  void Assign(const std::string& topic, const std::vector<int32_t>& partitions, int64_t offset) {
    PartitionList list(topic, partitions, offset);
    auto err = consumer_->assign(list.get());
    Check(err == RdKafka::ERR_NO_ERROR, Str(name_, ": assign: ", RdKafka::err2str(err)));
  }

  void Close() {
    if (!closed_) consumer_->close();
    closed_ = true;
  }

  const std::set<int32_t>& assigned() const { return assigned_; }
  std::optional<int64_t> eof(int32_t partition) const {
    auto it = eof_.find(partition);
    return it == eof_.end() ? std::nullopt : std::optional(it->second);
  }
  RdKafka::KafkaConsumer* operator->() { return consumer_.get(); }
  RdKafka::KafkaConsumer& client() { return *consumer_; }

 private:
  std::string name_;
  bool closed_ = false;
  std::set<int32_t> assigned_;
  std::map<int32_t, int64_t> eof_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;  // last: destroyed first
};

// Records from the consumers until `count` arrived (or the deadline), then
// any that arrive in the quiet time: those make the count wrong.
std::vector<Consumed> ReadRecords(const std::vector<Consumer*>& consumers, size_t count) {
  std::vector<Consumed> got;
  for (auto end = Clock::now() + kReadDeadline; got.size() < count && Clock::now() < end;) {
    for (Consumer* consumer : consumers) consumer->Poll(got, 50);
  }
  for (auto end = Clock::now() + kQuietTime; Clock::now() < end;) {
    for (Consumer* consumer : consumers) consumer->Poll(got, 20);
  }
  return got;
}

// Polls until the condition holds (rebalances are served inside consume());
// no record is expected meanwhile.
void AwaitGroup(const std::vector<Consumer*>& consumers, const std::function<bool()>& done, const std::string& what) {
  std::vector<Consumed> unexpected;
  for (auto end = Clock::now() + kReadDeadline; !done();) {
    Check(Clock::now() < end, "timed out waiting until " + what);
    for (Consumer* consumer : consumers) consumer->Poll(unexpected, 50);
    Check(unexpected.empty(), Str("a record arrived while waiting until ", what));
  }
}

std::unique_ptr<RdKafka::Metadata> FetchMetadata(RdKafka::Handle& handle) {
  RdKafka::Metadata* raw = nullptr;
  auto err = handle.metadata(true, nullptr, &raw, kTimeoutMs);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  Check(err == RdKafka::ERR_NO_ERROR, "metadata request: " + RdKafka::err2str(err));
  return metadata;
}

const RdKafka::TopicMetadata* FindTopic(const RdKafka::Metadata& metadata, const std::string& topic) {
  for (const auto* t : *metadata.topics()) {
    if (t->topic() == topic && t->err() == RdKafka::ERR_NO_ERROR) return t;
  }
  return nullptr;
}

std::vector<int32_t> PartitionIds(RdKafka::Handle& handle, const std::string& topic) {
  auto metadata = FetchMetadata(handle);
  const auto* t = FindTopic(*metadata, topic);
  Check(t != nullptr, topic + " is not in the metadata");
  std::vector<int32_t> ids;
  for (const auto* partition : *t->partitions()) ids.push_back(partition->id());
  return ids;
}

// A plain (assign, no group) read of every partition, or the given ones,
// from the beginning.
std::vector<Consumed> ReadBack(const Env& env, size_t count, const Props& props = {},
                               std::optional<std::vector<int32_t>> partitions = std::nullopt) {
  Props all{{"group.id", env.group + "-reader"}, {"enable.auto.commit", "false"}};
  all.insert(all.end(), props.begin(), props.end());
  Consumer reader(env, "reader", all);
  reader.Assign(env.topic, partitions ? *partitions : PartitionIds(reader.client(), env.topic),
                RdKafka::Topic::OFFSET_BEGINNING);
  return ReadRecords({&reader}, count);
}

// -------------------------------------------------------------------- admin

template <auto Destroy>
struct CDeleter {
  template <class T>
  void operator()(T* handle) const {
    Destroy(handle);
  }
};
template <class T, auto Destroy>
using CHandle = std::unique_ptr<T, CDeleter<Destroy>>;

using Event = CHandle<rd_kafka_event_t, rd_kafka_event_destroy>;
using Options = CHandle<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy>;

// Request and operation timeouts, so that topic creation and deletion are
// complete when the result arrives.
Options MakeOptions(rd_kafka_t* rk) {
  Options options(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY));
  char error[256];
  rd_kafka_AdminOptions_set_request_timeout(options.get(), kTimeoutMs, error, sizeof error);
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), kTimeoutMs, error, sizeof error);
  return options;
}

struct ConfigValue {
  std::string value;
  bool is_default = false;
  std::string source;
};
using Configs = std::map<std::string, ConfigValue>;

// librdkafka 2.0.2's admin API is C only; it runs on the C++ producer's
// handle, whose metadata() then lists topics.
class Admin {
 public:
  explicit Admin(const Env& env) : producer_(env, {}), queue_(rd_kafka_queue_new(handle())) {}

  rd_kafka_resp_err_t CreateTopic(const std::string& name, int partitions, const Props& configs) {
    char error[256];
    CHandle<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy> topic(
        rd_kafka_NewTopic_new(name.c_str(), partitions, 1, error, sizeof error));
    Check(topic != nullptr, Str("NewTopic: ", error));
    for (const auto& [key, value] : configs) rd_kafka_NewTopic_set_config(topic.get(), key.c_str(), value.c_str());
    rd_kafka_NewTopic_t* topics[] = {topic.get()};
    rd_kafka_CreateTopics(handle(), topics, 1, MakeOptions(handle()).get(), queue_.get());
    auto event = Await(RD_KAFKA_EVENT_CREATETOPICS_RESULT, "CreateTopics");
    size_t count = 0;
    auto results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
    return TopicError(results, count, "CreateTopics");
  }

  rd_kafka_resp_err_t DeleteTopic(const std::string& name) {
    CHandle<rd_kafka_DeleteTopic_t, rd_kafka_DeleteTopic_destroy> topic(rd_kafka_DeleteTopic_new(name.c_str()));
    rd_kafka_DeleteTopic_t* topics[] = {topic.get()};
    rd_kafka_DeleteTopics(handle(), topics, 1, MakeOptions(handle()).get(), queue_.get());
    auto event = Await(RD_KAFKA_EVENT_DELETETOPICS_RESULT, "DeleteTopics");
    size_t count = 0;
    auto results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event.get()), &count);
    return TopicError(results, count, "DeleteTopics");
  }

  rd_kafka_resp_err_t CreatePartitions(const std::string& name, int total) {
    char error[256];
    CHandle<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy> request(
        rd_kafka_NewPartitions_new(name.c_str(), total, error, sizeof error));
    Check(request != nullptr, Str("NewPartitions: ", error));
    rd_kafka_NewPartitions_t* requests[] = {request.get()};
    rd_kafka_CreatePartitions(handle(), requests, 1, MakeOptions(handle()).get(), queue_.get());
    auto event = Await(RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT, "CreatePartitions");
    size_t count = 0;
    auto results = rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(event.get()), &count);
    return TopicError(results, count, "CreatePartitions");
  }

  Configs DescribeConfigs(rd_kafka_ResourceType_t type, const std::string& name) {
    Resource resource(rd_kafka_ConfigResource_new(type, name.c_str()));
    rd_kafka_ConfigResource_t* resources[] = {resource.get()};
    rd_kafka_DescribeConfigs(handle(), resources, 1, MakeOptions(handle()).get(), queue_.get());
    auto event = Await(RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, "DescribeConfigs");
    size_t count = 0;
    auto results =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event.get()), &count);
    Check(count == 1, Str("DescribeConfigs returned ", count, " resources"));
    CheckResource(results[0], "DescribeConfigs");
    Configs configs;
    size_t entries = 0;
    auto* list = rd_kafka_ConfigResource_configs(results[0], &entries);
    for (size_t i = 0; i < entries; ++i) {
      const char* value = rd_kafka_ConfigEntry_value(list[i]);
      configs[rd_kafka_ConfigEntry_name(list[i])] = {value != nullptr ? value : "(null)",
                                                     rd_kafka_ConfigEntry_is_default(list[i]) != 0,
                                                     rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(list[i]))};
    }
    return configs;
  }

  // The non-incremental AlterConfigs: librdkafka 2.0.2 has no
  // IncrementalAlterConfigs (it came in 2.2.0).
  void AlterTopicConfig(const std::string& topic, const std::string& key, const std::string& value) {
    Resource resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
    rd_kafka_ConfigResource_set_config(resource.get(), key.c_str(), value.c_str());
    rd_kafka_ConfigResource_t* resources[] = {resource.get()};
    rd_kafka_AlterConfigs(handle(), resources, 1, MakeOptions(handle()).get(), queue_.get());
    auto event = Await(RD_KAFKA_EVENT_ALTERCONFIGS_RESULT, "AlterConfigs");
    size_t count = 0;
    auto results = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(event.get()), &count);
    Check(count == 1, Str("AlterConfigs returned ", count, " resources"));
    CheckResource(results[0], "AlterConfigs");
  }

  RdKafka::Producer& client() { return producer_.client(); }

 private:
  using Resource = CHandle<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>;

  rd_kafka_t* handle() { return producer_->c_ptr(); }

  Event Await(rd_kafka_event_type_t type, const std::string& what) {
    Event event(rd_kafka_queue_poll(queue_.get(), kTimeoutMs + 5000));
    Check(event != nullptr, what + ": no result");
    Check(rd_kafka_event_type(event.get()) == type, Str(what, ": unexpected event ", rd_kafka_event_name(event.get())));
    Check(rd_kafka_event_error(event.get()) == RD_KAFKA_RESP_ERR_NO_ERROR,
          Str(what, ": ", rd_kafka_event_error_string(event.get())));
    return event;
  }

  static rd_kafka_resp_err_t TopicError(const rd_kafka_topic_result_t** results, size_t count,
                                        const std::string& what) {
    Check(count == 1, Str(what, " returned ", count, " topic results"));
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* message = rd_kafka_topic_result_error_string(results[0]);
      Log(Str(what, ": ", rd_kafka_err2name(err), " ", message != nullptr ? message : ""));
    }
    return err;
  }

  static void CheckResource(const rd_kafka_ConfigResource_t* resource, const std::string& what) {
    auto err = rd_kafka_ConfigResource_error(resource);
    const char* message = rd_kafka_ConfigResource_error_string(resource);
    Check(err == RD_KAFKA_RESP_ERR_NO_ERROR,
          Str(what, ": ", rd_kafka_err2name(err), " ", message != nullptr ? message : ""));
  }

  Producer producer_;
  CHandle<rd_kafka_queue_t, rd_kafka_queue_destroy> queue_;  // after producer_: destroyed first
};

void CheckCode(rd_kafka_resp_err_t got, rd_kafka_resp_err_t want, const std::string& what) {
  Check(got == want, Str(what, ": expected ", rd_kafka_err2name(want), " (", static_cast<int>(want), "), got ",
                         rd_kafka_err2name(got), " (", static_cast<int>(got), ")"));
}

// Polls metadata until the topic has the partition count (0: is gone).
void AwaitPartitionCount(RdKafka::Handle& handle, const std::string& topic, size_t count) {
  size_t seen = 0;
  for (auto end = Clock::now() + 10s; Clock::now() < end; std::this_thread::sleep_for(200ms)) {
    auto metadata = FetchMetadata(handle);
    const auto* t = FindTopic(*metadata, topic);
    seen = t != nullptr ? t->partitions()->size() : 0;
    if (seen == count) return;
  }
  Fail(count == 0 ? Str("metadata still lists ", topic, " after 10 s")
                  : Str("metadata shows ", seen, " partitions of ", topic, ", expected ", count));
}

// ---------------------------------------------------------------- scenarios

void Metadata(const Env& env) {
  Producer client(env, {});
  auto metadata = FetchMetadata(client.client());
  const auto& brokers = *metadata->brokers();
  Check(brokers.size() == 1, Str("expected 1 broker, got ", brokers.size()));
  std::string port = env.bootstrap.substr(env.bootstrap.rfind(':') + 1);
  Check(brokers[0]->id() == kBrokerId && std::to_string(brokers[0]->port()) == port,
        Str("broker ", brokers[0]->id(), " at ", brokers[0]->host(), ":", brokers[0]->port(), ", expected id 1 port ",
            port));
  const auto* topic = FindTopic(*metadata, env.topic);
  Check(topic != nullptr, env.topic + " is not listed");
  std::set<int32_t> ids;
  for (const auto* partition : *topic->partitions()) {
    ids.insert(partition->id());
    std::string which = Str("partition ", partition->id());
    Check(partition->leader() == kBrokerId, Str(which, ": leader ", partition->leader()));
    Check(*partition->replicas() == std::vector<int32_t>{kBrokerId}, which + ": replicas are not [1]");
    Check(*partition->isrs() == std::vector<int32_t>{kBrokerId}, which + ": ISR is not [1]");
  }
  Check(ids == std::set<int32_t>{0, 1, 2} && topic->partitions()->size() == 3, "partitions are not 0, 1, 2");
}

void ProduceWithAcks(const Env& env, const std::string& acks) {
  auto records = Keyed(100);
  ProduceOk(env, records, {{"acks", acks}});
  ExpectRecords(ReadBack(env, 100), records);
}

void Compression(const Env& env, const std::string& codec) {
  std::vector<Record> records;
  for (int i = 0; i < 200; ++i) {
    records.push_back({Str("k", i), Str("value-", i, "-", std::string(200, 'x'))});
  }
  ProduceOk(env, records, {{"compression.codec", codec}, {"linger.ms", "10"}});
  ExpectRecords(ReadBack(env, 200), records);
}

Headers HeadersOf(int i) { return {{"h1", Str("a", i)}, {"h2", ""}, {"h1", Str("b", i)}}; }

std::string ShowHeaders(const Headers& headers) {
  std::string text;
  for (const auto& [name, value] : headers) text += Str(text.empty() ? "" : ", ", name, "=", Show(value));
  return "[" + text + "]";
}

void HeadersScenario(const Env& env) {
  auto records = Keyed(10);
  for (int i = 0; i < 10; ++i) records[i].headers = HeadersOf(i);
  ProduceOk(env, records);
  auto got = ReadBack(env, 10);
  ExpectRecords(got, records);
  for (int i = 0; i < 10; ++i) {
    Check(got[i].headers == HeadersOf(i),
          Str("record ", i, ": headers ", ShowHeaders(got[i].headers), ", expected ", ShowHeaders(HeadersOf(i))));
  }
}

void Timestamps(const Env& env) {
  auto records = Keyed(10);
  for (int i = 0; i < 10; ++i) records[i].timestamp = kBaseTimestamp + i * 1000;
  ProduceOk(env, records);
  auto got = ReadBack(env, 10);
  ExpectRecords(got, records);
  for (int i = 0; i < 10; ++i) {
    Check(got[i].timestamp.timestamp == records[i].timestamp,
          Str("record ", i, ": timestamp ", got[i].timestamp.timestamp, ", expected ", records[i].timestamp));
    Check(got[i].timestamp.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_CREATE_TIME,
          Str("record ", i, ": timestamp type ", static_cast<int>(got[i].timestamp.type), ", expected CreateTime"));
  }
}

void NullKeys(const Env& env) {
  auto records = Keyed(10);
  for (auto& record : records) record.key.reset();
  ProduceOk(env, records);
  ExpectRecords(ReadBack(env, 10), records);
}

void EmptyValues(const Env& env) {
  auto records = Keyed(10);
  for (auto& record : records) record.value = "";
  ProduceOk(env, records);
  ExpectRecords(ReadBack(env, 10), records);
}

void Value1MiB(const Env& env) {
  std::string value(1 << 20, '\0');
  for (size_t j = 0; j < value.size(); ++j) value[j] = static_cast<char>(j % 251);
  std::vector<Record> records{{"big", value}};
  ProduceOk(env, records, {{"message.max.bytes", "2000000"}});
  ExpectRecords(ReadBack(env, 1, {{"max.partition.fetch.bytes", "2097152"}}), records);
}

void OversizedRejected(const Env& env) {
  // Raise librdkafka's own limit so that the broker is the one refusing.
  ProduceRejected(env, {"big", std::string(200000, 'x')}, RdKafka::ERR_MSG_SIZE_TOO_LARGE,
                  {{"message.max.bytes", "1000000"}, {"compression.codec", "none"}});
  std::vector<Record> records{{"k1", "v1"}};
  ProduceOk(env, records);
  ExpectRecords(ReadBack(env, 1), records);
}

Props GroupProps(const Env& env, const std::string& reset) {
  return {{"group.id", env.group},
          {"auto.offset.reset", reset},
          {"enable.auto.commit", "false"},
          // Members notice a rebalance at their next heartbeat.
          {"heartbeat.interval.ms", "500"}};
}

void ConsumeFromBeginning(const Env& env) {
  auto records = Keyed(50);
  ProduceOk(env, records);
  Consumer consumer(env, "group", GroupProps(env, "earliest"));
  consumer.Subscribe(env.topic);
  ExpectRecords(ReadRecords({&consumer}, 50), records);
}

void ConsumeFromEnd(const Env& env) {
  ProduceOk(env, Keyed(20, "old"));
  Props props = GroupProps(env, "latest");
  props.emplace_back("enable.partition.eof", "true");
  Consumer consumer(env, "group", props);
  consumer.Subscribe(env.topic);
  // The end-of-partition event carries the position the consumer reset to.
  AwaitGroup(
      {&consumer}, [&] { return consumer.eof(0).has_value(); }, "the consumer is at the end");
  Check(consumer.eof(0) == 20, Str("the consumer started at offset ", *consumer.eof(0), ", expected 20"));
  auto records = Keyed(5, "new");
  ProduceOk(env, records);
  ExpectRecords(ReadRecords({&consumer}, 5), records, 20);
}

void ConsumeFromTimestamp(const Env& env) {
  auto records = Keyed(30);
  for (int i = 0; i < 30; ++i) records[i].timestamp = kBaseTimestamp + i * 1000;
  ProduceOk(env, records);
  Consumer consumer(env, "reader", {{"group.id", env.group}, {"enable.auto.commit", "false"}});
  auto lookup = [&](int64_t timestamp) {
    PartitionList list(env.topic, {0}, timestamp);
    auto err = consumer->offsetsForTimes(list.get(), kTimeoutMs);
    auto partition_err = list[0].err();
    Check(err == RdKafka::ERR_NO_ERROR && partition_err == RdKafka::ERR_NO_ERROR,
          Str("offsetsForTimes(", timestamp,
              "): ", RdKafka::err2str(err != RdKafka::ERR_NO_ERROR ? err : partition_err)));
    return list[0].offset();
  };
  struct Case {
    int64_t timestamp;
    int64_t offset;
  };
  for (auto [timestamp, offset] :
       {Case{kBaseTimestamp + 10000, 10}, Case{kBaseTimestamp + 10500, 11}, Case{kBaseTimestamp + 3600000, -1}}) {
    int64_t got = lookup(timestamp);
    Check(got == offset, Str("offset for timestamp ", timestamp, ": expected ", offset, ", got ", got));
  }
  consumer.Assign(env.topic, {0}, 10);
  ExpectRecords(ReadRecords({&consumer}, 20), std::vector<Record>(records.begin() + 10, records.end()), 10);
}

void KeyOrdering(const Env& env) {
  std::vector<Record> records;
  for (int i = 0; i < 200; ++i) records.push_back({Str("key", i % 5), std::to_string(i / 5)});
  ProduceOk(env, records);  // librdkafka's default partitioner hashes the key
  auto got = ReadBack(env, 200);
  Check(got.size() == 200, Str("expected 200 records, got ", got.size()));
  std::map<std::string, std::set<int32_t>> partitions;
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& record : got) {
    partitions[record.key.value_or("null")].insert(record.partition);
    values[record.key.value_or("null")].push_back(record.value.value_or("null"));
  }
  for (const auto& [key, in] : partitions) {
    Check(in.size() == 1, Str(key, " is in ", in.size(), " partitions"));
    for (size_t i = 0; i < values[key].size(); ++i) {
      Check(values[key][i] == std::to_string(i), Str(key, ": record ", i, " has value ", values[key][i]));
    }
    Check(values[key].size() == 40, Str(key, ": ", values[key].size(), " records"));
  }
}

void ProducePerPartition(const Env& env, int count) {
  std::vector<Record> records;
  for (int32_t partition = 0; partition < 4; ++partition) {
    for (int i = 0; i < count; ++i) records.push_back({Str("k", i), Str("p", partition, "-", i), {}, 0, partition});
  }
  ProduceOk(env, records);
}

// (partition, offset) pairs, sorted, to compare what a group consumed.
std::vector<std::pair<int32_t, int64_t>> Positions(const std::vector<Consumed>& records) {
  std::vector<std::pair<int32_t, int64_t>> positions;
  for (const auto& record : records) positions.emplace_back(record.partition, record.offset);
  std::sort(positions.begin(), positions.end());
  return positions;
}

std::vector<std::pair<int32_t, int64_t>> Range(int64_t from, int64_t to) {
  std::vector<std::pair<int32_t, int64_t>> positions;
  for (int32_t partition = 0; partition < 4; ++partition) {
    for (int64_t offset = from; offset < to; ++offset) positions.emplace_back(partition, offset);
  }
  return positions;
}

void CommitSync(Consumer& consumer, const std::string& name) {
  auto err = consumer->commitSync();
  Check(err == RdKafka::ERR_NO_ERROR, Str(name, ": commit: ", RdKafka::err2str(err)));
}

void GroupRebalance(const Env& env) {
  const std::set<int32_t> all{0, 1, 2, 3};
  Consumer a(env, "A", GroupProps(env, "earliest"));
  a.Subscribe(env.topic);
  AwaitGroup(
      {&a}, [&] { return a.assigned() == all; }, "A holds all 4 partitions");
  {
    Consumer b(env, "B", GroupProps(env, "earliest"));
    b.Subscribe(env.topic);
    AwaitGroup(
        {&a, &b},
        [&] {
          std::set<int32_t> both = a.assigned();
          both.insert(b.assigned().begin(), b.assigned().end());
          return a.assigned().size() == 2 && b.assigned().size() == 2 && both == all;
        },
        "A and B hold 2 partitions each");
    ProducePerPartition(env, 10);
    auto got = ReadRecords({&a, &b}, 40);
    Check(Positions(got) == Range(0, 10),
          Str("A and B consumed ", got.size(), " records, expected offsets 0-9 of each partition once"));
    CommitSync(a, "A");
    CommitSync(b, "B");
    b.Close();  // leaves the group
  }
  AwaitGroup(
      {&a}, [&] { return a.assigned() == all; }, "A holds all 4 partitions again");
  ProducePerPartition(env, 5);
  auto got = ReadRecords({&a}, 20);
  Check(Positions(got) == Range(10, 15),
        Str("A consumed ", got.size(), " records, expected offsets 10-14 of each partition"));
  CommitSync(a, "A");
  a.Close();

  Consumer checker(env, "checker", {{"group.id", env.group}, {"enable.auto.commit", "false"}});
  PartitionList list(env.topic, {0, 1, 2, 3});
  auto err = checker->committed(list.get(), kTimeoutMs);
  Check(err == RdKafka::ERR_NO_ERROR, "committed(): " + RdKafka::err2str(err));
  for (int32_t partition : all) {
    Check(list[partition].offset() == 15,
          Str("partition ", partition, ": committed offset ", list[partition].offset(), ", expected 15"));
  }
}

void AdminTopics(const Env& env) {
  Admin admin(env);
  CheckCode(admin.CreateTopic(env.topic, 3, {{"retention.ms", "3600000"}}), RD_KAFKA_RESP_ERR_NO_ERROR,
            "creating the topic");
  CheckCode(admin.CreateTopic(env.topic, 3, {{"retention.ms", "3600000"}}), RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS,
            "creating it again");
  AwaitPartitionCount(admin.client(), env.topic, 3);
  CheckCode(admin.DeleteTopic(env.topic), RD_KAFKA_RESP_ERR_NO_ERROR, "deleting the topic");
  AwaitPartitionCount(admin.client(), env.topic, 0);
}

void AdminPartitions(const Env& env) {
  Admin admin(env);
  CheckCode(admin.CreatePartitions(env.topic, 3), RD_KAFKA_RESP_ERR_NO_ERROR, "growing to 3 partitions");
  AwaitPartitionCount(admin.client(), env.topic, 3);
  CheckCode(admin.CreatePartitions(env.topic, 2), RD_KAFKA_RESP_ERR_INVALID_PARTITIONS, "asking for 2 partitions");
  std::vector<Record> records{{"k2", "v2", {}, 0, 2}};
  ProduceOk(env, records);
  auto got = ReadBack(env, 1, {}, std::vector<int32_t>{2});
  ExpectRecords(got, records);
  Check(got[0].partition == 2, Str("read back from partition ", got[0].partition));
}

void CheckConfig(const Configs& configs, const std::string& name, const std::string& value, bool is_default) {
  auto it = configs.find(name);
  Check(it != configs.end(), name + " is not described");
  const ConfigValue& got = it->second;
  Check(got.value == value && got.is_default == is_default,
        Str(name, " = ", got.value, " (", got.is_default ? "default" : "not default", ", source ", got.source,
            "), expected ", value, is_default ? " as a default" : ", not a default"));
}

void AdminConfigs(const Env& env) {
  Admin admin(env);
  CheckConfig(admin.DescribeConfigs(RD_KAFKA_RESOURCE_TOPIC, env.topic), "retention.ms", "604800000", true);
  admin.AlterTopicConfig(env.topic, "retention.ms", "12345");
  CheckConfig(admin.DescribeConfigs(RD_KAFKA_RESOURCE_TOPIC, env.topic), "retention.ms", "12345", false);
  auto broker = admin.DescribeConfigs(RD_KAFKA_RESOURCE_BROKER, std::to_string(kBrokerId));
  Check(broker.count("message.max.bytes") == 1, "broker 1's configs do not list message.max.bytes");
}

void Idempotent(const Env& env) {
  auto records = Keyed(500);
  ProduceOk(env, records, {{"enable.idempotence", "true"}});
  ExpectRecords(ReadBack(env, 500), records);
}

std::vector<Record> TxnRecords(const std::string& prefix) {
  std::vector<Record> records;
  for (int i = 0; i < 10; ++i) records.push_back({Str(prefix, i), Str(prefix, i)});
  return records;
}

void Transactions(const Env& env) {
  Producer producer(env, {{"transactional.id", env.txn_id}});
  CheckError(producer->init_transactions(kTimeoutMs), "init_transactions");
  auto run = [&](const std::string& prefix, bool commit) {
    CheckError(producer->begin_transaction(), "begin_transaction");
    producer.Send(TxnRecords(prefix));
    // The records reach the log before the transaction ends either way.
    CheckDelivered(producer.Flush());
    if (commit) {
      CheckError(producer->commit_transaction(kTimeoutMs), "commit_transaction");
    } else {
      CheckError(producer->abort_transaction(kTimeoutMs), "abort_transaction");
    }
  };
  run("c", true);
  run("a", false);
  run("d", true);
  auto committed = TxnRecords("c");
  auto d = TxnRecords("d");
  committed.insert(committed.end(), d.begin(), d.end());
  ExpectRecords(ReadBack(env, 20, {{"isolation.level", "read_committed"}}), committed, std::nullopt);
  auto all = TxnRecords("c");
  auto a = TxnRecords("a");
  all.insert(all.end(), a.begin(), a.end());
  all.insert(all.end(), d.begin(), d.end());
  ExpectRecords(ReadBack(env, 30, {{"isolation.level", "read_uncommitted"}}), all, std::nullopt);
}

void CompactedTombstones(const Env& env) {
  std::vector<Record> records{{"k1", "v1"}, {"k2", "v2"}, {"k1", std::nullopt}};
  ProduceOk(env, records);
  ProduceRejected(env, {std::nullopt, "no-key"}, RdKafka::ERR_INVALID_RECORD);
  ExpectRecords(ReadBack(env, 3), records);
}

using Scenario = std::function<void(const Env&)>;

std::map<std::string, Scenario> Scenarios() {
  auto with = [](auto fn, std::string arg) { return [fn, arg](const Env& env) { fn(env, arg); }; };
  return {
      {"metadata", Metadata},
      {"produce_acks_0", with(ProduceWithAcks, "0")},
      {"produce_acks_1", with(ProduceWithAcks, "1")},
      {"produce_acks_all", with(ProduceWithAcks, "all")},
      {"compression_gzip", with(Compression, "gzip")},
      {"compression_snappy", with(Compression, "snappy")},
      {"compression_lz4", with(Compression, "lz4")},
      {"compression_zstd", with(Compression, "zstd")},
      {"headers", HeadersScenario},
      {"timestamps", Timestamps},
      {"null_keys", NullKeys},
      {"empty_values", EmptyValues},
      {"value_1mib", Value1MiB},
      {"oversized_rejected", OversizedRejected},
      {"consume_from_beginning", ConsumeFromBeginning},
      {"consume_from_end", ConsumeFromEnd},
      {"consume_from_timestamp", ConsumeFromTimestamp},
      {"key_ordering", KeyOrdering},
      {"group_rebalance", GroupRebalance},
      {"admin_topics", AdminTopics},
      {"admin_partitions", AdminPartitions},
      {"admin_configs", AdminConfigs},
      {"idempotent", Idempotent},
      {"transactions", Transactions},
      {"compacted_tombstones", CompactedTombstones},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: driver <scenario>|--version" << std::endl;
    return 2;
  }
  std::string arg = argv[1];
  if (arg == "--version") {
    std::cout << "librdkafka C++ " << RdKafka::version_str() << std::endl;
    return 0;
  }
  std::string line = "PASS";
  try {
    auto scenarios = Scenarios();
    auto it = scenarios.find(arg);
    if (it == scenarios.end()) Fail("the driver has no scenario " + arg);
    it->second(ReadEnv());
  } catch (const Verdict& verdict) {
    line = verdict.line;
  } catch (const std::exception& e) {
    line = Str("FAIL exception: ", e.what());
  }
  std::replace(line.begin(), line.end(), '\n', ' ');  // the verdict is one line
  std::cout << line << std::endl;
  return line.rfind("FAIL", 0) == 0 ? 1 : 0;
}
