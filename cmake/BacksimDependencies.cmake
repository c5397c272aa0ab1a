# Every third-party dependency of backsim is found here and nowhere else.
# All of them are Debian 12 packages (see Makefile: DEBIAN_PACKAGES).

find_package(PkgConfig REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)          # GCC's libgomp
find_package(Eigen3 3.4 REQUIRED NO_MODULE)            # libeigen3-dev: small dense algebra
find_package(HDF5 REQUIRED COMPONENTS C)               # libhdf5-dev: run output
find_package(fmt REQUIRED)                             # libfmt-dev: formatting
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)  # libtomlplusplus-dev: scenarios
find_package(CLI11 REQUIRED)                           # libcli11-dev: command line
if(BACKSIM_MPI)
  find_package(MPI REQUIRED COMPONENTS C)              # libopenmpi-dev: backsim batch across ranks
endif()
# Boost.Math (libboost-dev, headers only): Student t and noncentral t quantiles for the
# confidence intervals of backsim compare.
find_package(Boost 1.74 REQUIRED)
find_package(ZLIB REQUIRED)                            # zlib1g-dev: compressed .vtu data arrays
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)  # libcairo2-dev: backsim render pictures (PNG, fonts)
# Bullet in double precision (bullet-float64): the tools' collision shapes and the
# reference soft-body backend. CMake's FindBullet only knows the float build.
pkg_check_modules(BULLET REQUIRED IMPORTED_TARGET bullet-float64)
# METIS 5 (libmetis-dev, no CMake or pkg-config file): the nested-dissection order
# of the sparse Cholesky preconditioner (engine/solver/sparse_ldlt.cpp).
find_path(METIS_INCLUDE_DIR metis.h REQUIRED)
find_library(METIS_LIBRARY metis REQUIRED)
if(NOT TARGET backsim::metis)
  add_library(backsim_metis INTERFACE)
  target_include_directories(backsim_metis SYSTEM INTERFACE ${METIS_INCLUDE_DIR})
  target_link_libraries(backsim_metis INTERFACE ${METIS_LIBRARY})
  add_library(backsim::metis ALIAS backsim_metis)
endif()

if(BACKSIM_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)                   # catch2 (Debian ships 2.13)
endif()

# One imported target for HDF5 so that consumers do not repeat the variables.
if(NOT TARGET backsim::hdf5)
  add_library(backsim_hdf5 INTERFACE)
  target_include_directories(backsim_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
  target_link_libraries(backsim_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
  target_compile_definitions(backsim_hdf5 INTERFACE ${HDF5_DEFINITIONS} H5_USE_110_API)
  add_library(backsim::hdf5 ALIAS backsim_hdf5)
endif()
