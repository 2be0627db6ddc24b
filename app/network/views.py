"""The network's settings page for admins, and what participants may read of
the network: the privacy notice and the imprint.

The two public pages are participant pages: no session, no cookie, the
language travelling in the address (``?lang=``), like the form under /m/.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.access import role_required
from app.db import writing
from app.evaluation.anonymise import MIN_K
from app.network import services, settings
from app.network.forms import SettingsForm

blueprint = Blueprint("network", __name__, template_folder="templates")
PUBLIC_PATHS = ("/privacy", "/imprint")


@blueprint.record_once
def _set_up(state):
    # Like the participant form: a browser without a session cookie gets none here.
    state.app.session_interface.sessionless_paths += PUBLIC_PATHS


@blueprint.app_context_processor
def _network():
    """Every page's frame names the network (header, title, participant footer)."""
    return {"network": settings.shown()}


@blueprint.get("/privacy")
def privacy():
    """The privacy notice (GDPR Art. 13), made from the settings, in every offered language."""
    settings.speak_network_language()
    return render_template("network/privacy.html", title=_("Privacy notice"))


@blueprint.get("/imprint")
def imprint():
    network = settings.speak_network_language()
    if not network.imprint:
        abort(404)
    if network.imprint_link:
        return redirect(network.imprint_link)
    return render_template("network/imprint.html", title=_("Imprint"))


@blueprint.route("/workspace/network/", methods=["GET", "POST"])
@role_required("admin")
def edit_settings():
    form = SettingsForm()
    if request.method == "GET":
        form.fill_from(settings.current())
    if form.validate_on_submit():
        network = form.network()
        session = writing()
        services.save_settings(session, network)
        session.commit()
        flash(_("The network's settings were saved."))
        return redirect(url_for(".edit_settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("network/settings.html", form=form, min_k=MIN_K, title=_("Network settings")), status
