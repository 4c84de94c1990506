"""The wheel odoo-addon-citizen_crm must hold every file of the addon."""

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "citizen_crm"
PREFIX = "odoo/addons/citizen_crm/"


def _addon_files():
    return {
        path.relative_to(ADDON).as_posix()
        for path in ADDON.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in (".pyc", ".pyo")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Build from a copy so the working tree gets no build/ or egg-info folders.
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ADDON, source / "citizen_crm", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
    )
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_name_and_version(wheel):
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    assert wheel.name.startswith(f"odoo_addon_citizen_crm-{manifest['version']}-")
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        )
        metadata = archive.read(metadata_name).decode()
    assert "Name: odoo-addon-citizen_crm" in metadata or (
        "Name: odoo-addon-citizen-crm" in metadata
    )
    assert "Requires-Dist: odoo<20.0a,>=19.0a" in metadata


def test_wheel_holds_every_addon_file(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    packaged = {n[len(PREFIX) :] for n in names if n.startswith(PREFIX)}
    missing = _addon_files() - packaged
    assert not missing, f"files missing from the wheel: {sorted(missing)}"
    # odoo and odoo.addons are namespace packages: the wheel must not own them.
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names


def test_wheel_holds_every_file_the_manifest_loads(wheel):
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    declared = set(manifest.get("data", [])) | set(manifest.get("demo", []))
    assert declared, "the manifest declares no data files"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = {f for f in declared if PREFIX + f not in names}
    assert not missing, f"manifest files missing from the wheel: {sorted(missing)}"
    for path in declared:
        assert (ADDON / path).is_file(), f"manifest names a missing file: {path}"
