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


def form_submit(request, form, action, *, success: str) -> bool:
    """The views' idiom for a form posted to a service, written once: when the form is valid,
    `action(form.cleaned_data)` calls the service; a ValidationError it raises goes onto the
    form (attach_errors) and nothing is queued; otherwise `success` is queued as the message.
    True when the service went through (the view redirects), False when the view shows the
    form again with its errors."""
    from django.contrib import messages

    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        attach_errors(form, error)
        return False
    messages.success(request, success)
    return True
