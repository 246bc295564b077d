"""Figure 1: the whole national data set through ``pumpurs-bot import`` (goal: under 5 s).

``python -m bench.bench_import [--quick] [--seed 2020]`` writes the CSV files of
:mod:`bench.dataset` (schools, pupils, guardians, specialists, coordinators, plans,
caterers, 4 weeks of weekly hours), then times ``python -m bot import FILES...`` into a
fresh database in a fresh process (interpreter start included), and runs it again to
show that importing the same files twice changes nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.dataset import FULL, QUICK, Sizes, import_through_cli, write_config, write_csvs

GOAL_SECONDS = 5.0


def run(seed: int, sizes: Sizes) -> dict[str, float]:
    """Print the figure; return {"import_s": seconds of the first import}."""
    with tempfile.TemporaryDirectory(prefix="pumpurs-bench-") as tmp:
        folder = Path(tmp)
        files = list(write_csvs(folder / "csv", seed, sizes).values())
        config = write_config(folder, folder / "bench.sqlite3")
        seconds, report = import_through_cli(config, files)
        print(f"pumpurs-bot import of {len(files)} files into a fresh database: {seconds:.2f} s")
        for line in report.splitlines():
            print("  " + line.split("/")[-1])
        again, report = import_through_cli(config, files)
        changed = sum(int(line.rsplit(", ", 1)[1].split()[0]) for line in report.splitlines())
        print(f"the same files again: {again:.2f} s, {changed} rows changed")
    print(f"  import: {seconds:.2f} s (goal < {GOAL_SECONDS:g} s)")
    return {"import_s": seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--seed", type=int, default=2020, help="data set seed (2020)")
    args = parser.parse_args(argv)
    run(args.seed, QUICK if args.quick else FULL)


if __name__ == "__main__":
    main()
