#include "api/handlers/json_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "api/handlers/offer_json.h"

namespace sky::api {
namespace {

std::string Text(double v) {
  std::string out;
  AppendJsonNumber(out, v);
  return out;
}

TEST(JsonTextTest, StringsAreEscapedAsDumpEscapesThem) {
  for (const std::string& s :
       {std::string(""), std::string("plain"), std::string("quote \" and \\ backslash"),
        std::string("tab\tnew\nline\rcr\bback\fform"), std::string("ctl \x01\x1f end"),
        std::string("utf-8: \xc3\xa9t\xc3\xa9 \xe2\x82\xac"), std::string("slash / stays")}) {
    std::string out;
    AppendJsonString(out, s);
    EXPECT_EQ(out, nlohmann::json(s).dump()) << s;
  }
}

TEST(JsonTextTest, NumbersAreWrittenAsDumpWritesThem) {
  for (double v : {0.0, 1.0, 40.0, -3.0, 9.12, 0.1, 0.0001, 1e-05, 1.5e-07, 3.0625, 1234.5678,
                   12.493880000000001, 123456789.125, 1e14, 1e15, 1e20, 2.5e+300}) {
    EXPECT_EQ(Text(v), nlohmann::json(v).dump()) << v;
    EXPECT_EQ(nlohmann::json::parse(Text(v)).get<double>(), v) << v;
  }
  EXPECT_EQ(Text(std::nan("")), "null");
  EXPECT_EQ(Text(std::numeric_limits<double>::infinity()), "null");
  std::string out;
  AppendJsonInt(out, -42);
  EXPECT_EQ(out, "-42");
}

TEST(JsonTextTest, ObjectsPutCommasBetweenMembers) {
  std::string out;
  JsonObject o(out);
  AppendJsonInt(o.Key("a"), 1);
  AppendJsonString(o.Key("b"), "x\"");
  o.Close();
  EXPECT_EQ(out, R"({"a":1,"b":"x\""})");
  std::string empty;
  JsonObject(empty).Close();
  EXPECT_EQ(empty, "{}");
}

Offer GpuSpotOffer() {
  Offer o;
  o.id = "gcp:us-central1:us-central1-a/a2-highgpu-8g/spot";
  o.provider = "gcp";
  o.region = "us-central1";
  o.zone = "us-central1-a";
  o.instance_type = "a2-highgpu-8g";
  o.accelerator = "A100";
  o.accelerator_count = 8;
  o.accelerator_memory_gb = 40;
  o.vcpus = 96;
  o.memory_gb = 680;
  o.market = Market::kSpot;
  o.price_per_hour = 9.12;
  o.observed_at = "2026-05-20T00:00:00Z";
  o.source = "vms.csv";
  return o;
}

TEST(JsonTextTest, OfferTextIsOfferToJsonDumped) {
  Offer gpu = GpuSpotOffer();
  Offer cpu;  // no accelerator, no zone: nulls
  cpu.id = "aws:us-east-1/m5.large/on_demand";
  cpu.provider = "aws";
  cpu.region = "us-east-1";
  cpu.instance_type = "m5.large";
  cpu.vcpus = 2;
  cpu.memory_gb = 8;
  cpu.price_per_hour = 0.096;
  Offer reserved = GpuSpotOffer();
  reserved.market = Market::kReserved;
  reserved.reserved_term_months = 12;
  reserved.available = 3;
  reserved.source = "name with \"quotes\"";
  for (const Offer& o : {gpu, cpu, reserved}) {
    std::string out;
    AppendOfferJson(out, o);
    EXPECT_EQ(out, OfferToJson(o).dump()) << o.id;
  }
}

}  // namespace
}  // namespace sky::api
