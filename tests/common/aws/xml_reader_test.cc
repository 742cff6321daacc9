#include "common/aws/xml_reader.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace wharf::aws {
namespace {

pugi::xml_document Parse(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
  return doc;
}

TEST(XmlReaderTest, ReadsScalarsAndDefaultsForAbsentElements) {
  auto doc = Parse(R"(<R xmlns="http://x/"><s> a b </s><i>-42</i><b>TRUE</b><d>5.5</d>
                      <e></e><amp>a&amp;b</amp><cdata><![CDATA[<x>]]></cdata></R>)");
  XmlReader r(doc.child("R"), "R");
  EXPECT_EQ(r.String("s"), " a b ");  // strings as sent
  EXPECT_EQ(r.Int("i"), -42);
  EXPECT_TRUE(r.Bool("b"));
  EXPECT_DOUBLE_EQ(r.Double("d"), 5.5);
  EXPECT_EQ(r.String("amp"), "a&b");
  EXPECT_EQ(r.String("cdata"), "<x>");
  // Absent and empty elements read as defaults, not errors.
  EXPECT_EQ(r.String("missing"), "");
  EXPECT_EQ(r.OptionalString("missing"), std::nullopt);
  EXPECT_EQ(r.OptionalString("e"), std::optional<std::string>(""));
  EXPECT_EQ(r.Int("missing", 7), 7);
  EXPECT_EQ(r.OptionalInt("e"), std::nullopt);
  EXPECT_TRUE(r.Bool("missing", true));
  EXPECT_EQ(r.OptionalDouble("missing"), std::nullopt);
  EXPECT_TRUE(r.Items("missing", "member").empty());
  EXPECT_FALSE(r.Child("missing").present());
  EXPECT_EQ(r.Child("missing").Child("deeper").String("x"), "");
  EXPECT_TRUE(r.ok()) << r.error();
}

TEST(XmlReaderTest, BadValuesAreRecordedWithTheirPath) {
  struct Case {
    std::string xml;
    std::function<void(const XmlReader&)> read;
    std::string want_error;
  };
  const std::vector<Case> cases = {
      {"<R><n>12x</n></R>", [](const XmlReader& r) { r.Int("n"); }, "R/n: not an integer: \"12x\""},
      {"<R><n>99999999999999999999</n></R>", [](const XmlReader& r) { r.Int("n"); },
       "R/n: not an integer: \"99999999999999999999\""},
      {"<R><b>yes</b></R>", [](const XmlReader& r) { r.Bool("b"); }, "R/b: not a boolean: \"yes\""},
      {"<R><d>1.2.3</d></R>", [](const XmlReader& r) { r.Double("d"); },
       "R/d: not a number: \"1.2.3\""},
      {"<R/>", [](const XmlReader& r) { r.RequiredString("Arn"); },
       "R: missing or empty element Arn"},
      {"<R><Arn></Arn></R>", [](const XmlReader& r) { r.RequiredString("Arn"); },
       "R: missing or empty element Arn"},
      {"<R/>", [](const XmlReader& r) { r.RequiredChild("Role"); }, "R: missing element Role"},
      {"<R><L><member><Port>x</Port></member><member><Port>y</Port></member></L></R>",
       [](const XmlReader& r) {
         for (const XmlReader& m : r.Items("L", "member")) m.Int("Port");
       },
       "R/L/member[0]/Port: not an integer: \"x\""},  // the first error is kept
      {"<R><T><item><value>v</value></item></T></R>",
       [](const XmlReader& r) { r.KeyValues("T", "item", "key", "value"); },
       "R/T/item[0]: missing or empty element key"},
  };
  for (const Case& c : cases) {
    auto doc = Parse(c.xml);
    XmlReader r(doc.child("R"), "R");
    c.read(r);
    EXPECT_FALSE(r.ok()) << c.xml;
    EXPECT_EQ(r.error(), c.want_error) << c.xml;
  }
}

TEST(XmlReaderTest, ListsAndKeyValues) {
  auto doc = Parse(R"(<R><L><member>a</member><other>x</other><member>b</member></L>
                      <tagSet><item><key>app</key><value>shop</value></item>
                              <item><key>empty</key></item></tagSet><Empty/></R>)");
  XmlReader r(doc.child("R"), "R");
  EXPECT_EQ(r.Strings("L", "member"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.KeyValues("tagSet", "item", "key", "value"),
            (std::map<std::string, std::string>{{"app", "shop"}, {"empty", ""}}));
  EXPECT_TRUE(r.Strings("Empty", "member").empty());
  EXPECT_TRUE(r.ok()) << r.error();
}

TEST(XmlReaderTest, RequestIdOfEveryShape) {
  EXPECT_EQ(XmlRequestId(Parse("<A><ResponseMetadata><RequestId>q-1</RequestId>"
                               "</ResponseMetadata></A>")),
            "q-1");
  EXPECT_EQ(XmlRequestId(Parse("<A><requestId>ec2-1</requestId></A>")), "ec2-1");
  EXPECT_EQ(XmlRequestId(Parse("<Response><RequestID>e-1</RequestID></Response>")), "e-1");
  EXPECT_EQ(XmlRequestId(Parse("<A/>")), "");
}

}  // namespace
}  // namespace wharf::aws
