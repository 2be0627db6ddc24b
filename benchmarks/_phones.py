"""Simulated phones over real HTTP: each keeps its own cookies, opens the form,
sends a complete valid answer with the form's hidden fields (submission id,
language) and the headers a browser adds, and opens the thank-you page it is
sent to, as a participant's browser does.  Shared by benchmarks/load.py and
tests/serving."""

from __future__ import annotations

import asyncio
import html
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin

import aiohttp

from ._data import CHOICES

HIDDEN = re.compile(r'name="([^"]+)" type="hidden" value="([^"]*)"')
# A TLS-terminating proxy in front (PROXY_HOPS=1) tells the app the scheme.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# What a browser says of a form sent from the page it came with (the page
# sends no referrer, hence Origin "null").
FORM_HEADERS = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}


def random_answers(rng: random.Random) -> dict[str, str]:
    """A complete valid IV.1 answer.  ``new_contacts`` is "yes", so the question
    that depends on it is shown and every response has ANSWERS_PER_RESPONSE rows."""
    answers = {question: rng.choice(codes) for question, codes in CHOICES.items()}
    answers["new_contacts"] = "yes"
    answers["meetings_attended"] = str(rng.randint(1, 13))
    answers["comment"] = rng.choice(
        ["Mehr Zeit für Austausch, bitte.", "Sehr gut organisiert!", "شكراً على التنظيم", "Merci pour les échanges."]
    )
    return answers


@dataclass
class Phone:
    number: int
    get_statuses: list[int | str] = field(default_factory=list)  # one per attempt; str: the connection failed
    get_ms: float | None = None
    post_statuses: list[int | str] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    submission_id: str | None = None
    problem: str | None = None
    bodies: list[str] = field(default_factory=list)  # of the answers other than 303
    thanks_status: int | str | None = None  # of the thank-you page the 303 leads to

    @property
    def get_status(self) -> int | str | None:
        return self.get_statuses[-1] if self.get_statuses else None

    @property
    def thanked(self) -> bool:
        return bool(self.post_statuses) and self.post_statuses[-1] == 303


async def _request(session: aiohttp.ClientSession, method: str, url: str, **kwargs) -> tuple[int, str, float, str]:
    """Status, body, milliseconds and the Location header (empty if none)."""
    started = time.perf_counter()
    async with session.request(method, url, allow_redirects=False, **kwargs) as response:
        body = await response.text()
    return response.status, body, (time.perf_counter() - started) * 1000, response.headers.get("Location", "")


async def _phone(
    number: int, base_url: str, path: str, delay: float, retries: int, timeout: float, connector: aiohttp.BaseConnector
) -> Phone:
    phone = Phone(number)
    await asyncio.sleep(delay)
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base_url])
    async with aiohttp.ClientSession(
        connector=connector,
        connector_owner=False,
        cookie_jar=jar,
        headers=PROXY_HEADERS,
        timeout=aiohttp.ClientTimeout(total=timeout),
    ) as session:
        # aiohttp sends a GET again by itself when the connection drops; the
        # phones count every failed request and send again themselves.
        session._retry_connection = False  # as aiohttp's own test client does
        for attempt in range(retries + 1):
            if attempt:
                await asyncio.sleep(0.2 * attempt)
            try:
                status, page, phone.get_ms, _ = await _request(session, "GET", base_url + path)
            except (TimeoutError, aiohttp.ClientError) as exc:
                phone.get_statuses.append(type(exc).__name__)
                continue
            phone.get_statuses.append(status)
            if status < 500:
                break
        if phone.get_status != 200:
            phone.problem = f"GET: {phone.get_status}"
            return phone
        fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page)}
        phone.submission_id = fields.get("submission_id")
        fields.update(random_answers(random.Random(number)))
        # Sending again after a failure is what a participant does (and what the
        # "send again" page offers): the same fields, the same submission id.
        for attempt in range(retries + 1):
            if attempt:
                await asyncio.sleep(0.2 * attempt)
            try:
                status, body, ms, location = await _request(
                    session, "POST", base_url + path, data=fields, headers=FORM_HEADERS
                )
            except (TimeoutError, aiohttp.ClientError) as exc:
                phone.post_statuses.append(type(exc).__name__)
                continue
            phone.post_statuses.append(status)
            phone.post_ms.append(ms)
            if status != 303:
                phone.bodies.append(body)
            if status < 500:
                break
        if not phone.thanked:
            phone.problem = f"POST: {phone.post_statuses}"
            return phone
        try:
            phone.thanks_status, _, _, _ = await _request(session, "GET", urljoin(base_url + path, location))
        except (TimeoutError, aiohttp.ClientError) as exc:
            phone.thanks_status = type(exc).__name__
        if phone.thanks_status != 200:
            phone.problem = f"thank-you page: {phone.thanks_status}"
    return phone


async def _burst(
    base_url: str, path: str, phones: int, ramp: float, retries: int, timeout: float, deadline: float
) -> list[Phone]:
    # The sync workers close every connection; a fresh one per request, as phones would.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    try:
        tasks = [_phone(i, base_url, path, ramp * i / phones, retries, timeout, connector) for i in range(phones)]
        return await asyncio.wait_for(asyncio.gather(*tasks), deadline)
    finally:
        await connector.close()


def burst(
    base_url: str,
    path: str,
    phones: int,
    *,
    ramp: float = 0.0,
    retries: int = 0,
    timeout: float = 30.0,
    deadline: float = 300.0,
) -> tuple[list[Phone], float]:
    """``phones`` phones, arriving evenly over ``ramp`` seconds (0: all at once);
    returns them and the seconds from the first request to the last answer."""
    started = time.perf_counter()
    # A thread of its own: the caller's thread may already run an event loop
    # (pytest with Playwright's sync API does).
    with ThreadPoolExecutor(1) as executor:
        result = executor.submit(asyncio.run, _burst(base_url, path, phones, ramp, retries, timeout, deadline))
        return result.result(), time.perf_counter() - started
