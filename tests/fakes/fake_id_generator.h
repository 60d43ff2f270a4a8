// An IdGenerator of "id-0001", "id-0002", …: sequential and, like UUIDv7s, ordered as made.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>

#include "application/ports/id_generator.h"

namespace agentd {

class FakeIdGenerator : public IdGenerator {
 public:
  std::string new_id() override {
    char id[16];
    std::snprintf(id, sizeof id, "id-%04d", ++issued_);
    return id;
  }

 private:
  std::atomic<int> issued_{0};
};

}  // namespace agentd
