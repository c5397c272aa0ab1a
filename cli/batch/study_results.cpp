#include "cli/batch/study_results.hpp"

#include "engine/core/error.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "engine/io/run_reader.hpp"
#include "engine/io/xdmf_items.hpp"
#include "scenarios/study/csv.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace backsim::cli {

using io_detail::AttributeHandle;
using io_detail::DatasetHandle;
using io_detail::DataspaceHandle;
using io_detail::DatatypeHandle;
using io_detail::FileHandle;
using io_detail::PropertyListHandle;

namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

void read_metrics(const std::filesystem::path& path, RunResult& result) {
  const RunReader reader(path);
  for (const std::string& name : reader.dataset_names("/metrics/summary")) {
    if (name == "region_names") result.region_names = reader.strings("/metrics/summary/region_names");
    else result.region_series[name] = reader.values("/metrics/summary/" + name);
  }
  for (const std::string& name : reader.dataset_names("/metrics/run")) {
    const std::vector<double> v = reader.values("/metrics/run/" + name);
    if (!v.empty()) result.run_metrics[name] = v[0];
  }
  for (const std::string& name : reader.dataset_names("/metrics/zones")) {
    if (name == "names") result.zone_names = reader.strings("/metrics/zones/names");
    else result.zone_series[name] = reader.values("/metrics/zones/" + name);
  }
}

// Names in the order they first appear over the runs (runs in manifest order).
template <class Get>
std::vector<std::string> union_of(const StudyResults& results, Get get) {
  std::vector<std::string> all;
  for (const RunResult& run : results.runs)
    for (const std::string& name : get(run))
      if (std::find(all.begin(), all.end(), name) == all.end()) all.push_back(name);
  return all;
}

std::vector<std::string> keys(const std::map<std::string, std::vector<double>>& m) {
  std::vector<std::string> k;
  for (const auto& [name, values] : m) k.push_back(name);
  return k;
}

// The value of region or zone `name` in a per-region series, NaN where the run has none.
double value_at(const std::vector<std::string>& names, const std::map<std::string, std::vector<double>>& series,
                const std::string& series_name, const std::string& name) {
  const auto s = series.find(series_name);
  const auto at = std::find(names.begin(), names.end(), name);
  if (s == series.end() || at == names.end()) return kNoValue;
  const std::size_t i = static_cast<std::size_t>(at - names.begin());
  return i < s->second.size() ? s->second[i] : kNoValue;
}

std::string number(double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); }

struct Columns {
  std::vector<std::string> run_metrics, zones, zone_metrics, regions, series;
  explicit Columns(const StudyResults& r)
      : run_metrics(union_of(r, [](const RunResult& x) {
          std::vector<std::string> k;
          for (const auto& [name, value] : x.run_metrics) k.push_back(name);
          return k;
        })),
        zones(union_of(r, [](const RunResult& x) { return x.zone_names; })),
        zone_metrics(union_of(r, [](const RunResult& x) { return keys(x.zone_series); })),
        regions(union_of(r, [](const RunResult& x) { return x.region_names; })),
        series(union_of(r, [](const RunResult& x) { return keys(x.region_series); })) {}
};

// ---- HDF5 ---------------------------------------------------------------------------

DatatypeHandle string_type() {
  DatatypeHandle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

class StudyFileWriter {
 public:
  explicit StudyFileWriter(const std::filesystem::path& path) : path_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    file_ = FileHandle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!file_.valid()) fail("cannot create the file");
    links_ = PropertyListHandle(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(links_.get(), 1);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw OutputFailure(fmt::format("{}: {}", path_.string(), what));
  }

  void attribute(const char* name, const std::string& value) {
    DatatypeHandle type = string_type();
    DataspaceHandle space(H5Screate(H5S_SCALAR));
    AttributeHandle a(H5Acreate2(file_.get(), name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const char* text = value.c_str();
    if (H5Awrite(a.get(), type.get(), &text) < 0) fail(fmt::format("cannot write the attribute {}", name));
  }

  void strings(const std::string& name, const std::vector<std::string>& values) {
    DatatypeHandle type = string_type();
    std::vector<const char*> raw;
    for (const std::string& v : values) raw.push_back(v.c_str());
    write(name, type.get(), {values.size()}, raw.data());
  }
  void doubles(const std::string& name, const std::vector<double>& values, std::vector<hsize_t> shape) {
    write(name, H5T_NATIVE_DOUBLE, std::move(shape), values.data());
  }
  void integers(const std::string& name, const std::vector<std::int64_t>& values) {
    write(name, H5T_NATIVE_INT64, {values.size()}, values.data());
  }

  void close() {
    if (file_.close() < 0) fail("cannot close the file");
  }

 private:
  void write(const std::string& name, hid_t type, std::vector<hsize_t> shape, const void* data) {
    DataspaceHandle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr));
    const hid_t file_type = type == H5T_NATIVE_DOUBLE ? H5T_IEEE_F64LE : type == H5T_NATIVE_INT64 ? H5T_STD_I64LE : type;
    DatasetHandle d(H5Dcreate2(file_.get(), name.c_str(), file_type, space.get(), links_.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!d.valid()) fail(fmt::format("cannot create {}", name));
    std::size_t count = 1;
    for (const hsize_t n : shape) count *= n;
    if (count > 0 && H5Dwrite(d.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail(fmt::format("cannot write {}", name));
  }

  std::filesystem::path path_;
  FileHandle file_;
  PropertyListHandle links_;
};

class StudyFileReader {
 public:
  explicit StudyFileReader(const std::filesystem::path& path) : path_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) fail("no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0) fail("not an HDF5 file");
    file_ = FileHandle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file_.valid()) fail("cannot open the HDF5 file");
    if (attribute("format") != "backsim-study") fail("not a backsim study file (root attribute format)");
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw InvalidInput(fmt::format("{}: {}", path_.string(), what));
  }
  bool has(const std::string& name) const { return xdmf::dataset_exists(file_.get(), name); }

  std::string attribute(const char* name) const {
    if (H5Aexists(file_.get(), name) <= 0) return {};
    AttributeHandle a(H5Aopen(file_.get(), name, H5P_DEFAULT));
    DatatypeHandle type = string_type();
    char* text = nullptr;
    if (H5Aread(a.get(), type.get(), &text) < 0) return {};
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }

  std::vector<hsize_t> shape(const std::string& name) const {
    if (!has(name)) fail(fmt::format("no dataset {}", name));
    DatasetHandle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    DataspaceHandle space(H5Dget_space(d.get()));
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(0, H5Sget_simple_extent_ndims(space.get()))));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  template <class T>
  std::vector<T> numbers(const std::string& name, hid_t type) const {
    std::size_t count = 1;
    for (const hsize_t n : shape(name)) count *= n;
    std::vector<T> values(count);
    DatasetHandle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    if (count > 0 && H5Dread(d.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
      fail(fmt::format("cannot read {}", name));
    return values;
  }

  // The links directly in `group`, in name order; none if it is absent.
  std::vector<std::string> members(const std::string& group) const {
    std::vector<std::string> names;
    // H5Lexists fails (< 0) when a parent group is absent: no members either
    if (H5Lexists(file_.get(), "/metrics", H5P_DEFAULT) <= 0 || H5Lexists(file_.get(), group.c_str(), H5P_DEFAULT) <= 0)
      return names;
    H5Literate_by_name(
        file_.get(), group.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
          static_cast<std::vector<std::string>*>(out)->push_back(name);
          return 0;
        },
        &names, H5P_DEFAULT);
    return names;
  }

  std::vector<std::string> strings(const std::string& name) const {
    const std::vector<hsize_t> dims = shape(name);
    std::vector<std::string> out;
    if (dims.size() != 1 || dims[0] == 0) return out;
    DatasetHandle d(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT));
    DatatypeHandle type = string_type();
    std::vector<char*> raw(dims[0], nullptr);
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(fmt::format("cannot read {}", name));
    for (char* text : raw) out.emplace_back(text ? text : "");
    DataspaceHandle space(H5Dget_space(d.get()));
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
    return out;
  }

 private:
  std::filesystem::path path_;
  FileHandle file_;
};

RunState state_from_name(const std::string& name) {
  for (const RunState s : {RunState::ok, RunState::solver_failure, RunState::failed, RunState::missing})
    if (state_name(s) == name) return s;
  return RunState::missing;
}

}  // namespace

std::size_t StudyResults::count(RunState state) const {
  return static_cast<std::size_t>(
      std::count_if(runs.begin(), runs.end(), [&](const RunResult& r) { return r.record.state == state; }));
}

StudyResults collect_study_results(const std::filesystem::path& dir) {
  const Manifest manifest = read_manifest(dir);
  StudyResults results;
  results.parameter_names = manifest.parameter_names;
  for (const ManifestRow& row : manifest.rows) {
    RunResult result;
    result.row = row;
    result.record = read_run_record(dir, row);
    if (result.record.state == RunState::ok) read_metrics(run_output_path(dir, row.run), result);
    results.runs.push_back(std::move(result));
  }
  return results;
}

void write_summary_csv(const StudyResults& results, const std::filesystem::path& path) {
  const Columns c(results);
  csv::Row header{"run", "status", "exit_code", "subject", "repetition", "scenario_sha256"};
  header.insert(header.end(), results.parameter_names.begin(), results.parameter_names.end());
  for (const std::string& m : c.run_metrics) header.push_back("run." + m);
  for (const std::string& z : c.zones)
    for (const std::string& m : c.zone_metrics) header.push_back(fmt::format("zone.{}.{}", z, m));
  for (const std::string& s : c.series)
    for (const std::string& r : c.regions) header.push_back(fmt::format("{}.{}", s, r));
  header.push_back("error");
  std::string text = csv::line(header);
  for (const RunResult& run : results.runs) {
    csv::Row row{run.row.run,
                 std::string(state_name(run.record.state)),
                 run.record.exit_code >= 0 ? fmt::format("{}", run.record.exit_code) : std::string(),
                 run.row.subject ? fmt::format("{}", *run.row.subject) : std::string(),
                 fmt::format("{}", run.row.repetition),
                 run.row.scenario_sha256};
    row.insert(row.end(), run.row.parameters.begin(), run.row.parameters.end());
    for (const std::string& m : c.run_metrics) {
      const auto it = run.run_metrics.find(m);
      row.push_back(it != run.run_metrics.end() ? number(it->second) : std::string());
    }
    for (const std::string& z : c.zones)
      for (const std::string& m : c.zone_metrics) row.push_back(number(value_at(run.zone_names, run.zone_series, m, z)));
    for (const std::string& s : c.series)
      for (const std::string& r : c.regions) row.push_back(number(value_at(run.region_names, run.region_series, s, r)));
    row.push_back(run.record.error);
    text += csv::line(row);
  }
  xdmf::write_file_atomically(path, text);
}

void write_study_file(const StudyResults& results, const std::filesystem::path& path) {
  const Columns c(results);
  const std::filesystem::path partial = path.string() + ".partial";
  {
    StudyFileWriter w(partial);
    w.attribute("format", "backsim-study");
    w.attribute("format_version", "1");
    const std::size_t n = results.runs.size();
    std::vector<std::string> ids, status, errors, sha, scenario;
    std::vector<std::int64_t> exit_codes, subjects, repetitions;
    for (const RunResult& r : results.runs) {
      ids.push_back(r.row.run);
      status.emplace_back(state_name(r.record.state));
      errors.push_back(r.record.error);
      sha.push_back(r.row.scenario_sha256);
      scenario.push_back(r.row.scenario);
      exit_codes.push_back(r.record.exit_code);
      subjects.push_back(r.row.subject ? static_cast<std::int64_t>(*r.row.subject) : -1);
      repetitions.push_back(r.row.repetition);
    }
    w.strings("/runs/id", ids);
    w.strings("/runs/status", status);
    w.integers("/runs/exit_code", exit_codes);
    w.strings("/runs/error", errors);
    w.integers("/runs/subject", subjects);
    w.integers("/runs/repetition", repetitions);
    w.strings("/runs/scenario", scenario);
    w.strings("/runs/scenario_sha256", sha);
    w.strings("/parameters/names", results.parameter_names);
    for (std::size_t p = 0; p < results.parameter_names.size(); ++p) {
      std::vector<std::string> values;
      for (const RunResult& r : results.runs) values.push_back(r.row.parameters[p]);
      w.strings("/parameters/values/" + results.parameter_names[p], values);
    }
    for (const std::string& m : c.run_metrics) {
      std::vector<double> v;
      for (const RunResult& r : results.runs) {
        const auto it = r.run_metrics.find(m);
        v.push_back(it != r.run_metrics.end() ? it->second : kNoValue);
      }
      w.doubles("/metrics/run/" + m, v, {n});
    }
    const auto table = [&](const std::string& group, const std::vector<std::string>& names,
                           const std::vector<std::string>& series, auto names_of, auto series_of) {
      for (const std::string& s : series) {
        std::vector<double> v;
        for (const RunResult& r : results.runs)
          for (const std::string& name : names) v.push_back(value_at(names_of(r), series_of(r), s, name));
        w.doubles(group + "/" + s, v, {n, names.size()});
      }
    };
    w.strings("/metrics/summary/region_names", c.regions);
    table("/metrics/summary", c.regions, c.series, [](const RunResult& r) -> const auto& { return r.region_names; },
          [](const RunResult& r) -> const auto& { return r.region_series; });
    if (!c.zones.empty()) {
      w.strings("/metrics/zones/names", c.zones);
      table("/metrics/zones", c.zones, c.zone_metrics, [](const RunResult& r) -> const auto& { return r.zone_names; },
            [](const RunResult& r) -> const auto& { return r.zone_series; });
    }
    w.close();
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw OutputFailure(fmt::format("{}: cannot rename to {}: {}", partial.string(), path.string(), error.message()));
}

StudyResults read_study_file(const std::filesystem::path& path) {
  const StudyFileReader f(path);
  StudyResults results;
  const std::vector<std::string> ids = f.strings("/runs/id");
  const std::size_t n = ids.size();
  const std::vector<std::string> status = f.strings("/runs/status"), errors = f.strings("/runs/error"),
                                 sha = f.strings("/runs/scenario_sha256"), scenario = f.strings("/runs/scenario");
  const std::vector<std::int64_t> codes = f.numbers<std::int64_t>("/runs/exit_code", H5T_NATIVE_INT64),
                                  subjects = f.numbers<std::int64_t>("/runs/subject", H5T_NATIVE_INT64),
                                  reps = f.numbers<std::int64_t>("/runs/repetition", H5T_NATIVE_INT64);
  if (status.size() != n || codes.size() != n || subjects.size() != n || reps.size() != n || sha.size() != n)
    f.fail("the /runs datasets do not have one value per run");
  results.parameter_names = f.strings("/parameters/names");
  std::vector<std::vector<std::string>> parameters;
  for (const std::string& p : results.parameter_names) {
    parameters.push_back(f.strings("/parameters/values/" + p));
    if (parameters.back().size() != n) f.fail(fmt::format("/parameters/values/{} does not have one value per run", p));
  }
  results.runs.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    RunResult& r = results.runs[i];
    r.row.run = ids[i];
    r.row.scenario = i < scenario.size() ? scenario[i] : std::string();
    r.row.scenario_sha256 = sha[i];
    if (subjects[i] >= 0) r.row.subject = static_cast<std::uint64_t>(subjects[i]);
    r.row.repetition = static_cast<int>(reps[i]);
    for (const auto& values : parameters) r.row.parameters.push_back(values[i]);
    r.record.state = state_from_name(status[i]);
    r.record.exit_code = static_cast<int>(codes[i]);
    r.record.error = i < errors.size() ? errors[i] : std::string();
  }
  const auto read_table = [&](const std::string& group, const std::string& names_dataset, auto assign) {
    if (!f.has(group + "/" + names_dataset)) return;
    const std::vector<std::string> names = f.strings(group + "/" + names_dataset);
    const std::vector<std::string> series = f.members(group);
    for (const std::string& s : series) {
      if (s == names_dataset) continue;
      const std::vector<double> v = f.numbers<double>(group + "/" + s, H5T_NATIVE_DOUBLE);
      if (v.size() != n * names.size()) f.fail(fmt::format("{}/{} is not runs x {}", group, s, names_dataset));
      for (std::size_t i = 0; i < n; ++i) assign(results.runs[i], names, s, std::vector<double>(v.begin() + static_cast<long>(i * names.size()), v.begin() + static_cast<long>((i + 1) * names.size())));
    }
  };
  read_table("/metrics/summary", "region_names", [](RunResult& r, const std::vector<std::string>& names, const std::string& s, std::vector<double> v) {
    r.region_names = names;
    r.region_series[s] = std::move(v);
  });
  read_table("/metrics/zones", "names", [](RunResult& r, const std::vector<std::string>& names, const std::string& s, std::vector<double> v) {
    r.zone_names = names;
    r.zone_series[s] = std::move(v);
  });
  {
    const std::vector<std::string> metrics = f.members("/metrics/run");
    for (const std::string& m : metrics) {
      const std::vector<double> v = f.numbers<double>("/metrics/run/" + m, H5T_NATIVE_DOUBLE);
      if (v.size() != n) f.fail(fmt::format("/metrics/run/{} does not have one value per run", m));
      for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(v[i])) results.runs[i].run_metrics[m] = v[i];
    }
  }
  return results;
}

}  // namespace backsim::cli
