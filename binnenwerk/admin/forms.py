"""Forms of the admin blueprint: users, ministries, locations and work types."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import (
    DataRequired, Email, InputRequired, Optional, Regexp, ValidationError,
)

from ..forms_common import MaxLength, MultiCheckboxField, SeenState, int_or_none, strip_text
from ..models import Role
from ..services import admin as ops
from ..services.regions import REGION_LENGTH
from ..services.users import validate_password


class _EditsOne(SeenState, FlaskForm):
    """A form that edits one row: `obj_id` excludes that row from the duplicate checks, `seen_state`
    refuses a save over a change made since the form was shown."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Leading or trailing spaces would make " BZK" a second ministry BZK.
            if issubclass(unbound_field.field_class, StringField) and unbound_field.field_class is not PasswordField:
                options = dict(options, filters=[strip_text, *unbound_field.kwargs.get("filters", [])])
            return unbound_field.bind(form=form, **options)

    def __init__(self, *args, obj_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj_id = obj_id


class UserForm(_EditsOne):
    name = StringField(_l("Naam"), validators=[
        DataRequired(_l("Vul een naam in.")), MaxLength(200),
    ])
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(_l("Vul een e-mailadres in.")), MaxLength(200),
        Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld j.jansen@minbzk.nl.")),
    ])
    role = SelectField(_l("Rol"), validators=[InputRequired(_l("Kies een rol."))], validate_choice=False)
    ministry_id = SelectField(_l("Ministerie"), coerce=int_or_none, validate_choice=False)
    team_ids = SelectMultipleField(_l("Teams"), coerce=int_or_none, validate_choice=False)
    password = PasswordField(_l("Eerste wachtwoord"), render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, creating: bool = False, original_email: str | None = None,
                 keep_ministry_id: int | None = None, keep_team_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.original_email = original_email
        self.keep_ministry_id = keep_ministry_id
        self.keep_team_ids = set(keep_team_ids)
        self.role.choices = [(r.value, ops.role_label(r.value)) for r in Role]
        if creating:
            # No role chosen for the admin: an account made "Beheerder" by overlooking the field
            # would get every right there is.
            self.role.choices.insert(0, ("", _l("Kies een rol")))
            self.password.validators = [DataRequired(_l("Vul een eerste wachtwoord in."))]
            self.password.flags.required = True
        else:
            del self.password

    def validate_email(self, field):
        email = ops.normalise_email(field.data)
        if self.original_email is None or email != ops.normalise_email(self.original_email):
            problem = ops.check_personal_email(email)
            if problem:
                raise ValidationError(problem)
        if ops.email_taken(email, exclude_id=self.obj_id):
            raise ValidationError(_l("Er is al een account met dit e-mailadres."))

    def validate_role(self, field):
        if field.data not in {r.value for r in Role}:
            raise ValidationError(_l("Kies een rol uit de lijst."))

    def validate_ministry_id(self, field):
        if self.role.data == Role.MINISTRY_CONTACT.value:
            if field.data is None and field.raw_data and field.raw_data[0] not in ("", None):
                raise ValidationError(_l("Kies een ministerie uit de lijst."))
            if field.data is None:
                raise ValidationError(_l("Een contactpersoon van een ministerie hoort bij een ministerie. Kies er een."))
            _ministry, problem = ops.usable_ministry(field.data, keep_id=self.keep_ministry_id)
            if problem:
                raise ValidationError(problem)
        elif field.data is not None or (field.raw_data and field.raw_data[0] not in ("", None)):
            raise ValidationError(_l("Alleen een contactpersoon van een ministerie hoort bij een ministerie. "
                                     "Kies bij ministerie: geen."))

    def validate_team_ids(self, field):
        if any(v is None for v in field.data or []):
            raise ValidationError(_l("Kies teams uit de lijst."))
        if field.data and self.role.data != Role.TEAM_LEADER.value:
            raise ValidationError(_l("Alleen een teamleider heeft teams. Zet de teams uit of kies de rol teamleider."))
        if field.data and not ops.teams_choosable(field.data, keep_ids=self.keep_team_ids):
            raise ValidationError(_l("Kies teams uit de lijst."))

    def validate_password(self, field):
        problem = validate_password(field.data or "")
        if problem:
            raise ValidationError(problem)


class MinistryForm(_EditsOne):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Vul een code in.")), MaxLength(20),
        Regexp(ops.MINISTRY_CODE_RE, message=_l("Gebruik alleen letters, cijfers, & en -.")),
    ])
    name = StringField(_l("Naam"), validators=[
        DataRequired(_l("Vul een naam in.")), MaxLength(200),
    ])
    work_type_ids = MultiCheckboxField(_l("Werksoorten in de afspraak"), coerce=int_or_none, validate_choice=False)

    def validate_code(self, field):
        if ops.ministry_code_taken(field.data.strip(), self.obj_id):
            raise ValidationError(_l("Er is al een ministerie met deze code."))

    def validate_name(self, field):
        if ops.ministry_name_taken(field.data.strip(), self.obj_id):
            raise ValidationError(_l("Er is al een ministerie met deze naam."))


class LocationForm(_EditsOne):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Vul een code in.")), MaxLength(60),
        Regexp(ops.SLUG_CODE_RE, message=_l("Gebruik alleen letters, cijfers, - en _.")),
    ])
    name = StringField(_l("Naam"), validators=[
        DataRequired(_l("Vul een naam in.")), MaxLength(200),
    ])
    ministry_id = SelectField(_l("Ministerie"), coerce=int_or_none, validate_choice=False,
                              validators=[InputRequired(_l("Kies een ministerie."))])
    address = StringField(_l("Adres"), validators=[
        DataRequired(_l("Vul een adres in.")), MaxLength(200),
    ])
    postcode = StringField(_l("Postcode"), validators=[Optional()])
    city = StringField(_l("Plaats"), validators=[
        DataRequired(_l("Vul een plaats in.")), MaxLength(100),
    ])
    region = StringField(_l("Regio"), render_kw={"list": "regions", "autocomplete": "off"}, validators=[
        DataRequired(_l("Vul een regio in.")), MaxLength(100),
    ])

    def __init__(self, *args, keep_ministry_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_ministry_id = keep_ministry_id

    def validate_code(self, field):
        if ops.location_code_taken(field.data.strip(), self.obj_id):
            raise ValidationError(_l("Er is al een locatie met deze code."))

    def validate_name(self, field):
        if isinstance(self.ministry_id.data, int) and ops.location_name_taken(
                field.data, self.city.data, self.ministry_id.data, self.obj_id):
            raise ValidationError(_l("Dit ministerie heeft al een locatie met deze naam in deze plaats. "
                                     "Geef deze locatie een andere naam, bijvoorbeeld met de straat erin."))

    def validate_postcode(self, field):
        try:
            ops.normalise_postcode(field.data)
        except ValueError:
            raise ValidationError(_l("Vul een postcode in als 1234 AB.")) from None

    def validate_ministry_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een ministerie uit de lijst."))
        _ministry, problem = ops.usable_ministry(field.data, keep_id=self.keep_ministry_id)
        if problem:
            raise ValidationError(problem)


class WorkTypeForm(_EditsOne):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Vul een code in.")), MaxLength(40),
        Regexp(ops.SLUG_CODE_RE, message=_l("Gebruik alleen letters, cijfers, - en _.")),
    ])
    name_nl = StringField(_l("Naam (Nederlands)"), validators=[
        DataRequired(_l("Vul een Nederlandse naam in.")), MaxLength(100),
    ])
    name_en = StringField(_l("Naam (Engels)"), validators=[
        DataRequired(_l("Vul een Engelse naam in.")), MaxLength(100),
    ], render_kw={"lang": "en"})
    pictogram = SelectField(_l("Pictogram"), validate_choice=False,
                            validators=[InputRequired(_l("Kies een pictogram."))])
    colour = StringField(_l("Kleur"), validators=[
        DataRequired(_l("Vul een kleur in.")),
    ], render_kw={"autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pictogram.choices = [("", _l("Kies een pictogram"))] + [
            (name, ops.pictogram_label(name)) for name in ops.PICTOGRAMS
        ]

    def validate_code(self, field):
        if ops.work_type_code_taken(field.data.strip(), self.obj_id):
            raise ValidationError(_l("Er is al een werksoort met deze code."))

    def validate_name_nl(self, field):
        if ops.work_type_name_taken(field.data.strip(), self.obj_id):
            raise ValidationError(_l("Er is al een werksoort met deze naam."))

    def validate_name_en(self, field):
        if ops.work_type_english_name_taken(field.data.strip(), self.obj_id):
            raise ValidationError(_l("Er is al een werksoort met deze Engelse naam."))

    def validate_pictogram(self, field):
        if field.data not in ops.PICTOGRAMS:
            raise ValidationError(_l("Kies een pictogram uit de lijst."))

    def validate_colour(self, field):
        problem = ops.check_colour((field.data or "").strip().lower())
        if problem:
            raise ValidationError(problem)


class StatusFilter(FlaskForm):
    """The list filter (GET, no CSRF): active, archived or all."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False)


class UserFilter(StatusFilter):
    """The user list filter: status, role and a search on name or e-mail address."""

    role = SelectField(_l("Rol"), validate_choice=False)
    q = StringField(_l("Zoek op naam of e-mailadres"), validators=[Optional(), MaxLength(200)],
                    render_kw={"type": "search"})



class RegionRenameForm(FlaskForm):
    """Rename a region everywhere at once (services.regions.rename): which region, and its new name."""

    region = SelectField(_l("Regio"), validate_choice=False, validators=[InputRequired(_l("Kies een regio."))])
    new_name = StringField(_l("Nieuwe naam"), filters=[strip_text], render_kw={"autocomplete": "off"}, validators=[
        DataRequired(_l("Vul een nieuwe naam in.")), MaxLength(REGION_LENGTH),
    ])
    # Shown once the new name turned out to be another region's: ticked, the region joins it.
    merge = BooleanField(_l("Samenvoegen: de teams, teamleiders en locaties van deze regio gaan naar de "
                            "regio met die naam"))
