// Catch2 main for every backsim test executable. Floating-point traps are on:
// an invalid operation, a division by zero or an overflow stops the test there.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cfenv>

int main(int argc, char* argv[]) {
  feenableexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW);
  return Catch::Session().run(argc, argv);
}
