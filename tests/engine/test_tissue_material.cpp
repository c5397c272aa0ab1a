// The tissue material (matrix + passive/active fibre + reference tension +
// overstress): derivatives against finite differences, its projection, uniaxial
// stretch against closed forms, and the elastography modulus against mu + sigma.
#include "engine/material/shear_wave_modulus.hpp"
#include "engine/material/tissue_material.hpp"
#include "finite_difference.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Eigenvalues>

#include <random>

using namespace backsim;
using backsim::test::fd_gradient;
using backsim::test::fd_jacobian;
using backsim::test::relative_error;

namespace {

// A muscle as the back model uses it: 10 kPa matrix, Blemker's passive fibre and a
// 300 kPa maximum active stress, one Prony term.
MaterialParams muscle_params() {
  MaterialParams p;
  p.youngs_modulus = 2 * 1.45 * 10e3;
  p.poisson_ratio = 0.45;
  p.fibre_scale = 50.0;
  p.fibre_exponent = 6.6;
  p.fibre_linear_stretch = 1.4;
  p.max_active_stress = 300e3;
  p.optimal_fibre_stretch = 1.0;
  p.prony[0] = PronyTerm{0.3, 5.0};
  return p;
}

Eigen::VectorXd vec(const Mat3& F) { return Eigen::Map<const Vec9>(F.data()); }
Mat3 unvec(const Eigen::VectorXd& v) { return Eigen::Map<const Mat3>(v.data()); }

Mat3 random_F(std::mt19937& rng, double amplitude) {
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  Mat3 A;
  for (int i = 0; i < 9; ++i) A(i) = u(rng);
  return Mat3::Identity() + A;
}

}  // namespace

TEST_CASE("tissue material stress and tangent match finite differences", "[material][muscle]") {
  const TissueMaterial mat = TissueMaterial::from_params(muscle_params());
  const StableNeoHookean matrix = mat.step_matrix(0.01);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 30; ++trial) {
    // stretches both sides of the fibre's kinks (lambda = 1, lambda*, the f_L pieces)
    // are sampled; a sample straddling a kink within the FD step is vanishingly rare
    const Mat3 F = random_F(rng, 0.35);
    MaterialPoint pt;
    pt.fibre = Vec3(std::uniform_real_distribution<double>(-1, 1)(rng), 0.3, 0.8).normalized();
    pt.activation = std::uniform_real_distribution<double>(0, 0.3)(rng);
    pt.reference_tension = 9e3;
    const Mat3 A = random_F(rng, 1.0) - Mat3::Identity();
    const Mat3 H = 2e3 * (A + A.transpose());  // symmetric, as a stress
    pt.overstress = &H;
    REQUIRE(F.determinant() > 0.2);
    const auto energy = [&](const Eigen::VectorXd& f) { return tissue_energy_density(matrix, mat, pt, unvec(f)); };
    const auto piola = [&](const Eigen::VectorXd& f) {
      return Eigen::VectorXd(vec(tissue_first_piola(matrix, mat, pt, unvec(f))));
    };
    const Eigen::VectorXd P = piola(vec(F));
    REQUIRE(P.norm() > 1e3);  // a check of a vanishing stress would mean nothing
    // central differences, h = 1e-6: truncation ~ 1e-12 relative, round-off ~ eps psi / h ~ 1e-10
    CHECK(relative_error(P, fd_gradient(energy, vec(F), 1e-6)) < 1e-6);
    const Eigen::MatrixXd dP = tissue_stress_derivative(matrix, mat, pt, F, false);
    CHECK(relative_error(dP, fd_jacobian(piola, vec(F), 1e-6)) < 1e-6);
  }
}

TEST_CASE("the projected tissue tangent is positive semi-definite and only adds curvature", "[material][muscle]") {
  const TissueMaterial mat = TissueMaterial::from_params(muscle_params());
  const StableNeoHookean matrix = mat.step_matrix(0.01);
  std::mt19937 rng(5);
  int indefinite = 0;
  for (int trial = 0; trial < 50; ++trial) {
    const Mat3 F = random_F(rng, 0.5);
    if (F.determinant() < 0.2) continue;
    MaterialPoint pt;
    pt.fibre = Vec3(0.2, 1.0, -0.3).normalized();
    pt.activation = 0.5;  // a strong active term has negative slopes (descending limb)
    Mat3 H = -5e3 * Mat3::Identity();  // a compressive memory: negative geometric stiffness
    pt.overstress = &H;
    const Mat9 exact = tissue_stress_derivative(matrix, mat, pt, F, false);
    const Mat9 projected = tissue_stress_derivative(matrix, mat, pt, F, true);
    Eigen::SelfAdjointEigenSolver<Mat9> eig(projected);
    // eigenvalues down to -1e-9 of the largest are round-off of a PSD matrix
    CHECK(eig.eigenvalues().minCoeff() >= -1e-9 * eig.eigenvalues().maxCoeff());
    // every term's projection only removes negative curvature, so projected - exact is PSD
    Eigen::SelfAdjointEigenSolver<Mat9> added(projected - exact);
    CHECK(added.eigenvalues().minCoeff() >= -1e-9 * eig.eigenvalues().maxCoeff());
    Eigen::SelfAdjointEigenSolver<Mat9> eig_exact(exact);
    if (eig_exact.eigenvalues().minCoeff() < -1e-9 * eig.eigenvalues().maxCoeff()) ++indefinite;
  }
  CHECK(indefinite > 5);  // the sample did test the projection
}

TEST_CASE("uniaxial stretch along and across the fibres gives the closed-form stress", "[material][muscle]") {
  MaterialParams params = muscle_params();
  params.prony = {};
  const TissueMaterial mat = TissueMaterial::from_params(params);
  const double mu = mat.matrix.mu, lam = mat.matrix.lambda, alpha = 1 + mu / lam;
  const double a = 0.1;
  // Closed forms for F = diag(l1, l2, l3), fibre along x:
  //   P_ii = mu l_i + lam (J - alpha) J / l_i  (+ along x: W_p'(l1) + a sigma_max f_L(l1) - T0)
  const auto passive = [&](double l) {  // Blemker's exponential-linear toe, P1 = 50 Pa, P2 = 6.6
    if (l <= 1) return 0.0;
    if (l <= 1.4) return 50.0 * (std::exp(6.6 * (l - 1)) - 1);
    return 50.0 * (std::exp(6.6 * 0.4) - 1) + 50.0 * 6.6 * std::exp(6.6 * 0.4) * (l - 1.4);
  };
  const auto f_l = [](double l) {  // Blemker's f_L on 0.4 < l < 1.6
    if (l <= 0.6) return 9 * (l - 0.4) * (l - 0.4);
    if (l <= 1.4) return 1 - 4 * (1 - l) * (1 - l);
    return 9 * (l - 1.6) * (l - 1.6);
  };
  MaterialPoint pt;
  pt.fibre = Vec3::UnitX();
  pt.activation = a;
  pt.reference_tension = 0.03 * 300e3;
  for (double l : {0.8, 0.95, 1.05, 1.2, 1.5}) {
    // along the fibres: F = diag(l, t, t), lateral stress set to zero by bisection on t
    const auto lateral = [&](double t) { return mu * t + lam * (l * t * t - alpha) * l * t; };
    double lo = 0.3, hi = 2.0;
    for (int i = 0; i < 200; ++i) (lateral(0.5 * (lo + hi)) > 0 ? hi : lo) = 0.5 * (lo + hi);
    const double t = 0.5 * (lo + hi);
    const Mat3 F = Vec3(l, t, t).asDiagonal();
    const double J = l * t * t;
    const double expected = mu * l + lam * (J - alpha) * t * t + passive(l) + a * 300e3 * f_l(l) - pt.reference_tension;
    const Mat3 P = tissue_first_piola(mat.matrix, mat, pt, F);
    CHECK(P(0, 0) == Approx(expected).epsilon(1e-10));
    CHECK(std::abs(P(1, 1)) < 1e-6 * std::abs(expected) + 1e-9);  // the bisection converged
    // across: F = diag(t, l, t') with the fibre along x; without fibre stress on y
    const Mat3 G = Vec3(0.97, l, 1.0 / std::sqrt(l)).asDiagonal();
    const double JG = G.determinant();
    const double expected_y = mu * l + lam * (JG - alpha) * JG / l;  // the fibre adds nothing across
    CHECK(tissue_first_piola(mat.matrix, mat, pt, G)(1, 1) == Approx(expected_y).epsilon(1e-10));
  }
}

TEST_CASE("the elastography modulus is the matrix shear modulus plus the fibre tension", "[material][muscle]") {
  MaterialParams params = muscle_params();
  const TissueMaterial mat = TissueMaterial::from_params(params);
  const StableNeoHookean inst = mat.instantaneous_matrix();
  // instantaneous matrix modulus is the given one: mu_0 = E / (2 (1 + nu))
  CHECK(inst.mu == Approx(10e3).epsilon(1e-12));
  CHECK(mat.matrix.mu == Approx(7e3).epsilon(1e-12));  // long-term (1 - g) mu_0
  for (double a : {0.0, 0.03, 0.1}) {
    MaterialPoint pt;
    pt.fibre = Vec3(1, 1, 0).normalized();
    pt.activation = a;
    const Mat9 A = tissue_stress_derivative(inst, mat, pt, Mat3::Identity(), false);
    // at rest: mu_0 + a sigma_max f_L(1), the string term of the tension
    CHECK(shear_wave_modulus(A, Mat3::Identity(), pt.fibre) == Approx(10e3 + a * 300e3).epsilon(1e-10));
  }
}
