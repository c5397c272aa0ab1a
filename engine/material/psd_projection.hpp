// Projection of a symmetric matrix to the nearest positive semi-definite one (in
// the Frobenius norm): eigenvalues below zero are set to zero. Used where no
// analytic eigensystem is available, and as the reference that tests compare the
// analytic projections against.
#pragma once

#include <Eigen/Core>

namespace backsim {

Eigen::MatrixXd project_psd(const Eigen::MatrixXd& symmetric);

}  // namespace backsim
