// Colouring of elements so that no two elements of one colour share a node.
//
// Assembly loops run colour by colour; inside a colour each element writes its own
// nodes' entries without races, and every global entry receives its contributions
// in colour order, whatever the number of threads: assembly is deterministic
// without atomics.
#pragma once

#include "engine/core/types.hpp"

#include <span>
#include <vector>

namespace backsim {

struct ElementColouring {
  std::vector<Index> elements;        // [element count] element ids grouped by colour
  std::vector<Index> colour_offsets;  // [colour count + 1] range of each colour in `elements`

  Index colour_count() const { return static_cast<Index>(colour_offsets.size()) - 1; }
};

// Greedy colouring in element order. `element_nodes` holds `nodes_per_element`
// node ids per element.
ElementColouring colour_elements(std::span<const Index> element_nodes, Index nodes_per_element,
                                 Index node_count);

}  // namespace backsim
