#include "tests/support/http_call.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "sky/types/ascii.h"
#include "tests/support/serve_process.h"

namespace sky::testing {
namespace {

// The curl command line for `request` (without the URL).
std::string CurlCommand(const Request& request, const std::string& headers, const std::string& body,
                        const std::filesystem::path& scratch) {
  std::string cmd = "curl -s -D " + headers + " -o " + body + " -w '%{http_code}'";
  if (request.max_time_s > 0) cmd += " --max-time " + std::to_string(request.max_time_s);
  if (!request.method.empty()) cmd += " -X " + request.method;
  if (!request.token.empty()) cmd += " -H 'Authorization: Bearer " + request.token + "'";
  for (const std::string& h : request.headers) cmd += " -H '" + h + "'";
  if (!request.body.empty()) {
    const std::string file = (scratch / "request.txt").string();
    std::ofstream(file, std::ios::binary) << request.body;
    if (!request.content_type.empty()) cmd += " -H 'Content-Type: " + request.content_type + "'";
    cmd += " --data-binary @" + file;
  }
  if (!request.curl_args.empty()) cmd += " " + request.curl_args;
  return cmd;
}

}  // namespace

ExecResult RunCommand(const std::string& command) {
  ExecResult run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

ExecResult Shell(const std::string& command) { return RunCommand("(" + command + ") 2>&1"); }

std::string RunShell(const std::string& command) {
  std::string out = RunCommand(command + " 2>&1").out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

ExecResult Exec(const std::string& args) {
  return RunCommand(SkybrokerBin() + " " + args + " 2>&1");
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string Reply::Header(const std::string& name) const {
  const std::string wanted = AsciiLower(name);
  std::string value;
  std::istringstream in(headers);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) value.clear();  // a 100 Continue came first
    const size_t colon = line.find(':');
    if (colon == std::string::npos || AsciiLower(line.substr(0, colon)) != wanted) continue;
    const size_t start = line.find_first_not_of(' ', colon + 1);
    value = start == std::string::npos ? "" : line.substr(start);
  }
  return value;
}

std::string Reply::LowerHeaders() const { return AsciiLower(headers); }

Reply Send(const std::string& base, const Request& request, const std::filesystem::path& scratch) {
  const std::string headers = (scratch / "headers.txt").string();
  const std::string body = (scratch / "body.txt").string();
  std::filesystem::remove(headers);  // a request that gets no answer leaves none behind
  std::filesystem::remove(body);
  Reply reply;
  const std::string cmd = CurlCommand(request, headers, body, scratch);
  reply.code = std::atoi(RunShell(cmd + " '" + base + request.path + "'").c_str());
  reply.headers = ReadFile(headers);
  reply.text = ReadFile(body);
  reply.body = nlohmann::json::parse(reply.text, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

std::string StageTokenFor(const std::filesystem::path& secret_file, const std::string& key) {
  std::istringstream in(ReadFile(secret_file));
  std::string secret;
  in >> secret;
  return "skst_" + RunShell("printf %s '" + key + "' | openssl dgst -sha256 -hmac '" + secret +
                            "' | awk '{print $NF}'");
}

}  // namespace sky::testing
