from django.contrib.admin import AdminSite

from accounts import permissions


class AcademyAdminSite(AdminSite):
    site_header = "Loyalty Academy administration"
    site_title = "Loyalty Academy"
    index_title = "Training administration"

    def has_permission(self, request) -> bool:
        return permissions.can_use_admin_site(request.user)
