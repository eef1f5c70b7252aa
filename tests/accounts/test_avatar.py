import io
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import services
from tests.images import decompression_bomb_png, image_upload

pytestmark = pytest.mark.django_db


def test_a_real_png_is_stored_under_a_random_name_with_a_thumbnail(hire):
    services.user_set_avatar(user=hire, upload=image_upload("holiday-photo-of-me.png", size=(1200, 900)))

    hire.refresh_from_db()
    assert hire.avatar.name.startswith("avatars/") and hire.avatar.name.endswith(".png")
    assert "holiday" not in hire.avatar.name
    with hire.avatar.open("rb") as stored:
        stored_image = Image.open(stored)
        assert stored_image.format == "PNG"
        assert max(stored_image.size) == 512  # scaled down, proportions kept
    with hire.avatar_thumbnail.open("rb") as thumb:
        thumbnail = Image.open(thumb)
        assert thumbnail.format == "WEBP"
        assert thumbnail.size == (96, 96)


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP"])
def test_jpeg_and_webp_are_accepted(hire, image_format):
    services.user_set_avatar(user=hire, upload=image_upload("x.img", image_format=image_format))
    hire.refresh_from_db()
    assert hire.avatar


def test_a_text_file_renamed_png_is_rejected_by_content(hire):
    upload = SimpleUploadedFile("avatar.png", b"just some text, not a picture\n" * 20, content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.user_set_avatar(user=hire, upload=upload)
    assert "not a JPEG, PNG or WebP image" in error.value.messages[0]
    hire.refresh_from_db()
    assert not hire.avatar


def test_a_gif_is_rejected_even_though_it_is_an_image(hire):
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP"):
        services.user_set_avatar(user=hire, upload=image_upload("a.png", image_format="GIF"))


def test_an_oversized_file_is_rejected_before_it_is_decoded(hire, settings):
    settings.AVATAR_MAX_BYTES = 50_000
    noisy = Image.effect_noise((600, 600), 100).convert("RGB")  # noise does not compress
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > settings.AVATAR_MAX_BYTES
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.user_set_avatar(user=hire, upload=upload)
    assert "an avatar may be at most 48.8 KB" in error.value.messages[0].replace("\xa0", " ")


def test_a_decompression_bomb_is_rejected_with_bounded_memory(hire):
    bomb = decompression_bomb_png()
    assert len(bomb) < 1_000_000  # small on disk, 200 MB once decoded
    upload = SimpleUploadedFile("bomb.png", bomb, content_type="image/png")

    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as error:
            services.user_set_avatar(user=hire, upload=upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "too many pixels" in error.value.messages[0] or "megapixels" in error.value.messages[0]
    assert peak < 20 * 1024 * 1024, f"validation used {peak / 1e6:.1f} MB"
    hire.refresh_from_db()
    assert not hire.avatar


def test_replacing_an_avatar_removes_the_old_files(hire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_set_avatar(user=hire, upload=image_upload())
    old_name = hire.avatar.name
    storage = hire.avatar.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.user_set_avatar(user=hire, upload=image_upload(color=(0, 0, 0)))
    assert not storage.exists(old_name)
    assert storage.exists(hire.avatar.name)


def test_the_profile_page_shows_a_clear_form_error_and_saves_nothing(hire_client, hire):
    upload = SimpleUploadedFile("avatar.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = hire_client.post(reverse("accounts:avatar_upload"), {"avatar": upload})
    assert response.status_code == 400
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    hire.refresh_from_db()
    assert not hire.avatar


def test_the_profile_page_accepts_a_real_png(hire_client, hire):
    response = hire_client.post(reverse("accounts:avatar_upload"), {"avatar": image_upload()})
    assert response.status_code == 302
    hire.refresh_from_db()
    assert hire.avatar and hire.avatar_thumbnail
