#include "providers/aws/ec2_xml.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>

#include "providers/aws/ec2_query.h"
#include "providers/aws/xml_reader.h"

namespace sky::providers::aws {
namespace {

// Parses `body` and checks that its root is `<expected>` (any namespace prefix).
Result<XmlElement> ParseRoot(std::string_view body, std::string_view expected) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseXml(body));
  if (root.local_name() != expected) {
    return Status::InvalidArgument("expected <" + std::string(expected) + ">, got <" + root.name +
                                   ">");
  }
  return root;
}

// The <item> children of the list element `name`, or none when it is absent.
std::vector<const XmlElement*> Items(const XmlElement& parent, std::string_view name) {
  const XmlElement* list = parent.Child(name);
  return list == nullptr ? std::vector<const XmlElement*>{} : list->ChildrenNamed("item");
}

Result<int> ParseInt(const std::string& text, std::string_view what) {
  errno = 0;
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE ||
      value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    return Status::InvalidArgument("bad " + std::string(what) + ": '" + text + "'");
  }
  return static_cast<int>(value);
}

Result<double> ParsePrice(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value < 0) {
    return Status::InvalidArgument("bad spot price: '" + text + "'");
  }
  return value;
}

Status ReadState(const XmlElement& item, Ec2Instance& out) {
  const XmlElement* state = item.Child("instanceState");
  if (state == nullptr) return Status::Ok();
  out.state_name = state->ChildText("name");
  SKY_ASSIGN_OR_RETURN(out.state_code, ParseInt(state->ChildText("code"), "instance state code"));
  if (const XmlElement* reason = item.Child("stateReason")) {
    out.state_reason_code = reason->ChildText("code");
    out.state_reason_message = reason->ChildText("message");
  }
  return Status::Ok();
}

Result<Ec2Instance> ReadInstance(const XmlElement& item) {
  Ec2Instance out;
  out.instance_id = item.ChildText("instanceId");
  if (out.instance_id.empty()) return Status::InvalidArgument("instance without an instanceId");
  out.instance_type = item.ChildText("instanceType");
  if (const XmlElement* placement = item.Child("placement")) {
    out.availability_zone = placement->ChildText("availabilityZone");
  }
  SKY_RETURN_IF_ERROR(ReadState(item, out));
  out.state_transition_reason = item.ChildText("reason");
  out.lifecycle = item.ChildText("instanceLifecycle");
  out.public_ip = item.ChildText("ipAddress");
  out.private_ip = item.ChildText("privateIpAddress");
  out.client_token = item.ChildText("clientToken");
  out.launch_time = item.ChildText("launchTime");
  if (!out.launch_time.empty()) {
    SKY_ASSIGN_OR_RETURN(out.launch_time_seconds, ParseAwsTimestamp(out.launch_time));
  }
  for (const XmlElement* tag : Items(item, "tagSet")) {
    out.tags[tag->ChildText("key")] = tag->ChildText("value");
  }
  return out;
}

Status ReadInstances(const XmlElement& reservation, std::vector<Ec2Instance>& out) {
  for (const XmlElement* item : Items(reservation, "instancesSet")) {
    SKY_ASSIGN_OR_RETURN(Ec2Instance instance, ReadInstance(*item));
    out.push_back(std::move(instance));
  }
  return Status::Ok();
}

Result<SpotPricePoint> ReadSpotPrice(const XmlElement& item) {
  SpotPricePoint point;
  point.availability_zone = item.ChildText("availabilityZone");
  point.availability_zone_id = item.ChildText("availabilityZoneId");
  point.instance_type = item.ChildText("instanceType");
  point.product_description = item.ChildText("productDescription");
  SKY_ASSIGN_OR_RETURN(point.price_per_hour, ParsePrice(item.ChildText("spotPrice")));
  point.timestamp = item.ChildText("timestamp");
  SKY_ASSIGN_OR_RETURN(point.timestamp_seconds, ParseAwsTimestamp(point.timestamp));
  return point;
}

}  // namespace

Result<std::vector<Ec2Instance>> ParseRunInstances(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, "RunInstancesResponse"));
  std::vector<Ec2Instance> instances;
  SKY_RETURN_IF_ERROR(ReadInstances(root, instances));
  return instances;
}

Result<DescribeInstancesPage> ParseDescribeInstances(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, "DescribeInstancesResponse"));
  DescribeInstancesPage page;
  for (const XmlElement* reservation : Items(root, "reservationSet")) {
    SKY_RETURN_IF_ERROR(ReadInstances(*reservation, page.instances));
  }
  page.next_token = root.ChildText("nextToken");
  return page;
}

Result<std::vector<InstanceStateChange>> ParseTerminateInstances(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, "TerminateInstancesResponse"));
  std::vector<InstanceStateChange> changes;
  for (const XmlElement* item : Items(root, "instancesSet")) {
    InstanceStateChange change;
    change.instance_id = item->ChildText("instanceId");
    // The API reference says <currentState>; older responses (libcloud's) say <shutdownState>.
    const XmlElement* current = item->Child("currentState");
    if (current == nullptr) current = item->Child("shutdownState");
    if (current != nullptr) change.current_state = current->ChildText("name");
    if (const XmlElement* previous = item->Child("previousState")) {
      change.previous_state = previous->ChildText("name");
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

Result<SpotPriceHistoryPage> ParseSpotPriceHistory(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, "DescribeSpotPriceHistoryResponse"));
  SpotPriceHistoryPage page;
  for (const XmlElement* item : Items(root, "spotPriceHistorySet")) {
    SKY_ASSIGN_OR_RETURN(SpotPricePoint point, ReadSpotPrice(*item));
    page.prices.push_back(std::move(point));
  }
  page.next_token = root.ChildText("nextToken");
  return page;
}

Result<InstanceTypeOfferingsPage> ParseInstanceTypeOfferings(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseRoot(body, "DescribeInstanceTypeOfferingsResponse"));
  InstanceTypeOfferingsPage page;
  for (const XmlElement* item : Items(root, "instanceTypeOfferingSet")) {
    page.offerings.push_back({item->ChildText("instanceType"), item->ChildText("locationType"),
                              item->ChildText("location")});
  }
  page.next_token = root.ChildText("nextToken");
  return page;
}

Result<Ec2Error> ParseEc2Error(std::string_view body) {
  SKY_ASSIGN_OR_RETURN(XmlElement root, ParseXml(body));
  const XmlElement* error = nullptr;
  if (root.local_name() == "Response") {
    const XmlElement* errors = root.Child("Errors");
    error = errors == nullptr ? nullptr : errors->Child("Error");
  } else if (root.local_name() == "ErrorResponse") {
    error = root.Child("Error");
  }
  if (error == nullptr) return Status::InvalidArgument("no EC2 error envelope in the response");
  Ec2Error out{error->ChildText("Code"), error->ChildText("Message"), root.ChildText("RequestID")};
  if (out.request_id.empty()) out.request_id = root.ChildText("RequestId");
  if (out.code.empty()) return Status::InvalidArgument("EC2 error envelope without a <Code>");
  return out;
}

}  // namespace sky::providers::aws
