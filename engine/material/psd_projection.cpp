#include "engine/material/psd_projection.hpp"

#include <Eigen/Eigenvalues>

namespace backsim {

Eigen::MatrixXd project_psd(const Eigen::MatrixXd& symmetric) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(symmetric);
  const Eigen::VectorXd clamped = eig.eigenvalues().cwiseMax(0.0);
  return eig.eigenvectors() * clamped.asDiagonal() * eig.eigenvectors().transpose();
}

}  // namespace backsim
