#include "bench/session_bench.hpp"

#include "engine/core/parallel.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/tissue_metrics.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace backsim::bench {

namespace {

// Keeps the region metrics of the settled back at the first press (the end of the
// first wait, solved alike in every run): the "before" of relief and modulus change.
struct AtFirstPress final : SimulationObserver {
  RegionMetrics& before;
  std::vector<double>& scratch;
  AtFirstPress(RegionMetrics& b, std::vector<double>& s) : before(b), scratch(s) {}
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model& m, const State& s, const StepStats&) override {
    if (std::abs(s.time - m.motion.start_time()) < 1e-9) measure_regions(m, s, scratch, before);
  }
};

struct SessionRun {
  Index tets = 0;
  double simulated = 0;
  SimulationSummary summary;
  RegionMetrics before;
  RegionMetrics end;
};

enum class Acceleration { on, every_cycle, stepped };

// How a run is named in the table, and in the CSV (without commas).
const char* label(Acceleration a, bool csv = false) {
  switch (a) {
    case Acceleration::on: return "on";
    case Acceleration::every_cycle: return csv ? "every_cycle" : "off, every cycle solved";
    case Acceleration::stepped: return csv ? "stepped" : "off, uniform steps";
  }
  return "";
}

SessionRun run(const std::string& file, Acceleration a, int threads) {
  set_threads(threads);
  Scenario s = load_scenario_file(file);
  s.spec.solver.cycle_jump = a != Acceleration::stepped;
  if (a == Acceleration::every_cycle) {
    s.spec.solver.cycle_jump_tolerance = 0;
    s.spec.solver.solved_periods = 0;
  }
  const Model m = build_model(scenario_model_inputs(s));
  State state = initial_state(m);
  Scratch w = make_scratch(m);
  std::vector<double> scratch(static_cast<std::size_t>(m.mesh.tet_count()));
  SessionRun r{m.mesh.tet_count(), m.duration, {}, make_region_metrics(m), make_region_metrics(m)};
  AtFirstPress observer(r.before, scratch);
  r.summary = run_simulation(m, state, w, observer);
  measure_regions(m, state, scratch, r.end);
  return r;
}

// Largest relative difference of run a's end-of-session region metrics from run b's:
// tone, modulus, perfusion; flushed volume where above 0.01 mL; and the effects,
// tension relief and shear-modulus change, where b's relief exceeds 0.5 %
// (tests/models/test_cycle_jump_session.cpp applies the same rules).
double largest_difference(const SessionRun& a, const SessionRun& b) {
  double d = 0;
  const auto rel = [](double x, double y) { return std::abs(x - y) / std::max(std::abs(y), 1e-300); };
  for (std::size_t r = 0; r < a.end.volume.size(); ++r) {
    if (b.end.mean_tone[r] > 0) d = std::max(d, rel(a.end.mean_tone[r], b.end.mean_tone[r]));
    d = std::max({d, rel(a.end.shear_modulus[r], b.end.shear_modulus[r]),
                  rel(a.end.perfusion_index[r], b.end.perfusion_index[r])});
    if (b.end.flushed_volume[r] > 1e-8) d = std::max(d, rel(a.end.flushed_volume[r], b.end.flushed_volume[r]));
    const double relief_b = tension_relief_percent(b.before.active_tension[r], b.end.active_tension[r]);
    if (std::abs(relief_b) > 0.5) {
      d = std::max(d, rel(tension_relief_percent(a.before.active_tension[r], a.end.active_tension[r]), relief_b));
      const double mu_b = b.end.shear_modulus[r] / b.before.shear_modulus[r] - 1.0;
      d = std::max(d, rel(a.end.shear_modulus[r] / a.before.shear_modulus[r] - 1.0, mu_b));
    }
  }
  return d;
}

}  // namespace

std::string run_sessions(const std::vector<std::string>& scenarios, SessionReferences references, int threads,
                         const std::filesystem::path& dir, const std::function<void(const std::string&)>& emit) {
  std::string table;
  const auto out = [&](const std::string& text) {
    emit(text);
    table += text;
  };
  out("| scenario | tets | threads | simulated s | acceleration | steps solved | cycles solved | cycles replayed | "
      "periods replayed | wall s | wall s per simulated min | largest metric difference of the accelerated run |\n");
  out("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::ofstream csv(dir / "sessions.csv");
  csv << "scenario,tets,threads,simulated_s,acceleration,steps,resolved_cycles,jumped_cycles,jumped_periods,wall_s,"
         "wall_per_simulated_minute_s,largest_relative_difference\n";
  for (const std::string& file : scenarios) {
    const std::string name = std::filesystem::path(file).stem().string();
    std::vector<Acceleration> kinds{Acceleration::on};
    if (references.every_cycle) kinds.push_back(Acceleration::every_cycle);
    if (references.stepped) kinds.push_back(Acceleration::stepped);
    SessionRun fast;
    for (const Acceleration kind : kinds) {
      const SessionRun r = run(file, kind, threads);
      if (kind == Acceleration::on) fast = r;
      const bool reference = kind != Acceleration::on;
      const double difference = reference ? largest_difference(fast, r) : 0.0;
      const double per_minute = r.summary.wall_seconds / (r.simulated / 60.0);
      out(fmt::format("| {} | {} | {} | {:.0f} | {} | {} | {} | {} | {} | {:.1f} | {:.2f} | {} |\n", name, r.tets,
                      threads, r.simulated, label(kind), r.summary.steps, r.summary.resolved_cycles,
                      r.summary.jumped_cycles, r.summary.jumped_periods, r.summary.wall_seconds, per_minute,
                      reference ? fmt::format("{:.2e}", difference) : "-"));
      csv << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", name, r.tets, threads, r.simulated, label(kind, /*csv=*/true),
                         r.summary.steps, r.summary.resolved_cycles, r.summary.jumped_cycles, r.summary.jumped_periods,
                         r.summary.wall_seconds, per_minute, reference ? difference : 0.0);
    }
  }
  return table;
}

}  // namespace backsim::bench
