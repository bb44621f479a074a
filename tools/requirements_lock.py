"""requirements.lock: the exact version and hashes of every package an install takes, and whether it agrees
with pyproject.toml.

`python3 tools/requirements_lock.py` exits 1, saying what disagrees and how to fix it, when a requirement of
pyproject.toml (its dependencies, every extra, build-system.requires) has no pin in the lock that satisfies it,
or when the lock pins, as a requirement of pyproject.toml, a package that pyproject.toml no longer lists.
It needs only the standard library and pip, so `make` runs it before anything is installed.
"""
from __future__ import annotations

import platform
import re
import sys
import tomllib
from pathlib import Path
from typing import NamedTuple

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a bare venv or the system's Python: pip's own copy of packaging
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
# How pip-compile's "# via" notes name a requirement of pyproject.toml (also "...::build-system.requires").
FROM_PYPROJECT = "carbonqa (pyproject.toml"
# What `make lock` resolves for (markers, wheels): the lock holds no other platform's packages.
LOCK_PLATFORM = ("cpython", (3, 11), "linux", "x86_64")


class Pin(NamedTuple):
    version: str
    from_pyproject: bool  # pip-compile noted pyproject.toml as (one of) the reasons for it


def read_lock(lock: Path = LOCK) -> dict[str, Pin]:
    """The lock's pins by canonical package name."""
    pins: dict[str, Pin] = {}
    name = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match.group(1))
            pins[name] = Pin(match.group(2), False)
        elif name and line.lstrip().startswith("#") and FROM_PYPROJECT in line:
            pins[name] = pins[name]._replace(from_pyproject=True)
    return pins


def pyproject_requirements(pyproject: Path = PYPROJECT) -> list[Requirement]:
    """Every requirement pyproject.toml states that applies to this platform: dependencies, all extras and
    the build system's (the lock carries them too, so editable installs and wheels build without a download)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    texts = [*project.get("dependencies", []),
             *(text for extra in project.get("optional-dependencies", {}).values() for text in extra),
             *data.get("build-system", {}).get("requires", [])]
    requirements = [Requirement(text) for text in texts]
    return [req for req in requirements if req.marker is None or req.marker.evaluate({"extra": ""})]


def disagreements(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> list[str]:
    """What pyproject.toml asks that the lock does not give, and direct pins pyproject.toml no longer asks for."""
    pins = read_lock(lock)
    requirements = pyproject_requirements(pyproject)
    problems = []
    for req in requirements:
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req}: 锁文件中没有 / not in the lock")
        elif not req.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{req}: 锁文件固定为 / the lock pins {req.name}=={pin.version}")
    wanted = {canonicalize_name(req.name) for req in requirements}
    for name, pin in sorted(pins.items()):
        if pin.from_pyproject and name not in wanted:
            problems.append(f"{name}=={pin.version}: 锁文件把它记为 pyproject.toml 的依赖，但 pyproject.toml 已不再列出 / "
                            f"the lock pins it for pyproject.toml, which no longer lists it")
    return problems


def platform_problem() -> str | None:
    """Why this interpreter cannot install the lock, or None."""
    here = (sys.implementation.name, sys.version_info[:2], sys.platform, platform.machine())
    if here == LOCK_PLATFORM:
        return None
    return (f"错误 / error: {LOCK.name} 是为 CPython 3.11、Linux x86-64 生成的，这里是 / is for CPython 3.11 on "
            f"Linux x86-64; this is {platform.python_implementation()} {platform.python_version()} on "
            f"{sys.platform} {platform.machine()} ({sys.executable})\n"
            f"修复 / fix: make PYTHON=python3.11 （用 CPython 3.11 / with CPython 3.11）")


def main() -> int:
    if message := platform_problem():
        print(message, file=sys.stderr)
        return 1
    problems = disagreements()
    if not problems:
        return 0
    print(f"错误 / error: pyproject.toml 与 {LOCK.name} 不一致 / pyproject.toml and {LOCK.name} disagree:",
          *(f"  - {problem}" for problem in problems),
          f"修复 / fix: make lock （按 pyproject.toml 重新生成锁文件 / regenerate the lock from pyproject.toml），"
          f"then commit {LOCK.name}", sep="\n", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
