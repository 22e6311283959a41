#!/usr/bin/python3
"""Plots of one run file (`dcsim run -o RUN.h5`), each named RUN-<plot>.<format>:

  power      facility power over time, stacked: IT, power-delivery losses, cooling, other
  pue        PUE per sample interval, with the run's PUE and the outdoor temperature
  intensity  grid intensity under each accounting basis the run reports, job windows shaded
  co2e       cumulative CO2e under each basis

Usage: plot_run.py RUN.h5 [RUN.h5 ...] [-o DIR] [--format png|svg]
"""

import datetime as dt
import sys

from plotting import InputError, np, plt, open_h5, parse, parser, run_main, save, scale_for, stem, text, units_of

import matplotlib.dates as mdates
import matplotlib.transforms as mtransforms

# Accounting bases in the order they are shown: timeseries suffix, label. The net columns are
# labelled with the run's net basis; a basis the run does not configure is all NaN and left out.
INTENSITY_BASES = [
    ("gross", "gross (location-based)"),
    ("net", "net ({net_basis} basis)"),
    ("net_given", "given (published net intensity)"),
    ("marginal", "marginal"),
]
CO2E_BASES = [
    ("gross", "gross (location-based)"),
    ("net", "net ({net_basis} basis)"),
    ("net_given", "given (published net intensity)"),
    ("hourly", "24/7 hourly matched"),
    ("marginal", "marginal"),
]
COLOURS = {"gross": "#444444", "net": "#1f77b4", "net_given": "#ff7f0e", "hourly": "#2ca02c", "marginal": "#d62728"}


class Run:
    """What the plots read from a run file."""

    def __init__(self, path):
        f, kind = open_h5(path)
        with f:
            if kind != "run":
                raise InputError(f"{path}: a sweep file, not a run (plot it with plot_sweep.py)")
            self.path = path
            self.name = text(f.attrs.get("scenario_name", stem(path)))
            start = text(f.attrs.get("start_time", "1970-01-01T00:00:00Z")).replace("Z", "+00:00")
            self.start = dt.datetime.fromisoformat(start)
            ts = f["timeseries"]
            self.interval_s = float(ts.attrs.get("interval_s", 3600.0))
            self.columns = {k: ts[k][()] for k in ts if ts[k].ndim == 1}
            self.units = {k: units_of(ts[k]) for k in ts}
            self.summary = {k: (text(v) if isinstance(v, (bytes, str)) else v) for k, v in f["summary"].attrs.items()}
            self.jobs = f["jobs"][()] if "jobs" in f else None
        if "time_s" not in self.columns or len(self.columns["time_s"]) == 0:
            raise InputError(f"{path}: the run has no time series rows")
        t = self.columns["time_s"]
        self.t_start = np.array([self.start + dt.timedelta(seconds=float(s)) for s in t])
        # The last interval may be shorter; its end is not in the file, so it is drawn full length.
        self.t_edges = np.append(self.t_start, self.start + dt.timedelta(seconds=float(t[-1] + self.interval_s)))
        self.net_basis = self.summary.get("net_basis", "net")

    def column(self, name):
        if name not in self.columns:
            raise InputError(f"{self.path}: no /timeseries/{name} (not a dcsim run of format 1?)")
        return np.asarray(self.columns[name], dtype=float)

    def has(self, name):
        values = self.columns.get(name)
        return values is not None and len(values) > 0 and not np.all(np.isnan(values))

    def job_windows(self):
        """The union of the jobs' [start, end) windows, as datetimes, and the jobs' count."""
        if self.jobs is None or len(self.jobs) == 0:
            return [], []
        spans = sorted(zip(self.jobs["start_s"], self.jobs["end_s"]))
        merged = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        to_time = lambda s: self.start + dt.timedelta(seconds=float(s))  # noqa: E731
        named = []
        if len(self.jobs) <= 8:
            named = [(text(j["name"]), to_time(j["start_s"]), to_time(j["end_s"])) for j in self.jobs]
        return [(to_time(s), to_time(e)) for s, e in merged], named


def time_axis(ax, run):
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlim(run.t_edges[0], run.t_edges[-1])
    ax.set_xlabel("time (UTC)")


def steps(values):
    """Interval averages drawn as steps over the interval edges."""
    return np.append(values, values[-1])


def energy_text(mwh):
    """An energy in MWh as "812 kWh", "8.125 MWh" or "97.33 GWh"."""
    if not np.isfinite(mwh):
        return "? MWh"
    if mwh >= 1e4:
        return f"{mwh / 1e3:.4g} GWh"
    return f"{mwh:.4g} MWh" if mwh >= 1 else f"{mwh * 1e3:.4g} kWh"


def plot_power(run):
    parts = [("it_power_w", "IT", "#1f77b4"), ("delivery_loss_w", "power-delivery losses", "#ff7f0e"),
             ("cooling_power_w", "cooling", "#17becf"), ("other_power_w", "other overhead", "#9a9a9a")]
    series = [(run.column(c), label, colour) for c, label, colour in parts]
    if all(np.nanmax(np.abs(run.column(c))) == 0 for c in ("delivery_loss_w", "cooling_power_w")):
        series[3] = (series[3][0], "overhead (fixed PUE)", series[3][2])
    # Under a fixed PUE all overhead is "other"; a part that is zero throughout is left out.
    series = [s for s in series if np.nanmax(np.abs(s[0])) > 0] or series[:1]
    total = run.column("facility_power_w")
    factor, unit = scale_for(np.nanmax(total), run.units.get("facility_power_w") or "W")
    fig, ax = plt.subplots(figsize=(10, 4.8))
    bottom = np.zeros(len(total) + 1)
    for values, label, colour in series:
        top = bottom + np.nan_to_num(steps(values)) * factor
        ax.fill_between(run.t_edges, bottom, top, step="post", color=colour, alpha=0.85, linewidth=0, label=label)
        bottom = top
    ax.step(run.t_edges, steps(total) * factor, where="post", color="black", linewidth=0.8 if len(total) < 2000 else 0.3,
            label="facility")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"power ({unit}, interval average)")
    s = run.summary
    ax.set_title(f"{run.name}: facility power, {energy_text(s.get('facility_energy_mwh', float('nan')))} "
                 f"(IT {energy_text(s.get('it_energy_mwh', float('nan')))}, PUE {s.get('pue', float('nan')):.3f})")
    legend_below(ax, ncol=5)
    time_axis(ax, run)
    return fig


def per_interval(seconds):
    """"hourly", or "per 15 min" for another sample interval."""
    if seconds == 3600:
        return "hourly"
    if seconds % 3600 == 0:
        return f"per {seconds / 3600:g} h"
    if seconds % 60 == 0:
        return f"per {seconds / 60:g} min"
    return f"per {seconds:g} s"


def plot_pue(run):
    pue = run.column("pue")
    fig, ax = plt.subplots(figsize=(10, 4.8))
    ax.step(run.t_edges, steps(pue), where="post", color="#1f77b4", linewidth=1.2,
            label=f"PUE, {per_interval(run.interval_s)} (facility / IT energy)")
    overall = run.summary.get("pue", float("nan"))
    if np.isfinite(overall):
        ax.axhline(overall, color="#1f77b4", linestyle="--", linewidth=1, label=f"whole run: {overall:.3f}")
    ax.set_ylabel("PUE")
    finite = pue[np.isfinite(pue)]
    if len(finite):
        low, high = min(finite.min(), overall), max(finite.max(), overall)
        pad = max(0.01, 0.1 * (high - low))
        ax.set_ylim(max(1.0, low - pad) if low >= 1.0 else low - pad, high + pad)
    if np.isnan(pue).any():
        ax.text(0.01, 0.02, "gaps: intervals without IT load", transform=ax.transAxes, fontsize="small", color="#666666")
    handles, labels = ax.get_legend_handles_labels()
    if run.has("outdoor_temp_c"):
        ax2 = ax.twinx()
        ax2.spines["right"].set_visible(True)
        ax2.grid(False)
        ax2.step(run.t_edges, steps(run.column("outdoor_temp_c")), where="post", color="#d62728", alpha=0.5,
                 linewidth=0.9, label="outdoor dry-bulb temperature")
        unit = {"degC": "°C"}.get(run.units.get("outdoor_temp_c", "degC"), run.units.get("outdoor_temp_c"))
        ax2.set_ylabel(f"outdoor temperature ({unit})", color="#a02020")
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    legend_below(ax, handles, labels)
    every = per_interval(run.interval_s)
    ax.set_title(f"{run.name}: {every} PUE" if every == "hourly" else f"{run.name}: PUE {every}")
    time_axis(ax, run)
    return fig


def distinct_series(run, bases, column_of):
    """The bases the run reports, identical series merged into one line: (key, label, values)."""
    shown = []
    for key, label in bases:
        column = column_of(key)
        if not run.has(column):
            continue
        values = run.column(column)
        label = label.format(net_basis=run.net_basis)
        for k, item in enumerate(shown):
            if np.allclose(item[2], values, rtol=1e-9, atol=1e-12, equal_nan=True):  # equal but for rounding
                shown[k] = (item[0], f"{item[1]} = {label}", item[2])
                break
        else:
            shown.append((key, label, values))
    return shown


def shade_jobs(ax, run):
    """Shades the time when a job runs; with a few jobs, also a bar and the name of each."""
    windows, named = run.job_windows()
    band = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    label = "job running" if run.jobs is not None and len(run.jobs) == 1 else "a job running"
    if len(windows) <= 200:
        for k, (s, e) in enumerate(windows):
            ax.axvspan(s, e, color="#f2c14e", alpha=0.22, linewidth=0, label=label if k == 0 else None)
    else:  # a cluster trace: shade the sample intervals in which a job runs, in one patch
        starts = np.array([s.replace(tzinfo=None) for s, _ in windows], dtype="datetime64[us]")
        ends = np.array([e.replace(tzinfo=None) for _, e in windows], dtype="datetime64[us]")
        edges = np.array([t.replace(tzinfo=None) for t in run.t_edges], dtype="datetime64[us]")
        # an interval [edges[i], edges[i+1]) overlaps a window when the window starts before it ends
        # and the last window starting before it ends ends after it starts
        last = np.searchsorted(starts, edges[1:], side="left") - 1
        running = (last >= 0) & (ends[np.maximum(last, 0)] > edges[:-1])
        ax.fill_between(run.t_edges, 0, steps(running.astype(float)), step="post", transform=band,
                        color="#f2c14e", alpha=0.22, linewidth=0, label=label)
    for k, (name, s, e) in enumerate(named):
        y = 0.97 - 0.07 * (k % 4)
        ax.plot([s, e], [y, y], transform=band, color="#b8860b", linewidth=3, solid_capstyle="butt")
        ax.text(s + (e - s) / 2, y - 0.012, name, transform=band, ha="center", va="top", fontsize="small",
                color="#7a5a00")
    return len(named)


def legend_below(ax, handles=None, labels=None, ncol=3):
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=min(ncol, len(handles)),
              fontsize="small", frameon=False)


def plot_intensity(run):
    shown = distinct_series(run, INTENSITY_BASES, lambda k: f"grid_{k}_g_per_kwh")
    if not shown:
        raise InputError(f"{run.path}: no grid intensity in the time series")
    fig, ax = plt.subplots(figsize=(10, 4.8))
    named = shade_jobs(ax, run)
    for key, label, values in shown:
        ax.step(run.t_edges, steps(values), where="post", color=COLOURS[key], linewidth=1.2, label=label)
    unit = run.units.get("grid_gross_g_per_kwh", "g/kWh") or "g/kWh"
    ax.set_ylabel(f"grid intensity ({unit} CO2e)")
    ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * (1.0 + 0.08 * min(named, 4) + 0.03))
    legend_below(ax)
    ax.set_title(f"{run.name}: grid intensity by accounting basis, job windows shaded")
    time_axis(ax, run)
    return fig


def plot_co2e(run):
    shown = distinct_series(run, CO2E_BASES, lambda k: f"co2e_{k}_kg")
    if not shown:
        raise InputError(f"{run.path}: no CO2e in the time series")
    totals = [np.nancumsum(values) for _, _, values in shown]
    factor, unit = scale_for(max(np.nanmax(t) for t in totals), run.units.get("co2e_gross_kg") or "kg CO2e")
    fig, ax = plt.subplots(figsize=(10, 4.8))
    for (key, label, _), total in zip(shown, totals):
        # cumulative at each interval's end, from zero at the start
        ax.plot(run.t_edges, np.append(0.0, total) * factor, color=COLOURS[key], linewidth=1.5,
                label=f"{label}: {total[-1] * factor:.4g} {unit}")
    annual = run.summary.get("co2e_annual_t", float("nan"))
    if np.isfinite(annual) and run.net_basis != "annual":
        ax.axhline(annual * 1e3 * factor, color="#8c564b", linestyle=":", linewidth=1.2,
                   label=f"annual matching, whole-run total: {annual * 1e3 * factor:.4g} {unit}")
    named = shade_jobs(ax, run)
    ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * (1.0 + 0.08 * min(named, 4) + 0.03))
    ax.set_ylabel(f"cumulative emissions ({unit})")
    legend_below(ax)
    embodied = run.summary.get("embodied_co2e_t", 0.0)
    note = f"; embodied {embodied:.4g} t CO2e not included" if embodied and embodied > 0 else ""
    ax.set_title(f"{run.name}: cumulative operational CO2e{note}")
    time_axis(ax, run)
    return fig


PLOTS = [("power", plot_power), ("pue", plot_pue), ("intensity", plot_intensity), ("co2e", plot_co2e)]


def load(path, args=None):
    """The run file `path`, read and checked (InputError if it is not a run)."""
    return Run(path)


def render(run, out_dir, fmt):
    """Writes every plot of a run to out_dir; returns their paths."""
    return [save(draw(run), out_dir, f"{stem(run.path)}-{name}", fmt) for name, draw in PLOTS]


def main(argv=None):
    args = parse(parser("Plot a dcsim run file: power, PUE, grid intensity, cumulative CO2e.",
                        "run file written by dcsim run -o"), argv)

    def body():
        runs = [load(p) for p in args.files]  # every file checked before any image is drawn
        for run in runs:
            render(run, args.output_dir, args.format)

    run_main(body)


if __name__ == "__main__":
    main(sys.argv[1:])
