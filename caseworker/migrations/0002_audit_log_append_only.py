"""The audit log is append-only in the database itself: UPDATE and DELETE raise."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION caseworker_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Tilgangsloggen kan ikke endres eller slettes (% avvist)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER caseworker_auditevent_append_only
BEFORE UPDATE OR DELETE ON caseworker_auditevent
FOR EACH ROW EXECUTE FUNCTION caseworker_auditevent_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS caseworker_auditevent_append_only ON caseworker_auditevent;
DROP FUNCTION IF EXISTS caseworker_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("caseworker", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
