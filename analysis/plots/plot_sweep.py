#!/usr/bin/python3
"""Heatmap of a sweep file (`dcsim sweep SPEC -o SWEEP.h5`): one summary figure of every variant
over two varied keys, written as SWEEP-heatmap-<metric>.<format>.

By default x is the varied key with the most distinct values and y the next one that is not tied
to it (keys of one zip group vary together); `--x KEY --y KEY` choose. A third key with at most
six values gives one panel per value; further keys are averaged over (the title says so). A
sweep of one key over instants (`axes: {start: {instants: ...}}`) is drawn as day x hour of day.
Failed variants are hatched cells.

Usage: plot_sweep.py SWEEP.h5 [-o DIR] [--format png|svg] [--x KEY] [--y KEY] [--metric NAME]
"""

import datetime as dt
import os
import sys

from plotting import InputError, field_units, np, open_h5, parse, parser, plt, run_main, save, stem, text

import matplotlib.colors as mcolors

DEFAULT_METRIC = "co2e_net_t"
NOT_METRICS = {"index", "id", "status", "error"}
NOT_KEYS = {"index", "id", "seed"}
MAX_PANELS = 6
HOUR_KEY, DAY_KEY = "hour of day (UTC)", "day"

LABELS = {
    "it_energy_mwh": "IT energy", "facility_energy_mwh": "facility energy", "pue": "PUE",
    "co2e_gross_t": "gross emissions", "co2e_net_t": "net emissions", "makespan_h": "makespan",
    "embodied_co2e_t": "embodied CO2e", "wasted_energy_mwh": "energy lost to failures",
    "co2e_net_given_t": "emissions at the published net intensity", "co2e_hourly_t": "emissions, 24/7 hourly matched",
    "co2e_annual_t": "emissions, annual matching", "co2e_marginal_t": "marginal emissions",
    "cfe_supply_mwh": "carbon-free supply", "cfe_matched_share": "share of energy matched hourly",
    "electricity_cost": "electricity cost", "mean_wait_h": "mean wait", "jobs_completed": "jobs completed",
    "jobs_cut": "jobs cut at the horizon", "jobs_not_started": "jobs not started",
    "baseline_co2e_net_t": "net emissions under FIFO", "co2e_saved_vs_baseline_t": "net emissions saved against FIFO",
    "delay_added_h": "delay added against FIFO",
}


def metric_label(name, unit):
    label = LABELS.get(name, name.replace("_", " "))
    return f"{label} ({unit})" if unit and unit != "1" else label


def tick_label(key, value):
    if key == "base":  # a base scenario's path: its name is enough
        return os.path.splitext(os.path.basename(value))[0]
    return value if len(value) <= 24 else value[:22] + "…"


def cell_text(value, digits):
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.{digits}g}"


def instant(value):
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class Sweep:
    """The params and results tables of a sweep file, joined by variant index."""

    def __init__(self, path):
        f, kind = open_h5(path)
        with f:
            if kind != "sweep":
                raise InputError(f"{path}: a run file, not a sweep (plot it with plot_run.py)")
            params, results = f["sweep/params"][()], f["sweep/results"][()]
            self.units = field_units(f["sweep/results"])
        self.path = path
        if len(results) == 0:
            raise InputError(f"{path}: the sweep has no variants")
        order = {int(i): k for k, i in enumerate(params["index"])}
        rows = [order[int(i)] for i in results["index"]]
        self.results = results
        self.keys = {}  # key -> list of its values (as written), one per result row
        self.numbers = {}
        for name in params.dtype.names:
            if name in NOT_KEYS or name.endswith(".number") and name[:-7] in params.dtype.names:
                continue
            self.keys[name] = [text(params[name][r]) for r in rows]
            if name + ".number" in params.dtype.names:
                self.numbers[name] = [float(params[name + ".number"][r]) for r in rows]
        self.status = results["status"]
        self.metrics = [n for n in results.dtype.names if n not in NOT_METRICS and results.dtype[n].kind in "fiu"]
        self.instants_of = None  # the key split into day and hour of day
        self._split_instants()

    def _split_instants(self):
        """A sweep of one key over many instants is seen as two keys, day and hour of day."""
        if len(self.keys) != 1:
            return
        key, values = next(iter(self.keys.items()))
        times = [instant(v) for v in values]
        if None in times or len(set(values)) <= 24:
            return
        times = [t.astimezone(dt.timezone.utc) for t in times]
        self.keys = {DAY_KEY: [t.strftime("%Y-%m-%d") for t in times], HOUR_KEY: [f"{t.hour:02d}" for t in times]}
        self.numbers = {HOUR_KEY: [float(t.hour) for t in times]}
        self.instants_of = key

    def values_of(self, key):
        """The distinct values of a key, by number when each has its own, else as first met."""
        values = list(dict.fromkeys(self.keys[key]))
        numbers = self.numbers.get(key)
        if numbers:
            by_value = dict(zip(self.keys[key], numbers))
            if len(set(by_value.values())) == len(values) and all(np.isfinite(list(by_value.values()))):
                values.sort(key=lambda v: by_value[v])
        return values

    def default_axes(self, x=None, y=None):
        """x and y as given, the missing ones chosen: most distinct values first, and y not tied
        to x (keys of one zip group vary together). y is None for a sweep of one key."""
        keys = sorted(self.keys, key=lambda k: -len(set(self.keys[k])))
        if not keys:
            raise InputError(f"{self.path}: no varied key in /sweep/params")
        tied = lambda a, b: len(set(zip(self.keys[a], self.keys[b]))) == len(set(self.keys[a]))  # noqa: E731
        if x is None:
            x = next((k for k in keys if k != y and (y is None or not tied(y, k))), None)
            if x is None:
                return y, None
        if y is None:
            y = next((k for k in keys if k != x and not tied(x, k)), None)
        return x, y


def heatmap(sweep, metric, x, y):
    values = np.asarray(sweep.results[metric], dtype=float)
    ok = sweep.status == 0
    xs = sweep.values_of(x)
    ys = sweep.values_of(y) if y else [""]
    rest = [k for k in sweep.keys if k not in (x, y)]
    facet = rest[0] if len(rest) == 1 and len(set(sweep.keys[rest[0]])) <= MAX_PANELS else None
    panels = sweep.values_of(facet) if facet else [None]
    averaged = [k for k in rest if k != facet]

    grids, failed = [], []
    for p in panels:
        total = np.zeros((len(ys), len(xs)))
        count = np.zeros((len(ys), len(xs)))
        bad = np.zeros((len(ys), len(xs)), dtype=bool)
        for r in range(len(values)):
            if facet and sweep.keys[facet][r] != p:
                continue
            i = ys.index(sweep.keys[y][r]) if y else 0
            j = xs.index(sweep.keys[x][r])
            if ok[r] and np.isfinite(values[r]):
                total[i, j] += values[r]
                count[i, j] += 1
            elif not ok[r]:
                bad[i, j] = True
        with np.errstate(invalid="ignore", divide="ignore"):
            grids.append(np.where(count > 0, total / np.maximum(count, 1), np.nan))
        failed.append(bad & (count == 0))

    finite = np.concatenate([g[np.isfinite(g)] for g in grids])
    if finite.size == 0:
        raise InputError(f"{sweep.path}: no variant reports {metric} (all failed or NaN)")
    low, high = finite.min(), finite.max()
    norm = (mcolors.LogNorm(low, high) if low > 0 and high / low > 100
            else mcolors.Normalize(low, high if high > low else low + 1.0))
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("#eeeeee")

    cell_w = 0.75 if len(xs) <= 12 else max(0.08, 9.0 / len(xs))
    cell_h = 0.5 if len(ys) <= 12 else max(0.12, 6.0 / len(ys))
    width = min(22.0, max(6.5, len(panels) * (len(xs) * cell_w + 1.2) + 2.5))
    height = min(14.0, max(3.5, len(ys) * cell_h + 2.6)) if y else 2.8
    fig, axes = plt.subplots(1, len(panels), figsize=(width, height), squeeze=False, sharey=True,
                             layout="constrained")
    digits = 4 if high - low < 0.1 * abs(high) else 3  # close values (PUE) need a digit more to differ
    annotate = len(xs) * len(ys) <= 150
    for ax, grid, bad, p in zip(axes[0], grids, failed, panels):
        image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
        ax.grid(False)
        for i, j in zip(*np.nonzero(bad)):
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", edgecolor="#b03030",
                                       linewidth=0))
        if annotate:
            for i in range(len(ys)):
                for j in range(len(xs)):
                    if np.isfinite(grid[i, j]):
                        shade = norm(grid[i, j])
                        ax.text(j, i, cell_text(grid[i, j], digits), ha="center", va="center", fontsize="x-small",
                                color="black" if shade > 0.6 else "white")
        step_x = max(1, len(xs) // 24)
        ax.set_xticks(range(0, len(xs), step_x), [tick_label(x, v) for v in xs[::step_x]],
                      rotation=45 if max(len(tick_label(x, v)) for v in xs) > 4 else 0, ha="right"
                      if max(len(tick_label(x, v)) for v in xs) > 4 else "center")
        step_y = max(1, len(ys) // 24)
        if y:
            ax.set_yticks(range(0, len(ys), step_y), [tick_label(y, v) for v in ys[::step_y]])
        else:
            ax.set_yticks([])
        ax.set_xlabel(x)
        if facet:
            ax.set_title(f"{facet} = {tick_label(facet, p)}", fontsize="medium")
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
    if y:
        axes[0][0].set_ylabel(y)
    unit = sweep.units.get(metric, "")
    fig.colorbar(image, ax=list(axes[0]), label=metric_label(metric, unit), fraction=0.05, pad=0.01)
    n_failed = int((~ok).sum())
    notes = []
    if sweep.instants_of:
        notes.append(f"{sweep.instants_of} as day and hour")
    if averaged:
        notes.append(f"mean over {', '.join(averaged)}")
    if n_failed:
        notes.append(f"{n_failed} failed variant{'s' if n_failed != 1 else ''} hatched")
    title = f"{stem(sweep.path)}: {metric_label(metric, unit)}, {len(values)} variants"
    fig.suptitle(title + (f" ({'; '.join(notes)})" if notes else ""))
    return fig


class Plan:
    """A sweep and the checked choice of what to draw."""

    def __init__(self, sweep, x, y, metric):
        if metric not in sweep.metrics:
            raise InputError(f"{sweep.path}: no metric '{metric}'; the sweep has {', '.join(sweep.metrics)}")
        for key in (x, y):
            if key is not None and key not in sweep.keys:
                raise InputError(f"{sweep.path}: '{key}' is not a varied key; the sweep varies {', '.join(sweep.keys)}")
        if x is not None and x == y:
            raise InputError(f"{sweep.path}: --x and --y are the same key '{x}'")
        self.sweep, self.metric = sweep, metric
        self.x, self.y = sweep.default_axes(x, y)


def load(path, args=None):
    """The sweep file `path` with the --x, --y and --metric of `args`, checked."""
    return Plan(Sweep(path), getattr(args, "x", None), getattr(args, "y", None),
                getattr(args, "metric", None) or DEFAULT_METRIC)


def render(plan, out_dir, fmt):
    """Writes the heatmap of a sweep to out_dir; returns its path."""
    fig = heatmap(plan.sweep, plan.metric, plan.x, plan.y)
    return [save(fig, out_dir, f"{stem(plan.sweep.path)}-heatmap-{plan.metric}", fmt)]


def add_options(p):
    p.add_argument("--x", metavar="KEY", help="varied key along x (default: the one with most values)")
    p.add_argument("--y", metavar="KEY", help="varied key along y (default: the next one)")
    p.add_argument("--metric", metavar="NAME", default=DEFAULT_METRIC,
                   help=f"summary figure to show (default: {DEFAULT_METRIC}; any column of /sweep/results)")


def main(argv=None):
    p = parser("Heatmap of a dcsim sweep file: one summary figure over two varied keys.",
               "sweep file written by dcsim sweep -o")
    add_options(p)
    args = parse(p, argv)

    def body():
        plans = [load(path, args) for path in args.files]
        for plan in plans:
            render(plan, args.output_dir, args.format)

    run_main(body)


if __name__ == "__main__":
    main(sys.argv[1:])
