#include "coordinator/controller/topic_validation.h"

#include <gtest/gtest.h>

namespace sluice::coordinator {
namespace {

TEST(TopicValidationTest, LegalNames) {
  for (const char* name : {"orders", "a", "A-Z_0.9", "__consumer_offsets", "..."}) {
    EXPECT_FALSE(invalid_topic_name_reason(name)) << name;
  }
  EXPECT_FALSE(invalid_topic_name_reason(std::string(249, 'x')));
}

TEST(TopicValidationTest, IllegalNamesWithKafkasMessages) {
  EXPECT_EQ(invalid_topic_name_reason(""), "Topic name is invalid: the empty string is not allowed");
  EXPECT_EQ(invalid_topic_name_reason("."), "Topic name is invalid: '.' is not allowed");
  EXPECT_EQ(invalid_topic_name_reason(".."), "Topic name is invalid: '..' is not allowed");
  const std::string long_name(250, 'x');
  EXPECT_EQ(invalid_topic_name_reason(long_name),
            "Topic name is invalid: the length of '" + long_name + "' is longer than the max allowed length 249");
  for (const char* name : {"a b", "a/b", "a:b", "caf\xc3\xa9", "tab\t", "a*"}) {
    auto reason = invalid_topic_name_reason(name);
    ASSERT_TRUE(reason) << name;
    EXPECT_EQ(*reason, std::string("Topic name is invalid: '") + name +
                           "' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
  }
  // Java counts UTF-16 units: 249 two-byte characters are not too long...
  std::string accented;
  for (int i = 0; i < 249; ++i) accented += "\xc3\xa9";
  EXPECT_NE(invalid_topic_name_reason(accented)->find("contains one or more"), std::string::npos);
}

TEST(TopicValidationTest, DotAndUnderscoreCollide) {
  EXPECT_TRUE(has_collision_chars("a.b"));
  EXPECT_TRUE(has_collision_chars("a_b"));
  EXPECT_FALSE(has_collision_chars("a-b"));
  EXPECT_EQ(unify_collision_chars("a.b_c"), "a_b_c");

  MetadataImage image;
  auto topic = std::make_shared<TopicImage>();
  topic->name = "metrics_in";
  topic->id = protocol::Uuid{1, 1};
  image.topics_by_name[topic->name] = topic;
  image.topics_by_id[topic->id] = topic;
  EXPECT_EQ(colliding_topic(image, "metrics.in"), "metrics_in");
  EXPECT_FALSE(colliding_topic(image, "metrics_in")) << "a topic does not collide with itself";
  EXPECT_FALSE(colliding_topic(image, "metrics-in"));
}

}  // namespace
}  // namespace sluice::coordinator
