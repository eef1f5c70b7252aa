"""Streaming a call review's recording: whole, or the byte range the audio player asks for so it can seek.
Callers decide who may hear it; this only serves the file."""

import mimetypes
import re

from django.http import FileResponse, Http404, HttpResponse

from coaching.models import CallReview

RANGE = re.compile(r"bytes=(\d+)-(\d*)")


def recording_response(request, review: CallReview) -> HttpResponse:
    if not review.recording:
        raise Http404
    content_type = mimetypes.guess_type(review.recording.name)[0] or "application/octet-stream"
    size = review.recording.size
    match = RANGE.match(request.headers.get("Range", ""))
    if match:
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        if start > end:
            return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
        with review.recording.open("rb") as audio:
            audio.seek(start)
            chunk = audio.read(end - start + 1)
        response = HttpResponse(chunk, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(review.recording.open("rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response
