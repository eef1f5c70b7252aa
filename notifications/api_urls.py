from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/<int:pk>/read/", api.MarkReadView.as_view(), name="api-notification-read"),
    path("notifications/read-all/", api.MarkAllReadView.as_view(), name="api-notifications-read-all"),
    path("notifications/preferences/", api.PreferencesView.as_view(), name="api-notification-preferences"),
]
