"""Who may import whom: the contracts in pyproject.toml's [tool.importlinter] hold for
src/hybridai, and `lint-imports` reports a copy of it that breaks one, naming the import. No
module is in an import cycle. The unit tests import no inference engine (`make test-unit`)."""

from __future__ import annotations

import graphlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sysconfig.get_path("scripts")) / "lint-imports"
CONTRACTS = [contract["name"] for contract in
             tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]]
NO_CYCLES = "no cycles between siblings"


def lint_imports(project: Path, *, package_dir: Path | None = None) -> tuple[int, str]:
    """`lint-imports` run in ``project`` on its pyproject.toml; hybridai is imported from
    ``package_dir`` when given, else it is the installed one. Returns the exit code and output."""
    env = {**os.environ, "COLUMNS": "200"}  # rich wraps long lines at the terminal's width
    if package_dir is not None:
        env["PYTHONPATH"] = str(package_dir)
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """src/hybridai and pyproject.toml copied to a temporary directory, to be broken there."""
    shutil.copytree(ROOT / "src" / "hybridai", tmp_path / "hybridai",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_every_contract() -> None:
    assert NO_CYCLES in CONTRACTS
    code, output = lint_imports(ROOT)
    assert code == 0, output
    for name in CONTRACTS:
        assert f"{name} KEPT" in output, output


@pytest.mark.parametrize(("module", "statement", "reported"), [
    ("schema/modes.py", "from ..core import pipeline",
     ["hybridai.schema is not allowed to import hybridai.core",
      "hybridai.schema.modes -> hybridai.core.pipeline"]),
    ("engines/gguf.py", "import hybridai.api.client",
     ["hybridai.engines is not allowed to import hybridai.api",
      "hybridai.engines.gguf -> hybridai.api.client"]),
])
def test_a_lower_layer_importing_a_higher_one_breaks_the_layers_contract(
        package_copy: Path, module: str, statement: str, reported: list[str]) -> None:
    with (package_copy / "hybridai" / module).open("a") as source:
        source.write(f"\n{statement}\n")
    code, output = lint_imports(package_copy, package_dir=package_copy)
    assert code != 0
    assert "layers BROKEN" in output
    for text in reported:
        assert text in output, output


def test_a_cycle_between_two_modules_of_a_package_breaks_the_no_cycles_contract(
        package_copy: Path) -> None:
    stores = package_copy / "hybridai" / "stores"
    (stores / "left.py").write_text("from . import right\n")
    (stores / "right.py").write_text("from . import left\n")
    code, output = lint_imports(package_copy, package_dir=package_copy)
    assert code != 0
    assert f"{NO_CYCLES} BROKEN" in output
    assert "No cycles are allowed in hybridai.stores." in output, output


def import_cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One chain of imports that leads back to where it began (importer first), or None."""
    sorter = graphlib.TopologicalSorter(
        {module: graph.find_modules_directly_imported_by(module) for module in graph.modules})
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        # graphlib lists each module before the one that imports it.
        return list(reversed(error.args[1]))
    return None


def test_no_module_is_in_an_import_cycle() -> None:
    # Stricter than the contract: it also covers a package's __init__ and its own modules.
    cycle = import_cycle(grimp.build_graph("hybridai", cache_dir=None))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_import_cycle_finds_a_package_that_imports_a_module_importing_it() -> None:
    graph = grimp.ImportGraph()
    graph.add_import(importer="pkg", imported="pkg.a")
    graph.add_import(importer="pkg.a", imported="pkg.b")
    assert import_cycle(graph) is None
    graph.add_import(importer="pkg.b", imported="pkg")
    cycle = import_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"pkg", "pkg.a", "pkg.b"}
    assert [(a, b) for a, b in zip(cycle, cycle[1:], strict=False)
            if not graph.direct_import_exists(importer=a, imported=b)] == []


_IMPORT_THE_UNIT_TESTS = """
import importlib, pathlib, sys
import tests.conftest
for path in sorted(pathlib.Path("tests/unit").rglob("test_*.py")):
    importlib.import_module(".".join(path.with_suffix("").parts))
print(sorted(name for name in sys.modules if name.split(".")[0] == "llama_cpp"))
"""


def test_the_unit_tests_import_no_inference_engine() -> None:
    result = subprocess.run([sys.executable, "-c", _IMPORT_THE_UNIT_TESTS], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
