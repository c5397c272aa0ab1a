// `backsim validate`: checks a scenario file without running it.
#pragma once

#include <filesystem>

namespace backsim::cli {

// Prints every problem as file:line:col: message; returns an exit code.
int run_validate_command(const std::filesystem::path& scenario);

}  // namespace backsim::cli
