#include "engine/mesh/element_colouring.hpp"

#include "engine/core/error.hpp"

#include <vector>

namespace backsim {

ElementColouring colour_elements(std::span<const Index> element_nodes, Index nodes_per_element,
                                 Index node_count) {
  const Index element_count = static_cast<Index>(element_nodes.size() / nodes_per_element);
  // used[node] holds the colours already taken by elements touching that node, as a
  // list of 64-colour words (meshes rarely need more than ~30 colours).
  std::vector<std::vector<std::uint64_t>> used(node_count);
  std::vector<Index> colour_of(element_count);
  Index colour_count = 0;
  for (Index e = 0; e < element_count; ++e) {
    const Index* nodes = &element_nodes[static_cast<std::size_t>(e) * nodes_per_element];
    Index colour = 0;
    for (;; ++colour) {
      const Index word = colour / 64;
      const std::uint64_t bit = std::uint64_t{1} << (colour % 64);
      bool free = true;
      for (Index k = 0; k < nodes_per_element && free; ++k) {
        const auto& u = used[nodes[k]];
        if (word < u.size() && (u[word] & bit)) free = false;
      }
      if (free) break;
    }
    const Index word = colour / 64;
    for (Index k = 0; k < nodes_per_element; ++k) {
      auto& u = used[nodes[k]];
      if (u.size() <= word) u.resize(word + 1, 0);
      u[word] |= std::uint64_t{1} << (colour % 64);
    }
    colour_of[e] = colour;
    if (colour + 1 > colour_count) colour_count = colour + 1;
  }

  ElementColouring result;
  result.colour_offsets.assign(colour_count + 1, 0);
  for (Index e = 0; e < element_count; ++e) ++result.colour_offsets[colour_of[e] + 1];
  for (Index c = 0; c < colour_count; ++c) result.colour_offsets[c + 1] += result.colour_offsets[c];
  result.elements.resize(element_count);
  std::vector<Index> cursor(result.colour_offsets.begin(), result.colour_offsets.end() - 1);
  for (Index e = 0; e < element_count; ++e) result.elements[cursor[colour_of[e]]++] = e;
  return result;
}

}  // namespace backsim
