from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Feil NAV-ident eller passord. Sjekk at du har skrevet riktig.",
        "inactive": "Brukeren er deaktivert. Kontakt lederen din.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "NAV-ident"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].label = "Passord"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )
