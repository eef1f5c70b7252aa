from django.contrib import admin

from accounts.permissions import AdminSitePermissionMixin
from courses.models import Cohort, Enrollment


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["hire"]
    fields = ["hire", "status", "extension_days"]


@admin.register(Cohort)
class CohortAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["name", "start_date", "time_zone"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coaches"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["hire", "cohort", "status", "extension_days"]
    list_filter = ["status", "cohort"]
    search_fields = ["hire__email", "hire__display_name"]
    list_select_related = ["hire", "cohort"]
    autocomplete_fields = ["hire", "cohort"]
