"""Fetch-and-authorise for calibration, used by the web pages and the API alike.

A session exists only for its invited coaches, its facilitator and admins (anyone else who grades gets
404); people who never grade are refused outright (403). Before the reveal nobody, not even the
facilitator, reaches the levels given.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts import permissions
from calibration.models import CalibrationSession, Participant, SessionItem
from calibration.services import may_facilitate


def is_participant(session: CalibrationSession, user) -> bool:
    return Participant.objects.filter(session=session, coach_id=user.pk).exists()


def sessions_visible(user):
    """The sessions a person may open: all for admins, else those they facilitate or were invited to."""
    sessions = CalibrationSession.objects.select_related("facilitator")
    if permissions.is_admin(user):
        return sessions
    return sessions.filter(Q(facilitator_id=user.pk) | Q(participants__coach_id=user.pk)).distinct()


def access_session(user, session_id: int) -> CalibrationSession:
    if not permissions.can_grade(user):
        raise PermissionDenied
    session = sessions_visible(user).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def access_session_to_facilitate(user, session_id: int) -> CalibrationSession:
    """A session its facilitator (or an admin) runs; invited coaches who may see it get 403."""
    session = access_session(user, session_id)
    if not may_facilitate(session, user):
        raise PermissionDenied
    return session


def access_revealed_session(user, session_id: int) -> CalibrationSession:
    """The levels of a session, once revealed; before the reveal they do not exist for anyone (blindness)."""
    session = access_session(user, session_id)
    if not session.is_revealed:
        raise Http404
    return session


def access_session_item(user, session_id: int, item_id: int) -> SessionItem:
    """One item of a session anyone in it may see, with its work loaded for the blind screen."""
    session = access_session(user, session_id)
    item = (
        SessionItem.objects.select_related(
            "anchor__rubric_version__rubric",
            "anchor__attempt__scenario__week",
            "anchor__attempt__enrollment__hire",
            "anchor__call_review__enrollment__hire",
        )
        .filter(session=session, pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    item.session = session
    return item


def access_item_to_grade(user, session_id: int, item_id: int) -> SessionItem:
    """An item to grade blind: only the session's invited coaches grade (the facilitator who was not
    invited follows progress instead: 403)."""
    item = access_session_item(user, session_id, item_id)
    if not is_participant(item.session, user):
        raise PermissionDenied
    return item


def access_item_to_settle(user, session_id: int, item_id: int) -> SessionItem:
    """An item whose gold levels the facilitator (or an admin) records."""
    item = access_session_item(user, session_id, item_id)
    if not may_facilitate(item.session, user):
        raise PermissionDenied
    return item


def access_item_recording(user, session_id: int, item_id: int):
    """A real call's recording, for the session's people only. 404 to everyone else, as the coaching
    recording is: its existence is not disclosed."""
    if not permissions.can_grade(user):
        raise Http404
    item = access_session_item(user, session_id, item_id)
    review = item.anchor.call_review
    if review is None or not review.recording:
        raise Http404
    return review
