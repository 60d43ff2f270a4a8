// The settings agentd runs with, as `agentd config check` prints them: every setting of the
// environment and of the configuration file, by group, one "name = value" each, with every
// secret masked. Environment settings are named by their variable, and their values are
// written so that they could be given back (durations in the variable's unit).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"

namespace agentd::config {

inline constexpr std::string_view kMasked = "***";

struct Setting {
  std::string name;
  std::string value;
};

struct SettingGroup {
  std::string name;
  std::vector<Setting> settings;
};

std::vector<SettingGroup> effective_settings(const Config& config, const FileConfig& file);

// The URL with the password of its user part ("postgres://agentd:***@db/agentd") and of any
// password query parameter ("?password=***") masked.
std::string mask_url_password(std::string_view url);

}  // namespace agentd::config
