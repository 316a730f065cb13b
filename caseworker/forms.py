from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Feil NAV-ident eller passord. Sjekk at du har skrevet riktig.",
        "inactive": "Brukeren er deaktivert. Kontakt lederen din.",
        "local_login_off": "Innlogging med passord er slått av. Logg inn med NAV-kontoen din.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "NAV-ident"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].label = "Passord"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )

    def clean(self):
        if not settings.KVP_LOCAL_LOGIN:
            raise forms.ValidationError(
                self.error_messages["local_login_off"], code="local_login_off"
            )
        return super().clean()
