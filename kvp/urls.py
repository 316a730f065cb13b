from django.urls import include, path

from caseworker import sso
from caseworker import views as caseworker_views
from caseworker.admin import site as admin_site

urlpatterns = [
    path("", caseworker_views.home, name="home"),
    path("logg-inn/", caseworker_views.login_view, name="login"),
    path("logg-ut/", caseworker_views.logout_view, name="logout"),
    path("helse/", caseworker_views.health, name="health"),
    path("helse/klar/", caseworker_views.readiness, name="readiness"),
    path("oidc/authenticate/", sso.oidc_authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", sso.oidc_callback, name="oidc_callback"),
    path("deltakere/", include("participants.urls")),
    path("sak/", include("decisions.urls")),
    path("sak/", include("plans.urls")),
    path("statistikk/", include("reporting.urls")),
    path("kontor/", include("caseworker.urls")),
    path("stonad/", include("stipend.urls")),
    path("", include("appeals.urls")),
    path("admin/", admin_site.urls),
]
