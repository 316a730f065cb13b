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
