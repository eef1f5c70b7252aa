"""Fetch-and-authorise for a person's own account records, used by the web pages and the API alike."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import permissions, selectors
from accounts.models import ApiToken, User


def access_own_api_token(user, token_id: int) -> ApiToken:
    """One of the person's own API tokens; anyone else's is not found (404), whoever asks."""
    token = selectors.api_tokens_of(user=user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such API token.")
    return token


def access_person_for_admin(user, person_id: int) -> User:
    """Anyone's account, for an admin handling their data; the views are already admins-only."""
    if not permissions.is_admin(user):
        raise PermissionDenied("Only admins handle a person's data.")
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    return person
