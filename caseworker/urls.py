from django.urls import path

from caseworker import views

app_name = "caseworker"

urlpatterns = [
    path("overfor-deltakere/", views.caseload_reassign, name="reassign_caseload"),
]
