// Idempotence and transactions on the wire, against the real broker: the
// same Produce request sent twice is appended once, sequence gaps and stale
// epochs are refused with nothing appended, and a transaction's records are
// hidden from read_committed fetches until its COMMIT marker (an aborted one
// is listed in the fetch's aborted transactions). Kafka's error codes for a
// fenced producer, an EndTxn with no transaction and a transactional write
// to a partition never added to the transaction (KIP-890).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "protocol/generated/all_messages.h"
#include "protocol/records/record_batch_builder.h"
#include "tests/integration/kafka_call.h"
#include "tests/integration/sluice_process.h"

namespace sluice::testing {
namespace {

using namespace protocol;  // NOLINT: message types

const std::string kTopic = "txn-wire";

class TransactionsWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.running());
    conn_ = std::make_unique<KafkaConnection>(broker_.port());
    ASSERT_TRUE(conn_->connected());
    CreateTopicsRequest req;
    auto& t = req.topics.emplace_back();
    t.name = kTopic;
    t.num_partitions = 2;
    t.replication_factor = 1;
    auto a = call<CreateTopicsRequest, CreateTopicsResponse>(req, 7);
    ASSERT_EQ(a.body.topics.size(), 1u);
    ASSERT_EQ(a.body.topics[0].error_code, 0);
  }

  template <class Req, class Resp>
  Answer<Resp> call(const Req& req, std::int16_t version) {
    return testing::call<Req, Resp>(*conn_, req, version, correlation_++);
  }

  // InitProducerId v4 (after FindCoordinator, which creates
  // __transaction_state), retried while the coordinator loads its partition.
  InitProducerIdResponse init(std::optional<std::string> txn_id, std::int64_t pid = -1, std::int16_t epoch = -1) {
    if (txn_id) {
      FindCoordinatorRequest find;
      find.key = *txn_id;
      find.key_type = 1;
      EXPECT_EQ((retry_while_loading<FindCoordinatorRequest, FindCoordinatorResponse>(find, 3).error_code), 0);
    }
    InitProducerIdRequest req;
    req.transactional_id = std::move(txn_id);
    req.transaction_timeout_ms = 60000;
    req.producer_id = pid;
    req.producer_epoch = epoch;
    return retry_while_loading<InitProducerIdRequest, InitProducerIdResponse>(req, 4);
  }

  template <class Req, class Resp>
  Resp retry_while_loading(const Req& req, std::int16_t version) {
    for (int attempt = 0;; ++attempt) {
      Resp r = call<Req, Resp>(req, version).body;
      const auto e = static_cast<ErrorCode>(r.error_code);
      const bool retriable = e == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS ||
                             e == ErrorCode::COORDINATOR_NOT_AVAILABLE || e == ErrorCode::NOT_COORDINATOR ||
                             e == ErrorCode::CONCURRENT_TRANSACTIONS;
      if (!retriable || attempt > 100) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  static std::vector<std::uint8_t> batch(std::int64_t pid, std::int16_t epoch, std::int32_t seq, int count,
                                         bool transactional = false) {
    BatchOptions o;
    o.producer_id = pid;
    o.producer_epoch = epoch;
    o.base_sequence = seq;
    o.transactional = transactional;
    RecordBatchBuilder b(o);
    // The builder keeps views of the values until build().
    std::vector<std::string> values;
    for (int i = 0; i < count; ++i) values.push_back("v" + std::to_string(seq + i));
    for (const std::string& v : values) {
      b.append(1'700'000'000'000, std::nullopt, Bytes(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()));
    }
    return *b.build();
  }

  ProduceResponse::PartitionProduceResponse produce(std::vector<std::uint8_t> records, std::int32_t partition = 0,
                                                    std::optional<std::string> txn_id = std::nullopt) {
    ProduceRequest req;
    req.transactional_id = std::move(txn_id);
    req.acks = -1;
    req.timeout_ms = 10000;
    auto& t = req.topic_data.emplace_back();
    t.name = kTopic;
    auto& p = t.partition_data.emplace_back();
    p.index = partition;
    p.records = RecordsView(records);
    auto a = call<ProduceRequest, ProduceResponse>(req, 9);
    if (a.body.responses.size() != 1 || a.body.responses[0].partition_responses.size() != 1) {
      ADD_FAILURE() << "malformed produce response";
      return {};
    }
    return a.body.responses[0].partition_responses[0];
  }

  std::int64_t latest_offset(std::int32_t partition, std::int8_t isolation) {
    ListOffsetsRequest req;
    req.replica_id = -1;
    req.isolation_level = isolation;
    auto& t = req.topics.emplace_back();
    t.name = kTopic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = partition;
    p.timestamp = -1;
    auto a = call<ListOffsetsRequest, ListOffsetsResponse>(req, 7);
    if (a.body.topics.empty() || a.body.topics[0].partitions.empty()) return -2;
    return a.body.topics[0].partitions[0].offset;
  }

  FetchResponse::PartitionData fetch(std::int32_t partition, std::int8_t isolation, Answer<FetchResponse>& keep) {
    FetchRequest req;
    req.replica_id = -1;
    req.max_wait_ms = 0;
    req.min_bytes = 1;
    req.max_bytes = 1 << 20;
    req.isolation_level = isolation;
    auto& t = req.topics.emplace_back();
    t.topic = kTopic;
    auto& p = t.partitions.emplace_back();
    p.partition = partition;
    p.fetch_offset = 0;
    p.partition_max_bytes = 1 << 20;
    keep = call<FetchRequest, FetchResponse>(req, 12);
    if (keep.body.responses.empty() || keep.body.responses[0].partitions.empty()) return {};
    return keep.body.responses[0].partitions[0];
  }

  ErrorCode add_partitions(const std::string& txn_id, const InitProducerIdResponse& p, std::int32_t partition,
                           std::int16_t version = 3) {
    AddPartitionsToTxnRequest req;
    req.v3_and_below_transactional_id = txn_id;
    req.v3_and_below_producer_id = p.producer_id;
    req.v3_and_below_producer_epoch = p.producer_epoch;
    auto& t = req.v3_and_below_topics.emplace_back();
    t.name = kTopic;
    t.partitions = {partition};
    auto r = retry_while_loading<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(req, version);
    if (r.results_by_topic_v3_and_below.empty() || r.results_by_topic_v3_and_below[0].results_by_partition.empty()) {
      return ErrorCode::UNKNOWN_SERVER_ERROR;
    }
    return static_cast<ErrorCode>(r.results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code);
  }

  ErrorCode end_txn(const std::string& txn_id, const InitProducerIdResponse& p, bool commit) {
    EndTxnRequest req;
    req.transactional_id = txn_id;
    req.producer_id = p.producer_id;
    req.producer_epoch = p.producer_epoch;
    req.committed = commit;
    return static_cast<ErrorCode>(call<EndTxnRequest, EndTxnResponse>(req, 3).body.error_code);
  }

  // The COMPLETE state follows the markers; until then the id is busy.
  void wait_until_complete(const std::string& txn_id) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      DescribeTransactionsRequest req;
      req.transactional_ids = {txn_id};
      auto a = call<DescribeTransactionsRequest, DescribeTransactionsResponse>(req, 0);
      if (!a.body.transaction_states.empty() &&
          a.body.transaction_states[0].transaction_state.starts_with("Complete")) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << txn_id << " never completed";
  }

  SluiceProcess broker_;
  std::unique_ptr<KafkaConnection> conn_;
  std::int32_t correlation_ = 1;
};

TEST_F(TransactionsWireTest, TheSameProduceRequestTwiceIsAppendedOnce) {
  const auto producer = init(std::nullopt);
  ASSERT_EQ(producer.error_code, 0);
  ASSERT_GE(producer.producer_id, 0);
  EXPECT_EQ(producer.producer_epoch, 0);

  const auto records = batch(producer.producer_id, 0, 0, 3);
  const auto first = produce(records);
  ASSERT_EQ(first.error_code, 0);
  EXPECT_EQ(first.base_offset, 0);
  const auto retry = produce(records);
  EXPECT_EQ(retry.error_code, 0) << "a duplicate is acknowledged";
  EXPECT_EQ(retry.base_offset, 0) << "with the offsets it was first written at";
  EXPECT_EQ(latest_offset(0, 0), 3) << "and appended once";

  const auto next = produce(batch(producer.producer_id, 0, 3, 2));
  EXPECT_EQ(next.error_code, 0);
  EXPECT_EQ(next.base_offset, 3);
}

TEST_F(TransactionsWireTest, SequenceGapsAndStaleEpochsAreRefusedWithNothingAppended) {
  const auto producer = init(std::nullopt);
  ASSERT_EQ(producer.error_code, 0);
  ASSERT_EQ(produce(batch(producer.producer_id, 0, 0, 2)).error_code, 0);

  const auto gap = produce(batch(producer.producer_id, 0, 5, 1));
  EXPECT_EQ(static_cast<ErrorCode>(gap.error_code), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  EXPECT_EQ(latest_offset(0, 0), 2);

  // A new epoch starts its sequences at 0; the old epoch is fenced.
  ASSERT_EQ(produce(batch(producer.producer_id, 1, 0, 1)).error_code, 0);
  const auto stale = produce(batch(producer.producer_id, 0, 2, 1));
  EXPECT_EQ(static_cast<ErrorCode>(stale.error_code), ErrorCode::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(latest_offset(0, 0), 3);
}

TEST_F(TransactionsWireTest, ReadCommittedSeesCommittedRecordsAndListsAbortedOnes) {
  const std::string txn = "wire-txn";
  const auto producer = init(txn);
  ASSERT_EQ(producer.error_code, 0) << error_message(static_cast<ErrorCode>(producer.error_code));

  // Aborted: 2 records.
  ASSERT_EQ(add_partitions(txn, producer, 0), ErrorCode::NONE);
  ASSERT_EQ(produce(batch(producer.producer_id, producer.producer_epoch, 0, 2, true), 0, txn).error_code, 0);
  EXPECT_EQ(latest_offset(0, 1), 0) << "an open transaction holds the last stable offset back";
  EXPECT_EQ(latest_offset(0, 0), 2);
  ASSERT_EQ(end_txn(txn, producer, false), ErrorCode::NONE);
  wait_until_complete(txn);

  // Committed: 3 records.
  ASSERT_EQ(add_partitions(txn, producer, 0), ErrorCode::NONE);
  ASSERT_EQ(produce(batch(producer.producer_id, producer.producer_epoch, 2, 3, true), 0, txn).error_code, 0);
  ASSERT_EQ(end_txn(txn, producer, true), ErrorCode::NONE);
  wait_until_complete(txn);

  // 2 aborted + marker + 3 committed + marker.
  EXPECT_EQ(latest_offset(0, 1), 7);
  Answer<FetchResponse> keep;
  const auto committed = fetch(0, 1, keep);
  EXPECT_EQ(committed.error_code, 0);
  EXPECT_EQ(committed.last_stable_offset, 7);
  ASSERT_TRUE(committed.aborted_transactions.has_value());
  ASSERT_EQ(committed.aborted_transactions->size(), 1u);
  EXPECT_EQ((*committed.aborted_transactions)[0].producer_id, producer.producer_id);
  EXPECT_EQ((*committed.aborted_transactions)[0].first_offset, 0);

  Answer<FetchResponse> keep2;
  const auto uncommitted = fetch(0, 0, keep2);
  EXPECT_FALSE(uncommitted.aborted_transactions.has_value()) << "read_uncommitted gets null, as Kafka";
}

TEST_F(TransactionsWireTest, KafkaErrorCodesForBadTransactionalRequests) {
  const std::string txn = "wire-errors";
  const auto old_producer = init(txn);
  ASSERT_EQ(old_producer.error_code, 0);

  // EndTxn with no transaction open.
  EXPECT_EQ(end_txn(txn, old_producer, true), ErrorCode::INVALID_TXN_STATE);

  // KIP-890: a transactional write to a partition not in the transaction.
  const auto unverified = produce(batch(old_producer.producer_id, old_producer.producer_epoch, 0, 1, true), 1, txn);
  EXPECT_EQ(static_cast<ErrorCode>(unverified.error_code), ErrorCode::INVALID_TXN_STATE);
  EXPECT_EQ(latest_offset(1, 0), 0) << "nothing appended";

  // A second InitProducerId fences the first incarnation.
  const auto new_producer = init(txn);
  ASSERT_EQ(new_producer.error_code, 0);
  EXPECT_EQ(new_producer.producer_id, old_producer.producer_id);
  EXPECT_EQ(new_producer.producer_epoch, old_producer.producer_epoch + 1);
  EXPECT_EQ(add_partitions(txn, old_producer, 0), ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(add_partitions(txn, old_producer, 0, 1), ErrorCode::INVALID_PRODUCER_EPOCH)
      << "versions before KIP-588 get INVALID_PRODUCER_EPOCH";

  // An unknown producer id for the transactional id.
  InitProducerIdResponse stranger = new_producer;
  stranger.producer_id += 12345;
  EXPECT_EQ(add_partitions(txn, stranger, 0), ErrorCode::INVALID_PRODUCER_ID_MAPPING);

  // An unknown topic: that partition fails, nothing else is attempted.
  AddPartitionsToTxnRequest req;
  req.v3_and_below_transactional_id = txn;
  req.v3_and_below_producer_id = new_producer.producer_id;
  req.v3_and_below_producer_epoch = new_producer.producer_epoch;
  for (const std::string& name : {kTopic, std::string("no-such-topic")}) {
    auto& t = req.v3_and_below_topics.emplace_back();
    t.name = name;
    t.partitions = {0};
  }
  auto r = call<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>(req, 3).body;
  ASSERT_EQ(r.results_by_topic_v3_and_below.size(), 2u);
  EXPECT_EQ(static_cast<ErrorCode>(r.results_by_topic_v3_and_below[0].results_by_partition.at(0).partition_error_code),
            ErrorCode::OPERATION_NOT_ATTEMPTED);
  EXPECT_EQ(static_cast<ErrorCode>(r.results_by_topic_v3_and_below[1].results_by_partition.at(0).partition_error_code),
            ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
}

TEST_F(TransactionsWireTest, OpenTransactionsAreDescribedListedAndShownOnTheirPartition) {
  const std::string txn = "wire-describe";
  const auto producer = init(txn);
  ASSERT_EQ(producer.error_code, 0);
  ASSERT_EQ(add_partitions(txn, producer, 1), ErrorCode::NONE);
  ASSERT_EQ(produce(batch(producer.producer_id, producer.producer_epoch, 0, 4, true), 1, txn).error_code, 0);

  DescribeTransactionsRequest describe;
  describe.transactional_ids = {txn, "never-used"};
  auto d = call<DescribeTransactionsRequest, DescribeTransactionsResponse>(describe, 0).body;
  ASSERT_EQ(d.transaction_states.size(), 2u);
  const auto& open = d.transaction_states[0];
  EXPECT_EQ(open.error_code, 0);
  EXPECT_EQ(open.transaction_state, "Ongoing");
  EXPECT_EQ(open.producer_id, producer.producer_id);
  EXPECT_EQ(open.transaction_timeout_ms, 60000);
  EXPECT_GT(open.transaction_start_time_ms, 0);
  ASSERT_EQ(open.topics.size(), 1u);
  EXPECT_EQ(open.topics[0].topic, kTopic);
  EXPECT_EQ(open.topics[0].partitions, std::vector<std::int32_t>{1});
  EXPECT_EQ(static_cast<ErrorCode>(d.transaction_states[1].error_code), ErrorCode::TRANSACTIONAL_ID_NOT_FOUND);

  ListTransactionsRequest list;
  list.state_filters = {"Ongoing", "NoSuchState"};
  auto l = call<ListTransactionsRequest, ListTransactionsResponse>(list, 1).body;
  EXPECT_EQ(l.error_code, 0);
  EXPECT_EQ(l.unknown_state_filters, std::vector<std::string>{"NoSuchState"});
  ASSERT_EQ(l.transaction_states.size(), 1u);
  EXPECT_EQ(l.transaction_states[0].transactional_id, txn);
  list.state_filters = {"CompleteCommit"};
  EXPECT_TRUE((call<ListTransactionsRequest, ListTransactionsResponse>(list, 1).body.transaction_states.empty()));

  // The partition leader's view (KIP-664): the producer and where its open
  // transaction starts.
  DescribeProducersRequest producers;
  auto& t = producers.topics.emplace_back();
  t.name = kTopic;
  t.partition_indexes = {1};
  auto p = call<DescribeProducersRequest, DescribeProducersResponse>(producers, 0).body;
  ASSERT_EQ(p.topics.size(), 1u);
  ASSERT_EQ(p.topics[0].partitions.size(), 1u);
  const auto& part = p.topics[0].partitions[0];
  EXPECT_EQ(part.error_code, 0);
  ASSERT_EQ(part.active_producers.size(), 1u);
  EXPECT_EQ(part.active_producers[0].producer_id, producer.producer_id);
  EXPECT_EQ(part.active_producers[0].producer_epoch, producer.producer_epoch);
  EXPECT_EQ(part.active_producers[0].last_sequence, 3);
  EXPECT_EQ(part.active_producers[0].current_txn_start_offset, 0);

  ASSERT_EQ(end_txn(txn, producer, true), ErrorCode::NONE);
  wait_until_complete(txn);
  p = call<DescribeProducersRequest, DescribeProducersResponse>(producers, 0).body;
  ASSERT_EQ(p.topics.at(0).partitions.at(0).active_producers.size(), 1u);
  EXPECT_EQ(p.topics[0].partitions[0].active_producers[0].current_txn_start_offset, -1) << "the marker ended it";
}

}  // namespace
}  // namespace sluice::testing
