"""The admin's page for versions of the pre-scorer: their figures, which one is live, and rolling back."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from courses import selectors
from courses.access import access_scorer_version
from courses.services.scorer_versions import scorer_version_activate

manage = permissions.require(permissions.can_manage_scorer)


@manage
def scorer_versions(request):
    return render(request, "courses/scorer_versions.html", selectors.scorer_versions_overview())


@manage
@require_POST
def scorer_version_activate_view(request, version_id: int):
    version = access_scorer_version(request.user, version_id)
    try:
        scorer_version_activate(version=version, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {version.version} is live: every new pre-score uses it.")
    return redirect("courses:scorer_versions")
