"""Avatars: a checked, re-encoded image and a square thumbnail."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import ImageOps

from common.images import image_encode, image_open_checked


@dataclass(frozen=True)
class ProcessedAvatar:
    image: ContentFile
    thumbnail: ContentFile


def avatar_process(upload) -> ProcessedAvatar:
    """Validate an uploaded file and return the stored image and its thumbnail.

    Raises ValidationError with a message fit to show the person who uploaded it.
    """
    image = image_open_checked(
        upload, max_bytes=settings.AVATAR_MAX_BYTES, max_pixels=settings.AVATAR_MAX_PIXELS, label="an avatar"
    )
    stem = uuid.uuid4().hex
    stored = image.copy()
    stored.thumbnail((settings.AVATAR_STORED_SIZE, settings.AVATAR_STORED_SIZE))
    thumbnail = ImageOps.fit(image, (settings.AVATAR_THUMBNAIL_SIZE, settings.AVATAR_THUMBNAIL_SIZE))
    return ProcessedAvatar(
        image=image_encode(stored, image.format, stem), thumbnail=image_encode(thumbnail, "WEBP", stem)
    )
