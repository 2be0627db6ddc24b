"""Extensions, created unbound and initialised in :func:`app.create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# Storage from RATELIMIT_STORAGE_URI: memory:// for one process, redis://
# when several processes serve.  Only staff routes are limited; participant
# routes never see a limiter (it would have to key on their address).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
