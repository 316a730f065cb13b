from django.urls import path

from decisions import document_views, views, worklist
from kvp import converters  # noqa: F401  (registers <id:…>)

app_name = "decisions"

urlpatterns = [
    path("til-godkjenning/", views.approval_queue, name="queue"),
    path("oppgaver/", worklist.worklist_mine, name="worklist"),
    path("oppgaver/kontor/", worklist.worklist_office, name="worklist_office"),
    path("oppgaver/tildel/", worklist.worklist_reassign, name="worklist_reassign"),
    path("deltaker/<id:pk>/ny-soknad/", views.application_register, name="application_register"),
    path("soknad/<id:pk>/", views.application_detail, name="application_detail"),
    path("soknad/<id:pk>/vurdering/", views.application_assess, name="application_assess"),
    path("soknad/<id:pk>/lukk/", views.application_close, name="application_close"),
    path("program/<id:pk>/permisjon/", views.leave_register, name="leave_register"),
    path("permisjon/<id:pk>/fjern/", views.leave_remove, name="leave_remove"),
    path(
        "soknad/<id:pk>/forelopig-svar/",
        views.application_interim_reply,
        name="interim_reply",
    ),
    path(
        "soknad/<id:pk>/vedtak/<slug:kind>/",
        views.decision_create_for_application,
        name="application_decision_create",
    ),
    path("program/<id:pk>/", views.programme_detail, name="programme_detail"),
    path("program/<id:pk>/statistikk/", views.programme_statistics, name="programme_statistics"),
    path(
        "program/<id:pk>/vedtak/<slug:kind>/",
        views.decision_create_for_programme,
        name="programme_decision_create",
    ),
    path("vedtak/<id:pk>/", views.decision_detail, name="decision_detail"),
    path("vedtak/<id:pk>/endre/", views.decision_edit, name="decision_edit"),
    path("vedtak/<id:pk>/send/", views.decision_send, name="decision_send"),
    path("vedtak/<id:pk>/slett/", views.decision_delete, name="decision_delete"),
    path("vedtak/<id:pk>/godkjenn/", views.decision_approve, name="decision_approve"),
    path("vedtak/<id:pk>/returner/", views.decision_return, name="decision_return"),
    path("vedtak/<id:pk>/underretning/", views.decision_notice, name="decision_notice"),
    path("vedtak/<id:pk>/brev/", document_views.letter_preview, name="letter_preview"),
    path("dokument/<id:pk>/", document_views.document_download, name="document_download"),
    path("deltakerbevis/<id:pk>/", document_views.certificate_detail, name="certificate_detail"),
    path("deltakerbevis/<id:pk>/send/", document_views.certificate_send, name="certificate_send"),
    path(
        "deltakerbevis/<id:pk>/kontroll/",
        document_views.certificate_review,
        name="certificate_review",
    ),
    path(
        "deltakerbevis/utstedelse/",
        document_views.certificate_batches,
        name="certificate_batches",
    ),
    path(
        "deltakerbevis/utstedelse/<id:pk>/",
        document_views.certificate_batch,
        name="certificate_batch",
    ),
]
