// AlterConfigs and IncrementalAlterConfigs answer alike: one result per
// resource, with its error code and, on failure, the message.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coordinator/controller/controller_types.h"

namespace sluice::server {

template <class Resp>
void fill_alter_configs_responses(const std::vector<coordinator::AlterConfigsResult>& results, Resp& resp) {
  for (const auto& r : results) {
    auto& out = resp.responses.emplace_back();
    out.resource_type = r.resource_type;
    out.resource_name = r.resource_name;
    out.error_code = static_cast<std::int16_t>(r.status.code);
    out.error_message = r.status.ok() ? std::nullopt : std::optional<std::string>(r.status.detail);
  }
}

}  // namespace sluice::server
