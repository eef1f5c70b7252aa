"""Every API token of a person ends when their password changes (the change and reset pages, the admin,
any code that calls `set_password` and saves) or when they are deactivated: checked here, on every save."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts import selectors, services
from accounts.models import User

WATCHED_FIELDS = {"password", "is_active"}


@receiver(pre_save, sender=User, dispatch_uid="accounts.api_tokens.credentials_checked")
def _credentials_checked(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not WATCHED_FIELDS & set(update_fields)):
        instance._api_tokens_end = False
        return
    instance._api_tokens_end = selectors.credentials_changing(user=instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.api_tokens.ended_on_new_credentials")
def _api_tokens_ended(sender, instance: User, raw: bool = False, **kwargs) -> None:
    if getattr(instance, "_api_tokens_end", False):
        instance._api_tokens_end = False
        services.api_tokens_revoke_all(user=instance)
