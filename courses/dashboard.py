"""Panels other apps add to a hire's pages.

`courses` must not import `coaching`; instead coaching registers panel providers here
when it loads (see coaching/apps.py), and the pages render whatever is registered.
Slots: "dashboard" (My training), "finished" (My training once the hire's enrollment has
ended: graduated, left, withdrawn) and "attempt_result" (a role-play's result page,
called with attempt=…). A panel marked `top` is something to act on now: the page shows it
above everything else (e.g. the checkpoint while it is open).
"""

from collections.abc import Callable
from dataclasses import dataclass

from courses.models import Enrollment


@dataclass(frozen=True)
class Panel:
    title: str
    template: str
    context: dict
    top: bool = False


PanelProvider = Callable[..., Panel | None]
_providers: dict[str, list[PanelProvider]] = {}


def register_panel(provider: PanelProvider, *, slot: str = "dashboard") -> PanelProvider:
    providers = _providers.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)
    return provider


def panels_for(enrollment: Enrollment, *, slot: str = "dashboard", **context) -> list[Panel]:
    panels = [panel for provider in _providers.get(slot, []) if (panel := provider(enrollment, **context)) is not None]
    return sorted(panels, key=lambda panel: not panel.top)  # stable: top ones first, otherwise as registered
