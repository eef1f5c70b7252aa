from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """Liveness for load balancers, and the benchmark's floor: full middleware, one query."""
    get_user_model().objects.filter(pk=0).exists()
    return JsonResponse({"status": "ok"})
