"""Whether a participant's submission was sent from another site.

The participant form carries no CSRF token: a token must be kept in a
session cookie, and participants get no cookie at all until they have
answered.  The browser itself says where a form was sent from (Fetch
Metadata): ``Sec-Fetch-Site`` is ``same-origin`` for our own form and
``none`` when the person sent it themselves (a reload that sends again);
anything else, even a sibling subdomain, is refused.  Browsers from before
Fetch Metadata (iPhones before 2023) send ``Origin`` instead: our own
origin, since the pages' referrer policy is ``same-origin`` (under
``no-referrer`` they would send ``null``).  Any other ``Origin``, ``null``
included (a sandboxed frame, a ``data:`` page), is refused.  A request with
neither header does not come from a web page.

What a forged submission could do is small: store an answer that anyone
could send directly, and leave an "answered" marker in a participant's
browser.  That is what this check prevents; it cannot prevent, and a token
could not either, someone sending many answers from a program (signed
submission ids, the per-address limit and access codes do that).
"""

from __future__ import annotations

from werkzeug.wrappers import Request

OUR_OWN = frozenset({"same-origin", "none"})


def sent_from_another_site(request: Request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in OUR_OWN
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin.rstrip("/") + "/" != request.host_url
