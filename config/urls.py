from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from accounts import api as accounts_api
from accounts import views as accounts_views
from config import views as config_views

api_v1 = [
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("courses.api_urls")),
    path("", include("coaching.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("checkpoint.api_urls")),
    path("", include("cohorts.api_urls")),
]

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("health/", config_views.health, name="health"),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("courses.urls")),
    path("", include("coaching.urls")),
    path("", include("notifications.urls")),
    path("", include("checkpoint.urls")),
    path("", include("cohorts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
