from django.urls import path

from kvp import converters  # noqa: F401  (registers <id:…>)
from stipend import views

app_name = "stipend"

urlpatterns = [
    path("oppmote/", views.attendance_week, name="attendance"),
    path("deltaker/<id:pk>/", views.participant_stipend, name="participant"),
    path("deltaker/<id:pk>/beregn/", views.basis_compute, name="basis_compute"),
    path("deltaker/<id:pk>/inntekt/", views.income_register, name="income_register"),
    path("inntekt/<id:pk>/fjern/", views.income_remove, name="income_remove"),
    path("grunnlag/<id:pk>/", views.basis_detail, name="basis_detail"),
    path("grunnlag/<id:pk>/godkjenn/", views.basis_approve, name="basis_approve"),
    path("grunnlag/<id:pk>/lonnsslipp.pdf", views.basis_payslip, name="basis_payslip"),
    path("kontor/", views.office_bases, name="office"),
    path("kontor/beregn/", views.office_run, name="office_run"),
    path("kontor/beregninger/", views.office_runs, name="office_runs"),
    path("kontor/eksport.csv", views.office_export, name="office_export"),
]
