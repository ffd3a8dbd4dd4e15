"""Flask extensions, created unbound and bound to the app in create_app()."""
import sys

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event, inspect
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# CPython 3.11 can free memory still in use when an object's attributes move from their compact
# inline form into a real dict while the garbage collector runs a weak-reference callback that
# changes the same object. SQLAlchemy's InstanceState is such an object (its weakref callback
# clears it when the mapped object is collected), and closing a session after a large page (the
# all-teams roster on 100 teams) crashed the process with a segmentation fault inside a
# collection. Giving every state its real dict when it is made removes the moment at which that
# can happen; Python 3.12 changed this code and does not crash. See tests/app/test_gc_crash.py.
MATERIALIZE_STATE_DICTS = sys.version_info < (3, 12)


def _materialize_state_dict(target, *_args) -> None:
    inspect(target).__dict__  # noqa: B018 - reading it is what turns the inline values into a dict


class SameSiteCompress(Compress):
    """Flask-Compress (gzip) for what the app's own pages and a calendar app ask for.

    BREACH: a page compressed with a secret (the CSRF token) and text the request chose (a search
    in the URL) leaks the secret through its size to whoever sees the encrypted traffic and can
    make the browser send requests. Browsers mark requests another site started with
    Sec-Fetch-Site; those answers go uncompressed. Clients without the header (calendar apps,
    scripts, browsers from before 2023) get gzip.

    A strong ETag becomes weak for a client that takes gzip (Flask-Compress would append ':gzip'):
    gzip and plain are the same feed, and the feed answers 304 on a weak match of its own ETag,
    which a suffix would break for every phone that polls it.
    """

    def after_request(self, response):
        if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
            response.vary.add("Accept-Encoding")
            return response
        etag, weak = response.get_etag()
        if (etag and not weak and response.mimetype in self.compress_mimetypes_set
                and request.accept_encodings["gzip"] > 0):
            response.set_etag(etag, weak=True)
        return super().after_request(response)


db = SQLAlchemy(model_class=Base)
if MATERIALIZE_STATE_DICTS:  # on db.Model: a listener on the declarative base itself never fires
    for _event in ("init", "load"):
        event.listen(db.Model, _event, _materialize_state_dict, propagate=True)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = SameSiteCompress()
