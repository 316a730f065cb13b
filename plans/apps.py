from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "Programplan"

    def ready(self) -> None:
        # A new deltakerbevis lists the plan's activities; decisions never imports plans.
        from decisions import documents
        from plans.certificate import certificate_activities

        documents.register_certificate_source(certificate_activities)

    def seed_demo(self) -> str:
        """Demo plans for the demo programmes (the demo_data command calls every app's
        seed_demo, so decisions need not know about plans)."""
        from plans.demo import seed_plans

        return f"Demoplaner: {seed_plans()} nye programplaner."
