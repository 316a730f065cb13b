from django.apps import AppConfig


class AppealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "appeals"
    verbose_name = "Klager"

    def ready(self) -> None:
        # The worklist links appeal tasks to the appeal page; decisions never imports appeals.
        from appeals.selectors import task_links
        from decisions import worklist
        from decisions.models import TaskKind

        worklist.register_task_links((TaskKind.APPEAL_REVIEW, TaskKind.APPEAL_OUTCOME), task_links)

        # An approved grant on an application reopened on appeal closes the appeal as changed.
        from appeals.services import on_decision_approved
        from decisions.signals import decision_approved

        decision_approved.connect(on_decision_approved, dispatch_uid="appeals.on_decision_approved")

    def seed_demo(self) -> str:
        """Demo data for `make run` (called by decisions' demo_data command)."""
        from appeals.demo import seed_appeals

        return seed_appeals()
