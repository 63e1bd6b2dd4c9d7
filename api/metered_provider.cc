#include "api/metered_provider.h"

#include <utility>

namespace sky::api {

MeteredProvider::MeteredProvider(providers::Provider& target, OnError on_error)
    : ProviderWrapper(target), on_error_(std::move(on_error)) {}

void MeteredProvider::Report(const char* operation, const Status& status) {
  if (!status.ok() && on_error_) on_error_(name(), operation, status);
}

Result<std::vector<Offer>> MeteredProvider::ListOffers() {
  auto result = target().ListOffers();
  if (!result.ok()) Report("list_offers", result.status());
  return result;
}

Result<providers::Instance> MeteredProvider::Launch(const providers::LaunchRequest& request) {
  auto result = target().Launch(request);
  if (!result.ok()) Report("launch", result.status());
  return result;
}

Result<std::vector<providers::Instance>> MeteredProvider::Describe(
    const std::vector<std::string>& ids) {
  auto result = target().Describe(ids);
  if (!result.ok()) Report("describe", result.status());
  return result;
}

Result<std::vector<providers::Instance>> MeteredProvider::ListByTag(const std::string& key,
                                                                    const std::string& value) {
  auto result = target().ListByTag(key, value);
  if (!result.ok()) Report("list_by_tag", result.status());
  return result;
}

Status MeteredProvider::Terminate(const std::string& id) {
  Status status = target().Terminate(id);
  Report("terminate", status);
  return status;
}

}  // namespace sky::api
