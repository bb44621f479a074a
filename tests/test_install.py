"""The installed environment is the lock, and every package the code imports, at the top of a module or only
on one path (a .docx/.pdf/.html upload, Milvus, ONNX, the LLM client), is there: a missing one fails here by
name, not in a user's upload."""
from __future__ import annotations

import ast
import importlib
import importlib.metadata
import pkgutil
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

import carbonqa
from requirements_lock import LOCK, disagreements, platform_problem, read_lock

pytestmark = pytest.mark.unit

PACKAGE_DIR = Path(carbonqa.__file__).resolve().parent
# Packages that libraries import only on a path the code takes; importing the code itself does not reach them.
LIBRARY_PATHS = {
    "lxml_html_clean": "trafilatura and jusText clean a web page with it (lxml's html_clean extra)",
    "milvus_lite": "pymilvus opens a Milvus Lite .db file (CARBONQA_STORE=milvus) with it",
    "python_multipart": "FastAPI reads uploaded plan files (POST /documents) with it",
    "onnxruntime.quantization": "the int8 model is made with it on first use",
}
# Part of the venv itself, not of the lock.
VENV_TOOLS = {"pip"}


def carbonqa_modules(path: Path = PACKAGE_DIR, prefix: str = "carbonqa.") -> list[str]:
    """Every module of the package, found without importing anything."""
    names = []
    for module in pkgutil.iter_modules([str(path)]):
        if module.name == "__main__":
            continue  # importing it runs the program (python -m carbonqa.cli)
        names.append(prefix + module.name)
        if module.ispkg:
            names += carbonqa_modules(path / module.name, f"{prefix}{module.name}.")
    return names


def module_file(name: str) -> Path:
    relative = Path(*name.split(".")[1:])
    package = PACKAGE_DIR / relative / "__init__.py"
    return package if package.is_file() else (PACKAGE_DIR / relative).with_suffix(".py")


def third_party_imports() -> dict[str, list[str]]:
    """Every module outside the standard library and carbonqa that the code imports, anywhere in a module
    (inside functions too), with the carbonqa modules that import it."""
    users: dict[str, list[str]] = {}
    for name in carbonqa_modules():
        for node in ast.walk(ast.parse(module_file(name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported = [node.module]
            else:
                continue
            for module in imported:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("carbonqa", "__future__"):
                    users.setdefault(module, []).append(name)
    return users


IMPORTED = third_party_imports()
FIX = "修复 / fix: rm -rf .venv && make install （按锁文件重建 / rebuild from the lock）; a package the lock lacks " \
      "goes into pyproject.toml, then make lock"


def test_the_module_list_is_complete():
    assert {"carbonqa.ingest.readers.word", "carbonqa.ingest.readers.pdf", "carbonqa.ingest.readers.webpage",
            "carbonqa.index.milvus_store", "carbonqa.index.onnx_encoder", "carbonqa.answer.llm"} \
        <= set(carbonqa_modules())
    assert {"docx", "pdfplumber", "trafilatura", "pymilvus", "onnxruntime", "httpx"} \
        <= {module.split(".")[0] for module in IMPORTED}


@pytest.mark.parametrize("module", carbonqa_modules())
def test_every_carbonqa_module_imports(module):
    try:
        importlib.import_module(module)
    except ImportError as error:
        pytest.fail(f"{module}: {error}\n{FIX}")


@pytest.mark.parametrize("module", sorted(IMPORTED) + sorted(LIBRARY_PATHS))
def test_every_package_the_code_imports_is_installed(module):
    why = LIBRARY_PATHS.get(module) or f"imported by {', '.join(sorted(set(IMPORTED[module])))}"
    try:
        importlib.import_module(module)
    except ImportError as error:
        pytest.fail(f"{module} ({why}): {error}\n{FIX}")


def test_lock_agrees_with_pyproject():
    assert platform_problem() is None
    assert disagreements() == []


def test_a_disagreeing_lock_is_named(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["numpy<1", "not-in-the-lock"]\n', encoding="utf-8")
    problems = disagreements(pyproject=pyproject)
    assert any(problem.startswith("numpy<1:") and "numpy==" in problem for problem in problems)
    assert any(problem.startswith("not-in-the-lock:") for problem in problems)
    # The lock's other direct requirements (fastapi, torch, …) are no longer asked for by this pyproject.
    assert any(problem.startswith("fastapi==") for problem in problems)


def test_a_lock_for_another_platform_is_refused(monkeypatch):
    import requirements_lock

    monkeypatch.setattr(requirements_lock, "LOCK_PLATFORM", ("cpython", (3, 12), "linux", "x86_64"))
    assert "make PYTHON=python3.11" in platform_problem()


def test_installed_packages_are_exactly_the_lock():
    """`pip list` equals the lock: same packages, same versions (carbonqa itself and pip aside)."""
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in importlib.metadata.distributions()}
    installed = {name: version for name, version in installed.items() if name not in {"carbonqa", *VENV_TOOLS}}
    pinned = {name: pin.version for name, pin in read_lock(LOCK).items()}
    differ = {name: (installed.get(name), pinned.get(name)) for name in installed.keys() | pinned.keys()
              if installed.get(name) != pinned.get(name)}
    assert not differ, ("installed / locked versions differ: "
                        + ", ".join(f"{name} {got} / {want}" for name, (got, want) in sorted(differ.items()))
                        + "\n修复 / fix: rm -rf .venv && make install （按锁文件重建 / rebuild from the lock）")


def test_version_is_the_installed_distributions():
    from typer.testing import CliRunner

    from carbonqa.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"carbonqa {importlib.metadata.version('carbonqa')}\n"
