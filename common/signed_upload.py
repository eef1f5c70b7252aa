"""A previewed upload, signed so that its confirmation cannot be altered and expires.

The dry run of an import hands the admin a token holding the file they checked; confirming it
imports exactly that file, for that cohort, within the hour.
"""

from django.core import signing
from django.core.exceptions import ValidationError

CONFIRMATION_MAX_AGE = 60 * 60  # seconds a previewed file may wait for its confirmation


def upload_confirmation_sign(*, salt: str, cohort_id: int, text: str, filename: str = "") -> str:
    return signing.dumps({"cohort": cohort_id, "filename": filename, "text": text}, salt=salt, compress=True)


def upload_confirmation_unsign(*, salt: str, cohort_id: int, confirmation: str) -> tuple[bytes, str]:
    """The file content and name a confirmation stands for, or a ValidationError saying why not."""
    try:
        data = signing.loads(confirmation, salt=salt, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError("The preview is more than an hour old: upload the file again.") from error
    except signing.BadSignature as error:
        raise ValidationError("This confirmation is not valid: upload the file again.") from error
    if data.get("cohort") != cohort_id:
        raise ValidationError("This confirmation is for another cohort: upload the file again.")
    return data["text"].encode("utf-8"), data.get("filename", "")
