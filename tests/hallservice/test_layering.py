"""The layering contracts of pyproject.toml (docs/architecture.md): they hold, and a deliberate violation fails.

The violations are written into a copy of the packages in a temporary directory, so the checkout is never
touched; `lint-imports` runs there without its cache, against the project's own configuration.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
ROOT_PACKAGES = CONFIG["root_packages"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},  # one contract a line, whatever the terminal
    )


@pytest.fixture
def tree_copy(tmp_path):
    """The root packages' Python files and pyproject.toml, copied, and removed afterwards."""
    for package in ROOT_PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=lambda directory, names: (
                [name for name in names if not name.endswith(".py") and not (Path(directory) / name).is_dir()]
                + ["__pycache__"]
            ),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    yield tmp_path
    for package in ROOT_PACKAGES:
        shutil.rmtree(tmp_path / package)


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        # The kernel reaching into a domain app breaks both contracts.
        ("hallservice/core/layering_probe.py", "import requests.models\n", ["Layers", "Kernel"]),
        # The kernel reaching into the site layer.
        ("hallservice/core/layering_probe.py", "from hallservice import urls\n", ["Layers", "Kernel"]),
        # A lower domain app importing a higher one.
        ("staff/layering_probe.py", "from rosters import models\n", ["Layers"]),
        # A domain app importing the site layer.
        ("training/layering_probe.py", "import hallservice.views\n", ["Layers"]),
    ],
)
def test_an_upward_import_breaks_the_contracts(tree_copy, module, source, broken):
    (tree_copy / module).write_text(source, encoding="utf-8")
    result = lint_imports(tree_copy)
    assert result.returncode != 0, result.stdout
    broken_contracts = [line.split(":")[0] for line in result.stdout.splitlines() if " BROKEN" in line]
    assert sorted(broken_contracts) == sorted(broken), result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
    assert not (ROOT / module).exists()


def test_the_site_layer_names_every_module_of_hallservice_but_the_kernel():
    # A new module in hallservice/ must be placed in a layer, or nothing would stop it importing anything.
    layers = next(contract for contract in CONFIG["contracts"] if contract["type"] == "layers")["layers"]
    site = {name.strip() for name in layers[0].split(":")}
    on_disk = {
        f"hallservice.{path.stem}"
        for path in (ROOT / "hallservice").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert on_disk - {"hallservice.core"} == site
