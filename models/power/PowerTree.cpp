#include "models/power/PowerTree.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <boost/graph/topological_sort.hpp>
#include <fmt/format.h>

namespace dcsim::models {

namespace {

constexpr std::array<std::string_view, 5> kKindNames{"utility", "transformer", "ups", "pdu", "rack"};
constexpr std::array<std::string_view, 3> kRedundancyNames{"none", "n+1", "2n"};

/// A load counts as over its rating only beyond this relative margin, so that a stage sized to
/// its full-load output exactly is not reported because of rounding.
constexpr double kRatingTolerance = 1e-9;

double& loss_slot(LossesByKind& l, NodeKind kind) {
  switch (kind) {
    case NodeKind::transformer: return l.transformer_w;
    case NodeKind::ups: return l.ups_w;
    case NodeKind::pdu: return l.pdu_w;
    case NodeKind::rack: return l.psu_w;
    case NodeKind::utility: return l.other_w;
  }
  return l.other_w;
}

/// Loss of a stage of m installed units sharing `output_w` equally.
double stage_loss_w(const LossModel& unit, int installed, double output_w) {
  const double m = static_cast<double>(installed);
  return m * unit.loss_w(output_w / m);
}

}  // namespace

std::span<const std::string_view> power_node_kind_names() { return kKindNames; }
std::string_view power_node_kind_name(NodeKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::span<const std::string_view> redundancy_names() { return kRedundancyNames; }

std::optional<Redundancy> redundancy_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kRedundancyNames.size(); ++i)
    if (kRedundancyNames[i] == name) return static_cast<Redundancy>(i);
  return std::nullopt;
}

std::string_view redundancy_name(Redundancy r) { return kRedundancyNames[static_cast<std::size_t>(r)]; }

int installed_units(int needed, Redundancy r) {
  switch (r) {
    case Redundancy::none: return needed;
    case Redundancy::n_plus_1: return needed + 1;
    case Redundancy::two_n: return 2 * needed;
  }
  return needed;
}

// ---- PowerTree --------------------------------------------------------------------------------

PowerTree::NodeId PowerTree::add_node(PowerNodeSpec spec) {
  if (spec.units < 1) throw std::invalid_argument(fmt::format("power node '{}': units must be >= 1", spec.name));
  if (std::string e = check_loss_model(spec.unit); !e.empty())
    throw std::invalid_argument(fmt::format("power node '{}': {}", spec.name, e));
  Node node;
  node.spec = std::move(spec);
  const NodeId id = boost::add_vertex(std::move(node), graph_);
  parent_of_.push_back(kNoParent);
  children_.emplace_back();
  height_.push_back(0);
  dirty_.push_back(0);
  child_delta_.push_back(0.0);
  Node& n = graph_[id];
  if (n.spec.kind == NodeKind::rack) racks_.push_back(id);
  evaluate(n);  // an unconnected node is its own root: its no-load loss counts at once
  account(n, +1.0);
  total_input_w_ += n.state.input_w;
  return id;
}

void PowerTree::add_edge(NodeId parent_id, NodeId child_id) {
  settle();
  check_id(parent_id);
  check_id(child_id);
  if (graph_[parent_id].spec.kind == NodeKind::rack)
    throw std::invalid_argument(fmt::format("rack '{}' cannot feed other nodes", graph_[parent_id].spec.name));
  if (boost::in_degree(child_id, graph_) != 0)
    throw std::invalid_argument(fmt::format("power node '{}' already has a parent", graph_[child_id].spec.name));
  for (std::optional<NodeId> a = parent_id; a; a = parent(*a))
    if (*a == child_id)
      throw std::invalid_argument(fmt::format("edge '{}' -> '{}' would close a cycle", graph_[parent_id].spec.name,
                                              graph_[child_id].spec.name));
  // The child was a root: its input moves from the total into its new parent's output.
  const double child_in = graph_[child_id].state.input_w;
  total_input_w_ -= child_in;
  boost::add_edge(parent_id, child_id, graph_);
  parent_of_[child_id] = parent_id;
  children_[parent_id].push_back(child_id);
  for (NodeId v = parent_id, below = child_id; v != kNoParent && height_[v] < height_[below] + 1; below = v, v = parent_of_[v])
    height_[v] = height_[below] + 1;
  if (dirty_by_height_.size() < static_cast<std::size_t>(*std::max_element(height_.begin(), height_.end())) + 1)
    dirty_by_height_.resize(static_cast<std::size_t>(*std::max_element(height_.begin(), height_.end())) + 1);
  update_path(parent_id, graph_[parent_id].state.output_w + child_in);
}

void PowerTree::evaluate(Node& node) {
  const PowerNodeSpec& s = node.spec;
  PowerNodeState& st = node.state;
  st.loss_w = stage_loss_w(s.unit, installed_units(s.units, s.redundancy), st.output_w);
  st.input_w = st.output_w + st.loss_w;
  const double capacity = static_cast<double>(s.units) * s.unit.rating_w;
  st.over_rating = capacity > 0.0 && st.output_w > capacity * (1.0 + kRatingTolerance);
}

void PowerTree::account(const Node& node, double sign) const {
  loss_slot(losses_, node.spec.kind) += sign * node.state.loss_w;
  if (node.state.over_rating) {
    if (sign > 0.0)
      ++over_count_;
    else
      --over_count_;
  }
}

void PowerTree::set_rack_load(NodeId rack, double it_w) {
  check_id(rack);
  Node& r = graph_[rack];
  if (r.spec.kind != NodeKind::rack)
    throw std::invalid_argument(fmt::format("power node '{}' is not a rack", r.spec.name));
  if (!std::isfinite(it_w) || it_w < 0.0)
    throw std::invalid_argument(fmt::format("rack '{}': load {} W must be finite and >= 0", r.spec.name, it_w));
  total_it_w_ += it_w - r.it_w;
  r.it_w = it_w;
  if (dirty_by_height_.empty()) dirty_by_height_.resize(1);
  for (NodeId v = rack; v != kNoParent && !dirty_[v]; v = parent_of_[v]) {
    dirty_[v] = 1;
    dirty_by_height_[static_cast<std::size_t>(height_[v])].push_back(v);
  }
  pending_ = true;
}

void PowerTree::settle_now() const {
  // Lowest first: every child of a node is lower than it, so its inputs are current.
  for (std::vector<NodeId>& level : dirty_by_height_) {
    for (const NodeId v : level) {
      Node& n = graph_[v];
      account(n, -1.0);
      const double old_input = n.state.input_w;
      // A rack's output is its load; another node's moves by its changed children's inputs.
      n.state.output_w = n.spec.kind == NodeKind::rack ? n.it_w : n.state.output_w + child_delta_[v];
      child_delta_[v] = 0.0;
      evaluate(n);
      account(n, +1.0);
      const NodeId up = parent_of_[v];
      if (up == kNoParent) total_input_w_ += n.state.input_w - old_input;
      else child_delta_[up] += n.state.input_w - old_input;
      dirty_[v] = 0;
    }
    level.clear();
  }
  pending_ = false;
}

void PowerTree::update_path(NodeId v, double new_output) {
  // Walk the one path to the root; each node's output moves by its child's change of input. A
  // node whose input does not change leaves everything above it as it is.
  for (;;) {
    Node& n = graph_[v];
    account(n, -1.0);
    const double old_input = n.state.input_w;
    n.state.output_w = new_output;
    evaluate(n);
    account(n, +1.0);
    const double delta_input = n.state.input_w - old_input;
    const NodeId up = parent_of_[v];
    if (up == kNoParent) {
      total_input_w_ += delta_input;
      break;
    }
    if (delta_input == 0.0) break;
    v = up;
    new_output = graph_[v].state.output_w + delta_input;
  }
}

double PowerTree::rack_load_w(NodeId rack) const {
  check_id(rack);
  return graph_[rack].it_w;
}

void PowerTree::recompute() {
  for (std::vector<NodeId>& level : dirty_by_height_) level.clear();
  std::fill(dirty_.begin(), dirty_.end(), 0);
  std::fill(child_delta_.begin(), child_delta_.end(), 0.0);
  pending_ = false;
  std::vector<NodeId> order;
  order.reserve(boost::num_vertices(graph_));
  // Reverse topological order: every child before its parent, i.e. bottom-up.
  boost::topological_sort(graph_, std::back_inserter(order));
  losses_ = {};
  over_count_ = 0;
  total_it_w_ = 0.0;
  total_input_w_ = 0.0;
  for (const NodeId v : order) {
    Node& n = graph_[v];
    if (n.spec.kind == NodeKind::rack) {
      n.state.output_w = n.it_w;
      total_it_w_ += n.it_w;
    } else {
      double out = 0.0;
      for (auto [e, end] = boost::out_edges(v, graph_); e != end; ++e) out += graph_[boost::target(*e, graph_)].state.input_w;
      n.state.output_w = out;
    }
    evaluate(n);
    account(n, +1.0);
    if (boost::in_degree(v, graph_) == 0) total_input_w_ += n.state.input_w;
  }
}

std::vector<OverRating> PowerTree::over_rating() const {
  settle();
  std::vector<OverRating> out;
  if (over_count_ == 0) return out;
  for (NodeId v = 0; v < boost::num_vertices(graph_); ++v) {
    const Node& n = graph_[v];
    if (n.state.over_rating) out.push_back({v, n.spec.name, n.spec.kind, n.state.output_w, capacity_w(v)});
  }
  return out;
}

std::size_t PowerTree::node_count() const { return boost::num_vertices(graph_); }

void PowerTree::bad_id(NodeId n) const { throw std::invalid_argument(fmt::format("no power node {}", n)); }

const PowerNodeSpec& PowerTree::spec(NodeId n) const {
  check_id(n);
  return graph_[n].spec;
}

const PowerNodeState& PowerTree::state(NodeId n) const {
  settle();
  check_id(n);
  return graph_[n].state;
}

double PowerTree::capacity_w(NodeId n) const {
  const PowerNodeSpec& s = spec(n);
  return static_cast<double>(s.units) * s.unit.rating_w;
}

std::optional<PowerTree::NodeId> PowerTree::parent(NodeId n) const {
  check_id(n);
  auto [e, end] = boost::in_edges(n, graph_);
  if (e == end) return std::nullopt;
  return boost::source(*e, graph_);
}

std::vector<PowerTree::NodeId> PowerTree::children(NodeId n) const {
  check_id(n);
  std::vector<NodeId> out;
  for (auto [e, end] = boost::out_edges(n, graph_); e != end; ++e) out.push_back(boost::target(*e, graph_));
  return out;
}

std::optional<PowerTree::NodeId> PowerTree::find(std::string_view name) const {
  for (NodeId v = 0; v < boost::num_vertices(graph_); ++v)
    if (graph_[v].spec.name == name) return v;
  return std::nullopt;
}

std::vector<PowerTree::NodeId> PowerTree::roots() const {
  std::vector<NodeId> out;
  for (NodeId v = 0; v < boost::num_vertices(graph_); ++v)
    if (boost::in_degree(v, graph_) == 0) out.push_back(v);
  return out;
}

// ---- Standard hall ----------------------------------------------------------------------------

HallDesign default_hall_design(int racks, double rack_rating_w) {
  HallDesign d;
  d.racks = racks;
  d.rack_rating_w = rack_rating_w;
  d.psu = *eighty_plus_psu("platinum", "230v_redundant", 0.0);
  d.pdu = default_pdu(0.0);
  d.ups = default_ups(0.0);
  d.transformer = default_transformer(0.0);
  d.utility = LossModel::lossless();
  return d;
}

namespace {

/// The unit model of a stage whose N-unit capacity must be `capacity_w`: as given when rated,
/// otherwise with rating capacity / N.
LossModel sized(const LossModel& given, double capacity_w, int units) {
  if (given.rating_w > 0.0) return given;
  return given.with_rating(capacity_w / static_cast<double>(units));
}

double full_input_w(const LossModel& unit, int units, Redundancy r, double output_w) {
  return output_w + stage_loss_w(unit, installed_units(units, r), output_w);
}

}  // namespace

PowerTree standard_hall(const HallDesign& d) {
  if (d.racks < 1) throw std::invalid_argument("a hall needs at least one rack");
  if (d.racks_per_pdu < 1) throw std::invalid_argument("racks per PDU must be >= 1");
  if (d.ups_units < 1 || d.transformer_units < 1) throw std::invalid_argument("UPS and transformer units must be >= 1");
  if (!std::isfinite(d.rack_rating_w) || d.rack_rating_w < 0.0)
    throw std::invalid_argument("rack rating must be finite and >= 0");

  // Size bottom-up at full IT load.
  const LossModel psu = sized(d.psu, d.rack_rating_w, 1);
  const double rack_full_in = full_input_w(psu, 1, d.psu_redundancy, d.rack_rating_w);
  const int pdus = (d.racks + d.racks_per_pdu - 1) / d.racks_per_pdu;
  const LossModel pdu = sized(d.pdu, static_cast<double>(d.racks_per_pdu) * rack_full_in, 1);
  double ups_capacity = 0.0;
  for (int p = 0; p < pdus; ++p) {
    const int in_group = std::min(d.racks_per_pdu, d.racks - p * d.racks_per_pdu);
    ups_capacity += full_input_w(pdu, 1, d.pdu_redundancy, static_cast<double>(in_group) * rack_full_in);
  }
  const LossModel ups = sized(d.ups, ups_capacity, d.ups_units);
  const double transformer_capacity = full_input_w(ups, d.ups_units, d.ups_redundancy, ups_capacity);
  const LossModel transformer = sized(d.transformer, transformer_capacity, d.transformer_units);

  PowerTree tree;
  const auto utility = tree.add_node({NodeKind::utility, "utility", d.utility, 1, Redundancy::none});
  const auto tx =
      tree.add_node({NodeKind::transformer, "transformer", transformer, d.transformer_units, d.transformer_redundancy});
  const auto u = tree.add_node({NodeKind::ups, "ups", ups, d.ups_units, d.ups_redundancy});
  tree.add_edge(utility, tx);
  tree.add_edge(tx, u);
  for (int p = 0; p < pdus; ++p) {
    const auto pdu_id = tree.add_node({NodeKind::pdu, fmt::format("pdu-{}", p), pdu, 1, d.pdu_redundancy});
    tree.add_edge(u, pdu_id);
    const int first = p * d.racks_per_pdu;
    const int last = std::min(d.racks, first + d.racks_per_pdu);
    for (int r = first; r < last; ++r) {
      const auto rack = tree.add_node({NodeKind::rack, fmt::format("rack-{}", r), psu, 1, d.psu_redundancy});
      tree.add_edge(pdu_id, rack);
    }
  }
  tree.recompute();
  return tree;
}

}  // namespace dcsim::models
