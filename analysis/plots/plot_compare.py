#!/usr/bin/python3
"""Waterfalls of `dcsim compare --json` output: the CO2e ratio of two runs A / B as the product
of the four factors of Patterson et al. (model x machine x mechanization x map, or timing; IT
energy in place of model x machine when FLOPs are unknown), drawn on a log scale, where factors
multiply and so add up as lengths.

  dcsim compare A B --json > ab.json        -> ab-waterfall.<format>
  dcsim compare A B C ... --json > abc.json -> abc-waterfall.<format> (first against last) and
                                               abc-chain.<format> (every step, factor by factor)

One panel per accounting basis; bases with the same factors (e.g. net under the gross basis)
share a panel.

Usage: plot_compare.py COMPARE.json [-o DIR] [--format png|svg]
"""

import math
import sys

from plotting import InputError, parse, parser, plt, read_json, run_main, save, stem

import matplotlib.ticker as mticker

FACTORS = {  # key: (name, what it is, colour)
    "model": ("model", "FLOPs", "#4c72b0"),
    "machine": ("machine", "IT kWh/FLOP", "#dd8452"),
    "it_energy": ("IT energy", "model x machine", "#8172b3"),
    "mechanization": ("mechanization", "PUE", "#55a868"),
    "map": ("map", "CO2e/kWh", "#c44e52"),
    "timing": ("timing", "CO2e/kWh, same grid", "#937860"),
}
TOTAL_COLOUR = "#333333"
UNCHANGED = 1e-3  # a factor within 0.1% of 1 is not drawn in a chain's steps


def factor_items(factors):
    """(key, value) in the order of the decomposition; InputError on a factor it does not know."""
    for key, value in factors.items():
        if key not in FACTORS and key != "energy":
            raise InputError(f"unknown factor '{key}' in the comparison")
        if not (isinstance(value, (int, float)) and value > 0 and math.isfinite(value)):
            raise InputError(f"factor '{key}' is {value!r}, not a positive ratio")
    return [(k, factors[k]) for k in FACTORS if k in factors]


def grouped_bases(comparison):
    """The bases of one comparison, those with identical factors in one group, each a dict of
    basis (the first one's key), title, factors, ratio and what (the ratio's quantity)."""
    groups = []
    for b in comparison.get("bases", []):
        same = next((g for g in groups if g["factors"] == b["factors"]), None)
        if same:
            same["title"] += f"\n= {b['description']}"
        else:
            groups.append({"basis": b["basis"], "title": b["description"], "factors": b["factors"],
                           "ratio": b["ratio"], "what": "CO2e"})
    if not groups:  # no CO2e under any basis: the energy ratio alone
        energy = dict(comparison["energy_factors"])
        total = energy.pop("energy")
        groups.append({"basis": None, "title": "facility energy (no CO2e to compare)", "factors": energy,
                       "ratio": total, "what": "energy"})
    return groups


def ratio_text(v):
    if v >= 1000:
        return f"×{v:,.0f}"
    return f"×{v:.3g}" if v >= 0.01 else f"×{v:.2e}"


def log_axis(ax, values):
    low, high = min(values + [1.0]), max(values + [1.0])
    span = math.log10(high / low)
    pad = 10 ** max(0.15, 0.12 * span)
    ax.set_yscale("log")
    ax.set_ylim(low / pad, high * pad)
    subs = (1.0,) if span > 4 else (1.0, 2.0, 5.0)
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, subs=subs))
    ax.yaxis.set_minor_locator(mticker.LogLocator(base=10, subs=tuple(range(1, 10))))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    ax.axhline(1.0, color="black", linewidth=0.8)


def waterfall(ax, bars, total_label, total):
    """Floating bars from the running product before each factor to after it, then the total."""
    level, tops, x = 1.0, [1.0], 0
    for label, value, colour in bars:
        after = level * value
        ax.bar(x, abs(after - level), bottom=min(level, after), color=colour, width=0.6)
        ax.annotate(ratio_text(value), (x, max(level, after)), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small")
        ax.plot([x - 0.3, x + 1.3], [after, after], color="#888888", linewidth=0.8, linestyle=":")
        level = after
        tops.append(after)
        x += 1
    ax.bar(x, abs(total - 1.0), bottom=min(1.0, total), color=TOTAL_COLOUR, width=0.6)
    ax.annotate(ratio_text(total), (x, max(1.0, total)), xytext=(0, 3), textcoords="offset points", ha="center",
                va="bottom", fontsize="small", fontweight="bold")
    tops.append(total)
    ax.set_xticks(range(x + 1), [b[0] for b in bars] + [total_label], fontsize="small")
    ax.set_xlim(-0.6, x + 0.6)
    ax.grid(axis="x", visible=False)
    log_axis(ax, tops)


def plot_pair(comparison, title):
    """The four-factor waterfall of one comparison, one panel per group of bases."""
    groups = grouped_bases(comparison)
    fig, axes = plt.subplots(1, len(groups), figsize=(max(6.5, 5.6 * len(groups)), 5.0), squeeze=False,
                             layout="constrained")
    for ax, g in zip(axes[0], groups):
        bars = [(f"{FACTORS[k][0]}\n({FACTORS[k][1]})", v, FACTORS[k][2]) for k, v in factor_items(g["factors"])]
        waterfall(ax, bars, f"{g['what']}\nA / B", g["ratio"])
        ax.set_title(g["title"], fontsize="medium")
    axes[0][0].set_ylabel("ratio A / B (log scale)")
    a, b = comparison["a"], comparison["b"]
    fig.suptitle(f"{title}A: {a.get('scenario', a.get('file'))}\nB: {b.get('scenario', b.get('file'))}",
                 fontsize="medium")
    fig.supxlabel("Factors multiply: each bar is one factor's share of A / B; above 1, A needs or emits more than B.",
                  fontsize="small", color="#555555", x=0.01, ha="left")
    return fig


def plot_chain(chain):
    """Every step of a chain A -> B -> C ..., factor by factor, then the first-to-last ratio."""
    overall = grouped_bases(chain["overall"])
    fig, axes = plt.subplots(len(overall), 1, figsize=(11, 4.2 * len(overall) + 0.8), squeeze=False,
                             layout="constrained")
    names = [s["a"].get("scenario", s["a"].get("file")) for s in chain["steps"]]
    names.append(chain["steps"][-1]["b"].get("scenario", chain["steps"][-1]["b"].get("file")))
    used = set()
    for ax, g in zip(axes[:, 0], overall):
        bars, boundaries = [], []
        for k, step in enumerate(chain["steps"]):
            factors = step_factors(step, g["basis"])
            changed = [(key, v) for key, v in factor_items(factors) if abs(math.log(v)) > UNCHANGED]
            for key, v in changed or [("model", 1.0)]:
                bars.append((f"{k + 1}→{k + 2}\n{FACTORS[key][0]}", v, FACTORS[key][2]))
                used.add(key)
            boundaries.append(len(bars) - 0.5)
        waterfall(ax, bars, f"{g['what']}\n1→{len(names)}", g["ratio"])
        for x in boundaries:
            ax.axvline(x, color="#cccccc", linewidth=0.8)
        ax.set_title(g["title"], fontsize="medium")
        ax.set_ylabel(f"ratio run 1 / run {len(names)}\n(log scale)")
    shown = [k for k in FACTORS if k in used]
    handles = [plt.Rectangle((0, 0), 1, 1, color=FACTORS[k][2]) for k in shown]
    axes[0][0].legend(handles, [f"{FACTORS[k][0]} ({FACTORS[k][1]})" for k in shown], fontsize="small",
                      loc="upper left", ncol=2)
    runs = "\n".join(f"{k + 1}: {n}" for k, n in enumerate(names))
    fig.suptitle(f"Chain of {len(names)} runs, step by step: a step k→k+1 is run k / run k+1 "
                 f"(factors within {UNCHANGED:.1%} of 1 left out)", fontsize="medium")
    fig.supxlabel(runs, fontsize="small", color="#333333", x=0.01, ha="left")
    return fig


def step_factors(step, basis):
    for b in step.get("bases", []):
        if b["basis"] == basis:
            return b["factors"]
    energy = dict(step["energy_factors"])
    energy.pop("energy", None)
    return energy


class Comparison:
    """The JSON of one `dcsim compare --json`, checked, and where it came from."""

    def __init__(self, path):
        self.path, self.data = path, read_json(path)
        try:
            for c in self.data["steps"] + [self.data["overall"]] if "steps" in self.data else [self.data]:
                for g in grouped_bases(c):
                    factor_items(g["factors"])
                _ = (c["a"]["scenario"], c["b"]["scenario"], c["energy_factors"])
        except (KeyError, TypeError, IndexError) as e:
            raise InputError(f"{path}: not the output of `dcsim compare --json` (missing {e})") from None
        except InputError as e:
            raise InputError(f"{path}: {e}") from None


def load(path, args=None):
    """The comparison JSON at `path`, checked."""
    return Comparison(path)


def render(comparison, out_dir, fmt):
    """Writes the waterfall(s) of a comparison to out_dir; returns their paths."""
    data, name = comparison.data, stem(comparison.path)
    if "steps" in data:
        return [save(plot_pair(data["overall"], "First against last.  "), out_dir, f"{name}-waterfall", fmt),
                save(plot_chain(data), out_dir, f"{name}-chain", fmt)]
    return [save(plot_pair(data, ""), out_dir, f"{name}-waterfall", fmt)]


def main(argv=None):
    args = parse(parser("Waterfall of the four factors of dcsim compare --json output.",
                        "JSON written by dcsim compare A B [C ...] --json"), argv)

    def body():
        comparisons = [load(p) for p in args.files]
        for c in comparisons:
            render(c, args.output_dir, args.format)

    run_main(body)


if __name__ == "__main__":
    main(sys.argv[1:])
