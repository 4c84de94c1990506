"""Reading a person document of Skatteetaten's Folkeregister API.

The format followed is the consumer API's person document (rettighetspakke
"offentlig med hjemmel", and "offentlig uten hjemmel" which has the same
elements, fewer of them), as Skatteetaten documents it on
skatteetaten.github.io/folkeregisteret-api-dokumentasjon (oppslag,
dataminimering) and its XSD: every element is a list of history entries, each
with ``erGjeldende`` (the current one) and the metadata ``gyldighetstidspunkt``,
``opphoerstidspunkt``, ``kilde``, ``aarsak``. What is read here:

- ``identifikasjonsnummer``: ``foedselsEllerDNummer``, ``identifikatortype``
  (``foedselsnummer`` / ``dNummer``), ``status`` (``iBruk`` / ``opphoert``);
- ``navn``: ``fornavn``, ``mellomnavn``, ``etternavn``;
- ``bostedsadresse`` and ``postadresse``: ``vegadresse`` (``adressenavn``,
  ``adressenummer`` {``husnummer``, ``husbokstav``}, ``poststed``
  {``postnummer``, ``poststedsnavn``}), ``matrikkeladresse``,
  ``postboksadresse``, ``postadresseIFrittFormat`` (``adresselinje``);
- ``adressebeskyttelse``: ``graderingsnivaa`` (``ugradert``, ``fortrolig``,
  ``strengtFortrolig``, ``strengtFortroligUtland``; ``klientadresse`` is
  treated as ``fortrolig``);
- ``status``: ``status`` (``bosatt``, ``utflyttet``, ``doed``, ...);
- ``doedsfall``: ``doedsdato`` (a list like the others, or one object).

A line of a batch extract is one document; the entries of a bulk lookup
(``{"foedselsEllerDNummer": ..., "folkeregisterperson": {...}}``) are
accepted as well. The errors raised name what is wrong, never a number.
"""

import datetime
import json
from dataclasses import dataclass

from . import national_id as nid

# The register's grading -> res.partner.address_protection.
GRADINGS = {
    "ugradert": "ugradert",
    "klientadresse": "fortrolig",
    "fortrolig": "fortrolig",
    "strengtFortrolig": "strengt_fortrolig",
    "strengtFortroligUtland": "strengt_fortrolig_utland",
}
# A stricter grading wins when the register holds several current ones.
GRADING_ORDER = (
    "ugradert",
    "fortrolig",
    "strengt_fortrolig",
    "strengt_fortrolig_utland",
)

STATUSES = [
    ("bosatt", "Resident"),
    ("utflyttet", "Emigrated"),
    ("forsvunnet", "Missing"),
    ("doed", "Deceased"),
    ("opphoert", "Ceased"),
    ("foedselsregistrert", "Birth registered"),
    ("midlertidig", "Temporary"),
    ("inaktiv", "Inactive"),
    ("ikkeBosatt", "Not resident"),
    ("aktiv", "Active"),
]
STATUS_CODES = frozenset(code for code, _label in STATUSES)
IDENTIFIER_TYPES = frozenset({"foedselsnummer", "dNummer"})


class DocumentError(ValueError):
    """A document that cannot be imported; the message says why, without any
    identity number."""


@dataclass(frozen=True)
class Person:
    numbers: tuple  # every identity number of the person, current first
    current: str  # the identity number in use
    name: str | None  # None: the document has no current name
    address: dict | None  # street, street2, zip, city, country_code; None: none
    protection: str  # address_protection value
    status: str | None
    date_of_death: datetime.date | None


def _list(document, key):
    value = document.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DocumentError(f"'{key}' is not a list of objects")
    return value


def _current(document, key):
    """The current entry (erGjeldende) of the element ``key``, or None. An
    element given as one object (not a history) is current unless it says
    otherwise."""
    if isinstance(document.get(key), dict):
        entry = document[key]
        return entry if entry.get("erGjeldende") is not False else None
    current = [
        entry for entry in _list(document, key) if entry.get("erGjeldende") is True
    ]
    return current[0] if current else None


def _text(value):
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_line(line):
    """A Person from one line of a JSON Lines extract."""
    try:
        document = json.loads(line)
    except (ValueError, TypeError):
        raise DocumentError("not valid JSON") from None
    return parse_document(document)


def parse_document(document):
    if not isinstance(document, dict):
        raise DocumentError("not a JSON object")
    if isinstance(document.get("folkeregisterperson"), dict):
        document = document["folkeregisterperson"]
    return Person(
        *_identifiers(document),
        name=_name(document),
        address=_address(document),
        protection=_protection(document),
        status=_status(document),
        date_of_death=_date_of_death(document),
    )


def _identifiers(document):
    entries = _list(document, "identifikasjonsnummer")
    if not entries:
        raise DocumentError("no 'identifikasjonsnummer'")
    numbers, current = [], []
    for entry in entries:
        number = entry.get("foedselsEllerDNummer")
        if not isinstance(number, str) or not nid.is_valid(number):
            raise DocumentError("an identity number is not a valid 11-digit number")
        if entry.get("identifikatortype") not in IDENTIFIER_TYPES:
            raise DocumentError("unknown 'identifikatortype'")
        if entry.get("status") not in ("iBruk", "opphoert"):
            raise DocumentError("unknown identity number 'status'")
        number = nid.compact(number)
        if number not in numbers:
            numbers.append(number)
        if entry.get("status") == "iBruk" and entry.get("erGjeldende") is not False:
            current.append((entry["identifikatortype"] != "foedselsnummer", number))
    if not current:
        raise DocumentError("no identity number in use ('iBruk')")
    # A fødselsnummer in use wins over a D-number still marked in use.
    number = min(current)[1]
    return (number, *(n for n in numbers if n != number)), number


def _name(document):
    entries = _list(document, "navn")
    if not entries:
        return None
    entry = _current(document, "navn")
    if entry is None:
        return None
    first, last = _text(entry.get("fornavn")), _text(entry.get("etternavn"))
    if not first or not last:
        raise DocumentError("the current name has no 'fornavn' or 'etternavn'")
    return " ".join(filter(None, (first, _text(entry.get("mellomnavn")), last)))


def _poststed(value):
    poststed = value.get("poststed") if isinstance(value.get("poststed"), dict) else {}
    return _text(poststed.get("postnummer")), _text(poststed.get("poststedsnavn"))


def _street_address(vegadresse):
    number = vegadresse.get("adressenummer")
    number = number if isinstance(number, dict) else {}
    house = "".join(
        filter(None, (_text(number.get("husnummer")), _text(number.get("husbokstav"))))
    )
    street = " ".join(filter(None, (_text(vegadresse.get("adressenavn")), house)))
    zip_code, city = _poststed(vegadresse)
    unit = _text(vegadresse.get("bruksenhetsnummer"))
    co = _text(vegadresse.get("coAdressenavn"))
    return {
        "street": street or None,
        "street2": " ".join(filter(None, (f"c/o {co}" if co else None, unit))) or None,
        "zip": zip_code,
        "city": city,
        "country_code": "NO",
    }


def _address_of(entry):
    for key in ("vegadresse", "matrikkeladresse"):
        value = entry.get(key)
        if isinstance(value, dict):
            if key == "matrikkeladresse":
                zip_code, city = _poststed(value)
                return {
                    "street": _text(value.get("adressetilleggsnavn")),
                    "street2": _text(value.get("bruksenhetsnummer")),
                    "zip": zip_code,
                    "city": city,
                    "country_code": "NO",
                }
            return _street_address(value)
    box = entry.get("postboksadresse")
    if isinstance(box, dict):
        zip_code, city = _poststed(box)
        owner = _text(box.get("postbokseier"))
        return {
            "street": " ".join(filter(None, ("Postboks", _text(box.get("postboks"))))),
            "street2": owner,
            "zip": zip_code,
            "city": city,
            "country_code": "NO",
        }
    free = entry.get("postadresseIFrittFormat")
    if isinstance(free, dict):
        lines = [_text(line) for line in free.get("adresselinje") or []]
        lines = [line for line in lines if line]
        zip_code, city = _poststed(free)
        return {
            "street": lines[0] if lines else None,
            "street2": ", ".join(lines[1:]) or None,
            "zip": zip_code,
            "city": city,
            "country_code": "NO",
        }
    return None


def _address(document):
    """Where letters reach the person: the current postal address when the
    register has one, else the current residential address."""
    for key in ("postadresse", "bostedsadresse"):
        entry = _current(document, key)
        if entry is not None:
            address = _address_of(entry)
            if address:
                return address
    return None


def _protection(document):
    levels = []
    entry = _current(document, "adressebeskyttelse")
    if entry is not None:
        grading = entry.get("graderingsnivaa")
        if grading not in GRADINGS:
            raise DocumentError("unknown 'graderingsnivaa'")
        levels.append(GRADINGS[grading])
    # A current address graded stricter than the protection element counts.
    for key in ("bostedsadresse", "postadresse"):
        address = _current(document, key)
        grading = address and address.get("adressegradering")
        if grading:
            if grading not in GRADINGS:
                raise DocumentError("unknown 'adressegradering'")
            levels.append(GRADINGS[grading])
    return max(levels, key=GRADING_ORDER.index, default="ugradert")


def _status(document):
    entry = _current(document, "status")
    if entry is None:
        return None
    if entry.get("status") not in STATUS_CODES:
        raise DocumentError("unknown person 'status'")
    return entry["status"]


def _date_of_death(document):
    entry = _current(document, "doedsfall")
    if entry is None or not entry.get("doedsdato"):
        return None
    try:
        return datetime.date.fromisoformat(entry["doedsdato"])
    except (ValueError, TypeError):
        raise DocumentError("'doedsdato' is not a date") from None
