"""The default data folder: the checkout's data/ from a checkout, else the per-user folder; the shipped plans
from the package until the data folder has plans of its own."""
from __future__ import annotations

from pathlib import Path

import pytest

from carbonqa.service import data_folder
from carbonqa.service.data_folder import SHIPPED_CORPUS_DIR, corpus_folder, default_data_dir
from carbonqa.service.settings import Settings

pytestmark = pytest.mark.unit

REPO_DIR = Path(__file__).resolve().parents[1]


def test_a_checkout_keeps_its_data_in_data(monkeypatch):
    monkeypatch.delenv("CARBONQA_DATA_DIR", raising=False)
    assert default_data_dir() == REPO_DIR / "data"
    assert Settings().data_dir == REPO_DIR / "data"


def test_an_installed_package_keeps_its_data_in_the_user_folder(tmp_path, monkeypatch):
    site_packages = tmp_path / "site-packages" / "carbonqa"  # a wheel's package: no pyproject.toml beside it
    site_packages.mkdir(parents=True)
    monkeypatch.setattr(data_folder, "PACKAGE_DIR", site_packages)
    monkeypatch.delenv("CARBONQA_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert default_data_dir() == tmp_path / "share" / "carbonqa"
    assert Settings().index_path == tmp_path / "share" / "carbonqa" / "index"


def test_carbonqa_data_dir_overrides_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CARBONQA_DATA_DIR", str(tmp_path))
    assert Settings().data_dir == tmp_path


def test_the_shipped_plans_are_package_data():
    assert SHIPPED_CORPUS_DIR == REPO_DIR / "data" / "corpus"  # the editable install's package is the checkout
    assert len(list(SHIPPED_CORPUS_DIR.glob("*.txt"))) == 5


def test_a_data_folder_without_plans_reads_the_shipped_ones(tmp_path):
    assert corpus_folder(tmp_path) == SHIPPED_CORPUS_DIR  # no corpus/ at all
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notes.json").write_text("{}", encoding="utf-8")
    assert Settings(data_dir=tmp_path).corpus_path == SHIPPED_CORPUS_DIR  # a corpus/ with no plan in it


def test_plans_in_the_data_folder_are_read_instead(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "plan.txt").write_text("某市碳达峰实施方案", encoding="utf-8")
    assert Settings(data_dir=tmp_path).corpus_path == tmp_path / "corpus"
    assert Settings(data_dir=tmp_path, corpus_dir=REPO_DIR / "eval").corpus_path == REPO_DIR / "eval"
