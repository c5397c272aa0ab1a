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

struct Quiet final : SimulationObserver {
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats&) override {}
};

struct SessionRun {
  Index tets = 0;
  double simulated = 0;
  SimulationSummary summary;
  RegionMetrics end;
};

SessionRun run(const std::string& file, bool jumps, int threads) {
  set_threads(threads);
  Scenario s = load_scenario_file(file);
  s.spec.solver.cycle_jump = jumps;
  const Model m = build_model(scenario_model_inputs(s));
  State state = initial_state(m);
  Scratch w = make_scratch(m);
  Quiet quiet;
  SessionRun r{m.mesh.tet_count(), m.duration, run_simulation(m, state, w, quiet), make_region_metrics(m)};
  std::vector<double> scratch(static_cast<std::size_t>(m.mesh.tet_count()));
  measure_regions(m, state, scratch, r.end);
  return r;
}

// Largest relative difference of the end-of-session region metrics (tone, modulus,
// perfusion; flushed volume where above 0.01 mL).
double largest_difference(const RegionMetrics& a, const RegionMetrics& b) {
  double d = 0;
  const auto rel = [](double x, double y) { return std::abs(x - y) / std::max(std::abs(y), 1e-300); };
  for (std::size_t r = 0; r < a.volume.size(); ++r) {
    if (b.mean_tone[r] > 0) d = std::max(d, rel(a.mean_tone[r], b.mean_tone[r]));
    d = std::max({d, rel(a.shear_modulus[r], b.shear_modulus[r]), rel(a.perfusion_index[r], b.perfusion_index[r])});
    if (b.flushed_volume[r] > 1e-8) d = std::max(d, rel(a.flushed_volume[r], b.flushed_volume[r]));
  }
  return d;
}

}  // namespace

std::string run_sessions(const std::vector<std::string>& scenarios, bool reference, int threads,
                         const std::filesystem::path& dir, const std::function<void(const std::string&)>& emit) {
  std::string table;
  const auto out = [&](const std::string& text) {
    emit(text);
    table += text;
  };
  out("| scenario | tets | threads | simulated s | cycle jumps | steps solved | cycles solved | cycles replayed | "
      "periods replayed | wall s | wall s per simulated min | largest metric difference vs all steps |\n");
  out("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::ofstream csv(dir / "sessions.csv");
  csv << "scenario,tets,threads,simulated_s,cycle_jump,steps,resolved_cycles,jumped_cycles,jumped_periods,wall_s,"
         "wall_per_simulated_minute_s,largest_relative_difference\n";
  for (const std::string& file : scenarios) {
    const std::string name = std::filesystem::path(file).stem().string();
    const SessionRun fast = run(file, true, threads);
    std::vector<std::pair<bool, const SessionRun*>> rows{{true, &fast}};
    SessionRun full;
    if (reference) {
      full = run(file, false, threads);
      rows.emplace_back(false, &full);
    }
    for (const auto& [jumps, r] : rows) {
      const double difference = reference && jumps ? largest_difference(fast.end, full.end) : 0.0;
      const double per_minute = r->summary.wall_seconds / (r->simulated / 60.0);
      out(fmt::format("| {} | {} | {} | {:.0f} | {} | {} | {} | {} | {} | {:.1f} | {:.2f} | {} |\n", name, r->tets,
                      threads, r->simulated, jumps ? "on" : "off", r->summary.steps, r->summary.resolved_cycles,
                      r->summary.jumped_cycles, r->summary.jumped_periods, r->summary.wall_seconds, per_minute,
                      reference && jumps ? fmt::format("{:.2e}", difference) : "-"));
      csv << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", name, r->tets, threads, r->simulated,
                         jumps ? 1 : 0, r->summary.steps, r->summary.resolved_cycles, r->summary.jumped_cycles,
                         r->summary.jumped_periods, r->summary.wall_seconds, per_minute, reference && jumps ? difference : 0.0);
    }
  }
  return table;
}

}  // namespace backsim::bench
