// The tone law's defaults reproduce the measurement they were calibrated on
// (scenarios/calibration/eriksson_crommert_2015.toml, fitted by fit_tone.py):
// Eriksson Crommert 2015, 7 minutes of moderate massage lower the massaged
// muscle's shear modulus by 5.2 % (the band: +/- 2 points), and 3 minutes
// later it is within 1 % of its baseline. The run uses cycle jumps; their error on
// this scenario's region metrics is 0.32 % at most (docs/engine.md), far inside the band.
#include "engine/sim/simulation.hpp"
#include "engine/sim/tissue_metrics.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

using namespace backsim;

namespace {

// Keeps the massaged region's shear modulus at every frame.
class ModulusRecorder : public SimulationObserver {
 public:
  ModulusRecorder(const Model& m, std::size_t region)
      : region_(region), metrics_(make_region_metrics(m)), scratch_(static_cast<std::size_t>(m.mesh.tet_count())) {}
  void on_frame(const Model& m, const State& s) override {
    measure_regions(m, s, scratch_, metrics_);
    modulus[s.time] = metrics_.shear_modulus[region_];
  }
  void on_step(const Model&, const State&, const StepStats&) override {}
  std::map<double, double> modulus;  // time (s) -> Pa

 private:
  std::size_t region_;
  RegionMetrics metrics_;
  std::vector<double> scratch_;
};

double at(const std::map<double, double>& series, double t) {
  const auto it = series.lower_bound(t - 1e-6);
  REQUIRE(it != series.end());
  REQUIRE(std::abs(it->first - t) < 1e-6);  // a frame exactly there (the scenario's timing)
  return it->second;
}

}  // namespace

TEST_CASE("default tone parameters reproduce Eriksson Crommert 2015 on the coarse back",
          "[models][physiology][calibration]") {
  const Scenario s = load_scenario_file(BACKSIM_SOURCE_DIR "/scenarios/calibration/eriksson_crommert_2015.toml");
  const Model m = build_model(scenario_model_inputs(s));
  const auto& names = m.mesh.region_names;
  const auto region = static_cast<std::size_t>(
      std::find(names.begin(), names.end(), "erector_spinae_lumbar_left") - names.begin());
  REQUIRE(region < names.size());

  State state = initial_state(m);
  Scratch w = make_scratch(m);
  ModulusRecorder recorder(m, region);
  const SimulationSummary summary = run_simulation(m, state, w, recorder);
  REQUIRE(summary.jumped_cycles > 0);

  const double baseline = at(recorder.modulus, 10.0);
  const double after = at(recorder.modulus, 430.0);
  const double later = at(recorder.modulus, 610.0);
  const double drop = 100.0 * (baseline - after) / baseline;
  const double recovered = 100.0 * (later - baseline) / baseline;
  INFO("baseline " << baseline << " Pa, after 7 min " << after << " Pa (-" << drop << " %), 3 min later "
                   << later << " Pa (" << recovered << " %)");
  CHECK(drop >= 3.2);  // 5.2 +/- 2 percentage points (the band)
  CHECK(drop <= 7.2);
  CHECK(std::abs(recovered) <= 1.0);  // within 1 % of the baseline 3 minutes later
}
