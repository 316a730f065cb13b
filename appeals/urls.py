from django.urls import path

from appeals import views
from kvp import converters  # noqa: F401  (registers <id:…>)

app_name = "appeals"

urlpatterns = [
    # The office.
    path("klager/", views.appeal_list, name="list"),
    path("klager/vedtak/<id:pk>/ny/", views.appeal_register, name="register"),
    path("klager/<id:pk>/", views.appeal_detail, name="detail"),
    path("klager/<id:pk>/endre/", views.appeal_edit, name="edit"),
    path("klager/<id:pk>/send/", views.appeal_forward, name="forward"),
    path("klager/<id:pk>/omgjort/", views.appeal_change, name="change"),
    path("klager/<id:pk>/ny-behandling/", views.appeal_reopen, name="reopen"),
    path("klager/<id:pk>/trukket/", views.appeal_withdraw, name="withdraw"),
    path("klager/<id:pk>/fulgt-opp/", views.appeal_follow_up, name="follow_up"),
    # Statsforvalteren.
    path("klagesaker/", views.body_list, name="body_list"),
    path("klagesaker/vedtak.csv", views.body_period_csv, name="body_period_csv"),
    path("klagesaker/<id:pk>/", views.body_case, name="body_case"),
    path("klagesaker/<id:pk>/eksport/", views.body_export, name="body_export"),
    path(
        "klagesaker/<id:pk>/dokument/<id:document_pk>/",
        views.body_document,
        name="body_document",
    ),
    path("klagesaker/<id:pk>/utfall/", views.body_outcome, name="body_outcome"),
]
