from django.contrib.admin.apps import AdminConfig


class AcademyAdminConfig(AdminConfig):
    default_site = "config.admin.AcademyAdminSite"
