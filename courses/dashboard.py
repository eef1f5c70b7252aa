"""Panels other apps add to a hire's "My training" page.

`courses` must not import `coaching`; instead coaching registers a panel here when
it loads (see coaching/apps.py), and the dashboard renders whatever is registered.
"""

from collections.abc import Callable
from dataclasses import dataclass

from courses.models import Enrollment


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    context: dict


PanelProvider = Callable[[Enrollment], Panel | None]
_providers: list[PanelProvider] = []


def register_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(enrollment: Enrollment) -> list[Panel]:
    return [panel for provider in _providers if (panel := provider(enrollment)) is not None]
