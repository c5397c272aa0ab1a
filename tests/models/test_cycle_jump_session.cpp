// Cycle jumps on the coarse back (issue 9's acceptance, on a short session): a
// session of effleurage and rest, run with and without cycle jumps, ends with the
// same region metrics to 2 % (relative).
#include "engine/sim/simulation.hpp"
#include "engine/sim/tissue_metrics.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace backsim;

namespace {

class Quiet : public SimulationObserver {
 public:
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats&) override {}
};

struct SessionEnd {
  RegionMetrics before, after;
  SimulationSummary summary;
};

// The calibration stroke (eriksson_crommert_2015.toml), 16 strokes (80 s) and 30 s of rest.
SessionEnd run_session(bool jumps) {
  Scenario s = load_scenario_file(BACKSIM_SOURCE_DIR "/scenarios/calibration/eriksson_crommert_2015.toml");
  s.spec.motion.repetitions = 16;
  s.spec.solver.duration = 10.0 + 16 * 5.0 + 30.0;
  s.spec.solver.cycle_jump = jumps;
  const Model m = build_model(scenario_model_inputs(s));
  State state = initial_state(m);
  Scratch w = make_scratch(m);
  std::vector<double> tet_scratch(static_cast<std::size_t>(m.mesh.tet_count()));
  SessionEnd end{make_region_metrics(m), make_region_metrics(m), {}};
  // "before": the settled back at the first press, solved alike in both runs
  class Before : public Quiet {
   public:
    Before(SessionEnd& e, std::vector<double>& scratch) : e_(e), scratch_(scratch) {}
    void on_frame(const Model& m, const State& s) override {
      if (std::abs(s.time - 10.0) < 1e-9) measure_regions(m, s, scratch_, e_.before);
    }

   private:
    SessionEnd& e_;
    std::vector<double>& scratch_;
  } observer(end, tet_scratch);
  end.summary = run_simulation(m, state, w, observer);
  measure_regions(m, state, tet_scratch, end.after);
  return end;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

}  // namespace

TEST_CASE("cycle jumps on the coarse back end a session within 2 % of the fully solved one",
          "[models][physiology][cycle_jump]") {
  const SessionEnd full = run_session(false);
  const SessionEnd fast = run_session(true);
  INFO("steps solved: " << full.summary.steps << " without jumps, " << fast.summary.steps << " with ("
                        << fast.summary.jumped_cycles << " cycles replayed)");
  REQUIRE(fast.summary.jumped_cycles > 0);
  // replays replace > 40 % of the solves of this short session (86 % over 10 minutes, docs/engine.md)
  CHECK(fast.summary.steps < 0.6 * full.summary.steps);
  const std::size_t regions = full.after.volume.size();
  std::size_t compared = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    INFO("region " << r);
    CHECK(relative(fast.after.mean_tone[r], full.after.mean_tone[r]) <= 0.02);
    CHECK(relative(fast.after.shear_modulus[r], full.after.shear_modulus[r]) <= 0.02);
    CHECK(relative(fast.after.perfusion_index[r], full.after.perfusion_index[r]) <= 0.02);
    if (full.after.flushed_volume[r] > 1e-8) {  // regions the strokes reached (> 0.01 mL)
      CHECK(relative(fast.after.flushed_volume[r], full.after.flushed_volume[r]) <= 0.02);
    }
    // the effects themselves, where there is one to compare (> 0.5 %)
    const double relief_full = tension_relief_percent(full.before.active_tension[r], full.after.active_tension[r]);
    const double relief_fast = tension_relief_percent(fast.before.active_tension[r], fast.after.active_tension[r]);
    if (std::abs(relief_full) > 0.5) {
      ++compared;
      INFO("relief " << relief_fast << " % with jumps, " << relief_full << " % without");
      CHECK(relative(relief_fast, relief_full) <= 0.02);
      const double mu_full = full.after.shear_modulus[r] / full.before.shear_modulus[r] - 1.0;
      const double mu_fast = fast.after.shear_modulus[r] / fast.before.shear_modulus[r] - 1.0;
      CHECK(relative(mu_fast, mu_full) <= 0.02);
    }
  }
  CHECK(compared >= 2);  // at least the massaged erector spinae and multifidus
}
