#include "bench/solver_bench.hpp"

#include "bench/child_process.hpp"
#include "bench/iteration_traffic.hpp"
#include "engine/core/error.hpp"
#include "engine/core/parallel.hpp"
#include "engine/sim/simulation.hpp"
#include "engine/sim/state.hpp"
#include "scenarios/model_inputs.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/schema_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace backsim::bench {

namespace {

// The state at each frame after t = 0: what accuracy is measured on.
struct Frames {
  std::vector<double> time;
  std::vector<Vec3> force;                 // N, tissue on tool
  std::vector<std::vector<double>> displacement;  // [frame][3 N] m
};

struct FrameRecorder final : SimulationObserver {
  Frames frames;
  void on_frame(const Model& m, const State& s) override {
    if (s.time == 0) return;
    frames.time.push_back(s.time);
    frames.force.push_back(s.tool_force);
    std::vector<double> u(3 * static_cast<std::size_t>(m.node_count()));
    for (Index i = 0; i < m.node_count(); ++i)
      for (int k = 0; k < 3; ++k) u[3 * i + k] = s.q[3 * i + k] - m.mesh.nodes[i](k);
    frames.displacement.push_back(std::move(u));
  }
  void on_step(const Model&, const State&, const StepStats&) override {}
};

// Plain bytes in and out of the child (same binary on both sides).
struct Writer {
  std::string out;
  template <class T> void put(const T& v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void put_doubles(const std::vector<double>& v) {
    put(v.size());
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
  }
};
struct Reader {
  const std::string& in;
  std::size_t at = 0;
  template <class T> T get() {
    T v;
    BACKSIM_ASSERT(at + sizeof v <= in.size(), "bench: short child result");
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::vector<double> get_doubles() {
    const auto n = get<std::size_t>();
    std::vector<double> v(n);
    BACKSIM_ASSERT(at + n * sizeof(double) <= in.size(), "bench: short child result");
    std::memcpy(v.data(), in.data() + at, n * sizeof(double));
    at += n * sizeof(double);
    return v;
  }
};

struct Measured {
  BenchRow row;
  Frames frames;
};

std::string encode(const Measured& r) {
  Writer w;
  w.put(r.row.tets);
  w.put(r.row.steps);
  w.put(r.row.iterations);
  w.put(r.row.cg_iterations);
  w.put(r.row.substeps);
  w.put(r.row.simulated);
  w.put(r.row.wall);
  w.put(r.row.peak_rss_mib);
  w.put(r.row.bytes_per_iteration);
  w.put(r.frames.time.size());
  for (std::size_t f = 0; f < r.frames.time.size(); ++f) {
    w.put(r.frames.time[f]);
    for (int k = 0; k < 3; ++k) w.put(r.frames.force[f](k));
    w.put_doubles(r.frames.displacement[f]);
  }
  return w.out;
}

Measured decode(const std::string& bytes) {
  Reader r{bytes};
  Measured m;
  m.row.tets = r.get<Index>();
  m.row.steps = r.get<std::int64_t>();
  m.row.iterations = r.get<std::int64_t>();
  m.row.cg_iterations = r.get<std::int64_t>();
  m.row.substeps = r.get<std::int64_t>();
  m.row.simulated = r.get<double>();
  m.row.wall = r.get<double>();
  m.row.peak_rss_mib = r.get<double>();
  m.row.bytes_per_iteration = r.get<double>();
  const auto frames = r.get<std::size_t>();
  for (std::size_t f = 0; f < frames; ++f) {
    m.frames.time.push_back(r.get<double>());
    const auto x = r.get<double>(), y = r.get<double>(), z = r.get<double>();
    m.frames.force.emplace_back(x, y, z);
    m.frames.displacement.push_back(r.get_doubles());
  }
  return m;
}

// Counts sub-steps per step (the summary has Newton and CG counts only).
struct CountingRecorder final : SimulationObserver {
  FrameRecorder frames;
  std::int64_t substeps = 0;
  void on_frame(const Model& m, const State& s) override { frames.on_frame(m, s); }
  void on_step(const Model&, const State&, const StepStats& st) override { substeps += st.substeps; }
};

Measured measure(const BenchProblem& problem, const SolverConfig& config, int threads) {
  set_threads(threads);
  ModelInputs inputs = problem.inputs();
  config.apply(inputs.solver);
  const Model model = build_model(std::move(inputs));
  State state = initial_state(model);
  Scratch scratch = make_scratch(model);
  CountingRecorder rec;
  const SimulationSummary s = run_simulation(model, state, scratch, rec);
  Measured r;
  r.row.tets = model.mesh.tet_count();
  r.row.steps = s.steps;
  r.row.cg_iterations = s.cg_iterations;
  r.row.substeps = rec.substeps;
  r.row.iterations = s.newton_iterations;  // a method's own iterations (explicit: sub-steps)
  r.row.simulated = model.duration;
  r.row.wall = s.wall_seconds;
  r.row.peak_rss_mib = peak_rss_mib();
  const double cg_per_newton =
      s.newton_iterations ? static_cast<double>(s.cg_iterations) / static_cast<double>(s.newton_iterations) : 0;
  r.row.bytes_per_iteration = bytes_per_iteration(model, model.solver.method, cg_per_newton);
  r.frames = std::move(rec.frames.frames);
  return r;
}

// Largest relative error over the common frames: displacement in the L2 norm over
// all nodes, the tool's reaction force as a vector.
void compare(const Frames& run, const Frames& reference, BenchRow& row) {
  double du = 0, df = 0;
  const std::size_t n = std::min(run.time.size(), reference.time.size());
  for (std::size_t f = 0; f < n; ++f) {
    double diff = 0, norm = 0;
    const auto& a = run.displacement[f];
    const auto& b = reference.displacement[f];
    for (std::size_t i = 0; i < b.size(); ++i) {
      diff += (a[i] - b[i]) * (a[i] - b[i]);
      norm += b[i] * b[i];
    }
    if (norm > 0) du = std::max(du, std::sqrt(diff / norm));
    const double fr = reference.force[f].norm();
    if (fr > 0) df = std::max(df, (run.force[f] - reference.force[f]).norm() / fr);
  }
  if (n > 0) {
    row.displacement_error = du;
    row.force_error = df;
  }
}

ModelInputs block_inputs(const std::array<Index, 3>& cells) {
  SimulationSpec s;
  s.geometry.size = Vec3(0.20, 0.15, 0.04);
  s.geometry.cells = cells;
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
  s.output.interval = 0.1;
  return block_model_inputs(s);
}

std::optional<SolverMethod> method_named(const char* name) {
  return scenario_schema::value_of(scenario_schema::kSolverMethods, name);
}

}  // namespace

BenchProblem block_problem(const std::string& size) {
  if (size == "5k") return {"block 5k", [] { return block_inputs({20, 15, 3}); }};
  if (size == "20k") return {"block 20k", [] { return block_inputs({28, 20, 6}); }};
  if (size == "80k") return {"block 80k", [] { return block_inputs({44, 33, 9}); }};
  throw InvalidInput(fmt::format("unknown block size '{}' (allowed: 5k, 20k, 80k)", size));
}

BenchProblem scenario_problem(const std::string& path) {
  const Scenario probe = load_scenario_file(path);  // report a bad file before any run
  return {probe.info.name, [path] { return scenario_model_inputs(load_scenario_file(path)); }};
}

SolverConfig reference_config() {
  return {"reference", "Newton, sparse Cholesky, newton_tolerance 1e-9, the problem's own time step",
          [](SolverSettings& s) {
            s.method = SolverMethod::newton;
            s.preconditioner = Preconditioner::cholesky;
            s.newton_tolerance = 1e-9;
            s.cg_tolerance = 1e-12;
          }};
}

std::vector<SolverConfig> known_configs() {
  std::vector<SolverConfig> c{
      {"newton", "Newton-PCG, block Jacobi, the problem's settings", [](SolverSettings& s) {
         s.method = SolverMethod::newton;
         s.preconditioner = Preconditioner::block_jacobi;
       }},
      {"newton-cholesky", "Newton-PCG, sparse Cholesky of each step's first Hessian", [](SolverSettings& s) {
         s.method = SolverMethod::newton;
         s.preconditioner = Preconditioner::cholesky;
       }},
      {"newton-two-level", "Newton-PCG, two-level (node groups and a coarse correction)", [](SolverSettings& s) {
         s.method = SolverMethod::newton;
         s.preconditioner = Preconditioner::two_level;
       }},
      {"newton-coarse", "Newton-PCG, block Jacobi, 5x the time step, newton_tolerance 1e-3", [](SolverSettings& s) {
         s.method = SolverMethod::newton;
         s.preconditioner = Preconditioner::block_jacobi;
         s.time_step *= 5;
         s.newton_tolerance = 1e-3;
       }},
      {"newton-fast", "Newton-PCG, block Jacobi, 10x the time step, newton_tolerance 1e-2", [](SolverSettings& s) {
         s.method = SolverMethod::newton;
         s.preconditioner = Preconditioner::block_jacobi;
         s.time_step *= 10;
         s.newton_tolerance = 1e-2;
       }},
      {"explicit", "central differences, mass damping 100/s, safety 0.9", [](SolverSettings& s) {
         s.method = SolverMethod::explicit_central;
         s.mass_damping = 100;
       }},
  };
  // methods merged later are benchmarked under their own name with their defaults
  for (const char* name : {"xpbd", "bullet"}) {
    if (const auto method = method_named(name)) {
      const SolverMethod m = *method;
      c.push_back({name, "defaults of the method", [m](SolverSettings& s) { s.method = m; },
                   std::strcmp(name, "bullet") == 0});
    }
  }
  return c;
}

std::vector<BenchRow> run_problem(const BenchProblem& problem, const BenchSettings& settings,
                                  const std::function<void(const BenchRow&)>& emit) {
  const std::vector<SolverConfig> known = known_configs();
  const int most_threads = *std::max_element(settings.threads.begin(), settings.threads.end());
  const SolverConfig reference = reference_config();
  const ChildResult ref = settings.reference
                              ? run_in_child([&] { return encode(measure(problem, reference, most_threads)); })
                              : ChildResult{false, "skipped (--no-reference)"};
  std::vector<BenchRow> rows;
  std::optional<Measured> ref_run;
  {
    BenchRow row;
    row.problem = problem.name;
    row.config = reference.name;
    row.threads = most_threads;
    if (ref.ok) {
      ref_run = decode(ref.bytes);
      row = ref_run->row;
      row.problem = problem.name;
      row.config = reference.name;
      row.threads = most_threads;
      row.displacement_error = row.force_error = 0;
    } else {
      row.status = ref.bytes;
    }
    rows.push_back(row);
    emit(row);
  }
  for (const std::string& name : settings.configs) {
    const auto it = std::find_if(known.begin(), known.end(), [&](const SolverConfig& c) { return c.name == name; });
    if (it == known.end()) throw InvalidInput(fmt::format("unknown solver configuration '{}'", name));
    for (int t : settings.threads) {
      if (it->serial && t != 1) continue;
      const ChildResult r = run_in_child([&] { return encode(measure(problem, *it, t)); });
      BenchRow row;
      if (r.ok) {
        const Measured m = decode(r.bytes);
        row = m.row;
        if (ref_run) compare(m.frames, ref_run->frames, row);
      } else {
        row.status = r.bytes;
      }
      row.problem = problem.name;
      row.config = it->name;
      row.threads = t;
      rows.push_back(row);
      emit(row);
    }
  }
  return rows;
}

}  // namespace backsim::bench
