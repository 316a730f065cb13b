"""URL converters. `<id:pk>` accepts only what fits a bigint primary key, so a 30-digit id
in a URL is a plain 404 and never reaches a query (or the audit log) as an overflow."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
