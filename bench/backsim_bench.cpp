// backsim-bench: times the engine on reference problems for each thread count and
// writes a CSV and a Markdown table to bench/results/<machine>/.
//
// Problem: the foundation's block (20 x 15 x 4 cm, 20 kPa, nu 0.45) at a given
// size, pressed 6 mm by a 3 cm sphere and stroked 4 cm at 10 cm/s with friction
// 0.3, quasi-static steps of 10 ms. Reported per thread count: wall time per step
// and per simulated second, time per Newton iteration, Newton iterations per step,
// CG iterations per Newton iteration, peak resident memory of the process; for each
// preconditioner asked for (--preconditioners), with the Cholesky factor's size
// (3x3 blocks of L), its factorizations and their mean time.
#include "bench/session_bench.hpp"
#include "engine/core/parallel.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/state.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace backsim;

namespace {

struct Size {
  const char* name;
  std::array<Index, 3> cells;
};

SimulationSpec block_problem(const Size& size, Preconditioner preconditioner) {
  SimulationSpec s;
  s.solver.preconditioner = preconditioner;
  s.geometry.size = Vec3(0.20, 0.15, 0.04);
  s.geometry.cells = size.cells;
  s.material.youngs_modulus = 20e3;
  s.material.poisson_ratio = 0.45;
  s.tool.shape = ToolShape::sphere;
  s.tool.radius = 0.03;
  s.tool.friction = 0.3;
  s.motion.control = ToolControl::kinematic;
  s.motion.path = {{-0.02, 0.0}, {0.02, 0.0}};
  s.motion.press_depth = 0.006;
  s.motion.press_time = 0.1;
  s.motion.speed = 0.1;
  s.solver.time_step = 0.01;
  s.output.interval = 1.0;
  return s;
}

struct NullObserver final : SimulationObserver {
  void on_frame(const Model&, const State&) override {}
  void on_step(const Model&, const State&, const StepStats&) override {}
};

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

struct Row {
  std::string problem;
  std::string preconditioner;
  Index tets = 0;
  int threads = 0;
  std::int64_t steps = 0;
  std::int64_t factorizations = 0;
  std::size_t factor_blocks = 0;
  double factor_ms = 0;  // mean per factorization
  double simulated = 0, wall = 0, newton_per_step = 0, cg_per_newton = 0, ms_per_step = 0, ms_per_newton = 0,
         wall_per_simulated = 0, rss = 0;
};

Row measure(const Size& size, Preconditioner preconditioner, int threads) {
  set_threads(threads);
  const SimulationSpec spec = block_problem(size, preconditioner);
  const Model model = build_model(block_model_inputs(spec));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);
  NullObserver obs;
  const SimulationSummary s = run_simulation(model, state, scratch, obs);
  Row r;
  r.problem = size.name;
  r.preconditioner = std::string(preconditioner == Preconditioner::cholesky ? "cholesky" : "block_jacobi");
  r.factorizations = scratch.cholesky.factorizations;
  r.factor_blocks = scratch.cholesky.factor.factor_blocks();
  r.factor_ms = r.factorizations ? 1e3 * scratch.cholesky.factor_seconds / static_cast<double>(r.factorizations) : 0.0;
  r.tets = model.mesh.tet_count();
  r.threads = threads;
  r.steps = s.steps;
  r.simulated = model.duration;
  r.wall = s.wall_seconds;
  r.newton_per_step = static_cast<double>(s.newton_iterations) / static_cast<double>(s.steps);
  r.cg_per_newton = static_cast<double>(s.cg_iterations) / static_cast<double>(s.newton_iterations);
  r.ms_per_step = 1e3 * s.wall_seconds / static_cast<double>(s.steps);
  r.ms_per_newton = 1e3 * s.wall_seconds / static_cast<double>(s.newton_iterations);
  r.wall_per_simulated = s.wall_seconds / model.duration;
  r.rss = peak_rss_mib();
  return r;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string machine_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"backsim-bench: engine timings per thread count"};
  std::string machine = machine_name();
  std::string results_dir = "bench/results";
  std::vector<std::string> sizes{"5k", "20k"};
  std::vector<int> threads{1, 2};
  std::vector<std::string> preconditioners{"block_jacobi", "cholesky"};
  app.add_option("--machine", machine, "Name of this machine (results folder)");
  app.add_option("--results", results_dir, "Results root folder");
  app.add_option("--sizes", sizes, "Block sizes: 5k, 20k, 80k");
  app.add_option("--threads", threads, "Thread counts");
  app.add_option("--preconditioners", preconditioners, "Preconditioners: block_jacobi, cholesky")
      ->check(CLI::IsMember({"block_jacobi", "cholesky"}));
  std::vector<std::string> sessions;
  bool session_reference = false;
  app.add_option("--sessions", sessions,
                 "Scenario files to time as whole sessions with cycle jumps (instead of the block problem)")
      ->check(CLI::ExistingFile);
  app.add_flag("--session-reference", session_reference,
               "Also run each session with every step solved, and report the largest metric difference");
  CLI11_PARSE(app, argc, argv);

  if (!sessions.empty()) {
    const std::filesystem::path dir = std::filesystem::path(results_dir) / machine;
    std::filesystem::create_directories(dir);
    const int t = threads.empty() ? max_threads() : threads.back();
    const std::string table = bench::run_sessions(sessions, session_reference, t, dir, [](const std::string& text) {
      fmt::print("{}", text);
      std::fflush(stdout);
    });
    std::ofstream md(dir / "sessions.md");
    md << "# backsim-bench: whole sessions on " << machine << "\n\n"
       << "- CPU: " << cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads\n"
       << "- build: " << BACKSIM_BUILD_FLAGS << "\n"
       << "- each scenario as written (solver, time step, preconditioner), with solver.cycle_jump on, and off for the "
          "reference; the difference is the largest relative difference of any region's end-of-session tone, "
          "shear modulus, perfusion index or flushed volume (docs/engine.md, Cycle jumps)\n\n"
       << table;
    fmt::print("\nwrote {} and sessions.md\n", (dir / "sessions.csv").string());
    return 0;
  }

  const std::vector<Size> known{{"5k", {20, 15, 3}}, {"20k", {28, 20, 6}}, {"80k", {44, 33, 9}}};
  std::vector<Row> rows;
  std::string table;
  const auto emit = [&table](const std::string& text) {
    fmt::print("{}", text);
    std::fflush(stdout);
    table += text;
  };
  emit("| problem | tets | preconditioner | threads | steps | ms/step | ms/Newton it | Newton/step | CG/Newton | "
       "factorizations | ms/factorization | L blocks | wall s per sim s | peak RSS MiB |\n");
  emit("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string& name : sizes) {
    const Size* size = nullptr;
    for (const Size& k : known)
      if (name == k.name) size = &k;
    if (!size) {
      fmt::print(stderr, "backsim-bench: unknown size '{}' (allowed: 5k, 20k, 80k)\n", name);
      return 2;
    }
    for (const std::string& name_of_preconditioner : preconditioners) {
      const Preconditioner preconditioner =
          name_of_preconditioner == "cholesky" ? Preconditioner::cholesky : Preconditioner::block_jacobi;
      for (int t : threads) {
        const Row r = measure(*size, preconditioner, t);
        rows.push_back(r);
        const bool factored = preconditioner == Preconditioner::cholesky;
        emit(fmt::format("| block {} | {} | {} | {} | {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {} | {} | {} | {:.2f} | {:.0f} |\n",
                         r.problem, r.tets, r.preconditioner, r.threads, r.steps, r.ms_per_step, r.ms_per_newton,
                         r.newton_per_step, r.cg_per_newton, factored ? fmt::format("{}", r.factorizations) : "-",
                         factored ? fmt::format("{:.1f}", r.factor_ms) : "-",
                         factored ? fmt::format("{}", r.factor_blocks) : "-", r.wall_per_simulated, r.rss));
      }
    }
  }

  const std::filesystem::path dir = std::filesystem::path(results_dir) / machine;
  std::filesystem::create_directories(dir);
  std::ofstream csv(dir / "engine_block.csv");
  csv << "problem,tets,preconditioner,threads,steps,simulated_s,wall_s,ms_per_step,ms_per_newton,newton_per_step,"
         "cg_per_newton,factorizations,ms_per_factorization,factor_blocks,wall_per_simulated_s,peak_rss_mib\n";
  for (const Row& r : rows)
    csv << fmt::format("block {},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.problem, r.tets, r.preconditioner,
                       r.threads, r.steps, r.simulated, r.wall, r.ms_per_step, r.ms_per_newton, r.newton_per_step,
                       r.cg_per_newton, r.factorizations, r.factor_ms, r.factor_blocks, r.wall_per_simulated, r.rss);
  std::ofstream md(dir / "engine_block.md");
  md << "# backsim-bench: engine block problem on " << machine << "\n\n"
     << "- CPU: " << cpu_model() << ", " << std::thread::hardware_concurrency() << " hardware threads\n"
     << "- build: " << BACKSIM_BUILD_FLAGS << "\n"
     << "- problem: 20 x 15 x 4 cm block, 20 kPa, nu 0.45, 3 cm sphere pressed 6 mm in 0.1 s then glided 4 cm "
        "at 10 cm/s, friction 0.3, quasi-static steps of 10 ms\n"
     << "- peak RSS is the process's, cumulative over the rows above it\n\n"
     << table;
  fmt::print("\nwrote {} and engine_block.md\n", (dir / "engine_block.csv").string());
  return 0;
}
