#include "sky/broker/executor_world.h"

#include <functional>
#include <utility>

namespace sky::broker {

std::string DeterministicTokenMinter::TokenFor(std::string_view key) const {
  return prefix_ + std::string(key);
}

std::string DeterministicTokenMinter::Hash(std::string_view token) const {
  return hash_prefix_ + std::to_string(std::hash<std::string_view>()(token));
}

ExecutorWorld::ExecutorWorld(ExecutorWorldOptions options)
    : options_(std::move(options)), clock_(options_.start_seconds), tokens_(options_.tokens) {
  if (tokens_ == nullptr) {
    own_tokens_ = std::make_unique<DeterministicTokenMinter>("world-");
    tokens_ = own_tokens_.get();
  }
}

ExecutorWorld::~ExecutorWorld() {
  executor_.reset();  // its workers use the store and the sim
  store_.reset();
}

void ExecutorWorld::StartSim(std::vector<Offer> offers, providers::SimOptions options) {
  sim_ = std::make_unique<providers::SimProvider>(std::move(offers), clock_, std::move(options));
}

Status ExecutorWorld::OpenStore() {
  executor_.reset();
  store_.reset();  // one connection to the file at a time, as after a restart
  SKY_ASSIGN_OR_RETURN(store_, PipelineStore::Open(options_.store_path));
  return Status::Ok();
}

Status ExecutorWorld::StartExecutor(const PlanService& plans, const ExecutorOptions& options,
                                    providers::Provider* provider) {
  executor_.reset();
  providers::Provider* cloud = provider != nullptr ? provider : sim_.get();
  SKY_ASSIGN_OR_RETURN(executor_,
                       Executor::Create(*store_, plans, {cloud}, clock_, *tokens_, options));
  return Status::Ok();
}

void ExecutorWorld::StopExecutor() { executor_.reset(); }

}  // namespace sky::broker
