// Cycle jumps on the coarse back (issue 9's acceptance, on short sessions): a
// session of effleurage and rest, run with and without cycle jumps, ends with the
// same region metrics to 2 % (relative); so does the Swedish protocol's sequence of
// strokes (with friction circles replayed within their cycles) against every cycle
// solved on the same steps.
#include "engine/contact/tool_motion.hpp"
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
Scenario calibration_session(bool jumps) {
  Scenario s = load_scenario_file(BACKSIM_SOURCE_DIR "/scenarios/calibration/eriksson_crommert_2015.toml");
  s.spec.motion.repetitions = 16;
  s.spec.solver.duration = 10.0 + 16 * 5.0 + 30.0;
  s.spec.solver.cycle_jump = jumps;
  return s;
}

SessionEnd run_session(const Scenario& s) {
  const Model m = build_model(scenario_model_inputs(s));
  State state = initial_state(m);
  Scratch w = make_scratch(m);
  std::vector<double> tet_scratch(static_cast<std::size_t>(m.mesh.tet_count()));
  SessionEnd end{make_region_metrics(m), make_region_metrics(m), {}};
  // "before": the settled back at the first press, solved alike in both runs
  class Before : public Quiet {
   public:
    Before(SessionEnd& e, std::vector<double>& scratch) : e_(e), scratch_(scratch) {}
    void on_step(const Model& m, const State& s, const StepStats&) override {
      if (std::abs(s.time - m.motion.start_time()) < 1e-9) measure_regions(m, s, scratch_, e_.before);
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

// Every region metric of `fast` within 2 % of `full`'s, and the relief and shear-modulus
// change where the relief exceeds 0.5 %; returns how many regions had such an effect.
std::size_t check_within_2_percent(const SessionEnd& fast, const SessionEnd& full) {
  const std::size_t regions = full.after.volume.size();
  std::size_t compared = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    INFO("region " << r);
    CHECK(relative(fast.after.mean_tone[r], full.after.mean_tone[r]) <= 0.02);
    CHECK(relative(fast.after.shear_modulus[r], full.after.shear_modulus[r]) <= 0.02);
    CHECK(relative(fast.after.perfusion_index[r], full.after.perfusion_index[r]) <= 0.02);
    if (full.after.flushed_volume[r] > 1e-8) {  // regions the strokes reached (> 0.01 mL)
      INFO("flushed " << fast.after.flushed_volume[r] << " m^3 against " << full.after.flushed_volume[r]);
      CHECK(relative(fast.after.flushed_volume[r], full.after.flushed_volume[r]) <= 0.02);
    }
    // the effects themselves, where there is one to compare (> 0.5 %)
    const double relief_full = tension_relief_percent(full.before.active_tension[r], full.after.active_tension[r]);
    const double relief_fast = tension_relief_percent(fast.before.active_tension[r], fast.after.active_tension[r]);
    if (std::abs(relief_full) > 0.5) {
      ++compared;
      INFO("relief " << relief_fast << " % accelerated, " << relief_full << " % in full");
      CHECK(relative(relief_fast, relief_full) <= 0.02);
      const double mu_full = full.after.shear_modulus[r] / full.before.shear_modulus[r] - 1.0;
      const double mu_fast = fast.after.shear_modulus[r] / fast.before.shear_modulus[r] - 1.0;
      CHECK(relative(mu_fast, mu_full) <= 0.02);
    }
  }
  return compared;
}

// The Swedish protocol (scenarios/sessions/swedish_10min.toml) on the coarse back,
// shortened to 6 effleurage, 12 petrissage, 4 friction and 5 effleurage strokes and
// 10 s of rest (about 85 s), as written but for the jump tolerance: 0.01 (worst
// 1.82 %; at 0.03 two regions with about 1 % relief missed by 2.3 and 2.5 %; the
// protocol's 0.015 was chosen on the standard back, where it leaves 1.57 %);
// `every_cycle`: every cycle and every circle solved on the same steps.
Scenario swedish_session(bool every_cycle) {
  Scenario s = load_scenario_file(BACKSIM_SOURCE_DIR "/scenarios/sessions/swedish_10min.toml");
  s.model.back.resolution = models::Resolution::coarse;
  s.spec.motion.repetitions = 6;
  REQUIRE(s.spec.following.size() == 3);
  s.spec.following[0].repetitions = 12;
  s.spec.following[1].repetitions = 4;
  s.spec.following[2].repetitions = 5;
  s.spec.solver.duration = ToolMotion(s.spec.motion, s.spec.following).end_time() + 10.0;
  s.spec.solver.cycle_jump_tolerance = 0.01;
  if (every_cycle) {
    s.spec.solver.cycle_jump_tolerance = 0.0;
    s.spec.solver.solved_periods = 0;
  }
  return s;
}

}  // namespace

TEST_CASE("cycle jumps on the coarse back end a session within 2 % of the fully solved one",
          "[models][physiology][cycle_jump]") {
  const SessionEnd full = run_session(calibration_session(false));
  const SessionEnd fast = run_session(calibration_session(true));
  INFO("steps solved: " << full.summary.steps << " without jumps, " << fast.summary.steps << " with ("
                        << fast.summary.jumped_cycles << " cycles replayed)");
  REQUIRE(fast.summary.jumped_cycles > 0);
  // replays replace > 40 % of the solves of this short session (86 % over 10 minutes, docs/engine.md)
  CHECK(fast.summary.steps < 0.6 * full.summary.steps);
  CHECK(check_within_2_percent(fast, full) >= 2);  // at least the massaged erector spinae and multifidus
}

TEST_CASE("the Swedish strokes on the coarse back, accelerated, end within 2 % of every cycle solved",
          "[models][physiology][cycle_jump]") {
  const SessionEnd full = run_session(swedish_session(true));
  const SessionEnd fast = run_session(swedish_session(false));
  INFO("steps solved: " << full.summary.steps << " with every cycle solved, " << fast.summary.steps
                        << " accelerated (" << fast.summary.jumped_cycles << " cycles and "
                        << fast.summary.jumped_periods << " circles replayed)");
  REQUIRE(fast.summary.jumped_cycles > 0);
  REQUIRE(fast.summary.jumped_periods > 0);
  CHECK(full.summary.jumped_cycles == 0);
  CHECK(full.summary.jumped_periods == 0);
  CHECK(check_within_2_percent(fast, full) >= 2);
}
