"""Business support decided in the state's system (NYPS 2020): import and entry by hand.

The region decides företagsstöd and stöd till kommersiell service in Tillväxtverket's
NYPS 2020, not in this app. Its export files (CSV or XLSX, one row per application) are
imported per year:

1. ``export_preview``: parse and validate every row without writing anything; errors are
   given per row and column (``RowError``), the rows say whether they are new, changed or
   unchanged. The uploaded file is kept as a pending file named by its SHA-256.
2. ``business_support_import``: the same file (found again by its SHA-256) is validated
   again and written in one transaction: all rows or none. Rows are keyed on the NYPS
   application id, so importing a corrected export updates instead of duplicating. The
   source file is stored with its SHA-256 as a ``BusinessSupportImport``.

``business_support_save`` records or corrects one row by hand with the same rules.
"""

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import require
from core.concurrency import ensure_current
from core.errors import Conflict
from core.money import AmountError, parse_amount
from core.text import is_number
from financing import permissions
from financing.models import (
    BusinessSupport,
    BusinessSupportImport,
    GrantCategory,
    LeaderGender,
    SupportDecision,
)

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_ROWS = 20000
PENDING_DIR = "business-support/pending"

# column key -> (label in the export, other names seen in exports)
COLUMNS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "application_id": (gettext_lazy("Ärende-id"), ("ärendeid", "ansökans id", "application id")),
    "received_on": (gettext_lazy("Inkom"), ("inkommen", "ansökningsdatum", "received")),
    "decided_on": (gettext_lazy("Beslutsdatum"), ("beslutad", "decided")),
    "decision": (gettext_lazy("Beslut"), ("decision",)),
    "amount": (gettext_lazy("Beviljat belopp"), ("belopp", "amount")),
    "company_name": (gettext_lazy("Företag"), ("stödmottagare", "company")),
    "org_number": (gettext_lazy("Organisationsnummer"), ("org.nr", "orgnr", "org number")),
    "leader_gender": (gettext_lazy("Ledning"), ("företagets ledning", "leader gender")),
    "industry": (gettext_lazy("Bransch"), ("industry",)),
    "category": (gettext_lazy("Stödområde"), ("category",)),
    "support_type": (gettext_lazy("Stödtyp"), ("support type",)),
    "eu_framework": (gettext_lazy("EU-ramprojekt"), ("ramprojekt", "eu framework")),
    "eu_share": (gettext_lazy("Andel EU (%)"), ("andel eu", "eu share")),
}
REQUIRED_COLUMNS = ("application_id", "received_on", "decision", "company_name", "org_number")
ROW_FIELDS = tuple(COLUMNS)

_DECISIONS = {
    "beviljad": SupportDecision.GRANTED,
    "beviljat": SupportDecision.GRANTED,
    "bifall": SupportDecision.GRANTED,
    "granted": SupportDecision.GRANTED,
    "avslagen": SupportDecision.REJECTED,
    "avslag": SupportDecision.REJECTED,
    "avslaget": SupportDecision.REJECTED,
    "rejected": SupportDecision.REJECTED,
    "": "",
    "under handläggning": "",
}
_GENDERS = {
    "kvinna": LeaderGender.WOMAN,
    "k": LeaderGender.WOMAN,
    "woman": LeaderGender.WOMAN,
    "man": LeaderGender.MAN,
    "m": LeaderGender.MAN,
    "delat": LeaderGender.SHARED,
    "delat ledarskap": LeaderGender.SHARED,
    "shared": LeaderGender.SHARED,
    "": "",
    "uppgift saknas": "",
}
_CATEGORIES = {
    "företagsstöd": GrantCategory.BUSINESS_SUPPORT,
    "regionala företagsstöd": GrantCategory.BUSINESS_SUPPORT,
    "business_support": GrantCategory.BUSINESS_SUPPORT,
    "kommersiell service": GrantCategory.COMMERCIAL_SERVICE,
    "stöd till kommersiell service": GrantCategory.COMMERCIAL_SERVICE,
    "commercial_service": GrantCategory.COMMERCIAL_SERVICE,
    "": GrantCategory.BUSINESS_SUPPORT,
}
_ORG_NUMBER = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$", re.ASCII)
_PERCENT = re.compile(r"^(\d{1,3}(?:[.,]\d{1,2})?)\s*%?$", re.ASCII)


@dataclass
class RowError:
    row: int  # the row number in the file (header = 1)
    column: str  # the column's label
    message: str


@dataclass
class PreviewRow:
    row: int
    data: dict
    status: str  # "new" | "changed" | "unchanged"
    changes: list[str] = field(default_factory=list)


@dataclass
class Preview:
    year: int
    filename: str
    sha256: str
    size: int
    rows: list[PreviewRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def changed_count(self) -> int:
        return self.count("changed")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")


def org_number_valid(digits: str) -> bool:
    """The Luhn check digit of a Swedish organisation or personal number (10 digits)."""
    if len(digits) != 10 or not is_number(digits):
        return False
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _label(key: str) -> str:
    return str(COLUMNS[key][0])


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


# --- Reading the file -----------------------------------------------------------------


def _header_map(header: list[Any]) -> tuple[dict[int, str], list[str]]:
    """Column index -> field key; and the problems with the header."""
    names: dict[str, str] = {}
    for key, (label, aliases) in COLUMNS.items():
        names[_norm(label)] = key
        names[key] = key
        for alias in aliases:
            names[_norm(alias)] = key
    mapping: dict[int, str] = {}
    problems: list[str] = []
    for index, cell in enumerate(header):
        found = names.get(_norm(cell))
        if found is None:
            continue  # other columns of the export are ignored
        key = found
        if key in mapping.values():
            problems.append(_("Kolumnen %(column)s finns två gånger.") % {"column": _label(key)})
        mapping[index] = key
    for key in REQUIRED_COLUMNS:
        if key not in mapping.values():
            problems.append(_("Kolumnen %(column)s saknas.") % {"column": _label(key)})
    return mapping, problems


def _xlsx_value(cell) -> Any:
    """A cell's value; a number shown as a percentage (0.5 as 50 %) as the text "50 %"."""
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        return f"{(Decimal(str(value)) * 100).normalize():f} %"
    return value


def _read_rows(content: bytes, filename: str) -> list[list[Any]]:
    """The file's rows as lists of cells (CSV: text; XLSX: values as openpyxl reads them)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # type: ignore[import-untyped]

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise ValidationError(
                {"file": _("Filen kan inte läsas som en Excelfil (XLSX).")}
            ) from exc
        sheet = workbook.worksheets[0]
        rows = [[_xlsx_value(cell) for cell in row] for row in sheet.iter_rows()]
        workbook.close()
        return rows
    if filename.lower().endswith((".csv", ".txt")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        if "\x00" in text:
            raise ValidationError({"file": _("Filen innehåller otillåtna tecken.")})
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    raise ValidationError({"file": _("Ladda upp exporten som CSV eller XLSX.")})


# --- One row ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value)[:10])
    except ValueError as exc:
        raise ValueError(_("Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2022-03-24.")) from exc


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = Decimal(str(value))
    try:
        amount = parse_amount(value if isinstance(value, Decimal) else _text(value))
    except AmountError as exc:
        raise ValueError(str(exc)) from exc
    if amount <= 0:
        raise ValueError(_("Beloppet måste vara större än noll."))
    return amount


def _share(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        share = Decimal(str(value))  # a plain number is the per cent (50 = 50 %)
    else:
        match = _PERCENT.match(_text(value))
        if not match:
            raise ValueError(_("Ange andelen i procent, t.ex. 50 eller 100 %."))
        share = Decimal(match.group(1).replace(",", "."))
    try:
        share = share.quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(_("Ange andelen i procent, t.ex. 50 eller 100 %.")) from exc
    if not Decimal(0) < share <= Decimal(100):
        raise ValueError(_("Andelen ska vara större än 0 och högst 100 %."))
    return share


def _choice(value: Any, choices: dict, message: str) -> str:
    text = _norm(value)
    if text in choices:
        return choices[text]
    raise ValueError(message % {"value": _text(value)})


def clean_row(raw: dict[str, Any], *, year: int | None) -> tuple[dict, dict[str, str]]:
    """A row's values as the model stores them, and its errors by field key."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def take(key, parse):
        try:
            data[key] = parse(raw.get(key))
        except ValueError as exc:
            errors[key] = str(exc)

    take("application_id", _text)
    if not errors and not data["application_id"]:
        errors["application_id"] = _("Ärende-id saknas.")
    elif len(data.get("application_id", "")) > 30:
        errors["application_id"] = _("Ärende-id får vara högst 30 tecken.")
    take("received_on", _date)
    if "received_on" not in errors and data.get("received_on") is None:
        errors["received_on"] = _("Datum då ansökan kom in saknas.")
    take("decided_on", _date)
    take(
        "decision",
        lambda v: _choice(
            v, _DECISIONS, _("Okänt beslut ”%(value)s”: skriv Beviljad eller Avslag.")
        ),
    )
    take("amount", _amount)
    take("company_name", _text)
    if not data.get("company_name") and "company_name" not in errors:
        errors["company_name"] = _("Företagets namn saknas.")
    take("org_number", _text)
    number = data.get("org_number", "")
    match = _ORG_NUMBER.match(number.replace(" ", ""))
    if not match:
        errors["org_number"] = _("Organisationsnummer skrivs NNNNNN-NNNN, t.ex. 556036-0793.")
    elif not org_number_valid(match.group(1) + match.group(2)):
        errors["org_number"] = _("Organisationsnumret %(number)s har fel kontrollsiffra.") % {
            "number": number
        }
    else:
        data["org_number"] = f"{match.group(1)}-{match.group(2)}"
    take(
        "leader_gender",
        lambda v: _choice(
            v, _GENDERS, _("Okänd ledning ”%(value)s”: skriv Kvinna, Man eller Delat.")
        ),
    )
    take("industry", lambda v: _text(v)[:120])
    take(
        "category",
        lambda v: _choice(
            v,
            _CATEGORIES,
            _("Okänt stödområde ”%(value)s”: skriv Företagsstöd eller Kommersiell service."),
        ),
    )
    take("support_type", lambda v: _text(v)[:120])
    take("eu_framework", lambda v: _text(v)[:200])
    take("eu_share", _share)

    decision, decided_on = data.get("decision"), data.get("decided_on")
    if "decision" not in errors and "decided_on" not in errors:
        if decision and decided_on is None:
            errors["decided_on"] = _("Ett beslut har ett beslutsdatum.")
        elif decided_on is not None and not decision:
            errors["decision"] = _("Beslutsdatum utan beslut: skriv Beviljad eller Avslag.")
    received_on = data.get("received_on")
    if received_on and decided_on and decided_on < received_on:
        errors["decided_on"] = _("Beslutet kan inte vara fattat innan ansökan kom in.")
    if decision == SupportDecision.GRANTED and data.get("amount") is None:
        if "amount" not in errors:
            errors["amount"] = _("Ett beviljat stöd har ett belopp.")
    if decision != SupportDecision.GRANTED and data.get("amount") is not None:
        data["amount"] = None  # NYPS exports the applied amount on rejections: not granted
    if "eu_share" not in errors and "eu_framework" not in errors:
        if data.get("eu_framework") and data.get("eu_share") is None:
            errors["eu_share"] = _("Ange hur stor andel ramprojektet finansierar.")
        elif data.get("eu_share") is not None and not data.get("eu_framework"):
            errors["eu_framework"] = _("Ange vilket EU-ramprojekt som finansierar andelen.")
        elif data.get("eu_framework") and decision != SupportDecision.GRANTED:
            errors["eu_framework"] = _("Bara beviljade stöd medfinansieras av ett ramprojekt.")
    if year is not None and received_on and "received_on" not in errors:
        years = {received_on.year, decided_on.year if decided_on else received_on.year}
        if year not in years:
            errors["received_on"] = _(
                "Ansökan varken kom in eller beslutades under %(year)s; importera den under rätt år."
            ) % {"year": year}
    return data, errors


# --- Preview and import -------------------------------------------------------------------


def _pending_name(sha256: str, filename: str) -> str:
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"{PENDING_DIR}/{sha256}.{extension}"


def _compare(instance: BusinessSupport, data: dict) -> list[str]:
    return [
        str(getattr(BusinessSupport._meta.get_field(key), "verbose_name", key))
        for key, value in data.items()
        if getattr(instance, key) != value
    ]


def _validate_file(content: bytes, filename: str, year: int) -> Preview:
    sha256 = hashlib.sha256(content).hexdigest()
    preview = Preview(
        year=year, filename=filename, sha256=sha256, size=len(content), rows=[], errors=[]
    )
    rows = _read_rows(content, filename)
    while rows and not any(_text(cell) for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise ValidationError({"file": _("Filen är tom.")})
    mapping, problems = _header_map(rows[0])
    if problems:
        raise ValidationError({"file": problems})
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(
            {"file": _("Filen har fler än %(max)s rader.") % {"max": f"{MAX_ROWS:,}"}}
        )
    cleaned: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(_text(cell) for cell in cells):
            continue
        raw = {key: cells[index] if index < len(cells) else None for index, key in mapping.items()}
        data, errors = clean_row(raw, year=year)
        application_id = data.get("application_id")
        if application_id and "application_id" not in errors:
            if application_id in seen:
                errors["application_id"] = _(
                    "Ärende-id %(id)s finns redan på rad %(row)s i filen."
                ) % {"id": application_id, "row": seen[application_id]}
            else:
                seen[application_id] = number
        for key, message in errors.items():
            preview.errors.append(RowError(row=number, column=_label(key), message=message))
        if not errors:
            cleaned.append((number, data))
    existing = BusinessSupport.objects.in_bulk(
        [data["application_id"] for _n, data in cleaned], field_name="application_id"
    )
    for number, data in cleaned:
        instance = existing.get(data["application_id"])
        if instance is None:
            preview.rows.append(PreviewRow(row=number, data=data, status="new"))
        else:
            changes = _compare(instance, data)
            status = "changed" if changes else "unchanged"
            preview.rows.append(PreviewRow(row=number, data=data, status=status, changes=changes))
    if not preview.rows and not preview.errors:
        raise ValidationError({"file": _("Filen har inga rader med ansökningar.")})
    return preview


def export_preview(*, user, year: int, content: bytes, filename: str) -> Preview:
    """Validate an export without importing it; keep the file for the import that follows."""
    require(permissions.can_import_business_support(user))
    if len(content) > MAX_FILE_SIZE:
        raise ValidationError({"file": _("Filen är större än 10 MB.")})
    preview = _validate_file(content, filename, year)
    name = _pending_name(preview.sha256, filename)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    return preview


def pending_content(sha256: str, filename: str) -> bytes:
    name = _pending_name(sha256, filename)
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or not default_storage.exists(name):
        raise ValidationError(
            {"file": _("Den förhandsgranskade filen finns inte längre; ladda upp den igen.")}
        )
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValidationError({"file": _("Filen har ändrats sedan förhandsgranskningen.")})
    return content


def business_support_import(
    *, user, year: int, sha256: str, filename: str
) -> BusinessSupportImport:
    """Import a previewed export: every row or none, updating rows already imported."""
    try:
        return _import(user=user, year=year, sha256=sha256, filename=filename)
    except IntegrityError as exc:
        # Two imports of new application ids at the same moment: the second is refused.
        raise Conflict(
            _("Någon annan importerade samma ansökningar samtidigt; förhandsgranska igen.")
        ) from exc


@transaction.atomic
def _import(*, user, year: int, sha256: str, filename: str) -> BusinessSupportImport:
    require(permissions.can_import_business_support(user))
    content = pending_content(sha256, filename)
    # Serialise imports: two people importing at once would race on new application ids.
    list(BusinessSupportImport.objects.select_for_update().filter(year=year)[:1])
    preview = _validate_file(content, filename, year)
    if preview.errors:
        raise ValidationError(
            {
                "file": _("Filen har %(count)s fel; inget har importerats.")
                % {"count": len(preview.errors)}
            }
        )
    source = BusinessSupportImport(
        year=year,
        filename=filename[:200],
        size=len(content),
        sha256=sha256,
        imported_by=user,
        rows_created=preview.count("new"),
        rows_updated=preview.count("changed"),
        rows_unchanged=preview.count("unchanged"),
    )
    source.file.save(filename, ContentFile(content), save=False)
    source.full_clean()
    source.save()
    existing = BusinessSupport.objects.select_for_update().in_bulk(
        [row.data["application_id"] for row in preview.rows], field_name="application_id"
    )
    for row in preview.rows:
        instance = existing.get(row.data["application_id"]) or BusinessSupport()
        if instance.pk and row.status == "unchanged":
            continue
        for key, value in row.data.items():
            setattr(instance, key, value)
        instance.source = source
        instance.updated_by = user
        instance.full_clean(validate_unique=False)
        instance.save()
    transaction.on_commit(lambda: default_storage.delete(_pending_name(sha256, filename)))
    return source


@transaction.atomic
def business_support_save(
    *, user, data: dict, instance: BusinessSupport | None = None, version=None
) -> BusinessSupport:
    """Record one application by hand, or correct one (the next import may overwrite it)."""
    require(permissions.can_import_business_support(user))
    if instance is not None and instance.pk:
        instance = BusinessSupport.objects.select_for_update().get(pk=instance.pk)
        ensure_current(instance, version)
    else:
        instance = BusinessSupport()
    raw = {key: data.get(key) for key in ROW_FIELDS}
    cleaned, errors = clean_row(raw, year=None)
    if "application_id" not in errors:
        clash = BusinessSupport.objects.filter(application_id=cleaned["application_id"])
        if instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["application_id"] = _("Ärende-id %(id)s finns redan.") % {
                "id": cleaned["application_id"]
            }
    if errors:
        raise ValidationError(errors)
    for key, value in cleaned.items():
        setattr(instance, key, value)
    instance.updated_by = user
    instance.full_clean(validate_unique=False)
    instance.save()
    return instance
