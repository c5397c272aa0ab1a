// The lesson page: one HTML file holding three.js, the page's style and script, and
// the runs' data (JSON with base64 Float32 arrays), so that it opens offline from a
// file, with no server and no network (docs/lesson.md).
#pragma once

#include "cli/lesson/lesson_data.hpp"

#include <string>
#include <vector>

namespace backsim::cli {

// The data the page script reads, as JSON: the runs and one colour scale per field
// shared by every run.
std::string lesson_data_json(const std::vector<LessonRun>& runs, const std::string& title);

// The whole page. Throws std::logic_error when an embedded file could end the element
// that holds it (a "</script" in it), which would be a build defect.
std::string lesson_page_html(const std::vector<LessonRun>& runs, const std::string& title);

}  // namespace backsim::cli
