#!/usr/bin/python3
"""Every plot of each dcsim file given, chosen by what the file is: a run file (plot_run.py), a
sweep file (plot_sweep.py) or the JSON of `dcsim compare --json` (plot_compare.py). What
`dcsim plot` runs. Prints the path of each image it writes. All files are checked before any
image is drawn; exit 2 if one is not a dcsim file.

Usage: plot.py FILE [FILE ...] [-o DIR] [--format png|svg] [--x KEY] [--y KEY] [--metric NAME]
"""

import sys

from plotting import kind_of, parse, parser, run_main

import plot_compare
import plot_run
import plot_sweep


def main(argv=None):
    p = parser("Plot dcsim output: run files, sweep files and dcsim compare --json output.",
               "a run or sweep .h5 file, or the .json of dcsim compare --json")
    plot_sweep.add_options(p)
    args = parse(p, argv)

    def body():
        modules = {"run": plot_run, "sweep": plot_sweep, "compare": plot_compare}
        loaded = [(modules[kind_of(path)], path) for path in args.files]
        loaded = [(module, module.load(path, args)) for module, path in loaded]
        for module, item in loaded:
            module.render(item, args.output_dir, args.format)

    run_main(body)


if __name__ == "__main__":
    main(sys.argv[1:])
