"""The public pages: no login, their own layout, rate-limited per client IP."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import batch
from core.http import conflicts_as_409
from core.pagination import CappedPaginator
from core.ratelimit import rate_limited
from core.stored import open_verified
from core.text import is_number
from decisions.meetings.models import Meeting, Paragraph
from decisions.public import policy, selectors
from decisions.public.forms import DiarySearchForm
from projects.models import Case

PAGE_SIZE = 20
# The e-diarium counts its matches up to this many ("över 1 000 ärenden").
DIARY_COUNT_CAP = 1000


def public_page(view):
    """No login, GET only, rate-limited."""
    return login_not_required(require_GET(rate_limited("public")(view)))


@public_page
def notice_board(request):
    return render(
        request,
        "public/notice_board.html",
        {"notices": selectors.notices_on_board(), "kept_at": settings.PROTOCOL_KEPT_AT},
    )


@public_page
def notice_archive(request):
    years = selectors.notice_archive_years()
    year = request.GET.get("ar", "")
    chosen = int(year) if is_number(year) and len(year) == 4 else None
    return render(
        request,
        "public/notice_archive.html",
        {"notices": selectors.notice_archive(year=chosen), "years": years, "year": chosen},
    )


@public_page
def notice_detail(request, pk):
    today = timezone.localdate()
    try:
        notice = selectors.notice(pk, today=today)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
    paragraphs = list(
        notice.meeting.paragraphs.order_by("number").only(
            "pk", "meeting", "number", "adjusted_at", "notice_posted_on"
        )
    )
    return render(
        request,
        "public/notice_detail.html",
        {
            "notice": notice,
            "meeting": notice.meeting,
            "dates": notice.dates,
            "on_board": notice.is_up(today),
            "numbers": {
                "first": paragraphs[0].number if paragraphs else None,
                "last": paragraphs[-1].number if paragraphs else None,
            },
            # §§ justerade at once have their own notice and appeal period (KL 13:5)
            "adjusted_at_once": [p for p in paragraphs if p.adjusted_at is not None],
            "withheld": policy.protocol_withheld(notice.meeting),
            "protocol": selectors.notice_protocol(notice.meeting),
            "kept_at": settings.PROTOCOL_KEPT_AT,
        },
    )


@public_page
def paragraph_notice_detail(request, pk):
    """The notice of a § justerad at once: its own dates and appeal period."""
    today = timezone.localdate()
    try:
        notice = selectors.paragraph_notice(pk, today=today)
    except Paragraph.DoesNotExist as exc:
        raise Http404 from exc
    paragraph = notice.paragraph
    assert paragraph is not None
    withheld = policy.paragraph_withheld(paragraph)
    return render(
        request,
        "public/notice_detail.html",
        {
            "notice": notice,
            "meeting": notice.meeting,
            "paragraph": paragraph,
            # a § whose record is withheld may name what is secret (a wholly marked case's
            # name): its number only
            "paragraph_title": "" if withheld else paragraph.title,
            "dates": notice.dates,
            "on_board": notice.is_up(today),
            "numbers": {"first": paragraph.number, "last": paragraph.number},
            "withheld": withheld,
            "protocol": selectors.notice_extract(paragraph),
            "kept_at": settings.PROTOCOL_KEPT_AT,
        },
    )


@public_page
@conflicts_as_409
def paragraph_notice_extract(request, pk):
    """The published record of a § justerad at once: its final extract, served as stored."""
    try:
        notice = selectors.paragraph_notice(pk)
    except Paragraph.DoesNotExist as exc:
        raise Http404 from exc
    assert notice.paragraph is not None
    document = selectors.notice_extract(notice.paragraph)
    if document is None:
        raise Http404(_("Protokollsutdraget publiceras inte här."))
    return _stored_pdf(document)


@public_page
@conflicts_as_409
def notice_protocol(request, pk):
    """The published protocol, served as stored (the sealed PDF, its bytes unchanged)."""
    try:
        notice = selectors.notice(pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
    document = selectors.notice_protocol(notice.meeting)
    if document is None:
        raise Http404(_("Protokollet publiceras inte här."))
    return _stored_pdf(document)


def _stored_pdf(document):
    handle = open_verified(document.file, document.sha256, what=document.filename)
    return FileResponse(
        handle, as_attachment=False, filename=document.filename, content_type="application/pdf"
    )


@public_page
def diary(request):
    form = DiarySearchForm(request.GET or None)
    page = None
    entries = []
    if form.is_bound and form.is_valid():
        search = selectors.DiarySearch(**form.cleaned_data)
        # Counted up to a cap: a common word's every match in a large register is not.
        paginator = CappedPaginator(selectors.diary_cases(search), PAGE_SIZE, cap=DIARY_COUNT_CAP)
        page = batch.paginate(paginator, request.GET.get("sida"))  # count and rows together
        entries = [selectors.diary_entry(case) for case in page.object_list]
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "public/diary.html",
        {"form": form, "page": page, "entries": entries, "query": query.urlencode()},
    )


@public_page
def diary_case(request, pk):
    try:
        case = selectors.diary_case(pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "public/diary_case.html", {"entry": selectors.diary_entry(case)})


@public_page
def accessibility(request):
    return render(
        request,
        "public/accessibility.html",
        {"contact": settings.ACCESSIBILITY_CONTACT},
    )
