// backsim-bench: the solvers on reference problems, for each configuration and
// thread count, against a converged Newton reference; writes a CSV and a Markdown
// table to bench/results/<machine>/ (issue 6). With --sessions: whole sessions with
// cycle jumps (issue 9).
//
// Per row: wall time per simulated second and per step, iterations, peak memory of
// the row's own process, the relative L2 error of the displacement and the relative
// error of the tool's reaction force against the reference (largest over the
// problem's frames), and the time of an iteration against its bandwidth floor (the
// bytes it must move, iteration_traffic.hpp, over the triad bandwidth measured in
// the same run, memory_bandwidth.hpp).
#include "bench/child_process.hpp"
#include "bench/machine_info.hpp"
#include "bench/memory_bandwidth.hpp"
#include "bench/session_bench.hpp"
#include "bench/solver_bench.hpp"
#include "engine/core/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace backsim;
using namespace backsim::bench;

namespace {

std::string number(double v, const char* format = "{:.3g}") { return v < 0 ? "-" : fmt::format(fmt::runtime(format), v); }

std::string table_row(const BenchRow& r, double bandwidth) {
  const double floor_ms = bandwidth > 0 && r.bytes_per_iteration > 0 ? 1e3 * r.bytes_per_iteration / bandwidth : -1;
  const double ms_it = r.ms_per_iteration();
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0f} | {} | {} | {} |\n",
                     r.problem, r.config, r.tets, r.threads, r.steps, r.substeps, r.iterations, r.cg_iterations,
                     number(r.wall_per_simulated(), "{:.3g}"),
                     number(r.steps ? 1e3 * r.wall / static_cast<double>(r.steps) : -1, "{:.1f}"),
                     number(r.iterations ? ms_it : -1, "{:.3g}"), number(floor_ms, "{:.3g}"),
                     number(floor_ms > 0 && ms_it > 0 ? ms_it / floor_ms : -1, "{:.1f}"), r.peak_rss_mib,
                     number(r.displacement_error, "{:.2e}"), number(r.force_error, "{:.2e}"),
                     r.status == "ok" ? "ok" : r.status.substr(0, 120));
}

// Speed-ups of more threads and the comparison with Bullet, from the rows.
std::string findings(const std::vector<BenchRow>& rows) {
  std::string out;
  std::map<std::pair<std::string, std::string>, std::map<int, double>> wall;
  for (const BenchRow& r : rows)
    if (r.status == "ok" && r.config != "reference") wall[{r.problem, r.config}][r.threads] = r.wall_per_simulated();
  out += "\n## Thread scaling (wall time on 1 thread / on N)\n\n| problem | config | threads | speed-up |\n|---|---|---|---|\n";
  for (const auto& [key, by_threads] : wall) {
    const auto one = by_threads.find(1);
    if (one == by_threads.end()) continue;
    for (const auto& [t, w] : by_threads)
      if (t > 1) out += fmt::format("| {} | {} | {} | {:.2f} |\n", key.first, key.second, t, one->second / w);
  }
  out += "\n## Against Bullet (same problem, same run)\n\n";
  bool any = false;
  for (const BenchRow& b : rows) {
    if (b.config != "bullet" || b.status != "ok" || b.displacement_error < 0) continue;
    any = true;
    const BenchRow* best = nullptr;
    for (const BenchRow& r : rows) {
      if (r.problem != b.problem || r.status != "ok" || r.config == "bullet" || r.config == "reference") continue;
      if (r.displacement_error > b.displacement_error || r.force_error > b.force_error) continue;
      if (!best || r.wall_per_simulated() < best->wall_per_simulated()) best = &r;
    }
    out += fmt::format("- {}: Bullet ({} thread) {:.3g} s per simulated s, errors {:.2e} (displacement) and {:.2e} "
                       "(force). ",
                       b.problem, b.threads, b.wall_per_simulated(), b.displacement_error, b.force_error);
    if (best) {
      out += fmt::format("Fastest backsim configuration at least as accurate in both: {} on {} threads, {:.3g} s per "
                         "simulated s, errors {:.2e} and {:.2e}: **{:.1f} times faster**.\n",
                         best->config, best->threads, best->wall_per_simulated(), best->displacement_error,
                         best->force_error, b.wall_per_simulated() / best->wall_per_simulated());
    } else {
      out += "No backsim configuration was at least as accurate in both.\n";
    }
  }
  if (!any) out += "- no Bullet row in this run\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"backsim-bench: solvers on reference problems, per configuration and thread count"};
  std::string machine = machine_name();
  std::string results_dir = "bench/results";
  std::string name = "solvers";
  std::vector<std::string> sizes{"5k", "20k"};
  std::vector<std::string> scenario_files;
  std::vector<int> threads{1, 2};
  std::vector<std::string> configs;
  for (const SolverConfig& c : known_configs()) configs.push_back(c.name);
  app.add_option("--machine", machine, "Name of this machine (results folder)");
  app.add_option("--results", results_dir, "Results root folder");
  app.add_option("--name", name, "Base name of the result files (NAME.csv, NAME.md)");
  app.add_option("--sizes", sizes, "Block sizes: 5k, 20k, 80k (none: --sizes none)");
  app.add_option("--scenarios", scenario_files, "Scenario files as further problems (bench/problems/)")
      ->check(CLI::ExistingFile);
  app.add_option("--threads", threads, "Thread counts")->check(CLI::PositiveNumber);
  app.add_option("--configs", configs, "Solver configurations (default: all known)");
  std::vector<std::string> sessions;
  SessionReferences references;
  app.add_option("--sessions", sessions,
                 "Scenario files to time as whole sessions with cycle jumps (instead of the solver table)")
      ->check(CLI::ExistingFile);
  bool no_reference = false;
  app.add_flag("--no-reference", no_reference,
               "Timings only: skip the converged reference each problem starts with (no error columns)");
  app.add_flag("--session-reference", references.every_cycle,
               "Also run each session with every cycle solved on the same steps, and report the largest metric "
               "difference");
  app.add_flag("--stepped-reference", references.stepped,
               "Also run each session in uniform steps without cycle jumps, and report the largest metric difference");
  CLI11_PARSE(app, argc, argv);
  const std::filesystem::path dir = std::filesystem::path(results_dir) / machine;
  std::filesystem::create_directories(dir);

  if (!sessions.empty()) {
    const int t = threads.back();
    std::string table;
    const ChildResult r = run_in_child([&] {
      return run_sessions(sessions, references, t, dir, [](const std::string& text) {
        fmt::print("{}", text);
        std::fflush(stdout);
      });
    });
    if (!r.ok) {
      fmt::print(stderr, "backsim-bench: {}\n", r.bytes);
      return 1;
    }
    std::ofstream md(dir / "sessions.md");
    md << "# backsim-bench: whole sessions on " << machine << "\n\n"
       << "- CPU: " << cpu_model() << ", " << hardware_threads() << " hardware threads\n"
       << "- build: " << BACKSIM_BUILD_FLAGS << "\n"
       << "- each scenario as written (solver, time step, preconditioner), with solver.cycle_jump on; the references: "
          "every cycle and period solved on the same steps (cycle_jump_tolerance 0, solved_periods 0), and uniform "
          "steps without cycle jumps; the difference is the largest relative difference of any region's "
          "end-of-session tone, shear modulus, perfusion index or flushed volume (above 0.01 mL), tension relief "
          "or shear-modulus change (where the relief exceeds 0.5 %; both from the first press) of the accelerated "
          "run from the reference (docs/engine.md, Cycle jumps)\n\n"
       << r.bytes;
    fmt::print("\nwrote {} and sessions.md\n", (dir / "sessions.csv").string());
    return 0;
  }

  try {
    std::vector<BenchProblem> problems;
    for (const std::string& s : sizes)
      if (s != "none") problems.push_back(block_problem(s));
    for (const std::string& f : scenario_files) problems.push_back(scenario_problem(f));

    // the bandwidth floor, measured first in this run for each thread count
    BenchSettings settings{configs, threads, {}, !no_reference};
    std::string header;
    const auto emit = [&header](const std::string& text) {
      fmt::print("{}", text);
      std::fflush(stdout);
      header += text;
    };
    emit("## Memory bandwidth (STREAM triad, 3 x 256 MiB arrays)\n\n| threads | GB/s |\n|---|---|\n");
    for (int t : threads) {
      const ChildResult r = run_in_child([t] {
        const Bandwidth b = measure_triad_bandwidth(t);
        return std::string(reinterpret_cast<const char*>(&b.bytes_per_second), sizeof(double));
      });
      double bw = 0;
      if (r.ok && r.bytes.size() == sizeof(double)) std::memcpy(&bw, r.bytes.data(), sizeof bw);
      settings.bandwidth.push_back(bw);
      emit(fmt::format("| {} | {:.2f} |\n", t, bw / 1e9));
    }
    const auto bandwidth_of = [&](int t) {
      for (std::size_t i = 0; i < threads.size(); ++i)
        if (threads[i] == t) return settings.bandwidth[i];
      return 0.0;
    };

    std::string table =
        "\n## Solvers\n\n| problem | config | tets | threads | steps | sub-steps | iterations | CG | wall s per sim s | "
        "ms/step | ms/iteration | floor ms/iteration | x floor | peak RSS MiB | displacement error | force error | "
        "status |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    fmt::print("{}", table);
    std::vector<BenchRow> rows;
    for (const BenchProblem& p : problems) {
      const auto more = run_problem(p, settings, [&](const BenchRow& r) {
        const std::string line = table_row(r, bandwidth_of(r.threads));
        fmt::print("{}", line);
        std::fflush(stdout);
        table += line;
      });
      rows.insert(rows.end(), more.begin(), more.end());
    }
    const std::string found = findings(rows);
    fmt::print("{}", found);

    std::ofstream csv(dir / (name + ".csv"));
    csv << "problem,config,tets,threads,steps,substeps,iterations,cg_iterations,simulated_s,wall_s,"
           "wall_per_simulated_s,ms_per_iteration,bytes_per_iteration,bandwidth_bytes_per_s,peak_rss_mib,"
           "displacement_error,force_error,status\n";
    for (const BenchRow& r : rows)
      csv << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\"\n", r.problem, r.config, r.tets,
                         r.threads, r.steps, r.substeps, r.iterations, r.cg_iterations, r.simulated, r.wall,
                         r.wall_per_simulated(), r.ms_per_iteration(), r.bytes_per_iteration,
                         bandwidth_of(r.threads), r.peak_rss_mib, r.displacement_error, r.force_error, r.status);
    std::ofstream md(dir / (name + ".md"));
    md << "# backsim-bench: solvers on " << machine << "\n\n"
       << "- CPU: " << cpu_model() << ", " << hardware_threads() << " hardware threads\n"
       << "- build: " << BACKSIM_BUILD_FLAGS << "\n"
       << "- block: 20 x 15 x 4 cm, 20 kPa, nu 0.45, bottom held; 3 cm sphere pressed 6 mm in 0.1 s, then stroked 4 cm "
          "at 10 cm/s, friction 0.3 (0.5 s simulated, steps of 10 ms)\n"
       << "- errors: against the reference row (" << reference_config().description
       << "), largest over the frames (every 0.1 s): relative L2 norm of the node displacements, relative error of "
          "the tool's reaction force vector\n"
       << "- an iteration: Newton iteration (newton), sub-step (explicit), constraint sweep (xpbd); floor = bytes "
          "it must move (bench/iteration_traffic.cpp) / triad bandwidth at that thread count; x floor = measured / "
          "floor\n"
       << "- peak RSS: of the row's own process (each row runs in a fresh child)\n\n"
       << header << table << found;
    fmt::print("\nwrote {} and {}.md\n", (dir / (name + ".csv")).string(), name);
  } catch (const InvalidInput& e) {
    fmt::print(stderr, "backsim-bench: {}\n", e.what());
    return 2;
  }
  return 0;
}
