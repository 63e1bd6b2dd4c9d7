// Start-up reconcile (DESIGN.md "Execution model"): list the instances tagged with this
// deployment at every provider, adopt the one each live attempt expects, terminate the rest,
// then resume every non-terminal pipeline. After a kill -9 at any moment this loses no
// pipeline and leaks no instance.
#include "broker/executor/executor_impl.h"

namespace sky::broker {
namespace {

std::string Key(const std::string& pipeline, const std::string& stage, const std::string& attempt) {
  return pipeline + "\n" + stage + "\n" + attempt;
}

std::string TagOf(const providers::Instance& instance, const char* key) {
  auto it = instance.tags.find(key);
  return it == instance.tags.end() ? "" : it->second;
}

}  // namespace

Status Executor::Impl::Recover() {
  SKY_ASSIGN_OR_RETURN(std::vector<AttemptRecord> live, store_.LiveAttempts());
  std::map<std::string, AttemptRecord> by_key;
  for (AttemptRecord& a : live) {
    by_key.emplace(Key(a.pipeline_id, a.stage, std::to_string(a.attempt)), std::move(a));
  }
  Status first;
  for (providers::Provider* provider : providers_) {
    Status status = ReconcileProvider(*provider, by_key);
    if (!status.ok() && first.ok()) first = status.WithPrefix("reconcile with " + provider->name());
  }
  SKY_ASSIGN_OR_RETURN(std::vector<PipelineRecord> open, store_.ListNonTerminal());
  for (const PipelineRecord& p : open) Schedule(p.id, Now());
  // A terminal pipeline with a live attempt was cancelled or failed mid-way: Advance finishes
  // terminating its instances.
  for (const auto& [key, attempt] : by_key) Schedule(attempt.pipeline_id, Now());
  return first;
}

Status Executor::Impl::ReconcileProvider(providers::Provider& provider,
                                         const std::map<std::string, AttemptRecord>& live) {
  SKY_ASSIGN_OR_RETURN(std::vector<providers::Instance> instances,
                       provider.ListByTag(providers::kTagDeployment, options_.deployment));
  std::map<std::string, std::optional<PipelineRecord>> pipelines;  // cache of lookups
  std::set<std::string> adopted;
  Status first;
  for (const providers::Instance& inst : instances) {
    if (inst.state == providers::InstanceState::kTerminated) continue;
    const std::string pipeline_id = TagOf(inst, providers::kTagPipeline);
    const std::string stage = TagOf(inst, providers::kTagStage);
    const std::string attempt_text = TagOf(inst, providers::kTagAttempt);
    auto cached = pipelines.find(pipeline_id);
    if (cached == pipelines.end()) {
      auto record = store_.GetPipeline(pipeline_id);
      cached = pipelines
                   .emplace(pipeline_id,
                            record.ok() ? std::optional<PipelineRecord>(*record) : std::nullopt)
                   .first;
    }
    const std::optional<PipelineRecord>& record = cached->second;
    auto it = live.find(Key(pipeline_id, stage, attempt_text));
    bool expected = record && !IsTerminal(record->state) && it != live.end() &&
                    !adopted.count(it->first) &&
                    (it->second.instance_id.empty() || it->second.instance_id == inst.id);
    if (expected) {
      for (const StageRecord& s : record->stages) {
        if (s.name == stage) expected = std::to_string(s.attempt) == attempt_text;
      }
    }
    if (expected) {
      adopted.insert(it->first);
      if (it->second.instance_id.empty()) {
        (void)store_.SetAttemptInstance(pipeline_id, stage, it->second.attempt, inst.id);
      }
      (void)Event(pipeline_id, stage, "reconcile", "adopted instance " + inst.id);
      continue;
    }
    Status stopped = provider.Terminate(inst.id);
    if (!stopped.ok() && !stopped.IsNotFound() && first.ok()) first = stopped;
    if (record) {
      (void)Event(pipeline_id, stage.empty() ? std::nullopt : std::optional<std::string>(stage),
                  "reconcile",
                  "terminated unexpected instance " + inst.id + " (attempt " + attempt_text + ")");
    }
  }
  return first;
}

}  // namespace sky::broker
