// Central finite differences for derivative checks.
#pragma once

#include <Eigen/Core>

#include <functional>

namespace backsim::test {

// Gradient of f at x by central differences with step h.
inline Eigen::VectorXd fd_gradient(const std::function<double(const Eigen::VectorXd&)>& f,
                                   const Eigen::VectorXd& x, double h) {
  Eigen::VectorXd g(x.size());
  Eigen::VectorXd xp = x, xm = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    xp(i) = x(i) + h;
    xm(i) = x(i) - h;
    g(i) = (f(xp) - f(xm)) / (2 * h);
    xp(i) = xm(i) = x(i);
  }
  return g;
}

// Jacobian of a vector function by central differences (column i = d f / d x_i).
inline Eigen::MatrixXd fd_jacobian(const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& f,
                                   const Eigen::VectorXd& x, double h) {
  const Eigen::VectorXd f0 = f(x);
  Eigen::MatrixXd J(f0.size(), x.size());
  Eigen::VectorXd xp = x, xm = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    xp(i) = x(i) + h;
    xm(i) = x(i) - h;
    J.col(i) = (f(xp) - f(xm)) / (2 * h);
    xp(i) = xm(i) = x(i);
  }
  return J;
}

// Relative difference |a - b| / max(|a|, |b|, floor).
inline double relative_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double floor = 0.0) {
  const double scale = std::max({a.norm(), b.norm(), floor});
  return scale > 0 ? (a - b).norm() / scale : 0.0;
}

}  // namespace backsim::test
