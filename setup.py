"""Build the wheel odoo-addon-citizen_crm, with the addon at odoo/addons/citizen_crm.

The bridge addons beside it are built the same way, one wheel each, named by
CITIZEN_CRM_ADDON: ``CITIZEN_CRM_ADDON=citizen_crm_project pip wheel .``
builds odoo-addon-citizen_crm_project.

Like OCA's addon wheels, ``odoo`` and ``odoo.addons`` stay namespace packages:
the wheel only adds ``odoo/addons/citizen_crm`` with every file of the addon
(Python, XML, CSV, i18n, static assets, test corpora).
"""

import ast
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = os.environ.get("CITIZEN_CRM_ADDON") or "citizen_crm"
if not ADDON.startswith("citizen_crm") or not os.path.isfile(
    os.path.join(HERE, ADDON, "__manifest__.py")
):
    raise SystemExit(f"CITIZEN_CRM_ADDON={ADDON}: no such addon beside setup.py")
ADDON_DIR = os.path.join(HERE, ADDON)
SKIPPED_DIRS = {"__pycache__"}
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def read_manifest():
    with open(os.path.join(ADDON_DIR, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def addon_packages_and_data():
    """Every folder of the addon named like a Python package is one; every
    other file is data. A folder that cannot be a package (a migration's
    version, such as migrations/19.0.1.1.0) ships whole, scripts included,
    as data of the package above it: Odoo runs those scripts from files."""
    packages = {}
    package_data = {}
    for dirpath, dirnames, filenames in os.walk(ADDON_DIR):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        relative = os.path.relpath(dirpath, ADDON_DIR)
        parts = [] if relative == "." else relative.split(os.sep)
        depth = next(
            (i for i, part in enumerate(parts) if not part.isidentifier()), len(parts)
        )
        package = ".".join(["odoo", "addons", ADDON, *parts[:depth]])
        files = [
            name for name in sorted(filenames) if not name.endswith(SKIPPED_SUFFIXES)
        ]
        if depth == len(parts):
            packages[package] = os.path.relpath(dirpath, HERE)
            data = [name for name in files if not name.endswith(".py")]
        else:
            data = [os.path.join(*parts[depth:], name) for name in files]
        if data:
            package_data.setdefault(package, []).extend(data)
    return packages, package_data


manifest = read_manifest()
packages, package_data = addon_packages_and_data()
odoo_series = manifest["version"].split(".")[0]

with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
    long_description = f.read()

setup(
    name=f"odoo-addon-{ADDON}",
    version=manifest["version"],
    description=manifest["summary"],
    long_description=long_description,
    long_description_content_type="text/markdown",
    author=manifest["author"],
    url=manifest["website"],
    license=manifest["license"],
    packages=sorted(packages),
    package_dir=packages,
    package_data=package_data,
    include_package_data=False,
    python_requires=">=3.10",
    install_requires=[
        f"odoo>={odoo_series}.0a,<{int(odoo_series) + 1}.0a",
        "psycopg2",
        "lxml",
        *manifest.get("external_dependencies", {}).get("python", []),
        # a bridge needs the wheel of citizen_crm (Odoo's own modules come
        # with odoo)
        *(
            f"odoo-addon-{depend}=={manifest['version'].rsplit('.', 3)[0]}.*"
            for depend in manifest["depends"]
            if depend.startswith("citizen_crm")
        ),
    ],
    extras_require={"test": ["pytest-odoo"]},
    classifiers=[
        "Programming Language :: Python",
        "Framework :: Odoo",
        f"Framework :: Odoo :: {odoo_series}.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
    zip_safe=False,
)
