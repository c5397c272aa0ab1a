#include "cli/tissue_outputs.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace backsim::cli {

namespace {

// Region series written per frame, in this order (RegionMetrics members).
struct RegionSeries {
  const char* name;
  std::vector<double> RegionMetrics::*values;
  const char* units;
  const char* description;
};
const RegionSeries kRegionSeries[] = {
    {"mean_tone", &RegionMetrics::mean_tone, "1", "volume-weighted mean muscle tone (activation)"},
    {"active_tension", &RegionMetrics::active_tension, "N",
     "active fibre force: volume integral of the active fibre stress over the region's fibre length"},
    {"shear_modulus", &RegionMetrics::shear_modulus, "Pa",
     "elastography-equivalent shear modulus along the fibres (instantaneous), volume-weighted mean"},
    {"perfusion_index", &RegionMetrics::perfusion_index, "1", "arterial inflow over its baseline"},
    {"flushed_volume", &RegionMetrics::flushed_volume, "m^3", "blood expelled by compression so far"},
};

}  // namespace

TissueOutputs::TissueOutputs(const Model& model)
    : model_(model), now_(make_region_metrics(model)), first_(now_), zeros_(model.mesh.tet_count(), 0.0),
      ones_(model.mesh.tet_count(), 1.0), relief_(now_.volume.size(), 0.0) {}

std::vector<FrameFieldSpec> TissueOutputs::frame_fields() const {
  const std::size_t tets = model_.mesh.tet_count();
  const std::size_t regions = now_.volume.size();
  std::vector<FrameFieldSpec> f = {
      {"/fields/tone", tets, "1", "muscle tone (activation) per tet; 0 outside muscle"},
      {"/fields/stimulus_dose", tets, "J/m^3", "accumulated change of deviatoric strain energy per tet"},
      {"/fields/pressure", tets, "Pa", "hydrostatic pressure -tr(sigma)/3 per tet"},
      {"/fields/perfusion_index", tets, "1", "arterial inflow over its baseline per tet (1 without circulation)"},
      {"/fields/flushed_volume", tets, "1", "blood expelled so far per tissue volume (m^3/m^3)"},
  };
  for (const RegionSeries& s : kRegionSeries)
    f.push_back({std::string("/metrics/regions/") + s.name, regions, s.units, s.description});
  f.push_back({"/metrics/regions/tension_relief_percent", regions, "%",
               "drop of the active fibre tension since the motion's start (0 before it)"});
  return f;
}

std::vector<NamedArray> TissueOutputs::checkpoint_arrays() const {
  std::vector<NamedArray> out{{"have_first", {have_first_ ? 1.0 : 0.0}}};
  for (const RegionSeries& s : kRegionSeries) out.push_back({std::string("first_") + s.name, first_.*(s.values)});
  return out;
}

void TissueOutputs::restore(const std::vector<NamedArray>& arrays) {
  const auto find = [&](const std::string& name, std::size_t size) -> const std::vector<double>& {
    for (const NamedArray& a : arrays)
      if (a.name == name && a.values.size() == size) return a.values;
    throw InvalidInput(fmt::format("checkpoint: the run metrics {} ({} values) are missing", name, size));
  };
  have_first_ = find("have_first", 1)[0] != 0.0;
  for (const RegionSeries& s : kRegionSeries) {
    std::vector<double>& v = first_.*(s.values);
    v = find(std::string("first_") + s.name, v.size());
  }
}

bool TissueOutputs::reached_start(const State& state) const {
  return !have_first_ && state.time >= model_.motion.start_time() - 1e-9;
}

void TissueOutputs::at_step(const State& state) {
  if (!reached_start(state)) return;
  measure_regions(model_, state, tet_scratch_, first_);
  have_first_ = true;
}

std::vector<std::span<const double>> TissueOutputs::frame(const State& state) {
  measure_regions(model_, state, tet_scratch_, now_);
  // "before": the state at the motion's start time (the back settled under gravity
  // rather than the unloaded reference shape of t = 0), taken by at_step at the step
  // that reaches it. Not the first frame at or after it: frames fall where the output
  // interval is crossed, and a run with cycle jumps crosses it at other times than
  // one that solves every step (docs/output.md: both fell in mid-stroke, and the
  // reliefs they reported were 23 % apart, the physics agreeing to 0.1 %). Here only
  // for a motion starting at t = 0: the first frame.
  if (reached_start(state)) {
    first_ = now_;
    have_first_ = true;
  }
  for (std::size_t r = 0; r < relief_.size(); ++r)
    relief_[r] = have_first_ ? tension_relief_percent(first_.active_tension[r], now_.active_tension[r]) : 0.0;
  const TissueState& ts = state.tissue;
  const bool circ = model_.has_circulation();
  std::vector<std::span<const double>> out = {
      ts.activation.empty() ? std::span<const double>(zeros_) : std::span<const double>(ts.activation),
      ts.stimulus_dose,
      ts.pressure,
  };
  if (circ) {
    out.push_back(state.circulation.perfusion_index);
    out.push_back(state.circulation.flushed_volume);
  } else {
    out.push_back(ones_);
    out.push_back(zeros_);
  }
  for (const RegionSeries& s : kRegionSeries) out.push_back(now_.*(s.values));
  out.push_back(relief_);
  return out;
}

void TissueOutputs::write_summary(RunWriter& writer, const State& state) const {
  const RegionMetrics& before = have_first_ ? first_ : now_;  // a run that ended before the motion started
  const std::size_t regions = now_.volume.size();
  writer.write_strings("/metrics/summary/region_names", model_.mesh.region_names, "region id i's name");
  for (const RegionSeries& s : kRegionSeries) {
    writer.write_dataset(std::string("/metrics/summary/") + s.name + "_before", before.*(s.values), 0, s.units,
                         std::string(s.description) + ", at the motion's start (first frame at or after motion.start_time)");
    writer.write_dataset(std::string("/metrics/summary/") + s.name + "_after", now_.*(s.values), 0, s.units,
                         std::string(s.description) + ", last frame");
  }
  std::vector<double> relief(regions), modulus_change(regions);
  for (std::size_t r = 0; r < regions; ++r) {
    relief[r] = tension_relief_percent(before.active_tension[r], now_.active_tension[r]);
    modulus_change[r] =
        before.shear_modulus[r] > 0 ? 100.0 * (now_.shear_modulus[r] - before.shear_modulus[r]) / before.shear_modulus[r]
                                    : 0.0;
  }
  writer.write_dataset("/metrics/summary/tension_relief_percent", relief, 0, "%",
                       "drop of the active fibre tension from the motion's start to the last frame");
  writer.write_dataset("/metrics/summary/shear_modulus_change_percent", modulus_change, 0, "%",
                       "change of the elastography shear modulus from the motion's start to the last frame");
  const RunTotals& t = state.totals;
  std::vector<double> per_work(regions);
  for (std::size_t r = 0; r < regions; ++r) per_work[r] = relief_per_kilojoule(relief[r], t.therapist_work);
  writer.write_dataset("/metrics/summary/relief_per_kilojoule", per_work, 0, "%/kJ",
                       "tension relief per kJ of therapist work (0 when the tool did no work)");
  const auto scalar = [&](const char* name, double v, const char* units, const char* what) {
    writer.write_dataset(std::string("/metrics/run/") + name, std::span<const double>(&v, 1), 0, units, what);
  };
  scalar("therapist_work", t.therapist_work, "J", "positive mechanical work of the tool on the tissue");
  scalar("net_work", t.net_work, "J", "work of the tool on the tissue, negative parts included");
  scalar("peak_bone_pressure", t.peak_bone_pressure, "Pa", "largest normal pressure on the held (bone) surface");
  scalar("peak_principal_strain", t.peak_principal_strain, "1", "largest principal Green-Lagrange strain");
  write_zone_loads(writer, t);
}

// /metrics/zones: the tool's load on each marked zone (injury zones, the spine).
void TissueOutputs::write_zone_loads(RunWriter& writer, const RunTotals& t) const {
  if (model_.zones.empty()) return;
  std::vector<std::string> names;
  for (const ZoneSpec& z : model_.zones) names.push_back(z.name);
  writer.write_strings("/metrics/zones/names", names, "name of zone i ([[zone]] of the scenario)");
  const auto series = [&](const char* name, double ZoneLoad::*field, const char* units, const char* what) {
    std::vector<double> v;
    for (const ZoneLoad& z : t.zones) v.push_back(z.*field);
    writer.write_dataset(std::string("/metrics/zones/") + name, v, 0, units, what);
  };
  series("peak_force", &ZoneLoad::peak_force, "N", "largest contact force of the tool on the zone in a step");
  series("peak_pressure", &ZoneLoad::peak_pressure, "Pa", "largest contact pressure of the tool at a point of the zone");
  series("impulse", &ZoneLoad::impulse, "N s", "contact force on the zone integrated over the run");
  series("contact_time", &ZoneLoad::contact_time, "s", "time the tool touched the zone");
}

void TissueOutputs::print_summary(const State& state) const {
  const RegionMetrics& before = have_first_ ? first_ : now_;
  const RunTotals& t = state.totals;
  fmt::print("  work           {:.3g} J by the tool (net {:.3g} J)\n", t.therapist_work, t.net_work);
  fmt::print("  peak on bone   {:.3g} kPa; peak principal strain {:.3g}\n", 1e-3 * t.peak_bone_pressure,
             t.peak_principal_strain);
  for (std::size_t z = 0; z < t.zones.size(); ++z)
    fmt::print("  zone {:<9} peak {:.3g} N, {:.3g} kPa; {:.3g} N s over {:.3g} s of contact\n",
               model_.zones[z].name, t.zones[z].peak_force, 1e-3 * t.zones[z].peak_pressure, t.zones[z].impulse,
               t.zones[z].contact_time);
  bool header = false;
  for (std::size_t r = 0; r < now_.volume.size(); ++r) {
    const bool muscle = model_.materials[r].active.max_stress > 0 && before.active_tension[r] > 0;
    const bool circ = model_.has_circulation() && now_.flushed_volume[r] > 0;
    if (!muscle && !circ) continue;
    if (!header) {
      fmt::print("  {:<30} {:>7} {:>9} {:>10} {:>9} {:>7} {:>10}\n", "region", "tone", "relief %", "%/kJ",
                 "mu kPa", "perf.", "flushed mL");
      header = true;
    }
    const double relief = tension_relief_percent(before.active_tension[r], now_.active_tension[r]);
    fmt::print("  {:<30} {:>7.4f} {:>9.2f} {:>10.3g} {:>9.3f} {:>7.2f} {:>10.3f}\n", model_.mesh.region_names[r],
               now_.mean_tone[r], relief, relief_per_kilojoule(relief, t.therapist_work),
               1e-3 * now_.shear_modulus[r], now_.perfusion_index[r], 1e6 * now_.flushed_volume[r]);
  }
}

}  // namespace backsim::cli
