"""The addon's copy of the Fiks Arkiv V1 schemas is KS's, unchanged: the
copy the project was given (../shared/standards/fiks-arkiv-v1 beside the
repository) byte for byte, when that folder is there."""

import unittest
from pathlib import Path

from odoo.tests import BaseCase, tagged

from ..models import archive_message

GIVEN = Path(__file__).resolve().parents[2].parent / "shared/standards/fiks-arkiv-v1"
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "fiks_arkiv_v1"


@tagged("post_install", "-at_install")
class TestArchiveSchemas(BaseCase):
    def test_the_addon_validates_with_its_own_copy(self):
        self.assertEqual(archive_message.schema_dir(), SHIPPED)
        for kind in archive_message.SCHEMA_FILES:
            self.assertIsNotNone(archive_message.schema(kind), kind)
        self.assertTrue((SHIPPED / "LICENSE").is_file(), "KS's MIT license ships too")

    def test_the_copy_is_the_given_schemas_unchanged(self):
        if not GIVEN.is_dir():
            raise unittest.SkipTest(
                f"The given Fiks Arkiv V1 schemas are not in {GIVEN}: the addon's "
                "copy was not compared with them."
            )
        given = {path.name: path.read_bytes() for path in GIVEN.iterdir()}
        shipped = {path.name: path.read_bytes() for path in SHIPPED.iterdir()}
        self.assertEqual(shipped, given)
