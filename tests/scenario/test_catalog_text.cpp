// Reading one entry of a catalog file alone (sim/scenario/CatalogText.hpp): the cut keeps the
// wanted entry's lines where they were, and anything outside the plain block layout is left to
// the whole-file read. Expected texts are written out by hand from the layout's rule.

#include <doctest/doctest.h>

#include <string>

#include "models/InputError.hpp"
#include "sim/scenario/Catalog.hpp"
#include "sim/scenario/CatalogText.hpp"
#include "sim/scenario/ClimateSpec.hpp"
#include "sim/scenario/FacilitySpec.hpp"
#include "sim/scenario/Writer.hpp"
#include "sim/scenario/YamlFile.hpp"
#include "tests/support/TempDir.hpp"

namespace {

using dcsim::scenario::catalog_entry_text;

const std::string kCatalog =
    "# a comment\n"
    "description: two sites\n"
    "sites:\n"
    "  a:\n"
    "    name: A\n"
    "# a comment at column 0 inside the mapping\n"
    "    latitude: 1\n"
    "\n"
    "  b:\n"
    "    name: B\n"
    "    months: {jan: 1,\n"
    "      feb: 2}\n"
    "  c: {name: C}\n"
    "after: 1\n";

}  // namespace

TEST_CASE("a catalog entry is cut out with every other entry's lines emptied in place") {
  const auto b = catalog_entry_text(kCatalog, "sites", "b");
  REQUIRE(b.has_value());
  CHECK(b->found);
  CHECK(b->names == std::vector<std::string>{"a", "b", "c"});
  CHECK(b->text ==
        "# a comment\n"
        "description: two sites\n"
        "sites:\n"
        "\n\n\n\n\n"
        "  b:\n"
        "    name: B\n"
        "    months: {jan: 1,\n"
        "      feb: 2}\n"
        "\n"
        "after: 1\n");
  const auto a = catalog_entry_text(kCatalog, "sites", "a");
  REQUIRE(a.has_value());
  CHECK(a->text ==
        "# a comment\n"
        "description: two sites\n"
        "sites:\n"
        "  a:\n"
        "    name: A\n"
        "# a comment at column 0 inside the mapping\n"
        "    latitude: 1\n"
        "\n"
        "\n\n\n\n\n"
        "after: 1\n");
  const auto c = catalog_entry_text(kCatalog, "sites", "c");
  REQUIRE(c.has_value());
  CHECK(c->text.find("  c: {name: C}\n") != std::string::npos);
  CHECK(c->text.find("name: A") == std::string::npos);
  const auto none = catalog_entry_text(kCatalog, "sites", "z");
  REQUIRE(none.has_value());
  CHECK_FALSE(none->found);
  CHECK(none->names.size() == 3);
}

TEST_CASE("a catalog outside the plain block layout is left to the whole-file read") {
  const auto cut = [](const std::string& text) { return catalog_entry_text(text, "sites", "a"); };
  CHECK_FALSE(cut("sites: {a: {name: A}}\n"));                      // a flow mapping
  CHECK_FALSE(cut("sites:\n  \"a\":\n    name: A\n"));               // a quoted key
  CHECK_FALSE(cut("sites:\n\ta:\n\t\tname: A\n"));                   // tabs
  CHECK_FALSE(cut("sites:\n    a:\n      name: A\n  b:\n"));        // less indented than the first entry
  CHECK_FALSE(cut("sites:\n  a:\n    name: A\n  a:\n    name: B\n"));  // the same name twice
  CHECK_FALSE(cut("sites:\n  a: &x\n    name: A\n  b: *x\n"));      // an anchor and an alias
  CHECK_FALSE(cut("---\nsites:\n  a:\n    name: A\n"));             // a document marker
  CHECK_FALSE(cut("sites: # the sites\n  - a\n"));                   // a sequence
  CHECK_FALSE(cut("sites:\n  a:\n    name: A\nsites:\n  b:\n"));    // the root key twice
  CHECK_FALSE(cut("other:\n  a: 1\n"));                              // no root key
  CHECK_FALSE(cut("sites:\n\nafter: 1\n"));                           // no entries
  CHECK(cut("sites: # the sites\n  a:\n    name: A & B\n"));         // '&' in text is no anchor
  // CRLF line ends: the kept lines keep theirs, the emptied ones become empty.
  const auto crlf = catalog_entry_text("sites:\r\n  a:\r\n    name: A\r\n  b:\r\n    name: B\r\n", "sites", "b");
  REQUIRE(crlf.has_value());
  CHECK(crlf->text == "sites:\r\n\n\n  b:\r\n    name: B\r\n");
  CHECK_FALSE(cut("\xEF\xBB\xBFsites:\n  a:\n    name: A\n"));  // a byte-order mark before the root key
}

TEST_CASE("one catalog entry reads as the whole file gives it, and a problem in it keeps its line") {
  const dcsim::test::TempDir dir;
  const std::string entry_a =
      "  a:\n"
      "    name: Site A\n"
      "    source: a test\n"
      "    latitude: 41\n"
      "    longitude: -95\n"
      "    utc_offset: -6 h\n"
      "    elevation: 300\n"
      "    dry_bulb: {jan: -4, feb: -2, mar: 4, apr: 10, may: 17, jun: 22, jul: 25, aug: 23, sep: 19, oct: 11, nov: 4, dec: -2}\n"
      "    diurnal_range_all: 11\n"
      "    relative_humidity: {jan: 70, feb: 70, mar: 66, apr: 61, may: 64, jun: 66, jul: 69, aug: 71, sep: 70, oct: 65, nov: 69, dec: 72}\n";
  std::string entry_b = entry_a;
  entry_b.replace(entry_b.find("  a:"), 4, "  b:");
  entry_b.replace(entry_b.find("latitude: 41"), 12, "latitude: 95");  // out of range: line 17 of the file
  const std::string file = dir.write("sites.yaml", "description: test sites\nsites:\n" + entry_a + "\n" + entry_b).string();
  using dcsim::scenario::SiteClimateSpec;
  const SiteClimateSpec a = dcsim::scenario::load_catalog_entry<SiteClimateSpec>(file, "sites", "a", "facility.site", "site", "site catalog");
  CHECK(a.name == "Site A");
  CHECK(a.latitude_deg == 41.0);
  CHECK(a.longitude_deg == -95.0);
  try {
    (void)dcsim::scenario::load_catalog_entry<SiteClimateSpec>(file, "sites", "b", "facility.site", "site", "site catalog");
    FAIL("an out-of-range latitude was accepted");
  } catch (const dcsim::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("sites.yaml:17:") != std::string::npos);
    CHECK(what.find("latitude") != std::string::npos);
  }
  try {
    (void)dcsim::scenario::load_catalog_entry<SiteClimateSpec>(file, "sites", "z", "facility.site", "site", "site catalog");
    FAIL("a missing site was accepted");
  } catch (const dcsim::InputError& e) {
    CHECK(std::string(e.what()).find("no site 'z' in the site catalog; it has a, b") != std::string::npos);
  }
}

TEST_CASE("every entry of the shipped facility and site catalogs reads alone exactly as from the whole file") {
  using dcsim::scenario::FacilityPresetSpec;
  using dcsim::scenario::SiteClimateSpec;
  using dcsim::scenario::Writer;
  const std::string dir = std::string(DCSIM_SCENARIO_DIR) + "/catalog/";
  const auto facilities = dcsim::scenario::load_catalog<FacilityPresetSpec>(dir + "facilities.yaml", "facilities");
  REQUIRE(facilities.size() >= 3);  // hyperscale, enterprise, lossless at least
  for (const auto& [name, whole] : facilities) {
    CAPTURE(name);
    const std::string text = dcsim::scenario::read_yaml_text(dir + "facilities.yaml");
    const auto cut = catalog_entry_text(text, "facilities", name);
    REQUIRE(cut.has_value());  // the shipped catalog is in the plain block layout: the cut is taken
    const FacilityPresetSpec alone =
        dcsim::scenario::load_catalog_entry<FacilityPresetSpec>(dir + "facilities.yaml", "facilities", name, "facility.preset", "facility", "catalog");
    CHECK(Writer::to_yaml(alone) == Writer::to_yaml(whole));
  }
  const auto sites = dcsim::scenario::load_catalog<SiteClimateSpec>(dir + "sites.yaml", "sites");
  REQUIRE(sites.size() >= 4);
  for (const auto& [name, whole] : sites) {
    CAPTURE(name);
    const auto cut = catalog_entry_text(dcsim::scenario::read_yaml_text(dir + "sites.yaml"), "sites", name);
    REQUIRE(cut.has_value());
    const SiteClimateSpec alone =
        dcsim::scenario::load_catalog_entry<SiteClimateSpec>(dir + "sites.yaml", "sites", name, "facility.site", "site", "site catalog");
    CHECK(Writer::to_yaml(alone) == Writer::to_yaml(whole));
  }
}
