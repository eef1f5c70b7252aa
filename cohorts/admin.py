"""The Django admin for power users: the cohort and enrollment pages gain actions, a CSV import and
audit-keeping saves, all through cohorts.services, the same as the admin's own pages and the API."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.permissions import AdminSitePermissionMixin
from cohorts import services
from cohorts.forms import ImportConfirmForm, ImportUploadForm, SalaryField
from cohorts.models import CohortEvent, EnrollmentImport
from courses import admin as course_admin
from courses.models import Cohort, Enrollment

admin.site.unregister(Cohort)
admin.site.unregister(Enrollment)


class CohortAdminForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "slug", "curriculum", "start_date", "time_zone", "grading_target_hours", "coaches",
                  "checkpoint_opens_on", "checkpoint_window_days", "offer_salary_months", "currency"]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        opens, starts = cleaned.get("checkpoint_opens_on"), cleaned.get("start_date")
        if opens and starts and opens <= starts:
            self.add_error("checkpoint_opens_on", "The checkpoint opens after the cohort starts.")
        return cleaned


@admin.register(Cohort)
class CohortAdmin(course_admin.CohortAdmin):
    form = CohortAdminForm
    list_display = [*course_admin.CohortAdmin.list_display, "links"]
    actions = ["archive", "unarchive"]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        if obj is not None:
            fields.append("slug")
            if obj.enrollments.exists():
                fields.append("curriculum")  # the hires' work belongs to this version
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else super().get_prepopulated_fields(request, obj)

    @admin.display(description="")
    def links(self, cohort: Cohort):
        return format_html(
            '<a href="{}">Dashboard</a> · <a href="{}">Import hires</a>',
            reverse("cohorts:dashboard", args=[cohort.pk]),
            reverse("admin:cohorts_cohort_import", args=[cohort.pk]),
        )

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.COHORT_FIELDS if name in form.cleaned_data}
        if change:
            changes = {name: value for name, value in data.items() if name in form.changed_data}
            services.cohort_update(cohort=obj, actor=request.user, **changes)
        else:
            cohort = services.cohort_create(actor=request.user, slug=form.cleaned_data.get("slug"), **data)
            obj.pk, obj.slug, obj.created_at = cohort.pk, cohort.slug, cohort.created_at
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Coaches are assigned and unassigned one by one, each with its audit row."""
        cohort = form.instance
        wanted = set(form.cleaned_data.get("coaches", []))
        current = set(cohort.coaches.all())
        for coach in wanted - current:
            services.cohort_coach_assign(cohort=cohort, coach=coach, actor=request.user)
        for coach in current - wanted:
            services.cohort_coach_unassign(cohort=cohort, coach=coach, actor=request.user)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _each(self, request, queryset, service, done: str):
        for cohort in queryset:
            try:
                service(cohort=cohort, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                self.message_user(request, f"{cohort.name}: {done}.", messages.SUCCESS)

    @admin.action(description="Archive the selected cohorts")
    def archive(self, request, queryset):
        self._each(request, queryset, services.cohort_archive, "archived")

    @admin.action(description="Take the selected cohorts out of the archive")
    def unarchive(self, request, queryset):
        self._each(request, queryset, services.cohort_unarchive, "back from the archive")

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("<int:pk>/import/", view, name="cohorts_cohort_import"), *super().get_urls()]

    def import_view(self, request, pk: int):
        """The same dry run and import (all rows, or only the valid ones) as the cohort's Import page."""
        cohort = get_object_or_404(Cohort, pk=pk)
        form = ImportUploadForm()
        context = {**self.admin_site.each_context(request), "cohort": cohort, "opts": self.model._meta,
                   "title": f"Import hires into {cohort.name}", "preview": None}  # fmt: skip
        if request.method == "POST" and "confirmation" in request.POST:
            confirm = ImportConfirmForm(request.POST)
            try:
                result = services.import_confirm(cohort=cohort, actor=request.user, **confirm.confirmed())
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, result.summary, messages.SUCCESS)
                return redirect("admin:courses_cohort_change", cohort.pk)
        elif request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                preview = services.import_preview(cohort=cohort, content=upload.read(), filename=upload.name)
                context.update(preview=preview, confirmation=preview.confirmation)
        context["form"] = form
        return TemplateResponse(request, "admin/cohorts/import.html", context)


class ReasonActionForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept in each hire's history.")  # fmt: skip


class SalaryActionForm(ReasonActionForm):
    monthly_salary = SalaryField(label="New monthly salary", help_text="In each hire's cohort currency.")
    field_order = ["monthly_salary", "reason"]


class MoveActionForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.filter(archived_at__isnull=True), label="Move to")
    note = forms.CharField(required=False, max_length=300)


class EnrollmentAddForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["hire", "cohort", "monthly_salary"]

    def clean(self):
        cleaned = super().clean()
        hire, cohort = cleaned.get("hire"), cleaned.get("cohort")
        if hire and cohort:
            try:
                services.enrollment_add_check(
                    cohort=cohort, email=hire.email, name=hire.display_name, time_zone=hire.time_zone,
                    monthly_salary=cleaned.get("monthly_salary"),
                )  # fmt: skip
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return cleaned


@admin.register(Enrollment)
class EnrollmentAdmin(course_admin.EnrollmentAdmin):
    actions = [*course_admin.EnrollmentAdmin.actions, "withdraw", "reinstate", "change_salary", "move",
               "send_invitation"]  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable on an enrollment's page: its actions keep the history
        hire = form.cleaned_data["hire"]
        enrollment = services.enrollment_add(
            cohort=form.cleaned_data["cohort"], email=hire.email, name=hire.display_name, time_zone=hire.time_zone,
            monthly_salary=form.cleaned_data.get("monthly_salary"), actor=request.user,
        )  # fmt: skip
        obj.pk, obj.enrolled_at = enrollment.pk, enrollment.enrolled_at
        obj._state.adding = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EnrollmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def _with_form(
        self, request, queryset, *, action: str, form_class, intro: str, submit: str, apply, title: str = ""
    ):
        """An action that asks first: the form (with its reason) is shown, then applied to each hire."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for enrollment in queryset.select_related("hire", "cohort"):
                try:
                    done = apply(enrollment, **form.cleaned_data)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.WARNING)
                else:
                    self.message_user(request, f"{enrollment.hire}: {done}.", messages.SUCCESS)
            return None
        context = {**self.admin_site.each_context(request), "title": title or submit, "intro": intro, "action": action,
                   "submit": submit, "form": form, "enrollments": queryset.select_related("hire", "cohort"),
                   "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}  # fmt: skip
        return TemplateResponse(request, "admin/cohorts/enrollment_action.html", context)

    @admin.action(description="Withdraw the selected hires (asks for a reason; their record is kept)")
    def withdraw(self, request, queryset):
        def apply(enrollment, *, reason):
            services.enrollment_withdraw(enrollment=enrollment, actor=request.user, reason=reason)
            return "withdrawn"

        return self._with_form(
            request, queryset, action="withdraw", form_class=ReasonActionForm, apply=apply,
            intro="Each hire leaves training. Their record is kept; nothing more is due.", submit="Withdraw",
        )  # fmt: skip

    @admin.action(description="Reinstate the selected withdrawn hires (asks for a reason)")
    def reinstate(self, request, queryset):
        def apply(enrollment, *, reason):
            services.enrollment_reinstate(enrollment=enrollment, actor=request.user, reason=reason)
            return "back in training"

        return self._with_form(
            request, queryset, action="reinstate", form_class=ReasonActionForm, apply=apply,
            intro="Each withdrawn hire comes back to training, active, on their schedule as it was.",
            submit="Reinstate",
        )  # fmt: skip

    @admin.action(description="Change the salary of the selected hires (asks for a reason)")
    def change_salary(self, request, queryset):
        def apply(enrollment, *, monthly_salary, reason):
            services.enrollment_salary_change(enrollment=enrollment, actor=request.user,
                                              monthly_salary=monthly_salary, reason=reason)  # fmt: skip
            return f"monthly salary {monthly_salary:,.2f} {enrollment.cohort.currency}"

        return self._with_form(
            request, queryset, action="change_salary", form_class=SalaryActionForm, apply=apply,
            intro="The history keeps the old and the new amount, and the reason.", submit="Change the salary",
        )  # fmt: skip

    @admin.action(description="Send the invitation again to those who have not chosen a password")
    def send_invitation(self, request, queryset):
        for enrollment in queryset.select_related("hire"):
            try:
                services.hire_invite(enrollment=enrollment)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
            else:
                self.message_user(request, f"{enrollment.hire}: invitation sent.", messages.SUCCESS)

    @admin.action(description="Move the selected hires to another cohort (their work moves with them)")
    def move(self, request, queryset):
        def apply(enrollment, *, cohort, note):
            services.enrollment_move(enrollment=enrollment, actor=request.user, cohort=cohort, note=note)
            return f"moved to {cohort}"

        return self._with_form(
            request, queryset, action="move", form_class=MoveActionForm, apply=apply,
            intro="Each hire's enrollment moves with all their work. Only a cohort on the same curriculum version "
                  "is accepted.", submit="Move", title="Move hires to another cohort",
        )  # fmt: skip


class ReadOnlyAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CohortEvent)
class CohortEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "cohort", "kind", "note", "actor"]
    list_filter = ["kind", "cohort"]
    search_fields = ["cohort__name", "note", "actor__email"]
    list_select_related = ["cohort", "actor"]


@admin.register(EnrollmentImport)
class EnrollmentImportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "cohort", "filename", "row_count", "created_count", "enrolled_count",
                    "skipped_count", "imported_by"]  # fmt: skip
    list_filter = ["cohort"]
    search_fields = ["cohort__name", "filename", "sha256"]
    list_select_related = ["cohort", "imported_by"]
