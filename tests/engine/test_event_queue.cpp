#include <doctest/doctest.h>

#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "sim/engine/Engine.hpp"
#include "sim/engine/EventQueue.hpp"
#include "sim/engine/Profile.hpp"
#include "sim/engine/Signal.hpp"

using dcsim::engine::Duration;
using dcsim::engine::Engine;
using dcsim::engine::Time;

TEST_CASE("events run in time order, and in scheduling order at the same instant") {
  Engine e;
  std::vector<int> order;
  e.schedule_at(Time::from_ms(30), [&] { order.push_back(3); });
  e.schedule_at(Time::from_ms(10), [&] { order.push_back(1); });
  e.schedule_at(Time::from_ms(20), [&] { order.push_back(21); });
  e.schedule_at(Time::from_ms(20), [&] { order.push_back(22); });
  e.schedule_at(Time::from_ms(20), [&] { order.push_back(23); });
  e.run();
  CHECK(order == std::vector<int>{1, 21, 22, 23, 3});
  CHECK(e.now() == Time::from_ms(30));
  CHECK(e.events_processed() == 5);
}

TEST_CASE("a cancelled event never runs and cancelling twice is harmless") {
  Engine e;
  int ran = 0;
  const auto h = e.schedule_at(Time::from_ms(5), [&] { ++ran; });
  e.schedule_at(Time::from_ms(6), [&] { ran += 10; });
  CHECK(e.pending(h));
  CHECK(e.cancel(h));
  CHECK_FALSE(e.pending(h));
  CHECK_FALSE(e.cancel(h));
  e.run();
  CHECK(ran == 10);
  CHECK(e.events_processed() == 1);
}

TEST_CASE("a handle of an event that already ran cannot cancel a later event in the same slot") {
  Engine e;
  int late = 0;
  const auto first = e.schedule_at(Time::from_ms(1), [] {});
  e.run();
  e.schedule_at(Time::from_ms(2), [&] { ++late; });  // reuses the freed slot
  CHECK_FALSE(e.cancel(first));
  e.run();
  CHECK(late == 1);
}

TEST_CASE("handlers may schedule at the current instant; those run after what was already due") {
  Engine e;
  std::vector<int> order;
  e.schedule_at(Time::from_ms(10), [&] {
    order.push_back(1);
    e.schedule_in(Duration::from_ms(0), [&] { order.push_back(3); });
  });
  e.schedule_at(Time::from_ms(10), [&] { order.push_back(2); });
  e.run();
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("run_until stops before later events and a second run continues from there") {
  Engine e;
  std::vector<std::int64_t> seen;
  for (int t : {5, 10, 15, 20}) e.schedule_at(Time::from_ms(t), [&] { seen.push_back(e.now().ms()); });
  e.run_until(Time::from_ms(12));
  CHECK(seen == std::vector<std::int64_t>{5, 10});
  CHECK(e.events_pending() == 2);
  e.run();
  CHECK(seen == std::vector<std::int64_t>{5, 10, 15, 20});
}

TEST_CASE("stop() ends the run after the current handler") {
  Engine e;
  int ran = 0;
  e.schedule_at(Time::from_ms(1), [&] {
    ++ran;
    e.stop();
  });
  e.schedule_at(Time::from_ms(2), [&] { ++ran; });
  e.run();
  CHECK(ran == 1);
  CHECK(e.events_pending() == 1);
}

TEST_CASE("many interleaved schedules and cancellations keep exact time order") {
  Engine e;
  std::vector<std::int64_t> times;
  std::vector<dcsim::engine::EventHandle> handles;
  // A deterministic scramble of 0..999 (multiplication by a unit mod 1000).
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t t = (i * 7919) % 1000;
    handles.push_back(e.schedule_at(Time::from_ms(t), [&times, &e] { times.push_back(e.now().ms()); }));
  }
  int cancelled = 0;
  for (std::size_t i = 0; i < handles.size(); i += 3) cancelled += e.cancel(handles[i]) ? 1 : 0;
  e.run();
  CHECK(times.size() == 1000 - static_cast<std::size_t>(cancelled));
  for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i - 1] < times[i]);
}

TEST_CASE("scheduling in the past is a programming error") {
  Engine e;
  e.schedule_at(Time::from_ms(10), [] {});
  e.run();
  CHECK_THROWS_AS(e.schedule_at(Time::from_ms(5), [] {}), std::logic_error);
}

TEST_CASE("a profile applies each dated value at its instant, scheduling one change at a time") {
  Engine e;
  std::vector<std::pair<std::int64_t, double>> applied;
  dcsim::engine::ProfilePlayer<double> p(e, {{Time::from_ms(0), 1.0}, {Time::from_ms(100), 2.0}, {Time::from_ms(250), 3.0}},
                                         [&](const double& v) { applied.emplace_back(e.now().ms(), v); });
  p.start();
  CHECK(applied.size() == 1);  // the value at or before now is applied at once
  CHECK(e.events_pending() == 1);
  e.run();
  CHECK(applied == std::vector<std::pair<std::int64_t, double>>{{0, 1.0}, {100, 2.0}, {250, 3.0}});
}

TEST_CASE("a signal calls every observer in connection order") {
  dcsim::engine::Signal<int> s;
  std::vector<int> calls;
  s.connect([&](int v) { calls.push_back(v); });
  s.connect([&](int v) { calls.push_back(10 * v); });
  s.emit(4);
  CHECK(calls == std::vector<int>{4, 40});
}

TEST_CASE("durations convert to and from seconds on the millisecond grid") {
  CHECK(Duration::from_seconds(1.2345).ms() == 1235);
  CHECK(Duration::hours(2).ms() == 7'200'000);
  CHECK((Time::from_ms(5000) - Time::from_ms(2000)).seconds() == 3.0);
  CHECK(Time::from_ms(1000) + Duration::hours(1) == Time::from_ms(3'601'000));
}

// A lane holds one event beside the heap; the order must be exactly the heap's (time, then the
// order of scheduling), whichever side an event is on.
TEST_CASE("lane events run in the same order as heap events would, ties by scheduling order") {
  // The same script twice: a stream re-arming itself every 10 ms (in a lane, or on the heap) among
  // heap events at equal and other times, scheduled before and after the stream's.
  const auto script = [](bool use_lane) {
    Engine e;
    std::vector<int> order;
    const auto lane = e.add_lane();
    struct Stream {
      Engine* e;
      std::vector<int>* order;
      dcsim::engine::EventQueue::Lane lane;
      bool use_lane;
      int n = 0;
      void arm(Time t) {
        if (use_lane) e->schedule_in_lane(lane, t, [this] { fire(); });
        else e->schedule_at(t, [this] { fire(); });
      }
      void fire() {
        order->push_back(100 + n);
        if (++n < 5) arm(e->now() + Duration::from_ms(10));
        // A heap event at the stream's next instant, scheduled after it: runs after it.
        e->schedule_at(e->now() + Duration::from_ms(10), [o = order, k = n] { o->push_back(200 + k); });
      }
    } stream{&e, &order, lane, use_lane};
    e.schedule_at(Time::from_ms(0), [&] { order.push_back(1); });  // before the stream's first, same instant
    stream.arm(Time::from_ms(0));
    e.schedule_at(Time::from_ms(0), [&] { order.push_back(2); });   // after it, same instant
    e.schedule_at(Time::from_ms(25), [&] { order.push_back(3); });
    e.schedule_at(Time::from_ms(40), [&] { order.push_back(4); });  // equal to the stream's 5th
    e.run();
    return order;
  };
  const std::vector<int> with_lane = script(true);
  CHECK(with_lane == script(false));
  CHECK(with_lane == std::vector<int>{1, 100, 2, 101, 201, 102, 202, 3, 103, 203, 4, 104, 204, 205});
}

TEST_CASE("a lane event can be cancelled, and run_until leaves one beyond its limit pending") {
  Engine e;
  int ran = 0;
  const auto lane = e.add_lane();
  const auto h = e.schedule_in_lane(lane, Time::from_ms(5), [&] { ++ran; });
  CHECK(e.pending(h));
  CHECK(e.cancel(h));
  CHECK_FALSE(e.pending(h));
  CHECK_FALSE(e.cancel(h));
  e.schedule_in_lane(lane, Time::from_ms(50), [&] { ran += 10; });
  e.schedule_at(Time::from_ms(20), [&] { ++ran; });
  e.run_until(Time::from_ms(30));
  CHECK(ran == 1);
  CHECK(e.events_pending() == 1);
  e.run();
  CHECK(ran == 11);
  CHECK(e.now() == Time::from_ms(50));
}

TEST_CASE("the end-of-instant hook runs once per instant, after its last event, and when a run returns") {
  Engine e;
  std::vector<int> log;  // event codes; -t for the hook at instant t (ms)
  struct Context {
    Engine* e;
    std::vector<int>* log;
  } c{&e, &log};
  e.after_each_instant([](void* p) { auto* x = static_cast<Context*>(p); x->log->push_back(-static_cast<int>(x->e->now().ms())); }, &c);
  e.schedule_at(Time::from_ms(10), [&] {
    log.push_back(1);
    e.schedule_at(Time::from_ms(10), [&] { log.push_back(2); });  // same instant: before the hook
  });
  e.schedule_at(Time::from_ms(20), [&] { log.push_back(3); });
  e.schedule_at(Time::from_ms(20), [&] { log.push_back(4); });
  e.schedule_at(Time::from_ms(40), [&] { log.push_back(5); });
  e.run_until(Time::from_ms(30));
  CHECK(log == std::vector<int>{1, 2, -10, 3, 4, -20});
  e.run();
  CHECK(log == std::vector<int>{1, 2, -10, 3, 4, -20, 5, -40});
  e.run();  // nothing ran: no hook
  CHECK(log.size() == 8);
}

TEST_CASE("the end-of-instant hook also runs when stop() ends a run, and may not schedule") {
  Engine e;
  int hooks = 0;
  e.after_each_instant([](void* p) { ++*static_cast<int*>(p); }, &hooks);
  e.schedule_at(Time::from_ms(5), [&] { e.stop(); });
  e.schedule_at(Time::from_ms(9), [] {});
  e.run();
  CHECK(hooks == 1);
  CHECK(e.now() == Time::from_ms(5));

  Engine f;
  f.after_each_instant([](void* p) { static_cast<Engine*>(p)->schedule_in(Duration::from_ms(1), [] {}); }, &f);
  f.schedule_at(Time::from_ms(1), [] {});
  CHECK_THROWS_AS(f.run(), std::logic_error);
}

// The queue against the definition of its order: a sorted set of (time, scheduling order), under
// a long deterministic mix of scheduling (often at equal times and at the instant just taken),
// cancelling, and taking with and without a limit, at sizes from empty to thousands pending.
TEST_CASE("the event queue takes events in (time, scheduling order) under a random mix of operations") {
  using dcsim::engine::Callback;
  using dcsim::engine::EventHandle;
  using dcsim::engine::EventQueue;
  EventQueue q;
  std::set<std::pair<std::int64_t, int>> expected;  // (time, id in scheduling order)
  std::vector<std::pair<EventHandle, std::pair<std::int64_t, int>>> handles;
  std::uint64_t state = 12345;
  const auto draw = [&state](std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  std::int64_t now = 0;
  int next_id = 0, taken = 0, mismatches = 0;
  int ran_id = -1;
  for (int step = 0; step < 200000; ++step) {
    // Phases that grow the queue to thousands and drain it again.
    const bool growing = (step / 20000) % 2 == 0;
    const std::uint64_t op = draw(100);
    if (op < (growing ? 60u : 30u)) {
      const std::uint64_t kind = draw(4);
      const std::int64_t at = kind == 0 ? now : now + static_cast<std::int64_t>(kind == 1 ? draw(3) : draw(kind == 2 ? 1000 : 10'000'000));
      const int id = next_id++;
      handles.push_back({q.push(Time::from_ms(at), [&ran_id, id] { ran_id = id; }), {at, id}});
      expected.insert({at, id});
    } else if (op < (growing ? 65u : 35u) && !handles.empty()) {
      const std::size_t k = draw(handles.size());
      const bool was = expected.erase(handles[k].second) > 0;
      CHECK(q.cancel(handles[k].first) == was);
      handles[k] = handles.back();
      handles.pop_back();
    } else {
      const std::int64_t limit = draw(4) == 0 ? now + static_cast<std::int64_t>(draw(50)) : std::numeric_limits<std::int64_t>::max();
      Time t;
      Callback cb;
      const bool got = q.pop_due(Time::from_ms(limit), t, cb);
      const bool due = !expected.empty() && expected.begin()->first <= limit;
      if (got != due) {
        ++mismatches;
        continue;
      }
      if (!got) continue;
      cb();
      const auto want = *expected.begin();
      expected.erase(expected.begin());
      if (t.ms() != want.first || ran_id != want.second) ++mismatches;
      now = t.ms();
      ++taken;
    }
    if (q.size() != expected.size()) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(taken > 50000);
  while (!expected.empty()) {  // the rest, in order
    Callback cb;
    q.pop(cb);
    cb();
    CHECK(ran_id == expected.begin()->second);
    expected.erase(expected.begin());
  }
  CHECK(q.empty());
}
