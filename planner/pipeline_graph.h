#pragma once
// PipelineGraph: the stages of a PipelineSpec as an index-based DAG with its data movements
// (edges, input reads, output deliveries). Building it validates the spec's structure, so
// that the planner never trusts a hand-built spec. Immutable after Build; thread-safe.

#include <string>
#include <vector>

#include "sky/planner/spec.h"
#include "sky/types/result.h"

namespace sky::planner {

// Output of stage `from` sent to stage `to`.
struct GraphEdge {
  int from = 0;
  int to = 0;
  double gb = 0;
};

// Pipeline input `name` read by stage `stage` from `location`.
struct InputRead {
  int stage = 0;
  std::string name;
  RegionId location;
  double gb = 0;
};

// Output of stage `stage` delivered to `location`.
struct OutputDelivery {
  int stage = 0;
  RegionId location;
  double gb = 0;
};

class PipelineGraph {
 public:
  // Returns InvalidArgument listing every problem (unknown or duplicate names, cycles,
  // missing runtimes, negative or non-finite numbers), one "path: message" per line.
  static Result<PipelineGraph> Build(const PipelineSpec& spec);

  int num_stages() const { return static_cast<int>(names_.size()); }
  const std::string& name(int stage) const { return names_[stage]; }
  const std::vector<GraphEdge>& edges() const { return edges_; }
  const std::vector<InputRead>& reads() const { return reads_; }
  const std::vector<OutputDelivery>& deliveries() const { return deliveries_; }
  // Stages in an order where every stage comes after its predecessors.
  const std::vector<int>& topological_order() const { return topo_; }
  // Index of the stage called `name`, or -1.
  int Find(const std::string& name) const;

 private:
  std::vector<std::string> names_;
  std::vector<GraphEdge> edges_;
  std::vector<InputRead> reads_;
  std::vector<OutputDelivery> deliveries_;
  std::vector<int> topo_;
};

}  // namespace sky::planner
