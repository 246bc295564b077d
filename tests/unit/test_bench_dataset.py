"""The benchmark's data set is the same for the same seed, and differs for another."""

from __future__ import annotations

from pathlib import Path

from bench.dataset import Sizes, write_csvs

TINY = Sizes(schools=2, regions=1, pupils=12, guardians=6, specialists=12, plans=12)


def _contents(folder: Path, seed: int) -> dict[str, bytes]:
    return {kind: path.read_bytes() for kind, path in write_csvs(folder, seed, TINY).items()}


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = _contents(tmp_path / "a", 7)
    assert first == _contents(tmp_path / "b", 7)
    assert set(first) >= {"schools", "pupils", "plans", "caterers", "availability"}


def test_another_seed_writes_other_files(tmp_path: Path) -> None:
    assert _contents(tmp_path / "a", 7) != _contents(tmp_path / "b", 8)
