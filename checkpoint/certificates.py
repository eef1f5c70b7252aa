"""The completion certificate, drawn with Pillow from the certificate's stored facts."""

import io

from django.conf import settings
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from checkpoint.models import Certificate

WIDTH, HEIGHT = 1600, 1130
INK = (33, 37, 41)
ACCENT = (0, 94, 132)
MUTED = (96, 104, 112)
PAPER = (253, 251, 246)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, *, size: int, fill=INK, max_width: int = WIDTH - 240) -> int:
    # Long names shrink to fit rather than run off the page.
    font = _font(size)
    while draw.textlength(text, font=font) > max_width and size > 18:
        size -= 2
        font = _font(size)
    draw.text((WIDTH / 2, y), text, font=font, fill=fill, anchor="mm")
    return y


def verification_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('checkpoint:certificate', args=[certificate.code])}"


def certificate_png(certificate: Certificate) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=ACCENT, width=6)
    draw.rectangle((48, 48, WIDTH - 48, HEIGHT - 48), outline=ACCENT, width=2)
    _centred(draw, 170, settings.SITE_NAME.upper(), size=40, fill=ACCENT)
    _centred(draw, 270, "Certificate of completion", size=72)
    _centred(draw, 380, "This certifies that", size=34, fill=MUTED)
    _centred(draw, 480, certificate.hire_name, size=88)
    draw.line((360, 545, WIDTH - 360, 545), fill=ACCENT, width=3)
    _centred(draw, 620, "completed the six weeks of Customer Loyalty Team training", size=36)
    _centred(draw, 675, f"with {certificate.cohort_name}, and committed to delivering WOW through service.", size=36)
    _centred(draw, 790, f"Issued {certificate.issued_on:%d %B %Y}", size=34, fill=MUTED)
    if certificate.revoked_at:
        _centred(draw, 860, "REVOKED", size=64, fill=(176, 0, 32))
    _centred(draw, 960, f"Certificate {certificate.code}", size=30, fill=INK)
    _centred(draw, 1010, f"Verify at {verification_url(certificate)}", size=26, fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
