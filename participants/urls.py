from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("ny/", views.participant_create, name="create"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/endre/", views.participant_edit, name="edit"),
    path("<int:pk>/barn/", views.participant_children, name="children"),
    path("<int:pk>/barn/<int:child_pk>/endre/", views.child_edit, name="child_edit"),
    path("<int:pk>/barn/<int:child_pk>/fjern/", views.child_remove, name="child_remove"),
    path("<int:pk>/tildel/", views.participant_reassign, name="reassign"),
    path("<int:pk>/innsyn/", views.participant_access_log, name="access_log"),
]
