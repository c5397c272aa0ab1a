// Owning wrapper for an HDF5 identifier (hid_t): closes it exactly once.
//
// Shared by the HDF5 writers (engine/io, models/io). HDF5 closes each kind of object with its own function
// (H5Fclose, H5Dclose, ...), so the close function is part of the type.
#pragma once

#include <hdf5.h>

#include <utility>

namespace backsim::io_detail {

template <herr_t (*Close)(hid_t)>
class Hdf5Handle {
 public:
  Hdf5Handle() = default;
  explicit Hdf5Handle(hid_t id) : id_(id) {}
  ~Hdf5Handle() { reset(); }

  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  Hdf5Handle(Hdf5Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

  // Closes now and reports HDF5's status, for the places where a failed close
  // matters (the file: closing is when the last metadata reaches the disk).
  herr_t close() {
    herr_t status = 0;
    if (valid()) status = Close(std::exchange(id_, H5I_INVALID_HID));
    return status;
  }

  // Closes and ignores failure: used by the destructor, which must not throw.
  void reset() noexcept { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileHandle = Hdf5Handle<H5Fclose>;
using GroupHandle = Hdf5Handle<H5Gclose>;
using DatasetHandle = Hdf5Handle<H5Dclose>;
using DataspaceHandle = Hdf5Handle<H5Sclose>;
using DatatypeHandle = Hdf5Handle<H5Tclose>;
using AttributeHandle = Hdf5Handle<H5Aclose>;
using PropertyListHandle = Hdf5Handle<H5Pclose>;

}  // namespace backsim::io_detail
