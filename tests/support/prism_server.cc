#include "tests/support/prism_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/process_group.h"

namespace sky::providers::prism {
namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// An ephemeral port the kernel just handed out (free unless someone races us for it).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr = Loopback(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// A key as a JSON pointer token (RFC 6901): '~' -> "~0", '/' -> "~1".
std::string EscapePointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool ExampleFitsType(const nlohmann::json& schema, const nlohmann::json& example) {
  if (example.is_null()) return schema.contains("nullable") && schema["nullable"] == true;
  const std::string type = schema["type"].get<std::string>();
  if (type == "string") return example.is_string();
  if (type == "number") return example.is_number();
  if (type == "integer") return example.is_number_integer();
  if (type == "boolean") return example.is_boolean();
  if (type == "array") return example.is_array();
  if (type == "object") return example.is_object();
  return true;
}

void DropContradictoryExamples(nlohmann::json& node, const std::string& pointer,
                               std::vector<std::string>& dropped) {
  if (node.is_object()) {
    if (node.contains("example") && node.contains("type") && node["type"].is_string() &&
        !ExampleFitsType(node, node["example"])) {
      node.erase("example");
      dropped.push_back(pointer + "/example");
    }
    for (auto& [key, child] : node.items()) {
      DropContradictoryExamples(child, pointer + "/" + EscapePointer(key), dropped);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      DropContradictoryExamples(node[i], pointer + "/" + std::to_string(i), dropped);
    }
  }
}

}  // namespace

Result<std::vector<std::string>> WriteSpecWithoutContradictoryExamples(const std::string& in,
                                                                       const std::string& out) {
  std::ifstream input(in);
  std::stringstream text;
  text << input.rdbuf();
  nlohmann::json spec = nlohmann::json::parse(text.str(), nullptr, false);
  if (spec.is_discarded()) return Status::InvalidArgument(in + " is not JSON");
  std::vector<std::string> dropped;
  DropContradictoryExamples(spec, "", dropped);
  std::ofstream output(out);
  output << spec.dump(1);
  if (!output) return Status::Internal("cannot write " + out);
  return dropped;
}

std::string PrismServer::BinaryPath() {
  return std::string(SKY_SOURCE_DIR) + "/tests/node_modules/.bin/prism";
}

Result<std::unique_ptr<PrismServer>> PrismServer::Start(const std::string& spec_path,
                                                        const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"mock", "-h", "127.0.0.1", "-p", "{port}", "--errors"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(spec_path);
  return Launch(std::move(args));
}

Result<std::unique_ptr<PrismServer>> PrismServer::StartProxy(
    const std::string& spec_path, const std::string& upstream,
    const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"proxy", "-h", "127.0.0.1", "-p", "{port}", "--errors"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(spec_path);
  args.push_back(upstream);
  return Launch(std::move(args));
}

Result<std::unique_ptr<PrismServer>> PrismServer::Launch(std::vector<std::string> args) {
  const int port = FreePort();
  if (port <= 0) return Status::Unavailable("no free port on 127.0.0.1");
  for (std::string& arg : args) {
    if (arg == "{port}") arg = std::to_string(port);
  }
  args.insert(args.begin(), BinaryPath());
  char log_template[] = "/tmp/sky-prism-XXXXXX";
  const int log_fd = mkstemp(log_template);
  if (log_fd < 0) return Status::Unavailable("cannot create Prism's log file");
  close(log_fd);
  SKY_ASSIGN_OR_RETURN(pid_t pid, sky::testing::SpawnProcessGroup(args, log_template));
  const auto deadline = Clock::now() + std::chrono::seconds(90);
  while (Clock::now() < deadline) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) {
      const std::string tail = sky::testing::ReadFileTail(log_template, 2000);
      unlink(log_template);
      return Status::Unavailable("Prism exited while starting: " + tail);
    }
    if (Accepts(port))
      return std::unique_ptr<PrismServer>(new PrismServer(pid, port, log_template));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  PrismServer stopped(pid, port, log_template);  // its destructor stops the process group
  return Status::Unavailable("Prism did not listen within 90 s: " + stopped.LogTail());
}

PrismServer::~PrismServer() {
  sky::testing::StopProcessGroup(pid_);
  unlink(log_path_.c_str());
}

std::string PrismServer::BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string PrismServer::LogTail(size_t bytes) const {
  return sky::testing::ReadFileTail(log_path_, bytes);
}

Result<HttpResponse> PrismCheckingClient::Send(const HttpRequest& request) {
  HttpRequest sent = request;
  {
    MutexLock lock(mu_);
    ++requests_;
    if (forced_code_ != 0 && (forced_method_.empty() || forced_method_ == request.method)) {
      SetHeader(sent.headers, "Prefer", "code=" + std::to_string(forced_code_));
    }
  }
  Result<HttpResponse> response = inner_->Send(sent);
  if (!response.ok()) return response;
  std::string problem;
  if (const std::string* header = FindHeader(response->headers, "sl-violations")) {
    problem = *header;
  } else if (response->body.find("stoplight.io/prism/errors#") != std::string::npos) {
    problem = response->body;
  }
  if (!problem.empty()) {
    MutexLock lock(mu_);
    violations_.push_back(request.method + " " + request.url + ": " + problem);
  }
  return response;
}

void PrismCheckingClient::ForceCode(int code, std::string method) {
  MutexLock lock(mu_);
  forced_code_ = code;
  forced_method_ = std::move(method);
}

std::vector<std::string> PrismCheckingClient::TakeViolations() {
  MutexLock lock(mu_);
  std::vector<std::string> taken;
  taken.swap(violations_);
  return taken;
}

std::vector<std::string> PrismCheckingClient::violations() const {
  MutexLock lock(mu_);
  return violations_;
}

int PrismCheckingClient::requests() const {
  MutexLock lock(mu_);
  return requests_;
}

}  // namespace sky::providers::prism
