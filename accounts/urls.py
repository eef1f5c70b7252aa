from django.urls import path

from accounts import privacy_views, views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/avatar/", views.avatar_upload, name="avatar_upload"),
    path("profile/avatar/remove/", views.avatar_remove, name="avatar_remove"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke, name="token_revoke"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
]

# A person's data, for admins
urlpatterns += [
    path("people/<int:user_id>/privacy/", privacy_views.person_privacy, name="person_privacy"),
    path("people/<int:user_id>/privacy/export/", privacy_views.person_export, name="person_export"),
    path("people/<int:user_id>/privacy/erase/", privacy_views.person_erase, name="person_erase"),
]
