"""The private storage in an S3-compatible bucket (PRIVATE_STORAGE=s3; see coaching.storage).

Imported only when that storage is configured, so a site on local storage never loads boto3."""

from django.conf import settings
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects written with a private ACL, never overwritten, never given a URL: a view streams them."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            # Larger downloads spill to a temporary file instead of staying in memory.
            "max_memory_size": settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
        }

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return ""  # forms show no link; the file is served only through a view that checks access
