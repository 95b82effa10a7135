"""Which kinds of personal data OCR text holds (UK formats). Keeps categories only, never text.

Pure functions over one string: no I/O, no logging, and nothing here stores, returns or prints any
part of the text it is given. `describe()` builds its sentence from a fixed vocabulary, so a
message can never carry a name, a number or any other content.

The input is OCR output, so every pattern tolerates extra or missing spaces, a line break inside
an item, mixed case, and O/0, I/l/1 confusions inside digit groups. Patterns run case-sensitively
on a lower-cased copy: Python's `re` scans far faster that way than with IGNORECASE.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

PiiCategory = Literal[
    "postcode",
    "phone",
    "email",
    "money",
    "date",
    "date_of_birth",
    "bank_details",
    "nhs_number",
    "ni_number",
    "salutation_name",
    "document_words",
]
CATEGORIES: tuple[PiiCategory, ...] = get_args(PiiCategory)
PERSONAL = frozenset(CATEGORIES) - {"document_words"}

# What a document is, as `describe()` names it. Only these words can reach a message.
KINDS = (
    "bank statement",
    "bill",
    "council tax bill",
    "invoice",
    "letter",
    "medical letter",
    "mortgage statement",
    "payslip",
    "pension statement",
    "prescription",
    "receipt",
    "statement",
    "tax form",
    "tenancy agreement",
)


@dataclass(frozen=True)
class PiiResult:
    """What one text holds: categories and an amount, never the text itself.

    Attributes:
        categories: the `CATEGORIES` found; "document_words" when it reads like paperwork.
        words: how many word-like tokens the text has (how much is readable).
        kind: which `KINDS` the document words suggest (for `describe()`), or None.
    """

    categories: frozenset[str]
    words: int
    kind: str | None = None

    @property
    def has_personal_data(self) -> bool:
        """Any category but "document_words"; paperwork alone is not personal data."""
        return bool(self.categories & PERSONAL)


# --- shared pieces -----------------------------------------------------------------------------

# OCR splits items over lines and doubles spaces: between parts of one item allow a short run of
# spaces, or one line break. Bounded so that no pattern can backtrack far.
_GAP = r"(?:[ \t]{1,3}|[ \t]{0,2}\r?\n[ \t]{0,2})"
# A separator inside a digit group: a gap, or a dash with optional spaces.
_DSEP = rf"(?:{_GAP}|[ \t]?[-–][ \t]?)"

# A run of digits in which OCR may have read 0 as O/o and 1 as I/l. It must hold a real digit and
# stand apart from letters, so words ("Oil", "Ill") and postcodes ("OL1") are never rewritten;
# postcodes, NI numbers, e-mails and names are matched on the text without these fixes anyway.
_OCR_SLIP = re.compile(r"[0-9][OoIl]|[OoIl][0-9]")
_DIGITISH = re.compile(r"(?<![^\W\d_])[0-9OoIl]*[0-9][0-9OoIl]*(?![^\W\d_])")
_OCR_DIGITS = str.maketrans("OoIl", "0011")

_WORD = re.compile(r"[^\W_]+")


def _starts(charset: str, not_after: str) -> str:
    """One `charset` character not preceded by `not_after`.

    Written character-first (the lookbehind spans the consumed character) because `re` can
    only skip ahead to candidates when a pattern opens with a plain character set; a leading
    lookbehind makes it try every position, about twice as slow.
    """
    return rf"{charset}(?<!{not_after}.)"


def _lower_in_place(text: str) -> str:
    """`text.lower()` with every character kept at its index, so spans match across copies."""
    lower = text.lower()
    if len(lower) == len(text):  # lower() only ever lengthens, so equal means aligned
        return lower
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _window_before(text: str, start: int, size: int) -> str:
    return text[max(0, start - size) : start]


# --- postcode ----------------------------------------------------------------------------------

# Royal Mail format: first letter never Q V X; second never I J Z; a letter in third place (A9A)
# is one of A-H J K P S-U W; in fourth place (AA9A) one of A B E H M N P R V-Y; the inward letters
# are never C I K M O V. Matched on lower-cased text, as OCR often loses the case.
_POSTCODE = re.compile(
    r"(?<![^\W_])(?:"
    r"(?:[a-pr-uwyz](?:[0-9][0-9]?|[a-hk-y][0-9][0-9]?|[0-9][a-hjkps-uw]|[a-hk-y][0-9][abehmnprv-y]))"
    rf"{_GAP}?[0-9][abd-hjlnp-uw-z]{{2}}"
    rf"|gir{_GAP}?0aa"
    r")(?![^\W_])"
)

# --- phone -------------------------------------------------------------------------------------

# A candidate: +44 / 0044 (optionally with "(0)"), or "(0)", or a leading 0 (optionally bracketed),
# then 9-11 digits with separators; `_is_uk_phone` checks length and grouping. Never inside a
# word or a bigger number, nor after £/$/€.
_PHONE = re.compile(
    r"(?=[+(0])(?<![\w£$€/+])(?<![0-9][.,:\-])"
    r"(?P<intl>(?:\+|00)[ \t]?44[ \t]?(?:\([ \t]?0[ \t]?\)[ \t]?)?)?"
    r"(?P<trunk>\([ \t]?0[ \t]?\)[ \t]?)?"
    r"(?P<body>\(?[0-9](?:(?:[ \t]?\)[ \t]?|" + _DSEP + r")?[0-9]){8,10})"
    r"(?![0-9]|[.,/\-][0-9])"
)
_ISBN = re.compile(r"\bisbn")


def _is_uk_phone(match: re.Match[str]) -> bool:
    body = match["body"]
    groups = re.findall(r"[0-9]+", body)
    digits = "".join(groups)
    if (match["intl"] or match["trunk"]) and not digits.startswith("0"):
        # "+44 7700 900123" and "(0)20 ..." drop the trunk 0; "+44 07700 ..." (a common slip)
        # keeps it.
        digits = "0" + digits
        groups[0] = "0" + groups[0]
    if not digits.startswith("0"):
        return False
    if len(groups) > 1:
        # Real numbers are grouped as area code (3-6 digits) then subscriber groups of 2+:
        # this is what rules out dates and sort codes run together ("01-03-2024 10").
        if not 3 <= len(groups[0]) <= 6 or len(groups) > 4:
            return False
        if any(len(g) < 2 for g in groups[1:]):
            return False
    n = len(digits)
    if digits[:4] in ("0800", "0808", "0500"):
        return n in (10, 11)
    if digits[1] == "1":
        return n in (10, 11)
    if digits[1] in "2378" or digits[:3] in ("055", "056"):
        return n == 11
    return False


# --- email -------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[a-z0-9][a-z0-9._%+\-]{0,63}[ \t]?@[ \t]?"
    r"[a-z0-9](?:[a-z0-9\-]{0,62}\.){1,6}[a-z]{2,24}(?![a-z0-9\-])"
)

# --- money -------------------------------------------------------------------------------------

_AMOUNT = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?"
_MONEY_SIGNS = ("£", "$", "€")
_MONEY_WORDS = ("gbp", "eur", "usd", "pound", "quid")
_MONEY_SIGNED = re.compile(rf"[£$€][ \t]{{0,2}}-?[ \t]?{_AMOUNT}")  # £12, £ 1,234.56, £-5
_MONEY_NAMED = re.compile(
    rf"(?<![\w.,]){_AMOUNT}[ \t]?(?:gbp|eur|usd|pounds?|quid)\b|\b(?:gbp|eur|usd)[ \t]?-?{_AMOUNT}"
)


# OCR often loses or garbles "£" at call resolution ("£154.61" read as "154.61" or "E154.61"), so
# an amount in pounds and pence right after a billing word counts as money too.
_MONEY_LABELLED = re.compile(
    r"\b(?:amount(?:[ \t]+due)?|total(?:[ \t]+due)?|balance|to[ \t]+pay|net[ \t]+pay|gross[ \t]+pay"
    r"|paid|price)\b[^0-9\n]{0,12}?[e£]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]{2}(?![.0-9])"
)


def _has_money(lower: str) -> bool:
    # Both patterns need a sign or a currency word; checking for those first skips most text.
    if any(sign in lower for sign in _MONEY_SIGNS) and _MONEY_SIGNED.search(lower):
        return True
    if any(word in lower for word in _MONEY_WORDS) and _MONEY_NAMED.search(lower) is not None:
        return True
    return _MONEY_LABELLED.search(lower) is not None


# --- dates -------------------------------------------------------------------------------------

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_MONTH_STEMS = frozenset(name[:3] for name in _MONTHS)
_ORD = r"(?P<ord>st|nd|rd|th)?"

# 12/03/2024, 12-03-24, 12.03.2024: day first (UK), the same separator twice.
_NUMERIC_DAY = _starts("[0-9]", r"[\w./\-:]")
_NUMERIC_DATE = re.compile(
    rf"(?P<d>{_NUMERIC_DAY}[0-9]?)[ \t]?"
    r"(?P<sep>[/.\-])[ \t]?(?P<m>[0-9]{1,2})"
    r"[ \t]?(?P=sep)[ \t]?(?P<y>[0-9]{4}|[0-9]{2})(?![0-9]|[./\-:][0-9])"
)
# 2024-03-12, 2024/03/12.
_ISO_YEAR = _starts("[12]", r"[\w./\-]")
_ISO_DATE = re.compile(
    rf"(?P<y>{_ISO_YEAR}[09][0-9]{{2}})(?P<sep>[/\-])(?P<m>[0-9]{{1,2}})(?P=sep)"
    r"(?P<d>[0-9]{1,2})(?![0-9]|[./\-][0-9])"
)
# 3 March 2024, 3rd Mar 24, 3rd of March, 3 March (without a year, "3 may" is not a date).
_WORDED_DAY = _starts("[0-9]", r"[\w.]")
_DAY_MONTH = re.compile(
    rf"(?P<d>{_WORDED_DAY}[0-9]?){_ORD}{_GAP}(?:of{_GAP})?{_MONTH}\b\.?,?"
    rf"(?:{_GAP}(?P<y>(?:19|20)[0-9]{{2}}|'?[0-9]{{2}})(?![0-9]|[./\-:][0-9]))?"
)
# March 3, 2024 / March 3rd 2024 / March 2024.
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\.?,?{_GAP}(?:(?P<d>[0-9]{{1,2}}){_ORD},?{_GAP})?"
    r"(?P<y>(?:19|20)[0-9]{2})(?![0-9]|[./\-:][0-9])"
)
_VERSION_WORDS = re.compile(r"\b(?:v|ver|version|release|build|rev)\.?[ \t:]*$")
_DOB_LABEL = re.compile(
    r"\bd[ \t]?\.?[ \t]?o[ \t]?\.?[ \t]?b\b\.?|\bdate[ \t]+of[ \t]+birth\b|\bbirth[ \t]?date\b"
    r"|\bborn\b|\bbirthday\b"
)
_DOB_REACH = 25  # a label ends at most this many characters before its date


def _valid_date(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return False
    if month == 2 and day == 29 and year is not None:
        full = year if year >= 100 else 2000 + year
        return full % 4 == 0 and (full % 100 != 0 or full % 400 == 0)
    return True


def _year_of(text: str | None) -> int | None:
    return None if text is None else int(text.lstrip("'"))


# --- bank details ------------------------------------------------------------------------------

_SORT_START = _starts("[0-9]", r"[\w\-./]")
_SORT_CODE = re.compile(
    rf"(?P<a>{_SORT_START}[0-9])"
    r"(?P<sep>[ \t]?[-–][ \t]?|[ \t]{1,2})(?P<b>[0-9]{2})(?P=sep)"
    r"(?P<c>[0-9]{2})(?![0-9]|[-–./][0-9])"
)
_SORT_CODE_SOLID = re.compile(_SORT_START + r"[0-9]{5}(?![0-9]|[-–./][0-9])")
_SORT_LABEL = re.compile(r"\bsort[ \t\-]?code\b|\bs/c\b|\bsort\b")
_SORT_REACH = 40  # the label of a table column can sit a few cells before its value
# "Account number", "acc no", "a/c": a bare "account" is too common (council tax and utility
# "account reference" numbers are not bank details).
_ACCOUNT_LABEL = re.compile(
    r"(?:\b(?:account|acc|acct)\b\.?[ \t]*(?:number|num|no)\b"
    r"|\ba/c\b(?:[ \t]*(?:number|num|no)\b)?)\.?[ \t]*[:#]?"
)
# The first run of digits after the label, single spaces allowed inside, must be the whole
# number: with more digits just after it ("6931 3720  71", a utility account where OCR doubled
# a space) it is part of something longer. A sort code in the next column of a table is lost
# this way, but that sort code is bank details on its own.
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ \t][0-9]+)*")
_MORE_DIGITS = re.compile(r"\s{1,3}[0-9]")
_ACCOUNT_GROUPS = ([8], [4, 4])
_ACCOUNT_REACH = 30
_IBAN = re.compile(
    _starts("[a-z]", r"[^\W_]")
    + r"[a-z][0-9]{2}(?:[ \t]?[a-z0-9]{4}){2,7}(?:[ \t]?[a-z0-9]{1,3})?\b"
)


def _is_iban(candidate: str) -> bool:
    code = re.sub(r"[ \t]", "", candidate).upper()  # matched on lower-cased text
    if code.startswith("GB"):
        # GB + check digits + 4-letter bank + sort code + account: the shape alone is
        # distinctive, and OCR noise should not hide it behind a failed checksum.
        return re.fullmatch(r"GB[0-9]{2}[A-Z]{4}[0-9]{14}", code) is not None
    if not 15 <= len(code) <= 34 or not code[4:].isalnum():
        return False
    rearranged = code[4:] + code[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# --- NHS and National Insurance numbers -----------------------------------------------------------

_NHS_START = _starts("[0-9]", r"[\w\-./+]")
_NHS = re.compile(
    rf"(?P<a>{_NHS_START}[0-9]{{2}}){_DSEP}?(?P<b>[0-9]{{3}}){_DSEP}?(?P<c>[0-9]{{4}})"
    r"(?![0-9]|[-–./][0-9])"
)
_NHS_LABEL = re.compile(r"\bnhs\b|\bchi\b|\bpatient\b")
# England and Wales issue 400-499 and 600-799 million, Northern Ireland 320-399 million.
_NHS_ISSUED_FIRST = frozenset("3467")


def _nhs_check_ok(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 → 0, 10 → never issued."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# Prefix letters: first never D F I Q U V; second never D F I Q U V O; some pairs not allocated.
# OCR's o/i/l may stand in the digit places (matched on lower-cased text), but most must be real.
_NI_FIRST = _starts("[a-ceghj-pr-tw-z]", r"[^\W_]")
_NI = re.compile(
    rf"(?P<prefix>{_NI_FIRST}[a-ceghj-npr-tw-z])(?P<digits>(?:{_GAP}?[0-9oil]{{2}}){{3}})"
    rf"{_GAP}?[a-d](?![^\W_])"
)
# Forms and records often drop the suffix letter (and OCR drops a lone letter): without it, only
# right after a label.
_NI_NO_SUFFIX = re.compile(
    rf"(?P<prefix>{_NI_FIRST}[a-ceghj-npr-tw-z])(?P<digits>(?:{_GAP}?[0-9oil]{{2}}){{3}})"
    r"(?![^\W_])"
)
_NI_LABEL = re.compile(r"\b(?:ni|nino|national[ \t]+insurance)\b(?:[ \t]*(?:no|number))?\W*$")
_NI_MIN_REAL_DIGITS = 4
_NI_UNALLOCATED = frozenset({"bg", "gb", "kn", "nk", "nt", "tn", "zz"})


def _is_ni_number(match: re.Match[str]) -> bool:
    real_digits = sum(ch.isdigit() for ch in match["digits"])
    return match["prefix"] not in _NI_UNALLOCATED and real_digits >= _NI_MIN_REAL_DIGITS


# --- salutation --------------------------------------------------------------------------------

_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|lady|lord|rev)"
_NAME_WORD = r"[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*"
_SALUTATION = re.compile(
    rf"\b(?i:dear)\s{{1,3}}(?:(?P<title>(?i:{_TITLES}))\.?\s{{1,3}}"
    rf"(?:(?i:and|&)\s{{1,3}}(?i:{_TITLES})\.?\s{{1,3}})?(?P<surname>{_NAME_WORD})"
    rf"|(?P<first>{_NAME_WORD})(?:[ \t]{{1,3}}(?P<last>{_NAME_WORD}))?"
    r"(?P<end>[ \t]*(?:,|\r?\n|$))?)"
)
# Greetings that name no one.
_NOT_NAMES = frozenset(
    {
        "sir", "sirs", "madam", "madame", "customer", "customers", "parent",
        "parents", "carer", "carers", "guardian", "colleague", "colleagues", "friend", "friends",
        "member", "members", "resident", "residents", "occupier", "householder", "homeowner",
        "patient", "patients", "applicant", "student", "students", "team", "all", "valued",
        "account", "holder", "bill", "payer", "policyholder", "tenant", "tenants", "client",
        "supporter", "reader", "neighbour", "neighbours", "everyone", "teacher", "teachers",
        "staff", "manager", "hiring", "recruiter", "or", "and", "the", "mr", "mrs", "ms", "miss",
        "dr", "mx", "to", "whom", "it", "may", "concern", "pupil", "pupils", "family",
        "families", "user", "subscriber", "participant", "partner", "shareholder", "employee",
        "class", "children", "governors", "learners", "readers", "supporters", "shareholders",
        "fellow", "new", "future", "prospective", "year", "santa",
    }
)  # fmt: skip


def _is_name(word: str | None) -> bool:
    return word is not None and word[:1].isupper() and word.lower() not in _NOT_NAMES


def _names_someone(match: re.Match[str]) -> bool:
    if match["title"]:
        # "Dear Sir" / "Dear Mr" alone are not names; "Dear Mr Smith" is.
        return match["title"].lower() not in ("sir", "lady", "lord") and _is_name(match["surname"])
    first, last = match["first"], match["last"]
    if not _is_name(first):
        return False
    if last is not None:
        # "Dear Jane Smith" names someone; "Dear Valued Customer" does not.
        return _is_name(last) or (match["end"] is not None and last.lower() not in _NOT_NAMES)
    # A lone first name counts when it ends the greeting ("Dear Amelia,").
    return match["end"] is not None


# --- document words ----------------------------------------------------------------------------

_DOCUMENT_TERMS = (
    "invoice", "statement", "payslip", "pay slip", "prescription", "council tax", "account",
    "balance", "hmrc", "tax code", "bill", "amount due", "receipt", "vat", "direct debit",
    "overdraft", "sort code", "appointment", "patient", "gp", "nhs", "pension", "benefit",
    "universal credit", "dvla", "p60", "p45", "mortgage", "rent", "tenancy", "meter reading",
    "energy", "payroll", "salary", "net pay", "gross pay",
)  # fmt: skip
# Terms are looked up as tokens and pairs of tokens, squashed ("counciltax"), so "Council Tax",
# "council-tax" and "CouncilTax" all count. A set lookup per token is far cheaper than one
# 36-way regex alternation tried at every character.
_TERM_KEYS = frozenset(term.replace(" ", "") for term in _DOCUMENT_TERMS)
_TWO_WORD_FIRSTS = frozenset(term.split()[0] for term in _DOCUMENT_TERMS if " " in term)


def _document_terms(tokens: list[str]) -> set[str]:
    """The document terms among lower-case tokens, squashed and without a plural s."""
    found = set()
    for i, token in enumerate(tokens):
        candidates = [token]
        if token in _TWO_WORD_FIRSTS and i + 1 < len(tokens):
            candidates.append(token + tokens[i + 1])
        for key in candidates:
            if key in _TERM_KEYS:
                found.add(key)
            elif key.endswith("s") and key[:-1] in _TERM_KEYS:
                found.add(key[:-1])
    return found


def _kind_of(terms: set[str], letter: bool) -> str | None:
    """The kind of document the paperwork words point to; the most specific first.

    Args:
        terms: the document words found, lower case without spaces ("counciltax").
        letter: whether the text greets someone or signs off like a letter.
    """
    # A statement lists what was paid to whom ("COUNCIL TAX", "RENT"), and a GP letter may
    # mention a prescription, so the kinds that quote other kinds come first.
    if "statement" in terms:
        if "mortgage" in terms:
            return "mortgage statement"
        if "pension" in terms:
            return "pension statement"
        if terms & {"balance", "overdraft", "sortcode"}:
            return "bank statement"
    if terms & {"payslip", "payroll", "netpay", "grosspay"}:
        return "payslip"
    if letter and terms & {"patient", "gp", "nhs", "appointment", "prescription"}:
        return "medical letter"
    if "counciltax" in terms:
        return "council tax bill"
    if terms & {"p60", "p45"}:
        return "tax form"
    if "prescription" in terms:
        return "prescription"
    if "invoice" in terms:
        return "invoice"
    if "receipt" in terms:
        return "receipt"
    if "tenancy" in terms:
        return "tenancy agreement"
    if terms & {"meterreading", "energy", "bill", "amountdue", "directdebit"}:
        return "bill"
    if letter:
        return "letter"
    if "statement" in terms:
        return "statement"
    return None


# --- classification ----------------------------------------------------------------------------


def classify_text(text: str) -> PiiResult:
    """Classify OCR text for personal data. The text is read here and nowhere kept.

    Args:
        text: recognised text, in any layout (words joined by spaces or lines).

    Returns:
        The categories found, the word count and the document kind; never any of the text.
    """
    found: set[str] = set()
    lower = _lower_in_place(text)
    # Number categories read a copy in which OCR's O/I/l inside digit runs are digits again
    # (also lower-cased). Every copy keeps each character at its index, so spans line up.
    digits = lower
    if _OCR_SLIP.search(text):
        digits = _lower_in_place(_DIGITISH.sub(lambda m: m[0].translate(_OCR_DIGITS), text))

    if _POSTCODE.search(lower):
        found.add("postcode")
    if "@" in lower and _EMAIL.search(lower):
        found.add("email")
    if _has_money(digits):
        found.add("money")
    if any(_is_ni_number(m) for m in _NI.finditer(lower)) or any(
        _is_ni_number(m) and _NI_LABEL.search(_window_before(lower, m.start(), 30))
        for m in _NI_NO_SUFFIX.finditer(lower)
    ):
        found.add("ni_number")
    if "dear" in lower and any(_names_someone(m) for m in _SALUTATION.finditer(text)):
        found.add("salutation_name")

    phone_spans = []
    for m in _PHONE.finditer(digits) if "0" in digits else ():
        if _is_uk_phone(m) and not _ISBN.search(_window_before(digits, m.start(), 16)):
            phone_spans.append(m.span())
    if phone_spans:
        found.add("phone")

    for m in _NHS.finditer(digits):
        number = m["a"] + m["b"] + m["c"]
        if not _nhs_check_ok(number):
            continue
        before = _window_before(digits, m.start(), 30)
        if _ISBN.search(before):
            continue
        # One number in eleven passes the check by chance, so without a label: never a phone
        # number, never a leading 0, and a solid run (byte counts, IDs, timestamps on a screen)
        # only in the issued ranges. Printed NHS numbers are grouped 3-3-4.
        overlaps_phone = any(s < m.end() and m.start() < e for s, e in phone_spans)
        solid = len(m[0]) == 10
        doubtful = (
            number[0] == "0" or overlaps_phone or (solid and number[0] not in _NHS_ISSUED_FIRST)
        )
        if doubtful and not _NHS_LABEL.search(before):
            continue
        found.add("nhs_number")
        break

    # Sort codes first: "12-03-24" is a date unless a sort-code label is near or it cannot be one.
    sort_code_starts = set()
    for m in _SORT_CODE.finditer(digits):
        labelled = _SORT_LABEL.search(_window_before(digits, m.start(), _SORT_REACH)) is not None
        hyphen = "-" in m["sep"] or "–" in m["sep"]
        as_date = _valid_date(int(m["a"]), int(m["b"]), int(m["c"]))
        if labelled or (hyphen and not as_date):
            found.add("bank_details")
            sort_code_starts.add(m.start())
    for m in _SORT_CODE_SOLID.finditer(digits):
        if _SORT_LABEL.search(_window_before(digits, m.start(), _SORT_REACH)):
            found.add("bank_details")
    for label in _ACCOUNT_LABEL.finditer(digits):
        run = _DIGIT_RUN.search(digits, label.end())
        if (
            run is not None
            and run.start() - label.end() <= _ACCOUNT_REACH
            and [len(group) for group in run[0].split()] in _ACCOUNT_GROUPS
            and not _MORE_DIGITS.match(digits, run.end())
        ):
            found.add("bank_details")
            break
    if any(_is_iban(m[0]) for m in _IBAN.finditer(digits)):
        found.add("bank_details")

    for start in _date_starts(digits, sort_code_starts):
        found.add("date")
        # Look a little further back than the reach so a label that starts early still counts.
        before = _window_before(digits, start, _DOB_REACH + 20)
        ends = [label.end() for label in _DOB_LABEL.finditer(before)]
        if ends and len(before) - ends[-1] <= _DOB_REACH:
            found.add("date_of_birth")
            break

    tokens = _WORD.findall(lower)
    terms = _document_terms(tokens)
    if terms:
        found.add("document_words")
    vocabulary = set(tokens)
    letter = "dear" in vocabulary or (
        "yours" in vocabulary and not vocabulary.isdisjoint(("sincerely", "faithfully"))
    )
    kind = _kind_of(terms, letter) if terms or letter else None
    return PiiResult(categories=frozenset(found), words=len(tokens), kind=kind)


def _date_starts(digits: str, sort_code_starts: set[int]) -> Iterable[int]:
    """Where each valid date begins (dates that are really sort codes or versions left out).

    Args:
        digits: the lower-cased text with OCR's letters in digit runs made digits.
        sort_code_starts: where sort codes begin; "12-03-24" there is not a date.
    """
    for m in _NUMERIC_DATE.finditer(digits):
        if m.start() in sort_code_starts:
            continue
        day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
        if m["sep"] == "." and (
            # "3.11.12" is a version; dotted dates have a 4-digit year or 2-digit day and month.
            (len(m["y"]) == 2 and (len(m["d"]) < 2 or len(m["m"]) < 2))
            or _VERSION_WORDS.search(_window_before(digits, m.start(), 12))
        ):
            continue
        if len(m["y"]) == 4 and not 1900 <= year <= 2099:
            continue
        if _valid_date(day, month, year):
            yield m.start()
    for m in _ISO_DATE.finditer(digits):
        year = int(m["y"])
        if 1900 <= year <= 2099 and _valid_date(int(m["d"]), int(m["m"]), year):
            yield m.start()
    if not any(stem in digits for stem in _MONTH_STEMS):
        return  # no month name anywhere: skip the two slowest patterns
    for m in _DAY_MONTH.finditer(digits):
        month_word = m["month"]
        if m["y"] is None and month_word == "may" and not m["ord"]:
            continue  # "3 may attend" is not a date
        if _valid_date(int(m["d"]), _MONTHS[month_word], _year_of(m["y"])):
            yield m.start()
    for m in _MONTH_DAY.finditer(digits):
        day = int(m["d"]) if m["d"] else 1
        if _valid_date(day, _MONTHS[m["month"]], int(m["y"])):
            yield m.start()


# --- description -------------------------------------------------------------------------------

# Most sensitive first, so a shortened list keeps what matters most.
_PHRASES = {
    "bank_details": "bank details",
    "nhs_number": "an NHS number",
    "ni_number": "a National Insurance number",
    "date_of_birth": "a date of birth",
    "salutation_name": "a name",
    "postcode": "an address",
    "phone": "a phone number",
    "email": "an email address",
    "money": "money amounts",
    "date": "a date",
}
_MAX_NAMED = 4


def _with_article(noun: str) -> str:
    """ "An invoice", "A bill": sentence-initial, the noun's own case kept."""
    return ("An " if noun[0] in "aeiou" else "A ") + noun


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe(categories: Iterable[str], kind_hint: str | None = None) -> str:
    """One plain sentence for a teacher naming what is readable, never the content.

    Args:
        categories: category names from `classify_text()`; unknown names are ignored.
        kind_hint: one of `KINDS` (e.g. `PiiResult.kind`); anything else is ignored, so a
            caller's stray text can never reach the message.

    Returns:
        e.g. "A letter with an address and a phone number is readable on camera".
    """
    cats = set(categories) & set(CATEGORIES)
    if "date_of_birth" in cats:
        cats.discard("date")  # a date of birth says more; "and a date" would only repeat it
    named = [phrase for cat, phrase in _PHRASES.items() if cat in cats]
    if kind_hint is not None and kind_hint in KINDS:
        noun = kind_hint
    elif "salutation_name" in cats:
        noun = "letter"
    elif named or "document_words" in cats:
        noun = "document"
    else:
        return "Readable text with no personal data is on camera"
    if not named:
        return f"{_with_article(noun)} with no personal data is readable on camera"
    if len(named) > _MAX_NAMED:
        named = [*named[: _MAX_NAMED - 1], "other personal details"]
    return f"{_with_article(noun)} with {_join(named)} is readable on camera"
