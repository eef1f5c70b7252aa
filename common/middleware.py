"""Requests carrying a NUL character in a value are refused with 400 before any view sees them.

PostgreSQL cannot store NUL in text, and no form or API field has a use for it, so a NUL in
the path, the query string, a form field (files excepted: they are binary) or any string of a
JSON body is answered "400 Bad Request" in one place rather than failing deep in a query."""

import json

from django.http import HttpResponseBadRequest, JsonResponse

NUL = "\x00"
MESSAGE = "The request contains a NUL character, which no field accepts."


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _form_or_json_has_nul(request) -> bool:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if request.method == "POST":
            return any(NUL in v for values in request.POST.lists() for v in [values[0], *values[1]])
        return False  # other methods' form bodies are parsed by DRF: its CharFields refuse NUL
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return False  # malformed JSON is the parser's to refuse
        return _has_nul(data)
    return False


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = (v for values in request.GET.lists() for v in [values[0], *values[1]])
        if NUL in request.path or any(NUL in v for v in query) or _form_or_json_has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)
