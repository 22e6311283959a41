#include "analysis/Compare.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/InputError.hpp"
#include "models/units/Calendar.hpp"

namespace dcsim::analysis {
namespace {

struct BasisField {
  const char* key;
  double Summary::*member;
};
constexpr std::array<BasisField, 6> kBases{{
    {"gross", &Summary::co2e_gross_t},
    {"net", &Summary::co2e_net_t},
    {"given", &Summary::co2e_net_given_t},
    {"hourly", &Summary::co2e_hourly_t},
    {"annual", &Summary::co2e_annual_t},
    {"marginal", &Summary::co2e_marginal_t},
}};

std::string describe_basis(const std::string& key, const Summary& a, const Summary& b) {
  if (key == "gross") return "gross, location-based";
  if (key == "net")
    return a.net_basis == b.net_basis ? fmt::format("net, {} basis", a.net_basis)
                                      : fmt::format("net, {} / {} basis", a.net_basis, b.net_basis);
  if (key == "given") return "given, the published net intensity";
  if (key == "hourly") return "hourly, 24/7 matching";
  if (key == "annual") return "annual matching";
  return "marginal";
}

/// The run's work in FLOPs, with the reasons it is not known (empty when it is).
std::pair<double, std::vector<std::string>> run_flops(const CompareInput& in) {
  const RunFile& r = in.run;
  std::vector<std::string> why;
  double total = 0.0;
  std::size_t missing = 0;
  for (const JobRow& j : r.jobs) {
    if (j.total_flop > 0.0) total += j.total_flop;
    else ++missing;
  }
  if (r.jobs.empty()) why.push_back(fmt::format("{}: no training job ran, so no FLOPs", in.label));
  else if (missing > 0)
    why.push_back(fmt::format("{}: {} of {} job(s) give no FLOPs (a duration, not total_flops or a model)", in.label,
                              missing, r.jobs.size()));
  if (r.summary.jobs_cut > 0.0)
    why.push_back(fmt::format("{}: {} job(s) cut at the horizon did not do all their FLOPs", in.label, r.summary.jobs_cut));
  if (!r.summary.services.empty())
    why.push_back(fmt::format("{}: serves queries, IT energy that no FLOP count covers", in.label));
  return {total, why};
}

void strip_sources(YAML::Node node) {
  if (node.IsMap()) {
    node.remove("source");
    for (auto kv : node) strip_sources(kv.second);
  } else if (node.IsSequence()) {
    for (auto item : node) strip_sources(item);
  }
}

/// The resolved scenario's grid section(s) as canonical text, `source` keys aside; empty when
/// there is none or the text does not parse (never "the same grid" then).
std::string grid_identity(const std::string& scenario_yaml) {
  try {
    const YAML::Node root = YAML::Load(scenario_yaml);
    YAML::Node grids(YAML::NodeType::Sequence);
    if (root["grid"]) grids.push_back(YAML::Clone(root["grid"]));
    else if (root["sites"] && root["sites"].IsSequence())
      for (const auto& site : root["sites"])
        if (site["grid"]) grids.push_back(YAML::Clone(site["grid"]));
    if (grids.size() == 0) return {};
    strip_sources(grids);
    YAML::Emitter out;
    out << grids;
    return out.c_str();
  } catch (const YAML::Exception&) {
    return {};
  }
}

/// When the run's first job started (UTC milliseconds); the scenario start without jobs.
std::int64_t first_start_ms(const RunFile& r) {
  std::int64_t start = 0;
  try {
    start = units::parse_utc_ms(r.info.start_time);
  } catch (const std::exception&) {
    return std::numeric_limits<std::int64_t>::min();
  }
  if (r.jobs.empty()) return start;
  double first_s = r.jobs.front().start_s;
  for (const JobRow& j : r.jobs) first_s = std::min(first_s, j.start_s);
  return start + static_cast<std::int64_t>(std::llround(first_s * 1000.0));
}

void require_energy(const CompareInput& in) {
  const Summary& s = in.run.summary;
  if (!(s.it_energy_mwh > 0.0) || !(s.facility_energy_mwh > 0.0))
    throw InputError(Location{in.label, 0, 0}, "", "the run drew no IT or facility energy: there is nothing to compare");
}

void check_product(double product, double total, const std::string& what) {
  if (!(std::fabs(product / total - 1.0) <= kProductTolerance))
    throw std::logic_error(fmt::format("compare: the factors of {} multiply to {:.17g}, not the ratio {:.17g}", what,
                                       product, total));
}

/// "1.56x less" / "1.56x more" / "the same".
std::string times(double r) {
  const auto x = [](double v) {
    return v >= 100.0 ? fmt::format("{:.0f}x", v) : v >= 10.0 ? fmt::format("{:.1f}x", v) : fmt::format("{:.2f}x", v);
  };
  if (std::fabs(r - 1.0) < 5e-4) return "the same";
  return r > 1.0 ? x(r) + " less" : x(1.0 / r) + " more";
}

std::string num(double v) { return fmt::format("{:.5g}", v); }

/// The factors whose product is the facility energy ratio: model, machine and mechanization, or
/// IT energy and mechanization when the FLOPs are unknown.
nlohmann::ordered_json energy_factors(const Comparison& c) {
  nlohmann::ordered_json f;
  if (c.flops_known) {
    f["model"] = c.model();
    f["machine"] = c.machine();
  } else {
    f["it_energy"] = c.it_energy_kwh.value();
  }
  f["mechanization"] = c.mechanization();
  return f;
}

std::string factor_cell(double v, bool known) { return known ? fmt::format("{:>10.4g}", v) : fmt::format("{:>10}", "-"); }

}  // namespace

Comparison compare(const CompareInput& a, const CompareInput& b) {
  require_energy(a);
  require_energy(b);
  const Summary& sa = a.run.summary;
  const Summary& sb = b.run.summary;
  Comparison c;
  c.label_a = a.label;
  c.label_b = b.label;
  c.scenario_a = a.run.info.scenario_name;
  c.scenario_b = b.run.info.scenario_name;

  const auto [flop_a, why_a] = run_flops(a);
  const auto [flop_b, why_b] = run_flops(b);
  c.flops_notes = why_a;
  c.flops_notes.insert(c.flops_notes.end(), why_b.begin(), why_b.end());
  c.flops_known = c.flops_notes.empty();

  c.it_energy_kwh = Ratio{sa.it_energy_mwh * 1e3, sb.it_energy_mwh * 1e3};
  c.facility_energy_kwh = Ratio{sa.facility_energy_mwh * 1e3, sb.facility_energy_mwh * 1e3};
  c.pue = Ratio{c.facility_energy_kwh.a / c.it_energy_kwh.a, c.facility_energy_kwh.b / c.it_energy_kwh.b};
  if (c.flops_known) {
    c.flop = Ratio{flop_a, flop_b};
    constexpr double kPjPerKwh = 3.6e6 * 1e12;
    c.it_energy_per_flop_pj = Ratio{c.it_energy_kwh.a * kPjPerKwh / flop_a, c.it_energy_kwh.b * kPjPerKwh / flop_b};
  }

  const std::string grid_a = grid_identity(a.run.info.scenario_yaml);
  c.timing = !grid_a.empty() && grid_a == grid_identity(b.run.info.scenario_yaml) &&
             first_start_ms(a.run) != first_start_ms(b.run);

  const double energy_factors = c.flops_known ? c.model() * c.machine() : c.it_energy_kwh.value();
  check_product(energy_factors * c.mechanization(), c.facility_energy_kwh.value(), "the facility energy");
  for (const BasisField& f : kBases) {
    const double ta = sa.*f.member, tb = sb.*f.member;
    if (std::isnan(ta) && std::isnan(tb)) continue;
    if (std::isnan(ta) || std::isnan(tb)) {
      c.notes.push_back(fmt::format("{}: only {} reports this basis", f.key, std::isnan(ta) ? c.label_b : c.label_a));
      continue;
    }
    if (!(ta > 0.0) || !(tb > 0.0)) {
      c.notes.push_back(fmt::format("{}: {} emits no CO2e under this basis, so there is no ratio", f.key,
                                    ta > 0.0 ? c.label_b : c.label_a));
      continue;
    }
    BasisDecomposition d;
    d.basis = f.key;
    d.description = describe_basis(f.key, sa, sb);
    d.co2e_t = Ratio{ta, tb};
    d.intensity_g_per_kwh = Ratio{ta * 1e6 / c.facility_energy_kwh.a, tb * 1e6 / c.facility_energy_kwh.b};
    d.product = energy_factors * c.mechanization() * d.intensity_g_per_kwh.value();
    check_product(d.product, d.co2e_t.value(), d.description + " CO2e");
    c.bases.push_back(std::move(d));
  }
  return c;
}

std::string format_comparison(const Comparison& c) {
  std::string out = fmt::format("A  {}  (scenario '{}')\nB  {}  (scenario '{}')\n", c.label_a, c.scenario_a, c.label_b,
                                c.scenario_b);
  out += "A / B: A's figure over B's; \"Nx less\": what B needs or emits against A\n\n";
  out += fmt::format("  {:<14} {:<34} {:>12} {:>12} {:>10}\n", "factor", "figure", "A", "B", "A / B");
  const auto row = [&out](const char* factor, const std::string& figure, const Ratio& r, const std::string& says) {
    out += fmt::format("  {:<14} {:<34} {:>12} {:>12} {:>10.4g}   {}\n", factor, figure, num(r.a), num(r.b), r.value(), says);
  };
  if (c.flops_known) {
    row("model", "FLOPs", c.flop, "B needs " + times(c.model()) + " computation");
    row("machine", "IT energy per FLOP (pJ)", c.it_energy_per_flop_pj,
        "B's machine uses " + times(c.machine()) + " IT energy per FLOP");
  } else {
    row("IT energy", "IT energy (kWh)", c.it_energy_kwh,
        "B uses " + times(c.it_energy_kwh.value()) + " IT energy (model and machine together)");
  }
  row("mechanization", "PUE (facility / IT energy)", c.pue,
      "B's datacentre draws " + times(c.mechanization()) + " energy per IT kWh");
  for (const BasisDecomposition& d : c.bases)
    row(c.last_factor(), "CO2e per kWh (g), " + d.basis, d.intensity_g_per_kwh,
        fmt::format("B's {}: {} CO2e per kWh", c.timing ? "hours" : "electricity", times(d.intensity_g_per_kwh.value())));
  out += "\n";
  if (c.flops_known) row("", "IT energy (kWh)", c.it_energy_kwh, "model x machine");
  row("", "facility energy (kWh)", c.facility_energy_kwh, "B uses " + times(c.facility_energy_kwh.value()) + " energy");
  for (const BasisDecomposition& d : c.bases)
    row("", "CO2e (t), " + d.basis, d.co2e_t, "B emits " + times(d.co2e_t.value()) + " CO2e (" + d.description + ")");

  out += fmt::format("\nCO2e ratio A / B = {} x mechanization x {} (the product equals the ratio to 1e-9)\n",
                     c.flops_known ? "model x machine" : "IT energy", c.last_factor());
  out += fmt::format("  {:<36} {:>10} {:>10} {:>10} {:>14} {:>10} {:>12}\n", "basis", "model", "machine", "IT energy",
                     "mechanization", c.last_factor(), "= A / B");
  for (const BasisDecomposition& d : c.bases)
    out += fmt::format("  {:<36} {} {} {:>10.4g} {:>14.4g} {:>10.4g} {:>12.5g}\n", d.description,
                       factor_cell(c.flops_known ? c.model() : 0.0, c.flops_known),
                       factor_cell(c.flops_known ? c.machine() : 0.0, c.flops_known), c.it_energy_kwh.value(),
                       c.mechanization(), d.intensity_g_per_kwh.value(), d.co2e_t.value());
  for (const std::string& n : c.flops_notes) out += "  FLOPs unknown: " + n + "; model and machine are one factor\n";
  if (c.timing) out += "  same grid, different start: the last factor is timing (when the energy was drawn)\n";
  for (const std::string& n : c.notes) out += "  left out: " + n + "\n";
  return out;
}

nlohmann::ordered_json comparison_json(const Comparison& c) {
  const auto side = [&c](bool first) {
    const auto pick = [first](const Ratio& r) { return first ? r.a : r.b; };
    nlohmann::ordered_json j;
    j["file"] = first ? c.label_a : c.label_b;
    j["scenario"] = first ? c.scenario_a : c.scenario_b;
    if (c.flops_known) {
      j["total_flop"] = pick(c.flop);
      j["it_energy_per_flop_pj"] = pick(c.it_energy_per_flop_pj);
    }
    j["it_energy_kwh"] = pick(c.it_energy_kwh);
    j["facility_energy_kwh"] = pick(c.facility_energy_kwh);
    j["pue"] = pick(c.pue);
    nlohmann::ordered_json co2e, intensity;
    for (const BasisDecomposition& d : c.bases) {
      co2e[d.basis] = pick(d.co2e_t);
      intensity[d.basis] = pick(d.intensity_g_per_kwh);
    }
    j["co2e_t"] = std::move(co2e);
    j["co2e_g_per_kwh"] = std::move(intensity);
    return j;
  };
  nlohmann::ordered_json j;
  j["a"] = side(true);
  j["b"] = side(false);
  j["flops_known"] = c.flops_known;
  j["flops_notes"] = c.flops_notes;
  j["last_factor"] = c.last_factor();
  nlohmann::ordered_json energy = energy_factors(c);
  energy["energy"] = c.facility_energy_kwh.value();
  j["energy_factors"] = std::move(energy);
  nlohmann::ordered_json bases = nlohmann::ordered_json::array();
  for (const BasisDecomposition& d : c.bases) {
    nlohmann::ordered_json b;
    b["basis"] = d.basis;
    b["description"] = d.description;
    nlohmann::ordered_json f = energy_factors(c);
    f[c.last_factor()] = d.intensity_g_per_kwh.value();
    b["factors"] = std::move(f);
    b["product"] = d.product;
    b["ratio"] = d.co2e_t.value();
    bases.push_back(std::move(b));
  }
  j["bases"] = std::move(bases);
  j["notes"] = c.notes;
  return j;
}

Chain compare_chain(const std::vector<CompareInput>& runs) {
  if (runs.size() < 2) throw std::invalid_argument("compare_chain needs at least two runs");
  Chain chain;
  for (const CompareInput& r : runs) chain.labels.push_back(r.label);
  for (std::size_t k = 0; k + 1 < runs.size(); ++k) chain.steps.push_back(compare(runs[k], runs[k + 1]));
  chain.overall = compare(runs.front(), runs.back());
  for (const BasisDecomposition& d : chain.overall.bases) {
    Chain::Running running{d.basis, d.description, {}};
    double product = 1.0;
    for (const Comparison& step : chain.steps) {
      const auto it = std::find_if(step.bases.begin(), step.bases.end(), [&d](const auto& s) { return s.basis == d.basis; });
      if (it == step.bases.end()) break;
      product *= it->co2e_t.value();
      running.after_step.push_back(product);
    }
    if (running.after_step.size() != chain.steps.size()) continue;  // a run in between does not report it
    check_product(product, d.co2e_t.value(), "the chain's " + d.description + " CO2e");
    chain.running.push_back(std::move(running));
  }
  return chain;
}

std::string format_chain(const Chain& chain) {
  std::string out = fmt::format("Chain of {} runs: each step decomposed, and the running product of the step ratios\n",
                                chain.labels.size());
  for (std::size_t k = 0; k < chain.labels.size(); ++k) {
    const Comparison& c = k + 1 < chain.labels.size() ? chain.steps[k] : chain.steps.back();
    out += fmt::format("  {}  {}  (scenario '{}')\n", k + 1, chain.labels[k],
                       k + 1 < chain.labels.size() ? c.scenario_a : c.scenario_b);
  }
  const auto header = [&out](const char* what) {
    out += fmt::format("\n{}\n  {:<8} {:>10} {:>10} {:>10} {:>14} {:>10} {:>12} {:>12}\n", what, "step", "model", "machine",
                       "IT energy", "mechanization", "map/timing", "step A / B", "running");
  };
  const auto line = [&out](const std::string& step, const Comparison& c, double last, double ratio, double running,
                           const char* last_name) {
    out += fmt::format("  {:<8} {} {} {:>10.4g} {:>14.4g} {} {:>12.5g} {:>12.5g}{}\n", step,
                       factor_cell(c.flops_known ? c.model() : 0.0, c.flops_known),
                       factor_cell(c.flops_known ? c.machine() : 0.0, c.flops_known), c.it_energy_kwh.value(),
                       c.mechanization(), factor_cell(last, !std::isnan(last)), ratio, running, last_name);
  };
  {
    header("facility energy (no map factor)");
    double running = 1.0;
    for (std::size_t k = 0; k < chain.steps.size(); ++k) {
      const Comparison& c = chain.steps[k];
      running *= c.facility_energy_kwh.value();
      line(fmt::format("{} -> {}", k + 1, k + 2), c, std::nan(""), c.facility_energy_kwh.value(), running, "");
    }
  }
  for (const Chain::Running& r : chain.running) {
    header(("CO2e, " + r.description).c_str());
    for (std::size_t k = 0; k < chain.steps.size(); ++k) {
      const Comparison& c = chain.steps[k];
      const auto d = std::find_if(c.bases.begin(), c.bases.end(), [&r](const auto& b) { return b.basis == r.basis; });
      line(fmt::format("{} -> {}", k + 1, k + 2), c, d->intensity_g_per_kwh.value(), d->co2e_t.value(), r.after_step[k],
           c.timing ? "  (timing)" : "");
    }
  }
  out += fmt::format("\nFirst against last (1 -> {})\n", chain.labels.size());
  out += format_comparison(chain.overall);
  return out;
}

nlohmann::ordered_json chain_json(const Chain& chain) {
  nlohmann::ordered_json j;
  j["runs"] = chain.labels;
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  for (const Comparison& c : chain.steps) steps.push_back(comparison_json(c));
  j["steps"] = std::move(steps);
  j["overall"] = comparison_json(chain.overall);
  nlohmann::ordered_json running = nlohmann::ordered_json::array();
  for (const Chain::Running& r : chain.running) {
    nlohmann::ordered_json o;
    o["basis"] = r.basis;
    o["description"] = r.description;
    o["after_step"] = r.after_step;
    running.push_back(std::move(o));
  }
  j["running"] = std::move(running);
  return j;
}

}  // namespace dcsim::analysis
