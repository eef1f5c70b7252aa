from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts import api as accounts_api
from accounts import token_api
from accounts import views as accounts_views
from config import views as config_views

# Swagger UI and Redoc start from an inline script and style, draw icons from data: URIs, and
# Redoc runs its search in a blob: worker. Only these two pages get those allowances.
api_docs_csp = csp_update(
    {
        "script-src": [UNSAFE_INLINE],
        "style-src": [UNSAFE_INLINE],
        "img-src": ["data:"],
        "worker-src": [SELF, "blob:"],
    }
)

api_v1 = [
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("auth/token/", token_api.token_view, name="api-token"),
    path("auth/tokens/", token_api.ApiTokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:token_id>/", token_api.ApiTokenDetailView.as_view(), name="api-token-detail"),
    path("auth/sign-out-everywhere/", token_api.SignOutEverywhereView.as_view(), name="api-sign-out-everywhere"),
    path("", include("courses.api_urls")),
    path("", include("coaching.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("checkpoint.api_urls")),
    path("", include("cohorts.api_urls")),
    path("", include("calibration.api_urls")),
    path("", include("calibration.report_api_urls")),
    path("", include("readiness.api_urls")),
    path("", include("outcomes.api_urls")),
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
    path("", include("calibration.urls")),
    path("calibration/reports/", include("calibration.report_urls")),
    path("", include("readiness.urls")),
    path("", include("outcomes.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs_csp(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", api_docs_csp(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
]

handler500 = "config.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
