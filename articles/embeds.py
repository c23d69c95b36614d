"""Embeds that track no one until the reader asks.

A paragraph holding nothing but the address of a post or a video on one of the providers
below (pasted into the body or a live entry) becomes a placeholder: the provider's name, a
short notice, a button to show it, and the plain link (all a reader without JavaScript
gets). Nothing is requested from the provider until the reader presses the button; then
static/js/embeds.js puts the provider's player in a sandboxed frame (YouTube's from
youtube-nocookie.com). Pages that carry an embed name its provider in the X-Embeds header,
and newsportal/csp_policy.py allows exactly those frames there, and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.html import format_html
from django.utils.translation import gettext


@dataclass(frozen=True)
class Provider:
    name: str  # what readers see
    pattern: re.Pattern
    player: str  # the frame's address, from the pattern's groups ({0}: the whole address)
    frame_hosts: tuple[str, ...]


PROVIDERS = {
    "youtube": Provider(
        "YouTube",
        re.compile(
            r"https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?v=|shorts/|live/)|youtu\.be/)"
            r"([A-Za-z0-9_-]{11})(?:[?&][A-Za-z0-9_=&.-]*)?"
        ),
        "https://www.youtube-nocookie.com/embed/{1}",
        ("https://www.youtube-nocookie.com",),
    ),
    "vimeo": Provider(
        "Vimeo",
        re.compile(r"https://(?:www\.)?vimeo\.com/([0-9]{1,12})"),
        "https://player.vimeo.com/video/{1}?dnt=1",
        ("https://player.vimeo.com",),
    ),
    "x": Provider(
        "X",
        re.compile(r"https://(?:www\.)?(?:twitter|x)\.com/[A-Za-z0-9_]{1,15}/status/([0-9]{1,20})"),
        "https://platform.twitter.com/embed/Tweet.html?id={1}&dnt=true",
        ("https://platform.twitter.com",),
    ),
    "facebook": Provider(
        "Facebook",
        re.compile(
            r"https://(?:www\.)?facebook\.com/[A-Za-z0-9.]{1,80}/(?:posts|videos)/[A-Za-z0-9]{1,40}/?"
        ),
        "https://www.facebook.com/plugins/post.php?href={q0}",
        ("https://www.facebook.com",),
    ),
    "instagram": Provider(
        "Instagram",
        re.compile(r"https://(?:www\.)?instagram\.com/(?:p|reel)/([A-Za-z0-9_-]{5,40})/?"),
        "https://www.instagram.com/p/{1}/embed",
        ("https://www.instagram.com",),
    ),
    "tiktok": Provider(
        "TikTok",
        re.compile(r"https://(?:www\.)?tiktok\.com/@[A-Za-z0-9_.]{1,30}/video/([0-9]{1,25})"),
        "https://www.tiktok.com/embed/v2/{1}",
        ("https://www.tiktok.com",),
    ),
    "soundcloud": Provider(
        "SoundCloud",
        re.compile(r"https://soundcloud\.com/[A-Za-z0-9_-]{1,60}/[A-Za-z0-9_-]{1,100}"),
        "https://w.soundcloud.com/player/?url={q0}",
        ("https://w.soundcloud.com",),
    ),
}

# A paragraph of one address, as text or as a link whose text is the address.
_PARAGRAPH = re.compile(
    r'<p>\s*(?:<a href="(?P<href>[^"]+)"[^>]*>(?P<text>[^<]+)</a>|(?P<bare>https://[^\s<]+))\s*</p>'
)
_FIGURE = re.compile(r'<figure class="embed" data-embed="([a-z]+)"')


def match(address: str) -> tuple[str, str] | None:
    """(provider key, player address) for a provider's address, else None."""
    for key, provider in PROVIDERS.items():
        found = provider.pattern.fullmatch(address)
        if found:
            groups = {str(n): group for n, group in enumerate(found.groups(), start=1)}
            player = provider.player.format(
                "", *found.groups(), q0=quote(found.group(0), safe=""), **groups
            )
            return key, player
    return None


def placeholder_html(key: str, address: str, player: str) -> str:
    provider = PROVIDERS[key]
    return str(
        format_html(
            '<figure class="embed" data-embed="{}" data-embed-src="{}" data-embed-title="{}">'
            '<p class="embed__provider">{}</p><p class="embed__notice">{}</p>'
            '<p class="embed__actions"><button type="button" class="embed__show" hidden>{}</button>'
            ' <a class="embed__link" href="{}" rel="noopener noreferrer">{}</a></p></figure>',
            key,
            player,
            gettext("%(provider)s content") % {"provider": provider.name},
            provider.name,
            gettext(
                "This is hosted by %(provider)s. Nothing is loaded from %(provider)s until "
                "you choose to show it; then %(provider)s may collect data about you."
            )
            % {"provider": provider.name},
            gettext("Show"),
            address,
            gettext("Open on %(provider)s") % {"provider": provider.name},
        )
    )


def replace_addresses(html: str) -> str:
    """Reader HTML with every paragraph of one provider address made a placeholder."""

    def replace(found: re.Match) -> str:
        address = found.group("bare") or found.group("href")
        if found.group("href") and found.group("text").strip() != address:
            return found.group(0)  # a link with words of its own stays a link
        address = address.replace("&amp;", "&")
        matched = match(address)
        if matched is None:
            return found.group(0)
        return placeholder_html(matched[0], address, matched[1])

    return _PARAGRAPH.sub(replace, html)


def providers_in(html: str) -> list[str]:
    """The providers whose placeholders an article's HTML carries, in a stable order."""
    return sorted(set(_FIGURE.findall(html)) & PROVIDERS.keys())


def frame_sources(keys: list[str]) -> list[str]:
    return sorted({host for key in keys if key in PROVIDERS for host in PROVIDERS[key].frame_hosts})
