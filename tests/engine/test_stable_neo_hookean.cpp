// Stable Neo-Hookean: derivatives against finite differences, the analytic PSD
// projection against a numerical one, and the small-strain limit.
#include "engine/material/psd_projection.hpp"
#include "engine/material/stable_neo_hookean.hpp"
#include "finite_difference.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Eigenvalues>

#include <random>

using namespace backsim;
using backsim::test::fd_gradient;
using backsim::test::fd_jacobian;
using backsim::test::relative_error;

namespace {

const StableNeoHookean kMaterial = StableNeoHookean::from_young_poisson(20e3, 0.45);

// Deformation gradients of three kinds: random near identity, near-degenerate
// (one direction squashed to 1% of its length) and inverted (det F < 0).
Mat3 sample_F(const std::string& kind, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-0.3, 0.3);
  Mat3 A;
  for (int i = 0; i < 9; ++i) A(i) = u(rng);
  Mat3 F = Mat3::Identity() + A;
  if (kind == "near-degenerate") F.col(2) = 0.01 * F.col(2) + 0.01 * F.col(0);
  if (kind == "inverted") F.col(2) = -0.5 * F.col(2);
  return F;
}

Eigen::VectorXd vec(const Mat3& F) { return Eigen::Map<const Vec9>(F.data()); }
Mat3 unvec(const Eigen::VectorXd& v) { return Eigen::Map<const Mat3>(v.data()); }

}  // namespace

TEST_CASE("stable Neo-Hookean stress and stress derivative match finite differences", "[material]") {
  const std::string kind = GENERATE(as<std::string>{}, "random", "near-degenerate", "inverted");
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const Mat3 F = sample_F(kind, rng);
    if (kind == "inverted") REQUIRE(F.determinant() < 0);
    if (kind == "near-degenerate") REQUIRE(std::abs(F.determinant()) < 0.05);
    const Eigen::VectorXd P = vec(kMaterial.first_piola(F));
    // The check means nothing if the stress vanishes.
    REQUIRE(P.norm() > 1e-3 * kMaterial.mu);
    const Eigen::VectorXd P_fd = fd_gradient([](const Eigen::VectorXd& f) { return kMaterial.energy_density(unvec(f)); },
                                             vec(F), 1e-6);
    // Central differences: O(h^2) truncation ~ 1e-12 plus round-off ~ eps psi / h.
    CHECK(relative_error(P, P_fd) < 1e-7);
    const Eigen::MatrixXd dP = kMaterial.stress_derivative(F);
    const Eigen::MatrixXd dP_fd =
        fd_jacobian([](const Eigen::VectorXd& f) { return Eigen::VectorXd(vec(kMaterial.first_piola(unvec(f)))); },
                    vec(F), 1e-6);
    CHECK(relative_error(dP, dP_fd) < 1e-7);
  }
}

TEST_CASE("tet element gradient and Hessian match finite differences of the energy", "[material]") {
  const std::string kind = GENERATE(as<std::string>{}, "random", "near-degenerate", "inverted");
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 10; ++trial) {
    // A reference tet of cm size, and a deformed one with F from sample_F.
    std::array<Vec3, 4> X{Vec3(0, 0, 0), Vec3(0.01, 0, 0), Vec3(0, 0.012, 0), Vec3(0.002, 0.001, 0.009)};
    Mat3 Dm;
    for (int k = 0; k < 3; ++k) Dm.col(k) = X[k + 1] - X[0];
    const TetElement element{Dm.inverse(), Dm.determinant() / 6.0};
    const Mat3 F = sample_F(kind, rng);
    const Vec3 shift(u(rng), u(rng), u(rng));
    Eigen::VectorXd x(12);
    for (int a = 0; a < 4; ++a) x.segment<3>(3 * a) = F * X[a] + 0.01 * shift;
    auto unpack = [](const Eigen::VectorXd& v) {
      return std::array<Vec3, 4>{v.segment<3>(0), v.segment<3>(3), v.segment<3>(6), v.segment<3>(9)};
    };
    Vec12 g;
    Mat12 H;
    tet_energy_gradient_hessian(kMaterial, element, unpack(x), g, H, false);
    REQUIRE(g.norm() > 0);
    const Eigen::VectorXd g_fd =
        fd_gradient([&](const Eigen::VectorXd& v) { return tet_energy(kMaterial, element, unpack(v)); }, x, 1e-8);
    CHECK(relative_error(g, g_fd) < 1e-6);  // h = 1e-8 m on a 1 cm tet: round-off ~ eps E / h
    const Eigen::MatrixXd H_fd = fd_jacobian(
        [&](const Eigen::VectorXd& v) {
          Vec12 gv;
          tet_energy_gradient(kMaterial, element, unpack(v), gv);
          return Eigen::VectorXd(gv);
        },
        x, 1e-8);
    CHECK(relative_error(H, H_fd) < 1e-6);
    // The Hessian of an energy is symmetric.
    CHECK((H - H.transpose()).norm() <= 1e-12 * H.norm());
  }
}

TEST_CASE("analytic PSD projection equals the eigenvalue-clamped stress derivative", "[material]") {
  const std::string kind = GENERATE(as<std::string>{}, "random", "near-degenerate", "inverted");
  std::mt19937 rng(3);
  int indefinite = 0;
  for (int trial = 0; trial < 50; ++trial) {
    const Mat3 F = sample_F(kind, rng);
    const Mat9 exact = kMaterial.stress_derivative(F);
    const Mat9 analytic = kMaterial.stress_derivative_psd(F);
    const Eigen::MatrixXd numeric = project_psd(exact);
    Eigen::SelfAdjointEigenSolver<Mat9> eig(exact);
    if (eig.eigenvalues().minCoeff() < 0) ++indefinite;
    // Both are the Frobenius-nearest PSD matrix; differences are round-off.
    CHECK(relative_error(analytic, numeric) < 1e-9);
    CHECK(Eigen::SelfAdjointEigenSolver<Mat9>(analytic).eigenvalues().minCoeff() >= -1e-9 * analytic.norm());
  }
  // The cases must include indefinite Hessians, or the projection is not tested.
  CHECK(indefinite > 0);
}

TEST_CASE("stable Neo-Hookean is stress free at rest and linearises to Hooke's law", "[material]") {
  const double E = 20e3, nu = 0.45;
  const StableNeoHookean m = StableNeoHookean::from_young_poisson(E, nu);
  CHECK(m.first_piola(Mat3::Identity()).norm() <= 1e-12 * E);
  // Rotations are stress free too (frame indifference).
  const Mat3 R = Eigen::AngleAxisd(0.7, Vec3(1, 2, 3).normalized()).toRotationMatrix();
  CHECK(m.first_piola(R).norm() <= 1e-10 * E);
  // Uniaxial stress at small strain: sigma_xx / eps_xx = E with lateral strain -nu eps.
  const double eps = 1e-6;
  Mat3 F = Mat3::Identity();
  F(0, 0) += eps;
  F(1, 1) -= nu * eps;
  F(2, 2) -= nu * eps;
  const Mat3 P = m.first_piola(F);
  // Linearisation error is O(eps) relative.
  CHECK(P(0, 0) / eps == Approx(E).epsilon(1e-4));
  CHECK(std::abs(P(1, 1)) <= 1e-4 * E * eps);
}
