"""An issued document is kept as sent: UPDATE and DELETE of a document row raise."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION decisions_document_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Et utstedt dokument kan ikke endres eller slettes (% avvist)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER decisions_document_write_once
BEFORE UPDATE OR DELETE ON decisions_document
FOR EACH ROW EXECUTE FUNCTION decisions_document_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS decisions_document_write_once ON decisions_document;
DROP FUNCTION IF EXISTS decisions_document_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_documents_letters_and_certificates")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
