#include "providers/sim/sim_state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sky::providers {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

// Parse errors are thrown by nlohmann inside this file only; this one type reaches the catch.
struct BadState {
  std::string what;
};

InstanceState ParseState(const std::string& name) {
  for (InstanceState s : {InstanceState::kPending, InstanceState::kRunning,
                          InstanceState::kStopping, InstanceState::kTerminated}) {
    if (InstanceStateName(s) == name) return s;
  }
  throw BadState{"unknown instance state '" + name + "'"};
}

TerminationReason ParseReason(const std::string& name) {
  for (TerminationReason r : {TerminationReason::kNone, TerminationReason::kPreempted,
                              TerminationReason::kUser, TerminationReason::kCapacity,
                              TerminationReason::kHostFailure, TerminationReason::kUnknown}) {
    if (TerminationReasonName(r) == name) return r;
  }
  throw BadState{"unknown termination reason '" + name + "'"};
}

json AgentToJson(const AgentReport& agent) {
  json j = {
      {"progress", agent.progress}, {"checkpoint", agent.checkpoint}, {"log_tail", agent.log_tail}};
  if (agent.exit_code) j["exit_code"] = *agent.exit_code;
  return j;
}

AgentReport AgentFromJson(const json& j) {
  AgentReport agent;
  agent.progress = j.at("progress").get<double>();
  agent.checkpoint = j.at("checkpoint").get<double>();
  agent.log_tail = j.at("log_tail").get<std::string>();
  if (j.contains("exit_code")) agent.exit_code = j.at("exit_code").get<int>();
  return agent;
}

json InstanceToJson(const SimInstanceState& sim) {
  const Instance& i = sim.instance;
  json j = {{"id", i.id},
            {"offer_id", i.offer_id},
            {"provider", i.provider},
            {"region", i.region},
            {"zone", i.zone},
            {"instance_type", i.instance_type},
            {"market", std::string(MarketName(i.market))},
            {"state", std::string(InstanceStateName(i.state))},
            {"reason", std::string(TerminationReasonName(i.reason))},
            {"public_ip", i.public_ip},
            {"private_ip", i.private_ip},
            {"tags", i.tags},
            {"launched_at", i.launched_at_seconds},
            {"location", sim.location},
            {"preempt_at", sim.preempt_at},
            {"stopped_at", sim.stopped_at}};
  if (i.agent) j["agent"] = AgentToJson(*i.agent);
  return j;
}

SimInstanceState InstanceFromJson(const json& j) {
  SimInstanceState sim;
  Instance& i = sim.instance;
  i.id = j.at("id").get<std::string>();
  i.offer_id = j.at("offer_id").get<std::string>();
  i.provider = j.at("provider").get<std::string>();
  i.region = j.at("region").get<std::string>();
  i.zone = j.at("zone").get<std::string>();
  i.instance_type = j.at("instance_type").get<std::string>();
  const std::optional<Market> market = ParseMarket(j.at("market").get<std::string>());
  if (!market) throw BadState{"unknown market in instance " + i.id};
  i.market = *market;
  i.state = ParseState(j.at("state").get<std::string>());
  i.reason = ParseReason(j.at("reason").get<std::string>());
  i.public_ip = j.at("public_ip").get<std::string>();
  i.private_ip = j.at("private_ip").get<std::string>();
  i.tags = j.at("tags").get<std::map<std::string, std::string>>();
  i.launched_at_seconds = j.at("launched_at").get<double>();
  if (j.contains("agent")) i.agent = AgentFromJson(j.at("agent"));
  sim.location = j.at("location").get<std::string>();
  sim.preempt_at = j.at("preempt_at").get<double>();
  sim.stopped_at = j.at("stopped_at").get<double>();
  return sim;
}

json StatsToJson(const SimStats& s) {
  return {{"launches", s.launches},
          {"idempotent_replays", s.idempotent_replays},
          {"capacity_refusals", s.capacity_refusals},
          {"preemptions", s.preemptions}};
}

SimStats StatsFromJson(const json& j) {
  SimStats s;
  s.launches = j.at("launches").get<int64_t>();
  s.idempotent_replays = j.at("idempotent_replays").get<int64_t>();
  s.capacity_refusals = j.at("capacity_refusals").get<int64_t>();
  s.preemptions = j.at("preemptions").get<int64_t>();
  return s;
}

SimState StateFromJson(const json& root) {
  if (root.at("version").get<int>() != kFormatVersion) throw BadState{"unknown version"};
  SimState state;
  for (const json& j : root.at("instances")) {
    SimInstanceState sim = InstanceFromJson(j);
    std::string id = sim.instance.id;
    if (!state.instances.emplace(std::move(id), std::move(sim)).second) {
      throw BadState{"instance " + j.at("id").get<std::string>() + " appears twice"};
    }
  }
  state.by_key = root.at("by_key").get<std::map<std::string, std::string>>();
  // Launch answers a replayed key with instances.at(id): a dangling key must not get that far.
  for (const auto& [key, id] : state.by_key) {
    if (!state.instances.count(id)) throw BadState{"key '" + key + "' names no instance"};
  }
  state.trace_checked_until = root.at("trace_checked_until").get<std::map<std::string, double>>();
  state.stats = StatsFromJson(root.at("stats"));
  state.next_id = root.at("next_id").get<int64_t>();
  if (state.next_id < 1) throw BadState{"next_id must be >= 1"};
  std::istringstream rng(root.at("rng").get<std::string>());
  rng >> state.rng;
  if (rng.fail()) throw BadState{"malformed rng state"};
  return state;
}

// Hands the state's JSON text to `emit` piece by piece, one instance per line, rather than
// building the whole document first: the cloud keeps every instance it ever launched and is
// saved on every mutation, and a DOM of them all (several MB after a few hundred launches),
// built and freed per save by whichever thread mutated, left each thread's malloc arena holding
// that much (the soak saw the server's RSS grow 16% after warm-up; it stays flat now).
void EmitState(const SimState& state, const std::function<void(const std::string&)>& emit) {
  emit("{\"version\": " + std::to_string(kFormatVersion) + ",\n\"instances\": [");
  const char* separator = "\n";
  for (const auto& [id, sim] : state.instances) {
    emit(separator + InstanceToJson(sim).dump());
    separator = ",\n";
  }
  emit("],\n\"by_key\": {");
  separator = "\n";
  for (const auto& [key, id] : state.by_key) {
    emit(separator + json(key).dump() + ": " + json(id).dump());
    separator = ",\n";
  }
  std::ostringstream rng;
  rng << state.rng;
  const json rest = {{"trace_checked_until", state.trace_checked_until},
                     {"stats", StatsToJson(state.stats)},
                     {"next_id", state.next_id},
                     {"rng", rng.str()}};
  const std::string tail = rest.dump();  // {"next_id":...}: spliced in after by_key
  emit("},\n" + tail.substr(1) + "\n");
}

Status WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Unavailable(std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Writes the state to `tmp` in chunks of at most 64 KiB and makes it durable before the caller
// renames it into place.
Status WriteDurably(const std::string& tmp, const SimState& state) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable("open " + tmp + ": " + std::strerror(errno));
  constexpr size_t kChunk = size_t{64} << 10;
  Status written;
  std::string buffer;
  EmitState(state, [&](const std::string& piece) {
    buffer += piece;
    if (buffer.size() >= kChunk && written.ok()) written = WriteAll(fd, buffer);
    if (buffer.size() >= kChunk) buffer.clear();
  });
  if (written.ok()) written = WriteAll(fd, buffer);
  if (written.ok() && ::fsync(fd) != 0) written = Status::Unavailable(std::strerror(errno));
  if (::close(fd) != 0 && written.ok()) written = Status::Unavailable(std::strerror(errno));
  return written.WithPrefix("write " + tmp);
}

// Best effort: makes the rename itself durable across a power loss (a kill -9 does not need it).
void SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

Result<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kInvalidArgument,
                  "open " + path + ": " + std::strerror(err));
  }
  std::string text;
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : 0;
      ::close(fd);
      if (err != 0) return Status::InvalidArgument("read " + path + ": " + std::strerror(err));
      return text;
    }
    text.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::string SimStateToJson(const SimState& state) {
  std::string text;
  EmitState(state, [&text](const std::string& piece) { text += piece; });
  return text;
}

Result<SimState> SimStateFromJson(const std::string& text) {
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded()) return Status::InvalidArgument("malformed JSON");
  try {
    return StateFromJson(root);
  } catch (const BadState& e) {
    return Status::InvalidArgument(e.what);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(e.what());
  }
}

Result<std::optional<SimState>> LoadSimState(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (text.status().IsNotFound()) return std::optional<SimState>();
  if (!text.ok()) return text.status();
  Result<SimState> state = SimStateFromJson(*text);
  if (!state.ok()) {
    return Status::InvalidArgument("sim state file " + path + ": " + state.status().message());
  }
  return std::optional<SimState>(std::move(state).value());
}

Status SaveSimState(const std::string& path, const SimState& state) {
  const std::string tmp = path + ".tmp";
  SKY_RETURN_IF_ERROR(WriteDurably(tmp, state));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Unavailable("rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  SyncDirectoryOf(path);
  return Status::Ok();
}

}  // namespace sky::providers
