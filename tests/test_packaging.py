"""The wheel odoo-addon-citizen_crm, and each bridge addon's wheel
(odoo-addon-citizen_crm_project...), must hold every file of its addon."""

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(path.parent.name for path in ROOT.glob("citizen_crm*/__manifest__.py"))


def _addon_files(addon):
    return {
        path.relative_to(addon).as_posix()
        for path in addon.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in (".pyc", ".pyo")
    }


def test_the_bridges_are_found():
    assert ADDONS[0] == "citizen_crm"
    assert "citizen_crm_project" in ADDONS


@pytest.fixture(scope="module", params=ADDONS)
def addon(request):
    return request.param


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, addon):
    # Build from a copy so the working tree gets no build/ or egg-info folders.
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / addon, source / addon, ignore=shutil.ignore_patterns("__pycache__")
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
        env={**os.environ, "CITIZEN_CRM_ADDON": addon},
    )
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_name_and_version(wheel, addon):
    manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
    assert wheel.name.startswith(f"odoo_addon_{addon}-{manifest['version']}-")
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        )
        metadata = archive.read(metadata_name).decode()
    assert f"Name: odoo-addon-{addon}" in metadata or (
        f"Name: odoo-addon-{addon.replace('_', '-')}" in metadata
    )
    assert "Requires-Dist: odoo<20.0a,>=19.0a" in metadata
    if addon != "citizen_crm":
        # a bridge brings citizen_crm of the same Odoo series
        assert re.search(
            r"Requires-Dist: odoo-addon-citizen[-_]crm==19\.0\.\*\n", metadata
        )


def test_wheel_holds_every_addon_file(wheel, addon):
    prefix = f"odoo/addons/{addon}/"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    packaged = {n[len(prefix) :] for n in names if n.startswith(prefix)}
    missing = _addon_files(ROOT / addon) - packaged
    assert not missing, f"files missing from the wheel: {sorted(missing)}"
    # odoo and odoo.addons are namespace packages: the wheel must not own them.
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names


def test_wheel_holds_every_file_the_manifest_loads(wheel, addon):
    prefix = f"odoo/addons/{addon}/"
    manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
    declared = set(manifest.get("data", [])) | set(manifest.get("demo", []))
    assert declared, "the manifest declares no data files"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = {f for f in declared if prefix + f not in names}
    assert not missing, f"manifest files missing from the wheel: {sorted(missing)}"
    for path in declared:
        assert (ROOT / addon / path).is_file(), f"manifest names a missing file: {path}"
