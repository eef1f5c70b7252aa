"""Numbers from query strings, forms and files, read the same way everywhere."""

import re
from decimal import Decimal, InvalidOperation

ID_MAX = 2**63 - 1  # the largest value of a database's bigint (ids, and anything compared with one)
_DIGITS = re.compile(r"[0-9]{1,19}")


def number_or_none(value: str | None) -> int | None:
    """A non-negative whole number a database can compare with, or None for anything else:
    empty, signs, other scripts' digits ("²", "١"), or more than a bigint holds."""
    if value and _DIGITS.fullmatch(value):
        number = int(value)
        if number <= ID_MAX:
            return number
    return None


# --- Amounts of money written by people -------------------------------------------------------------------------

DECIMAL_POINT = "."
DECIMAL_COMMA = ","
_MARK_NAMES = {DECIMAL_POINT: "a decimal point", DECIMAL_COMMA: "a decimal comma"}
_MARK_SHORT = {DECIMAL_POINT: "a point", DECIMAL_COMMA: "a comma"}
# Spaces people and spreadsheets put between thousands: ordinary, no-break, narrow no-break, thin, figure.
_SPACES = " \u00a0\u202f\u2009\u2007"
_APOSTROPHES = "'’"  # thousands, the Swiss way: 3'100.50
# Symbols name a currency only loosely ("$" is several), so each stands for the codes it may mean.
_SYMBOLS = {
    "€": {"EUR"}, "£": {"GBP"}, "₹": {"INR"}, "₩": {"KRW"}, "₱": {"PHP"}, "₪": {"ILS"}, "₺": {"TRY"},
    "¥": {"JPY", "CNY"}, "$": {"USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD", "ARS", "CLP", "COP"},
    "R$": {"BRL"}, "US$": {"USD"}, "C$": {"CAD"}, "A$": {"AUD"},
}  # fmt: skip
_CURRENCY = r"(?:[A-Za-z]{3}|R\$|US\$|C\$|A\$|[€£₹₩₱₪₺¥$])"
_AMOUNT = re.compile(
    rf"(?P<sign>[-−+]?)[{_SPACES}]*(?P<before>{_CURRENCY})?[{_SPACES}]*(?P<sign_after>[-−+]?)[{_SPACES}]*"
    rf"(?P<number>[0-9](?:[0-9.,{_SPACES}{_APOSTROPHES}]*[0-9])?)?[{_SPACES}]*(?P<after>{_CURRENCY})?"
)


class AmountError(ValueError):
    """An amount that cannot be read without guessing; the message says what was read and how to write it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def format_amount(amount: Decimal, currency: str = "") -> str:
    """An amount as the pages show money: 3,100.50 EUR."""
    return f"{amount:,.2f} {currency}".strip()


def _written(digits: str, fraction: str, mark: str) -> str:
    """How to write the amount plainly: no thousands separator, `mark` before the decimals."""
    return f"{digits}{mark}{fraction}" if fraction else digits


def _read_number(number: str, mark: str | None, *, places: int) -> tuple[str, str, str | None]:
    """Whole digits, decimal digits and the decimal mark the text itself shows (None for a whole number).

    `mark` is the decimal mark expected (a file's convention), or None to go by the text alone."""
    example = mark or DECIMAL_POINT
    normalised = "".join(" " if c in _SPACES else "'" if c in _APOSTROPHES else c for c in number)
    separators = [c for c in normalised if not c.isdigit()]
    marks = [c for c in separators if c in ".,"]
    decimal: str | None = None
    if DECIMAL_POINT in marks and DECIMAL_COMMA in marks:
        decimal = marks[-1]  # the last one marks the decimals, the other groups thousands
        if marks.count(decimal) > 1:
            raise AmountError(f"uses “{decimal}” both for thousands and for decimals.")
    elif marks and len(marks) == 1:
        only = marks[0]
        whole, _, tail = normalised.partition(only)
        if set(separators) - {only}:
            decimal = only  # spaces or apostrophes group the thousands, so this marks the decimals
        elif len(tail) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", whole):
            name = "the comma" if only == DECIMAL_COMMA else "the point"
            hint = f", or {whole}{example}{tail[:2]} for decimals" if tail.endswith("0") else ""
            raise AmountError(
                f"is ambiguous: {name} could group thousands ({whole}{tail}) or mark decimals "
                f"({whole}{DECIMAL_POINT}{tail}). Write {whole}{tail} for thousands{hint}."
            )
        else:
            decimal = only
    if decimal is None and marks:
        group_mark = marks[0]  # one mark, repeated: 1.234.567 groups thousands
        if group_mark == mark:
            raise AmountError(
                f"uses “{group_mark}” to group thousands, but it marks decimals in this file. "
                f"Write it without separators: {normalised.replace(group_mark, '').replace(' ', '')}."
            )
    whole, _, fraction = normalised.rpartition(decimal) if decimal else (normalised, "", "")
    groups = re.split(r"[.,' ]", whole)
    group_chars = {c for c in whole if not c.isdigit()}
    plain = "".join(groups)
    if len(group_chars) > 1 or (len(groups) > 1 and not (
        1 <= len(groups[0]) <= 3 and groups[0][0] != "0" and all(len(g) == 3 for g in groups[1:])
    )):  # fmt: skip
        raise AmountError(
            f"is not grouped in thousands. Write it without separators: {_written(plain, fraction, example)}."
        )
    if not fraction.isdigit() and fraction:
        raise AmountError(f"is not an amount. Write it like 3200 or 3200{example}50.")
    if mark is not None and decimal is not None and decimal != mark:
        raise AmountError(
            f"is written with {_MARK_NAMES[decimal]}, but this file writes decimals with {_MARK_SHORT[mark]}. "
            f"Write it as {_written(plain, fraction, mark)}."
        )
    if len(fraction) > places:
        raise AmountError(f"has more than {places} decimal places.")
    return plain, fraction, decimal


def _currency_codes(token: str) -> set[str]:
    return _SYMBOLS.get(token) or {token.upper()}


def _parts(text: str, example: str = DECIMAL_POINT) -> tuple[str, str, str]:
    """Sign, currency token and number of a written amount; AmountError if it has another shape."""
    match = _AMOUNT.fullmatch(text)
    if match is None or not match["number"]:
        raise AmountError(f"is not an amount. Write it like 3200 or 3200{example}50.")
    if match["before"] and match["after"]:
        raise AmountError("names a currency twice.")
    if match["sign"] and match["sign_after"]:
        raise AmountError("is not an amount.")
    return match["sign"] or match["sign_after"] or "", match["before"] or match["after"] or "", match["number"]


def decimal_mark_shown(value) -> str | None:
    """The decimal mark a written amount shows beyond doubt ("3100,50" shows a comma), or None."""
    try:
        _sign, _currency, number = _parts(str(value).strip())
        _whole, _fraction, decimal = _read_number(number, None, places=99)
    except AmountError:
        return None
    if decimal is None:
        marks = [c for c in number if c in ".,"]
        if len(marks) > 1:  # thousands grouped by one mark show the other marks decimals
            return DECIMAL_COMMA if marks[0] == DECIMAL_POINT else DECIMAL_POINT
    return decimal


def decimal_mark_of(values, *, default: str) -> str:
    """The decimal mark a set of written amounts agrees on; `default` when none shows one, or they disagree."""
    shown = {decimal_mark_shown(value) for value in values} - {None}
    return shown.pop() if len(shown) == 1 else default


def parse_amount(
    value, *, decimal_mark: str | None = None, currency: str = "", places: int = 2, maximum: Decimal | None = None
) -> Decimal:
    """A non-negative amount of money a person wrote, read without ever guessing its magnitude.

    `decimal_mark` is the convention the text comes with (a file's), or None to go by the text alone.
    A thousands separator is read only where it cannot be a decimal mark ("3.100,50", "1,234,567"); a lone
    one followed by three digits ("3,100") could be either, so it is refused. A currency symbol or code may
    lead or follow; it must name `currency` when that is given. Raises AmountError with a message that
    starts with the text as written.
    """
    if isinstance(value, bool):
        raise AmountError(f"“{value}” is not an amount.")
    if isinstance(value, int | float | Decimal):
        text = str(value)
        amount = Decimal(text) if not isinstance(value, float) else Decimal(repr(value))
        if not amount.is_finite():
            raise AmountError(f"“{text}” is not an amount.")
        if amount.as_tuple().exponent < -places and amount != amount.quantize(Decimal(1).scaleb(-places)):
            raise AmountError(f"“{text}” has more than {places} decimal places.")
    else:
        text = str(value or "").strip()
        if not text:
            raise AmountError("no amount was given.")
        try:
            sign, token, number = _parts(text, decimal_mark or DECIMAL_POINT)
            if token and currency and currency.upper() not in _currency_codes(token):
                raise AmountError(f"is in {token}, but these amounts are in {currency.upper()}.")
            whole, fraction, _decimal = _read_number(number, decimal_mark, places=places)
        except AmountError as error:
            raise AmountError(f"“{text}” {error.message}") from None
        amount = Decimal(f"{whole}.{fraction or '0'}")
        if sign in "-−" and sign and amount:
            raise AmountError(f"“{text}” is below zero.")
    if amount < 0:
        raise AmountError(f"“{text}” is below zero.")
    try:
        if maximum is not None and amount > maximum:
            raise InvalidOperation
        return amount.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:  # more digits than a Decimal holds, or than `maximum` allows
        raise AmountError(f"“{text}” is too large.") from None


SALARY_MAX = Decimal("99999999.99")  # Enrollment.monthly_salary: ten digits, two decimals


def parse_salary(value, *, currency: str = "", decimal_mark: str | None = None) -> Decimal:
    """A monthly salary a person wrote (a file's cell, a form, the API), by the one set of rules for amounts.

    `decimal_mark` is the file's convention; None reads a single value by what it shows. Raises AmountError.
    """
    return parse_amount(value, decimal_mark=decimal_mark, currency=currency, places=2, maximum=SALARY_MAX)
