"""A person's data, for admins: download everything about them, or erase them (accounts.privacy)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import privacy
from accounts.access import access_person_for_admin
from accounts.models import PersonErasure
from accounts.permissions import is_admin, require

admins_only = require(is_admin)


class ErasureConfirmForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the person's email address to confirm", max_length=254, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip


@admins_only
def person_privacy(request, user_id: int):
    person = access_person_for_admin(request.user, user_id)
    context = {
        "person": person,
        "erasure": PersonErasure.objects.filter(subject_id=person.pk).first(),
        "records": privacy.person_records(user=person),
        "refusal": privacy.erasure_refusal(user=person, admin=request.user),
    }
    return render(request, "accounts/privacy.html", context)


@admins_only
def person_export(request, user_id: int):
    person = access_person_for_admin(request.user, user_id)
    content = privacy.person_export(user=person, admin=request.user)
    filename = f"person-{person.pk}-{timezone.now():%Y%m%d}.zip"
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@admins_only
def person_erase(request, user_id: int):
    """The confirmation step names the person and counts what goes; the POST erases, or changes nothing."""
    person = access_person_for_admin(request.user, user_id)
    refusal = privacy.erasure_refusal(user=person, admin=request.user)
    form = ErasureConfirmForm(request.POST if request.method == "POST" else None, auto_id="erase-%s")
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            privacy.person_erase(user=person, admin=request.user, confirmation=form.cleaned_data["confirmation"])
        except privacy.ErasureRefused as error:
            form.add_error("confirmation" if error.code == "confirmation" else None, error)
        else:
            messages.success(request, f"Person #{person.pk} is erased. Their counts and levels are kept.")
            return redirect("accounts:person_privacy", person.pk)
    plan = None if refusal else privacy.erasure_plan(user=person)
    failed = request.method == "POST" and (refusal is not None or bool(form.errors))
    context = {"person": person, "form": form, "refusal": refusal, "plan": plan, "counts": plan and plan.counts()}
    return render(request, "accounts/privacy_erase.html", context, status=400 if failed else 200)
