"""The arkivmelding a hand-over builds: valid against the Fiks Arkiv V1
schemas, the documents mapped to registry entries, and no protected or
confidential data left unscreened."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.citizen_inquiry_privacy import SCREENED
from .common import CitizenArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveMessage(CitizenArchiveCommon):
    def hand_over(self, case=None, inquiries=None, user=None):
        Transfer = self.env["citizen.archive.transfer"].with_user(
            user or self.caseworker
        )
        case = self.case if case is None else case
        inquiries = (inquiries or self.inquiry).with_user(user or self.caseworker)
        return Transfer._citizen_queue(
            case.with_user(user or self.caseworker), inquiries
        )

    def entries(self, transfers):
        return {
            t.entry_type: t for t in transfers.filtered(lambda t: t.kind == "entry")
        }

    def test_case_folder_and_entries_validate(self):
        transfers = self.hand_over()
        self.assertEqual(sorted(transfers.mapped("kind")), ["entry", "entry", "folder"])
        for transfer in transfers:
            self.package(transfer)
        folder = transfers.filtered(lambda t: t.kind == "folder")
        xml, files = self.package(folder)
        self.assertFalse(files, "a case folder carries no file")
        (mappe,) = self.xpath(xml, "/a:arkivmelding/a:mappe")
        self.assertEqual(
            mappe.get("{http://www.w3.org/2001/XMLSchema-instance}type"), "saksmappe"
        )
        self.assertEqual(self.xpath(mappe, "a:tittel/text()"), [self.case.title])
        self.assertEqual(
            self.xpath(mappe, "a:referanseEksternNoekkel/m:noekkel/text()"),
            [folder.key],
        )
        self.assertTrue(folder.key.endswith(f"/citizen.case/{self.case.id}"))
        self.assertEqual(
            self.xpath(mappe, "a:administrativEnhet/m:navn/text()"), ["Byggesak"]
        )
        self.assertEqual(
            self.xpath(mappe, "a:klassifikasjon/a:klassifikasjonssystemID/text()"),
            ["LOS"],
        )
        self.assertEqual(
            self.xpath(mappe, "a:klassifikasjon/a:klasseID/text()"),
            ["http://psi.norge.no/los/tema/byggesak"],
        )
        self.assertFalse(
            self.xpath(mappe, "a:saksaar"), "no number before the archive gives one"
        )
        self.assertEqual(self.xpath(mappe, "a:part/a:partNavn/text()"), ["Ola Åpen"])

    def test_incoming_and_outgoing_mapping(self):
        entries = self.entries(self.hand_over())
        self.assertEqual(set(entries), {"I", "U"}, "the internal note is no document")
        xml, files = self.package(entries["I"])
        (entry,) = self.xpath(xml, "/a:arkivmelding/a:registrering")
        self.assertEqual(
            entry.get("{http://www.w3.org/2001/XMLSchema-instance}type"), "journalpost"
        )
        self.assertEqual(self.xpath(entry, "a:journalposttype/m:kode/text()"), ["I"])
        self.assertEqual(
            self.xpath(
                entry, "a:korrespondansepart/a:korrespondanseparttype/m:kode/text()"
            ),
            ["EA", "IM"],
        )
        self.assertEqual(
            self.xpath(entry, "a:korrespondansepart/a:korrespondansepartNavn/text()"),
            ["Ola Åpen", self.caseworker.name],
        )
        self.assertEqual(
            self.xpath(
                entry,
                "a:korrespondansepart/a:administrativEnhet/m:identifikator/text()",
            ),
            ["BYGG"],
        )
        self.assertEqual(
            self.xpath(entry, "a:korrespondansepart/a:postadresse/text()"),
            ["Storgata 1"],
        )
        self.assertTrue(self.xpath(entry, "a:mottattDato"))
        self.assertEqual(
            self.xpath(
                entry,
                "a:referanseForelderMappe/m:referanseEksternNoekkel/m:noekkel/text()",
            ),
            [self.env["citizen.archive.transfer"]._citizen_key(self.case)],
        )
        # The PDF of the e-mail is the main document, its attachment a
        # vedlegg; each file named in the message is in the package.
        roles = self.xpath(
            entry, "a:dokumentbeskrivelse/a:tilknyttetRegistreringSom/m:kode/text()"
        )
        self.assertEqual(roles, ["H", "V"])
        references = self.xpath(
            entry,
            "a:dokumentbeskrivelse/a:dokumentobjekt/a:referanseDokumentfil/text()",
        )
        self.assertEqual(sorted(references), sorted(files))
        self.assertEqual(self.xpath(xml, "/a:arkivmelding/a:antallFiler/text()"), ["2"])
        pdf = files[references[0]]
        self.assertTrue(pdf.startswith(b"%PDF"), "a PDF rendering of the e-mail")
        self.assertEqual(files[references[1]], b"\x89PNG fake drawing")

        xml, files = self.package(entries["U"])
        (entry,) = self.xpath(xml, "/a:arkivmelding/a:registrering")
        self.assertEqual(self.xpath(entry, "a:journalposttype/m:kode/text()"), ["U"])
        self.assertEqual(
            self.xpath(
                entry, "a:korrespondansepart/a:korrespondanseparttype/m:kode/text()"
            ),
            ["EM", "IA"],
        )
        self.assertEqual(
            self.xpath(
                entry, "a:korrespondansepart/a:saksbehandler/m:identifikator/text()"
            ),
            [self.caseworker.login],
        )
        self.assertTrue(self.xpath(entry, "a:sendtDato"))

    def test_inquiry_record_when_the_municipality_wants_it(self):
        self.set_param("citizen_crm.archive_inquiry_record", "True")
        entries = self.entries(self.hand_over())
        self.assertEqual(set(entries), {"I", "U", "X"})
        xml, files = self.package(entries["X"])
        self.assertEqual(self.xpath(xml, "//a:journalposttype/m:kode/text()"), ["X"])
        self.assertTrue(
            entries["X"].key.endswith(f"/citizen.inquiry/{self.inquiry.id}")
        )
        self.assertTrue(next(iter(files.values())).startswith(b"%PDF"))

    def test_inquiry_without_case_goes_to_the_archive_part(self):
        inquiry = self._archive_inquiry(self.plain, "Spørsmål om avfall")
        inquiry.case_id = False
        transfers = self.hand_over(case=self.env["citizen.case"], inquiries=inquiry)
        self.assertEqual(set(transfers.mapped("kind")), {"entry"})
        for transfer in transfers:
            xml, _files = self.package(transfer)
            self.assertEqual(
                self.xpath(xml, "//a:registrering/a:arkivdel/m:kode/text()"),
                ["Servicetorg"],
            )

    def test_protected_citizen_without_address(self):
        inquiry = self._archive_inquiry(self.confidential_citizen, "Søknad om bod")
        transfers = self.hand_over(inquiries=inquiry)
        for transfer in transfers:
            xml, _files = self.package(transfer)
            self.assertNoSecret(self.serialized(xml))
        entry = self.entries(transfers)["I"]
        xml, _files = self.package(entry)
        self.assertEqual(
            self.xpath(xml, "//a:korrespondansepart/a:korrespondansepartNavn/text()"),
            ["Per Lukket", self.caseworker.name],
        )
        self.assertFalse(self.xpath(xml, "//a:korrespondansepart/a:postadresse"))

    def test_strictly_protected_citizen_is_a_screened_party(self):
        case = self.env["citizen.case"].create(
            {"title": "Tilrettelegging", "partner_id": self.protected.id}
        )
        inquiry = self._archive_inquiry(
            self.protected, "Søknad om tilrettelegging", case=case
        )
        transfers = self.hand_over(case=case, inquiries=inquiry)
        for transfer in transfers:
            xml, _files = self.package(transfer)
            self.assertNoSecret(self.serialized(xml))
            self.assertNotIn("Kari", self.serialized(xml))
            self.assertNotIn(self.secret_number, self.serialized(xml))
        xml, _files = self.package(transfers.filtered(lambda t: t.kind == "folder"))
        self.assertEqual(self.xpath(xml, "//a:part/a:partNavn/text()"), [SCREENED])
        self.assertEqual(self.xpath(xml, "//a:part/a:erSkjermet/text()"), ["true"])
        xml, _files = self.package(self.entries(transfers)["I"])
        (party,) = self.xpath(
            xml, "//a:korrespondansepart[a:korrespondanseparttype/m:kode='EA']"
        )
        self.assertEqual(
            self.xpath(party, "a:korrespondansepartNavn/text()"), [SCREENED]
        )
        self.assertEqual(self.xpath(party, "a:erSkjermet/text()"), ["true"])
        self.assertFalse(
            self.xpath(party, "a:postadresse | a:personid | a:epostadresse")
        )

    def test_protected_citizens_documents_are_screened(self):
        """Not confidential, but the citizen's address is protected: each
        registry entry is screened (their letters may say where they live)."""
        for partner in (self.protected, self.confidential_citizen):
            inquiry = self._archive_inquiry(partner, "Spørsmål om renovasjon")
            self.assertFalse(inquiry.is_confidential)
            entries = self.hand_over(inquiries=inquiry).filtered(
                lambda t: t.kind != "folder"
            )
            self.assertTrue(entries)
            for transfer in entries:
                xml, _files = self.package(transfer)
                self.assertEqual(
                    self.xpath(
                        xml, "//a:registrering/a:skjerming/a:skjermingshjemmel/text()"
                    ),
                    ["offl. § 13 jf. fvl. § 13 første ledd nr. 1"],
                    partner.name,
                )
        inquiry = self._archive_inquiry(self.plain, "Spørsmål om renovasjon")
        for transfer in self.hand_over(inquiries=inquiry):
            xml, _files = self.package(transfer)
            self.assertFalse(self.xpath(xml, "//a:registrering/a:skjerming"))

    def test_confidential_inquiry_is_screened_with_its_basis(self):
        basis = self.env.ref("citizen_crm.screening_basis_offl13_hpl21")
        basis.archive_access_code = "13"
        case = self.env["citizen.case"].create(
            {"title": "Rusbehandling Ola Åpen", "partner_id": self.plain.id}
        )
        inquiry = self._archive_inquiry(
            self.plain,
            "Rusbehandling for Ola Åpen",
            case=case,
            screened_words="Rusbehandling\nOla Åpen",
            screening_basis_id=basis.id,
        )
        transfers = self.hand_over(case=case, inquiries=inquiry)
        xml, _files = self.package(transfers.filtered(lambda t: t.kind == "folder"))
        self.assertEqual(
            self.xpath(xml, "//a:mappe/a:offentligTittel/text()"), ["****** ******"]
        )
        self.assertEqual(
            self.xpath(xml, "//a:mappe/a:skjerming/a:skjermingshjemmel/text()"),
            [basis.code],
        )
        for transfer in transfers.filtered(lambda t: t.kind == "entry"):
            self.assertNotIn(
                "Rusbehandling", transfer.name, "the list shows the public title"
            )
            xml, _files = self.package(transfer)
            (entry,) = self.xpath(xml, "//a:registrering")
            self.assertEqual(
                self.xpath(entry, "a:skjerming/a:tilgangsrestriksjon/m:kode/text()"),
                ["13"],
            )
            self.assertEqual(
                self.xpath(entry, "a:skjerming/a:skjermingshjemmel/text()"),
                [basis.code],
            )
            self.assertNotIn(
                "Rusbehandling", self.xpath(entry, "a:offentligTittel/text()")[0]
            )
            self.assertTrue(
                self.xpath(entry, "a:dokumentbeskrivelse/a:skjerming"),
                "the documents are screened too",
            )

    def test_confidential_inquiry_needs_its_basis(self):
        inquiry = self._archive_inquiry(
            self.plain, "Sak uten hjemmel", is_confidential=True
        )
        with self.assertRaisesRegex(UserError, "screening basis"):
            self.hand_over(inquiries=inquiry)

    def test_twenty_entries_one_render_per_report(self):
        """The documents of a case are rendered in one wkhtmltopdf call per
        report and split per record."""
        calls = []
        Report = type(self.env["ir.actions.report"])
        original = Report._run_wkhtmltopdf

        def counting(report, bodies, *args, **kwargs):
            calls.append(bodies)
            return original(report, bodies, *args, **kwargs)

        for index in range(9):
            self.inquiry.message_post(
                body=f"<p>Mail {index}</p>",
                subject=f"Ettersending {index}",
                message_type="email",
                subtype_xmlid="mail.mt_comment",
                author_id=self.plain.id,
            )
        self.patch(Report, "_run_wkhtmltopdf", counting)
        transfers = self.hand_over()
        self.assertEqual(len(calls), 1, "one call renders all eleven messages")
        for transfer in transfers.filtered(lambda t: t.kind == "entry"):
            _xml, files = self.package(transfer)
            pdfs = [
                content for content in files.values() if content.startswith(b"%PDF")
            ]
            self.assertEqual(len(pdfs), 1)

    def test_letter_handed_in_is_incoming(self):
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.caseworker)
            .create({"name": "brev.pdf", "raw": b"%PDF-1.4 scanned letter"})
        )
        inquiry = (
            self.env["citizen.inquiry"]
            .with_user(self.caseworker)
            .create(
                {
                    "partner_id": self.plain.id,
                    "name": "Brev om gjerde",
                    "channel_id": self.channel_letter.id,
                    "queue_id": self.back_office.id,
                    "case_id": self.case.id,
                    "letter_attachment_ids": [(4, attachment.id)],
                }
            )
        )
        entries = self.entries(self.hand_over(inquiries=inquiry))
        self.assertEqual(set(entries), {"I"})
        xml, files = self.package(entries["I"])
        self.assertEqual(
            self.xpath(
                xml, "//a:korrespondansepart/a:korrespondanseparttype/m:kode/text()"
            ),
            ["EA", "IM"],
        )
        self.assertIn(b"%PDF-1.4 scanned letter", files.values())
        self.assertEqual(
            self.xpath(xml, "//a:dokumentbeskrivelse/a:tittel/text()")[1], "brev.pdf"
        )

    def test_query_count_per_document(self):
        """The build reads, renders and stores a case's documents in batches:
        ten more documents cost (next to) no more queries."""

        def count(inquiry):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.hand_over(inquiries=inquiry)
            return self.cr.sql_log_count - before

        self.hand_over(inquiries=self._archive_inquiry(self.plain, "Oppvarming"))
        small = self._archive_inquiry(self.plain, "Liten")
        large = self._archive_inquiry(self.plain, "Stor")
        for index in range(10):
            large.message_post(
                body=f"<p>Mail {index}</p>",
                subject=f"Ettersending {index}",
                message_type="email",
                subtype_xmlid="mail.mt_comment",
                author_id=self.plain.id,
            )
        small_count = count(small)
        self.assertLessEqual(count(large), small_count + 5)

    def serialized(self, element):
        return etree.tostring(element, encoding="unicode")
