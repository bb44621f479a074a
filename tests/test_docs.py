"""The documentation: the README stays a front page, the MkDocs reference builds with --strict, every
relative link points to a file, and every setting, endpoint and command is documented."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[1]
DOCS_DIR = REPO_DIR / "docs"
README = REPO_DIR / "README.md"
README_MAX_LINES = 250

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # http:, https:, mailto: …


def markdown_files() -> list[Path]:
    return [README, REPO_DIR / "CHANGELOG.md", *sorted(DOCS_DIR.glob("*.md"))]


def relative_links(path: Path) -> list[str]:
    """Link and image targets of a markdown file that point into the repository (code is skipped)."""
    text = INLINE_CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    return [target for target in LINK.findall(text) if not EXTERNAL.match(target) and not target.startswith("#")]


@pytest.mark.unit
def test_readme_is_a_front_page():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines, at most {README_MAX_LINES}: move reference material to docs/ "
        "and link to it")


@pytest.mark.unit
@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(REPO_DIR)))
def test_every_relative_link_points_to_an_existing_file(path):
    links = relative_links(path)
    missing = [target for target in links if not (path.parent / target.split("#")[0].split("?")[0]).exists()]
    assert links or path.name == "CHANGELOG.md", f"{path.name}: no links found (is the link pattern right?)"
    assert missing == [], f"{path.relative_to(REPO_DIR)} links to files that do not exist: {missing}"


@pytest.mark.unit
def test_the_link_check_sees_links_and_skips_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("[a](a.md#x) ![b](img/b.png) [c](https://x.org) [d](#here) `[e](e.md)`\n"
                    "```\n[f](f.md)\n```\n", encoding="utf-8")
    assert relative_links(page) == ["a.md#x", "img/b.png"]


ISSUE_REFERENCE = re.compile(r"\bissues?[ -]?#?\d+", re.I)
SOURCE_SUFFIXES = {".py", ".js", ".html", ".css", ".md", ".toml", ".yml"}
NOT_SOURCE = {"data", "reports", "site", "build"}


def source_files() -> list[Path]:
    """The project's code and docs: every source file outside hidden, generated and data folders."""
    return [path for path in REPO_DIR.rglob("*") if path.suffix in SOURCE_SUFFIXES and path.is_file()
            and not any(part.startswith(".") or part in NOT_SOURCE or part.endswith(".egg-info")
                        for part in path.relative_to(REPO_DIR).parts[:-1])]


@pytest.mark.unit
def test_no_issue_numbers_in_code_or_docs():
    # Comments and docs say what is true and why; the history, issue by issue, is CHANGELOG.md's.
    found = [f"{path.relative_to(REPO_DIR)}:{number}: {line.strip()[:80]}"
             for path in source_files() if path.name != "CHANGELOG.md"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ISSUE_REFERENCE.search(line)]
    assert found == [], "issue references (say why instead):\n" + "\n".join(found)


def test_mkdocs_build_strict(tmp_path):
    try:
        import material  # noqa: F401  (the Material theme, installed with the test extra)
        import mkdocs  # noqa: F401
    except ImportError as error:
        pytest.fail(f"mkdocs-material is not installed ({error}): pip install -e '.[test]'")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=REPO_DIR, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})  # the theme's banner is no warning
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()


@pytest.mark.unit
def test_every_setting_is_documented():
    from carbonqa.api.settings import Settings

    page = (DOCS_DIR / "install.md").read_text(encoding="utf-8")
    prefix = Settings.model_config["env_prefix"]
    missing = [f"{prefix}{name.upper()}" for name in Settings.model_fields
               if f"`{prefix}{name.upper()}`" not in page]
    assert missing == [], f"settings missing from the table in docs/install.md: {missing}"


def documented_endpoints() -> set[tuple[str, str]]:
    """(method, path) of every row of the endpoint table in docs/api.md: | GET | `/path` | … |."""
    rows = re.findall(r"^\| ([A-Z, ]+) \| `(/[^`]*)` \|", (DOCS_DIR / "api.md").read_text(encoding="utf-8"), re.M)
    return {(method.strip(), path) for methods, path in rows for method in methods.split(",")}


@pytest.mark.unit
def test_every_endpoint_is_documented(tmp_path):
    from fastapi.routing import iter_route_contexts

    from carbonqa.api.app import create_app
    from carbonqa.api.settings import Settings

    app = create_app(Settings(data_dir=tmp_path))
    served = {(method, re.sub(r":\w+}", "}", route.path))
              for route in iter_route_contexts(app.routes)  # with the routes of included routers
              for method in getattr(route, "methods", None) or () if method != "HEAD"}
    assert served - documented_endpoints() == set(), "endpoints missing from the table in docs/api.md"
    assert documented_endpoints() - served == set(), "docs/api.md documents endpoints the service does not have"


def cli_commands(command, path: tuple[str, ...] = ()):
    """(command path, click command) of every leaf command of the installed `carbonqa` script."""
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield path, command
        return
    for name, subcommand in subcommands.items():
        yield from cli_commands(subcommand, (*path, name))


@pytest.mark.unit
def test_every_command_and_option_is_documented():
    import typer.main

    (script,) = entry_points(group="console_scripts", name="carbonqa")
    page = (DOCS_DIR / "cli.md").read_text(encoding="utf-8")
    synopsis = FENCE.search(page).group(0)
    problems = []
    for path, command in cli_commands(typer.main.get_command(script.load())):
        name = "carbonqa " + " ".join(path)
        found = re.search(rf"^{re.escape(name)}\b.*(?:\n[ \t]+.*)*", synopsis, re.M)
        if found is None:
            problems.append(f"{name}: not in the synopsis")
            continue
        options = [opt for param in command.params for opt in (*param.opts, *param.secondary_opts)
                   if opt.startswith("-")]
        problems += [f"{name}: option {opt} not in its synopsis" for opt in options
                     if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", found.group(0))]
        if f"`{name}`" not in page:
            problems.append(f"{name}: not in the table of commands")
    assert problems == [], "docs/cli.md is missing: " + "; ".join(problems)
