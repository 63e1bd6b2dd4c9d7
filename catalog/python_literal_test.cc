#include "catalog/python_literal.h"

#include "gtest/gtest.h"

namespace sky::catalog {
namespace {

TEST(PythonLiteralTest, ParsesSkyPilotGpuInfo) {
  // A real GpuInfo value from the Lambda vms.csv.
  Result<PyValue> v = ParsePythonLiteral(
      "{'Gpus': [{'Name': 'A100', 'Manufacturer': 'NVIDIA', 'Count': 8.0, 'MemoryInfo': "
      "{'SizeInMiB': 40960}}], 'TotalGpuMemoryInMiB': 40960}");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->kind, PyValue::Kind::kDict);
  const PyValue* gpus = v->Get("Gpus");
  ASSERT_NE(gpus, nullptr);
  ASSERT_EQ(gpus->kind, PyValue::Kind::kList);
  ASSERT_EQ(gpus->items.size(), 1u);
  EXPECT_EQ(gpus->items[0].Get("Name")->text, "A100");
  EXPECT_EQ(gpus->items[0].Get("Count")->number, 8.0);
  EXPECT_EQ(gpus->items[0].Get("MemoryInfo")->Get("SizeInMiB")->number, 40960);
  EXPECT_EQ(v->Get("TotalGpuMemoryInMiB")->number, 40960);
  EXPECT_EQ(v->Get("Missing"), nullptr);
}

TEST(PythonLiteralTest, ScalarsEscapesTuplesAndBlanks) {
  Result<PyValue> v = ParsePythonLiteral(
      " {\"k\": 'it\\'s', 'b': True, 'f': False, 'n': None, 't': (1, -2.5e3,), 'e': {}} ");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->Get("k")->text, "it's");
  EXPECT_TRUE(v->Get("b")->boolean);
  EXPECT_EQ(v->Get("f")->kind, PyValue::Kind::kBool);
  EXPECT_EQ(v->Get("n")->kind, PyValue::Kind::kNone);
  ASSERT_EQ(v->Get("t")->items.size(), 2u);
  EXPECT_EQ(v->Get("t")->items[1].number, -2500);
  EXPECT_EQ(v->Get("e")->kind, PyValue::Kind::kDict);
}

TEST(PythonLiteralTest, MalformedLiteralsAreInvalidArgument) {
  for (const char* bad : {"{'Gpus': [", "{'a' 1}", "{'a': 'open}", "[1 2]", "{'a': 1} x",
                          "{'a': nope}", "{[1]: 2}", "", "{'a': 1.2.3}"}) {
    Result<PyValue> v = ParsePythonLiteral(bad);
    EXPECT_FALSE(v.ok()) << bad;
    EXPECT_TRUE(v.status().IsInvalidArgument()) << bad;
  }
}

TEST(PythonLiteralTest, DeepNestingIsRejectedNotACrash) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_TRUE(ParsePythonLiteral(deep).status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::catalog
