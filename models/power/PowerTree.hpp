#pragma once
// The power-delivery tree of a datacentre hall: utility -> transformer -> UPS -> PDU -> rack, and
// a PSU stage inside each rack's servers, modelled per rack as one aggregate.
//
// Scope: a tree (nodes numbered in the order they are added, each with at most one parent,
// power flowing from the utility towards the loads), each node a stage of identical units with a
// per-unit LossModel (LossModel.hpp), in steady state. IT load is set per rack as the DC power
// the servers' PSUs deliver.
// Equations, for node n with children c (a rack: its IT load instead):
//   output(n) = sum_c input(c)                 (rack: it_w, the PSU output)
//   units installed m: redundancy none -> m = N; "n+1" -> m = N + 1; "2n" -> m = 2N
//   loss(n)   = m x L_unit(output / m)         every installed unit energised and sharing
//   input(n)  = output(n) + loss(n)
//   capacity(n) = N x rating                   (the redundant units are not capacity)
//   over rating  <=> output(n) > capacity(n)   (a rack: its PSU capacity; unrated: never)
//   total input = sum over roots of input(root) = IT + all losses.
// Redundancy conventions:
//   "n+1": N units carry the design load and one more is installed; all N + 1 share the load
//          equally (parallel load-sharing modules, the usual UPS practice), so each runs at
//          P / (N + 1). Over rating means the load no longer survives the loss of one unit.
//   "2n":  two independent feeds (A and B) of N units each, each feed carrying half the load: each
//          unit runs at P / (2N), half the load it would carry alone, so its no-load loss is
//          paid twice over for the same power (less efficient wherever no-load losses dominate).
//          Both feeds are modelled in one node (the A and B paths are not separate subtrees).
// Incremental update: set_rack_load changes only the nodes on the one path from that rack to
// its root. A node whose loss is zero at every load (a lossless model, or coefficients all zero)
// has input = output, so a change of load below it moves its output and input by that change
// alone. A lossless rack is moved at once; the lossless nodes above it move by the summed change
// of the racks under one parent changed one after another (when a rack under another parent
// changes, or at the next read); a rated one is checked against its rating, no loss is
// evaluated, and the root's change goes into the total. From the first lossy node up, the path
// is marked as changed instead, and the next read brings the marked nodes up to date lowest
// first, each once however many of its racks changed: its output moves by the summed change of
// its children's inputs and only its loss is recomputed.
// recompute() is the bottom-up full recomputation (children before parents), used at
// construction and to check the incremental path (tests: equal to 1e-9).
// Storage: what an update reads and writes of a node (its state, parent, height, kind, how its
// loss is evaluated, rating limit, pending change) is one 64-byte record, apart from the node
// specs (names, loss tables), which only construction, reports and table models read.
// Validation: tests/models/test_power_delivery.cpp: hand-computed stage losses, the 2N vs single
// unit comparison, incremental = full recomputation (also for random load sequences, lossless
// subtrees under lossy nodes and rated lossless nodes), over-rating reports, total input = IT +
// losses.
// Limitations: real power only; no cable losses between stages unless a node models them; no
// failures or transfer switching (the redundancy sets only how load is shared); 2N is one node,
// not two subtrees; static: no UPS battery charging, no dynamics.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/power/LossModel.hpp"

namespace dcsim::models {

enum class NodeKind { utility, transformer, ups, pdu, rack };
/// "utility", "transformer", "ups", "pdu", "rack" (NodeKind order).
std::span<const std::string_view> power_node_kind_names();
std::string_view power_node_kind_name(NodeKind kind);

enum class Redundancy { none, n_plus_1, two_n };
/// "none", "n+1", "2n" (Redundancy order), for a scenario ChoiceKind.
std::span<const std::string_view> redundancy_names();
std::optional<Redundancy> redundancy_from_name(std::string_view name);
std::string_view redundancy_name(Redundancy r);

/// Installed units for N needed units: N, N + 1 or 2N.
int installed_units(int needed, Redundancy r);

/// What a node is. For a rack, `unit` is the aggregate PSU stage of its servers (rating: the
/// rack's PSU capacity, i.e. its IT rating).
struct PowerNodeSpec {
  NodeKind kind = NodeKind::pdu;
  std::string name;
  LossModel unit;                        ///< one unit's losses and rating
  int units = 1;                         ///< N, the units needed for capacity
  Redundancy redundancy = Redundancy::none;
};

/// A node's present operating point.
struct PowerNodeState {
  double output_w = 0.0;
  double loss_w = 0.0;
  double input_w = 0.0;
  bool over_rating = false;
};

/// Losses summed by the kind of the node that dissipates them.
struct LossesByKind {
  double transformer_w = 0.0;
  double ups_w = 0.0;
  double pdu_w = 0.0;
  double psu_w = 0.0;    ///< rack nodes (the servers' power supplies)
  double other_w = 0.0;  ///< utility nodes given a loss model (switchgear, metering)
  double total_w() const { return transformer_w + ups_w + pdu_w + psu_w + other_w; }
};

/// A node over its rating, and by how much.
struct OverRating {
  std::size_t node = 0;
  std::string name;
  NodeKind kind = NodeKind::pdu;
  double output_w = 0.0;
  double capacity_w = 0.0;
};

class PowerTree {
 public:
  using NodeId = std::size_t;

  /// Adds a node (not yet connected) and returns its id. Throws std::invalid_argument when the
  /// spec is invalid (check_loss_model, units < 1).
  NodeId add_node(PowerNodeSpec spec);
  /// Connects parent -> child (power flows from parent to child). Throws std::invalid_argument
  /// when the child already has a parent, the parent is a rack, or the edge would close a cycle.
  void add_edge(NodeId parent, NodeId child);

  /// Sets a rack's IT load (W, the PSU output). The nodes on its path to the root are brought
  /// up to date when next read, each once however many of its racks changed (its output moves
  /// by the summed change of its children's inputs), O(nodes changed). Throws
  /// std::invalid_argument for a node that is not a rack or a negative or non-finite load.
  void set_rack_load(NodeId rack, double it_w) {
    if (rack >= nodes_.size() || !nodes_[rack].is_rack()) bad_rack_load(rack, it_w);
    set_known_rack_load(rack, it_w);
  }
  /// set_rack_load for an id known to be a rack's (one of racks(), which never change once
  /// added): only the load is checked.
  void set_known_rack_load(NodeId rack, double it_w) {
    if (!(it_w >= 0.0 && it_w <= kMaxLoad)) bad_rack_load(rack, it_w);
    store_rack_load(rack, it_w);
  }
  double rack_load_w(NodeId rack) const;

  /// Bottom-up full recomputation of every node from the rack loads.
  void recompute();

  double total_input_w() const {
    settle();
    return total_input_w_;
  }
  double total_it_w() const { return total_it_w_; }
  LossesByKind losses_by_kind() const {
    settle();
    return losses_;
  }
  double total_loss_w() const {
    settle();
    return losses_.total_w();
  }

  /// Nodes over their rating, in id order, and their count.
  std::vector<OverRating> over_rating() const;
  std::size_t over_rating_count() const {
    settle();
    return over_count_;
  }

  std::size_t node_count() const { return specs_.size(); }
  const PowerNodeSpec& spec(NodeId n) const;
  const PowerNodeState& state(NodeId n) const;
  /// N x unit rating (0 = unrated).
  double capacity_w(NodeId n) const;
  std::optional<NodeId> parent(NodeId n) const;
  std::vector<NodeId> children(NodeId n) const;
  std::optional<NodeId> find(std::string_view name) const;
  /// Rack nodes in the order they were added.
  const std::vector<NodeId>& racks() const { return racks_; }
  /// Nodes without a parent.
  std::vector<NodeId> roots() const;

 private:
  /// How a node's loss is found: zero at every load (no evaluation), from the coefficients
  /// (evaluated here), or from the node's LossModel (a table).
  enum class Eval : std::uint8_t { zero, coefficients, model };
  static constexpr std::uint32_t kNoParent = 0xFFFFFFFFu;
  static constexpr double kMaxLoad = 1.7976931348623157e308;  ///< the largest finite double

  /// What an update reads and writes of a node: its state and its place in the tree, one cache
  /// line.
  struct alignas(64) Node {
    PowerNodeState state;
    double limit_w = 0.0;       ///< over rating when output > limit (infinite when unrated)
    double child_delta = 0.0;   ///< change of a dirty node's children's inputs
    double it_w = 0.0;          ///< racks only
    std::uint32_t parent = kNoParent;
    std::uint16_t height = 0;   ///< 0 for a leaf, else 1 + its highest child's
    Eval eval = Eval::zero;
    std::uint8_t slot = 0;      ///< its NodeKind: the loss total it adds to
    bool is_rack() const { return slot == static_cast<std::uint8_t>(NodeKind::rack); }
  };
  /// The coefficient form of a node's stage: loss = m (c0 R + c1 x + c2 x^2 / R), x = P / m.
  struct Coefficients {
    double m = 1.0;
    double c0_r = 0.0;  ///< c0 x R
    double c1 = 0.0;
    double c2 = 0.0;
    double r = 0.0;
  };

  /// Node loss and over-rating for its current output.
  void evaluate(NodeId v) const;
  void account(NodeId v, double sign) const;
  /// Sets node v's output and carries the change of its input up to the root, O(depth).
  void update_path(NodeId v, double new_output);
  void store_rack_load(NodeId rack, double it_w) {
    Node& r = nodes_[rack];
    const double delta = it_w - r.it_w;
    total_it_w_ += delta;
    r.it_w = it_w;
    if (r.eval != Eval::zero) {
      mark(static_cast<std::uint32_t>(rack));
      return;
    }
    // A lossless rack moves at once (input = output); so does every lossless node above it, by
    // the change of load: racks under one parent changed one after another move the nodes above
    // once, when a rack under another parent changes or at the next read.
    r.state.output_w = it_w;
    r.state.input_w = it_w + 0.0;
    check_rating(r);
    if (r.parent == kNoParent) {
      total_input_w_ += delta;
    } else if (r.parent == carry_node_) {
      carry_delta_ += delta;
    } else {
      flush_carry();
      carry_node_ = r.parent;
      carry_delta_ = delta;
      pending_ = true;
    }
  }
  /// Moves carry_node_ by carry_delta_, and hands the change to the node above: held there as
  /// the second carry while the nodes above change by the sum of several (racks under several
  /// parents of one grandparent), else moved at once.
  void flush_carry() const {
    if (carry_node_ == kNoParent) return;
    const double delta = carry_delta_;
    const std::uint32_t v = carry_node_;
    carry_node_ = kNoParent;
    carry_delta_ = 0.0;
    Node& n = nodes_[v];
    if (n.eval != Eval::zero) {
      climb(v, delta);  // a lossy parent: marked, with the change as its children's
      return;
    }
    shift(n, delta);
    const std::uint32_t up = n.parent;
    if (up != kNoParent && up == upper_node_) {
      upper_delta_ += delta;
      return;
    }
    flush_upper();
    if (up == kNoParent || nodes_[up].eval != Eval::zero) {
      climb(up, delta);
    } else {
      upper_node_ = up;
      upper_delta_ = delta;
    }
  }
  void flush_upper() const {
    if (upper_node_ == kNoParent) return;
    const std::uint32_t v = upper_node_;
    const double delta = upper_delta_;
    upper_node_ = kNoParent;
    upper_delta_ = 0.0;
    climb(v, delta);
  }
  /// Moves the lossless nodes from v up by `delta`, and marks from the first lossy node up,
  /// which takes the change as its children's.
  void climb(std::uint32_t v, double delta) const {
    for (; v != kNoParent && nodes_[v].eval == Eval::zero; v = nodes_[v].parent) shift(nodes_[v], delta);
    if (v == kNoParent) {
      total_input_w_ += delta;
    } else {
      nodes_[v].child_delta += delta;
      mark(v);
    }
  }
  /// Marks v and the nodes above it as changed, up to the first already marked.
  void mark(std::uint32_t v) const {
    for (; v != kNoParent && !dirty_[v]; v = nodes_[v].parent) {
      dirty_[v] = 1;
      dirty_by_height_[nodes_[v].height].push_back(v);
    }
    pending_ = true;
    marked_ = true;
  }
  /// A lossless node's output (and so its input) moves by `delta`.
  void shift(Node& n, double delta) const {
    n.state.output_w += delta;
    n.state.input_w = n.state.output_w + 0.0;
    check_rating(n);
  }
  /// A lossless node's over-rating flag and the count, for its present output.
  void check_rating(Node& n) const {
    const bool over = n.state.output_w > n.limit_w;
    if (over != n.state.over_rating) {
      n.state.over_rating = over;
      if (over)
        ++over_count_;
      else
        --over_count_;
    }
  }
  [[noreturn]] void bad_rack_load(NodeId rack, double it_w) const;
  /// Brings every node changed since the last read up to date, lowest first.
  void settle() const {
    if (pending_) settle_now();
  }
  void settle_now() const;
  void check_id(NodeId n) const {
    if (n >= specs_.size()) bad_id(n);
  }
  [[noreturn]] void bad_id(NodeId n) const;
  double& loss_total(std::uint8_t slot) const;

  std::vector<PowerNodeSpec> specs_;
  // Mutable: reading brings the changed nodes up to date (settle).
  mutable std::vector<Node> nodes_;
  mutable std::vector<std::uint8_t> dirty_;  ///< 1: to be brought up to date at the next read
  std::vector<Coefficients> coefficients_;
  std::vector<std::vector<NodeId>> children_;  ///< in the order of their edges
  mutable std::vector<std::vector<std::uint32_t>> dirty_by_height_;
  mutable bool pending_ = false;  ///< a carried change or marked nodes
  mutable bool marked_ = false;   ///< nodes marked in dirty_by_height_
  /// A change of load not yet carried above carry_node_ (kNoParent: none), all of it from
  /// lossless racks under that node.
  mutable std::uint32_t carry_node_ = kNoParent;
  mutable double carry_delta_ = 0.0;
  /// The same one step higher: a change not yet carried above upper_node_ (lossless), from
  /// carries of lossless nodes under it.
  mutable std::uint32_t upper_node_ = kNoParent;
  mutable double upper_delta_ = 0.0;
  std::vector<NodeId> racks_;
  mutable LossesByKind losses_;
  mutable double total_input_w_ = 0.0;
  double total_it_w_ = 0.0;
  mutable std::size_t over_count_ = 0;
};

/// A standard hall: utility -> one transformer stage -> one UPS stage -> PDUs -> racks.
/// A LossModel whose rating_w is 0 is sized automatically: each stage's N-unit capacity equals
/// the input its children draw with every rack at its full IT rating (computed bottom-up), so a
/// fully loaded hall sits exactly at every rating.
struct HallDesign {
  int racks = 1;
  double rack_rating_w = 0.0;   ///< IT (PSU output) rating per rack
  LossModel psu;                ///< aggregate PSU stage per rack; rating 0 -> rack_rating_w
  Redundancy psu_redundancy = Redundancy::none;  ///< "2n" for dual-corded 1+1 supplies
  int racks_per_pdu = 1;
  LossModel pdu;                ///< one PDU
  Redundancy pdu_redundancy = Redundancy::none;
  int ups_units = 1;            ///< N UPS modules for capacity
  LossModel ups;                ///< one UPS module
  Redundancy ups_redundancy = Redundancy::none;
  int transformer_units = 1;
  LossModel transformer;        ///< one transformer
  Redundancy transformer_redundancy = Redundancy::none;
  LossModel utility;            ///< the utility feed (lossless by default)
};

/// The defaults of LossModel.hpp, all sized automatically: PSU 80 PLUS Platinum 230 V redundant
/// (facts 2.1), PDU 0.56 % (Lei & Masanet), UPS and transformer illustrative coefficients.
HallDesign default_hall_design(int racks, double rack_rating_w);

/// Builds the tree of a design (nodes "utility", "transformer", "ups", "pdu-<i>", "rack-<j>",
/// every rack at zero load) and recomputes it. Throws std::invalid_argument on a bad design.
PowerTree standard_hall(const HallDesign& design);

}  // namespace dcsim::models
