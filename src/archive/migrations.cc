// migrations.cc: the schema changes after version 3 (see migrations.h).
#include "archive/migrations.h"

#include <vector>

namespace veille {

std::span<const Migration> Migrations() {
  // Append only. Entry i takes the archive to version 4 + i.
  static const std::vector<Migration> kList = {};
  return kList;
}

}  // namespace veille
