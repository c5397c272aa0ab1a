// Comma-separated tables as RFC 4180 has them: a field with a comma, a quote or a line
// break is quoted, its quotes doubled. Used by the study's manifest and summaries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace backsim::csv {

using Row = std::vector<std::string>;

// One line of fields, ending in "\n".
std::string line(const Row& fields);
// Every row of `text`; the header is row 0. Throws InvalidInput naming `source` for an
// unterminated quoted field.
std::vector<Row> parse(std::string_view text, std::string_view source);

}  // namespace backsim::csv
