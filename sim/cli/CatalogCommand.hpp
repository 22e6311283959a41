#pragma once
// `dcsim catalog [TOPIC]`: what is built in, each item with its source. Topics: hardware (the
// accelerator catalog), facilities (facility presets), sites (climate sites), regions (published
// grid figures and generation-mix regions), models (the named model variants of each registry,
// with the header that defines them); none: all of them.

#include <array>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

namespace dcsim::cli {

inline constexpr std::array<std::string_view, 5> kCatalogTopics{"hardware", "facilities", "sites", "regions", "models"};

/// Prints `topic` (empty: every topic) of the catalogs in `dir`. Throws dcsim::InputError.
void print_catalog(const std::string& topic, const std::filesystem::path& dir, std::ostream& out);

}  // namespace dcsim::cli
