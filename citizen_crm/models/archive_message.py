"""Fiks Arkiv V1 messages, built and read with lxml: no Odoo here.

The hand-over code (citizen_archive_transfer.py) gathers what a case folder
(saksmappe) or a registry entry (journalpost) says into plain dicts; the
functions below turn them into the message
``no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett`` and read the archive's
receipt ``...arkivmelding.opprett.kvittering`` back. The element order is the
schemas' (xs:sequence): a message that validates against them is what the
archive expects, whichever Noark 5 archive it is.
"""

import datetime
import os
from pathlib import Path

from lxml import etree

NS_OPPRETT = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
NS_KVITTERING = (
    "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/"
    "arkivmelding/opprett/kvittering/v1"
)
NS_MDK = (
    "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
)
NS_FEIL = (
    "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/feilmelding/v1"
)
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

MESSAGE_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
RECEIPT_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering"
FAGSYSTEM = "citizen_crm"
# The message's name inside a package; the files beside it under their
# referanseDokumentfil.
MESSAGE_FILE = "arkivmelding.xml"
SCHEMA_FILES = {
    "opprett": "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd",
    "kvittering": "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering.xsd",
}
SCHEMA_ENV = "CITIZEN_CRM_FIKS_ARKIV_SCHEMAS"

# Noark 5 code lists (the metadata catalogue names the fields, the standard's
# appendix the codes).
JOURNALPOST_TYPES = {
    "I": "Inngående dokument",
    "U": "Utgående dokument",
    "N": "Organinternt dokument for oppfølging",
    "X": "Organinternt dokument uten oppfølging",
}
PARTY_TYPES = {
    "EA": "Avsender",
    "EM": "Mottaker",
    "IA": "Intern avsender",
    "IM": "Intern mottaker",
}
DOCUMENT_ROLES = {"H": "Hoveddokument", "V": "Vedlegg"}
FORMATS = {"application/pdf": "PDF"}

_SCHEMAS = {}


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------


def schema_dir():
    """The folder of the Fiks Arkiv V1 schemas: CITIZEN_CRM_FIKS_ARKIV_SCHEMAS,
    else the addon's own copy (data/fiks_arkiv_v1: KS's schemas, unchanged,
    with their MIT license), so that every package is validated wherever the
    addon runs."""
    configured = os.environ.get(SCHEMA_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1] / "data" / "fiks_arkiv_v1"


def schema(kind):
    """The compiled schema ``kind`` ("opprett" or "kvittering"), or None
    when the folder is absent (the caller says so)."""
    path = schema_dir() / SCHEMA_FILES[kind]
    key = (kind, str(path))
    if key not in _SCHEMAS:
        if not path.is_file():
            return None
        _SCHEMAS[key] = etree.XMLSchema(etree.parse(str(path)))
    return _SCHEMAS[key]


def validate(xml, kind):
    """Raise etree.DocumentInvalid when ``xml`` (bytes or element) does not
    validate against the schema ``kind``; False when the schemas are absent,
    True when it validates."""
    compiled = schema(kind)
    if compiled is None:
        return False
    doc = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    compiled.assertValid(doc)
    return True


# ---------------------------------------------------------------------------
# Building the message
# ---------------------------------------------------------------------------


def _q(name, ns=NS_OPPRETT):
    return f"{{{ns}}}{name}"


def _sub(parent, name, text=None, ns=NS_OPPRETT):
    """A child element; the children of the metadata catalogue's types
    (kode, identifikatorer, eksternNoekkel, saksnummer) are in its
    namespace (ns=NS_MDK), those of the message's own types in the
    message's."""
    node = etree.SubElement(parent, _q(name, ns))
    if text is not None:
        node.text = _text(text)
    return node


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _opt(parent, name, value, ns=NS_OPPRETT):
    """The element only when there is a value (empty strings are invalid)."""
    if value not in (None, False, ""):
        _sub(parent, name, value, ns=ns)


def _kode(parent, name, code, description=None):
    node = _sub(parent, name)
    _sub(node, "kode", code, ns=NS_MDK)
    _opt(node, "beskrivelse", description, ns=NS_MDK)
    return node


def _identifiers(parent, name, person):
    """administrativEnhet, saksbehandler, saksansvarlig: {navn, identifikator,
    initialer, epostadresse}."""
    if not person:
        return
    node = _sub(parent, name)
    for key in ("navn", "identifikator", "initialer", "epostadresse"):
        _opt(node, key, person.get(key), ns=NS_MDK)


def _external_key(parent, name, key):
    node = _sub(parent, name)
    _sub(node, "fagsystem", FAGSYSTEM, ns=NS_MDK)
    _sub(node, "noekkel", key, ns=NS_MDK)
    return node


def _screening(parent, screening):
    if not screening:
        return
    node = _sub(parent, "skjerming")
    _kode(node, "tilgangsrestriksjon", screening["code"], screening.get("description"))
    _sub(node, "skjermingshjemmel", screening["basis"])


def _classifications(parent, classes):
    for cls in classes or ():
        node = _sub(parent, "klassifikasjon")
        _sub(node, "klassifikasjonssystemID", cls["system"])
        _sub(node, "klasseID", cls["id"])
        _opt(node, "tittel", cls.get("title"))


def _address(node, party):
    """Postal address and e-mail of an unprotected party; the caller leaves
    them out of the dict for a protected one."""
    for line in party.get("address_lines") or ():
        _sub(node, "postadresse", line)
    _opt(node, "postnummer", party.get("zip"))
    _opt(node, "poststed", party.get("city"))
    if party.get("country"):
        _kode(node, "landkode", party["country"])
    _opt(node, "epostadresse", party.get("email"))


def _part(parent, party):
    """A party of the case folder (sakspart)."""
    node = _sub(parent, "part")
    _sub(node, "partNavn", party["name"])
    if party.get("role"):
        _kode(node, "partRolle", party["role"], party.get("role_description"))
    _address(node, party)
    if party.get("screened"):
        _sub(node, "erSkjermet", True)
    if party.get("is_person") is not None:
        _sub(node, "erPersonnavn", party["is_person"])


def _correspondent(parent, party):
    node = _sub(parent, "korrespondansepart")
    _kode(node, "korrespondanseparttype", party["type"], PARTY_TYPES.get(party["type"]))
    _sub(node, "korrespondansepartNavn", party["name"])
    _address(node, party)
    _identifiers(node, "administrativEnhet", party.get("unit"))
    _identifiers(node, "saksbehandler", party.get("officer"))
    if party.get("screened"):
        _sub(node, "erSkjermet", True)
    if party.get("is_person") is not None:
        _sub(node, "erPersonnavn", party["is_person"])


def _document(parent, document, screening):
    node = _sub(parent, "dokumentbeskrivelse")
    _kode(node, "dokumenttype", document.get("type", "KORR"))
    _kode(node, "dokumentstatus", "F", "Dokumentet er ferdigstilt")
    _sub(node, "tittel", document["title"])
    _kode(
        node,
        "tilknyttetRegistreringSom",
        document["role"],
        DOCUMENT_ROLES[document["role"]],
    )
    _sub(node, "dokumentnummer", document["number"])
    _screening(node, screening)
    for file in document["files"]:
        obj = _sub(node, "dokumentobjekt")
        _sub(obj, "versjonsnummer", 1)
        # Production format: the archive converts to its archival format.
        _kode(obj, "variantformat", "P", "Produksjonsformat")
        if file["mimetype"] in FORMATS:
            _kode(obj, "format", FORMATS[file["mimetype"]])
        _sub(obj, "mimeType", file["mimetype"])
        _sub(obj, "filnavn", file["filename"])
        _sub(obj, "referanseDokumentfil", file["reference"])
        _sub(obj, "sjekksum", file["checksum"])
        _sub(obj, "sjekksumAlgoritme", "SHA256")
        _sub(obj, "filstoerrelse", file["size"])


def _root(file_count):
    nsmap = {None: NS_OPPRETT, "n5mdk": NS_MDK, "xsi": NS_XSI}
    root = etree.Element(_q("arkivmelding"), nsmap=nsmap)
    _sub(root, "system", FAGSYSTEM)
    _sub(root, "antallFiler", file_count)
    return root


def _xsi_type(node, type_name):
    node.set(f"{{{NS_XSI}}}type", type_name)


def build_case_folder(folder):
    """The message creating the case folder (a saksmappe). ``folder``: key,
    title, public_title, created, case_year and case_sequence (a case the
    archive already numbered), date, unit, officer, parties, screening,
    classes, closed."""
    root = _root(0)
    node = _sub(root, "mappe")
    _xsi_type(node, "saksmappe")
    _sub(node, "tittel", folder["title"])
    _opt(node, "offentligTittel", folder.get("public_title"))
    _kode(node, "dokumentmedium", "E", "Elektronisk arkiv")
    _opt(node, "opprettetDato", folder.get("created"))
    for party in folder.get("parties") or ():
        _part(node, party)
    _screening(node, folder.get("screening"))
    _classifications(node, folder.get("classes"))
    _external_key(node, "referanseEksternNoekkel", folder["key"])
    _opt(node, "saksaar", folder.get("case_year"))
    _opt(node, "sakssekvensnummer", folder.get("case_sequence"))
    _opt(node, "saksdato", folder.get("date"))
    _identifiers(node, "administrativEnhet", folder.get("unit"))
    _identifiers(node, "saksansvarlig", folder.get("officer"))
    if folder.get("closed"):
        _kode(node, "saksstatus", "A", "Avsluttet")
    else:
        _kode(node, "saksstatus", "B", "Under behandling")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_registry_entry(entry):
    """The message creating a registry entry (a journalpost) in its case
    folder (``entry["folder_key"]``, with ``folder_year``/``folder_sequence``
    once the archive numbered it) or, for an inquiry without a case, in the
    archive part ``entry["archive_part"]``. ``entry``: key, type (I, U, N,
    X), title, public_title, created, document_date, received, sent, parties
    (korrespondanseparter), screening, classes, documents."""
    files = [file for doc in entry["documents"] for file in doc["files"]]
    root = _root(len(files))
    node = _sub(root, "registrering")
    _xsi_type(node, "journalpost")
    _opt(node, "opprettetDato", entry.get("created"))
    if entry.get("folder_key"):
        parent = _sub(node, "referanseForelderMappe")
        if entry.get("folder_year") and entry.get("folder_sequence"):
            number = _sub(parent, "saksnummer", ns=NS_MDK)
            _sub(number, "saksaar", entry["folder_year"], ns=NS_MDK)
            _sub(number, "sakssekvensnummer", entry["folder_sequence"], ns=NS_MDK)
        key = _sub(parent, "referanseEksternNoekkel", ns=NS_MDK)
        _sub(key, "fagsystem", FAGSYSTEM, ns=NS_MDK)
        _sub(key, "noekkel", entry["folder_key"], ns=NS_MDK)
    else:
        _kode(node, "arkivdel", entry["archive_part"])
    _screening(node, entry.get("screening"))
    for document in entry["documents"]:
        _document(node, document, entry.get("screening"))
    _sub(node, "tittel", entry["title"])
    _opt(node, "offentligTittel", entry.get("public_title"))
    _kode(node, "dokumentmedium", "E", "Elektronisk arkiv")
    for party in entry.get("parties") or ():
        _correspondent(node, party)
    _classifications(node, entry.get("classes"))
    _external_key(node, "referanseEksternNoekkel", entry["key"])
    _kode(node, "journalposttype", entry["type"], JOURNALPOST_TYPES[entry["type"]])
    _kode(node, "journalstatus", "J", "Journalført")
    _opt(node, "dokumentetsDato", entry.get("document_date"))
    _opt(node, "mottattDato", entry.get("received"))
    _opt(node, "sendtDato", entry.get("sent"))
    _sub(node, "antallVedlegg", max(len(entry["documents"]) - 1, 0))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# ---------------------------------------------------------------------------
# Reading the receipt
# ---------------------------------------------------------------------------


def _k(name):
    return f"{{{NS_KVITTERING}}}{name}"


def _int(node, name):
    child = node.find(_k(name))
    return int(child.text) if child is not None and child.text else None


def _key_of(node):
    key = node.find(_k("referanseEksternNoekkel"))
    if key is None:
        return None
    return key.findtext(f"{{{NS_MDK}}}noekkel")


def parse_receipt(xml):
    """{"folder": {...} | None, "entry": {...} | None, "errors": [...]} from
    a receipt (bytes), after validating it against the kvittering schema
    (etree.DocumentInvalid / XMLSyntaxError otherwise). A folder: system_id,
    key, case_year, case_sequence; an entry: system_id, key, journal_year,
    journal_sequence, journal_number; an error: id, message (mappeFeilet,
    registreringFeilet)."""
    root = etree.fromstring(xml)
    validate(root, "kvittering")
    if root.tag != _k("arkivmeldingKvittering"):
        raise etree.DocumentInvalid(f"not an arkivmeldingKvittering: {root.tag}")
    result = {"folder": None, "entry": None, "errors": []}
    folder = root.find(_k("mappeKvittering"))
    if folder is not None:
        result["folder"] = {
            "system_id": folder.findtext(_k("systemID")),
            "key": _key_of(folder),
            "case_year": _int(folder, "saksaar"),
            "case_sequence": _int(folder, "sakssekvensnummer"),
        }
    entry = root.find(_k("registreringKvittering"))
    if entry is not None:
        result["entry"] = {
            "system_id": entry.findtext(_k("systemID")),
            "key": _key_of(entry),
            "journal_year": _int(entry, "journalaar"),
            "journal_sequence": _int(entry, "journalsekvensnummer"),
            "journal_number": _int(entry, "journalpostnummer"),
        }
    for name in ("mappeFeilet", "registreringFeilet"):
        failed = root.find(_k(name))
        if failed is not None:
            result["errors"].append(
                {
                    "id": failed.findtext(f"{{{NS_FEIL}}}feilId") or "",
                    "message": failed.findtext(f"{{{NS_FEIL}}}feilmelding") or "",
                }
            )
    return result
