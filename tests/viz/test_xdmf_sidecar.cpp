// The XDMF 3 sidecars of run and model files open in ParaView's XDMF 3 readers
// (pvpython, Debian's python3-paraview) and give back exactly the arrays of the
// HDF5 file, read here with the HDF5 C library.
#include "../io/hdf5_test_reader.hpp"
#include "../io/scratch_directory.hpp"
#include "viz_fixtures.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace backsim;
using namespace backsim::test;

namespace {

struct DumpedArray {
  int step = 0;
  double time = 0;
  int block = 0;
  std::string kind, name;
  std::size_t tuples = 0, components = 0;
  std::vector<double> values;
};

// Reads `xdmf` with ParaView's reader `reader` (tests/viz/xdmf_dump.py).
std::vector<DumpedArray> read_with_paraview(const std::string& reader, const std::filesystem::path& xdmf,
                                            const std::filesystem::path& out) {
  const std::string pvpython = BACKSIM_PVPYTHON;
  if (pvpython.empty()) FAIL("pvpython not found when configuring: install python3-paraview (make deps), re-run cmake");
  const std::string command = pvpython + " " + BACKSIM_SOURCE_DIR + "/tests/viz/xdmf_dump.py " + reader + " " +
                              xdmf.string() + " " + out.string() + " > " + (out.string() + ".log") + " 2>&1";
  const int status = std::system(command.c_str());
  INFO(command << "\n" << slurp(out.string() + ".log"));
  REQUIRE(status == 0);
  // VTK's XDMF 3 readers skip an array they cannot type instead of failing.
  CHECK(slurp(out.string() + ".log").find("Skipping") == std::string::npos);
  std::vector<DumpedArray> arrays;
  std::ifstream manifest(out / "manifest.txt");
  std::string line;
  while (std::getline(manifest, line)) {
    std::istringstream in(line);
    DumpedArray a;
    std::string file;
    in >> a.step >> a.time >> a.block >> a.kind >> a.name >> a.tuples >> a.components >> file;
    a.values.resize(a.tuples * a.components);
    std::ifstream data(out / file, std::ios::binary);
    data.read(reinterpret_cast<char*>(a.values.data()), static_cast<std::streamsize>(a.values.size() * sizeof(double)));
    REQUIRE(data.gcount() == static_cast<std::streamsize>(a.values.size() * sizeof(double)));
    arrays.push_back(std::move(a));
  }
  REQUIRE(!arrays.empty());
  return arrays;
}

const DumpedArray& find(const std::vector<DumpedArray>& arrays, int step, int block, const std::string& name) {
  for (const DumpedArray& a : arrays)
    if (a.step == step && a.block == block && a.name == name) return a;
  FAIL("ParaView read no array " << name << " in block " << block << " at step " << step);
  throw std::logic_error("unreachable");
}

// Rows [row, row + count) of `full` (a dataset whose first dimension counts frames).
std::vector<double> frame_row(const DoubleArray& full, std::size_t row) {
  std::size_t width = 1;
  for (std::size_t k = 1; k < full.dims.size(); ++k) width *= full.dims[k];
  return {full.values.begin() + static_cast<std::ptrdiff_t>(row * width),
          full.values.begin() + static_cast<std::ptrdiff_t>((row + 1) * width)};
}

// Every DataItem states its number type, precision and dimensions, and the
// dimensions of an HDF5 item are the dataset's (or, for a row, the selection's,
// with the dataset's shape after the last colon).
void check_data_items(const std::string& xml, hid_t file) {
  const std::regex item(R"(<DataItem([^>]*)>([^<]*)</DataItem>)");
  int items = 0;
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), item); it != std::sregex_iterator(); ++it) {
    ++items;
    const std::string attributes = (*it)[1], content = (*it)[2];
    INFO(it->str());
    std::smatch m;
    REQUIRE(std::regex_search(attributes, m, std::regex(R"re(NumberType="(\w+)")re")));
    REQUIRE(std::regex_search(attributes, m, std::regex(R"re(Precision="(\d)")re")));
    REQUIRE(std::regex_search(attributes, m, std::regex(R"re(Dimensions="([\d ]+)")re")));
    const std::string dimensions = m[1];
    const auto colon = content.find(':');
    const auto bar = content.find('|');
    const std::string path = content.substr(colon + 1, bar == std::string::npos ? std::string::npos : bar - colon - 1);
    DoubleArray data = read_as_double(file, path);
    std::ostringstream joined;
    for (std::size_t k = 0; k < data.dims.size(); ++k) joined << (k ? " " : "") << data.dims[k];
    const std::string dataset_dims = joined.str();
    if (bar == std::string::npos) {
      CHECK(dimensions == dataset_dims);
    } else {
      CHECK(content.substr(content.rfind(':') + 1) == dataset_dims);
      std::ostringstream selection;  // one row
      selection << 1;
      for (std::size_t k = 1; k < data.dims.size(); ++k) selection << ' ' << data.dims[k];
      CHECK(dimensions == selection.str());
    }
  }
  CHECK(items > 3);
}

}  // namespace

TEST_CASE("a run's XDMF sidecar opens in ParaView's XDMF 3 readers with the HDF5 arrays", "[viz][xdmf]") {
  const std::filesystem::path run = back_run();
  ScratchDirectory dir("xdmf-run");
  std::filesystem::path sidecar = run;
  sidecar.replace_extension(".xdmf");
  REQUIRE(std::filesystem::exists(sidecar));
  const std::string xml = slurp(sidecar);
  FileHandle file = open_read_only(run);
  check_data_items(xml, file.get());
  const DoubleArray nodes = read_as_double(file.get(), "/mesh/nodes");
  const DoubleArray tets = read_as_double(file.get(), "/mesh/tets");
  const DoubleArray times = read_as_double(file.get(), "/frames/time");
  const DoubleArray displacement = read_as_double(file.get(), "/frames/displacement");
  const DoubleArray region = read_as_double(file.get(), "/mesh/region");
  const DoubleArray fibre = read_as_double(file.get(), "/mesh/fibre");
  const std::vector<std::string> fields = {"tone", "pressure", "perfusion_index", "flushed_volume", "stimulus_dose"};
  std::map<std::string, DoubleArray> field;
  for (const std::string& f : fields) field[f] = read_as_double(file.get(), "/fields/" + f);
  const std::size_t frames = times.values.size();
  REQUIRE(frames >= 3);

  for (const char* reader : {"Xdmf3ReaderS", "Xdmf3ReaderT"}) {
    INFO("reader " << reader);
    const std::vector<DumpedArray> read = read_with_paraview(reader, sidecar, dir / reader);
    // Every value passes through as float64 or int32: equal, not close.
    CHECK(find(read, 0, 0, "points").values == nodes.values);
    CHECK(find(read, 0, 0, "connectivity").values == tets.values);
    CHECK(find(read, 0, 0, "region").values == region.values);
    CHECK(find(read, 0, 0, "fibre").values == fibre.values);
    int steps = 0;
    for (const DumpedArray& a : read) steps = std::max(steps, a.step + 1);
    REQUIRE(static_cast<std::size_t>(steps) == frames);
    for (std::size_t f = 0; f < frames; ++f) {
      INFO("frame " << f);
      const int step = static_cast<int>(f);
      CHECK(find(read, step, 0, "displacement").time == times.values[f]);
      CHECK(find(read, step, 0, "displacement").values == frame_row(displacement, f));
      for (const std::string& name : fields) {
        INFO("field " << name);
        CHECK(find(read, step, 0, name).values == frame_row(field[name], f));
      }
    }
    // The last frame is not the first: the rows really are per frame.
    CHECK(find(read, static_cast<int>(frames) - 1, 0, "pressure").values != find(read, 0, 0, "pressure").values);
  }
}

TEST_CASE("a model's XDMF sidecar opens in ParaView's XDMF 3 readers with the HDF5 arrays", "[viz][xdmf]") {
  ScratchDirectory dir("xdmf-model");
  const ProcessResult r = run_backsim({"model", "--resolution", "coarse", "-o", "back.h5", "-q"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(std::filesystem::exists(dir / "back.xdmf"));
  CHECK_FALSE(std::filesystem::exists(dir / "back.xdmf.partial"));
  FileHandle file = open_read_only(dir / "back.h5");
  check_data_items(slurp(dir / "back.xdmf"), file.get());
  for (const char* reader : {"Xdmf3ReaderS", "Xdmf3ReaderT"}) {
    INFO("reader " << reader);
    const std::vector<DumpedArray> read = read_with_paraview(reader, dir / "back.xdmf", dir / reader);
    CHECK(find(read, 0, 0, "points").values == read_as_double(file.get(), "/mesh/nodes").values);
    CHECK(find(read, 0, 0, "connectivity").values == read_as_double(file.get(), "/mesh/tets").values);
    CHECK(find(read, 0, 0, "region").values == read_as_double(file.get(), "/mesh/region").values);
    CHECK(find(read, 0, 0, "layer").values == read_as_double(file.get(), "/mesh/layer").values);
    CHECK(find(read, 0, 0, "fibre").values == read_as_double(file.get(), "/mesh/fibre").values);
    CHECK(find(read, 0, 0, "resting_tone").values == read_as_double(file.get(), "/tone/element").values);
    CHECK(find(read, 0, 1, "connectivity").values == read_as_double(file.get(), "/mesh/bone_tris").values);
    CHECK(find(read, 0, 1, "bone").values == read_as_double(file.get(), "/mesh/bone").values);
  }
}

TEST_CASE("a run stopped by a solver failure still gets a sidecar of its frames", "[viz][xdmf]") {
  ScratchDirectory dir("xdmf-failure");
  const ProcessResult r =
      run_backsim({"run", std::string(BACKSIM_TEST_DATA_DIR) + "/cli/newton_starved.toml", "-o", "f.h5"}, dir.path());
  REQUIRE(r.exit_code == 4);
  REQUIRE(std::filesystem::exists(dir / "f.xdmf"));
  FileHandle file = open_read_only(dir / "f.h5");
  const std::size_t frames = read_as_double(file.get(), "/frames/time").values.size();
  const std::string xml = slurp(dir / "f.xdmf");
  std::size_t grids = 0;
  for (std::size_t at = xml.find("<Time "); at != std::string::npos; at = xml.find("<Time ", at + 1)) ++grids;
  CHECK(grids == frames);
  check_data_items(xml, file.get());
}
