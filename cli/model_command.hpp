// `backsim model`: generates a procedural back and writes it to HDF5.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace backsim::cli {

struct ModelCommandOptions {
  std::string preset = "healthy";        // healthy, desk-worker, low-back-pain, post-workout, pregnancy
  std::string resolution = "standard";   // coarse, standard, fine
  std::filesystem::path output;          // the .h5 file (written as OUTPUT.partial, then renamed)
  // Subject parameters overriding the preset, in SI units ("fat_scale", 1.3), applied in order.
  std::vector<std::pair<std::string, double>> subject_overrides;
  // With a seed: subject `subject_index` of the preset's virtual cohort; without: the
  // preset's nominal subject.
  std::optional<std::uint64_t> seed;
  std::uint64_t subject_index = 0;
  bool quiet = false;                    // no region table on stdout
};

// Returns an exit code (cli/exit_codes.hpp): usage for an unknown preset or
// resolution or subject parameter, invalid_input for a subject out of range,
// output_failure when the file cannot be written.
int run_model_command(const ModelCommandOptions& options);

}  // namespace backsim::cli
