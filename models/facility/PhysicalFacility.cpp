#include "models/facility/PhysicalFacility.hpp"

#include <algorithm>
#include <bit>

namespace dcsim::models {

PhysicalFacility::PhysicalFacility(PowerTree tree, std::unique_ptr<CoolingModel> cooling, int accelerators_per_rack,
                                   double switch_w, double rack_cap_w)
    : tree_(std::move(tree)), cooling_(std::move(cooling)), cooling_free_(cooling_->zero_overhead()),
      per_rack_(accelerators_per_rack),
      rack_(tree_.racks().size()), switch_w_(switch_w), cap_w_(rack_cap_w), has_free_((tree_.racks().size() + 63) / 64, 0),
      head_(static_cast<std::size_t>(std::max(accelerators_per_rack, 0)) + 1, kNone),
      has_avail_((static_cast<std::size_t>(std::max(accelerators_per_rack, 0)) + 64) / 64, 0) {
  // The lists start in rack order (rack 0 first): linked last to first.
  for (std::size_t r = rack_.size(); r-- > 0;) {
    rack_[r].node = static_cast<std::uint32_t>(tree_.racks()[r]);  // PowerTree ids are 32-bit
    set_free(r, accelerators_per_rack);
  }
}

void PhysicalFacility::install_idle_machines(std::int64_t machines, double idle_w) {
  const bool installed_any = machines > 0;  // else avail counts free slots, which draw nothing
  idle_w_ = installed_any ? idle_w : 0.0;
  std::int64_t left = machines;
  for (std::size_t r = 0; r < rack_.size(); ++r) {
    Rack& k = rack_[r];
    const int installed = static_cast<int>(std::min<std::int64_t>(left, per_rack_));
    left -= installed;
    k.unavail = installed_any ? per_rack_ - installed : 0;
    if (k.unavail > 0 && k.free > 0) has_free_[r / 64] |= std::uint64_t{1} << (r % 64);
  }
  first_free_word_ = 0;
  for (std::size_t r = rack_.size(); r-- > 0;) set_free(r, rack_[r].free);  // avail now counts machines
  for (std::size_t r = 0; r < rack_.size(); ++r) add_load(r, 0.0, 0);    // their idle power, in rack order
  // Racks over the cap on their idle machines alone: counted here, since the loads above were
  // set after the machines went in (before any placement, no rack was over).
  capped_ = 0;
  if (cap_w_ > 0.0)
    for (const Rack& k : rack_) capped_ += demand(k) > cap_w_ ? 1 : 0;
}

void PhysicalFacility::unlink(std::uint32_t rack) {
  // Its prev and next are left as they are: only a linked rack's are read.
  const Rack& k = rack_[rack];
  const auto a = static_cast<std::size_t>(k.avail);
  if (k.next != kNone) rack_[k.next].prev = k.prev;
  if (k.prev != kNone) rack_[k.prev].next = k.next;
  else if ((head_[a] = k.next) == kNone) has_avail_[a / 64] &= ~(std::uint64_t{1} << (a % 64));
}

void PhysicalFacility::link(std::uint32_t rack) {
  Rack& k = rack_[rack];
  const auto a = static_cast<std::size_t>(k.avail);
  k.prev = kNone;
  k.next = head_[a];
  if (k.next != kNone) rack_[k.next].prev = rack;
  else has_avail_[a / 64] |= std::uint64_t{1} << (a % 64);  // the list was empty
  head_[a] = rack;
}

// Inline: it is on the path of every placement and release.
inline void PhysicalFacility::set_free(std::size_t rack, int free) {
  Rack& k = rack_[rack];
  // Its bit changes only when a rack with empty slots gains its first free slot or loses its last.
  if (k.unavail > 0 && (free > 0) != (k.free > 0)) {
    const std::size_t word = rack / 64;
    const std::uint64_t bit = std::uint64_t{1} << (rack % 64);
    if (free > 0) {
      has_free_[word] |= bit;
      first_free_word_ = std::min(first_free_word_, word);
    } else {
      has_free_[word] &= ~bit;
    }
  }
  k.free = free;
  const int avail = std::max(0, free - k.unavail);
  if (avail == k.avail) return;
  if (k.avail > 0) unlink(static_cast<std::uint32_t>(rack));  // linked exactly while avail > 0
  k.avail = avail;
  if (avail > 0) link(static_cast<std::uint32_t>(rack));
}

int PhysicalFacility::pick_avail(std::int64_t n) const {
  const std::size_t words = has_avail_.size();
  const auto from = static_cast<std::size_t>(std::clamp<std::int64_t>(n, 1, per_rack_));
  std::size_t w = from / 64;
  std::uint64_t bits = w < words ? has_avail_[w] & (~std::uint64_t{0} << (from % 64)) : 0;
  for (;;) {
    if (bits != 0) return static_cast<int>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
    if (++w >= words) break;
    bits = has_avail_[w];
  }
  // None holds n: the largest there is (below n).
  for (std::size_t v = std::min(from / 64 + 1, words); v-- > 0;) {
    if (has_avail_[v] != 0) return static_cast<int>(v * 64 + 63 - static_cast<std::size_t>(std::countl_zero(has_avail_[v])));
  }
  return 0;
}

void PhysicalFacility::set_power(std::size_t id, double w_per_chip) {
  Placement& p = placements_[id];
  const double delta = w_per_chip - p.w_per_chip;
  if (delta == 0.0) return;
  for (const Share& s : p.shares) add_load(s.rack, static_cast<double>(s.chips) * delta, 0);
  p.w_per_chip = w_per_chip;
}

// Inline (as set_free): on the path of every placement and release, several times each.
[[gnu::always_inline]] inline void PhysicalFacility::change_rack(std::size_t rack, double w, int jobs, int freed) {
  Rack& k = rack_[rack];
  const bool capping = cap_w_ > 0.0;
  const bool was_capped = capping && demand(k) > cap_w_;
  if (freed != 0) set_free(rack, k.free + freed);
  k.jobs += jobs;
  k.job_w = k.jobs == 0 ? 0.0 : std::max(0.0, k.job_w + w);
  double d = demand(k);
  if (capping) {
    const bool capped = d > cap_w_;
    if (capped != was_capped) capped_ = capped ? capped_ + 1 : capped_ - 1;
    d = std::min(d, cap_w_);
  }
  tree_.set_known_rack_load(k.node, d);  // k.node is one of tree_.racks()
}

std::size_t PhysicalFacility::place(std::int64_t chips, double w_per_chip) {
  // A released placement's record (and its shares' storage) is reused.
  std::size_t id = placements_.size();
  if (!free_placements_.empty()) {
    id = free_placements_.back();
    free_placements_.pop_back();
  } else {
    placements_.emplace_back();
  }
  Placement& p = placements_[id];
  p.shares.clear();
  p.overflow = 0;
  p.w_per_chip = w_per_chip;
  std::int64_t left = chips;
  // Packed: the rack that holds the rest with the fewest to spare, else the one with the most.
  for (int a = 0; left > 0 && (a = pick_avail(left)) > 0;) {
    const std::uint32_t r = head_[static_cast<std::size_t>(a)];
    const std::int64_t take = std::min<std::int64_t>(left, a);
    left -= take;
    p.shares.push_back({r, take});
    // Its slots and its load change together (whether it was over its cap is read before both).
    change_rack(r, static_cast<double>(take) * w_per_chip, 1, -static_cast<int>(take));  // not taken again
  }
  // No installed machine free: empty slots, first fit in rack order, visiting only racks with a
  // free empty slot (a bit each), from the first word that has one. A rack's free slots are all
  // empty ones here (its avail is 0).
  while (left > 0 && first_free_word_ < has_free_.size() && has_free_[first_free_word_] == 0) ++first_free_word_;
  for (std::size_t w = first_free_word_; w < has_free_.size() && left > 0; ++w) {
    while (has_free_[w] != 0 && left > 0) {
      const std::size_t r = w * 64 + static_cast<std::size_t>(std::countr_zero(has_free_[w]));
      const std::int64_t take = std::min<std::int64_t>(left, rack_[r].free);
      left -= take;
      const auto same = std::find_if(p.shares.begin(), p.shares.end(), [&](const Share& s) { return s.rack == r; });
      const bool again = same != p.shares.end();  // its job is counted on the rack already
      if (again) same->chips += take;
      else p.shares.push_back({r, take});
      change_rack(r, static_cast<double>(take) * w_per_chip, again ? 0 : 1, -static_cast<int>(take));
    }
  }
  if (left > 0 && !rack_.empty()) {
    // No free slots: spread the rest over every rack (they will exceed their rating).
    const auto n = static_cast<std::int64_t>(rack_.size());
    for (std::size_t r = 0; r < rack_.size(); ++r) {
      const std::int64_t take = left / n + (static_cast<std::int64_t>(r) < left % n ? 1 : 0);
      if (take > 0) {
        p.shares.push_back({r, take});
        add_load(r, static_cast<double>(take) * w_per_chip, 1);
      }
    }
    p.overflow = left;
    overflow_ += left;
  }
  return id;
}

void PhysicalFacility::release(std::size_t id) {
  Placement& p = placements_[id];
  std::int64_t overflow_left = p.overflow;
  for (auto it = p.shares.rbegin(); it != p.shares.rend(); ++it) {
    // Overflow shares were added last; they held no slots. The freed machines draw idle power
    // again: the rack's new load goes up the tree once.
    const std::int64_t from_overflow = std::min(overflow_left, it->chips);
    overflow_left -= from_overflow;
    change_rack(it->rack, -static_cast<double>(it->chips) * p.w_per_chip, -1, static_cast<int>(it->chips - from_overflow));
  }
  overflow_ -= p.overflow;
  p.shares.clear();
  free_placements_.push_back(id);
}

FacilityPower PhysicalFacility::power(const Weather& outdoor) const {
  const LossesByKind loss = tree_.losses_by_kind();
  const double it_w = tree_.total_it_w();
  FacilityPower f;
  f.it_w = it_w;
  FacilityDetail& d = f.detail;
  d.psu_loss_w = loss.psu_w;
  d.pdu_loss_w = loss.pdu_w;
  d.ups_loss_w = loss.ups_w;
  d.transformer_loss_w = loss.transformer_w + loss.other_w;
  // The totals are the sums of their parts, added in the order the health check adds them.
  f.delivery_loss_w = d.psu_loss_w + d.pdu_loss_w + d.ups_loss_w + d.transformer_loss_w;
  // An empty hall has no load to cool (standby power is not modelled); an ideal plant draws nothing.
  if (it_w <= 0.0 || cooling_free_) return f;
  const CoolingInput in{it_w, loss.psu_w + loss.pdu_w, outdoor};
  const OverheadPower o = cooling_->power(in);
  d.chiller_w = o.chiller_w;
  d.economiser_w = o.economiser_pump_w;
  d.fans_w = o.crah_fan_w + o.dry_cooler_w;
  d.pumps_w = o.chw_pump_w + o.cw_pump_w;
  d.tower_w = o.tower_fan_w;
  d.humidifier_w = o.humidifier_w;
  d.lighting_w = o.lighting_w;
  f.cooling_w = d.chiller_w + d.economiser_w + d.fans_w + d.pumps_w + d.tower_w + d.humidifier_w;
  // UPS and distribution losses come from the tree; anything else the plant reports is other.
  f.other_w = o.lighting_w + o.other_w + o.ups_loss_w + o.distribution_loss_w;
  return f;
}

}  // namespace dcsim::models
