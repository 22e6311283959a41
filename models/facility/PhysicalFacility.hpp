#pragma once
// A datacentre hall whose overhead is computed, not assumed: jobs are placed on racks, the
// power-delivery tree (PowerTree) gives the electrical losses along each rack's path, and a
// cooling plant (CoolingModel) removes the heat (IT + in-hall electrical losses + lighting)
// in the current outdoor weather. PUE is then an output, instant by instant.
//
// Placement: a job's accelerators go on installed machines (install_idle_machines; on any slot
// when none are installed), packed onto as few racks as it can: whole free racks first, then the
// rack with the fewest free machines that still holds the rest (best fit), else the rack with
// the most, and so on. A job then spans about as many racks as its size needs, as a
// topology-aware scheduler keeps it, and free machines stay together for the jobs after it.
// Among racks with the same number free, the one changed last goes first. Once no installed machine
// is free, empty slots are taken first-fit in rack order; accelerators beyond the hall's slots
// are spread over every rack and counted (`overflow_accelerators`); the racks then exceed their
// rating, which the tree reports. Only the racks a job touches change, and the tree updates
// along their paths only.
//
// Job powers are wall powers (the paper's measured system power includes the server's PSU), so
// the rack stage of the tree should be lossless unless jobs state DC power.
// Limitations: one hall; cooling has no thermal inertia (steady state each instant).

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/climate/Climate.hpp"
#include "models/cooling/CoolingPlant.hpp"
#include "models/facility/FacilityPower.hpp"
#include "models/power/PowerTree.hpp"

namespace dcsim::models {

class PhysicalFacility {
 public:
  /// `cooling` must not also count UPS and distribution losses (the tree gives them). Each rack
  /// carrying a job also draws `switch_w`; `rack_cap_w` > 0 clips a rack's IT power.
  PhysicalFacility(PowerTree tree, std::unique_ptr<CoolingModel> cooling, int accelerators_per_rack,
                   double switch_w = 0.0, double rack_cap_w = 0.0);

  /// Places `chips` accelerators drawing `w_per_chip` each; returns the placement's id.
  std::size_t place(std::int64_t chips, double w_per_chip);
  void release(std::size_t placement);
  /// Changes the power per accelerator of a placement (a job entering another phase).
  void set_power(std::size_t placement, double w_per_chip);
  /// Installs `machines` accelerators in the first slots (rack order), each drawing `idle_w`
  /// while no job holds it. Call before any placement. Default: no installed machines, so an
  /// empty slot draws nothing.
  void install_idle_machines(std::int64_t machines, double idle_w);

  /// Facility power at the current rack loads in `outdoor` weather.
  FacilityPower power(const Weather& outdoor) const;

  std::size_t over_rating_count() const { return tree_.over_rating_count(); }
  /// Racks whose demand is above the rack cap right now.
  std::size_t capped_racks() const { return capped_; }
  std::int64_t overflow_accelerators() const { return overflow_; }
  std::size_t racks() const { return rack_.size(); }
  /// A rack's IT power as drawn: its accelerators, its switch when busy, clipped at the cap.
  double rack_it_w(std::size_t rack) const { return drawn(rack); }

 private:
  struct Share {
    std::size_t rack;
    std::int64_t chips;
  };
  struct Placement {
    std::vector<Share> shares;
    double w_per_chip = 0.0;
    std::int64_t overflow = 0;
  };
  /// What a change reads and writes of one rack, together.
  struct Rack {
    double job_w = 0.0;          ///< its jobs' accelerators
    std::uint32_t node = 0;      ///< its node in the tree
    int free = 0;                ///< free slots
    int jobs = 0;                ///< jobs with a share on it
    int avail = 0;               ///< the placement's count: free machines, each drawing idle_w_ (free slots when none are installed)
    int unavail = 0;             ///< slots not counted in avail: empty ones when machines are installed, else none
    std::uint32_t prev = kNone, next = kNone;  ///< in the list of racks with the same avail
  };
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  void add_load(std::size_t rack, double w, int jobs) { change_rack(rack, w, jobs, 0); }
  /// A rack's job power moves by `w`, its job count by `jobs` and its free slots by `freed`.
  void change_rack(std::size_t rack, double w, int jobs, int freed);
  /// Sets a rack's free slots, and with them its avail, its place in the lists and its bit in has_free_.
  void set_free(std::size_t rack, int free);
  void unlink(std::uint32_t rack);
  void link(std::uint32_t rack);
  /// The smallest avail >= n that some rack has, else the largest any has; 0 when none has any.
  int pick_avail(std::int64_t n) const;
  double idle_draw(const Rack& r) const { return static_cast<double>(r.avail) * idle_w_; }
  double demand(const Rack& r) const { return r.job_w + idle_draw(r) + (r.jobs > 0 ? switch_w_ : 0.0); }
  double drawn(std::size_t rack) const {
    const double d = demand(rack_[rack]);
    return cap_w_ > 0.0 ? std::min(d, cap_w_) : d;
  }

  PowerTree tree_;
  std::unique_ptr<CoolingModel> cooling_;
  bool cooling_free_ = false;  ///< the cooling model draws nothing at any load: not called
  int per_rack_;
  std::vector<Rack> rack_;
  std::vector<Placement> placements_;
  std::vector<std::size_t> free_placements_;  ///< released, for reuse
  std::int64_t overflow_ = 0;
  double switch_w_ = 0.0, cap_w_ = 0.0;
  /// Bit r: rack r has a free empty slot (one its avail does not count; only the first-fit step
  /// reads it, once no rack has avail left).
  std::vector<std::uint64_t> has_free_;
  std::size_t first_free_word_ = 0;      ///< no word of has_free_ before it has a bit set
  std::vector<std::uint32_t> head_;      ///< per avail 1..per_rack: the racks with it, changed last first
  std::vector<std::uint64_t> has_avail_;  ///< bit a: some rack has avail a
  double idle_w_ = 0.0;  ///< per free machine; 0 when none are installed (avail then counts empty slots)
  std::size_t capped_ = 0;
};

}  // namespace dcsim::models
