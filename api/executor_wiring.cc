#include "api/executor_wiring.h"

#include <iostream>
#include <utility>

#include "api/auth/token_minter.h"
#include "api/storage_wiring.h"

namespace sky::api {
namespace {

constexpr double kDefaultClockSpeed = 1;
constexpr int kDefaultExecutorThreads = 2;
constexpr char kPlannerPolicy[] = "planner";  // the default: no MarketPolicy

// A flag's value when it is a number > 0; `fallback` when absent.
Result<double> Positive(const CliArgs& args, const std::string& flag, double fallback) {
  SKY_ASSIGN_OR_RETURN(auto value, args.GetDouble(flag));
  if (!value) return fallback;
  if (!(*value > 0)) return Status::InvalidArgument("flag --" + flag + ": must be more than 0");
  return *value;
}

// A flag's value when it is a whole number >= 1; `fallback` when absent.
Result<int> AtLeastOne(const CliArgs& args, const std::string& flag, int fallback) {
  SKY_ASSIGN_OR_RETURN(auto value, args.GetInt(flag));
  if (!value) return fallback;
  if (*value < 1 || *value > 1'000'000) {
    return Status::InvalidArgument("flag --" + flag + ": must be a whole number >= 1");
  }
  return static_cast<int>(*value);
}

Result<broker::ExecutorOptions> ExecutorOptionsFrom(const CliArgs& args) {
  broker::ExecutorOptions options;
  SKY_ASSIGN_OR_RETURN(options.poll_seconds, Positive(args, "poll-seconds", options.poll_seconds));
  SKY_ASSIGN_OR_RETURN(options.max_stage_failures,
                       AtLeastOne(args, "max-stage-failures", options.max_stage_failures));
  if (auto deployment = args.Get("deployment")) {
    if (deployment->empty()) return Status::InvalidArgument("flag --deployment: must not be empty");
    options.deployment = *deployment;
  }
  return options;
}

// --market-policy NAME: null (the planner-driven failover) unless a policy is named.
Result<std::unique_ptr<broker::MarketPolicy>> MarketPolicyFrom(const CliArgs& args) {
  auto name = args.Get("market-policy");
  if (!name || *name == kPlannerPolicy) return std::unique_ptr<broker::MarketPolicy>();
  auto policy = broker::NewMarketPolicy(*name);
  if (!policy.ok()) {
    return Status::InvalidArgument("flag --market-policy: " + policy.status().message() +
                                   " (or planner)");
  }
  return std::move(*policy);
}

// Heartbeat tokens must survive a restart (a recovered instance keeps posting the token it
// booted with), so a file database gets a secret file beside it; an in-memory one loses its
// pipelines on exit anyway and uses a per-process secret.
Result<std::unique_ptr<broker::TokenMinter>> TokenMinterFor(const std::string& db_path) {
  using Minter = std::unique_ptr<broker::TokenMinter>;
  if (db_path == ":memory:") return Minter(std::make_unique<OpenSslTokenMinter>());
  SKY_ASSIGN_OR_RETURN(std::string secret,
                       OpenSslTokenMinter::LoadOrCreateSecret(db_path + ".token-secret"));
  return Minter(std::make_unique<OpenSslTokenMinter>(std::move(secret)));
}

}  // namespace

void AddExecutorFlags(FlagSpec& spec) {
  const broker::ExecutorOptions defaults;
  spec.Group("pipeline execution")
      .Single("poll-seconds", "S", "describe interval of a live instance",
              FormatDefault(defaults.poll_seconds))
      .Single("clock-speed", "X", "run time X times faster than the wall clock",
              FormatDefault(kDefaultClockSpeed))
      .Single("clock-origin", "UNIX",
              "where scaled time starts; a fixed value keeps time consistent across restarts",
              "now")
      .Single("deployment", "NAME", "tag value of this broker's instances",
              "\"" + defaults.deployment + "\"")
      .Single("max-stage-failures", "N", "non-zero exits of a stage before its pipeline fails",
              std::to_string(defaults.max_stage_failures))
      .Single("executor-threads", "N", "executor worker threads",
              std::to_string(kDefaultExecutorThreads))
      .Single("market-policy", "NAME",
              "spot/on-demand choice: planner (the planner-driven failover), broker, "
              "uniform_progress, greedy_spot, on_demand (see Replay)",
              kPlannerPolicy);
  AddSimFlags(spec);
  AddStorageFlags(spec);
}

ExecutionStack::ExecutionStack(App& app, broker::ExecutorOptions options, int threads)
    : app_(app), options_(std::move(options)), threads_(threads) {}

ExecutionStack::~ExecutionStack() { Stop(); }

Result<std::unique_ptr<ExecutionStack>> ExecutionStack::Open(
    const CliArgs& args, App& app, const MeteredProvider::OnError& on_provider_error) {
  SKY_ASSIGN_OR_RETURN(auto options, ExecutorOptionsFrom(args));
  SKY_ASSIGN_OR_RETURN(const int threads,
                       AtLeastOne(args, "executor-threads", kDefaultExecutorThreads));
  SKY_ASSIGN_OR_RETURN(const double speed, Positive(args, "clock-speed", kDefaultClockSpeed));
  SKY_ASSIGN_OR_RETURN(auto origin, args.GetDouble("clock-origin"));
  std::unique_ptr<ExecutionStack> stack(new ExecutionStack(app, std::move(options), threads));
  SKY_ASSIGN_OR_RETURN(stack->market_policy_, MarketPolicyFrom(args));
  stack->options_.market_policy = stack->market_policy_.get();
  // At speed 1 a scaled clock equals the wall clock whatever the origin: skip it.
  if (speed != 1) {
    stack->scaled_ = std::make_unique<ScaledClock>(
        stack->wall_, origin.value_or(stack->wall_.NowSeconds()), speed);
  }
  SKY_ASSIGN_OR_RETURN(DataPlaneSetup data,
                       DataPlaneFrom(args, app.db_path(), app.catalog(), std::cerr));
  stack->options_.data = std::move(data.data);
  stack->options_.planner.excluded = std::move(data.excluded);
  SKY_ASSIGN_OR_RETURN(stack->tokens_, TokenMinterFor(app.db_path()));
  SKY_ASSIGN_OR_RETURN(stack->registry_,
                       ProviderRegistry::FromArgs(args, app.catalog(), stack->clock()));
  for (providers::Provider* provider : stack->registry_->providers()) {
    stack->metered_.push_back(std::make_unique<MeteredProvider>(*provider, on_provider_error));
  }
  SKY_ASSIGN_OR_RETURN(stack->store_, broker::PipelineStore::Open(app.db_path()));
  return stack;
}

Status ExecutionStack::CreateExecutor(const std::string& heartbeat_base_url, std::ostream& err) {
  options_.heartbeat_base_url = heartbeat_base_url;
  SKY_ASSIGN_OR_RETURN(executor_, broker::Executor::Create(*store_, app_.plans(), providers(),
                                                           clock(), *tokens_, options_));
  Status recovered = executor_->Recover();
  if (!recovered.ok()) {
    err << "warning: recovery: " << recovered.ToString() << " (serving anyway)\n";
  }
  return Status::Ok();
}

std::vector<providers::Provider*> ExecutionStack::providers() {
  std::vector<providers::Provider*> out;
  for (const auto& p : metered_) out.push_back(p.get());
  return out;
}

void ExecutionStack::Start() { executor_->Start(threads_); }

void ExecutionStack::Stop() {
  if (executor_) executor_->Stop();
}

}  // namespace sky::api
