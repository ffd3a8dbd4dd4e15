"""Forms for logging in, the second step, MFA settings and passwords."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Regexp

from ..forms_common import MaxLength
from ..formatting import you

# Spaces are allowed: apps often show the code as "123 456".
CODE_PATTERN = r"^\s*\d{3}\s?\d{3}\s*$"


def code_field():
    return StringField(
        you(_l("Code uit je app (6 cijfers)"), _l("Code uit uw app (6 cijfers)")),
        validators=[
            DataRequired(message=_l("Vul de code in.")),
            Length(max=20, message=_l("Een code heeft 6 cijfers.")),
            Regexp(CODE_PATTERN, message=_l("Een code heeft 6 cijfers.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 20},
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(message=_l("Vul je e-mailadres in.")),
                    Email(message=_l("Vul een geldig e-mailadres in.")), MaxLength(200)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(message=_l("Vul je wachtwoord in.")), MaxLength(200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Inloggen"))


class CodeForm(FlaskForm):
    code = code_field()
    submit = SubmitField(_l("Controleren"))


class DisableMfaForm(FlaskForm):
    code = code_field()
    submit = SubmitField(_l("Tweestapsverificatie uitzetten"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(message=you(_l("Vul je huidige wachtwoord in."), _l("Vul uw huidige wachtwoord in."))),
                    MaxLength(200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[DataRequired(message=_l("Vul een nieuw wachtwoord in.")), MaxLength(200)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Nieuw wachtwoord nog een keer"),
        validators=[DataRequired(message=_l("Vul het nieuwe wachtwoord nog een keer in.")), MaxLength(200)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Wachtwoord wijzigen"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Tijdelijk wachtwoord"),
        validators=[DataRequired(message=_l("Vul een tijdelijk wachtwoord in.")), MaxLength(200)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Tijdelijk wachtwoord nog een keer"),
        validators=[DataRequired(message=_l("Vul het wachtwoord nog een keer in.")), MaxLength(200)],
        render_kw={"autocomplete": "new-password"},
    )
    reset_mfa = BooleanField(_l("Ook tweestapsverificatie opnieuw laten instellen (bijvoorbeeld bij een nieuwe telefoon)"))
    submit = SubmitField(_l("Wachtwoord opnieuw instellen"))
