"""Extensions, created unbound and initialised in :func:`app.create_app`."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
