"""The case fixtures (a programme granted 200 days ago) for the stipend tests."""

from decisions.tests.conftest import (  # noqa: F401
    application,
    as_approver,
    as_caseworker,
    programme,
    today,
)
