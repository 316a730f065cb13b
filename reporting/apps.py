from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Leaders' dashboards and the yearly KOSTRA 11CF report (issue 7). Reads only: it
    imports decisions, participants and stipend; nothing imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Statistikk og rapportering"

    def seed_demo(self) -> str:
        from reporting.demo import seed_demo

        return seed_demo()
