#include "engine/sim/tissue_metrics.hpp"

#include "engine/material/shear_wave_modulus.hpp"

namespace backsim {

RegionMetrics make_region_metrics(const Model& m) {
  const std::size_t n = m.materials.size();
  RegionMetrics r;
  r.mean_tone.assign(n, 0.0);
  r.active_tension.assign(n, 0.0);
  r.shear_modulus.assign(n, 0.0);
  r.perfusion_index.assign(n, 1.0);
  r.flushed_volume.assign(n, 0.0);
  r.volume.assign(n, 0.0);
  for (Index t = 0; t < m.mesh.tet_count(); ++t) r.volume[static_cast<std::size_t>(m.mesh.region[t])] += m.elements[t].volume;
  return r;
}

void measure_regions(const Model& m, const State& s, std::vector<double>& scratch, RegionMetrics& out) {
  const Index n = m.mesh.tet_count();
  scratch.resize(3 * static_cast<std::size_t>(n));
  const TissueState& ts = s.tissue;
#pragma omp parallel for schedule(static)
  for (Index t = 0; t < n; ++t) {
    const auto r = static_cast<std::size_t>(m.mesh.region[t]);
    const TissueMaterial& mat = m.materials[r];
    const Tet& tet = m.mesh.tets[t];
    std::array<Vec3, 4> x;
    for (int a = 0; a < 4; ++a) x[a] = Vec3(s.q[3 * tet[a]], s.q[3 * tet[a] + 1], s.q[3 * tet[a] + 2]);
    const Mat3 F = deformation_gradient(x, m.elements[t].Dm_inv);
    const double V = m.elements[t].volume;
    MaterialPoint pt;
    if (!m.fibre.empty()) pt.fibre = m.fibre[t];
    if (!ts.activation.empty()) pt.activation = ts.activation[t];
    Mat3 memory = Mat3::Zero();  // the overstress now: sum of the Prony terms' Q_i
    if (mat.viscous()) {
      for (int i = 0; i < kMaxPronyTerms; ++i)
        memory += ts.overstress[static_cast<std::size_t>(t) * kMaxPronyTerms + static_cast<std::size_t>(i)];
      pt.overstress = &memory;
    }
    const StableNeoHookean inst = mat.instantaneous_matrix();
    double modulus = inst.mu;
    double active = 0;
    if (pt.fibre.squaredNorm() > 0) {
      modulus = shear_wave_modulus(tissue_stress_derivative(inst, mat, pt, F, false), F, pt.fibre);
      const double lambda = fibre_stretch(F, pt.fibre);
      active = mat.active.at(lambda, pt.activation).stress * lambda / F.determinant();
    }
    scratch[3 * t] = V * pt.activation;
    scratch[3 * t + 1] = V * active;
    scratch[3 * t + 2] = V * modulus;
  }
  std::fill(out.mean_tone.begin(), out.mean_tone.end(), 0.0);
  std::fill(out.active_tension.begin(), out.active_tension.end(), 0.0);
  std::fill(out.shear_modulus.begin(), out.shear_modulus.end(), 0.0);
  for (Index t = 0; t < n; ++t) {
    const auto r = static_cast<std::size_t>(m.mesh.region[t]);
    out.mean_tone[r] += scratch[3 * t];
    out.active_tension[r] += scratch[3 * t + 1];
    out.shear_modulus[r] += scratch[3 * t + 2];
  }
  if (m.has_circulation()) {
    std::vector<double>& inflow = out.perfusion_index;  // sum V q_in, then the ratio
    std::fill(inflow.begin(), inflow.end(), 0.0);
    std::fill(out.flushed_volume.begin(), out.flushed_volume.end(), 0.0);
    std::vector<double>& baseline = scratch;  // [region] sum V q0 (the tet scratch is done)
    std::fill(baseline.begin(), baseline.begin() + static_cast<std::ptrdiff_t>(out.volume.size()), 0.0);
    for (Index t = 0; t < n; ++t) {
      const auto r = static_cast<std::size_t>(m.mesh.region[t]);
      const double V = m.elements[t].volume;
      inflow[r] += V * s.circulation.inflow[t];
      baseline[r] += V * m.circulation.region_of(t).baseline_flow;
      out.flushed_volume[r] += V * s.circulation.flushed_volume[t];
    }
    for (std::size_t r = 0; r < out.volume.size(); ++r) inflow[r] = baseline[r] > 0 ? inflow[r] / baseline[r] : 1.0;
  }
  for (std::size_t r = 0; r < out.volume.size(); ++r) {
    if (out.volume[r] == 0) continue;
    out.mean_tone[r] /= out.volume[r];
    out.shear_modulus[r] /= out.volume[r];
    const double length = m.region_fibre_length.empty() ? 0.0 : m.region_fibre_length[r];
    out.active_tension[r] = length > 0 ? out.active_tension[r] / length : 0.0;
  }
}

double tension_relief_percent(double before, double now) {
  return before > 0 ? 100.0 * (before - now) / before : 0.0;
}

double relief_per_kilojoule(double relief_percent, double therapist_work) {
  return therapist_work > 0 ? relief_percent / (1e-3 * therapist_work) : 0.0;
}

}  // namespace backsim
