"""The diary number's format is the region's (``settings.DNR_FORMAT``, projects.dnr): written
so everywhere, and read back as written or plainly."""

import datetime

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.dnr import format_dnr, format_problems, parse_dnr
from reporting.archive.forms import _dnr_tokens
from tests.projects.factories import register_case

pytestmark = pytest.mark.django_db

OTHER_REGION = "RUN {year}/{number}"


def test_the_default_is_norrbottens_and_reads_back_with_or_without_zeros():
    assert format_dnr(52, 2020) == "00052-2020"
    for text in ("00052-2020", "52-2020", " 52 / 2020 ", "0052/2020"):
        assert parse_dnr(text) == (52, 2020), text
    for text in ("", "52", "2020", "innovation", "52-20", "RUN 2020/52"):
        assert parse_dnr(text) is None, text


def test_another_regions_format_is_written_and_read_back(settings):
    settings.DNR_FORMAT = OTHER_REGION
    assert format_dnr(52, 2020) == "RUN 2020/52"
    for text in ("RUN 2020/52", "run 2020/0052", "RUN2020/52", "RUN 2020 / 52", "52-2020"):
        assert parse_dnr(text) == (52, 2020), text
    for text in ("RUN 2020/", "RS 2020/52", "RUN 20/52", "2020/52"):
        assert parse_dnr(text) is None, text
    # a long text is no Dnr, whatever it holds (and is not searched through)
    assert parse_dnr("RUN" + " " * 20_000 + "2020/52") is None
    assert parse_dnr("RUN 2020/" + "0" * 60) is None
    settings.DNR_FORMAT = "RS {year}-{number:04d}"
    assert format_dnr(7, 2021) == "RS 2021-0007"
    assert parse_dnr("rs 2021-7") == (7, 2021)


@pytest.mark.parametrize(
    "form, ok",
    [
        ("{number:05d}-{year}", True),
        (OTHER_REGION, True),
        ("{year}{number:04d}", False),  # 20200052: a NYPS-id would be read as a Dnr
        ("{year} {number}", False),  # the same: spaces are not compared
        ("{number}", False),
        ("{number}-{year}-{number}", False),
        ("{nummer}-{year}", False),
        ("{number:x}-{year}", False),  # hexadecimal: 34-2020 is not read back as 52
        ("{number:05d-{year}", False),
        ("{number:s}-{year}", False),  # an integer cannot be written so
    ],
)
def test_a_format_that_cannot_be_read_back_is_refused_by_the_checks(settings, form, ok):
    assert (format_problems(form) == []) is ok, format_problems(form)
    settings.DNR_FORMAT = form
    errors = [m for m in run_checks() if m.id == "projects.E001"]
    assert bool(errors) is not ok


def test_the_case_list_the_e_diarium_and_the_archive_form_read_the_regions_dnr(
    settings, officer, client_for
):
    settings.DNR_FORMAT = OTHER_REGION
    case = register_case(officer=officer, registered_on=datetime.date(2021, 3, 1))
    other = register_case(officer=officer, registered_on=datetime.date(2021, 3, 2))
    dnr = f"RUN 2021/{case.number}"
    assert case.dnr == dnr
    client = client_for(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert dnr in page
    listed = client.get(reverse("projects:case_list"), {"q": dnr.lower()}).content.decode()
    assert dnr in listed and other.dnr not in listed
    assert "Sök på Dnr (RUN 2020/52)" in listed  # the help text's example is the region's
    client.logout()
    diary = client.get(reverse("public:diary"), {"dnr": dnr}).content.decode()
    assert case.title in diary and other.dnr not in diary
    # a digit that is no number ("²"), or a number alone
    for text in ("²", "١٢", str(case.number)):
        assert client.get(reverse("public:diary"), {"dnr": text}).status_code == 200, text
    assert _dnr_tokens(f"{dnr}, {other.dnr}\nRUN 2021/9 52-2021") == [
        dnr,
        other.dnr,
        "RUN 2021/9",
        "52-2021",
    ]


def test_a_commitment_names_its_case_by_the_regions_dnr(settings, officer):
    from financing.forms import CommitmentForm

    settings.DNR_FORMAT = OTHER_REGION
    case = register_case(officer=officer, registered_on=datetime.date(2021, 3, 1))
    form = CommitmentForm()
    assert "t.ex. RUN 2020/35" in str(form.fields["case_dnr"].help_text)
    form.cleaned_data = {"case_dnr": f" run 2021/{case.number} "}
    assert form.clean_case_dnr() == case
    for wrong in ("RUN 2021/999", "innovation"):
        form.cleaned_data = {"case_dnr": wrong}
        with pytest.raises(ValidationError, match="Hittar inget ärende"):
            form.clean_case_dnr()
