#pragma once
// Shell completions and the man page, generated from the command line's own definition (the
// CLI11 App of cli/Cli.cpp), so that they list exactly the subcommands and options it accepts.

#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace dcsim::cli {

/// A bash completion script: `source` it, or install it as bash-completion/completions/dcsim.
std::string bash_completion(const CLI::App& app);

/// A zsh completion script (#compdef dcsim): install it as _dcsim in a directory of $fpath.
std::string zsh_completion(const CLI::App& app);

/// The man page, dcsim(1), in roff: every subcommand with each of its arguments and options,
/// the global options, the exit status, the environment and the installed files.
std::string man_page(const CLI::App& app, std::string_view version);

}  // namespace dcsim::cli
