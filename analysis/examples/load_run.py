#!/usr/bin/env python3
"""Load a dcsim run into pandas and xarray and check its totals against the file's summary.

    /usr/bin/python3 analysis/examples/load_run.py RUN.h5 [--report REPORT.json]

pandas: /timeseries as a DataFrame indexed by UTC time, /jobs as a DataFrame (one call each).
xarray: xr.open_dataset(RUN.h5, group="timeseries", engine="h5netcdf") is indexed by time,
because time_s is the group's dimension scale with CF units ("seconds since <start_time>").
The totals (facility and IT energy from power x interval length, CO2e from the interval
emissions) must match /summary and, with --report, `dcsim report RUN.h5 --json` saved to a file.
Prints the totals; exits 1 when a total differs, 2 when the file or a module is missing.
Debian: python3-h5py, python3-pandas, python3-xarray, python3-h5netcdf.
"""

import argparse
import json
import sys

try:
    import h5py
    import numpy as np
    import pandas as pd
    import xarray as xr
except ImportError as e:
    print(f"error: this example needs h5py, pandas, xarray and h5netcdf ({e})", file=sys.stderr)
    sys.exit(2)

RTOL = 1e-9


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def timeseries_frame(f):
    """/timeseries as a DataFrame of its 1-D columns, indexed by interval start (UTC)."""
    group = f["timeseries"]
    # Every 1-D dataset is a column over time but the other dimension scales (rack positions).
    columns = {}
    for name, dataset in group.items():
        if dataset.ndim == 1 and (name == "time_s" or not h5py.h5ds.is_scale(dataset.id)):
            columns[name] = dataset[:]
    start = pd.Timestamp(text(f.attrs["start_time"]))
    index = start + pd.to_timedelta(columns.pop("time_s"), unit="s")
    return pd.DataFrame(columns, index=pd.DatetimeIndex(index, name="time"))


def jobs_frame(f):
    """/jobs, the compound table, as a DataFrame; its strings as str."""
    jobs = pd.DataFrame(f["jobs"][:])
    for column in jobs.columns:
        if jobs[column].dtype == object:
            jobs[column] = jobs[column].map(text)
    return jobs


def totals(frame):
    """MWh and t from interval averages (W) x interval lengths (s) and interval emissions (kg)."""
    return {
        "it_energy_mwh": float((frame["it_power_w"] * frame["duration_s"]).sum()) / 3.6e9,
        "facility_energy_mwh": float((frame["facility_power_w"] * frame["duration_s"]).sum()) / 3.6e9,
        "co2e_gross_t": float(frame["co2e_gross_kg"].sum()) / 1e3,
        "co2e_net_t": float(frame["co2e_net_kg"].sum()) / 1e3,
    }


def close(a, b):
    return abs(a - b) <= RTOL * max(abs(a), abs(b)) + 1e-15


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--report", help="`dcsim report RUN.h5 --json` saved to a file")
    args = parser.parse_args()
    try:
        f = h5py.File(args.run, "r")
    except OSError as e:
        print(f"error: {args.run}: {e}", file=sys.stderr)
        return 2
    with f:
        frame = timeseries_frame(f)
        jobs = jobs_frame(f)
        summary = {k: float(v) for k, v in f["summary"].attrs.items() if np.ndim(v) == 0 and not isinstance(v, (str, bytes))}

    dataset = xr.open_dataset(args.run, group="timeseries", engine="h5netcdf")
    if not np.issubdtype(dataset["time_s"].dtype, np.datetime64):
        print("error: xarray did not decode time_s as times", file=sys.stderr)
        return 1
    from_xarray = {
        "facility_energy_mwh": float((dataset["facility_power_w"] * dataset["duration_s"]).sum()) / 3.6e9,
        "co2e_gross_t": float(dataset["co2e_gross_kg"].sum()) / 1e3,
    }

    ours = totals(frame)
    references = {"/summary": summary}
    if args.report:
        with open(args.report, encoding="utf-8") as r:
            references["dcsim report"] = json.load(r)

    print(f"{len(frame)} intervals from {frame.index[0]} (it_power_w in {dataset['it_power_w'].attrs['units']}), "
          f"{len(jobs)} job(s)")
    failed = False
    for name, value in list(ours.items()) + [(k + " (xarray)", v) for k, v in from_xarray.items()]:
        key = name.split(" ")[0]
        line = f"  {name:30s} {value:.9g}"
        for where, reference in references.items():
            ok = close(value, reference[key])
            failed = failed or not ok
            line += f"  {where} {reference[key]:.9g} {'ok' if ok else 'DIFFERS'}"
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
