"""Pages of the financing app. They parse input with forms and call services/selectors.

Service errors become answers the user understands: ``ValidationError`` -> form errors
(the form keeps what was typed), ``PermissionDenied`` -> the 403 page, ``Conflict`` ->
the page again with the message and HTTP 409 (200 for htmx, which swaps only 2xx).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import batch
from core.access import require
from core.errors import Conflict
from core.http import apply_service_errors, conflicts_as_409, form_status
from core.money import format_amount
from core.pagination import CountAheadPaginator, register_page
from decisions.meetings import views as meetings_views
from decisions.workflow import views as workflow_views
from financing import charts, exports, forms, permissions, selectors, services
from financing.models import (
    BusinessSupport,
    BusinessSupportImport,
    Commitment,
    FinancingPlan,
    Grant,
    GrantCondition,
    GrantTerms,
    Payment,
    PaymentKind,
)
from financing.services import allocations, closing, decisions, payments
from projects import permissions as project_permissions
from projects.models import Case, Project


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Dashboard --------------------------------------------------------------------------


def _dashboard_year(request, grants) -> int | None:
    form = forms.DashboardFilterForm(request.GET or None, years=[g.year for g in grants])
    if request.GET.get("year") and form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return selectors.default_year(grants)


@require_GET
def dashboard(request):
    require(permissions.can_view_financing(request.user))
    grants = list(selectors.grant_list())
    year = _dashboard_year(request, grants)
    grant = next((g for g in grants if g.year == year), None)
    # The year's figures, every year's and the open commitments' page in one query.
    parts = {
        "summary": selectors.grant_summary_pending(grant) if grant else None,
        "multi_year": selectors.multi_year_pending(),
        "co_financing": selectors.co_financing_pending(year) if year else None,
        "business_support": selectors.business_support_pending(year) if year else None,
    }
    open_commitments = batch.paginate(
        Paginator(selectors.commitment_table(year=year, open_only=True), 10),
        request.GET.get("page"),
        *(qs for part in parts.values() if part for qs in part.querysets),
        prepare=True,  # by the year: the same plan for every year
    )
    built = {name: part.build() if part else None for name, part in parts.items()}
    summary, multi_year = built["summary"], built["multi_year"]
    context = {
        "grants": grants,
        "year": year,
        "grant": grant,
        "summary": summary,
        "multi_year": multi_year,
        "open_commitments": open_commitments,
        "co_financing": built["co_financing"],
        "business_support": built["business_support"],
        "filter_form": forms.DashboardFilterForm(
            initial={"year": year}, years=[g.year for g in grants]
        ),
        "category_chart": charts.allocation_chart(
            summary.categories if summary else [],
            title=_("Per kategori %(year)s") % {"year": year},
        )
        if summary
        else None,
        "priority_chart": charts.allocation_chart(
            summary.priorities if summary else [],
            title=_("Per RUS-prioritering %(year)s") % {"year": year},
        )
        if summary
        else None,
        "multi_year_chart": charts.multi_year_chart(multi_year) if multi_year else None,
        "can_edit_grant": permissions.can_edit_grant(request.user),
        "can_record_commitment": permissions.can_record_commitment(request.user),
    }
    return render(request, "financing/dashboard.html", context)


@require_GET
def dashboard_export(request):
    require(permissions.can_export(request.user))
    grants = list(selectors.grant_list())
    year = _dashboard_year(request, grants)
    grant = next((g for g in grants if g.year == year), None)
    summary = selectors.grant_summary(grant) if grant else None
    content = exports.dashboard_workbook(
        summary=summary,
        multi_year=selectors.multi_year_figures(),
        commitments=selectors.commitment_list(year=year, open_only=True) if year else [],
    )
    return _xlsx(content, f"anslag-1-1-{year or 'alla'}.xlsx")


# --- Anslag 1:1 ----------------------------------------------------------------------------


@require_GET
def grant_list(request):
    require(permissions.can_view_financing(request.user))
    # every year's sums in one round trip: a query per year grew with the register's years
    grants = selectors.grant_list().prefetch_related("allocations")
    summaries = batch.resolve([selectors.grant_summary_pending(grant) for grant in grants])
    return render(
        request,
        "financing/grant_list.html",
        {"summaries": summaries, "can_edit_grant": permissions.can_edit_grant(request.user)},
    )


@require_GET
def grant_detail(request, year):
    require(permissions.can_view_financing(request.user))
    try:
        grant = selectors.grant_for_year(year)
    except Grant.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "financing/grant_detail.html",
        {
            "grant": grant,
            "summary": selectors.grant_summary(grant),
            "history": selectors.grant_history(grant),
            "can_edit_grant": permissions.can_edit_grant(request.user),
            "allocation_decisions": selectors.allocation_decisions(grant),
        },
    )


def _grant_form_page(request, *, grant: Grant | None):
    require(permissions.can_edit_grant(request.user))
    form = forms.GrantForm(request.POST or None, grant=grant)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if grant is None:
                saved = services.grant_create(
                    user=request.user,
                    year=data["year"],
                    amount=data["amount"],
                    decision_reference=data["decision_reference"],
                    note=data["note"],
                    allocations=data["allocations"],
                    code=data["code"],
                    name=data["name"],
                    commitment_authority=data["commitment_authority"],
                )
                messages.success(request, _("Anslaget är registrerat."))
            else:
                saved = services.grant_update(
                    user=request.user,
                    grant=grant,
                    amount=data["amount"],
                    decision_reference=data["decision_reference"],
                    note=data["note"],
                    allocations=data["allocations"],
                    version=data.get("version"),
                    code=data["code"],
                    name=data["name"],
                    commitment_authority=data["commitment_authority"],
                )
                messages.success(request, _("Anslaget och fördelningsplanen är sparade."))
            return redirect(saved.get_absolute_url())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = form_status(request, conflict=True)
    return render(
        request, "financing/grant_form.html", {"form": form, "grant": grant}, status=status
    )


@require_http_methods(["GET", "POST"])
def grant_create(request):
    return _grant_form_page(request, grant=None)


@require_http_methods(["GET", "POST"])
def grant_edit(request, year):
    grant = get_object_or_404(Grant.objects.prefetch_related("allocations"), year=year)
    return _grant_form_page(request, grant=grant)


# --- Financing plans --------------------------------------------------------------------


PLANS_PER_PAGE = 50
COMMITMENTS_PER_PAGE = 50
PLAN_COUNT_CAP = 1000


@require_GET
def plan_list(request):
    require(permissions.can_view_financing(request.user))
    form = forms.PlanFilterForm(request.GET or None)
    plans = selectors.plan_list(**form.filters())
    # The page's plans chosen by key first (their totals are subqueries: computed for the
    # 50 shown, not for every plan skipped to reach a deep page), counted up to
    # PLAN_COUNT_CAP past the page ("Över 1 000 planer": a year's filter reads a third of
    # the register at 200 000 cases to count it whole, 0.4 s).
    page = batch.paginate(
        CountAheadPaginator(plans, PLANS_PER_PAGE, cap=PLAN_COUNT_CAP), request.GET.get("page")
    )
    return render(
        request,
        "financing/plan_list.html",
        {"page": page, "filter_form": form, "query": request.GET.urlencode()},
    )


@require_GET
def plan_export(request):
    require(permissions.can_export(request.user))
    form = forms.PlanFilterForm(request.GET or None)
    plans = selectors.plan_list(**form.filters())
    content = exports.plans_workbook(plans=plans, rows=selectors.plan_rows_for_export(plans))
    return _xlsx(content, "finansieringsplaner.xlsx")


def _project(project_id) -> Project:
    return get_object_or_404(
        Project.objects.select_related("applicant", "owner").prefetch_related("cases"),
        pk=project_id,
    )


def _plan_or_404(project_id) -> FinancingPlan:
    plan = selectors.plan_for_project(project_id)
    if plan is None:
        raise Http404
    return plan


@require_GET
def plan_detail(request, project_id):
    require(permissions.can_view_financing(request.user))
    plan = selectors.plan_for_project(project_id)
    if plan is None:
        project = _project(project_id)
        return render(
            request,
            "financing/plan_missing.html",
            {
                "project": project,
                "case": selectors.co_financing_case(project),
                "can_create": permissions.can_create_plan(request.user, project),
            },
        )
    figures = selectors.plan_figures(plan)
    policy = selectors.plan_policy(plan)
    user = request.user
    return render(
        request,
        "financing/plan_detail.html",
        {
            "plan": plan,
            "project": plan.project,
            "case": selectors.co_financing_case(plan.project),
            "figures": figures,
            "checks": selectors.plan_checks(plan, figures, policy),
            "policy": policy,
            "history": selectors.plan_history(plan),
            "can_edit": permissions.can_edit_plan(user, plan),
            "owner": permissions.plan_owner_access(user, plan.project),
            "can_submit": permissions.can_submit_plan(user, plan),
            "can_review": permissions.can_review_plan(user, plan),
            "can_reopen": permissions.can_reopen_plan(user, plan),
            "can_record_granted": permissions.can_record_granted_amounts(user, plan),
        },
    )


def _project_years(project) -> list[int]:
    if project.start_date and project.end_date:
        return list(range(project.start_date.year, project.end_date.year + 1))
    return []


def _row_initial(plan) -> list[dict]:
    return [
        {
            "id": row.pk,
            "financier": row.financier_id,
            "funding_type": row.funding_type_id,
            "amount_applied": row.amount_applied,
            "amount_granted": row.amount_granted,
            "year": row.year,
            "in_kind": row.in_kind,
        }
        for row in plan.rows.all()
    ]


def _with_extra_form(data):
    """The POSTed formset data with one more (empty) row: the no-JS "add row" button."""
    data = data.copy()
    key = f"{forms.ROWS_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(total + 1)
    return data


@require_http_methods(["GET", "POST"])
def plan_edit(request, project_id):
    project = _project(project_id)
    plan = selectors.plan_for_project(project_id)
    user = request.user
    require(permissions.plan_owner_access(user, project))
    years = _project_years(project)
    status = 200
    if plan is not None and not permissions.plan_state_access(plan):
        # Frozen (submitted or approved): say why instead of showing a form that cannot save.
        messages.error(request, permissions.plan_state_access(plan).reason)
        if request.method == "POST":
            return render(
                request,
                "financing/plan_frozen.html",
                {
                    "plan": plan,
                    "project": project,
                    "reason": permissions.plan_state_access(plan).reason,
                },
                status=409,
            )
        return redirect("financing:plan_detail", project_id=project.pk)

    if request.method == "POST":
        data = request.POST
        adding = "add_row" in data
        if adding:
            data = _with_extra_form(data)
        plan_form = forms.PlanForm(data)
        formset = forms.RowFormSet(data, prefix=forms.ROWS_PREFIX, form_kwargs={"years": years})
        if not adding and plan_form.is_valid() and formset.is_valid():
            try:
                services.financing_plan_save(
                    user=user,
                    project=project,
                    stated_total=plan_form.cleaned_data["stated_total"],
                    rows=formset.rows(),
                    version=plan_form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                apply_service_errors(plan_form, exc, aliases={"rows": None})
            except Conflict as exc:
                plan_form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                if "save_submit" in data:
                    return _submit(request, project)
                messages.success(request, _("Finansieringsplanen är sparad."))
                return redirect("financing:plan_detail", project_id=project.pk)
    else:
        if plan is None:
            initial = {"stated_total": project.total_budget}
            rows_initial = []
        else:
            initial = {"stated_total": plan.stated_total, "version": plan.version}
            rows_initial = _row_initial(plan)
        plan_form = forms.PlanForm(initial=initial)
        formset_class = forms.RowFormSet if rows_initial else forms.NewRowFormSet
        formset = formset_class(
            prefix=forms.ROWS_PREFIX, initial=rows_initial, form_kwargs={"years": years}
        )
    return render(
        request,
        "financing/plan_form.html",
        {
            "project": project,
            "plan": plan,
            "case": selectors.co_financing_case(project),
            "plan_form": plan_form,
            "formset": formset,
            "add_row_url": reverse("financing:plan_add_row", args=[project.pk]),
        },
        status=status,
    )


@require_GET
def plan_add_row(request, project_id):
    """htmx: one more empty row for the formset, and the new TOTAL_FORMS (out of band)."""
    project = _project(project_id)
    require(permissions.plan_owner_access(request.user, project))
    try:
        index = int(request.GET.get(f"{forms.ROWS_PREFIX}-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(0, min(index, 199))
    formset = forms.RowFormSet(
        prefix=forms.ROWS_PREFIX, form_kwargs={"years": _project_years(project)}
    )
    # _construct_form does not apply form_kwargs itself (the formset's forms property does):
    # without them the added row asked for the year as a number instead of offering the
    # project's years like the other rows.
    form = formset._construct_form(
        index, empty_permitted=True, use_required_attribute=False, **formset.get_form_kwargs(index)
    )
    return render(
        request,
        "financing/partials/plan_row_added.html",
        {"form": form, "total": index + 1, "prefix": forms.ROWS_PREFIX},
    )


def _submit(request, project):
    plan = _plan_or_404(project.pk)
    try:
        services.financing_plan_submit(user=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, str(exc))
        return render(
            request,
            "financing/plan_frozen.html",
            {"plan": plan, "project": project, "reason": str(exc)},
            status=409,
        )
    else:
        messages.success(
            request, _("Finansieringsplanen är inskickad till controller för granskning.")
        )
    return redirect("financing:plan_detail", project_id=project.pk)


@require_POST
def plan_submit(request, project_id):
    project = _project(project_id)
    return _submit(request, project)


@require_http_methods(["GET", "POST"])
def plan_review(request, project_id):
    plan = _plan_or_404(project_id)
    require(permissions.review_role_access(request.user, plan))
    form = forms.ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        comment = form.cleaned_data["comment"]
        try:
            if decision == "approve":
                services.financing_plan_approve(user=request.user, plan=plan, comment=comment)
                messages.success(request, _("Finansieringsplanen är godkänd."))
            else:
                services.financing_plan_return(user=request.user, plan=plan, comment=comment)
                messages.success(request, _("Finansieringsplanen är återsänd till handläggaren."))
            return redirect("financing:plan_detail", project_id=project_id)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = form_status(request, conflict=True)
    elif request.method == "GET" and not permissions.can_review_plan(request.user, plan):
        messages.warning(request, permissions.can_review_plan(request.user, plan).reason)
    figures = selectors.plan_figures(plan)
    policy = selectors.plan_policy(plan)
    return render(
        request,
        "financing/plan_review.html",
        {
            "plan": plan,
            "project": plan.project,
            "case": selectors.co_financing_case(plan.project),
            "figures": figures,
            "checks": selectors.plan_checks(plan, figures, policy),
            "policy": policy,
            "form": form,
            "can_review": permissions.can_review_plan(request.user, plan),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def plan_reopen(request, project_id):
    plan = _plan_or_404(project_id)
    access = permissions.can_reopen_plan(request.user, plan)
    if not access and not permissions.can_edit_grant(request.user):
        raise PermissionDenied(access.reason)
    form = forms.ReopenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.financing_plan_reopen(
                user=request.user, plan=plan, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Finansieringsplanen är öppnad för ändringar."))
            return redirect("financing:plan_detail", project_id=project_id)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = form_status(request, conflict=True)
    return render(
        request,
        "financing/plan_reopen.html",
        {"plan": plan, "project": plan.project, "form": form, "access": access},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def plan_granted(request, project_id):
    plan = _plan_or_404(project_id)
    require(permissions.can_record_granted_amounts(request.user, plan))
    rows = list(plan.rows.all())
    form = forms.GrantedAmountsForm(request.POST or None, plan=plan, rows=rows)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.financing_plan_record_granted(
                user=request.user,
                plan=plan,
                granted=form.granted(),
                version=form.cleaned_data.get("version"),
            )
            messages.success(request, _("Beviljade belopp är sparade."))
            return redirect("financing:plan_detail", project_id=project_id)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = form_status(request, conflict=True)
    return render(
        request,
        "financing/plan_granted.html",
        {"plan": plan, "project": plan.project, "form": form},
        status=status,
    )


# --- Commitments, payments, releases ------------------------------------------------------


@require_GET
def commitment_list(request):
    require(permissions.can_view_financing(request.user))
    form = forms.CommitmentFilterForm(request.GET or None)
    page = register_page(
        selectors.commitment_table(**form.filters()), COMMITMENTS_PER_PAGE, request.GET.get("page")
    )
    return render(
        request,
        "financing/commitment_list.html",
        {
            "page": page,
            "filter_form": form,
            "can_record_commitment": permissions.can_record_commitment(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def commitment_create(request):
    require(permissions.can_record_commitment(request.user))
    form = forms.CommitmentForm(
        request.POST or None, initial={"committed_on": timezone.localdate()}
    )
    # Controllers pick a registered recipient; only officers add organisations.
    form.fields["recipient"].widget.allow_create = bool(
        project_permissions.can_edit_organisation(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commitment_record(
                user=request.user,
                year=data["year"],
                category=data["category"],
                priority=data["priority"] or None,
                amount=data["amount"],
                committed_on=data["committed_on"],
                company_leader_gender=data["company_leader_gender"] or None,
                recipient=data["recipient"],
                case=data["case_dnr"],
                description=data["description"],
                reference=data["reference"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"case": "case_dnr"})
        else:
            messages.success(request, _("Åtagandet är registrerat."))
            return redirect(commitment.get_absolute_url())
    return render(request, "financing/commitment_form.html", {"form": form})


def _commitment_or_404(pk) -> Commitment:
    try:
        return selectors.commitment_detail(pk)
    except Commitment.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def commitment_detail(request, pk):
    require(permissions.can_view_financing(request.user))
    commitment = _commitment_or_404(pk)
    return render(
        request,
        "financing/commitment_detail.html",
        {
            "commitment": commitment,
            "can_pay": permissions.can_record_payment(request.user, commitment),
            "can_release": permissions.can_record_release(request.user, commitment),
        },
    )


def _money_dialog(request, pk, *, kind: str):
    """Payment or release form: a page without JS, a modal dialog with htmx."""
    commitment = _commitment_or_404(pk)
    if kind == "payment":
        require(permissions.can_record_payment(request.user, commitment))
        form_class = forms.PaymentForm
        initial = {"paid_on": timezone.localdate()}
    else:
        require(permissions.can_record_release(request.user))
        form_class = forms.ReleaseForm
        initial = {"released_on": timezone.localdate(), "reason": _("Projektet är avslutat.")}
    form = form_class(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "payment":
                services.payment_record(user=request.user, commitment=commitment, **data)
                messages.success(request, _("Utbetalningen är registrerad."))
            else:
                services.release_record(user=request.user, commitment=commitment, **data)
                messages.success(request, _("Återföringen är registrerad."))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            status = form_status(request, conflict=True)
        else:
            url = commitment.get_absolute_url()
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    template = (
        "financing/partials/money_dialog.html" if request.htmx else "financing/money_form.html"
    )
    return render(
        request,
        template,
        {
            "commitment": commitment,
            "form": form,
            "kind": kind,
            "action": reverse(
                "financing:payment_create" if kind == "payment" else "financing:release_create",
                args=[commitment.pk],
            ),
            "title": _("Registrera utbetalning")
            if kind == "payment"
            else _("Registrera återföring"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def payment_create(request, pk):
    return _money_dialog(request, pk, kind="payment")


@require_http_methods(["GET", "POST"])
def release_create(request, pk):
    return _money_dialog(request, pk, kind="release")


# --- Decisions that may move money (financing.services.decisions) ---------------------
# Served on the workflow's and the meetings' paths (norrbotten_cases/urls.py).


@require_http_methods(["GET", "POST"])
def case_transition(request, pk, name):
    """A case transition's form and firing it, with what it means for the money."""
    return workflow_views.transition_page(
        request,
        pk,
        name,
        fire=decisions.case_transition,
        unmet=decisions.unmet_preconditions,
    )


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def paragraph_decision(request, pk):
    """Record a body's decision in a §; a RUN grant commits the granted amount."""
    return meetings_views.decision_record(request, pk, record=decisions.paragraph_record_decision)


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def appeal_decide(request, pk):
    """The court's outcome of an appeal; an annulled grant releases its unpaid money."""
    return meetings_views.appeal_decide(request, pk, decide=decisions.appeal_decide)


# --- The region's rules (financing.services.rules) ------------------------------------------


@require_GET
def rules_index(request):
    """The region's rules in one place: the financing policy (per period), the funding
    types and what each counts as, the delegationsordning."""
    require(permissions.can_view_financing(request.user))
    return render(
        request,
        "financing/rules.html",
        {
            "policies": selectors.policies(),
            "policy_in_force": selectors.policy_in_force(),
            "funding_types": selectors.funding_types(),
            "delegation_rules": selectors.delegation_rules(),
            "can_manage": permissions.can_manage_rules(request.user),
        },
    )


RULE_FORMS = {
    # kind: (form class, service, keyword of the edited object, title new, title edit)
    "policy": (
        forms.FinancingPolicyForm,
        services.rules.financing_policy_save,
        "policy",
        _lazy("Nya finansieringsregler"),
        _lazy("Ändra finansieringsregler"),
    ),
    "funding_type": (
        forms.FundingTypeForm,
        services.rules.funding_type_save,
        "funding_type",
        _lazy("Ny finansieringstyp"),
        _lazy("Ändra finansieringstyp"),
    ),
    "delegation_rule": (
        forms.DelegationRuleForm,
        services.rules.delegation_rule_save,
        "rule",
        _lazy("Ny regel i delegationsordningen"),
        _lazy("Ändra regel i delegationsordningen"),
    ),
}


@require_http_methods(["GET", "POST"])
def rule_edit(request, kind, pk=None):
    """Add or change one rule object through its service (validation, history)."""
    if kind not in RULE_FORMS:
        raise Http404
    form_class, save, keyword, title_new, title_edit = RULE_FORMS[kind]
    require(permissions.can_manage_rules(request.user))
    instance = get_object_or_404(form_class._meta.model, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, **{keyword: instance}, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Regeln är sparad."))
            return redirect(reverse("financing:rules") + f"#{kind}")
    if request.method == "POST" and not form.is_valid():
        status = form_status(request)
    return render(
        request,
        "financing/rule_form.html",
        {"form": form, "title": title_edit if instance else title_new, "kind": kind},
        status=status,
    )


# --- Paying out a grant (financing.services.payments) ----------------------------------------


def _case_or_404(case_id) -> Case:
    return get_object_or_404(Case.objects.select_related("project", "officer"), pk=case_id)


@require_GET
def case_payments(request, case_id):
    """The case's grant and its payments: conditions, requisitions, payments, recoveries,
    the final report, later decisions; each action shown to the roles that may take it."""
    require(permissions.can_view_financing(request.user))
    case = _case_or_404(case_id)
    data = selectors.case_payments(case)
    user = request.user
    return render(
        request,
        "financing/case_payments.html",
        {
            "case": case,
            "data": data,
            "can_pay": permissions.can_register_payment(user, case),
            "can_conditions": permissions.can_manage_conditions(user, case),
            "can_requisition": permissions.can_record_requisition(user, case),
            "can_recover": permissions.can_record_recovery(user),
            "can_adjust": permissions.can_adjust_grant(user),
            "can_approve_report": permissions.can_approve_final_report(user, case),
            "report_state": permissions.final_report_state_access(case),
        },
    )


def _case_action(request, case, *, access, form, call, title, message, intro="") -> HttpResponse:
    """A form page for one action on the case's grant: the service's refusals shown on
    the form (400), its conflicts as a message (409), success back to the payments page."""
    require(access)
    back = reverse("financing:case_payments", args=[case.pk])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                call(form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = form_status(request, conflict=True)
            else:
                messages.success(request, message)
                return redirect(back)
        if status == 200:
            status = form_status(request)
    return render(
        request,
        "financing/case_action_form.html",
        {"case": case, "form": form, "title": title, "intro": intro, "back": back},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def case_payment_create(request, case_id):
    case = _case_or_404(case_id)
    form = forms.CasePaymentForm(
        request.POST or None,
        case=case,
        initial={"paid_on": timezone.localdate(), "kind": PaymentKind.ARREARS},
    )
    return _case_action(
        request,
        case,
        access=permissions.can_register_payment(request.user, case),
        form=form,
        call=lambda d: payments.payment_register(user=request.user, case=case, **d),
        title=_("Registrera utbetalning"),
        message=_("Utbetalningen är registrerad."),
    )


@require_http_methods(["GET", "POST"])
def payment_correct(request, pk):
    payment = get_object_or_404(Payment.objects.select_related("commitment__case"), pk=pk)
    case = payment.commitment.case
    if case is None:
        raise Http404
    form = forms.PaymentCorrectionForm(
        request.POST or None, initial={"corrected_on": timezone.localdate()}
    )
    return _case_action(
        request,
        case,
        access=permissions.can_register_payment(request.user, case),
        form=form,
        call=lambda d: payments.payment_correct(user=request.user, payment=payment, **d),
        title=_("Rätta utbetalning"),
        intro=_(
            "Utbetalningen %(date)s på %(amount)s vänds med en rättelsepost. Själva "
            "utbetalningen ändras aldrig."
        )
        % {"date": payment.paid_on.isoformat(), "amount": format_amount(payment.amount)},
        message=_("Utbetalningen är rättad."),
    )


@require_http_methods(["GET", "POST"])
def condition_create(request, case_id):
    case = _case_or_404(case_id)
    form = forms.ConditionForm(request.POST or None, initial={"set_on": timezone.localdate()})
    return _case_action(
        request,
        case,
        access=permissions.can_manage_conditions(request.user, case),
        form=form,
        call=lambda d: payments.condition_add(user=request.user, case=case, **d),
        title=_("Lägg till villkor för utbetalning"),
        message=_("Villkoret är registrerat. Inget betalas ut förrän det är uppfyllt."),
    )


@require_http_methods(["GET", "POST"])
def condition_met(request, pk):
    condition = get_object_or_404(GrantCondition.objects.select_related("case"), pk=pk)
    case = condition.case
    form = forms.ConditionMetForm(
        request.POST or None, case=case, initial={"met_on": timezone.localdate()}
    )
    return _case_action(
        request,
        case,
        access=permissions.can_manage_conditions(request.user, case),
        form=form,
        call=lambda d: payments.condition_meet(user=request.user, condition=condition, **d),
        title=_("Villkoret är uppfyllt"),
        intro=condition.text,
        message=_("Villkoret är registrerat som uppfyllt."),
    )


@require_http_methods(["GET", "POST"])
def requisition_create(request, case_id):
    case = _case_or_404(case_id)
    form = forms.RequisitionForm(
        request.POST or None, initial={"received_on": timezone.localdate()}
    )
    return _case_action(
        request,
        case,
        access=permissions.can_record_requisition(request.user, case),
        form=form,
        call=lambda d: payments.requisition_record(user=request.user, case=case, **d),
        title=_("Registrera rekvisition"),
        message=_("Rekvisitionen är registrerad."),
    )


@require_http_methods(["GET", "POST"])
def recovery_create(request, case_id):
    case = _case_or_404(case_id)
    form = forms.RecoveryForm(
        request.POST or None, case=case, initial={"decided_on": timezone.localdate()}
    )
    return _case_action(
        request,
        case,
        access=permissions.can_record_recovery(request.user),
        form=form,
        call=lambda d: payments.recovery_record(user=request.user, **d),
        title=_("Registrera återkrav"),
        message=_("Återkravet är registrerat."),
    )


@require_http_methods(["GET", "POST"])
def final_report_approve(request, case_id):
    case = _case_or_404(case_id)
    form = forms.FinalReportApprovalForm(
        request.POST or None, case=case, initial={"approved_on": timezone.localdate()}
    )
    return _case_action(
        request,
        case,
        access=permissions.can_approve_final_report(request.user, case),
        form=form,
        call=lambda d: payments.final_report_approve(user=request.user, case=case, **d),
        title=_("Godkänn slutrapporten"),
        message=_("Slutrapporten är godkänd; slututbetalningen kan göras."),
    )


@require_http_methods(["GET", "POST"])
def grant_adjust(request, case_id):
    case = _case_or_404(case_id)
    form = forms.GrantAdjustmentForm(
        request.POST or None, case=case, initial={"decided_on": timezone.localdate()}
    )
    return _case_action(
        request,
        case,
        access=permissions.can_adjust_grant(request.user),
        form=form,
        call=lambda d: closing.grant_adjust(user=request.user, case=case, **d),
        title=_("Ändrat beslut om stöd"),
        intro=_(
            "Ett senare beslut kan sänka stödet (aldrig under det som är utbetalt) eller höja "
            "det (prövas mot årets medel och bemyndiganderamen)."
        ),
        message=_("Det ändrade beslutet är registrerat och åtagandet justerat."),
    )


@require_http_methods(["GET", "POST"])
def grant_terms(request, case_id):
    case = _case_or_404(case_id)
    current = GrantTerms.objects.filter(case=case).first()
    form = forms.GrantTermsForm(
        request.POST or None,
        initial={
            "cost_share_percent": current.cost_share_percent if current else None,
            "reference": current.reference if current else "",
        },
    )
    return _case_action(
        request,
        case,
        access=permissions.can_register_payment(request.user, case),
        form=form,
        call=lambda d: payments.grant_terms_record(user=request.user, case=case, **d),
        title=_("Stöd som andel av kostnaderna"),
        message=_("Andelen av kostnaderna är sparad."),
    )


@require_http_methods(["GET", "POST"])
def allocation_decision_create(request, year):
    grant = get_object_or_404(Grant, year=year)
    require(permissions.can_record_allocation_decision(request.user))
    latest = selectors.allocation_decisions(grant)
    initial = {"decided_on": timezone.localdate()}
    if latest:
        for share in latest[0].shares.all():
            if share.category:
                initial[f"share_{share.category}"] = share.amount
        initial["own_categories"] = "\n".join(
            f"{s.label}; {s.amount}" for s in latest[0].shares.all() if not s.category
        )
    form = forms.AllocationDecisionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                allocations.allocation_decision_record(
                    user=request.user,
                    grant=grant,
                    decided_on=data["decided_on"],
                    reference=data["reference"],
                    note=data["note"],
                    shares=form.shares(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Fördelningsbeslutet är registrerat."))
                return redirect(grant.get_absolute_url())
        status = form_status(request)
    return render(
        request,
        "financing/allocation_decision_form.html",
        {"grant": grant, "form": form, "latest": latest[0] if latest else None},
        status=status,
    )


# --- Business support decided in NYPS 2020 -------------------------------------------------

BUSINESS_SUPPORT_GROUPS = {
    "all": _lazy("Alla ansökningar som kom in eller beslutades under året"),
    "received": _lazy("Inkomna ansökningar"),
    "granted": _lazy("Beviljade"),
    "rejected": _lazy("Avslagna"),
    "women": _lazy("Beviljade, företag som leds av en kvinna"),
    "men": _lazy("Beviljade, företag som leds av en man"),
    "shared": _lazy("Beviljade, företag med delat ledarskap"),
    "unknown": _lazy("Beviljade, ledning okänd"),
    "eu": _lazy("Beviljade med EU-medel via ramprojekt"),
}


def _business_support_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if 2000 <= year <= 2100:
        return year
    latest = selectors.business_support_imports().values_list("year", flat=True).first()
    return latest or timezone.localdate().year


@require_GET
def business_support_list(request):
    require(permissions.can_view_financing(request.user))
    year = _business_support_year(request)
    group = request.GET.get("group", "all")
    if group not in BUSINESS_SUPPORT_GROUPS:
        group = "all"
    category = request.GET.get("category", "business_support")
    if category not in ("business_support", "commercial_service"):
        category = "business_support"
    page = Paginator(
        selectors.business_support_list(year=year, group=group, category=category), 50
    ).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "group": group,
        "group_label": BUSINESS_SUPPORT_GROUPS[group],
        "category": category,
        "page": page,
        "figures": selectors.business_support_figures(year, category),
        "imports": selectors.business_support_imports(year)[:10],
        "can_import": permissions.can_import_business_support(request.user),
    }
    return render(request, "financing/business_support_list.html", context)


@require_http_methods(["GET", "POST"])
def business_support_import(request):
    """Upload an export: the answer is the preview, with errors by row and column."""
    require(permissions.can_import_business_support(request.user))
    form = forms.BusinessSupportImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": timezone.localdate().year - 1},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = services.business_support.export_preview(
                user=request.user,
                year=form.cleaned_data["year"],
                content=upload.read(),
                filename=upload.name,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    status = form_status(request) if request.method == "POST" and form.errors else 200
    if preview is not None and preview.errors:
        status = 400
    confirm = None
    if preview is not None and preview.ok:
        confirm = forms.BusinessSupportConfirmForm(
            initial={"year": preview.year, "sha256": preview.sha256, "filename": preview.filename}
        )
    return render(
        request,
        "financing/business_support_import.html",
        {"form": form, "preview": preview, "confirm": confirm},
        status=status,
    )


@require_POST
def business_support_import_confirm(request):
    require(permissions.can_import_business_support(request.user))
    form = forms.BusinessSupportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Importen kunde inte läsas; ladda upp filen igen."))
        return redirect("financing:business_support_import")
    try:
        source = services.business_support.business_support_import(
            user=request.user,
            year=form.cleaned_data["year"],
            sha256=form.cleaned_data["sha256"],
            filename=form.cleaned_data["filename"],
        )
    except (ValidationError, Conflict) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
        return redirect("financing:business_support_import")
    messages.success(
        request,
        _(
            "%(file)s är importerad: %(created)s nya, %(updated)s uppdaterade och "
            "%(unchanged)s oförändrade ansökningar."
        )
        % {
            "file": source.filename,
            "created": source.rows_created,
            "updated": source.rows_updated,
            "unchanged": source.rows_unchanged,
        },
    )
    return redirect(reverse("financing:business_support_list") + f"?year={source.year}")


@require_http_methods(["GET", "POST"])
@conflicts_as_409
def business_support_edit(request, pk=None):
    """One application by hand (new, or a correction of an imported row)."""
    require(permissions.can_import_business_support(request.user))
    row = get_object_or_404(BusinessSupport, pk=pk) if pk else None
    initial = (
        forms.BusinessSupportForm.initial_for(row)
        if row
        else {"received_on": timezone.localdate(), "category": "business_support"}
    )
    form = forms.BusinessSupportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.business_support.business_support_save(
                user=request.user,
                data=form.service_data(),
                instance=row,
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Ansökan %(id)s är sparad.") % {"id": saved.application_id})
            year = (saved.decided_on or saved.received_on).year
            return redirect(reverse("financing:business_support_list") + f"?year={year}")
    return render(
        request,
        "financing/business_support_form.html",
        {"form": form, "row": row},
        status=form_status(request) if request.method == "POST" else 200,
    )


@require_GET
def business_support_source(request, pk):
    """The export file of an import, served as stored."""
    require(permissions.can_view_financing(request.user))
    source = get_object_or_404(BusinessSupportImport, pk=pk)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if source.filename.lower().endswith(".xlsx")
        else "text/csv; charset=utf-8"
    )
    response = FileResponse(source.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{source.sha256[:12]}-{_safe(source.filename)}"'
    )
    return response


def _safe(filename: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)[:100]
