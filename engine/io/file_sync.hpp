// Getting a written file to the disk before it is renamed into place, so that after a
// power loss a file under its final name is never an incomplete one.
#pragma once

#include <filesystem>
#include <string>

namespace backsim {

// fsync of a file; throws OutputFailure naming `what` (e.g. "run output 'x.h5'").
void sync_file_to_disk(const std::filesystem::path& path, const std::string& what);
// Makes a completed rename durable. Best effort: some file systems cannot sync a
// directory, and the rename itself has already succeeded.
void sync_directory_to_disk(const std::filesystem::path& directory);

}  // namespace backsim
