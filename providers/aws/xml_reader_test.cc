#include "providers/aws/xml_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace sky::providers::aws {
namespace {

TEST(XmlReaderTest, ReadsElementsAttributesAndText) {
  auto root = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<a xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\" k='v'>"
      "<b>one</b><b x=\"1\">two</b><c/></a>");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->name, "a");
  ASSERT_NE(root->Attribute("k"), nullptr);
  EXPECT_EQ(*root->Attribute("k"), "v");
  EXPECT_EQ(*root->Attribute("xmlns"), "http://ec2.amazonaws.com/doc/2016-11-15/");
  ASSERT_EQ(root->children.size(), 3u);
  EXPECT_EQ(root->ChildText("b"), "one");
  ASSERT_EQ(root->ChildrenNamed("b").size(), 2u);
  EXPECT_EQ(*root->ChildrenNamed("b")[1]->Attribute("x"), "1");
  EXPECT_EQ(root->ChildText("c"), "");
  EXPECT_EQ(root->Child("missing"), nullptr);
  EXPECT_EQ(root->ChildText("missing"), "");
}

TEST(XmlReaderTest, DecodesPredefinedEntitiesAndCharacterReferences) {
  auto root = ParseXml(
      "<m a=\"&quot;q&quot;\">&lt;&gt;&amp;&apos;&quot; &#65;&#x42;&#xe9;&#x20AC;"
      "&#x1F600;</m>");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->text, "<>&'\" AB\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(*root->Attribute("a"), "\"q\"");
}

TEST(XmlReaderTest, KeepsCdataVerbatimAndSkipsCommentsAndProcessingInstructions) {
  auto root = ParseXml(
      "<!-- lead --><?pi data?><m>a<!-- x -->b<![CDATA[<&>]]>c<?p q?></m>"
      "<!-- tail -->\n");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->text, "ab<&>c");
  EXPECT_TRUE(root->children.empty());
}

TEST(XmlReaderTest, KeepsNamespacePrefixesAndMatchesLocalNames) {
  auto root = ParseXml(
      "<euca:r xmlns:euca=\"http://msgs.eucalyptus.com/3.4.1\">"
      "<euca:item><euca:name>m1.small</euca:name></euca:item></euca:r>");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->name, "euca:r");
  EXPECT_EQ(root->local_name(), "r");
  ASSERT_NE(root->Child("euca:item"), nullptr);
  EXPECT_EQ(root->Child("item")->ChildText("name"), "m1.small");
}

TEST(XmlReaderTest, AcceptsByteOrderMarkAndWhitespaceAroundRoot) {
  auto root = ParseXml("\xEF\xBB\xBF  <r>\r\n x </r>  \n");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->text, "\r\n x ");
}

TEST(XmlReaderTest, RejectsMalformedDocumentsWithInvalidArgument) {
  const char* kBad[] = {
      "",                                            // no root
      "text",                                        // no root
      "<a>",                                         // unterminated
      "<a></b>",                                     // mismatched end tag
      "<a><b></a></b>",                              // crossed
      "<a></a><b></b>",                              // two roots
      "<a></a>junk",                                 // content after the root
      "<a>&unknown;</a>",                            // unknown entity
      "<a>&amp</a>",                                 // unterminated reference
      "<a>&#0;</a>",                                 // not an XML character
      "<a>&#xD800;</a>",                             // surrogate
      "<a>&#x110000;</a>",                           // out of range
      "<a>&#xZZ;</a>",                               // bad digits
      "<a b=\"1\" b=\"2\"/>",                        // duplicate attribute
      "<a b=1/>",                                    // unquoted attribute
      "<a b=\"<\"/>",                                // '<' in attribute
      "<a b=\"1\"c=\"2\"/>",                         // no space between attributes
      "<a><!-- x -- y --></a>",                      // '--' in comment
      "<a><![CDATA[x</a>",                           // unterminated CDATA
      "<a>]]></a>",                                  // ']]>' in text
      "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",  // DOCTYPE refused
      "<a>\x01</a>",                                 // control character
      "<1a/>",                                       // bad name
      "<a",                                          // truncated start tag
      "<a></a",                                      // truncated end tag
  };
  for (const char* text : kBad) {
    auto root = ParseXml(text);
    EXPECT_FALSE(root.ok()) << "accepted: " << text;
    if (!root.ok()) {
      EXPECT_TRUE(root.status().IsInvalidArgument()) << text;
    }
  }
}

TEST(XmlReaderTest, EnforcesTheDepthLimitWithoutRecursingPastIt) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  auto root = ParseXml(deep);
  ASSERT_FALSE(root.ok());
  EXPECT_TRUE(root.status().IsInvalidArgument());
  EXPECT_NE(root.status().message().find("deeply"), std::string::npos);

  std::string ok;
  for (int i = 0; i < 64; ++i) ok += "<a>";
  for (int i = 0; i < 64; ++i) ok += "</a>";
  EXPECT_TRUE(ParseXml(ok).ok());
  XmlOptions shallow;
  shallow.max_depth = 63;
  EXPECT_FALSE(ParseXml(ok, shallow).ok());
}

TEST(XmlReaderTest, RejectsDocumentsOverTheSizeLimit) {
  XmlOptions small;
  small.max_bytes = 8;
  EXPECT_TRUE(ParseXml("<a></a>", small).ok());
  EXPECT_TRUE(ParseXml("<a>12345</a>", small).status().IsInvalidArgument());
}

TEST(XmlReaderTest, ReportsTheLineOfAnError) {
  auto root = ParseXml("<a>\n<b>\n</c>\n</a>");
  ASSERT_FALSE(root.ok());
  EXPECT_NE(root.status().message().find("line 3"), std::string::npos) << root.status().ToString();
}

TEST(XmlReaderTest, EveryTruncationOfAResponseFailsCleanly) {
  const std::string doc =
      "<?xml version=\"1.0\"?><R xmlns=\"u\"><requestId>x</requestId><set><item>"
      "<k a=\"1\">v&amp;w</k><![CDATA[c]]><!-- c --></item></set></R>";
  ASSERT_TRUE(ParseXml(doc).ok());
  for (size_t n = 0; n < doc.size(); ++n) {
    EXPECT_FALSE(ParseXml(doc.substr(0, n)).ok()) << n;
  }
}

TEST(XmlReaderTest, RandomlyCorruptedResponsesParseOrFailCleanly) {
  const std::string doc =
      "<?xml version=\"1.0\"?><R xmlns=\"u\"><requestId>x</requestId><set><item>"
      "<k a=\"1\">v&amp;w&#x41;</k><![CDATA[c]]><!-- c --><e/></item></set></R>";
  const char kBytes[] = "<>/&;#x\"'=![]-?: a\0\xC3";
  std::mt19937 rng(7);
  int failed = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string corrupt = doc;
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      size_t at = rng() % corrupt.size();
      switch (rng() % 3) {
        case 0:
          corrupt[at] = kBytes[rng() % (sizeof(kBytes) - 1)];
          break;
        case 1:
          corrupt.erase(at, 1 + rng() % 4);
          break;
        default:
          corrupt.insert(at, 1, kBytes[rng() % (sizeof(kBytes) - 1)]);
          break;
      }
      if (corrupt.empty()) corrupt = "<";
    }
    auto root = ParseXml(corrupt);
    if (!root.ok()) {
      ++failed;
      EXPECT_TRUE(root.status().IsInvalidArgument()) << corrupt;
    }
  }
  EXPECT_GT(failed, 2500);
}

}  // namespace
}  // namespace sky::providers::aws
