from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.permissions import AdminSitePermissionMixin
from courses import services
from courses.models import (
    Attempt,
    AttemptTurn,
    CheckAttempt,
    Choice,
    Cohort,
    Criterion,
    Curriculum,
    Enrollment,
    EnrollmentEvent,
    Exemplar,
    KnowledgeCheck,
    Lesson,
    Question,
    Rubric,
    RubricVersion,
    Scenario,
    ScenarioTurn,
    Week,
)
from courses.roleplay_loader import rubric_version_in_use


class VersionLockMixin(AdminSitePermissionMixin):
    """Content of a curriculum version that cohorts run is read-only: copy it to a new version to edit."""

    def curriculum_of(self, obj) -> Curriculum | None:
        raise NotImplementedError

    def _in_use(self, obj) -> bool:
        curriculum = self.curriculum_of(obj) if obj is not None else None
        return curriculum is not None and curriculum.cohorts.exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._in_use(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request) and not self._in_use(obj)


class WeekInline(VersionLockMixin, admin.TabularInline):
    model = Week
    extra = 0
    fields = ["number", "title", "goals"]
    show_change_link = True

    def curriculum_of(self, obj):
        return obj


@admin.register(Curriculum)
class CurriculumAdmin(VersionLockMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "version", "cohort_count", "created_at"]
    readonly_fields = ["source_hash", "created_at"]
    inlines = [WeekInline]
    actions = ["copy_as_new_version"]

    def curriculum_of(self, obj):
        return obj

    @admin.display(description="cohorts")
    def cohort_count(self, curriculum: Curriculum) -> int:
        return curriculum.cohorts.count()

    @admin.action(description="Copy as a new version (to edit without disturbing running cohorts)")
    def copy_as_new_version(self, request, queryset):
        for curriculum in queryset:
            copy = services.curriculum_copy_as_new_version(curriculum=curriculum)
            self.message_user(request, f"Created {copy}.", messages.SUCCESS)


class LessonInline(VersionLockMixin, admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["position", "title", "slug", "estimated_minutes", "due_day"]
    ordering = ["position"]
    show_change_link = True

    def curriculum_of(self, obj):
        return obj.curriculum


@admin.register(Week)
class WeekAdmin(VersionLockMixin, admin.ModelAdmin):
    list_display = ["__str__", "curriculum"]
    list_filter = ["curriculum"]
    inlines = [LessonInline]

    def curriculum_of(self, obj):
        return obj.curriculum

    def save_formset(self, request, form, formset, change):
        # New lessons belong to the week's curriculum.
        for lesson in formset.save(commit=False):
            lesson.curriculum = form.instance.curriculum
            lesson.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Lesson)
class LessonAdmin(VersionLockMixin, admin.ModelAdmin):
    list_display = ["title", "week", "position", "estimated_minutes", "due_day", "preview_link"]
    list_filter = ["curriculum", "week__number"]
    list_select_related = ["week", "curriculum"]
    search_fields = ["title", "slug", "body_markdown"]
    ordering = ["curriculum", "week__number", "position"]
    fields = ["curriculum", "week", "position", "title", "slug", "estimated_minutes", "due_day", "body_markdown",
              "video_url", "image", "image_alt"]  # fmt: skip

    def curriculum_of(self, obj):
        return obj.curriculum

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", preview, name="courses_lesson_preview"), *super().get_urls()]

    @admin.display(description="preview")
    def preview_link(self, lesson: Lesson):
        return format_html('<a href="{}">Preview</a>', reverse("admin:courses_lesson_preview", args=[lesson.pk]))

    def preview_view(self, request, pk: int):
        """The lesson exactly as a hire sees it."""
        lesson = get_object_or_404(Lesson.objects.select_related("week"), pk=pk)
        return render(
            request,
            "courses/lesson.html",
            {"lesson": lesson, "week": lesson.week, "preview": True, "completed": False, "due_at": None},
        )

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("image")
        if upload and "image" in form.changed_data:
            try:
                services.lesson_image_attach(lesson=obj, upload=upload)
            except ValidationError as error:
                self.message_user(request, f"The image was not saved: {error.messages[0]}", messages.ERROR)
                obj.image = form.initial.get("image") or ""
        super().save_model(request, obj, form, change)


class ChoiceInline(VersionLockMixin, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "text", "is_correct"]

    def curriculum_of(self, obj):
        return obj.knowledge_check.week.curriculum


@admin.register(Question)
class QuestionAdmin(VersionLockMixin, admin.ModelAdmin):
    list_display = ["__str__", "knowledge_check", "kind"]
    inlines = [ChoiceInline]

    def curriculum_of(self, obj):
        return obj.knowledge_check.week.curriculum


class QuestionInline(VersionLockMixin, admin.StackedInline):
    model = Question
    extra = 0
    fields = ["position", "prompt", "kind", "explanation"]
    show_change_link = True

    def curriculum_of(self, obj):
        return obj.week.curriculum


@admin.register(KnowledgeCheck)
class KnowledgeCheckAdmin(VersionLockMixin, admin.ModelAdmin):
    list_display = ["title", "week", "pass_mark", "max_attempts"]
    list_select_related = ["week__curriculum"]
    inlines = [QuestionInline]

    def curriculum_of(self, obj):
        return obj.week.curriculum


class EnrollmentInline(AdminSitePermissionMixin, admin.TabularInline):
    """The cohort's hires, read-only: enrolling, moving and status changes are actions with an audit row."""

    model = Enrollment
    extra = 0
    fields = ["hire", "status", "monthly_salary", "extension_days", "paused_on"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ArchivedFilter(admin.SimpleListFilter):
    title = "archive"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Current"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(**{self.field: self.value() == "no"})
        return queryset

    field = "archived_at__isnull"


class CohortArchivedFilter(ArchivedFilter):
    title = "cohort archive"
    parameter_name = "cohort_archived"
    field = "cohort__archived_at__isnull"


@admin.register(Cohort)
class CohortAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["name", "start_date", "time_zone", "curriculum", "hire_count", "active_count", "coach_count",
                    "is_archived"]  # fmt: skip
    list_filter = [ArchivedFilter, "curriculum", "time_zone", "start_date"]
    list_select_related = ["curriculum"]
    search_fields = ["name", "slug", "coaches__email", "coaches__display_name"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coaches"]
    readonly_fields = ["archived_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "curriculum", "start_date", "time_zone", "grading_target_hours",
                           "coaches"]}),
        ("Commitment checkpoint", {"fields": ["checkpoint_opens_on", "checkpoint_window_days", "offer_salary_months",
                                              "currency"]}),
        ("Record", {"fields": ["archived_at", "created_at"]}),
    ]  # fmt: skip
    inlines = [EnrollmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                hires=Count("enrollments", distinct=True),
                active_hires=Count("enrollments", filter=Q(enrollments__status="active"), distinct=True),
                coach_total=Count("coaches", distinct=True),
            )
        )

    @admin.display(description="hires", ordering="hires")
    def hire_count(self, cohort) -> int:
        return cohort.hires

    @admin.display(description="active", ordering="active_hires")
    def active_count(self, cohort) -> int:
        return cohort.active_hires

    @admin.display(description="coaches", ordering="coach_total")
    def coach_count(self, cohort) -> int:
        return cohort.coach_total

    @admin.display(description="archived", boolean=True, ordering="archived_at")
    def is_archived(self, cohort) -> bool:
        return cohort.archived_at is not None


class EnrollmentEventInline(AdminSitePermissionMixin, admin.TabularInline):
    model = EnrollmentEvent
    extra = 0
    fields = ["created_at", "kind", "days", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["hire", "hire_email", "cohort", "status", "monthly_salary", "extension_days", "paused_on",
                    "enrolled_at"]  # fmt: skip
    list_filter = ["status", CohortArchivedFilter, "cohort"]
    search_fields = ["hire__email", "hire__display_name", "cohort__name"]
    list_select_related = ["hire", "cohort"]
    autocomplete_fields = ["hire", "cohort"]
    readonly_fields = ["status", "extension_days", "paused_on", "enrolled_at"]
    date_hierarchy = "enrolled_at"
    inlines = [EnrollmentEventInline]
    actions = ["pause", "resume", "extend_by_a_week"]

    def _each(self, request, queryset, action, done: str):
        for enrollment in queryset.select_related("hire"):
            try:
                action(enrollment=enrollment, actor=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
            else:
                self.message_user(request, f"{enrollment.hire}: {done}.", messages.SUCCESS)

    @admin.display(description="email", ordering="hire__email")
    def hire_email(self, enrollment) -> str:
        return enrollment.hire.email

    def get_readonly_fields(self, request, obj=None):
        # Once enrolled, a hire changes cohort only by moving and salary only by the "Change the salary"
        # action: each keeps an audit row.
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "hire", "cohort", "monthly_salary"]

    def save_model(self, request, obj, form, change):
        # Every field of an enrollment is read-only once it exists: changes go through the lifecycle's actions.
        if change:
            return
        enrollment = services.enrollment_create(
            cohort=obj.cohort, hire=obj.hire, monthly_salary=obj.monthly_salary, actor=request.user,
            note="Added in the Django admin",
        )  # fmt: skip
        obj.pk, obj.enrolled_at = enrollment.pk, enrollment.enrolled_at
        obj._state.adding = False

    @admin.action(description="Pause the selected hires")
    def pause(self, request, queryset):
        self._each(request, queryset, services.enrollment_pause, "paused")

    @admin.action(description="Resume the selected hires (the pause moves their schedule)")
    def resume(self, request, queryset):
        self._each(request, queryset, services.enrollment_resume, "resumed")

    @admin.action(description="Extend the selected hires' schedules by 7 days")
    def extend_by_a_week(self, request, queryset):
        def extend(**kwargs):
            return services.enrollment_extend(days=7, note="Extended from the admin", **kwargs)

        self._each(request, queryset, extend, "schedule moved by 7 days")


@admin.register(CheckAttempt)
class CheckAttemptAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["enrollment", "knowledge_check", "number", "score", "passed", "submitted_at"]
    list_filter = ["passed", "knowledge_check__week__number"]
    list_select_related = ["enrollment__hire", "enrollment__cohort", "knowledge_check"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


# --- Rubrics and role-plays -------------------------------------------------------------------


class CriterionInline(AdminSitePermissionMixin, admin.StackedInline):
    model = Criterion
    extra = 0
    fields = ["position", "key", "title", "description", "weight", "level_descriptors"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A version that scored anything is kept exactly as it was.
        return super().has_change_permission(request, obj) and not (obj and rubric_version_in_use(obj))

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(RubricVersion)
class RubricVersionAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["__str__", "created_at", "criteria_count"]
    list_select_related = ["rubric"]
    inlines = [CriterionInline]
    readonly_fields = ["rubric", "number", "source_hash", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Count("criteria"))

    @admin.display(description="criteria", ordering="criteria_total")
    def criteria_count(self, version) -> int:
        return version.criteria_total


class RubricVersionInline(AdminSitePermissionMixin, admin.TabularInline):
    model = RubricVersion
    extra = 0
    fields = ["number", "description", "created_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rubric)
class RubricAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    list_display = ["title", "slug"]
    inlines = [RubricVersionInline]


class ScenarioTurnInline(VersionLockMixin, admin.StackedInline):
    model = ScenarioTurn
    extra = 0
    fields = ["number", "neutral", "warm", "cold"]

    def curriculum_of(self, obj):
        return obj.curriculum


class ExemplarInline(VersionLockMixin, admin.StackedInline):
    model = Exemplar
    extra = 0
    fields = ["turn_number", "answer", "note"]

    def curriculum_of(self, obj):
        return obj.curriculum


@admin.register(Scenario)
class ScenarioAdmin(VersionLockMixin, admin.ModelAdmin):
    list_display = ["title", "week", "mode", "max_attempts", "rubric"]
    list_filter = ["curriculum", "week__number", "mode"]
    list_select_related = ["week", "rubric"]
    search_fields = ["title", "slug", "persona_name"]
    inlines = [ScenarioTurnInline, ExemplarInline]

    def curriculum_of(self, obj):
        return obj.curriculum


class AttemptTurnInline(AdminSitePermissionMixin, admin.TabularInline):
    model = AttemptTurn
    extra = 0
    fields = ["number", "variant", "customer_text", "answer", "seconds_spent", "answered_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(AdminSitePermissionMixin, admin.ModelAdmin):
    """Attempts are the hire's own words: visible here, never edited."""

    list_display = ["scenario", "enrollment", "number", "state", "prescore_percent", "submitted_at"]
    list_filter = ["state", "scenario__week__number", "scenario"]
    list_select_related = ["scenario", "enrollment__hire", "enrollment__cohort"]
    search_fields = ["enrollment__hire__email", "enrollment__hire__display_name", "scenario__title"]
    inlines = [AttemptTurnInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
