#include "models/import/vtk_mesh.hpp"

#include "engine/core/error.hpp"
#include "models/import/base64.hpp"
#include "models/import/text_cursor.hpp"
#include "models/import/vtk_binary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace backsim::models {
namespace {

constexpr int kVtkTriangle = 5;
constexpr int kVtkTetra = 10;

bool skipped_cell_type(std::int64_t type) {
  return type == 1 || type == 2 || type == 3 || type == 4 || type == 6 || type == 7 || type == 9;
}

std::string_view cell_type_name(std::int64_t type) {
  switch (type) {
    case 11: return "voxel";
    case 12: return "hexahedron";
    case 13: return "wedge";
    case 14: return "pyramid";
    case 24: return "quadratic tetrahedron";
    case 25: return "quadratic hexahedron";
    case 42: return "polyhedron";
    default: return "cell";
  }
}

// Cells (connectivity by cell) and their fields, before classification.
struct CellTable {
  std::vector<Vec3> points;
  std::vector<std::vector<std::int64_t>> cells;
  std::vector<std::int64_t> types;
  std::optional<std::vector<double>> region;  // [cell]
  std::optional<std::vector<Vec3>> fibre;     // [cell]
};

RawMesh classify(const CellTable& table, TextCursor& c, const std::string& region_field, const std::string& fibre_field) {
  if (table.types.size() != table.cells.size())
    c.fail(fmt::format("{} cell types for {} cells", table.types.size(), table.cells.size()));
  if (!table.region)
    c.fail(fmt::format("no cell field \"{}\" (the region of each cell); name it with region_field", region_field));
  if (!fibre_field.empty() && !table.fibre) c.fail(fmt::format("no 3-component cell field \"{}\" (the fibre field)", fibre_field));
  RawMesh raw;
  raw.element_word = "cell";
  raw.nodes = table.points;
  std::set<std::int64_t> groups;
  for (std::size_t i = 0; i < table.cells.size(); ++i) {
    const std::int64_t type = table.types[i];
    const auto& conn = table.cells[i];
    const double value = (*table.region)[i];
    if (type != kVtkTetra && type != kVtkTriangle) {
      if (skipped_cell_type(type)) continue;
      c.fail(fmt::format("cell {} is a {} (VTK type {}); only linear tetrahedra (type 10) are supported",
                         i, cell_type_name(type), type));
    }
    const std::size_t need = type == kVtkTetra ? 4 : 3;
    if (conn.size() != need) c.fail(fmt::format("cell {} of type {} has {} points; expected {}", i, type, conn.size(), need));
    for (std::int64_t p : conn)
      if (p < 0 || static_cast<std::size_t>(p) >= table.points.size())
        c.fail(fmt::format("cell {} uses point {}, but there are {} points", i, p, table.points.size()));
    if (!std::isfinite(value) || value != std::floor(value) || std::fabs(value) > 1e15)
      c.fail(fmt::format("cell {} has region value {}; expected an integer", i, value));
    const auto group = static_cast<std::int64_t>(value);
    groups.insert(group);
    if (type == kVtkTetra) {
      raw.tets.push_back({static_cast<Index>(conn[0]), static_cast<Index>(conn[1]), static_cast<Index>(conn[2]),
                          static_cast<Index>(conn[3])});
      raw.tet_group.push_back(std::to_string(group));
      raw.tet_label.push_back(i);
      if (table.fibre) raw.fibre.push_back((*table.fibre)[i]);
    } else {
      raw.tris.push_back({static_cast<Index>(conn[0]), static_cast<Index>(conn[1]), static_cast<Index>(conn[2])});
      raw.tri_group.push_back(std::to_string(group));
    }
  }
  for (std::int64_t g : groups) raw.groups.push_back({std::to_string(g), ""});
  return raw;
}

std::size_t checked_count(TextCursor& c, std::string_view what, std::size_t file_size) {
  const std::uint64_t n = c.unsigned_integer(what);
  if (n > file_size || n > std::numeric_limits<std::uint32_t>::max() / 2)
    c.fail(fmt::format("{} = {} is larger than the file can hold (truncated or corrupt file?)", what, n));
  return static_cast<std::size_t>(n);
}

// ---- legacy ----

void read_legacy_values(TextCursor& c, std::size_t count, std::vector<double>& out) {
  out.resize(count);
  for (double& v : out) v = c.real("a data value");
}

}  // namespace

RawMesh read_vtk_legacy(const std::filesystem::path& path, const std::string& region_field, const std::string& fibre_field) {
  const std::string data = read_file_bytes(path);
  TextCursor c(data, path.string());
  const std::string_view header = c.rest_of_line();
  if (header.rfind("# vtk DataFile Version", 0) != 0)
    c.fail(fmt::format("expected \"# vtk DataFile Version x.x\" on the first line, found \"{}\"", printable(header)));
  c.rest_of_line();  // title
  const std::string_view encoding = c.token("ASCII or BINARY");
  if (encoding != "ASCII") c.fail(fmt::format("encoding \"{}\" is not supported; save the legacy file as ASCII", printable(encoding)));
  c.expect("DATASET");
  const std::string_view dataset = c.token("the dataset type");
  if (dataset != "UNSTRUCTURED_GRID") c.fail(fmt::format("dataset \"{}\" is not an UNSTRUCTURED_GRID", printable(dataset)));

  CellTable table;
  std::size_t cell_data_count = 0;
  std::size_t point_data_count = 0;
  bool in_cell_data = false;
  while (!c.at_end()) {
    const std::string key(c.token("a keyword"));
    if (key == "POINTS") {
      const std::size_t n = checked_count(c, "the number of points", data.size());
      c.token("the point type");
      table.points.resize(n);
      for (Vec3& p : table.points)
        for (int k = 0; k < 3; ++k) p[k] = c.real("a point coordinate");
    } else if (key == "CELLS") {
      const std::size_t n = checked_count(c, "the number of cells", data.size());
      const std::size_t size = checked_count(c, "the size of the cell list", data.size());
      const std::string_view next = c.token("the cell list");
      if (next == "OFFSETS") {  // VTK 5.1: n = offsets count, size = connectivity size
        c.token("the offset type");
        std::vector<std::int64_t> offsets(n);
        for (auto& o : offsets) o = c.integer("an offset");
        c.expect("CONNECTIVITY");
        c.token("the connectivity type");
        std::vector<std::int64_t> conn(size);
        for (auto& v : conn) v = c.integer("a point index");
        if (n == 0) c.fail("OFFSETS is empty");
        for (std::size_t i = 0; i + 1 < n; ++i) {
          if (offsets[i] < 0 || offsets[i + 1] < offsets[i] || static_cast<std::size_t>(offsets[i + 1]) > size)
            c.fail(fmt::format("OFFSETS[{}] = {} is not a valid offset", i + 1, offsets[i + 1]));
          table.cells.emplace_back(conn.begin() + offsets[i], conn.begin() + offsets[i + 1]);
        }
      } else {
        std::int64_t first = 0;
        {
          const auto [end, ec] = std::from_chars(next.data(), next.data() + next.size(), first);
          if (ec != std::errc() || end != next.data() + next.size()) c.fail(fmt::format("expected a point count, found \"{}\"", printable(next)));
        }
        std::size_t used = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const std::int64_t k = i == 0 ? first : c.integer("a cell's point count");
          if (k < 0 || used + 1 + static_cast<std::size_t>(k) > size) c.fail(fmt::format("cell {} overruns the cell list", i));
          used += 1 + static_cast<std::size_t>(k);
          std::vector<std::int64_t> cell(static_cast<std::size_t>(k));
          for (auto& v : cell) v = c.integer("a point index");
          table.cells.push_back(std::move(cell));
        }
      }
    } else if (key == "CELL_TYPES") {
      const std::size_t n = checked_count(c, "the number of cell types", data.size());
      table.types.resize(n);
      for (auto& t : table.types) t = c.integer("a cell type");
    } else if (key == "CELL_DATA" || key == "POINT_DATA") {
      const std::size_t n = checked_count(c, "the number of values", data.size());
      in_cell_data = key == "CELL_DATA";
      (in_cell_data ? cell_data_count : point_data_count) = n;
      if (in_cell_data && n != table.cells.size()) c.fail(fmt::format("CELL_DATA {} does not match the {} cells", n, table.cells.size()));
    } else if (key == "SCALARS" || key == "VECTORS" || key == "NORMALS") {
      const std::string name(c.token("the array name"));
      c.token("the data type");
      std::size_t components = key == "SCALARS" ? 1 : 3;
      if (key == "SCALARS") {
        // optional component count, then LOOKUP_TABLE
        std::string_view t = c.token("LOOKUP_TABLE");
        if (t != "LOOKUP_TABLE") {
          components = static_cast<std::size_t>(std::clamp<std::int64_t>(std::atoll(std::string(t).c_str()), 1, 4));
          c.expect("LOOKUP_TABLE");
        }
        c.token("the lookup table name");
      }
      const std::size_t tuples = in_cell_data ? cell_data_count : point_data_count;
      std::vector<double> values;
      read_legacy_values(c, tuples * components, values);
      if (!in_cell_data) continue;
      if (name == region_field) {
        if (components != 1) c.fail(fmt::format("region field \"{}\" has {} components; expected 1", name, components));
        table.region = values;
      } else if (!fibre_field.empty() && name == fibre_field) {
        if (components != 3) c.fail(fmt::format("fibre field \"{}\" has {} components; expected 3", name, components));
        std::vector<Vec3> f(tuples);
        for (std::size_t i = 0; i < tuples; ++i) f[i] = Vec3(values[3 * i], values[3 * i + 1], values[3 * i + 2]);
        table.fibre = std::move(f);
      }
    } else if (key == "FIELD") {
      c.token("the field name");
      const std::size_t arrays = checked_count(c, "the number of arrays", data.size());
      for (std::size_t a = 0; a < arrays; ++a) {
        const std::string name(c.token("the array name"));
        const std::size_t components = checked_count(c, "the number of components", data.size());
        const std::size_t tuples = checked_count(c, "the number of tuples", data.size());
        c.token("the data type");
        std::vector<double> values;
        read_legacy_values(c, components * tuples, values);
        if (!in_cell_data) continue;
        if (name == region_field && components == 1) table.region = values;
        if (!fibre_field.empty() && name == fibre_field && components == 3) {
          std::vector<Vec3> f(tuples);
          for (std::size_t i = 0; i < tuples; ++i) f[i] = Vec3(values[3 * i], values[3 * i + 1], values[3 * i + 2]);
          table.fibre = std::move(f);
        }
      }
    } else {
      c.fail(fmt::format("unknown keyword \"{}\" in a legacy VTK unstructured grid", printable(key)));
    }
  }
  if (table.points.empty() || table.cells.empty()) c.fail("the file has no POINTS or no CELLS (truncated?)");
  if (table.region && table.region->size() != table.cells.size()) c.fail("the region field does not have one value per cell");
  return classify(table, c, region_field, fibre_field);
}

// ---- XML (.vtu) ----
namespace {

struct XmlArray {
  std::string section;  // Points, Cells, CellData, PointData
  std::map<std::string, std::string> attributes;
  std::size_t content_begin = 0;
  std::size_t content_end = 0;
};

int line_at(std::string_view data, std::size_t offset) {
  return 1 + static_cast<int>(std::count(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(std::min(offset, data.size())), '\n'));
}

std::map<std::string, std::string> parse_attributes(std::string_view tag, TextCursor& c) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i < tag.size()) {
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\n' || tag[i] == '\t' || tag[i] == '\r' || tag[i] == '/')) ++i;
    const std::size_t name_begin = i;
    while (i < tag.size() && tag[i] != '=' && tag[i] != ' ') ++i;
    if (i >= tag.size()) break;
    const std::string name(tag.substr(name_begin, i - name_begin));
    if (tag[i] != '=' || i + 1 >= tag.size() || tag[i + 1] != '"') c.fail(fmt::format("malformed XML attribute \"{}\"", printable(name)));
    const std::size_t value_begin = i + 2;
    const std::size_t value_end = tag.find('"', value_begin);
    if (value_end == std::string_view::npos) c.fail("unterminated XML attribute value");
    out[name] = std::string(tag.substr(value_begin, value_end - value_begin));
    i = value_end + 1;
  }
  return out;
}

}  // namespace

RawMesh read_vtu(const std::filesystem::path& path, const std::string& region_field, const std::string& fibre_field) {
  const std::string data = read_file_bytes(path);
  TextCursor top(data, path.string());
  if (data.find("<VTKFile") == std::string::npos || data.find("UnstructuredGrid") == std::string::npos)
    top.fail("not a VTK XML UnstructuredGrid file (no <VTKFile type=\"UnstructuredGrid\">)");
  if (data.find("</VTKFile>") == std::string::npos) top.fail("no closing </VTKFile>: the file is truncated");
  // how binary blocks are laid out: from the <VTKFile> attributes
  VtkBlockLayout layout;
  {
    const std::size_t begin = data.find("<VTKFile");
    const std::size_t end = data.find('>', begin);
    if (end == std::string::npos) top.fail("unterminated <VTKFile> tag");
    TextCursor here(std::string_view(data).substr(begin), path.string());
    const auto attrs = parse_attributes(std::string_view(data).substr(begin + 8, end - begin - 8), here);
    const auto attr = [&](const char* key) {
      const auto found = attrs.find(key);
      return found == attrs.end() ? std::string() : found->second;
    };
    if (const std::string order = attr("byte_order"); !order.empty() && order != "LittleEndian")
      top.fail(fmt::format("byte_order \"{}\" is not supported; only LittleEndian files are read", printable(order)));
    if (const std::string header = attr("header_type"); !header.empty() && header != "UInt32" && header != "UInt64")
      top.fail(fmt::format("header_type \"{}\" is not supported (UInt32 or UInt64)", printable(header)));
    layout.header_uint64 = attr("header_type") == "UInt64";
    if (const std::string compressor = attr("compressor"); !compressor.empty()) {
      if (compressor != "vtkZLibDataCompressor")
        top.fail(fmt::format("compressor \"{}\" is not supported; only vtkZLibDataCompressor is read", printable(compressor)));
      layout.zlib = true;
    }
  }
  // <AppendedData>: [begin, end) after its '_' marker; raw data may hold any byte,
  // '<' included, so the tag walk below stops there.
  std::optional<std::pair<std::size_t, std::size_t>> appended;
  bool appended_raw = false;

  // walk the tags, remembering the enclosing section of each DataArray
  std::vector<XmlArray> arrays;
  std::string section;
  std::size_t points = 0, cells = 0;
  bool have_piece = false;
  for (std::size_t pos = data.find('<'); pos != std::string::npos; pos = data.find('<', pos + 1)) {
    const std::size_t close = data.find('>', pos);
    TextCursor here(std::string_view(data).substr(pos), path.string());
    if (close == std::string::npos) {
      TextCursor at(data, path.string());
      throw InvalidInput(fmt::format("{}:{}: unterminated XML tag", path.string(), line_at(data, pos)));
    }
    const std::string_view tag = std::string_view(data).substr(pos + 1, close - pos - 1);
    const auto name_end = tag.find_first_of(" \n\t\r/>");
    const std::string name(tag.substr(0, name_end));
    const auto fail_here = [&](const std::string& message) -> void {
      throw InvalidInput(fmt::format("{}:{}: {}", path.string(), line_at(data, pos), message));
    };
    if (name == "Points" || name == "Cells" || name == "CellData" || name == "PointData") section = name;
    if (name == "Piece") {
      const auto attrs = parse_attributes(name_end == std::string_view::npos ? "" : tag.substr(name_end), here);
      const auto get = [&](const char* key) -> std::size_t {
        const auto found = attrs.find(key);
        if (found == attrs.end()) fail_here(fmt::format("<Piece> has no {}", key));
        std::uint64_t v = 0;
        const auto [e, ec] = std::from_chars(found->second.data(), found->second.data() + found->second.size(), v);
        if (ec != std::errc() || e != found->second.data() + found->second.size() || v > data.size())
          fail_here(fmt::format("<Piece> {}=\"{}\" is not a valid count", key, printable(found->second)));
        return static_cast<std::size_t>(v);
      };
      points = get("NumberOfPoints");
      cells = get("NumberOfCells");
      have_piece = true;
    }
    if (name == "AppendedData") {
      const auto attrs = parse_attributes(name_end == std::string_view::npos ? "" : tag.substr(name_end), here);
      const auto encoding = attrs.find("encoding");
      if (encoding == attrs.end() || (encoding->second != "raw" && encoding->second != "base64"))
        fail_here("<AppendedData> needs encoding=\"raw\" or \"base64\"");
      appended_raw = encoding->second == "raw";
      const std::size_t underscore = data.find('_', close);
      const std::size_t end = data.rfind("</AppendedData>");
      if (underscore == std::string::npos || end == std::string::npos || end <= underscore)
        fail_here("<AppendedData> without its '_' marker or </AppendedData>: the file is truncated");
      appended = std::pair{underscore + 1, end};
      break;
    }
    if (name == "DataArray") {
      XmlArray a;
      a.section = section;
      a.attributes = parse_attributes(tag.substr(name_end), here);
      const auto format = a.attributes.find("format");
      if (format != a.attributes.end() && format->second != "ascii" && format->second != "binary" && format->second != "appended")
        fail_here(fmt::format("DataArray format \"{}\" is not supported (ascii, binary or appended)", printable(format->second)));
      a.content_begin = close + 1;
      if (tag.ends_with('/')) {
        a.content_end = a.content_begin;  // <DataArray .../>: an appended array
      } else {
        a.content_end = data.find("</DataArray>", close);
        if (a.content_end == std::string::npos) fail_here("DataArray without </DataArray>: the file is truncated");
      }
      arrays.push_back(std::move(a));
    }
  }
  if (!have_piece) top.fail("no <Piece> element");

  const auto values_of = [&](const XmlArray& a, std::size_t expected, std::string_view what) {
    const auto attr = [&](const char* key) {
      const auto found = a.attributes.find(key);
      return found == a.attributes.end() ? std::string() : found->second;
    };
    const std::string format = attr("format");
    const std::string where = fmt::format("{}:{}: DataArray \"{}\"", path.string(), line_at(data, a.content_begin), what);
    std::vector<double> v;
    if (format == "binary" || format == "appended") {
      std::string bytes;
      if (format == "binary") {
        VtkBlockLayout inline_layout = layout;
        inline_layout.base64 = true;
        bytes = decode_vtk_block(std::string_view(data).substr(a.content_begin, a.content_end - a.content_begin), inline_layout,
                                 true, where);
      } else {
        if (!appended) throw InvalidInput(fmt::format("{}: format=\"appended\" but the file has no <AppendedData>", where));
        const std::string offset_text = attr("offset");
        std::uint64_t offset = 0;
        const auto [e, ec] = std::from_chars(offset_text.data(), offset_text.data() + offset_text.size(), offset);
        if (offset_text.empty() || ec != std::errc() || e != offset_text.data() + offset_text.size())
          throw InvalidInput(fmt::format("{}: offset=\"{}\" is not a valid offset", where, printable(offset_text)));
        const std::size_t size = appended->second - appended->first;
        if (offset >= size)
          throw InvalidInput(fmt::format("{}: offset {} is past the end of the appended data ({} bytes; truncated file?)", where,
                                         offset, size));
        VtkBlockLayout appended_layout = layout;
        appended_layout.base64 = !appended_raw;
        bytes = decode_vtk_block(std::string_view(data).substr(appended->first + static_cast<std::size_t>(offset),
                                                                size - static_cast<std::size_t>(offset)),
                                 appended_layout, false, where);
      }
      v = vtk_values_from_bytes(bytes, attr("type"), where);
    } else {
      TextCursor c(std::string_view(data).substr(a.content_begin, a.content_end - a.content_begin), path.string());
      v.reserve(expected);
      while (!c.at_end()) {
        const double x = c.real(what);
        v.push_back(x);
      }
    }
    if (v.size() != expected)
      throw InvalidInput(fmt::format("{}:{}: {} has {} values; expected {}", path.string(), line_at(data, a.content_begin),
                                     what, v.size(), expected));
    return v;
  };
  const auto find = [&](std::string_view sect, std::string_view array_name) -> const XmlArray* {
    for (const XmlArray& a : arrays) {
      const auto n = a.attributes.find("Name");
      if (a.section == sect && (array_name.empty() || (n != a.attributes.end() && n->second == array_name))) return &a;
    }
    return nullptr;
  };

  CellTable table;
  const XmlArray* pts = find("Points", "");
  if (!pts) top.fail("no <Points> DataArray");
  const std::vector<double> coords = values_of(*pts, 3 * points, "Points");
  table.points.resize(points);
  for (std::size_t i = 0; i < points; ++i) table.points[i] = Vec3(coords[3 * i], coords[3 * i + 1], coords[3 * i + 2]);
  const XmlArray* offsets_array = find("Cells", "offsets");
  const XmlArray* conn_array = find("Cells", "connectivity");
  const XmlArray* types_array = find("Cells", "types");
  if (!offsets_array || !conn_array || !types_array) top.fail("<Cells> needs DataArrays connectivity, offsets and types");
  const std::vector<double> offsets = values_of(*offsets_array, cells, "offsets");
  const double conn_size = cells == 0 ? 0.0 : offsets.back();
  if (!std::isfinite(conn_size) || conn_size < 0 || conn_size > static_cast<double>(data.size())) top.fail("the last offset is not a valid connectivity size");
  const std::vector<double> conn = values_of(*conn_array, static_cast<std::size_t>(conn_size), "connectivity");
  const std::vector<double> types = values_of(*types_array, cells, "types");
  double previous = 0;
  for (std::size_t i = 0; i < cells; ++i) {
    // finiteness first: comparing a NaN raises FE_INVALID, which traps in the tests
    if (!std::isfinite(offsets[i]) || offsets[i] < previous || offsets[i] != std::floor(offsets[i]))
      throw InvalidInput(fmt::format("{}:{}: offsets[{}] = {} is not an increasing integer", path.string(),
                                     line_at(data, offsets_array->content_begin), i, offsets[i]));
    std::vector<std::int64_t> cell;
    for (auto k = static_cast<std::size_t>(previous); k < static_cast<std::size_t>(offsets[i]); ++k) {
      // range-checked before the cast: converting NaN or a value beyond int64 traps
      if (!std::isfinite(conn[k]) || std::fabs(conn[k]) >= 1e15)
        throw InvalidInput(fmt::format("{}:{}: connectivity[{}] = {} is not a point index", path.string(),
                                       line_at(data, conn_array->content_begin), k, conn[k]));
      cell.push_back(static_cast<std::int64_t>(conn[k]));
    }
    if (!std::isfinite(types[i]) || std::fabs(types[i]) >= 1e15)
      throw InvalidInput(fmt::format("{}:{}: types[{}] = {} is not a cell type", path.string(),
                                     line_at(data, types_array->content_begin), i, types[i]));
    table.cells.push_back(std::move(cell));
    table.types.push_back(static_cast<std::int64_t>(types[i]));
    previous = offsets[i];
  }
  if (const XmlArray* r = find("CellData", region_field)) table.region = values_of(*r, cells, region_field);
  if (!fibre_field.empty())
    if (const XmlArray* f = find("CellData", fibre_field)) {
      const std::vector<double> v = values_of(*f, 3 * cells, fibre_field);
      std::vector<Vec3> fibre(cells);
      for (std::size_t i = 0; i < cells; ++i) fibre[i] = Vec3(v[3 * i], v[3 * i + 1], v[3 * i + 2]);
      table.fibre = std::move(fibre);
    }
  return classify(table, top, region_field, fibre_field);
}

namespace {

std::ofstream open_for_writing(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw OutputFailure(fmt::format("{}: cannot open for writing", path.string()));
  return out;
}

void finish(std::ofstream& out, const std::filesystem::path& path) {
  out.close();
  if (!out) throw OutputFailure(fmt::format("{}: write failed", path.string()));
}

}  // namespace

void write_vtu(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris) {
  std::ofstream out = open_for_writing(path);
  const std::size_t cells = mesh.tets.size() + bone_tris.size();
  out << "<?xml version=\"1.0\"?>\n<VTKFile type=\"UnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\">\n"
      << "<UnstructuredGrid>\n<Piece NumberOfPoints=\"" << mesh.nodes.size() << "\" NumberOfCells=\"" << cells << "\">\n";
  out << "<Points>\n<DataArray type=\"Float64\" NumberOfComponents=\"3\" format=\"ascii\">\n";
  for (const Vec3& x : mesh.nodes) out << fmt::format("{:.17g} {:.17g} {:.17g}\n", x.x(), x.y(), x.z());
  out << "</DataArray>\n</Points>\n<Cells>\n<DataArray type=\"Int64\" Name=\"connectivity\" format=\"ascii\">\n";
  for (const Tet& t : mesh.tets) out << t[0] << ' ' << t[1] << ' ' << t[2] << ' ' << t[3] << '\n';
  for (const Tri& t : bone_tris) out << t[0] << ' ' << t[1] << ' ' << t[2] << '\n';
  out << "</DataArray>\n<DataArray type=\"Int64\" Name=\"offsets\" format=\"ascii\">\n";
  std::size_t offset = 0;
  for (std::size_t i = 0; i < mesh.tets.size(); ++i) out << (offset += 4) << '\n';
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << (offset += 3) << '\n';
  out << "</DataArray>\n<DataArray type=\"UInt8\" Name=\"types\" format=\"ascii\">\n";
  for (std::size_t i = 0; i < mesh.tets.size(); ++i) out << kVtkTetra << '\n';
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << kVtkTriangle << '\n';
  out << "</DataArray>\n</Cells>\n<CellData>\n<DataArray type=\"Int32\" Name=\"region\" format=\"ascii\">\n";
  for (std::int32_t r : mesh.region) out << r << '\n';
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << mesh.region_names.size() << '\n';
  out << "</DataArray>\n<DataArray type=\"Float64\" Name=\"fibre\" NumberOfComponents=\"3\" format=\"ascii\">\n";
  for (std::size_t t = 0; t < mesh.tets.size(); ++t) {
    const Vec3 f = t < mesh.fibre.size() ? mesh.fibre[t] : Vec3::Zero();
    out << fmt::format("{:.17g} {:.17g} {:.17g}\n", f.x(), f.y(), f.z());
  }
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << "0 0 0\n";
  out << "</DataArray>\n</CellData>\n</Piece>\n</UnstructuredGrid>\n</VTKFile>\n";
  finish(out, path);
}

namespace {

template <class T>
void append_value(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

}  // namespace

void write_vtu(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris,
               const VtuWriteOptions& options) {
  if (options.encoding == VtuEncoding::ascii && !options.zlib) {
    write_vtu(path, mesh, bone_tris);
    return;
  }
  const std::size_t cells = mesh.tets.size() + bone_tris.size();
  // the arrays' little-endian bytes, in the order they are written
  std::string points, connectivity, offsets, types, region, fibre;
  for (const Vec3& x : mesh.nodes)
    for (int k = 0; k < 3; ++k) append_value<double>(points, x[k]);
  std::int64_t offset = 0;
  for (const Tet& t : mesh.tets) {
    for (Index n : t) append_value<std::int64_t>(connectivity, n);
    append_value<std::int64_t>(offsets, offset += 4);
    append_value<std::uint8_t>(types, kVtkTetra);
  }
  for (const Tri& t : bone_tris) {
    for (Index n : t) append_value<std::int64_t>(connectivity, n);
    append_value<std::int64_t>(offsets, offset += 3);
    append_value<std::uint8_t>(types, kVtkTriangle);
  }
  for (std::int32_t r : mesh.region) append_value<std::int32_t>(region, r);
  for (std::size_t i = 0; i < bone_tris.size(); ++i) append_value(region, static_cast<std::int32_t>(mesh.region_names.size()));
  for (std::size_t t = 0; t < cells; ++t) {
    const Vec3 f = t < mesh.tets.size() && t < mesh.fibre.size() ? mesh.fibre[t] : Vec3::Zero();
    for (int k = 0; k < 3; ++k) append_value<double>(fibre, f[k]);
  }

  const bool appended = options.encoding == VtuEncoding::appended_raw || options.encoding == VtuEncoding::appended_base64;
  std::string appended_data;
  const auto array = [&](const char* type, const char* name, int components, const std::string& bytes) {
    std::string block = encode_vtk_block(bytes, options.header_uint64, options.zlib, options.zlib_block_size);
    std::string tag = fmt::format("<DataArray type=\"{}\"{}{}", type, name[0] ? fmt::format(" Name=\"{}\"", name) : "",
                                  components > 1 ? fmt::format(" NumberOfComponents=\"{}\"", components) : "");
    if (!appended) return fmt::format("{} format=\"binary\">\n{}\n</DataArray>\n", tag, base64_encode(block));
    tag += fmt::format(" format=\"appended\" offset=\"{}\"/>\n", appended_data.size());
    appended_data += options.encoding == VtuEncoding::appended_raw ? block : base64_encode(block);
    return tag;
  };
  // one statement per array: the appended offsets follow the order of the calls
  std::string body = "<Points>\n";
  body += array("Float64", "", 3, points);
  body += "</Points>\n<Cells>\n";
  body += array("Int64", "connectivity", 1, connectivity);
  body += array("Int64", "offsets", 1, offsets);
  body += array("UInt8", "types", 1, types);
  body += "</Cells>\n<CellData>\n";
  body += array("Int32", "region", 1, region);
  body += array("Float64", "fibre", 3, fibre);
  body += "</CellData>\n";

  std::ofstream out = open_for_writing(path);
  out << "<?xml version=\"1.0\"?>\n<VTKFile type=\"UnstructuredGrid\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\""
      << (options.header_uint64 ? "UInt64" : "UInt32") << '"' << (options.zlib ? " compressor=\"vtkZLibDataCompressor\"" : "")
      << ">\n<UnstructuredGrid>\n<Piece NumberOfPoints=\"" << mesh.nodes.size() << "\" NumberOfCells=\"" << cells << "\">\n"
      << body << "</Piece>\n</UnstructuredGrid>\n";
  if (appended)
    out << "<AppendedData encoding=\"" << (options.encoding == VtuEncoding::appended_raw ? "raw" : "base64") << "\">\n_"
        << appended_data << "\n</AppendedData>\n";
  out << "</VTKFile>\n";
  finish(out, path);
}

void write_vtk_legacy(const std::filesystem::path& path, const TetMesh& mesh, const std::vector<Tri>& bone_tris) {
  std::ofstream out = open_for_writing(path);
  const std::size_t cells = mesh.tets.size() + bone_tris.size();
  out << "# vtk DataFile Version 3.0\nbacksim back model\nASCII\nDATASET UNSTRUCTURED_GRID\n";
  out << "POINTS " << mesh.nodes.size() << " double\n";
  for (const Vec3& x : mesh.nodes) out << fmt::format("{:.17g} {:.17g} {:.17g}\n", x.x(), x.y(), x.z());
  out << "CELLS " << cells << ' ' << 5 * mesh.tets.size() + 4 * bone_tris.size() << '\n';
  for (const Tet& t : mesh.tets) out << "4 " << t[0] << ' ' << t[1] << ' ' << t[2] << ' ' << t[3] << '\n';
  for (const Tri& t : bone_tris) out << "3 " << t[0] << ' ' << t[1] << ' ' << t[2] << '\n';
  out << "CELL_TYPES " << cells << '\n';
  for (std::size_t i = 0; i < mesh.tets.size(); ++i) out << kVtkTetra << '\n';
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << kVtkTriangle << '\n';
  out << "CELL_DATA " << cells << "\nSCALARS region int 1\nLOOKUP_TABLE default\n";
  for (std::int32_t r : mesh.region) out << r << '\n';
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << mesh.region_names.size() << '\n';
  out << "VECTORS fibre double\n";
  for (std::size_t t = 0; t < mesh.tets.size(); ++t) {
    const Vec3 f = t < mesh.fibre.size() ? mesh.fibre[t] : Vec3::Zero();
    out << fmt::format("{:.17g} {:.17g} {:.17g}\n", f.x(), f.y(), f.z());
  }
  for (std::size_t i = 0; i < bone_tris.size(); ++i) out << "0 0 0\n";
  finish(out, path);
}

}  // namespace backsim::models
