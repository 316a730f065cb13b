from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("deltakere/", views.drilldown, name="drilldown"),
    path("tabell/<slug:table>.<slug:fmt>", views.table_export, name="table_export"),
    path("kostra/", views.kostra_page, name="kostra"),
    path("kostra/fil/", views.kostra_download, name="kostra_download"),
]
