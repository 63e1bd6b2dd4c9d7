#pragma once
// The replay plot (`skybroker replay --plot out.svg`), drawn as SVG text by hand: cost against
// deadline slack for every run of every policy, and the timeline of the first start offset
// (each trace's spot availability, and the market each policy's job was on). Pure function;
// thread-safe.

#include <string>

#include "sky/broker/replay.h"

namespace sky::api {

// A complete SVG document. Runs without a timeline (ReplayOptions::timelines off) leave the
// timeline rows empty.
std::string ReplayPlotSvg(const broker::ReplayReport& report);

}  // namespace sky::api
