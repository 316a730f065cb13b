from django.apps import AppConfig


class StipendConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stipend"
    verbose_name = "Kvalifiseringsstønad"

    def ready(self) -> None:
        # The S2 check joins the nightly deadline scan; decisions never imports stipend.
        from decisions import deadlines
        from stipend.deadlines import scan_base_amount_missing

        deadlines.register_scan(scan_base_amount_missing)
        # A new deltakerbevis states the registered attendance (P6).
        from decisions import documents
        from stipend.certificate import certificate_attendance

        documents.register_certificate_source(certificate_attendance)

    def seed_demo(self) -> str:
        """Demo data for `make run` (called by decisions' demo_data command)."""
        from stipend.demo import seed_stipend

        return seed_stipend()
