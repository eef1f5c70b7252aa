"""Panels and roster columns other apps add to the coaching pages.

Coaching knows nothing of the apps built on it: they register providers here when they load,
and the hire's timeline (coach's view) and "My hires" render whatever is registered.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from courses.dashboard import Panel
from courses.models import Enrollment


@dataclass(frozen=True)
class RosterColumn:
    """One extra column of "My hires": its heading, the template of a cell, and each hire's cell
    context by enrollment id (read for all the hires at once, in a fixed number of queries)."""

    title: str
    template: str
    cells: dict[int, dict]


TimelinePanelProvider = Callable[..., Panel | None]
RosterColumnProvider = Callable[..., RosterColumn | None]
_timeline_providers: list[TimelinePanelProvider] = []
_roster_providers: list[RosterColumnProvider] = []


def register_timeline_panel(provider: TimelinePanelProvider) -> TimelinePanelProvider:
    if provider not in _timeline_providers:
        _timeline_providers.append(provider)
    return provider


def register_roster_column(provider: RosterColumnProvider) -> RosterColumnProvider:
    if provider not in _roster_providers:
        _roster_providers.append(provider)
    return provider


def timeline_panels(enrollment: Enrollment, *, user) -> list[Panel]:
    """Panels for a hire's timeline as `user` (a coach or an admin) sees it."""
    return [panel for provider in _timeline_providers if (panel := provider(enrollment, user=user)) is not None]


def roster_columns(enrollments: Sequence[Enrollment], *, user) -> list[RosterColumn]:
    return [column for provider in _roster_providers if (column := provider(enrollments, user=user)) is not None]
