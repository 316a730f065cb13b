from django.apps import AppConfig


class CaseworkerConfig(AppConfig):
    name = "caseworker"
    verbose_name = "Ansatte og kontorer"

    def ready(self) -> None:
        from caseworker import checks  # noqa: F401 - registers the system checks
