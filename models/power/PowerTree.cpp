#include "models/power/PowerTree.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

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
  if (specs_.size() >= kNoParent) throw std::invalid_argument("a power tree holds fewer than 2^32 - 1 nodes");
  const NodeId id = specs_.size();
  const LossModel& u = spec.unit;
  Node h;
  h.slot = static_cast<std::uint8_t>(spec.kind);
  const double capacity = static_cast<double>(spec.units) * u.rating_w;
  h.limit_w = capacity > 0.0 ? capacity * (1.0 + kRatingTolerance) : std::numeric_limits<double>::infinity();
  Coefficients c;
  c.m = static_cast<double>(installed_units(spec.units, spec.redundancy));
  switch (u.kind) {
    case LossKind::lossless: h.eval = Eval::zero; break;
    case LossKind::coefficients:
      // Every coefficient zero: the loss is exactly zero at every finite load.
      h.eval = u.no_load == 0.0 && u.proportional == 0.0 && u.square_law == 0.0 ? Eval::zero : Eval::coefficients;
      c.c0_r = u.no_load * u.rating_w;
      c.c1 = u.proportional;
      c.c2 = u.square_law;
      c.r = u.rating_w;
      break;
    case LossKind::table: h.eval = Eval::model; break;
  }
  specs_.push_back(std::move(spec));
  nodes_.push_back(h);
  dirty_.push_back(0);
  coefficients_.push_back(c);
  children_.emplace_back();
  if (dirty_by_height_.empty()) dirty_by_height_.resize(1);
  if (nodes_[id].is_rack()) racks_.push_back(id);
  evaluate(id);  // an unconnected node is its own root: its no-load loss counts at once
  account(id, +1.0);
  total_input_w_ += nodes_[id].state.input_w;
  return id;
}

void PowerTree::add_edge(NodeId parent_id, NodeId child_id) {
  settle();
  check_id(parent_id);
  check_id(child_id);
  if (nodes_[parent_id].is_rack())
    throw std::invalid_argument(fmt::format("rack '{}' cannot feed other nodes", specs_[parent_id].name));
  if (nodes_[child_id].parent != kNoParent)
    throw std::invalid_argument(fmt::format("power node '{}' already has a parent", specs_[child_id].name));
  for (std::optional<NodeId> a = parent_id; a; a = parent(*a))
    if (*a == child_id)
      throw std::invalid_argument(
          fmt::format("edge '{}' -> '{}' would close a cycle", specs_[parent_id].name, specs_[child_id].name));
  // Heights are 16-bit: refuse an edge that would make the tree deeper.
  for (std::uint32_t v = static_cast<std::uint32_t>(parent_id), need = nodes_[child_id].height + 1u;
       v != kNoParent && nodes_[v].height < need; v = nodes_[v].parent, ++need)
    if (need > std::numeric_limits<std::uint16_t>::max())
      throw std::invalid_argument(fmt::format("edge '{}' -> '{}' would make the tree deeper than {} levels",
                                              specs_[parent_id].name, specs_[child_id].name,
                                              std::numeric_limits<std::uint16_t>::max()));
  // The child was a root: its input moves from the total into its new parent's output.
  const double child_in = nodes_[child_id].state.input_w;
  total_input_w_ -= child_in;
  nodes_[child_id].parent = static_cast<std::uint32_t>(parent_id);
  children_[parent_id].push_back(child_id);
  std::uint32_t top = 0;
  for (std::uint32_t v = static_cast<std::uint32_t>(parent_id), below = static_cast<std::uint32_t>(child_id);
       v != kNoParent && nodes_[v].height < nodes_[below].height + 1; below = v, v = nodes_[v].parent) {
    nodes_[v].height = static_cast<std::uint16_t>(nodes_[below].height + 1);
    top = nodes_[v].height;
  }
  if (dirty_by_height_.size() < std::size_t{top} + 1) dirty_by_height_.resize(std::size_t{top} + 1);
  update_path(parent_id, nodes_[parent_id].state.output_w + child_in);
}

double& PowerTree::loss_total(std::uint8_t slot) const {
  return loss_slot(losses_, static_cast<NodeKind>(slot));
}

void PowerTree::evaluate(NodeId v) const {
  const Node& h = nodes_[v];
  PowerNodeState& st = nodes_[v].state;
  switch (h.eval) {
    case Eval::zero: st.loss_w = 0.0; break;
    case Eval::coefficients: {
      // m x unit loss at output / m, in the order of LossModel::loss_w.
      const Coefficients& c = coefficients_[v];
      const double x = st.output_w / c.m;
      double unit = c.c0_r + c.c1 * x;
      if (c.r > 0.0) unit += c.c2 * x * x / c.r;
      st.loss_w = c.m * unit;
      break;
    }
    case Eval::model: st.loss_w = stage_loss_w(specs_[v].unit, static_cast<int>(coefficients_[v].m), st.output_w); break;
  }
  st.input_w = st.output_w + st.loss_w;
  st.over_rating = st.output_w > h.limit_w;
}

void PowerTree::account(NodeId v, double sign) const {
  const PowerNodeState& st = nodes_[v].state;
  loss_total(nodes_[v].slot) += sign * st.loss_w;
  if (st.over_rating) {
    if (sign > 0.0)
      ++over_count_;
    else
      --over_count_;
  }
}

void PowerTree::bad_rack_load(NodeId rack, double it_w) const {
  check_id(rack);
  if (!nodes_[rack].is_rack()) throw std::invalid_argument(fmt::format("power node '{}' is not a rack", specs_[rack].name));
  throw std::invalid_argument(fmt::format("rack '{}': load {} W must be finite and >= 0", specs_[rack].name, it_w));
}

void PowerTree::settle_now() const {
  flush_carry();
  flush_upper();
  pending_ = false;
  if (!marked_) return;
  marked_ = false;
  // Lowest first: every child of a node is lower than it, so its inputs are current.
  for (std::vector<std::uint32_t>& level : dirty_by_height_) {
    for (const std::uint32_t v : level) {
      Node& h = nodes_[v];
      PowerNodeState& st = nodes_[v].state;
      const double old_input = st.input_w;
      const bool was_over = st.over_rating;
      // A rack's output is its load; another node's moves by its changed children's inputs.
      st.output_w = h.is_rack() ? h.it_w : st.output_w + h.child_delta;
      h.child_delta = 0.0;
      dirty_[v] = 0;
      if (h.eval == Eval::zero) {
        // No loss at any load: nothing to evaluate and no loss total to move.
        st.input_w = st.output_w + 0.0;
        st.over_rating = st.output_w > h.limit_w;
      } else {
        loss_total(h.slot) -= st.loss_w;
        evaluate(v);
        loss_total(h.slot) += st.loss_w;
      }
      if (st.over_rating != was_over) {
        if (st.over_rating)
          ++over_count_;
        else
          --over_count_;
      }
      if (h.parent == kNoParent) total_input_w_ += st.input_w - old_input;
      else nodes_[h.parent].child_delta += st.input_w - old_input;
    }
    level.clear();
  }
}

void PowerTree::update_path(NodeId v, double new_output) {
  // Walk the one path to the root; each node's output moves by its child's change of input. A
  // node whose input does not change leaves everything above it as it is.
  for (;;) {
    account(v, -1.0);
    const double old_input = nodes_[v].state.input_w;
    nodes_[v].state.output_w = new_output;
    evaluate(v);
    account(v, +1.0);
    const double delta_input = nodes_[v].state.input_w - old_input;
    const std::uint32_t up = nodes_[v].parent;
    if (up == kNoParent) {
      total_input_w_ += delta_input;
      break;
    }
    if (delta_input == 0.0) break;
    v = up;
    new_output = nodes_[v].state.output_w + delta_input;
  }
}

double PowerTree::rack_load_w(NodeId rack) const {
  check_id(rack);
  return nodes_[rack].it_w;
}

void PowerTree::recompute() {
  for (std::vector<std::uint32_t>& level : dirty_by_height_) level.clear();
  std::fill(dirty_.begin(), dirty_.end(), std::uint8_t{0});
  for (Node& h : nodes_) h.child_delta = 0.0;
  pending_ = false;
  marked_ = false;
  carry_node_ = upper_node_ = kNoParent;
  carry_delta_ = upper_delta_ = 0.0;
  // Children before parents: a depth-first walk from each node not yet reached, in id order,
  // children in edge order, each node taken when all of its subtree is done (post-order).
  const std::size_t n = specs_.size();
  std::vector<NodeId> order;
  order.reserve(n);
  std::vector<char> seen(n, 0);
  std::vector<std::pair<NodeId, std::size_t>> stack;  // node, next child
  for (NodeId s = 0; s < n; ++s) {
    if (seen[s]) continue;
    seen[s] = 1;
    stack.push_back({s, 0});
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next < children_[v].size()) {
        const NodeId c = children_[v][next++];
        if (!seen[c]) {
          seen[c] = 1;
          stack.push_back({c, 0});
        }
      } else {
        order.push_back(v);
        stack.pop_back();
      }
    }
  }
  losses_ = {};
  over_count_ = 0;
  total_it_w_ = 0.0;
  total_input_w_ = 0.0;
  for (const NodeId v : order) {
    PowerNodeState& st = nodes_[v].state;
    if (nodes_[v].is_rack()) {
      st.output_w = nodes_[v].it_w;
      total_it_w_ += nodes_[v].it_w;
    } else {
      double out = 0.0;
      for (const NodeId c : children_[v]) out += nodes_[c].state.input_w;
      st.output_w = out;
    }
    evaluate(v);
    account(v, +1.0);
    if (nodes_[v].parent == kNoParent) total_input_w_ += st.input_w;
  }
}

std::vector<OverRating> PowerTree::over_rating() const {
  settle();
  std::vector<OverRating> out;
  if (over_count_ == 0) return out;
  for (NodeId v = 0; v < specs_.size(); ++v) {
    const PowerNodeState& st = nodes_[v].state;
    if (st.over_rating) out.push_back({v, specs_[v].name, specs_[v].kind, st.output_w, capacity_w(v)});
  }
  return out;
}

void PowerTree::bad_id(NodeId n) const { throw std::invalid_argument(fmt::format("no power node {}", n)); }

const PowerNodeSpec& PowerTree::spec(NodeId n) const {
  check_id(n);
  return specs_[n];
}

const PowerNodeState& PowerTree::state(NodeId n) const {
  settle();
  check_id(n);
  return nodes_[n].state;
}

double PowerTree::capacity_w(NodeId n) const {
  const PowerNodeSpec& s = spec(n);
  return static_cast<double>(s.units) * s.unit.rating_w;
}

std::optional<PowerTree::NodeId> PowerTree::parent(NodeId n) const {
  check_id(n);
  if (nodes_[n].parent == kNoParent) return std::nullopt;
  return NodeId{nodes_[n].parent};
}

std::vector<PowerTree::NodeId> PowerTree::children(NodeId n) const {
  check_id(n);
  return children_[n];
}

std::optional<PowerTree::NodeId> PowerTree::find(std::string_view name) const {
  for (NodeId v = 0; v < specs_.size(); ++v)
    if (specs_[v].name == name) return v;
  return std::nullopt;
}

std::vector<PowerTree::NodeId> PowerTree::roots() const {
  std::vector<NodeId> out;
  for (NodeId v = 0; v < specs_.size(); ++v)
    if (nodes_[v].parent == kNoParent) out.push_back(v);
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
