# backsim quick start (see README.md):
#   make demo   installs what is missing, builds in Release, runs the built-in demo
#   make test   the same set-up, then every test through ctest
#
# Dependencies are Debian 12 packages, installed with apt-get (as root, or through
# sudo) only when one is missing.

BUILD_DIR  ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

DEBIAN_PACKAGES := build-essential cmake pkg-config git \
  libeigen3-dev libhdf5-dev hdf5-tools libtomlplusplus-dev libcli11-dev libfmt-dev zlib1g-dev \
  libbullet-dev libmetis-dev catch2 \
  libcairo2-dev fonts-dejavu-core imagemagick python3-paraview
# backsim batch across MPI ranks (mpirun); Boost.Math for the statistics of backsim compare.
DEBIAN_PACKAGES += libopenmpi-dev openmpi-bin libboost-dev
# The lesson page's test opens it in headless Chromium (tests/cli/lesson/); DejaVu
# gives the page's labels the same font on every machine.
DEBIAN_PACKAGES += chromium

# In CI warnings are errors.
ifdef CI
CMAKE_ARGS += -DBACKSIM_WARNINGS_AS_ERRORS=ON
endif

.PHONY: all deps configure build demo test bench clean

all: build

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "backsim: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/bin/backsim run

# Waiting OpenMP threads sleep (tests run side by side; see tests/CMakeLists.txt).
test: build
	cd $(BUILD_DIR) && OMP_WAIT_POLICY=PASSIVE ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/bin/backsim-bench

clean:
	rm -rf $(BUILD_DIR)
