#pragma once
// Plain-text rendering of the REST form of pipelines (pipeline_json.h) for the pipeline
// commands: stage lines, tables, events, the outcome. Reads the JSON defensively (a missing or
// mistyped field prints as "-" or 0, never throws). Pure functions: thread-safe.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace sky::api {

// "$12.30".
std::string FormatUsd(double usd);
// "512 B", "1.5 kB", "12.3 MB" (powers of 1000, as transfers are priced per 10^9 bytes).
std::string FormatBytes(double bytes);
// "42s", "5m", "3h", "2d" (negative durations print as "0s").
std::string FormatAge(double seconds);

// One line per stage of a pipeline view: name, state, attempt, where (the latest attempt's
// location/market), progress %, cost so far (live attempts priced up to the view's `now_unix`).
std::vector<std::string> StageLines(const nlohmann::json& view);
// "<at>  <stage or ->  <kind>  <message>".
std::string EventLine(const nlohmann::json& event);

// The table of `GET /v1/pipelines`: id, name, state, stages done/total, cost, age.
void PrintPipelines(const nlohmann::json& listing, std::ostream& out);
// A pipeline view: a header line, the stages table and the cost.
void PrintPipeline(const nlohmann::json& view, std::ostream& out);
// "pipeline <id> <state>: actual $A (estimated $E)" and, for each failed stage with a log tail,
// that tail, indented.
void PrintOutcome(const nlohmann::json& view, std::ostream& out);

// True when the view's state is succeeded, failed or cancelled.
bool IsTerminalView(const nlohmann::json& view);

}  // namespace sky::api
