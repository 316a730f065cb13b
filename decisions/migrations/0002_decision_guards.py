"""Database guards for vedtak, so no bug or hand-written SQL can break them:

- an approved decision never changes, except that its notice date is recorded once;
- approved decisions are never deleted, and nothing is inserted as already approved;
- the approver holds the beslutter role at the decision's office and is not the drafter,
  and only a decision awaiting approval can become approved (totrinnskontroll)."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION decisions_decision_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    approver_ok boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'approved' THEN
            RAISE EXCEPTION 'Et fattet vedtak kan ikke slettes' USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'approved' THEN
            RAISE EXCEPTION 'Et vedtak må godkjennes av en beslutter, ikke opprettes som fattet'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;

    -- UPDATE
    IF OLD.status = 'approved' THEN
        IF (to_jsonb(NEW) - 'notice_date' - 'version' - 'updated_at')
           IS DISTINCT FROM (to_jsonb(OLD) - 'notice_date' - 'version' - 'updated_at')
           OR (OLD.notice_date IS NOT NULL AND NEW.notice_date IS DISTINCT FROM OLD.notice_date)
        THEN
            RAISE EXCEPTION 'Et fattet vedtak kan ikke endres; rett det med et nytt vedtak'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;

    IF NEW.status = 'approved' THEN
        IF OLD.status <> 'awaiting_approval' THEN
            RAISE EXCEPTION 'Bare vedtak som er sendt til godkjenning kan godkjennes'
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT EXISTS (
            SELECT 1 FROM caseworker_user u
            WHERE u.id = NEW.approved_by_id
              AND u.is_active
              AND u.id <> NEW.drafted_by_id
              AND 'beslutter' = ANY (u.roles)
              AND (
                  u.office_id = NEW.office_id
                  OR EXISTS (
                      SELECT 1 FROM caseworker_user_additional_offices a
                      WHERE a.user_id = u.id AND a.office_id = NEW.office_id
                  )
              )
        ) INTO approver_ok;
        IF NOT approver_ok THEN
            RAISE EXCEPTION 'Vedtaket må godkjennes av en annen beslutter ved samme kontor'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER decisions_decision_guard
BEFORE INSERT OR UPDATE OR DELETE ON decisions_decision
FOR EACH ROW EXECUTE FUNCTION decisions_decision_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS decisions_decision_guard ON decisions_decision;
DROP FUNCTION IF EXISTS decisions_decision_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial"), ("caseworker", "0002_audit_log_append_only")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
