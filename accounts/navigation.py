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
    NavItem("Grading queue", "coaching:queue", permissions.can_grade),
    NavItem("Cohorts", "courses:cohort_list", permissions.can_manage_cohorts),
    NavItem("Site admin", "admin:index", permissions.can_use_admin_site),
    NavItem("API", "api-docs", permissions.can_manage_cohorts),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.predicate(user):
            url = reverse(item.url_name)
            items.append({"label": item.label, "url": url, "current": current_path.startswith(url)})
    return items
