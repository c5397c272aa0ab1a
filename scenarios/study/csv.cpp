#include "scenarios/study/csv.hpp"

#include "engine/core/error.hpp"

#include <fmt/format.h>

namespace backsim::csv {

namespace {
std::string field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}
}  // namespace

std::string line(const Row& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += field(fields[i]);
  }
  return out + '\n';
}

std::vector<Row> parse(std::string_view text, std::string_view source) {
  std::vector<Row> rows;
  Row row;
  std::string value;
  bool quoted = false, in_row = false;
  int line_number = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        value += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line_number;
        value += c;
      }
      continue;
    }
    in_row = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(value));
      value.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(value));
      value.clear();
      rows.push_back(std::move(row));
      row.clear();
      in_row = false;
      ++line_number;
    } else {
      value += c;
    }
  }
  if (quoted) throw InvalidInput(fmt::format("{}:{}: a quoted field is not closed", source, line_number));
  if (in_row) {
    row.push_back(std::move(value));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace backsim::csv
