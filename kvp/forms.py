"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError


def attach_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields (or the
    form when the field is not on it), the rest as non-field errors."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
