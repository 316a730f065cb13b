"""A dashboard table as CSV or XLSX: the same rows and columns the page shows."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from reporting.dashboard import Table


def _rows(table: Table) -> list[list]:
    header = [table.title, *(heading for _, heading in table.columns)]
    return [header] + [
        [row.label, *(row.values.get(metric) for metric, _ in table.columns)] for row in table.rows
    ]


def table_csv(table: Table) -> bytes:
    """Semicolon-separated with a BOM and decimal commas, as Excel in Norway opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in _rows(table):
        writer.writerow(
            [
                "" if v is None else (str(v).replace(".", ",") if isinstance(v, float) else v)
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.name[:31]
    for row in _rows(table):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
