import sys

from django.contrib.auth import get_user_model
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache

from common.database_errors import is_transient_database_error


@never_cache
def health(request):
    """Liveness for load balancers, and the benchmark's floor: full middleware, one query."""
    get_user_model().objects.filter(pk=0).exists()
    return JsonResponse({"status": "ok"})


RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Django's 500 handler, called while the error is being handled. A database that is restarting or
    out of reach is a passing fault: the person is told to try again shortly (503 with Retry-After),
    not that something broke. Nothing here touches the database."""
    error = sys.exc_info()[1]
    if error is None or not is_transient_database_error(error):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": "The service is briefly unavailable. Try again shortly."}, status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
