"""The main navigation, per role. Each entry is shown only to those its predicate admits."""

from dataclasses import dataclass

from django.urls import reverse

from accounts import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    predicate: permissions.Predicate


NAV_ITEMS = [
    NavItem("My training", "courses:my_training", permissions.can_take_training),
    NavItem("Role-plays", "courses:roleplays", permissions.can_take_training),
    NavItem("My feedback", "coaching:my_feedback", permissions.can_take_training),
    NavItem("Grading queue", "coaching:queue", permissions.can_grade),
    NavItem("My hires", "coaching:my_hires", permissions.can_grade),
    NavItem("Coaching overview", "coaching:overview", permissions.can_grade),
    NavItem("Calibration", "calibration:list", permissions.can_grade),
    NavItem("Cohorts", "cohorts:list", permissions.can_manage_cohorts),
    NavItem("Checkpoints", "checkpoint:cohorts", permissions.can_follow_cohorts),
    NavItem("Grading quality", "calibration_reports:overview", permissions.can_lead_grading_quality),
    NavItem("Pre-scorer", "courses:scorer_versions", permissions.can_manage_scorer),
    NavItem("Site admin", "admin:index", permissions.can_use_admin_site),
    NavItem("API", "api-docs", permissions.can_manage_cohorts),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = [
        {"label": item.label, "url": reverse(item.url_name), "current": False}
        for item in NAV_ITEMS
        if item.predicate(user)
    ]
    # The page belongs to the most specific link it sits under (/training/feedback/ is not "My training").
    matching = [item for item in items if current_path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items
