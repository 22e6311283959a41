#pragma once
// Server and rack power from utilisation, with power caps (code in PowerCurve.cpp).
//
// Scope: a server of `accelerators` identical accelerators plus a host (CPUs, memory, NICs, fans,
// storage), and a rack of identical servers plus its top-of-rack switch.
// Equations:
//   server (uncapped)  P_s(u_a, u_h) = n x accel_curve.power_w(u_a, accel_idle_w, accel_max_w)
//                                      + host_curve.power_w(u_h, host_idle_w, host_max_w)
//   server             P = min(P_s, cap_w) when cap_w > 0 (capped reported when P_s > cap_w)
//   rack               P_r = min(servers x P + switch_w, cap_w) when cap_w > 0
// The curves give the shape only: the idle and max powers are the ServerModel's own fields (a
// table curve is rescaled to them by its shape). Powers are component (DC) power, i.e. the
// output of the servers' power supplies; PSU losses belong to the power-delivery tree
// (models/power/PowerTree.hpp, a per-rack PSU stage).
// A cap is a limit the operator enforces (RAPL, nvidia-smi -pl, rack power capping); here it
// clips instantly and is reported, it does not slow the work down (that is for the workload).
//
// The paper path: a job that states its measured system power per accelerator (Patterson et al.
// 2021, Tables 3 and 4: average wall power per accelerator including its share of host, memory,
// network and fans) bypasses these curves entirely: IT power = chips x measured W, constant.
// That figure is measured at the wall, so it already includes PSU losses; a scenario combining
// it with the power-delivery tree should give racks a lossless PSU stage.
// Validation: tests/models/test_power_curve.cpp (hand-computed server and rack powers, caps).
// Limitations: one utilisation per device class; identical servers per rack; no idle power states
// (sleep, off), no PSU redundancy inside the server (modelled at the rack PSU stage).

#include "models/hardware/PowerCurve.hpp"

namespace dcsim::models {

struct ServerModel {
  int accelerators = 0;
  double accel_idle_w = 0.0;
  double accel_max_w = 0.0;
  PowerCurve accel_curve;  ///< shape only; its own idle/max are not used
  double host_idle_w = 0.0;
  double host_max_w = 0.0;
  PowerCurve host_curve;   ///< shape only
  double cap_w = 0.0;      ///< server power cap, 0 = none

  /// Power with accelerators at u_accel and host at u_host, before the cap.
  double uncapped_power_w(double u_accel, double u_host) const;
  /// Capped power; `capped` is set to whether the cap clipped it.
  double power_w(double u_accel, double u_host, bool& capped) const;
  /// Accelerators and host at the same utilisation u.
  double power_w(double u, bool& capped) const;
};

/// A rack's power and which caps clipped it.
struct RackPower {
  double power_w = 0.0;
  bool server_capped = false;
  bool rack_capped = false;
  bool capped() const { return server_capped || rack_capped; }
};

struct RackModel {
  int servers = 0;
  double switch_w = 0.0;  ///< top-of-rack switch and other fixed rack load
  double cap_w = 0.0;     ///< rack power cap, 0 = none

  /// All servers at utilisation u.
  RackPower power(const ServerModel& server, double u) const;
  double power_w(const ServerModel& server, double u, bool& capped) const;
};

/// First problem with a server or rack description, empty when valid (counts >= 0, powers
/// finite and >= 0, idle <= max, caps >= 0, valid curves).
std::string check_server(const ServerModel& server);
std::string check_rack(const RackModel& rack);

}  // namespace dcsim::models
