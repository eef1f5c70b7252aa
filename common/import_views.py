"""The page every CSV import shares: upload a file, see its dry run, confirm it or fix it."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def import_page(
    request: HttpRequest,
    *,
    template: str,
    context: dict,
    upload_form: type[forms.Form],
    preview: Callable[..., object],
    confirm: Callable[[dict], object],
    done_url: str,
) -> HttpResponse:
    """`preview(content=, filename=)` is the dry run; `confirm(post_data)` imports the confirmed file (or raises
    ValidationError, and nothing is written). A refused upload or confirmation answers 400."""
    form = upload_form()
    context = {"preview": None, **context}
    if request.method == "POST" and "confirmation" in request.POST:
        try:
            result = confirm(request.POST)
        except ValidationError as error:
            context["confirm_errors"] = error.messages
        else:
            messages.success(request, result.summary)
            return redirect(done_url)
    elif request.method == "POST":
        form = upload_form(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            checked = preview(content=upload.read(), filename=upload.name)
            context.update(preview=checked, confirmation=checked.confirmation)
    context["form"] = form
    status = 400 if form.errors or context.get("confirm_errors") else 200
    return render(request, template, context, status=status)
