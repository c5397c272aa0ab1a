#include "models/io/model_writer.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "models/back/layer_profile.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <array>
#include <cstring>
#include <utility>

namespace backsim::models {
namespace {

// The engine's owning HDF5 handles (each closes its id exactly once).
using File = io_detail::FileHandle;
using Group = io_detail::GroupHandle;
using Dataset = io_detail::DatasetHandle;
using Space = io_detail::DataspaceHandle;
using Type = io_detail::DatatypeHandle;
using Attribute = io_detail::AttributeHandle;

class Writer {
 public:
  explicit Writer(const std::filesystem::path& path) : path_(path) {}

  [[noreturn]] void fail(std::string_view what) const {
    throw OutputFailure(fmt::format("{}: cannot write {} (HDF5 error)", path_.string(), what));
  }
  hid_t check(hid_t id, std::string_view what) const {
    if (id < 0) fail(what);
    return id;
  }
  void check_status(herr_t status, std::string_view what) const {
    if (status < 0) fail(what);
  }

  void group(hid_t file, const char* name) {
    Group g(check(H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
  }

  template <class T>
  void dataset(hid_t file, const char* name, hid_t file_type, hid_t memory_type, const T* data, hsize_t rows,
               hsize_t columns) {
    const std::array<hsize_t, 2> dims{rows, columns};
    Space space(check(H5Screate_simple(columns == 0 ? 1 : 2, dims.data(), nullptr), name));
    Dataset set(check(H5Dcreate2(file, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
    if (rows > 0) check_status(H5Dwrite(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
  }

  void strings(hid_t file, const char* name, const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    for (const std::string& v : values) pointers.push_back(v.c_str());
    Type type(check(H5Tcopy(H5T_C_S1), name));
    check_status(H5Tset_size(type.get(), H5T_VARIABLE), name);
    check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), name);
    const hsize_t n = values.size();
    Space space(check(H5Screate_simple(1, &n, nullptr), name));
    Dataset set(check(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
    if (n > 0) check_status(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), name);
  }

  void attribute(hid_t object, const char* name, double value) {
    Space space(check(H5Screate(H5S_SCALAR), name));
    Attribute a(check(H5Acreate2(object, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), name));
    check_status(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), name);
  }

  void attribute(hid_t object, const char* name, const std::string& value) {
    Type type(check(H5Tcopy(H5T_C_S1), name));
    check_status(H5Tset_size(type.get(), H5T_VARIABLE), name);
    check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), name);
    Space space(check(H5Screate(H5S_SCALAR), name));
    Attribute a(check(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), name));
    const char* text = value.c_str();
    check_status(H5Awrite(a.get(), type.get(), &text), name);
  }

 private:
  std::filesystem::path path_;
};

void write_contents(Writer& w, hid_t file, const BackModel& model) {
  const TetMesh& mesh = model.mesh;
  const auto T = static_cast<hsize_t>(mesh.tet_count());
  w.group(file, "/mesh");
  w.dataset(file, "/mesh/nodes", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, mesh.nodes.empty() ? nullptr : mesh.nodes.front().data(),
            mesh.nodes.size(), 3);
  w.dataset(file, "/mesh/tets", H5T_STD_U32LE, H5T_NATIVE_UINT32, mesh.tets.empty() ? nullptr : mesh.tets.front().data(), T, 4);
  w.dataset(file, "/mesh/region", H5T_STD_I32LE, H5T_NATIVE_INT32, mesh.region.data(), T, 0);
  w.strings(file, "/mesh/region_names", mesh.region_names);
  w.dataset(file, "/mesh/fibre", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, mesh.fibre.empty() ? nullptr : mesh.fibre.front().data(), T, 3);
  w.dataset(file, "/mesh/layer", H5T_STD_U8LE, H5T_NATIVE_UINT8, model.tet_layer.data(), T, 0);
  std::vector<std::string> layers;
  for (int l = 0; l < kLayerCount; ++l) layers.emplace_back(layer_name(static_cast<Layer>(l)));
  w.strings(file, "/mesh/layer_names", layers);
  w.dataset(file, "/mesh/held_nodes", H5T_STD_U32LE, H5T_NATIVE_UINT32, model.held_nodes.data(), model.held_nodes.size(), 0);
  const BoneSurface& bone = model.bone_surface;
  w.dataset(file, "/mesh/bone_tris", H5T_STD_U32LE, H5T_NATIVE_UINT32, bone.tris.empty() ? nullptr : bone.tris.front().data(),
            bone.tris.size(), 3);
  std::vector<std::uint8_t> kinds(bone.bone.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i] = static_cast<std::uint8_t>(bone.bone[i]);
  w.dataset(file, "/mesh/bone", H5T_STD_U8LE, H5T_NATIVE_UINT8, kinds.data(), kinds.size(), 0);
  std::vector<std::string> bone_names;
  for (int b = 0; b < kBoneCount; ++b) bone_names.emplace_back(bone_name(static_cast<Bone>(b)));
  w.strings(file, "/mesh/bone_names", bone_names);

  w.group(file, "/materials");
  std::vector<double> e, nu, rho;
  for (const MaterialParams& p : model.region_material) {
    e.push_back(p.youngs_modulus);
    nu.push_back(p.poisson_ratio);
    rho.push_back(p.density);
  }
  w.dataset(file, "/materials/youngs_modulus", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, e.data(), e.size(), 0);
  w.dataset(file, "/materials/poisson_ratio", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, nu.data(), nu.size(), 0);
  w.dataset(file, "/materials/density", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rho.data(), rho.size(), 0);

  w.group(file, "/landmarks");
  std::vector<std::string> names;
  std::vector<double> skin, footprint;
  for (const Landmark& l : model.landmarks) {
    names.push_back(l.name);
    skin.insert(skin.end(), {l.skin.x(), l.skin.y(), l.skin.z()});
    footprint.insert(footprint.end(), {l.footprint.x(), l.footprint.y()});
  }
  w.strings(file, "/landmarks/names", names);
  w.dataset(file, "/landmarks/skin", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, skin.data(), names.size(), 3);
  w.dataset(file, "/landmarks/footprint", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, footprint.data(), names.size(), 2);

  w.group(file, "/tone");
  w.dataset(file, "/tone/element", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, model.tet_tone.data(), T, 0);
  std::vector<std::string> tp_names;
  std::vector<double> centre, radius, extra;
  for (const PlacedTriggerPoint& p : model.trigger_points) {
    tp_names.push_back(p.name);
    centre.insert(centre.end(), {p.centre.x(), p.centre.y(), p.centre.z()});
    radius.push_back(p.radius);
    extra.push_back(p.extra_tone);
  }
  w.strings(file, "/tone/trigger_point_names", tp_names);
  w.dataset(file, "/tone/trigger_point_centre", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, centre.data(), tp_names.size(), 3);
  w.dataset(file, "/tone/trigger_point_radius", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, radius.data(), radius.size(), 0);
  w.dataset(file, "/tone/trigger_point_extra", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, extra.data(), extra.size(), 0);

  {
    Group subject(w.check(H5Gcreate2(file, "/subject", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "/subject"));
    const SubjectParams& s = model.subject;
    const std::pair<const char*, double> values[] = {
        {"back_length", s.back_length},     {"shoulder_width", s.shoulder_width}, {"scapular_width", s.scapular_width},
        {"waist_width", s.waist_width},     {"hip_width", s.hip_width},           {"kyphosis", s.kyphosis},
        {"lordosis", s.lordosis},           {"skin_thickness", s.skin_thickness}, {"fat_scale", s.fat_scale},
        {"muscle_scale", s.muscle_scale},   {"fascia_scale", s.fascia_scale},     {"stiffness_scale", s.stiffness_scale},
        {"baseline_tone", s.baseline_tone}};
    for (const auto& [name, value] : values) w.attribute(subject.get(), name, value);
    w.attribute(subject.get(), "condition", std::string(condition_name(s.condition)));
    w.attribute(subject.get(), "posture", std::string(posture_name(s.posture)));
  }
  w.attribute(file, "resolution", std::string(resolution_name(model.resolution)));
  w.attribute(file, "generator", std::string("backsim models"));
}

}  // namespace

void write_back_model_hdf5(const BackModel& model, const std::filesystem::path& path) {
  const std::filesystem::path partial = path.string() + ".partial";
  Writer w(partial);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become OutputFailure, not stderr noise
  {
    File file(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (file.get() < 0) throw OutputFailure(fmt::format("{}: cannot create the file (directory missing? permissions?)", partial.string()));
    write_contents(w, file.get(), model);
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) w.fail("the file");
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw OutputFailure(fmt::format("{}: cannot rename {} to it: {}", path.string(), partial.string(), error.message()));
}

}  // namespace backsim::models
