#include "sim/cli/Completion.hpp"

#include <algorithm>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dcsim::cli {
namespace {

/// One argument or option of a command, as the generators need it.
struct Arg {
  std::vector<std::string> names;  ///< "-o", "--output"; empty for a positional argument
  std::string positional;          ///< its name, for a positional argument
  std::string value;               ///< the value's type ("TEXT"); empty for a flag
  std::vector<std::string> choices;  ///< the values it accepts, when they are a fixed set
  std::string default_value;       ///< shown in the man page (not when it is a path of this build)
  std::string description;
  bool required = false;
  bool many = false;  ///< a positional argument taking several values
};

// CLI11 names a value "TEXT", "UINT:UINT in [1 - 4096]" or "TEXT:{png,svg}": the type, then
// what its check accepts; a set of choices is kept.
void read_type(const std::string& type_name, Arg& a) {
  const std::size_t colon = type_name.find(':');
  a.value = type_name.substr(0, colon);
  if (colon == std::string::npos || type_name.compare(colon + 1, 1, "{") != 0 || type_name.back() != '}') return;
  const std::string list = type_name.substr(colon + 2, type_name.size() - colon - 3);
  for (std::size_t from = 0; from <= list.size();) {
    const std::size_t comma = std::min(list.find(',', from), list.size());
    a.choices.push_back(list.substr(from, comma - from));
    from = comma + 1;
  }
}

std::vector<Arg> args_of(const CLI::App& app) {
  std::vector<Arg> out;
  for (const CLI::Option* opt : app.get_options()) {
    Arg a;
    for (const std::string& s : opt->get_snames()) a.names.push_back("-" + s);
    for (const std::string& l : opt->get_lnames()) a.names.push_back("--" + l);
    if (a.names.empty()) a.positional = opt->get_name();
    if (opt->get_type_size_max() > 0 || !a.positional.empty()) read_type(opt->get_type_name(), a);
    if (!opt->get_default_str().empty() && opt->get_default_str().front() != '/') a.default_value = opt->get_default_str();
    a.description = opt->get_description();
    a.required = opt->get_required();
    a.many = !a.positional.empty() && opt->get_items_expected_max() > 1;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<const CLI::App*> commands_of(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

std::string option_words(const std::vector<Arg>& args, bool with_value_only) {
  std::vector<std::string> words;
  for (const Arg& a : args)
    if (!a.names.empty() && (!with_value_only || !a.value.empty())) words.insert(words.end(), a.names.begin(), a.names.end());
  return fmt::format("{}", fmt::join(words, " "));
}

// --- bash -------------------------------------------------------------------------------------

std::string bash_case(const std::string& name, const std::vector<Arg>& args) {
  std::vector<std::string> words;
  for (const Arg& a : args)
    if (a.names.empty()) words.insert(words.end(), a.choices.begin(), a.choices.end());
  return fmt::format("    {}) opts=\"{}\"; valued=\"{}\"; words=\"{}\" ;;\n", name, option_words(args, false),
                     option_words(args, true), fmt::join(words, " "));
}

// The values of the options that take one of a fixed set: "command --option") COMPREPLY=...
std::string bash_choice_cases(const std::string& command, const std::vector<Arg>& args) {
  std::string out;
  for (const Arg& a : args)
    if (!a.names.empty() && !a.choices.empty())
      for (const std::string& n : a.names)
        out += fmt::format("    \"{} {}\") COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n", command, n,
                           fmt::join(a.choices, " "));
  return out;
}

// --- zsh --------------------------------------------------------------------------------------

std::string zsh_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\'') out += "'\\''";
    else if (c == '[' || c == ']' || c == ':' || c == '\\') out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

std::string zsh_specs(const std::vector<Arg>& args, const std::string& indent) {
  std::string out;
  for (const Arg& a : args) {
    // A path, one of a set, or a number (nothing to offer).
    const std::string complete = !a.choices.empty() ? fmt::format("({})", fmt::join(a.choices, " "))
                                 : a.value == "TEXT" ? "_files"
                                                     : "";
    const std::string action = a.value.empty() ? "" : fmt::format(":{}:{}", zsh_escape(a.value), complete);
    if (a.names.empty()) {
      out += fmt::format("{}'{}:{}:{}' \\\n", indent, a.many ? "*" : "1", zsh_escape(a.positional), complete);
    } else if (a.names.size() == 1) {
      out += fmt::format("{}'{}[{}]{}' \\\n", indent, a.names[0], zsh_escape(a.description), action);
    } else {
      out += fmt::format("{}'({})'{{{}}}'[{}]{}' \\\n", indent, fmt::join(a.names, " "), fmt::join(a.names, ","),
                         zsh_escape(a.description), action);
    }
  }
  return out;
}

// --- roff -------------------------------------------------------------------------------------

std::string roff(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string value_text(const Arg& a) {
  return a.choices.empty() ? a.value : fmt::format("{}", fmt::join(a.choices, "|"));
}

std::string roff_synopsis(const Arg& a) {
  if (a.names.empty()) return fmt::format("\\fI{}\\fR", roff(a.positional));
  std::vector<std::string> names;
  for (const std::string& n : a.names) names.push_back(fmt::format("\\fB{}\\fR", roff(n)));
  std::string s = fmt::format("{}", fmt::join(names, ", "));
  if (!a.value.empty()) s += fmt::format(" \\fI{}\\fR", roff(value_text(a)));
  return s;
}

std::string roff_args(const std::vector<Arg>& args) {
  std::string out;
  for (const Arg& a : args) {
    out += ".TP\n" + roff_synopsis(a) + "\n" + roff(a.description);
    if (a.names.empty() && !a.choices.empty()) out += roff(fmt::format(": {}", fmt::join(a.choices, ", ")));
    if (!a.default_value.empty()) out += roff(fmt::format(" (default: {})", a.default_value));
    if (a.required && !a.names.empty()) out += " (required)";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string bash_completion(const CLI::App& app) {
  std::vector<std::string> names;
  std::string cases, choices;
  for (const CLI::App* sub : commands_of(app)) {
    names.push_back(sub->get_name());
    cases += bash_case(sub->get_name(), args_of(*sub));
    choices += bash_choice_cases(sub->get_name(), args_of(*sub));
  }
  const std::vector<Arg> global = args_of(app);
  return fmt::format(R"(# bash completion for {0} (generated by `{0} completion bash`)
_{0}() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  local commands="{1}" command="" opts="" valued="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " $commands " in *" ${{COMP_WORDS[i]}} "*) command="${{COMP_WORDS[i]}}"; break ;; esac
  done
  case "$command" in
{2}  esac
  case "$command $prev" in
{5}  esac
  opts="$opts {3}"
  valued="$valued {4}"
  if [[ " $valued " == *" $prev "* && "$prev" == -* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  elif [[ -n "$words" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -o bashdefault -F _{0} {0}
)",
                     app.get_name(), fmt::join(names, " "), cases, option_words(global, false), option_words(global, true), choices);
}

std::string zsh_completion(const CLI::App& app) {
  std::string commands, cases;
  for (const CLI::App* sub : commands_of(app)) {
    commands += fmt::format("    '{}:{}'\n", sub->get_name(), zsh_escape(sub->get_description()));
    cases += fmt::format("        {})\n          _arguments \\\n{}            && ret=0 ;;\n", sub->get_name(),
                         zsh_specs(args_of(*sub), "            "));
  }
  return fmt::format(R"(#compdef {0}
# zsh completion for {0} (generated by `{0} completion zsh`)
_{0}() {{
  local curcontext="$curcontext" state line ret=1
  local -a commands
  commands=(
{1}  )
  _arguments -C \
{2}    '1: :->command' \
    '*:: :->args' && ret=0
  case $state in
    command) _describe -t commands '{0} command' commands && ret=0 ;;
    args)
      case $words[1] in
{3}      esac ;;
  esac
  return ret
}}
_{0} "$@"
)",
                     app.get_name(), commands, zsh_specs(args_of(app), "    "), cases);
}

std::string man_page(const CLI::App& app, std::string_view version) {
  const std::string name = app.get_name();
  std::string out = fmt::format(".TH {} 1 \"\" \"{} {}\" \"User Commands\"\n", roff(name == "dcsim" ? "DCSIM" : name), name, version);
  std::string summary = app.get_description();
  if (summary.rfind(name + ": ", 0) == 0) summary.erase(0, name.size() + 2);
  out += fmt::format(".SH NAME\n{} \\- {}\n", name, roff(summary));
  out += fmt::format(".SH SYNOPSIS\n.B {}\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]\n", name);
  out += ".SH DESCRIPTION\n" + roff(app.get_description()) +
         ". Each command is described below with its arguments and options; global options may be given "
         "before or after the command.\n";
  out += ".SH GLOBAL OPTIONS\n" + roff_args(args_of(app));
  out += ".SH COMMANDS\n";
  for (const CLI::App* sub : commands_of(app)) {
    const std::vector<Arg> args = args_of(*sub);
    std::string synopsis = fmt::format("\\fB{} {}\\fR", name, roff(sub->get_name()));
    for (const Arg& a : args)
      if (a.names.empty()) {
        const std::string text = fmt::format("\\fI{}\\fR{}", roff(a.positional), a.many ? "..." : "");
        synopsis += a.required ? " " + text : " [" + text + "]";
      }
    synopsis += " [\\fIOPTIONS\\fR]";
    out += fmt::format(".SS {}\n{}\n.PP\n{}\n", roff(sub->get_name()), roff(sub->get_description()), synopsis);
    out += roff_args(args);
  }
  out += R"(.SH EXIT STATUS
.TP
.B 0
Success.
.TP
.B 1
Run failure: a reproduced figure outside its tolerance, a plot script that failed, an internal error.
.TP
.B 2
Input error: a bad scenario, file or argument. Each problem is one line on standard error,
\fBerror: FILE[:LINE[:COL]]: [KEY: ]MESSAGE\fR, and no output file is written.
.PP
SIGINT and SIGTERM remove any output still being written; the command exits 130 or 143.
.SH ENVIRONMENT
.TP
.B DCSIM_SCENARIO_DIR
The scenarios directory (with \fIcatalog/\fR and \fIpaper/\fR); default: \fI../share/dcsim/scenarios\fR beside the program, else the source tree it was built from, else share/dcsim/scenarios under the configured prefix or /usr.
.TP
.B DCSIM_PLOTS_DIR
The plot scripts; default: \fI../share/dcsim/analysis/plots\fR beside the program.
.TP
.B DCSIM_PYTHON
The Python 3 (with h5py and matplotlib) that \fBplot\fR runs.
.TP
.B NO_COLOR
When set, messages are never coloured (they are coloured only on a terminal).
.SH FILES
.TP
.I share/dcsim/scenarios/
The paper's scenarios, the what-ifs and the catalogs (\fBdcsim catalog\fR lists them).
.TP
.I share/bash-completion/completions/dcsim, share/zsh/vendor-completions/_dcsim
Shell completions (\fBdcsim completion bash|zsh\fR prints them).
)";
  return out;
}

}  // namespace dcsim::cli
