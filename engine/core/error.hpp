// Errors that leave the engine. User-facing input errors are validated before the
// engine runs (scenarios/); inside the engine, preconditions are asserted.
#pragma once

#include <stdexcept>
#include <string>

namespace backsim {

// A solve that cannot continue: non-convergence, an inverted element, a non-finite
// value. The message is a diagnostic for a person (what, where, when, what to try).
class SolverFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Input that does not describe a valid problem (mesh loader, scenario loader).
class InvalidInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writing results failed (disk full, permission, HDF5 error).
class OutputFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace backsim

// Internal invariant: a violated one is a bug in backsim, not a user error.
#define BACKSIM_ASSERT(cond, msg)                                                   \
  do {                                                                              \
    if (!(cond)) ::backsim::detail::assert_fail(#cond, msg, __FILE__, __LINE__);    \
  } while (0)

namespace backsim::detail {
[[noreturn]] void assert_fail(const char* cond, const char* msg, const char* file, int line);
}  // namespace backsim::detail
