// SHA-256 (FIPS 180-4), used to fingerprint the scenario text in run output.
#pragma once

#include <string>
#include <string_view>

namespace backsim {

// Lower-case hex digest (64 characters) of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace backsim
