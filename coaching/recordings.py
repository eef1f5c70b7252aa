"""Streaming a call review's recording: whole, or the byte range the audio player asks for so it can seek.
Callers decide who may hear it; this only serves the file, from the private storage (coaching.storage),
never from a public URL, and tells every cache in between not to keep it."""

import logging
import mimetypes
import posixpath
import re

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header

from coaching.models import CallReview

RANGE = re.compile(r"bytes=(\d+)-(\d*)")
logger = logging.getLogger(__name__)


def recording_response(request, review: CallReview) -> HttpResponse:
    if not review.recording:
        raise Http404
    content_type = mimetypes.guess_type(review.recording.name)[0] or "application/octet-stream"
    try:
        size = review.recording.size
    except FileNotFoundError:
        logger.error("Recording %s of call review %s is not in private storage", review.recording.name, review.pk)
        raise Http404 from None
    match = RANGE.match(request.headers.get("Range", ""))
    if match:
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        if start > end:
            return _private(HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"}))
        with review.recording.open("rb") as audio:
            audio.seek(start)
            chunk = audio.read(end - start + 1)
        response = HttpResponse(chunk, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(review.recording.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(False, posixpath.basename(review.recording.name))
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    # Only the person who asked may keep it, and not even they on disk; a shared proxy never stores it.
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ("Cookie", "Authorization"))
    return response
