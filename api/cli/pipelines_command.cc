// `skybroker run | status | cancel | events`: pipelines on a running `skybroker serve`.
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "api/cli/broker_client.h"
#include "api/cli/commands.h"
#include "api/cli/pipeline_printer.h"
#include "sky/types/percent_encoding.h"

namespace sky::api {
namespace {

using nlohmann::json;

constexpr char kRunSynopsis[] =
    "usage: skybroker run SPEC.json [FLAGS]\n"
    "Submits the pipeline and follows it to the end.\n"
    "exit codes: 0 succeeded, 1 failed or cancelled, 2 invalid spec\n";
constexpr char kStatusSynopsis[] =
    "usage: skybroker status [ID] [FLAGS]\n"
    "Without ID: every pipeline; with ID: its stages and cost.\n";
constexpr char kCancelSynopsis[] =
    "usage: skybroker cancel ID [FLAGS]\n"
    "Cancels the pipeline.\n";
constexpr char kEventsSynopsis[] =
    "usage: skybroker events ID [FLAGS]\n"
    "Prints the pipeline's event log.\n";

constexpr long kDefaultPollMs = 1000;

// --poll-ms, for the commands that follow a pipeline.
void AddPollFlag(FlagSpec& spec) {
  spec.Single("poll-ms", "MS", "how often to ask the server (at least 10)",
              std::to_string(kDefaultPollMs));
}

std::string PipelinePath(const std::string& id) { return "/v1/pipelines/" + PercentEncode(id); }

BrokerClient ClientFor(const CliArgs& args) {
  return BrokerClient::ForServer(ResolveServerUrl(args), ResolveClientToken(args));
}

// Runs a command body; an answer of an unexpected shape becomes an error, not a crash.
int Guarded(std::ostream& err, const std::function<int()>& body) {
  try {
    return body();
  } catch (const json::exception& e) {
    return ReportError(
        Status::Internal(std::string("unexpected answer from skybroker: ") + e.what()), err);
  }
}

Result<std::chrono::milliseconds> PollInterval(const CliArgs& args) {
  SKY_ASSIGN_OR_RETURN(auto ms, args.GetInt("poll-ms"));
  if (ms && *ms < 10) return Status::InvalidArgument("flag --poll-ms: at least 10");
  return std::chrono::milliseconds(ms.value_or(kDefaultPollMs));
}

// Prints the events after `last_seq` and advances it.
Status PrintNewEvents(const BrokerClient& client, const std::string& id, int64_t& last_seq,
                      std::ostream& out) {
  SKY_ASSIGN_OR_RETURN(
      json page,
      client.Call("GET", PipelinePath(id) + "/events?after=" + std::to_string(last_seq)));
  for (const json& event : page.at("events")) out << EventLine(event) << "\n";
  last_seq = page.at("last_seq").get<int64_t>();
  return Status::Ok();
}

// Follows a pipeline: new events as they come and one line per stage, rewritten in place on a
// terminal (cursor up, clear) and otherwise printed only when it changed.
class Follower {
 public:
  Follower(const BrokerClient& client, std::string id, std::ostream& out)
      : client_(client), id_(std::move(id)), out_(out), tty_(::isatty(STDOUT_FILENO) == 1) {}

  // Polls every `interval` until the pipeline ends; returns its last view.
  Result<json> Run(std::chrono::milliseconds interval) {
    for (;;) {
      SKY_ASSIGN_OR_RETURN(json view, client_.Call("GET", PipelinePath(id_)));
      if (tty_ && drawn_ > 0) out_ << "\x1b[" << drawn_ << "A\x1b[J";
      SKY_RETURN_IF_ERROR(PrintNewEvents(client_, id_, last_seq_, out_));
      DrawStages(StageLines(view));
      out_ << std::flush;
      if (IsTerminalView(view)) return view;
      std::this_thread::sleep_for(interval);
    }
  }

 private:
  void DrawStages(const std::vector<std::string>& lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (tty_ || i >= shown_.size() || shown_[i] != lines[i]) out_ << lines[i] << "\n";
    }
    // On a tty the events printed next go above the block, so all of it is redrawn.
    drawn_ = tty_ ? lines.size() : 0;
    shown_ = lines;
  }

  const BrokerClient& client_;
  const std::string id_;
  std::ostream& out_;
  const bool tty_;
  int64_t last_seq_ = 0;
  size_t drawn_ = 0;
  std::vector<std::string> shown_;
};

// 2 after printing every issue of a 400 answer; otherwise the reply's error.
int ReportRejected(const BrokerClient& client, const BrokerReply& reply, const std::string& path,
                   std::ostream& err) {
  if (reply.status != 400) return ReportError(client.ErrorFrom(reply), err);
  err << path << ": invalid pipeline spec\n";
  json details = json::array();
  if (reply.body.is_object() && reply.body.contains("error") && reply.body["error"].is_object()) {
    details = reply.body["error"].value("details", json::array());
  }
  for (const json& issue : details) {
    err << "  " << issue.value("path", "") << ": " << issue.value("message", "") << "\n";
  }
  if (details.empty()) err << "  " << StatusFromReply(reply).message() << "\n";
  return 2;
}

int RunPipeline(const CliArgs& args, std::ostream& out, std::ostream& err) {
  auto interval = PollInterval(args);
  if (!interval.ok()) return ReportError(interval.status(), err);
  const std::string& path = args.positional()[0];
  auto spec = ReadFile(path);
  if (!spec.ok()) return ReportError(spec.status(), err);
  const BrokerClient client = ClientFor(args);
  auto reply = client.Send("POST", "/v1/pipelines", *spec);
  if (!reply.ok()) return ReportError(reply.status(), err);
  if (reply->status >= 300) return ReportRejected(client, *reply, path, err);
  const std::string id = reply->body.at("id").get<std::string>();
  if (args.Has("detach")) {
    out << id << "\n";
    return 0;
  }
  out << "pipeline " << id << " submitted" << std::endl;
  auto view = Follower(client, id, out).Run(*interval);
  if (!view.ok()) return ReportError(view.status(), err);
  PrintOutcome(*view, out);
  return view->value("state", "") == "succeeded" ? 0 : 1;
}

int ShowStatus(const CliArgs& args, std::ostream& out, std::ostream& err) {
  const BrokerClient client = ClientFor(args);
  const bool one = !args.positional().empty();
  auto answer = client.Call(
      "GET", one ? PipelinePath(args.positional()[0]) : std::string("/v1/pipelines?limit=100"));
  if (!answer.ok()) return ReportError(answer.status(), err);
  if (args.Has("json")) {
    out << answer->dump(2) << "\n";
  } else if (one) {
    PrintPipeline(*answer, out);
  } else {
    PrintPipelines(*answer, out);
  }
  return 0;
}

int CancelPipeline(const CliArgs& args, std::ostream& out, std::ostream& err) {
  const BrokerClient client = ClientFor(args);
  auto view = client.Call("DELETE", PipelinePath(args.positional()[0]));
  if (!view.ok()) return ReportError(view.status(), err);
  PrintOutcome(*view, out);
  return 0;
}

int ShowEvents(const CliArgs& args, std::ostream& out, std::ostream& err) {
  auto interval = PollInterval(args);
  if (!interval.ok()) return ReportError(interval.status(), err);
  const BrokerClient client = ClientFor(args);
  const std::string& id = args.positional()[0];
  int64_t last_seq = 0;
  for (;;) {
    // The state first: events read after a terminal state include its last transition.
    auto view = client.Call("GET", PipelinePath(id));
    if (!view.ok()) return ReportError(view.status(), err);
    if (Status s = PrintNewEvents(client, id, last_seq, out); !s.ok()) return ReportError(s, err);
    out << std::flush;
    if (!args.Has("follow") || IsTerminalView(*view)) return 0;
    std::this_thread::sleep_for(*interval);
  }
}

// Parses `words` for one of the commands above and runs it guarded.
int Dispatch(const Words& words, FlagSpec spec, const char* synopsis, size_t min_args,
             size_t max_args, std::ostream& out, std::ostream& err,
             int (*command)(const CliArgs&, std::ostream&, std::ostream&)) {
  AddServerFlag(spec);
  ParsedCommand parsed =
      ParseCommand(words, std::move(spec), synopsis, min_args, max_args, out, err);
  if (!parsed.args) return parsed.exit_code;
  return Guarded(err, [&] { return command(*parsed.args, out, err); });
}

}  // namespace

int RunRun(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.Boolean("detach", "print the pipeline's id and return instead of following it");
  AddPollFlag(spec);
  return Dispatch(words, spec, kRunSynopsis, 1, 1, out, err, RunPipeline);
}

int RunStatus(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.Boolean("json", "print the server's answer as JSON");
  return Dispatch(words, spec, kStatusSynopsis, 0, 1, out, err, ShowStatus);
}

int RunCancel(const Words& words, std::ostream& out, std::ostream& err) {
  return Dispatch(words, FlagSpec{}, kCancelSynopsis, 1, 1, out, err, CancelPipeline);
}

int RunEvents(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.Boolean("follow", "keep printing new events until the pipeline ends");
  AddPollFlag(spec);
  return Dispatch(words, spec, kEventsSynopsis, 1, 1, out, err, ShowEvents);
}

}  // namespace sky::api
