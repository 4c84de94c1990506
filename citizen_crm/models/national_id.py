"""Validation of Norwegian identity numbers (fødselsnummer, D-number, H-number).

Both check-digit generations are accepted: numbers issued before 2032 (K1 is
``11 - (weighted sum mod 11)``) and numbers issued from 1 January 2032, where the
first check digit may leave a remainder of 0-3 and the individual number no
longer tells the century. python-stdnum only knows the first generation.

Nothing here logs or echoes the number itself: it is personal data.
"""

import datetime
from dataclasses import dataclass

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

KIND_FNR = "fnr"
KIND_DNR = "dnr"
KIND_HNR = "hnr"

# Synthetic test numbers (Skatteetaten's Tenor test population) add 80 to the
# month. They never belong to a real person, which makes them the right thing
# for demo data and tests.
SYNTHETIC_MONTH_OFFSET = 80


class NationalIdError(ValueError):
    """Raised with a message naming what is wrong (length, date, check digit)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class NationalId:
    number: str
    kind: str
    synthetic: bool
    # False when the number follows the 2032 rule: century (and so the birth
    # date) cannot be derived from it.
    first_generation: bool
    birthdate: datetime.date | None

    @property
    def masked(self):
        return mask(self.number)


def compact(value):
    """Strip the separators people type (spaces, dots, dashes)."""
    if not value:
        return ""
    return "".join(ch for ch in str(value) if ch not in " .-\t\u00a0")


def mask(number):
    """DDMMYY***** — the birth-date part stays readable, the rest is hidden."""
    number = compact(number)
    if not number:
        return ""
    return number[:6] + "*" * max(len(number) - 6, 0)


def _weighted(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def _century_candidates(individual, year2):
    """Centuries the first-generation individual number allows."""
    if individual <= 499:
        return [1900]
    if individual <= 749 and year2 >= 54:
        return [1800]
    if year2 <= 39:
        return [2000]
    if individual >= 900:
        return [1900]
    return []


def _valid_date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse(value):
    """Return a :class:`NationalId` or raise :class:`NationalIdError`."""
    number = compact(value)
    if not number:
        raise NationalIdError("empty", "The identity number is empty.")
    if not number.isdigit():
        raise NationalIdError("digits", "The identity number may only contain digits.")
    if len(number) != 11:
        raise NationalIdError(
            "length",
            f"The identity number must have 11 digits, not {len(number)}.",
        )
    day, month, year2 = int(number[0:2]), int(number[2:4]), int(number[4:6])
    individual = int(number[6:9])

    kind = KIND_FNR
    synthetic = False
    if day > 40:
        kind = KIND_DNR
        day -= 40
    if month > SYNTHETIC_MONTH_OFFSET:
        synthetic = True
        month -= SYNTHETIC_MONTH_OFFSET
    elif month > 40:
        if kind == KIND_DNR:
            raise NationalIdError(
                "date_kind",
                "The identity number has an invalid date: "
                "it cannot be both a D-number and an H-number.",
            )
        kind = KIND_HNR
        month -= 40
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise NationalIdError(
            "date", "The identity number has an invalid date (day or month)."
        )

    k1_sum = _weighted(number[:9], K1_WEIGHTS) + int(number[9])
    k1_remainder = k1_sum % 11
    if k1_remainder not in (0, 1, 2, 3):
        raise NationalIdError(
            "check_digit_1", "The identity number's first check digit is wrong."
        )
    if (_weighted(number[:10], K2_WEIGHTS) + int(number[10])) % 11:
        raise NationalIdError(
            "check_digit_2", "The identity number's second check digit is wrong."
        )

    first_generation = k1_remainder == 0
    birthdate = None
    if first_generation:
        centuries = _century_candidates(individual, year2)
        if not centuries:
            raise NationalIdError(
                "century",
                "The identity number's individual number does not match "
                "its year of birth.",
            )
        birthdate = _valid_date(centuries[0] + year2, month, day)
        if birthdate is None:
            raise NationalIdError(
                "date", "The identity number has an invalid date of birth."
            )
    elif not any(_valid_date(century + year2, month, day) for century in (1900, 2000)):
        # From 2032 the century is unknown; the date must exist in one of them.
        raise NationalIdError(
            "date", "The identity number has an invalid date of birth."
        )
    return NationalId(
        number=number,
        kind=kind,
        synthetic=synthetic,
        first_generation=first_generation,
        birthdate=birthdate,
    )


def valid_number(value):
    """The 11 digits of ``value`` when it is a valid identity number, else
    None: validates and compacts in one pass."""
    try:
        return parse(value).number
    except NationalIdError:
        return None


def full_number(value):
    """The 11 digits of ``value`` as typed (separators removed), or None when
    it cannot be a full identity number. Check digits are not verified: what
    fails them is held by nobody, as stored numbers are validated, so a search
    for it finds no one. A search by number uses this rather than
    :func:`valid_number`: it runs on every lookup."""
    number = compact(value)
    return number if len(number) == 11 and number.isdigit() else None


def is_valid(value):
    return valid_number(value) is not None


def generate(birthdate, individual, kind=KIND_FNR, synthetic=False, k1_remainder=0):
    """Build a valid number: used by demo data, tests and the benchmark.

    Returns None when no check digits exist for this individual number (about
    one in five individual numbers cannot be completed).
    """
    day, month = birthdate.day, birthdate.month
    if kind == KIND_DNR:
        day += 40
    if kind == KIND_HNR:
        month += 40
    if synthetic:
        month += SYNTHETIC_MONTH_OFFSET
    base = f"{day:02d}{month:02d}{birthdate.year % 100:02d}{individual:03d}"
    k1 = (k1_remainder - _weighted(base, K1_WEIGHTS)) % 11
    if k1 == 10:
        return None
    base += str(k1)
    k2 = (-_weighted(base, K2_WEIGHTS)) % 11
    if k2 == 10:
        return None
    return base + str(k2)
