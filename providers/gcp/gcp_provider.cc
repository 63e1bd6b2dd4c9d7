#include "sky/providers/gcp/gcp_provider.h"

#include <chrono>
#include <thread>
#include <utility>

#include "providers/gcp/gcp_auth.h"
#include "providers/gcp/gcp_json.h"
#include "providers/gcp/gcp_names.h"
#include "providers/gcp/gcp_offers.h"

namespace sky::providers::gcp {
namespace {

constexpr char kPreemptedFilter[] = "operationType=\"compute.instances.preempted\"";

InstanceState StateFor(const std::string& status) {
  if (status == "RUNNING") return InstanceState::kRunning;
  if (status == "STOPPING" || status == "SUSPENDING") return InstanceState::kStopping;
  if (status == "STOPPED" || status == "SUSPENDED" || status == "TERMINATED") {
    return InstanceState::kTerminated;
  }
  return InstanceState::kPending;  // PROVISIONING, STAGING, REPAIRING
}

bool Targets(const GceOperation& op, const std::string& name, const std::string& id) {
  const std::string suffix = "/instances/" + name;
  const std::string& link = op.target_link;
  return (!id.empty() && op.target_id == id) ||
         (link.size() >= suffix.size() &&
          link.compare(link.size() - suffix.size(), suffix.size(), suffix) == 0);
}

bool WasPreempted(const std::vector<GceOperation>& ops, const GceInstance& instance) {
  for (const GceOperation& op : ops) {
    if (Targets(op, instance.name, instance.id)) return true;
  }
  return false;
}

// Splits "<zone>/<name>"; false when `id` is not of that form.
bool SplitId(const std::string& id, std::string* zone, std::string* name) {
  const size_t slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || id.find('/', slash + 1) != std::string::npos) {
    return false;
  }
  *zone = id.substr(0, slash);
  *name = id.substr(slash + 1);
  return IsValidResourceName(*zone) && IsValidResourceName(*name);
}

Instance ToInstance(const GceInstance& g, TerminationReason reason) {
  Instance out;
  out.id = g.zone + "/" + g.name;
  out.provider = "gcp";
  out.zone = g.zone;
  out.region = RegionOfZone(g.zone);
  out.instance_type = g.machine_type;
  out.market = g.spot ? Market::kSpot : Market::kOnDemand;
  out.state = StateFor(g.status);
  out.reason = reason;
  out.public_ip = g.public_ip;
  out.private_ip = g.private_ip;
  out.tags = g.labels;
  out.launched_at_seconds = ParseRfc3339(g.creation_timestamp).value_or(0);
  Offer offer;
  offer.provider = "gcp";
  offer.region = out.region;
  offer.zone = out.zone;
  offer.instance_type = out.instance_type;
  offer.accelerator = CanonicalAcceleratorName(g.accelerator_type);
  offer.accelerator_count = offer.accelerator.empty() ? 0 : g.accelerator_count;
  offer.market = out.market;
  out.offer_id = MakeOfferId(offer, !offer.accelerator.empty());
  return out;
}

class GcpProvider final : public Provider {
 public:
  GcpProvider(GcpConfig config, ServiceAccountKey key, std::unique_ptr<HttpClient> http)
      : config_(std::move(config)),
        http_(std::move(http)),
        clock_(config_.clock ? *config_.clock : unix_clock_),
        auth_(std::move(key), config_.token_uri, *http_, clock_) {}

  std::string name() const override { return "gcp"; }
  Result<std::vector<Offer>> ListOffers() override;
  Result<Instance> Launch(const LaunchRequest& request) override;
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<Instance>> ListByTag(const std::string& key,
                                          const std::string& value) override;
  Status Terminate(const std::string& id) override;

 private:
  std::string ZoneUrl(const std::string& zone) const {
    return config_.endpoint + "/projects/" + config_.project + "/zones/" + zone;
  }
  Result<HttpResponse> Call(HttpRequest request);
  Result<HttpResponse> Get(const std::string& url);
  Result<GceInstance> GetInstance(const std::string& zone, const std::string& name);
  Result<GceOperation> Wait(GceOperation op);
  Result<std::vector<GceOperation>> PreemptionOps(const std::string& zone);
  Result<Instance> WithReason(const GceInstance& instance);
  Result<Instance> DescribeOne(const std::string& id);
  Result<std::string> ZoneFor(const Offer& offer) const;
  Result<InsertSpec> SpecFor(const LaunchRequest& request, const std::string& zone,
                             const std::string& name) const;
  Status Insert(const InsertSpec& spec, const std::string& request_id);

  const GcpConfig config_;
  const std::unique_ptr<HttpClient> http_;
  const WallClock unix_clock_;
  const Clock& clock_;
  GcpAuth auth_;
};

Result<HttpResponse> GcpProvider::Call(HttpRequest request) {
  for (int attempt = 0;; ++attempt) {
    SKY_ASSIGN_OR_RETURN(std::string authorization, auth_.AuthorizationHeader());
    SetHeader(request.headers, "Authorization", std::move(authorization));
    if (!request.body.empty()) SetHeader(request.headers, "Content-Type", "application/json");
    SKY_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
    if (response.status < 300) return response;
    // A token revoked or expired early: fetch a fresh one once.
    if (response.status == 401 && attempt == 0) {
      auth_.Invalidate();
      continue;
    }
    return StatusFromHttpError(response.status, response.body);
  }
}

Result<HttpResponse> GcpProvider::Get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.idempotent = true;
  return Call(std::move(request));
}

Result<GceInstance> GcpProvider::GetInstance(const std::string& zone, const std::string& name) {
  SKY_ASSIGN_OR_RETURN(HttpResponse response, Get(ZoneUrl(zone) + "/instances/" + name));
  return ParseInstance(response.body);
}

Result<GceOperation> GcpProvider::Wait(GceOperation op) {
  const double deadline = clock_.NowSeconds() + config_.operation_timeout_seconds;
  const std::string zone = op.zone;
  while (!op.done()) {
    if (clock_.NowSeconds() >= deadline) {
      return Status::DeadlineExceeded("GCE operation " + op.name + " still " + op.status +
                                      " after " +
                                      std::to_string(config_.operation_timeout_seconds) + " s");
    }
    if (config_.sleep) {
      config_.sleep(config_.poll_interval_seconds);
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(config_.poll_interval_seconds));
    }
    SKY_ASSIGN_OR_RETURN(HttpResponse response, Get(ZoneUrl(zone) + "/operations/" + op.name));
    SKY_ASSIGN_OR_RETURN(op, ParseOperation(response.body));
    if (op.zone.empty()) op.zone = zone;
  }
  return op;
}

Result<std::vector<GceOperation>> GcpProvider::PreemptionOps(const std::string& zone) {
  std::vector<GceOperation> all;
  std::string page_token;
  do {
    std::string url = ZoneUrl(zone) + "/operations?filter=" + PercentEncode(kPreemptedFilter);
    if (!page_token.empty()) url += "&pageToken=" + PercentEncode(page_token);
    SKY_ASSIGN_OR_RETURN(HttpResponse response, Get(url));
    SKY_ASSIGN_OR_RETURN(std::vector<GceOperation> page,
                         ParseOperationList(response.body, &page_token));
    all.insert(all.end(), page.begin(), page.end());
  } while (!page_token.empty());
  return all;
}

Result<Instance> GcpProvider::WithReason(const GceInstance& instance) {
  const InstanceState state = StateFor(instance.status);
  if (state != InstanceState::kStopping && state != InstanceState::kTerminated) {
    return ToInstance(instance, TerminationReason::kNone);
  }
  TerminationReason reason = TerminationReason::kUser;
  if (instance.spot) {
    SKY_ASSIGN_OR_RETURN(std::vector<GceOperation> ops, PreemptionOps(instance.zone));
    if (WasPreempted(ops, instance)) reason = TerminationReason::kPreempted;
  }
  if (state == InstanceState::kStopping && reason != TerminationReason::kPreempted) {
    reason = TerminationReason::kNone;
  }
  return ToInstance(instance, reason);
}

Result<Instance> GcpProvider::DescribeOne(const std::string& id) {
  std::string zone, name;
  if (!SplitId(id, &zone, &name)) return Status::NotFound("not a GCP instance id: " + id);
  Result<GceInstance> instance = GetInstance(zone, name);
  if (instance.ok()) {
    if (instance->zone.empty()) instance->zone = zone;
    return WithReason(*instance);
  }
  if (!instance.status().IsNotFound()) return instance.status();
  // instanceTerminationAction DELETE removes a preempted spot VM: its preemption record is the
  // zone operation that remains.
  SKY_ASSIGN_OR_RETURN(std::vector<GceOperation> ops, PreemptionOps(zone));
  GceInstance gone;
  gone.name = name;
  gone.zone = zone;
  gone.status = "TERMINATED";
  gone.spot = true;
  if (!WasPreempted(ops, gone)) return Status::NotFound("no GCP instance " + id);
  return ToInstance(gone, TerminationReason::kPreempted);
}

Result<std::vector<Instance>> GcpProvider::Describe(const std::vector<std::string>& ids) {
  std::vector<Instance> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    SKY_ASSIGN_OR_RETURN(Instance instance, DescribeOne(id));
    out.push_back(std::move(instance));
  }
  return out;
}

Result<std::vector<Instance>> GcpProvider::ListByTag(const std::string& key,
                                                     const std::string& value) {
  const std::string filter =
      "labels." + SanitizeLabelKey(key) + " = \"" + SanitizeLabelValue(value) + "\"";
  std::vector<Instance> out;
  for (const std::string& zone : config_.zones) {
    std::string page_token;
    do {
      std::string url = ZoneUrl(zone) + "/instances?filter=" + PercentEncode(filter);
      if (!page_token.empty()) url += "&pageToken=" + PercentEncode(page_token);
      SKY_ASSIGN_OR_RETURN(HttpResponse response, Get(url));
      SKY_ASSIGN_OR_RETURN(std::vector<GceInstance> page,
                           ParseInstanceList(response.body, &page_token));
      for (GceInstance& instance : page) {
        if (instance.zone.empty()) instance.zone = zone;
        SKY_ASSIGN_OR_RETURN(Instance described, WithReason(instance));
        out.push_back(std::move(described));
      }
    } while (!page_token.empty());
  }
  return out;
}

Status GcpProvider::Terminate(const std::string& id) {
  std::string zone, name;
  if (!SplitId(id, &zone, &name)) return Status::NotFound("not a GCP instance id: " + id);
  HttpRequest request;
  request.method = "DELETE";
  request.url = ZoneUrl(zone) + "/instances/" + name;
  request.idempotent = true;
  Result<HttpResponse> response = Call(std::move(request));
  if (!response.ok()) return response.status().IsNotFound() ? Status::Ok() : response.status();
  SKY_ASSIGN_OR_RETURN(GceOperation op, ParseOperation(response->body));
  if (op.zone.empty()) op.zone = zone;
  SKY_ASSIGN_OR_RETURN(op, Wait(std::move(op)));
  const Status status = StatusFromOperation(op);
  return status.IsNotFound() ? Status::Ok() : status;
}

Result<std::string> GcpProvider::ZoneFor(const Offer& offer) const {
  if (!offer.zone.empty()) return offer.zone;
  for (const std::string& zone : config_.zones) {
    if (RegionOfZone(zone) == offer.region) return zone;
  }
  return Status::InvalidArgument("GCP offer " + offer.id + " has no zone and no zone of region " +
                                 offer.region + " is configured");
}

Result<InsertSpec> GcpProvider::SpecFor(const LaunchRequest& request, const std::string& zone,
                                        const std::string& name) const {
  const Offer& offer = request.offer;
  InsertSpec spec;
  spec.name = name;
  spec.zone = zone;
  spec.machine_type = offer.instance_type;
  spec.spot = offer.market == Market::kSpot;
  spec.has_gpus = !offer.accelerator.empty() && offer.accelerator_count > 0;
  if (spec.has_gpus && TakesAttachedAccelerators(offer.instance_type)) {
    spec.accelerator_type = GceAcceleratorName(offer.accelerator);
    spec.accelerator_count = offer.accelerator_count;
    if (spec.accelerator_type.empty()) {
      return Status::InvalidArgument("GCE has no accelerator type for " + offer.accelerator);
    }
  }
  spec.labels = LabelsFromTags(request.tags);
  spec.startup_script = request.startup_script;
  spec.source_image = config_.source_image;
  spec.boot_disk_gb = config_.boot_disk_gb;
  spec.network = config_.network;
  return spec;
}

Status GcpProvider::Insert(const InsertSpec& spec, const std::string& request_id) {
  HttpRequest request;
  request.method = "POST";
  request.url = ZoneUrl(spec.zone) + "/instances?requestId=" + request_id;
  request.body = InstanceInsertBody(spec);
  request.idempotency_key = request_id;  // GCE drops a repeated requestId
  SKY_ASSIGN_OR_RETURN(HttpResponse response, Call(std::move(request)));
  SKY_ASSIGN_OR_RETURN(GceOperation op, ParseOperation(response.body));
  if (op.zone.empty()) op.zone = spec.zone;
  SKY_ASSIGN_OR_RETURN(op, Wait(std::move(op)));
  return StatusFromOperation(op);
}

Result<Instance> GcpProvider::Launch(const LaunchRequest& request) {
  const Offer& offer = request.offer;
  if (offer.provider != "gcp" || offer.instance_type.empty()) {
    return Status::InvalidArgument("not a GCP offer: " + offer.id);
  }
  if (request.idempotency_key.empty()) {
    return Status::InvalidArgument("a GCP launch needs an idempotency key");
  }
  SKY_ASSIGN_OR_RETURN(std::string zone, ZoneFor(offer));
  SKY_ASSIGN_OR_RETURN(std::string name, InstanceNameForKey(request.idempotency_key));
  Result<GceInstance> existing = GetInstance(zone, name);
  if (!existing.ok() && !existing.status().IsNotFound()) return existing.status();
  if (!existing.ok()) {
    SKY_ASSIGN_OR_RETURN(InsertSpec spec, SpecFor(request, zone, name));
    SKY_ASSIGN_OR_RETURN(std::string request_id, RequestIdForKey(request.idempotency_key));
    const Status inserted = Insert(spec, request_id);
    if (!inserted.ok() && !inserted.IsAlreadyExists()) return inserted;
    SKY_ASSIGN_OR_RETURN(existing, GetInstance(zone, name));
  }
  if (existing->zone.empty()) existing->zone = zone;
  SKY_ASSIGN_OR_RETURN(Instance instance, WithReason(*existing));
  if (!offer.id.empty()) instance.offer_id = offer.id;
  return instance;
}

Result<std::vector<Offer>> GcpProvider::ListOffers() {
  ZoneAccelerators zones;
  for (const std::string& zone : config_.zones) {
    std::vector<GceAcceleratorType>& types = zones[zone];
    std::string page_token;
    do {
      std::string url = ZoneUrl(zone) + "/acceleratorTypes";
      if (!page_token.empty()) url += "?pageToken=" + PercentEncode(page_token);
      SKY_ASSIGN_OR_RETURN(HttpResponse response, Get(url));
      SKY_ASSIGN_OR_RETURN(std::vector<GceAcceleratorType> page,
                           ParseAcceleratorTypeList(response.body, &page_token));
      types.insert(types.end(), page.begin(), page.end());
    } while (!page_token.empty());
  }
  return OffersAvailableIn(config_.catalog_offers, zones);
}

}  // namespace

Result<std::unique_ptr<Provider>> NewGcpProvider(const GcpConfig& config,
                                                 std::unique_ptr<HttpClient> http) {
  if (!http) return Status::InvalidArgument("NewGcpProvider needs an HttpClient");
  GcpConfig resolved = config;
  while (!resolved.endpoint.empty() && resolved.endpoint.back() == '/')
    resolved.endpoint.pop_back();
  if (resolved.endpoint.rfind("http://", 0) != 0 && resolved.endpoint.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("GCP endpoint is not an http(s) URL: " + resolved.endpoint);
  }
  if (resolved.zones.empty()) return Status::InvalidArgument("no GCP zones configured");
  Result<ServiceAccountKey> key = resolved.credentials_file.empty()
                                      ? LoadDefaultServiceAccountKey()
                                      : LoadServiceAccountKey(resolved.credentials_file);
  if (!key.ok()) return key.status();
  if (resolved.project.empty()) resolved.project = key->project_id;
  if (resolved.project.empty()) {
    return Status::InvalidArgument("no GCP project: the key file has no project_id");
  }
  return std::unique_ptr<Provider>(
      new GcpProvider(std::move(resolved), std::move(key).value(), std::move(http)));
}

}  // namespace sky::providers::gcp
