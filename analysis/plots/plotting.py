"""What the plot scripts share: reading dcsim files, units and labels, and writing images.

A file that is missing, not a dcsim file, or lacks what a plot needs raises InputError; the
scripts turn it into one "error: FILE: message" line on stderr and exit 2 (the exit codes of
dcsim: 0 success, 1 failure, 2 input error). Images are written under a temporary name in the
target directory and renamed, so an image is there complete or not at all.
"""

import argparse
import json
import os
import sys
import tempfile

EXIT_OK, EXIT_FAILURE, EXIT_INPUT_ERROR = 0, 1, 2

FORMATS = ("png", "svg")


class InputError(Exception):
    """A bad file or argument: reported as "error: <message>", exit 2."""


def _import_libraries():
    try:
        import numpy  # noqa: F401
        import h5py  # noqa: F401
        import matplotlib
    except ImportError as e:
        sys.stderr.write(
            f"error: the plots need numpy, h5py and matplotlib for {sys.executable} ({e}); "
            "on Debian: apt-get install python3-numpy python3-h5py python3-matplotlib\n")
        sys.exit(EXIT_INPUT_ERROR)
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.framealpha": 0.9,
        "svg.hashsalt": "dcsim",  # the same figure gives the same SVG bytes
    })


_import_libraries()

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


def text(value):
    """An HDF5 string (bytes or str) as str."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def open_h5(path):
    """The dcsim HDF5 file at `path` and its kind, "run" or "sweep"; InputError if it is not one."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    if not h5py.is_hdf5(path):
        raise InputError(f"{path}: not an HDF5 file (a dcsim run or sweep file was expected)")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: cannot be read as HDF5 ({e})") from None
    if "format_version" not in f.attrs:
        f.close()
        raise InputError(f"{path}: not a dcsim file (no format_version attribute)")
    if "sweep" in f and "results" in f["sweep"] and "params" in f["sweep"]:
        return f, "sweep"
    if "timeseries" in f and "summary" in f:
        return f, "run"
    f.close()
    raise InputError(f"{path}: a dcsim file with neither /timeseries (a run) nor /sweep (a sweep)")


def read_json(path):
    """The JSON object of `dcsim compare --json` at `path`; InputError if it is not one."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: not JSON ({e})") from None
    if isinstance(data, dict) and "bases" in data and "energy_factors" in data:
        return data
    if isinstance(data, dict) and "steps" in data and "overall" in data:
        return data
    raise InputError(f"{path}: not the output of `dcsim compare --json`")


def looks_like_json(path):
    try:
        with open(path, "rb") as f:
            return f.read(64).lstrip()[:1] == b"{"
    except OSError:
        return False


def kind_of(path):
    """"run", "sweep" or "compare" for a file the plots accept; InputError otherwise."""
    if path.endswith(".json") or (os.path.isfile(path) and not h5py.is_hdf5(path) and looks_like_json(path)):
        read_json(path)
        return "compare"
    f, kind = open_h5(path)
    f.close()
    return kind


def units_of(dataset):
    """The `units` attribute of a dataset, "" when absent."""
    return text(dataset.attrs.get("units", ""))


def field_units(dataset):
    """{field: unit} from a compound table's `units` attribute ("a: s; b: kWh")."""
    units = {}
    for part in units_of(dataset).split(";"):
        if ":" in part:
            name, unit = part.split(":", 1)
            units[name.strip()] = unit.strip()
    return units


def scale_for(max_value, unit):
    """(factor, unit) that shows values up to `max_value` in `unit` with a readable prefix."""
    steps = {
        "W": [(1e9, "GW"), (1e6, "MW"), (1e3, "kW"), (1.0, "W")],
        "kg CO2e": [(1e6, "kt CO2e"), (1e3, "t CO2e"), (1.0, "kg CO2e"), (1e-3, "g CO2e")],
    }.get(unit)
    if not steps or not np.isfinite(max_value) or max_value <= 0:
        return 1.0, unit
    for factor, name in steps:
        if max_value >= factor:
            return 1.0 / factor, name
    return 1.0 / steps[-1][0], steps[-1][1]


def save(fig, out_dir, name, fmt):
    """Writes `fig` to out_dir/name.fmt through a temporary file; returns the path."""
    target = os.path.join(out_dir, f"{name}.{fmt}")
    try:
        os.makedirs(out_dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}.tmp", dir=out_dir)
    except OSError as e:
        plt.close(fig)
        raise InputError(f"{out_dir}: cannot write images there ({e.strerror or e})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format=fmt, bbox_inches="tight",
                        metadata={"Date": None} if fmt == "svg" else None)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):  # a full disk, a file-size limit
            raise InputError(f"{target}: cannot be written ({e.strerror or e})") from None
        raise
    finally:
        plt.close(fig)
    print(target)
    return target


def stem(path):
    """The file name without directory and extension: the prefix of its images."""
    base = os.path.basename(path)
    return os.path.splitext(base)[0] or base


def parser(description, what):
    """The command line every script shares: FILE... -o DIR [--format png|svg]."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("files", nargs="+", metavar="FILE", help=what)
    p.add_argument("-o", "--output-dir", default=".", metavar="DIR",
                   help="directory for the images (created if missing; default: the current one)")
    p.add_argument("--format", choices=FORMATS, default="png", help="image format (default: png)")
    return p


def parse(p, argv):
    """argparse with the dcsim exit code (2) and message style for a bad command line."""
    try:
        return p.parse_args(argv)
    except SystemExit as e:
        sys.exit(EXIT_OK if e.code == 0 else EXIT_INPUT_ERROR)


def run_main(body):
    """Runs body() and maps InputError to "error: ..." and exit 2."""
    try:
        body()
    except InputError as e:
        sys.stderr.write(f"error: {e}\n")
        sys.exit(EXIT_INPUT_ERROR)
    except BrokenPipeError:
        sys.exit(EXIT_FAILURE)
    sys.exit(EXIT_OK)
