"""What the research pages' handlers share: the app's settings and storage, the study a URL
names, the JSON body a page sends, and answers in HTML or JSON.

Saving is a same-origin JSON POST carrying a custom header (`SAVE_HEADER`): a form on another
site can send neither, and a script on another site cannot add the header without a CORS
preflight we never allow, so no CSRF token is needed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.script import Script
from bot.settings import Settings
from bot.web.research_pages import message_page
from bot.web.sandbox_chat import load_scripts
from storage import Repository

SAVE_HEADER = "X-Perceptions-Save"  # the custom header that makes a POST same-origin only

SETTINGS: web.AppKey[Settings] = web.AppKey("research_settings", Settings)
REPOSITORY: web.AppKey[Repository] = web.AppKey("research_repository", Repository)


def html_response(text: str, status: int = 200) -> web.Response:
    """A page."""
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def json_error(text: str, status: int = 400) -> web.Response:
    """A refusal the page shows as it is: one sentence that says what to do."""
    return web.json_response({"error": text}, status=status)


def study_script(request: web.Request) -> Script:
    """The script of the URL's study; a page saying so if there is none."""
    study = request.match_info["study"]
    for entry in load_scripts(request.app[SETTINGS].dialogs_dir):
        if entry.script is not None and entry.script.study_id == study:
            return entry.script
    raise web.HTTPNotFound(text=message_page(
        "No such study", f"There is no valid script for study '{study}' in the dialogs folder."
    ), content_type="text/html")


async def page_json(request: web.Request, refusal: str) -> dict[str, Any] | web.Response:
    """The JSON object one of our pages sent, or the refusal (`refusal` if no page sent it)."""
    if request.headers.get(SAVE_HEADER) != "1" or request.content_type != "application/json":
        return json_error(refusal, 403)
    try:
        body = await request.json()
    except ValueError:
        return json_error("The request body must be JSON.")
    if not isinstance(body, dict):
        return json_error("The request body must be a JSON object.")
    return body
