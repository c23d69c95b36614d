"""Template tags of the caching package (loaded as ``{% load caching %}``).

``{% memo "name" value ... on scope ... %}…{% endmemo %}``: the enclosed HTML, kept per
language, day, template, the values given and the versions of the scopes named after
``on`` (default: ``site``). What it encloses must not differ between visitors (never
messages, forms or tokens). In a preview (``preview`` in the context) nothing is kept.

``{% live "name" arg %}``: a live part of the page (newsportal/caching/live.py), filled
in on every response, cached or not.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsportal.caching import live
from newsportal.caching.fragments import fragment
from newsportal.caching.scopes import SITE

register = template.Library()


@register.tag("memo")
def do_memo(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% memo %} needs a name")
    scopes = []
    if "on" in bits:
        at = bits.index("on")
        bits, scopes = bits[:at], bits[at + 1 :]
        if not scopes:
            raise template.TemplateSyntaxError("{% memo ... on %} needs at least one scope")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(
        nodelist,
        [parser.compile_filter(bit) for bit in bits],
        [parser.compile_filter(bit) for bit in scopes],
    )


class MemoNode(template.Node):
    def __init__(self, nodelist, vary_on, scopes):
        self.nodelist = nodelist
        self.vary_on = vary_on
        self.scopes = scopes

    def render(self, context):
        if context.get("preview"):
            return self.nodelist.render(
                context
            )  # an editor's preview shows the latest, kept nowhere
        scopes = [str(s) for s in (scope.resolve(context) for scope in self.scopes) if s] or [SITE]
        return fragment(
            "memo",
            today(),
            getattr(context.template, "name", None),
            *(str(value.resolve(context)) for value in self.vary_on),
            scopes=scopes,
            render=lambda: self.nodelist.render(context),
        )


# The site's day and the moments it began and ends (the site never activates another time
# zone): a page asks for it once per kept block.
_day: tuple[float, float, date | None] = (0.0, 0.0, None)


def today() -> date:
    """timezone.localdate(), worked out again only once the clock leaves that day."""
    global _day
    began, ends, day = _day
    now = time.time()
    if day is None or not began <= now < ends:
        day = timezone.localdate()
        zone = timezone.get_current_timezone()
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        _day = (start.timestamp(), (start + timedelta(days=1)).timestamp(), day)
    return day


@register.simple_tag(name="live")
def live_part(name: str, arg="") -> str:
    return mark_safe(live.marker(name, arg))  # noqa: S308  # nosemgrep  # nosec B308 B703 - our own marker, arg checked
