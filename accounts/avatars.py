"""Avatar images: checked by content with Pillow, re-encoded, and thumbnailed.

Re-encoding drops whatever metadata the upload carried (GPS positions, camera
serials) and means we never serve the uploaded bytes themselves.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image. Please choose a photo in one of those formats."


@dataclass(frozen=True)
class ProcessedAvatar:
    image: ContentFile
    thumbnail: ContentFile


def _open_checked(upload) -> Image.Image:
    size = upload.size
    if size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            "This file is %(size)s; an avatar may be at most %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(settings.AVATAR_MAX_BYTES)},
        )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) just above its own limit: treat it as a failure.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)  # reads the header only: cheap whatever the dimensions
        except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            if isinstance(exc, UnidentifiedImageError):
                raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from exc
            raise ValidationError(
                "This image has far too many pixels to be a photo; please choose a smaller one.",
                code="too_many_pixels",
            ) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    width, height = image.size
    if width * height > settings.AVATAR_MAX_PIXELS:
        raise ValidationError(
            "This image is %(width)s×%(height)s pixels; an avatar may have at most %(limit)s megapixels.",
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": settings.AVATAR_MAX_PIXELS // 1_000_000},
        )
    return image


def _encode(image: Image.Image, image_format: str, stem: str) -> ContentFile:
    buffer = io.BytesIO()
    options = {"quality": 88} if image_format in {"JPEG", "WEBP"} else {"optimize": True}
    image.save(buffer, format=image_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{stem}.{ACCEPTED_FORMATS[image_format]}")


def avatar_process(upload) -> ProcessedAvatar:
    """Validate an uploaded file and return the stored image and its thumbnail.

    Raises ValidationError with a message fit to show the person who uploaded it.
    """
    image = _open_checked(upload)
    image_format = image.format
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("This image is damaged or incomplete.", code="damaged") from exc
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" or image.mode not in {"RGB", "RGBA"}:
        image = image.convert("RGBA" if image_format != "JPEG" and "A" in image.getbands() else "RGB")
    stem = uuid.uuid4().hex  # a random name: nothing about the person or the upload leaks
    stored = image.copy()
    stored.thumbnail((settings.AVATAR_STORED_SIZE, settings.AVATAR_STORED_SIZE))
    thumbnail = ImageOps.fit(image, (settings.AVATAR_THUMBNAIL_SIZE, settings.AVATAR_THUMBNAIL_SIZE))
    return ProcessedAvatar(
        image=_encode(stored, image_format, stem),
        thumbnail=_encode(thumbnail, "WEBP", stem),
    )
