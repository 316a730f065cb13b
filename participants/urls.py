from django.urls import path

from kvp import converters  # noqa: F401  (registers <id:…>)
from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("ny/", views.participant_create, name="create"),
    path("<id:pk>/", views.participant_detail, name="detail"),
    path("<id:pk>/endre/", views.participant_edit, name="edit"),
    path("<id:pk>/barn/", views.participant_children, name="children"),
    path("<id:pk>/barn/<id:child_pk>/endre/", views.child_edit, name="child_edit"),
    path("<id:pk>/barn/<id:child_pk>/fjern/", views.child_remove, name="child_remove"),
    path("<id:pk>/tildel/", views.participant_reassign, name="reassign"),
    path("<id:pk>/innsyn/", views.participant_access_log, name="access_log"),
]
