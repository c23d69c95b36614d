"""Live parts of cached pages ("hole punching"): the news feed sidebar, the headline
strip, comment counts, ranked lists.

A template writes ``{% live "name" "arg" %}``, which renders as a marker
(``<!--live:name:arg-->``). Every HTML response passes through the response cache
middleware, which replaces each marker with the part's current HTML, whether the page
came from a cache or was just rendered. So a page's cached body never holds the parts
that change every few seconds, and those parts never make the body stale: a flash item
re-renders the feed, not every page; an approved comment moves a count, not every list.

Apps register a renderer per name: ``register("name", render_many)``, where
``render_many(request, args) -> {arg: html}`` renders all the markers of that name on a
page at once (one cache read for forty counts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils import translation

from newsportal.caching import scopes as versions
from newsportal.caching.fragments import bounded
from newsportal.caching.memory import Memory, size_of

MARKER = re.compile(rb"<!--live:([a-z-]+):([^>]*?)-->")
MARKER_START = b"<!--live:"

Renderer = Callable[[object, list[str]], dict[str, str]]
_RENDERERS: dict[str, Renderer] = {}
# What each part shows follows these scopes (and, for some, the clock): a stored page whose
# parts' scopes have not moved is sent as it was filled last time (responses.py).
_SCOPES: dict[str, Callable[[list[str]], Iterable[str]]] = {}
_CLOCKS: dict[str, int] = {}
# What each part rendered, kept by this process while the versions of the scopes it shows
# stand and within the part's clock; a part that follows only the clock (likes) is kept for
# its clock whatever changed, one that names no scope while nothing changed anywhere (the
# shared change counter: scopes.unchanged_since). So a page rendered anew, or a stored one
# filled again, renders only the parts whose scopes moved.
FILLED_PARTS = Memory(max_bytes=4 * 1024 * 1024)
# Parts with no clock of their own still show the day ("Today" in the feed's headings).
UNCLOCKED_SECONDS = 1
# Moved by forget(name): what this process kept of the part is not used again.
_GENERATIONS: dict[str, int] = {}


# Parts whose each argument shows one scope (a card's comment count: its article's
# comments): the scope of an argument (None: none).
_SCOPE_OF: dict[str, Callable[[str], str | None]] = {}


def register(
    name: str,
    render_many: Renderer,
    *,
    scopes: Callable[[list[str]], Iterable[str]] = lambda args: (),
    scope_of: Callable[[str], str | None] | None = None,
    clock: int = 0,
) -> None:
    """``render_many(request, args) -> {arg: html}``; ``scopes(args)``: the scopes whose
    versions decide its HTML, or ``scope_of(arg)``: the one scope that decides each
    argument's HTML (then only the arguments whose scope moved are rendered again);
    ``clock``: seconds it may also change with (0: never)."""
    _RENDERERS[name] = render_many
    if scope_of is not None:
        _SCOPE_OF[name] = scope_of
        scopes = lambda args: [scope for arg in args if (scope := scope_of(arg))]  # noqa: E731
    _SCOPES[name] = scopes
    _CLOCKS[name] = clock


def dependencies(chunks: list) -> tuple[tuple[str, ...], int]:
    """The scopes the live parts of a stored page follow, and the shortest clock among
    them (0: none), worked out once when the page is stored."""
    wanted: dict[str, list[str]] = {}
    for chunk in chunks:
        if isinstance(chunk, tuple):
            wanted.setdefault(chunk[0], []).append(chunk[1])
    scopes: set[str] = set()
    clocks = []
    for name, args in wanted.items():
        scopes.update(_SCOPES.get(name, lambda args: ())(args))
        if _CLOCKS.get(name):
            clocks.append(_CLOCKS[name])
        if name not in _SCOPES:
            clocks.append(1)  # a part that says nothing of itself: refilled every second
    return tuple(sorted(scopes)), min(clocks, default=0)


def marker(name: str, arg: object = "") -> str:
    text = str(arg)
    if "-->" in text or ">" in text:
        raise ValueError(f"a live part's argument may not contain '>': {text!r}")
    return f"<!--live:{name}:{text}-->"


def split(content: bytes) -> list:
    """The content as static byte chunks and (name, arg) markers. Each marker is found by
    its opening bytes (a memchr-fast search) and only then matched: a regular expression
    walking a 90 KB page on every response cost more than the rest of the filling."""
    chunks: list = []
    position = start = 0
    while (start := content.find(MARKER_START, start)) >= 0:
        match = MARKER.match(content, start)
        if match is None:
            start += len(MARKER_START)
            continue
        chunks.append(content[position:start])
        chunks.append((match.group(1).decode(), match.group(2).decode()))
        position = start = match.end()
    chunks.append(content[position:])
    return chunks


def fill(request, chunks: list) -> bytes:
    """The page with every marker replaced by its part's current HTML."""
    wanted: dict[str, list[str]] = {}
    for chunk in chunks:
        if isinstance(chunk, tuple):
            wanted.setdefault(chunk[0], []).append(chunk[1])
    if not wanted:
        return b"".join(chunks)
    rendered = {
        name: _rendered(request, name, list(dict.fromkeys(args))) for name, args in wanted.items()
    }
    return b"".join(
        chunk if isinstance(chunk, bytes) else str(rendered[chunk[0]].get(chunk[1], "")).encode()
        for chunk in chunks
    )


def _rendered(request, name: str, args: list[str]) -> dict[str, str]:
    """``render_many`` of the part, or what this process kept of it for the same state."""
    renderer = _RENDERERS.get(name)
    if renderer is None:
        return {}
    if not versions.in_a_request():
        return renderer(request, args)
    if name in _SCOPE_OF:
        return _rendered_by_argument(request, name, args)
    shows = tuple(_SCOPES[name](args)) if name in _SCOPES else None
    if shows:
        # Kept while its own scopes stand (their versions come from this process's memory):
        # twenty comments a second on one article re-render that article's count, not the
        # feed, the banner and the ranked lists of every page.
        since = tuple(versions.versions_of(shows).values())
    elif shows is not None and _CLOCKS.get(name):
        since = "clock"  # follows only the clock (likes): kept for its clock
    else:
        since = versions.unchanged_since()
        if since is None:  # the shared cache is away, or a scheduled item just fell due
            return renderer(request, args)
    token = (since, _GENERATIONS.get(name, 0))
    key = (name, translation.get_language(), *args)
    kept = FILLED_PARTS.get(key)
    if kept is not None and kept[0] == token:
        return kept[1]
    html = renderer(request, args)
    # bounded(): a part read from a lagging replica is kept no longer than that lag.
    timeout = bounded(_CLOCKS.get(name) or UNCLOCKED_SECONDS)
    FILLED_PARTS.set(key, (token, html), size=size_of(html), timeout=timeout)
    return html


def _rendered_by_argument(request, name: str, args: list[str]) -> dict[str, str]:
    """A part whose each argument follows one scope: what this process kept of it, with
    the arguments whose scope moved rendered again (one comment re-reads one count of a
    page's forty)."""
    key = (name, translation.get_language(), *args)
    generation = _GENERATIONS.get(name, 0)
    since = versions.unchanged_since()
    kept = FILLED_PARTS.get(key)
    if kept is not None and kept[0] == generation and since is not None and kept[1] == since:
        return kept[3]  # nothing changed anywhere since: no version to compare
    scope_of = _SCOPE_OF[name]
    shown = {arg: scope_of(arg) for arg in args}
    current = versions.versions_of([scope for scope in shown.values() if scope])
    state = {arg: current.get(scope) for arg, scope in shown.items()}
    if kept is not None and kept[0] == generation:
        moved = [arg for arg in args if kept[2].get(arg) != state[arg]]
        html = {**kept[3], **_RENDERERS[name](request, moved)} if moved else kept[3]
    else:
        html = _RENDERERS[name](request, args)
    size = size_of(key) + sum(len(arg) + len(text) for arg, text in html.items()) * 4
    timeout = bounded(_CLOCKS.get(name) or None)
    FILLED_PARTS.set(key, (generation, since, state, html), size=size, timeout=timeout)
    return html


def forget(name: str) -> None:
    """This process renders the part ``name`` afresh on its next fill (a reader's own like
    shows on their next page; other processes follow the part's clock)."""
    _GENERATIONS[name] = _GENERATIONS.get(name, 0) + 1


def has_markers(content: bytes) -> bool:
    return MARKER_START in content
