#pragma once
// MeteredProvider: a forwarding Provider that reports every failed call (provider name,
// operation, status) to a callback, for skybroker_provider_call_errors_total. Thread-safe as
// far as the wrapped provider and the callback are.

#include <functional>
#include <string>
#include <vector>

#include "sky/providers/provider.h"

namespace sky::api {

class MeteredProvider final : public providers::ProviderWrapper {
 public:
  // `operation` is list_offers, launch, describe, list_by_tag or terminate.
  using OnError = std::function<void(const std::string& provider, const std::string& operation,
                                     const Status& status)>;
  // `target` must outlive this wrapper; `on_error` must be thread-safe.
  MeteredProvider(providers::Provider& target, OnError on_error);

  Result<std::vector<Offer>> ListOffers() override;
  Result<providers::Instance> Launch(const providers::LaunchRequest& request) override;
  Result<std::vector<providers::Instance>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<providers::Instance>> ListByTag(const std::string& key,
                                                     const std::string& value) override;
  Status Terminate(const std::string& id) override;

 private:
  // Tells on_error_ about `status` when it is an error.
  void Report(const char* operation, const Status& status);

  OnError on_error_;
};

}  // namespace sky::api
