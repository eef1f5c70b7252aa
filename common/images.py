"""Uploaded images: checked by content with Pillow, then re-encoded.

Checks happen before decoding: the byte size, the format named by the file's own
header (never its name), and the pixel count, so a decompression bomb is refused
without being expanded. Re-encoding drops metadata (GPS positions, camera serials)
and means the uploaded bytes themselves are never served.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image. Please choose a picture in one of those formats."


def image_open_checked(upload, *, max_bytes: int, max_pixels: int, label: str = "an image") -> Image.Image:
    """Open an upload as a decoded, orientation-corrected image, or raise ValidationError."""
    size = upload.size
    if size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; %(label)s may be at most %(limit)s.",
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes), "label": label},
        )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns just above its own limit: treat that as a failure too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)  # reads the header only: cheap whatever the dimensions
        except UnidentifiedImageError as exc:
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from exc
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ValidationError(
                "This image has far too many pixels to be a photo (more than %(limit)s megapixels).",
                code="too_many_pixels",
                params={"limit": max_pixels // 1_000_000},
            ) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    width, height = image.size
    if width * height > max_pixels:
        raise ValidationError(
            "This image is %(width)s×%(height)s pixels; %(label)s may have at most %(limit)s megapixels.",
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": max_pixels // 1_000_000, "label": label},
        )
    image_format = image.format
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("This image is damaged or incomplete.", code="damaged") from exc
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" or image.mode not in {"RGB", "RGBA"}:
        keep_alpha = image_format != "JPEG" and "A" in image.getbands()
        image = image.convert("RGBA" if keep_alpha else "RGB")
    image.format = image_format
    return image


def image_encode(image: Image.Image, image_format: str, stem: str | None = None) -> ContentFile:
    """Encode under a random name: nothing about the person or the upload leaks into it."""
    buffer = io.BytesIO()
    options = {"quality": 88} if image_format in {"JPEG", "WEBP"} else {"optimize": True}
    image.save(buffer, format=image_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{stem or uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}")
