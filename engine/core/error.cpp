#include "engine/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace backsim::detail {

void assert_fail(const char* cond, const char* msg, const char* file, int line) {
  std::fprintf(stderr, "backsim internal error: %s:%d: assertion '%s' failed: %s\n", file, line,
               cond, msg);
  std::abort();
}

}  // namespace backsim::detail
