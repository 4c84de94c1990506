"""The hand-over queue: the folder transport, the receipts, rejections and
retries, and never the same document twice."""

import base64
import os

from odoo.tests import Form, tagged

from .common import CitizenArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveTransfer(CitizenArchiveCommon):
    def send(self, record=None, user=None):
        record = (record or self.case).with_user(user or self.caseworker)
        record.action_send_to_archive()
        return self.transfers()

    def transfers(self):
        return self.env["citizen.archive.transfer"].search(
            [("case_id", "=", self.case.id)], order="id"
        )

    def folder_transfer(self):
        return self.transfers().filtered(lambda t: t.kind == "folder")

    def poll(self):
        self.env["citizen.archive.transfer"]._cron_citizen_archive_receipts()

    def test_case_without_number_until_the_receipt(self):
        self.assertFalse(self.case.name)
        self.assertIn("awaiting archive number", self.case.display_name)
        with Form(self.env["citizen.case"].with_user(self.caseworker)) as form:
            form.title = "Ny sak"
        self.assertFalse(form.record.name, "a case may be opened before the archive")

    def test_folder_transport_writes_one_package_atomically(self):
        transfers = self.send()
        folder = self.folder_transfer()
        self.assertEqual(folder.state, "sent")
        self.assertEqual(
            set(transfers.filtered(lambda t: t.kind == "entry").mapped("state")),
            {"waiting"},
            "the entries wait for their folder's receipt",
        )
        self.assertEqual(os.listdir(self.outbox), [f"{folder.message_uuid}.zip"])
        self.assertEqual(
            (self.outbox / f"{folder.message_uuid}.zip").read_bytes(),
            base64.b64decode(folder.package),
        )
        self.assertEqual(folder.attempt_ids.mapped("outcome"), ["success"])

    def test_interrupted_write_leaves_no_package(self):
        """The archive never sees half a package: the file only appears,
        whole, under its name once written; a failed write leaves nothing
        under that name, and the transfer failed."""
        transfer = self.env["citizen.archive.transfer"].with_user(self.caseworker)
        transfer = transfer._citizen_queue(self.case, self.env["citizen.inquiry"])
        # The temporary name is taken (by a folder): the write fails midway.
        (self.outbox / f".{transfer.message_uuid}.zip.part").mkdir()
        transfer._citizen_send()
        self.assertEqual(transfer.state, "failed")
        self.assertFalse(transfer.rejected)
        self.assertFalse((self.outbox / f"{transfer.message_uuid}.zip").exists())
        self.assertEqual(transfer.attempt_ids.mapped("outcome"), ["failure"])
        self.assertTrue(transfer.attempt_ids.message)
        # The cron retries a transport failure with the same package.
        (self.outbox / f".{transfer.message_uuid}.zip.part").rmdir()
        self.env["citizen.archive.transfer"]._cron_citizen_archive_send()
        self.assertEqual(transfer.state, "sent")
        self.assertEqual(
            sorted(os.listdir(self.outbox)), [f"{transfer.message_uuid}.zip"]
        )

    def test_receipt_sets_case_and_registry_numbers(self):
        self.send()
        folder = self.folder_transfer()
        self.receipt(folder, folder=(2026, 1234))
        self.poll()
        self.assertEqual(folder.state, "receipted")
        self.assertEqual(self.case.name, "2026/1234")
        self.assertNotIn("awaiting", self.case.display_name)
        self.assertTrue(
            (self.inbox / "processed" / f"{folder.message_uuid}.xml").exists()
        )
        entries = self.transfers().filtered(lambda t: t.kind == "entry")
        self.assertEqual(
            set(entries.mapped("state")), {"sent"}, "the receipt lets the entries go"
        )
        for number, entry in enumerate(entries, start=1):
            self.receipt(entry, entry=(2026, 500 + number, number))
        self.poll()
        self.assertEqual(set(entries.mapped("state")), {"receipted"})
        self.assertEqual(
            entries.mapped("registry_number"), ["2026/501-1", "2026/502-2"]
        )
        self.assertEqual(
            self.inquiry.archive_registry_numbers, "2026/501-1, 2026/502-2"
        )
        self.assertEqual(self.case.archive_registry_numbers, "2026/501-1, 2026/502-2")
        self.assertEqual(
            entries[0].attempt_ids.sorted("id").mapped("action"), ["send", "receipt"]
        )

    def test_rejection_fails_and_retry_sends_the_same_package(self):
        self.send()
        folder = self.folder_transfer()
        package = folder.package
        first = (self.outbox / f"{folder.message_uuid}.zip").read_bytes()
        self.receipt(folder, error="Ukjent arkivdel")
        self.poll()
        self.assertEqual(folder.state, "failed")
        self.assertTrue(folder.rejected)
        self.assertIn("Ukjent arkivdel", folder.error)
        self.assertEqual(folder.attempt_ids.sorted("id")[-1].outcome, "rejected")
        # A rejection waits for a person: the cron does not resend it.
        os.remove(self.outbox / f"{folder.message_uuid}.zip")
        self.env["citizen.archive.transfer"]._cron_citizen_archive_send()
        self.assertEqual(folder.state, "failed")
        folder.with_user(self.caseworker).action_retry()
        self.assertEqual(folder.state, "sent")
        self.assertEqual(folder.package, package, "nothing rebuilt")
        self.assertEqual(
            (self.outbox / f"{folder.message_uuid}.zip").read_bytes(),
            first,
            "the same content under the same keys",
        )
        self.assertEqual(
            folder.attempt_ids.sorted("id").mapped("outcome"),
            ["success", "rejected", "success"],
        )

    def test_never_sent_twice(self):
        first = self.send()
        self.assertEqual(len(first), 3)
        again = self.send()
        self.assertEqual(again, first, "nothing new queued")
        self.send(self.inquiry)
        self.assertEqual(self.transfers(), first, "from the inquiry neither")
        self.inquiry.message_post(
            body="<p>Ettersending</p>",
            subject="Ettersending",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=self.plain.id,
        )
        self.send(self.inquiry)
        added = self.transfers() - first
        self.assertEqual(len(added), 1, "only the new document")
        self.assertEqual(added.parent_id, self.folder_transfer())
        self.assertEqual(
            len(set(self.transfers().mapped("key"))), 4, "one transfer per key"
        )

    def test_receipt_with_a_number_taken_is_set_aside(self):
        self.env["citizen.case"].create({"name": "2026/1234", "title": "Annen sak"})
        self.send()
        folder = self.folder_transfer()
        self.receipt(folder, folder=(2026, 1234))
        other = self.transfers().filtered(lambda t: t.kind == "entry")[:1]
        self.poll()
        self.assertEqual(folder.state, "sent", "nothing half-applied")
        self.assertFalse(self.case.name)
        self.assertTrue(
            (self.inbox / "unreadable" / f"{folder.message_uuid}.xml").exists()
        )
        self.assertEqual(other.state, "waiting")

    def test_anonymisation_removes_the_packages(self):
        """An inquiry without a case (no archive duty on our copy) loses its
        personal data: the packages kept on its transfers too."""
        inquiry = self._archive_inquiry(self.plain, "Søknad fra Ola Åpen")
        inquiry.case_id = False
        self.send(inquiry)
        transfers = inquiry.archive_transfer_ids
        self.assertTrue(transfers)
        self.assertTrue(all(transfers.mapped("package")))
        self.receipt(transfers[0], entry=(2026, 9, 1))
        self.poll()
        inquiry._citizen_anonymise()
        self.assertFalse(any(transfers.mapped("package")))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", transfers._name),
                    ("res_id", "in", transfers.ids),
                    ("res_field", "=", "package"),
                ]
            )
        )
        self.assertNotIn("Ola", " ".join(transfers.mapped("name")))
        self.assertEqual(transfers[0].registry_number, "2026/9-1", "numbers stay")
        self.assertEqual(transfers[1].state, "failed", "nothing left to send")

    def test_unreadable_receipt_is_set_aside(self):
        self.send()
        folder = self.folder_transfer()
        (self.inbox / f"{folder.message_uuid}.xml").write_bytes(b"<kvittering/>")
        self.poll()
        self.assertEqual(folder.state, "sent")
        self.assertTrue(
            (self.inbox / "unreadable" / f"{folder.message_uuid}.xml").exists()
        )
