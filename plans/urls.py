from django.urls import path

from kvp import converters  # noqa: F401  (registers <id:…>)
from plans import views

app_name = "plans"

urlpatterns = [
    path("program/<id:pk>/plan/", views.plan_detail, name="plan_detail"),
    path("program/<id:pk>/plan/aktivitet/", views.activity_add, name="activity_add"),
    path("plan/aktivitet/<id:pk>/endre/", views.activity_edit, name="activity_edit"),
    path("plan/aktivitet/<id:pk>/fjern/", views.activity_remove, name="activity_remove"),
    path("program/<id:pk>/plan/evaluering/", views.evaluation_add, name="evaluation_add"),
    path("plan/evaluering/<id:pk>/endre/", views.evaluation_edit, name="evaluation_edit"),
    path("plan/evaluering/<id:pk>/fjern/", views.evaluation_remove, name="evaluation_remove"),
    path("tiltakskatalog/", views.catalogue, name="catalogue"),
    path("tiltakskatalog/tiltak/", views.measure_add, name="measure_add"),
    path("tiltakskatalog/tiltak/<id:pk>/endre/", views.measure_edit, name="measure_edit"),
    path("tiltakskatalog/leverandor/", views.provider_add, name="provider_add"),
    path("tiltakskatalog/leverandor/<id:pk>/endre/", views.provider_edit, name="provider_edit"),
]
