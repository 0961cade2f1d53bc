"""The house rules: dependencies point one way (app -> scenes -> core), checked by import-linter's
contracts in pyproject.toml, and `import regviz` stays light."""
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root):
    """Run import-linter on the tree at `root` (its pyproject.toml, its packages first on the path)."""
    if not LINT_IMPORTS.exists():
        pytest.fail(f"import-linter is not installed next to {sys.executable}: pip install -e '.[test]'")
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml")], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)


def test_the_import_contracts_hold():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


def test_the_contract_catches_a_core_module_importing_click(tmp_path):
    for part in ("regviz", "scenes"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "regviz" / "penalties.py", "a") as f:
        f.write("\nimport click  # noqa: a core module must never do this\n")
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    assert "regviz.penalties -> click" in run.stdout


def test_every_core_module_is_under_the_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    core = {f"regviz.{p.stem}" for p in (ROOT / "regviz").glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert core == set(config["source_modules"])


def test_importing_regviz_loads_no_manim_click_or_jinja2():
    code = "import sys, regviz; print(sorted(m for m in ('manim', 'click', 'jinja2') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert run.stdout.strip() == "[]"
