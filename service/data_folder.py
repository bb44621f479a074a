"""Where carbonqa keeps its data by default, and where the shipped plans are.

Run from a checkout, the data folder is the checkout's `data/`; installed from a wheel, it is the user's data
folder (e.g. ~/.local/share/carbonqa), since site-packages is no place for an index or added plans. The five
shipped plans are package data, read from the package until the data folder has plans of its own.
"""
from __future__ import annotations

from pathlib import Path

import platformdirs

from carbonqa.ingest.errors import IngestError
from carbonqa.ingest.pipeline import plan_files

# The carbonqa package: a checkout's root (with pyproject.toml beside the stages), or site-packages/carbonqa.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS_DIR = PACKAGE_DIR / "data" / "corpus"


def default_data_dir() -> Path:
    """The checkout's data/ when running from a checkout, else the per-user data folder."""
    if (PACKAGE_DIR / "pyproject.toml").is_file():
        return PACKAGE_DIR / "data"
    return Path(platformdirs.user_data_dir("carbonqa", appauthor=False))


def corpus_folder(data_dir: Path) -> Path:
    """data_dir/corpus when it holds plans, else the plans shipped in the package."""
    corpus = data_dir / "corpus"
    try:
        plan_files(corpus)
    except IngestError:  # no such folder, or no plan in it
        return SHIPPED_CORPUS_DIR
    return corpus
