#include "cli/model_command.hpp"

#include "cli/exit_codes.hpp"
#include "engine/core/error.hpp"
#include "models/back/back_mesher.hpp"
#include "models/back/back_regions.hpp"
#include "models/io/model_writer.hpp"
#include "models/io/model_xdmf.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <vector>

namespace backsim::cli {
namespace {

// One row per region: elements, volume and the mean fibre direction (the normalised
// sum of the element fibres, volume weighted; a fibre's sign is arbitrary, so each is
// flipped to agree with the first before summing).
void print_region_table(const models::BackModel& model) {
  const TetMesh& mesh = model.mesh;
  const std::size_t regions = mesh.region_names.size();
  std::vector<std::size_t> count(regions, 0);
  std::vector<double> volume(regions, 0.0);
  std::vector<Vec3> fibre(regions, Vec3::Zero());
  std::vector<Vec3> reference(regions, Vec3::Zero());
  for (Index t = 0; t < mesh.tet_count(); ++t) {
    const auto r = static_cast<std::size_t>(mesh.region[t]);
    const double v = signed_volume(mesh, t);
    ++count[r];
    volume[r] += v;
    Vec3 f = mesh.fibre[t];
    if (f.isZero()) continue;
    if (reference[r].isZero()) reference[r] = f;
    if (f.dot(reference[r]) < 0) f = -f;
    fibre[r] += v * f;
  }
  fmt::print("{:<28} {:>9} {:>12}   {}\n", "region", "elements", "volume cm^3", "mean fibre (x, y, z)");
  for (std::size_t r = 0; r < regions; ++r) {
    const std::string direction =
        fibre[r].norm() > 0 ? fmt::format("({:+.2f}, {:+.2f}, {:+.2f})", fibre[r].normalized().x(),
                                          fibre[r].normalized().y(), fibre[r].normalized().z())
                            : std::string("-");
    fmt::print("{:<28} {:>9} {:>12.1f}   {}\n", mesh.region_names[r], count[r], volume[r] * 1e6, direction);
  }
  const MeshQuality& q = model.quality;
  fmt::print("\n{} nodes, {} tets ({}), {} held nodes, {} bone-surface triangles; generated in {:.3f} s\n",
             mesh.node_count(), mesh.tet_count(), models::resolution_name(model.resolution), model.held_nodes.size(),
             model.bone_surface.tris.size(), model.generation_seconds);
  fmt::print("quality: min dihedral {:.2f} deg, max dihedral {:.2f} deg, worst aspect ratio {:.2f}, min volume {:.3g} m^3\n",
             q.min_dihedral_deg, q.max_dihedral_deg, q.worst_aspect_ratio, q.min_volume);
}

}  // namespace

int run_model_command(const ModelCommandOptions& options) {
  const std::optional<models::Condition> condition = models::condition_from_name(options.preset);
  if (!condition) {
    fmt::print(stderr, "backsim model: unknown preset \"{}\"; allowed: {}\n", options.preset, models::condition_names());
    return exit_code::usage;
  }
  const std::optional<models::Resolution> resolution = models::resolution_from_name(options.resolution);
  if (!resolution) {
    fmt::print(stderr, "backsim model: unknown resolution \"{}\"; allowed: {}\n", options.resolution,
               models::resolution_names());
    return exit_code::usage;
  }
  if (options.output.empty()) {
    fmt::print(stderr, "backsim model: an output file is required (-o back.h5)\n");
    return exit_code::usage;
  }
  models::SubjectParams subject = options.seed ? models::sample_subject(*condition, *options.seed, options.subject_index)
                                               : models::preset_subject(*condition);
  try {
    for (const auto& [name, value] : options.subject_overrides) models::set_subject_parameter(subject, name, value);
  } catch (const InvalidInput& error) {
    fmt::print(stderr, "backsim model: {}\n", error.what());
    return exit_code::usage;
  }
  try {
    const models::BackModel model = models::generate_back(subject, *resolution);
    models::write_back_model_hdf5(model, options.output);
    models::write_back_model_xdmf(options.output);
    if (!options.quiet) {
      print_region_table(model);
      fmt::print("wrote {}\n", options.output.string());
    }
  } catch (const InvalidInput& error) {
    fmt::print(stderr, "backsim model: {}\n", error.what());
    return exit_code::invalid_input;
  } catch (const OutputFailure& error) {
    fmt::print(stderr, "backsim model: {}\n", error.what());
    return exit_code::output_failure;
  }
  return exit_code::ok;
}

}  // namespace backsim::cli
