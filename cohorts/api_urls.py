from django.urls import path

from cohorts import api

urlpatterns = [
    path("cohorts/", api.CohortListView.as_view(), name="api-cohort-list"),
    path("cohorts/<int:pk>/", api.CohortView.as_view(), name="api-cohort"),
    path("cohorts/<int:pk>/archive/", api.CohortArchiveView.as_view(), name="api-cohort-archive"),
    path("cohorts/<int:pk>/coaches/", api.CohortCoachesView.as_view(), name="api-cohort-coaches"),
    path("cohorts/<int:pk>/coaches/<int:coach_id>/", api.CohortCoachView.as_view(), name="api-cohort-coach"),
    path("cohorts/<int:pk>/enrollments/", api.CohortEnrollmentsView.as_view(), name="api-cohort-enrollments"),
    path("cohorts/<int:pk>/imports/preview/", api.ImportPreviewView.as_view(), name="api-cohort-import-preview"),
    path("cohorts/<int:pk>/imports/", api.ImportConfirmView.as_view(), name="api-cohort-import"),
    path("cohorts/<int:pk>/imports/template/", api.ImportTemplateView.as_view(), name="api-cohort-import-template"),
    path("cohorts/<int:pk>/dashboard/", api.DashboardView.as_view(), name="api-cohort-dashboard"),
    path("enrollments/<int:pk>/", api.EnrollmentView.as_view(), name="api-enrollment"),
    path("enrollments/<int:pk>/move/", api.EnrollmentMoveView.as_view(), name="api-enrollment-move"),
    path("enrollments/<int:pk>/pause/", api.EnrollmentPauseView.as_view(), name="api-enrollment-pause"),
    path("enrollments/<int:pk>/resume/", api.EnrollmentResumeView.as_view(), name="api-enrollment-resume"),
    path("enrollments/<int:pk>/withdraw/", api.EnrollmentWithdrawView.as_view(), name="api-enrollment-withdraw"),
    path("enrollments/<int:pk>/reinstate/", api.EnrollmentReinstateView.as_view(), name="api-enrollment-reinstate"),
    path("enrollments/<int:pk>/salary/", api.EnrollmentSalaryView.as_view(), name="api-enrollment-salary"),
    path("enrollments/<int:pk>/invitation/", api.EnrollmentInvitationView.as_view(), name="api-enrollment-invitation"),
]
