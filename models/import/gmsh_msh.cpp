#include "models/import/gmsh_msh.hpp"

#include "engine/core/error.hpp"
#include "models/import/text_cursor.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <unordered_map>

namespace backsim::models {
namespace {

// Nodes per element for the Gmsh types that are skipped (points, lines, surfaces).
int skipped_type_nodes(int type) {
  switch (type) {
    case 15: return 1;   // point
    case 1: return 2;    // line
    case 8: return 3;    // line3
    case 3: return 4;    // quad
    case 9: return 6;    // triangle6
    case 16: return 8;   // quad8
    case 10: return 9;   // quad9
    default: return -1;
  }
}

std::string_view volume_type_name(int type) {
  switch (type) {
    case 5: return "hexahedron";
    case 6: return "prism";
    case 7: return "pyramid";
    case 11: return "10-node tetrahedron";
    case 12: return "27-node hexahedron";
    case 13: return "18-node prism";
    case 14: return "14-node pyramid";
    case 17: return "20-node hexahedron";
    case 18: return "15-node prism";
    case 19: return "13-node pyramid";
    case 29: return "20-node tetrahedron";
    default: return {};
  }
}

// Reads numbers in the file's mode: tokens (ASCII) or raw values (binary, data-size 8).
class MshReader {
 public:
  MshReader(TextCursor& c, bool binary) : c_(c), binary_(binary) {}
  std::uint64_t size(std::string_view what) { return binary_ ? c_.binary<std::uint64_t>(what) : c_.unsigned_integer(what); }
  int integer(std::string_view what) {
    if (binary_) return c_.binary<std::int32_t>(what);
    const std::int64_t v = c_.integer(what);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
      c_.fail(fmt::format("{} = {} does not fit a 32-bit integer", what, v));
    return static_cast<int>(v);
  }
  double real(std::string_view what) { return binary_ ? c_.binary<double>(what) : c_.real(what); }
  // A count that must fit in what is left of the file (each item at least `min_bytes`).
  std::uint64_t count(std::string_view what, std::size_t min_bytes) {
    const std::uint64_t n = size(what);
    if (n > std::numeric_limits<std::uint32_t>::max() / 2 || n * min_bytes > remaining_)
      c_.fail(fmt::format("{} = {} is larger than the file can hold (truncated or corrupt file?)", what, n));
    return n;
  }
  void set_remaining(std::size_t bytes) { remaining_ = bytes; }

 private:
  TextCursor& c_;
  bool binary_;
  std::size_t remaining_ = 0;
};

void skip_section(TextCursor& c, std::string_view name) {
  const std::string end = "$End" + std::string(name.substr(1));
  while (true) {
    const std::string_view line = c.rest_of_line();
    if (line == end) return;
    if (c.at_end()) c.fail(fmt::format("unexpected end of file: section {} has no {}", name, end));
  }
}

}  // namespace

RawMesh read_gmsh_msh(const std::filesystem::path& path, const std::string& fibre_field) {
  const std::string data = read_file_bytes(path);
  TextCursor c(data, path.string());
  RawMesh raw;
  raw.element_word = "element";

  // $MeshFormat
  if (c.at_end()) c.fail("empty file; expected a Gmsh MSH 4.1 file starting with $MeshFormat");
  c.expect("$MeshFormat");
  const std::string_view version = c.token("the format version");
  if (version != "4.1")
    c.fail(fmt::format("MSH version \"{}\" is not supported; save the mesh as MSH 4.1 (Gmsh: -format msh41)", printable(version)));
  const std::int64_t file_type = c.integer("the file type (0 ASCII, 1 binary)");
  const std::int64_t data_size = c.integer("the data size");
  if (file_type != 0 && file_type != 1) c.fail(fmt::format("file type {} is neither 0 (ASCII) nor 1 (binary)", file_type));
  if (data_size != 8) c.fail(fmt::format("data size {} is not supported; expected 8 (64-bit size_t)", data_size));
  const bool binary = file_type == 1;
  c.skip_newline();
  if (binary) {
    // the endianness check: the integer 1
    if (c.binary<std::int32_t>("the endianness check") != 1)
      c.fail("the binary endianness check is not 1: the file is big-endian or corrupt");
    c.skip_newline();
  }
  c.expect("$EndMeshFormat");
  c.skip_newline();
  MshReader r(c, binary);

  std::map<std::pair<int, int>, int> entity_physical;  // (dim, entity tag) -> first physical tag
  std::map<int, std::string> physical_name;            // 3D/2D physical tag -> name
  std::unordered_map<std::uint64_t, Index> node_index;
  std::unordered_map<std::uint64_t, std::size_t> tet_of_tag;
  bool have_nodes = false, have_elements = false;
  const auto group_key = [&](int dim, int entity) -> std::string {
    const auto found = entity_physical.find({dim, entity});
    return found == entity_physical.end() || found->second == 0 ? std::string("none") : std::to_string(found->second);
  };

  while (!c.at_end()) {
    const std::string section(c.token("a section header"));
    if (section.empty() || section[0] != '$') c.fail(fmt::format("expected a section header ($Name), found \"{}\"", printable(section)));
    c.skip_newline();
    r.set_remaining(data.size() - c.offset());
    if (section == "$PhysicalNames") {
      const std::uint64_t n = c.unsigned_integer("the number of physical names");
      if (n > data.size()) c.fail("the number of physical names is larger than the file");
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::int64_t dim = c.integer("the physical dimension");
        const std::int64_t tag = c.integer("the physical tag");
        std::string name = c.quoted("physical name");
        if (dim >= 2) physical_name[static_cast<int>(tag)] = std::move(name);
      }
      c.skip_newline();
    } else if (section == "$Entities") {
      const std::uint64_t np = r.count("the number of points", 4), nc = r.count("the number of curves", 4),
                          ns = r.count("the number of surfaces", 4), nv = r.count("the number of volumes", 4);
      for (std::uint64_t i = 0; i < np; ++i) {
        r.integer("a point tag");
        for (int k = 0; k < 3; ++k) r.real("a point coordinate");
        const std::uint64_t nphys = r.count("the number of physical tags", 4);
        for (std::uint64_t k = 0; k < nphys; ++k) r.integer("a physical tag");
      }
      const std::uint64_t counts[3] = {nc, ns, nv};
      for (int dim = 1; dim <= 3; ++dim)
        for (std::uint64_t i = 0; i < counts[dim - 1]; ++i) {
          const int tag = r.integer("an entity tag");
          for (int k = 0; k < 6; ++k) r.real("a bounding box coordinate");
          const std::uint64_t nphys = r.count("the number of physical tags", 4);
          for (std::uint64_t k = 0; k < nphys; ++k) {
            const int phys = r.integer("a physical tag");
            if (k == 0) entity_physical[{dim, tag}] = phys;
          }
          const std::uint64_t nbound = r.count("the number of bounding entities", 4);
          for (std::uint64_t k = 0; k < nbound; ++k) r.integer("a bounding entity tag");
        }
      c.skip_newline();
    } else if (section == "$Nodes") {
      have_nodes = true;
      const std::uint64_t blocks = r.count("the number of node blocks", 4);
      const std::uint64_t total = r.count("the number of nodes", 8);
      r.size("the smallest node tag");
      r.size("the largest node tag");
      raw.nodes.reserve(total);
      for (std::uint64_t b = 0; b < blocks; ++b) {
        r.integer("the entity dimension");
        r.integer("the entity tag");
        const int parametric = r.integer("the parametric flag");
        const std::uint64_t n = r.count("the number of nodes in the block", 8);
        if (raw.nodes.size() + n > total) c.fail("the node blocks hold more nodes than the section header announces");
        std::vector<std::uint64_t> tags(n);
        for (auto& tag : tags) tag = r.size("a node tag");
        for (std::uint64_t i = 0; i < n; ++i) {
          Vec3 x;
          for (int k = 0; k < 3; ++k) x[k] = r.real("a node coordinate");
          if (parametric) c.fail("parametric node coordinates are not supported; save without them");
          if (!node_index.emplace(tags[i], static_cast<Index>(raw.nodes.size())).second)
            c.fail(fmt::format("node tag {} appears twice", tags[i]));
          raw.nodes.push_back(x);
        }
      }
      c.skip_newline();
    } else if (section == "$Elements") {
      have_elements = true;
      if (!have_nodes) c.fail("$Elements comes before $Nodes");
      const std::uint64_t blocks = r.count("the number of element blocks", 4);
      r.size("the number of elements");
      r.size("the smallest element tag");
      r.size("the largest element tag");
      for (std::uint64_t b = 0; b < blocks; ++b) {
        const int dim = r.integer("the entity dimension");
        const int entity = r.integer("the entity tag");
        const int type = r.integer("the element type");
        const std::uint64_t n = r.count("the number of elements in the block", 8);
        int nodes_per = 0;
        if (type == 4) nodes_per = 4;
        else if (type == 2) nodes_per = 3;
        else if (!volume_type_name(type).empty())
          c.fail(fmt::format("element block of {} elements of type {} ({}); only linear tetrahedra (type 4) "
                             "are supported: re-mesh with tetrahedra of order 1",
                             n, type, volume_type_name(type)));
        else if ((nodes_per = skipped_type_nodes(type)) < 0)
          c.fail(fmt::format("element type {} is not a Gmsh type this reader knows", type));
        const std::string key = group_key(dim, entity);
        for (std::uint64_t e = 0; e < n; ++e) {
          const std::uint64_t tag = r.size("an element tag");
          std::array<Index, 4> v{};
          for (int k = 0; k < nodes_per; ++k) {
            const std::uint64_t node_tag = r.size("an element node tag");
            if (type != 4 && type != 2) continue;
            const auto found = node_index.find(node_tag);
            if (found == node_index.end()) c.fail(fmt::format("element {} uses node {}, which $Nodes does not define", tag, node_tag));
            v[static_cast<std::size_t>(k)] = found->second;
          }
          if (type == 4) {
            tet_of_tag[tag] = raw.tets.size();
            raw.tets.push_back({v[0], v[1], v[2], v[3]});
            raw.tet_group.push_back(key);
            raw.tet_label.push_back(tag);
          } else if (type == 2) {
            raw.tris.push_back({v[0], v[1], v[2]});
            raw.tri_group.push_back(key);
          }
        }
      }
      c.skip_newline();
    } else if (section == "$ElementData") {
      const std::uint64_t nstrings = c.unsigned_integer("the number of string tags");
      std::string view_name;
      for (std::uint64_t i = 0; i < nstrings; ++i) {
        std::string s = c.quoted("a string tag");
        if (i == 0) view_name = std::move(s);
      }
      const std::uint64_t nreals = c.unsigned_integer("the number of real tags");
      for (std::uint64_t i = 0; i < nreals; ++i) c.real("a real tag");
      const std::uint64_t nints = c.unsigned_integer("the number of integer tags");
      if (nints < 3) c.fail("$ElementData needs 3 integer tags (time step, components, count)");
      std::int64_t components = 0, count = 0;
      for (std::uint64_t i = 0; i < nints; ++i) {
        const std::int64_t v = c.integer("an integer tag");
        if (i == 1) components = v;
        if (i == 2) count = v;
      }
      c.skip_newline();
      if (components < 1 || components > 9 || count < 0 || static_cast<std::uint64_t>(count) > data.size())
        c.fail(fmt::format("$ElementData \"{}\" has {} components and {} values: not a valid view", view_name, components, count));
      const bool wanted = !fibre_field.empty() && view_name == fibre_field;
      if (wanted && components != 3) c.fail(fmt::format("fibre field \"{}\" has {} components; expected 3", view_name, components));
      if (wanted) raw.fibre.assign(raw.tets.size(), Vec3::Constant(std::numeric_limits<double>::quiet_NaN()));
      for (std::int64_t i = 0; i < count; ++i) {
        const std::uint64_t tag = binary ? static_cast<std::uint64_t>(c.binary<std::int32_t>("an element tag")) : c.unsigned_integer("an element tag");
        Vec3 value = Vec3::Zero();
        for (std::int64_t k = 0; k < components; ++k) {
          const double v = binary ? c.binary<double>("a field value") : c.real("a field value");
          if (k < 3) value[k] = v;
        }
        if (!wanted) continue;
        const auto found = tet_of_tag.find(tag);
        if (found != tet_of_tag.end()) raw.fibre[found->second] = value;
      }
      c.skip_newline();
      if (wanted)
        for (std::size_t t = 0; t < raw.fibre.size(); ++t)
          if (std::isnan(raw.fibre[t].x()))
            c.fail(fmt::format("fibre field \"{}\" has no value for element {}", fibre_field, raw.tet_label[t]));
    } else {
      skip_section(c, section);
      continue;
    }
    const std::string end = "$End" + section.substr(1);
    c.expect(end);
    c.skip_newline();
  }
  if (!have_nodes || !have_elements)
    c.fail(fmt::format("the file has no {} section (truncated?)", have_nodes ? "$Elements" : "$Nodes"));
  if (!fibre_field.empty() && raw.fibre.empty())
    c.fail(fmt::format("the file has no $ElementData view named \"{}\" (the fibre field)", fibre_field));

  // groups in the file (physical groups of volumes and surfaces)
  std::map<std::string, std::string> groups;
  for (const std::string& key : raw.tet_group) groups.emplace(key, "");
  for (const std::string& key : raw.tri_group) groups.emplace(key, "");
  for (auto& [key, name] : groups) {
    if (key == "none") continue;
    const auto found = physical_name.find(std::stoi(key));
    if (found != physical_name.end()) name = found->second;
  }
  for (const auto& [key, name] : groups) raw.groups.push_back({key, name});
  return raw;
}

void write_gmsh_msh(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris,
                    const std::string& bone_group, bool binary) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw OutputFailure(fmt::format("{}: cannot open for writing", path.string()));
  const auto regions = static_cast<int>(mesh.region_names.size());
  const auto put_size = [&](std::uint64_t v) {
    if (binary) out.write(reinterpret_cast<const char*>(&v), sizeof v);
    else out << v << ' ';
  };
  const auto put_int = [&](std::int32_t v) {
    if (binary) out.write(reinterpret_cast<const char*>(&v), sizeof v);
    else out << v << ' ';
  };
  const auto put_real = [&](double v) {
    if (binary) out.write(reinterpret_cast<const char*>(&v), sizeof v);
    else out << fmt::format("{:.17g} ", v);
  };
  const auto end_line = [&] { if (!binary) out << '\n'; };

  out << "$MeshFormat\n4.1 " << (binary ? 1 : 0) << " 8\n";
  if (binary) {
    put_int(1);
    out << '\n';
  }
  out << "$EndMeshFormat\n";
  const bool with_bone = !bone_tris.empty();
  out << "$PhysicalNames\n" << regions + (with_bone ? 1 : 0) << '\n';
  for (int r = 0; r < regions; ++r) out << "3 " << r + 1 << " \"" << mesh.region_names[static_cast<std::size_t>(r)] << "\"\n";
  if (with_bone) out << "2 " << regions + 1 << " \"" << bone_group << "\"\n";
  out << "$EndPhysicalNames\n";

  // bounding box of the whole mesh for every entity (Gmsh only uses it as a hint)
  Vec3 lo = Vec3::Constant(0), hi = Vec3::Constant(0);
  if (!mesh.nodes.empty()) {
    lo = hi = mesh.nodes.front();
    for (const Vec3& x : mesh.nodes) {
      lo = lo.cwiseMin(x);
      hi = hi.cwiseMax(x);
    }
  }
  out << "$Entities\n";
  put_size(0); put_size(0); put_size(with_bone ? 1 : 0); put_size(static_cast<std::uint64_t>(regions)); end_line();
  const auto entity = [&](int tag, int physical) {
    put_int(tag);
    for (int k = 0; k < 3; ++k) put_real(lo[k]);
    for (int k = 0; k < 3; ++k) put_real(hi[k]);
    put_size(1); put_int(physical); put_size(0); end_line();
  };
  if (with_bone) entity(1, regions + 1);
  for (int r = 0; r < regions; ++r) entity(r + 1, r + 1);
  if (binary) out << '\n';
  out << "$EndEntities\n";

  out << "$Nodes\n";
  const auto n = static_cast<std::uint64_t>(mesh.nodes.size());
  put_size(1); put_size(n); put_size(1); put_size(n); end_line();
  put_int(3); put_int(1); put_int(0); put_size(n); end_line();
  for (std::uint64_t i = 0; i < n; ++i) { put_size(i + 1); end_line(); }
  for (const Vec3& x : mesh.nodes) { put_real(x.x()); put_real(x.y()); put_real(x.z()); end_line(); }
  if (binary) out << '\n';
  out << "$EndNodes\n";

  // runs of equal regions keep the tet order
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // [begin, end)
  for (std::size_t t = 0; t < mesh.tets.size();) {
    std::size_t e = t + 1;
    while (e < mesh.tets.size() && mesh.region[e] == mesh.region[t]) ++e;
    runs.emplace_back(t, e);
    t = e;
  }
  const std::uint64_t elements = mesh.tets.size() + bone_tris.size();
  out << "$Elements\n";
  put_size(runs.size() + (with_bone ? 1 : 0)); put_size(elements); put_size(1); put_size(elements); end_line();
  std::uint64_t tag = 1;
  for (const auto& [b, e] : runs) {
    put_int(3); put_int(mesh.region[b] + 1); put_int(4); put_size(e - b); end_line();
    for (std::size_t t = b; t < e; ++t) {
      put_size(tag++);
      for (Index v : mesh.tets[t]) put_size(static_cast<std::uint64_t>(v) + 1);
      end_line();
    }
  }
  if (with_bone) {
    put_int(2); put_int(1); put_int(2); put_size(bone_tris.size()); end_line();
    for (const Tri& tri : bone_tris) {
      put_size(tag++);
      for (Index v : tri) put_size(static_cast<std::uint64_t>(v) + 1);
      end_line();
    }
  }
  if (binary) out << '\n';
  out << "$EndElements\n";

  if (mesh.fibre.size() == mesh.tets.size() && !mesh.tets.empty()) {
    out << "$ElementData\n1\n\"fibre\"\n1\n0\n3\n0\n3\n" << mesh.tets.size() << '\n';
    for (std::size_t t = 0; t < mesh.tets.size(); ++t) {
      if (binary) {
        const auto element = static_cast<std::int32_t>(t + 1);
        out.write(reinterpret_cast<const char*>(&element), sizeof element);
      } else {
        out << t + 1 << ' ';
      }
      for (int k = 0; k < 3; ++k) put_real(mesh.fibre[t][k]);
      end_line();
    }
    if (binary) out << '\n';
    out << "$EndElementData\n";
  }
  out.close();
  if (!out) throw OutputFailure(fmt::format("{}: write failed", path.string()));
}

}  // namespace backsim::models
