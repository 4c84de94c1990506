import datetime
import random

from freezegun import freeze_time
from stdnum.no import fodselsnummer

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from ..models import national_id as nid

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def with_check_digits(base, k1_remainder=0):
    """Complete 9 digits with check digits, written independently of the code
    under test. Returns None when a check digit would be 10."""
    k1_sum = sum(int(d) * w for d, w in zip(base, K1_WEIGHTS, strict=True))
    k1 = (k1_remainder - k1_sum) % 11
    if k1 == 10:
        return None
    base += str(k1)
    k2 = -sum(int(d) * w for d, w in zip(base, K2_WEIGHTS, strict=True)) % 11
    if k2 == 10:
        return None
    return base + str(k2)


def first_valid(base6, individuals, k1_remainder=0):
    for individual in individuals:
        number = with_check_digits(f"{base6}{individual:03d}", k1_remainder)
        if number:
            return number
    raise AssertionError(f"no number can be completed for {base6}")


def generated(birthdate, kind=nid.KIND_FNR, k1_remainder=0):
    """The first number models/national_id.generate can complete."""
    for individual in range(100, 500):
        number = nid.generate(birthdate, individual, kind, k1_remainder=k1_remainder)
        if number:
            return number
    raise AssertionError("generate() completed no number")


def k1_remainder(number):
    total = sum(int(d) * w for d, w in zip(number[:9], K1_WEIGHTS, strict=True))
    return (total + int(number[9])) % 11


@tagged("post_install", "-at_install")
class TestNationalIdParser(TransactionCase):
    """The pure-Python parser in models/national_id.py."""

    def assertInvalid(self, number, code):
        with self.assertRaises(nid.NationalIdError) as caught:
            nid.parse(number)
        self.assertEqual(caught.exception.code, code, number)
        self.assertFalse(nid.is_valid(number))

    def test_fodselsnummer(self):
        # stdnum's documented example, a real-format first-generation number.
        parsed = nid.parse("15108695088")
        self.assertEqual(parsed.kind, nid.KIND_FNR)
        self.assertFalse(parsed.synthetic)
        self.assertTrue(parsed.first_generation)
        self.assertEqual(parsed.birthdate, datetime.date(1986, 10, 15))
        self.assertEqual(parsed.masked, "151086*****")

    def test_centuries_from_individual_number(self):
        cases = [
            (datetime.date(1899, 5, 17), range(500, 750)),  # 1854-1899
            (datetime.date(1905, 5, 17), range(0, 500)),  # 1900-1999
            (datetime.date(1945, 5, 17), range(900, 1000)),  # 1940-1999
            (datetime.date(2005, 5, 17), range(500, 1000)),  # 2000-2039
        ]
        for birthdate, individuals in cases:
            number = first_valid(birthdate.strftime("%d%m%y"), individuals)
            with self.subTest(birthdate=birthdate):
                self.assertEqual(nid.parse(number).birthdate, birthdate)

    def test_d_number(self):
        number = generated(datetime.date(1975, 3, 9), kind=nid.KIND_DNR)
        self.assertTrue(number.startswith("490375"))  # day + 40
        parsed = nid.parse(number)
        self.assertEqual(parsed.kind, nid.KIND_DNR)
        self.assertEqual(parsed.birthdate, datetime.date(1975, 3, 9))

    def test_h_number(self):
        number = generated(datetime.date(1975, 3, 9), kind=nid.KIND_HNR)
        self.assertTrue(number.startswith("094375"))  # month + 40
        parsed = nid.parse(number)
        self.assertEqual(parsed.kind, nid.KIND_HNR)
        self.assertEqual(parsed.birthdate, datetime.date(1975, 3, 9))

    def test_synthetic_number(self):
        number = first_valid("098375", range(100, 200))  # month + 80
        parsed = nid.parse(number)
        self.assertEqual(parsed.kind, nid.KIND_FNR)
        self.assertTrue(parsed.synthetic)
        self.assertEqual(parsed.birthdate, datetime.date(1975, 3, 9))
        dnr = first_valid("498375", range(100, 200))
        self.assertEqual(nid.parse(dnr).kind, nid.KIND_DNR)
        self.assertTrue(nid.parse(dnr).synthetic)

    def test_generate_matches_independent_check_digits(self):
        birthdate = datetime.date(1986, 10, 15)
        for individual in range(0, 1000, 7):
            for remainder in (0, 1, 2, 3):
                expected = with_check_digits(f"151086{individual:03d}", remainder)
                self.assertEqual(
                    nid.generate(birthdate, individual, k1_remainder=remainder),
                    expected,
                )

    def test_2032_rule(self):
        """From 2032, K1 may leave a remainder of 1-3: valid, but neither the
        century nor the birth date may be derived."""
        for remainder in (1, 2, 3):
            number = generated(datetime.date(1986, 5, 15), k1_remainder=remainder)
            with self.subTest(remainder=remainder):
                self.assertEqual(k1_remainder(number), remainder)
                parsed = nid.parse(number)
                self.assertFalse(parsed.first_generation)
                self.assertIsNone(parsed.birthdate)
                self.assertEqual(parsed.kind, nid.KIND_FNR)
                # python-stdnum only knows the first generation.
                self.assertFalse(fodselsnummer.is_valid(number))
        # A D-number of the new generation.
        dnr = first_valid("550586", range(0, 1000), k1_remainder=2)
        self.assertEqual(nid.parse(dnr).kind, nid.KIND_DNR)
        # The individual number no longer tells the century: 500-899 with a
        # year in 40-53 is impossible in the first generation only.
        number = first_valid("150545", range(600, 700), k1_remainder=1)
        self.assertIsNone(nid.parse(number).birthdate)
        # The date must exist in one of the two possible centuries.
        self.assertTrue(nid.is_valid(first_valid("290200", range(0, 999), 3)))
        self.assertInvalid(first_valid("290201", range(0, 999), 3), "date")
        self.assertInvalid(first_valid("310486", range(0, 999), 1), "date")

    def test_invalid_length_and_characters(self):
        self.assertInvalid("", "empty")
        self.assertInvalid("1510869508", "length")
        self.assertInvalid("151086950888", "length")
        self.assertInvalid("15108695O88", "digits")
        self.assertInvalid("151086/95088", "digits")
        with self.assertRaisesRegex(nid.NationalIdError, "11 digits, not 10"):
            nid.parse("1510869508")

    def test_invalid_dates(self):
        self.assertInvalid(first_valid("310286", range(0, 500)), "date")  # 31 Feb
        self.assertInvalid(first_valid("011386", range(0, 500)), "date")  # month 13
        self.assertInvalid(first_valid("001086", range(0, 500)), "date")  # day 0
        self.assertInvalid(first_valid("321086", range(0, 500)), "date")  # day 32
        self.assertInvalid(first_valid("150086", range(0, 500)), "date")  # month 0
        self.assertInvalid(first_valid("290201", range(0, 500)), "date")  # 29 Feb 1901
        # A D-number of 31 + 40 in February.
        self.assertInvalid(first_valid("710286", range(0, 500)), "date")
        # D-number and H-number at once.
        self.assertInvalid(first_valid("554586", range(0, 500)), "date_kind")

    def test_wrong_check_digits(self):
        number = "15108695088"
        # Changing K1 by 5 leaves a remainder of 5 or 6: never valid.
        wrong_k1 = number[:9] + str((int(number[9]) + 5) % 10) + number[10]
        self.assertInvalid(wrong_k1, "check_digit_1")
        for digit in "0123456789":
            if digit != number[10]:
                self.assertInvalid(number[:10] + digit, "check_digit_2")
        # Swapping two digits of the individual number breaks a check digit.
        self.assertInvalid("15108659088", "check_digit_1")

    def test_individual_number_not_matching_century(self):
        # 500-749 is 1854-1899 only for years 54-99; 750-899 never before 2000
        # and 2000-2039 only for years 00-39.
        for base6, individuals in (
            ("150545", range(500, 900)),
            ("150586", range(750, 900)),
        ):
            number = first_valid(base6, individuals)
            with self.subTest(number=number[:6]):
                self.assertInvalid(number, "century")
                self.assertFalse(fodselsnummer.is_valid(number))

    def test_separators_stripped(self):
        for typed in (
            "151086 95088",
            "15.10.86-950.88",
            " 151086-95088\t",
            "151086\u00a095088",
        ):
            self.assertEqual(nid.parse(typed).number, "15108695088")
            self.assertEqual(nid.valid_number(typed), "15108695088")
            self.assertEqual(nid.full_number(typed), "15108695088")
        self.assertIsNone(nid.valid_number("151086 95089"))
        self.assertIsNone(nid.valid_number("15108695"))
        # what a search looks up: 11 digits, check digits left to the index
        self.assertEqual(nid.full_number("151086 95089"), "15108695089")
        for typed in ("15108695", "151086950881", "1510869508x", "", None):
            self.assertIsNone(nid.full_number(typed))
        self.assertEqual(nid.compact("151086 95088"), "15108695088")
        self.assertEqual(nid.mask("151086 95088"), "151086*****")
        self.assertEqual(nid.mask(False), "")

    @freeze_time("2045-01-01")
    def test_agrees_with_stdnum_on_first_generation(self):
        """Over a random sample of generated numbers and their one-digit
        mutations, this parser and python-stdnum agree whenever the number is
        of the first generation (stdnum does not know the 2032 rule, synthetic
        numbers, and accepts D- and H-number at once). The clock is set after
        2039 so that stdnum's "not born yet" check never applies."""
        rng = random.Random(20260101)
        start = datetime.date(1854, 1, 1).toordinal()
        end = datetime.date(2039, 12, 31).toordinal()
        kinds = (nid.KIND_FNR, nid.KIND_DNR, nid.KIND_HNR)
        generated = []
        while len(generated) < 2000:
            birthdate = datetime.date.fromordinal(rng.randint(start, end))
            number = nid.generate(birthdate, rng.randint(0, 999), rng.choice(kinds))
            if number:
                generated.append(number)
        checked = valid = 0
        for number in generated:
            position = rng.randrange(11)
            digit = str(rng.randrange(10))
            mutated = number[:position] + digit + number[position + 1 :]
            for candidate in (number, mutated):
                day, month = int(candidate[:2]), int(candidate[2:4])
                if k1_remainder(candidate) in (1, 2, 3) or month > 80:
                    continue
                if day > 40 and month > 40:
                    continue
                ours = nid.is_valid(candidate)
                self.assertEqual(ours, fodselsnummer.is_valid(candidate), candidate)
                if ours:
                    self.assertEqual(
                        nid.parse(candidate).birthdate,
                        fodselsnummer.get_birth_date(candidate),
                    )
                checked += 1
                valid += ours
        # The sample exercises both outcomes, not only one of them.
        self.assertGreater(checked, 3000)
        self.assertGreater(valid, 1000)
        self.assertGreater(checked - valid, 500)


@tagged("post_install", "-at_install")
class TestNationalIdPartner(TransactionCase):
    """The identity number on res.partner: validated, normalised, explained."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"].with_context(tracking_disable=True)

    def assertPartnerError(self, number, message):
        with self.assertRaisesRegex(ValidationError, message):
            self.Partner.create({"name": "Feil Nummer", "national_id": number})
        partner = self.Partner.create({"name": "Feil Nummer"})
        with self.assertRaisesRegex(ValidationError, message):
            partner.national_id = number
        with self.assertRaisesRegex(ValidationError, message):
            partner.national_id_masked = number

    def test_error_messages_name_the_problem(self):
        self.assertPartnerError("1510869508", "must have 11 digits, not 10")
        self.assertPartnerError("15108695O88", "may only contain digits")
        self.assertPartnerError(first_valid("310286", range(0, 500)), "invalid date")
        self.assertPartnerError(first_valid("011386", range(0, 500)), "invalid date")
        self.assertPartnerError("15108695588", "first check digit is wrong")
        self.assertPartnerError("15108695089", "second check digit is wrong")
        self.assertPartnerError(
            first_valid("150545", range(500, 900)),
            "individual number does not match its year of birth",
        )
        self.assertPartnerError(
            first_valid("554586", range(0, 500)), "both a D-number and an H-number"
        )

    def test_error_does_not_echo_the_number(self):
        with self.assertRaises(ValidationError) as caught:
            self.Partner.create({"name": "Feil", "national_id": "15108695089"})
        self.assertNotIn("15108695089", str(caught.exception))
        self.assertNotIn("151086", str(caught.exception))

    def test_separators_stripped_and_facts_derived(self):
        partner = self.Partner.create({"name": "Ola", "national_id": "151086 950-88"})
        self.assertEqual(partner.national_id, "15108695088")
        self.assertTrue(partner.is_citizen)
        self.assertEqual(partner.national_id_kind, nid.KIND_FNR)
        self.assertEqual(partner.birthdate, datetime.date(1986, 10, 15))
        self.assertEqual(partner.national_id_masked, "151086*****")
        dnr = generated(datetime.date(1975, 3, 9), kind=nid.KIND_DNR)
        partner.write({"national_id": f"{dnr[:6]} {dnr[6:]}"})
        self.assertEqual(partner.national_id, dnr)
        self.assertEqual(partner.national_id_kind, nid.KIND_DNR)
        self.assertEqual(partner.birthdate, datetime.date(1975, 3, 9))

    def test_h_number_on_partner(self):
        number = first_valid("094375", range(100, 200))
        partner = self.Partner.create({"name": "Pasient", "national_id": number})
        self.assertEqual(partner.national_id_kind, nid.KIND_HNR)
        self.assertEqual(partner.birthdate, datetime.date(1975, 3, 9))

    def test_birthdate_not_derived_for_2032_rule(self):
        number = first_valid("150586", range(0, 1000), k1_remainder=2)
        partner = self.Partner.create({"name": "Ny Generasjon", "national_id": number})
        self.assertEqual(partner.national_id, number)
        self.assertEqual(partner.national_id_kind, nid.KIND_FNR)
        self.assertFalse(partner.birthdate)
        # A birth date typed by hand is kept: the number says nothing about it.
        partner.birthdate = datetime.date(2036, 5, 15)
        partner.national_id = first_valid("150586", range(0, 1000), k1_remainder=3)
        self.assertEqual(partner.birthdate, datetime.date(2036, 5, 15))

    def test_clearing_the_number(self):
        partner = self.Partner.create({"name": "Ola", "national_id": "15108695088"})
        partner.national_id = False
        self.assertFalse(partner.national_id_kind)
        self.assertFalse(partner.national_id_masked)
