"""carbonqa: cited answers over China's carbon-peak (碳达峰) implementation plans.

The repository's top-level folders are the stages (ingest → indicators → index → retriever → answer), the
composition layer (service), and what runs on it (eval, api, cli); installed, they are subpackages of this
one package (carbonqa.ingest, carbonqa.index, …), so nothing installs a top-level module with a generic
name. pyproject.toml maps this folder to `carbonqa`; tests/test_architecture.py keeps the layering.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("carbonqa")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
