import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from accounts import permissions
from checkpoint import access, selectors, services
from checkpoint.certificates import certificate_png, verification_url
from checkpoint.exports import payroll_csv
from checkpoint.forms import (
    ChoiceForm,
    CompletionRuleForm,
    ConfirmForm,
    OfferOverrideForm,
    OfferTextForm,
    ReasonForm,
    RecordForm,
)
from checkpoint.models import Choice, Decision
from checkpoint.selectors import State
from common.csv_export import csv_response
from courses import selectors as course_selectors

PENDING = "checkpoint_pending_choice"


def _my_context(request, row, **extra):
    return {"row": row, "offer_text": row.offer_text, "State": State, "Choice": Choice,
            "zone": zoneinfo.ZoneInfo(row.enrollment.cohort.time_zone), **extra}  # fmt: skip


@permissions.require(permissions.can_take_training)
def my_checkpoint(request):
    row = selectors.checkpoint_for_hire(hire=request.user)
    if row is None:
        raise Http404("You are not enrolled in a cohort.")
    form = ChoiceForm(request.POST or None, initial=request.session.get(PENDING))
    if request.method == "POST" and row.state == State.OPEN and form.is_valid():
        # Step one only remembers the choice; nothing is recorded until it is confirmed.
        request.session[PENDING] = form.cleaned_data
        return redirect("checkpoint:confirm")
    completion = selectors.completion_to_show(row)
    return render(request, "checkpoint/mine.html", _my_context(request, row, form=form, completion=completion))


@permissions.require(permissions.can_take_training)
def my_certificate(request):
    """The hire's certificate of completion: issued once they committed and completed the training
    by their cohort's rule; until then the page says plainly what is missing."""
    row = selectors.checkpoint_for_hire(hire=request.user)
    if row is None:
        raise Http404("You are not enrolled in a cohort.")
    if row.certificate is not None:
        return redirect("checkpoint:certificate", row.certificate.code)
    if request.method == "POST":
        try:
            certificate = services.certificate_issue(hire=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("checkpoint:certificate", certificate.code)
    completion = selectors.completion_for(enrollment=row.enrollment)
    committed = row.state == State.COMMITTED
    return render(request, "checkpoint/my_certificate.html", {"row": row, "completion": completion,
                                                              "committed": committed})  # fmt: skip


@permissions.require(permissions.can_take_training)
def confirm(request):
    row = selectors.checkpoint_for_hire(hire=request.user)
    pending = request.session.get(PENDING)
    if row is None or row.state != State.OPEN or not pending:
        return redirect("checkpoint:mine")
    context = _my_context(request, row, pending=pending, choice_label=Choice(pending["choice"]).label)
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                services.checkpoint_decide(
                    hire=request.user, checkpoint_id=row.checkpoint.pk, choice=form.cleaned_data["choice"],
                    confirm=form.cleaned_data["confirm"], offer_text_version=form.cleaned_data["offer_text_version"],
                    reflection=pending.get("reflection", ""),
                )  # fmt: skip
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("checkpoint:mine")
            request.session.pop(PENDING, None)
            return redirect("checkpoint:mine")
        messages.error(request, "Please confirm your choice again.")
    return render(request, "checkpoint/confirm.html", context)


@permissions.require(permissions.can_follow_cohorts)
def cohort_list(request):
    cohorts = list(course_selectors.cohort_list(user=request.user).filter(archived_at=None))
    counts = selectors.checkpoint_outcome_counts(cohort_ids=[cohort.pk for cohort in cohorts])
    rows = [(cohort, counts[cohort.pk]) for cohort in cohorts]
    return render(request, "checkpoint/cohort_list.html", {"rows": rows, "labels": State.LABELS})


@permissions.require(permissions.can_follow_cohorts)
def cohort_overview(request, cohort_id: int):
    cohort = access.access_cohort(request.user, cohort_id)
    overview = selectors.cohort_overview(cohort=cohort)
    context = {
        "overview": overview, "State": State, "zone": zoneinfo.ZoneInfo(cohort.time_zone),
        "count_cards": [(key, label, overview.counts[key]) for key, label in State.LABELS.items()],
        "can_act": permissions.can_manage_cohorts(request.user),
        # Salaries, offer amounts and the offer's terms: admins only; coaches follow decisions and deadlines.
        "show_pay": permissions.can_see_cohort_pay(request.user),
        "offer_text": selectors.offer_text_current(cohort=cohort), "now": timezone.now(),
    }  # fmt: skip
    return render(request, "checkpoint/cohort.html", context)


def _run(request, service, **kwargs) -> None:
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Done. The checkpoint's history keeps a record of it.")


@require_POST
@permissions.require(permissions.can_manage_cohorts)
def record_on_behalf(request, checkpoint_id: int):
    checkpoint = access.access_checkpoint_to_manage(request.user, checkpoint_id)
    form = RecordForm(request.POST)
    if form.is_valid():
        _run(request, services.checkpoint_record_on_behalf, checkpoint_id=checkpoint.pk, **form.cleaned_data)
    else:
        messages.error(request, "Choose the decision and give a reason.")
    return redirect("checkpoint:cohort", checkpoint.enrollment.cohort_id)


@require_POST
@permissions.require(permissions.can_manage_cohorts)
def offer_override(request, checkpoint_id: int):
    checkpoint = access.access_checkpoint_to_manage(request.user, checkpoint_id)
    form = OfferOverrideForm(request.POST)
    if form.is_valid():
        _run(request, services.checkpoint_offer_override, checkpoint_id=checkpoint.pk, **form.cleaned_data)
    else:
        messages.error(request, "Give an amount (or leave it empty for the cohort's formula) and a reason.")
    return redirect("checkpoint:cohort", checkpoint.enrollment.cohort_id)


@require_POST
@permissions.require(permissions.can_manage_cohorts)
def annul(request, decision_id: int):
    decision = Decision.objects.select_related("checkpoint__enrollment").filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(request, services.decision_annul, decision_id=decision.pk, reason=form.cleaned_data["reason"])
    else:
        messages.error(request, "Give a reason for annulling the decision.")
    return redirect("checkpoint:cohort", decision.checkpoint.enrollment.cohort_id)


@permissions.require(permissions.can_manage_cohorts)
def offer_text(request, cohort_id: int):
    cohort = access.access_cohort(request.user, cohort_id)
    current = selectors.offer_text_current(cohort=cohort)
    initial = current.body_markdown if current else services.DEFAULT_OFFER_TEXT
    form = OfferTextForm(request.POST or None, initial={"body_markdown": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_text_publish(cohort=cohort, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("body_markdown", error)
        else:
            messages.success(request, "A new version of the offer text is live. Decisions keep the version they saw.")
            return redirect("checkpoint:cohort", cohort.pk)
    versions = cohort.offer_texts.order_by("-version")
    return render(request, "checkpoint/offer_text.html", {"cohort": cohort, "form": form, "versions": versions})


@permissions.require(permissions.can_manage_cohorts)
def completion_rule(request, cohort_id: int):
    """What completing the training means for the cohort, with who changed it and when."""
    cohort = access.access_cohort(request.user, cohort_id)
    rule = selectors.completion_rule_of(cohort)
    # Both boxes unticked post nothing at all, so the form is bound on every POST, not only a non-empty one.
    form = CompletionRuleForm(request.POST if request.method == "POST" else None, instance=rule)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.COMPLETION_RULE_FIELDS}
        try:
            services.completion_rule_update(cohort=cohort, admin=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Completion rule saved. Certificates already issued stand.")
            return redirect("checkpoint:completion_rule", cohort.pk)
    context = {"cohort": cohort, "form": form, "rule": rule, "tab": "completion",
               "changes": selectors.completion_rule_changes(rule=rule)}  # fmt: skip
    return render(request, "checkpoint/completion_rule.html", context)


@permissions.require(permissions.can_manage_cohorts)
def payroll_export(request, cohort_id: int | None = None):
    cohort = access.access_cohort(request.user, cohort_id) if cohort_id else None
    name = f"payroll-{cohort.slug}.csv" if cohort else "payroll-all-cohorts.csv"
    return csv_response(payroll_csv(selectors.payroll_rows(cohort=cohort)), name)


def _certificate_or_404(code: str):
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        raise Http404("No certificate has this number.")
    return certificate


def certificate_verify(request, code: str):
    """Public: anyone holding the number can check it."""
    certificate = _certificate_or_404(code)
    return render(request, "checkpoint/certificate.html",
                  {"certificate": certificate, "verification_url": verification_url(certificate)})  # fmt: skip


@cache_control(public=True, max_age=3600)
def certificate_image(request, code: str):
    return HttpResponse(certificate_png(_certificate_or_404(code)), content_type="image/png")
