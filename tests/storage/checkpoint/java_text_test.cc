#include "storage/checkpoint/java_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/checkpoint/java_properties.h"

namespace sluice::storage {
namespace {

using Fields = std::vector<std::string_view>;

TEST(JavaText, ReadLinesLikeBufferedReader) {
  EXPECT_EQ(java_read_lines(""), Fields{});
  EXPECT_EQ(java_read_lines("a"), Fields{"a"});
  EXPECT_EQ(java_read_lines("a\n"), Fields{"a"});
  EXPECT_EQ(java_read_lines("a\r\nb\rc\n\nd"), (Fields{"a", "b", "c", "", "d"}));
  EXPECT_EQ(java_read_lines("\n"), Fields{""});
}

TEST(JavaText, SplitWhitespaceLikeStringSplit) {
  EXPECT_EQ(java_split_whitespace("a b  c"), (Fields{"a", "b", "c"}));
  EXPECT_EQ(java_split_whitespace("a\tb \x0b c  "), (Fields{"a", "b", "c"}));  // trailing empties dropped
  EXPECT_EQ(java_split_whitespace(" a b"), (Fields{"", "a", "b"}));            // leading empty kept
  EXPECT_EQ(java_split_whitespace(""), Fields{""});
  EXPECT_EQ(java_split_whitespace("   "), Fields{});
}

TEST(JavaText, SplitColonWhitespace) {
  EXPECT_EQ(java_split_colon_whitespace("version: 0"), (Fields{"version", "0"}));
  EXPECT_EQ(java_split_colon_whitespace("version:0"), Fields{"version:0"});
  EXPECT_EQ(java_split_colon_whitespace("a:  b: c"), (Fields{"a", "b", "c"}));
  EXPECT_EQ(java_split_colon_whitespace("version: "), Fields{"version"});
}

TEST(JavaText, ParseIntegersLikeJava) {
  EXPECT_EQ(java_parse_int("0"), 0);
  EXPECT_EQ(java_parse_int("-7"), -7);
  EXPECT_EQ(java_parse_int("+7"), 7);
  EXPECT_EQ(java_parse_int("2147483647"), 2147483647);
  EXPECT_EQ(java_parse_int("-2147483648"), -2147483647 - 1);
  EXPECT_FALSE(java_parse_int("2147483648"));
  EXPECT_FALSE(java_parse_int(""));
  EXPECT_FALSE(java_parse_int("+"));
  EXPECT_FALSE(java_parse_int("-"));
  EXPECT_FALSE(java_parse_int("+-1"));
  EXPECT_FALSE(java_parse_int(" 1"));
  EXPECT_FALSE(java_parse_int("1 "));
  EXPECT_FALSE(java_parse_int("0x10"));
  EXPECT_EQ(java_parse_long("9223372036854775807"), 9223372036854775807LL);
  EXPECT_FALSE(java_parse_long("9223372036854775808"));
}

TEST(JavaProperties, LoadsJavaPropertiesSyntax) {
  const std::string text =
      "# comment\n"
      "! also a comment\n"
      "\n"
      "   a=1\n"
      "b : 2\n"
      "c 3\n"
      "d=four \\\n"
      "    continued\n"
      "e\\ key=x\\=y\\:z\\\\\n"
      "f=\\u0041\\t\n"
      "g\n"
      "a=last wins\r\n";
  auto p = parse_java_properties(text, "x");
  ASSERT_TRUE(p.ok()) << p.status().detail;
  const JavaProperties expected = {{"a", "last wins"},   {"b", "2"},   {"c", "3"}, {"d", "four continued"},
                                   {"e key", "x=y:z\\"}, {"f", "A\t"}, {"g", ""}};
  EXPECT_EQ(*p, expected);
  EXPECT_FALSE(parse_java_properties("a=\\u12\n", "x").ok());
}

TEST(JavaProperties, StoreEscapesLikeJava) {
  const JavaProperties props = {{"key with space", " lead=:#!\\\n"}};
  const std::string text = format_java_properties(props, std::chrono::system_clock::time_point{});
  EXPECT_EQ(text, "#\n#Thu Jan 01 00:00:00 UTC 1970\nkey\\ with\\ space=\\ lead\\=\\:\\#\\!\\\\\\n\n");
  auto back = parse_java_properties(text, "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, props);
}

}  // namespace
}  // namespace sluice::storage
