"""Who may hand over to the archive and read what was handed over:
caseworkers and supervisors, for what they may read."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CitizenArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveAccess(CitizenArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A caseworker of the servicetorg only, not of the back office.
        cls.outsider = cls._new_user("archive_outsider", "citizen_crm.group_caseworker")
        cls.queue.member_ids |= cls.outsider
        cls.basis = cls.env.ref("citizen_crm.screening_basis_offl13_hpl21")
        cls.secret_case = cls.env["citizen.case"].create(
            {"title": "Helsesak", "partner_id": cls.plain.id}
        )
        cls.secret = cls._archive_inquiry(
            cls.plain,
            "Rusbehandling",
            case=cls.secret_case,
            screening_basis_id=cls.basis.id,
        )
        cls.Transfer = cls.env["citizen.archive.transfer"]

    def test_front_desk_cannot_hand_over(self):
        case = self.case.with_user(self.frontdesk)
        case.check_access("read")
        with self.assertRaises(AccessError):
            case.action_send_to_archive()
        with self.assertRaises(AccessError):
            self.inquiry.with_user(self.frontdesk).action_send_to_archive()
        self.assertFalse(self.Transfer.search([]))
        with self.assertRaises(AccessError):
            self.Transfer.with_user(self.frontdesk).search([])

    def test_outsider_cannot_hand_over_a_confidential_inquiry(self):
        with self.assertRaises(AccessError):
            self.secret.with_user(self.outsider).action_send_to_archive()
        with self.assertRaises(AccessError):
            self.secret_case.with_user(self.outsider).action_send_to_archive()
        self.assertFalse(self.Transfer.search([]))

    def test_outsider_cannot_read_the_package(self):
        self.secret_case.with_user(self.caseworker).action_send_to_archive()
        transfers = self.Transfer.search([("case_id", "=", self.secret_case.id)])
        self.assertEqual(len(transfers), 3)
        self.assertEqual(
            self.Transfer.with_user(self.caseworker).search(
                [("case_id", "=", self.secret_case.id)]
            ),
            transfers,
            "the handling caseworker reads them",
        )
        self.assertFalse(
            self.Transfer.with_user(self.outsider).search([("id", "in", transfers.ids)])
        )
        for transfer in transfers:
            with self.assertRaises(AccessError):
                transfer.with_user(self.outsider).read(["package"])
        with self.assertRaises(AccessError):
            transfers.attempt_ids[:1].with_user(self.outsider).read(["message"])
        # The supervisor reads them all.
        self.assertEqual(
            self.Transfer.with_user(self.supervisor).search(
                [("id", "in", transfers.ids)]
            ),
            transfers,
        )

    def test_case_hand_over_leaves_out_unreadable_inquiries(self):
        """A caseworker hands over what they may read of a case: the folder,
        not the documents of another queue's inquiry."""
        self.case.with_user(self.outsider).action_send_to_archive()
        transfers = self.Transfer.search([("case_id", "=", self.case.id)])
        self.assertEqual(transfers.mapped("kind"), ["folder"])
        self.case.with_user(self.caseworker).action_send_to_archive()
        transfers = self.Transfer.search([("case_id", "=", self.case.id)])
        self.assertEqual(sorted(transfers.mapped("kind")), ["entry", "entry", "folder"])

    def test_supervisor_hands_over(self):
        self.secret_case.with_user(self.supervisor).action_send_to_archive()
        self.assertEqual(
            len(self.Transfer.search([("case_id", "=", self.secret_case.id)])), 3
        )
