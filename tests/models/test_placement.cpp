// Placement of jobs on the racks of a hall (models/facility/PhysicalFacility.hpp): packed onto as
// few racks as a job's size needs (whole free racks first, then the rack that holds the rest
// with the fewest to spare), installed machines before empty slots, overflow spread over every
// rack. Expected rack powers are worked by hand: chips x W per chip, plus idle machines.

#include <doctest/doctest.h>

#include <memory>
#include <numeric>
#include <vector>

#include "models/cooling/CoolingPlant.hpp"
#include "models/facility/PhysicalFacility.hpp"
#include "models/power/PowerTree.hpp"

namespace {

using namespace dcsim::models;

/// A lossless hall of `racks` racks of `slots` slots (PUE 1), rated high enough never to be over;
/// `cap_w` > 0 caps each rack's IT power.
PhysicalFacility hall(int racks, int slots, double cap_w = 0.0) {
  HallDesign d;
  d.racks = racks;
  d.rack_rating_w = 1e6;
  d.racks_per_pdu = 2;
  d.psu = LossModel::lossless();
  d.pdu = LossModel::lossless();
  d.ups = LossModel::lossless();
  d.transformer = LossModel::lossless();
  return PhysicalFacility(standard_hall(d), std::make_unique<FixedPueCooling>(FixedPueParams{1.0}), slots, 0.0, cap_w);
}

std::vector<double> rack_powers(const PhysicalFacility& h) {
  std::vector<double> w(h.racks());
  for (std::size_t r = 0; r < w.size(); ++r) w[r] = h.rack_it_w(r);
  return w;
}

}  // namespace

TEST_SUITE("placement") {
  TEST_CASE("an empty hall fills racks in order, a whole rack per rack's worth") {
    PhysicalFacility h = hall(4, 8);
    h.place(20, 100.0);  // racks 0 and 1 whole, 4 on rack 2
    CHECK(rack_powers(h) == std::vector<double>{800.0, 800.0, 400.0, 0.0});
    CHECK(h.power(Weather{}).it_w == 2000.0);
  }

  TEST_CASE("a job goes on the rack that holds it with the fewest to spare, not the first with room") {
    PhysicalFacility h = hall(4, 8);
    h.place(4, 100.0);                     // rack 0: 4 free
    const std::size_t b = h.place(8, 100.0);  // a whole rack: rack 1
    h.place(2, 100.0);                     // best fit: rack 0 (4 free) rather than an empty rack
    CHECK(rack_powers(h) == std::vector<double>{600.0, 800.0, 0.0, 0.0});
    h.release(b);                          // rack 1 empty again
    h.place(6, 10.0);                      // racks 1-3 have 8 free, rack 0 has 2: rack 1 (freed last)
    CHECK(rack_powers(h) == std::vector<double>{600.0, 60.0, 0.0, 0.0});
    h.place(2, 1.0);                       // rack 0 and rack 1 each have exactly 2: rack 1 changed last
    CHECK(rack_powers(h) == std::vector<double>{600.0, 62.0, 0.0, 0.0});
    h.place(2, 1.0);                       // then rack 0
    CHECK(rack_powers(h) == std::vector<double>{602.0, 62.0, 0.0, 0.0});
  }

  TEST_CASE("a job larger than any rack's room takes the emptiest racks first, then the best fit for the rest") {
    PhysicalFacility h = hall(4, 8);
    h.place(3, 1.0);                        // rack 0: 5 free
    h.place(8, 1.0);                        // rack 1 whole
    h.place(7, 1.0);                        // best fit of 7: rack 2 (8 free) -> 1 free; rack 3 stays empty
    CHECK(rack_powers(h) == std::vector<double>{3.0, 8.0, 7.0, 0.0});
    h.place(13, 100.0);                     // rack 3 whole (8), then 5 on rack 0 (exactly 5 free)
    CHECK(rack_powers(h) == std::vector<double>{503.0, 8.0, 7.0, 800.0});
  }

  TEST_CASE("released placements give their slots back, and the hall returns to zero") {
    PhysicalFacility h = hall(3, 4);
    std::vector<std::size_t> ids;
    for (int i = 0; i < 6; ++i) ids.push_back(h.place(2, 50.0));  // fills all 12 slots
    CHECK(rack_powers(h) == std::vector<double>{200.0, 200.0, 200.0});
    for (const std::size_t id : ids) h.release(id);
    CHECK(rack_powers(h) == std::vector<double>{0.0, 0.0, 0.0});
    h.place(12, 1.0);  // all of it again: no slot was lost
    CHECK(rack_powers(h) == std::vector<double>{4.0, 4.0, 4.0});
    CHECK(h.overflow_accelerators() == 0);
  }

  TEST_CASE("installed machines are used before empty slots, and beyond the slots a job overflows") {
    PhysicalFacility h = hall(2, 8);
    h.install_idle_machines(12, 10.0);  // rack 0: 8 machines, rack 1: 4 machines and 4 empty slots
    CHECK(rack_powers(h) == std::vector<double>{80.0, 40.0});
    h.place(6, 100.0);  // fewest to spare among machines: rack 0 (8) holds 6; rack 1 has only 4
    CHECK(rack_powers(h) == std::vector<double>{600.0 + 2 * 10.0, 40.0});
    h.place(4, 100.0);  // rack 1's 4 machines exactly
    CHECK(rack_powers(h) == std::vector<double>{620.0, 400.0});
    // 3 more: rack 0's last 2 machines, then no machine is free: 1 empty slot, first fit (rack 1).
    h.place(3, 100.0);
    CHECK(rack_powers(h) == std::vector<double>{800.0, 500.0});
    // 6 more than the 3 slots left: 3 slots on rack 1, then 3 spread over both racks (2 + 1).
    h.place(6, 1.0);
    CHECK(rack_powers(h) == std::vector<double>{802.0, 504.0});
    CHECK(h.overflow_accelerators() == 3);
    const std::vector<double> w = rack_powers(h);
    CHECK(h.power(Weather{}).it_w == std::accumulate(w.begin(), w.end(), 0.0));
  }

  TEST_CASE("a rack over its cap is counted once: on its idle machines alone, and while jobs come and go") {
    // Two racks of 4 machines drawing 100 W idle each (400 W a rack), capped at 350 W: both are
    // over the cap before any job.
    PhysicalFacility h = hall(2, 4, 350.0);
    h.install_idle_machines(8, 100.0);
    CHECK(h.capped_racks() == 2);
    CHECK(rack_powers(h) == std::vector<double>{350.0, 350.0});
    // A job of one accelerator at 200 W on rack 1 (changed last): 3 idle (300 W) + 200 W = 500 W,
    // still over; the count stays 2 (its machine leaving the idle pool does not end the episode).
    const std::size_t a = h.place(1, 200.0);
    CHECK(h.capped_racks() == 2);
    // Released: back to 400 W idle, still over.
    h.release(a);
    CHECK(h.capped_racks() == 2);
    CHECK(rack_powers(h) == std::vector<double>{350.0, 350.0});
  }

  TEST_CASE("a rack crossing its cap with a job's start and end is counted while it is over") {
    // One rack of 4 machines at 50 W idle (200 W), capped at 350 W.
    PhysicalFacility h = hall(1, 4, 350.0);
    h.install_idle_machines(4, 50.0);
    CHECK(h.capped_racks() == 0);
    // Two accelerators at 200 W: 2 idle (100 W) + 400 W = 500 W, over.
    const std::size_t a = h.place(2, 200.0);
    CHECK(h.capped_racks() == 1);
    CHECK(rack_powers(h) == std::vector<double>{350.0});
    // One more at 10 W: 1 idle (50 W) + 410 W = 460 W, still over, counted once.
    const std::size_t b = h.place(1, 10.0);
    CHECK(h.capped_racks() == 1);
    h.release(a);  // 3 idle (150 W) + 10 W = 160 W
    CHECK(h.capped_racks() == 0);
    h.release(b);
    CHECK(h.capped_racks() == 0);
    CHECK(rack_powers(h) == std::vector<double>{200.0});
  }
}
