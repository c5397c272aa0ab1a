#include "models/back/body_supports.hpp"

namespace backsim::models {
namespace {

std::vector<Index> rollers(const std::vector<Index>& nodes, int axis) {
  std::vector<Index> dofs;
  dofs.reserve(nodes.size());
  for (Index node : nodes) dofs.push_back(3 * node + static_cast<Index>(axis));
  return dofs;  // ascending, as the nodes are
}

}  // namespace

std::string_view body_position_name(BodyPosition position) {
  switch (position) {
    case BodyPosition::prone: return "prone";
    case BodyPosition::side_lying_left: return "side_lying_left";
    case BodyPosition::side_lying_right: return "side_lying_right";
    case BodyPosition::seated: return "seated";
  }
  return "prone";
}

Vec3 position_gravity(BodyPosition position) {
  const double g = kStandardGravity;
  switch (position) {
    case BodyPosition::prone: return {0.0, 0.0, -g};
    case BodyPosition::side_lying_left: return {-g, 0.0, 0.0};  // lying on the left side: down is -x
    case BodyPosition::side_lying_right: return {g, 0.0, 0.0};
    case BodyPosition::seated: return {0.0, -g, 0.0};           // down the back, toward S1
  }
  return {0.0, 0.0, -g};
}

std::vector<Index> support_dofs(const BackModel& model, BodyPosition position) {
  switch (position) {
    case BodyPosition::prone: return {};
    case BodyPosition::side_lying_left: return rollers(model.left_edge_nodes, 0);
    case BodyPosition::side_lying_right: return rollers(model.right_edge_nodes, 0);
    case BodyPosition::seated: return rollers(model.caudal_edge_nodes, 1);
  }
  return {};
}

}  // namespace backsim::models
