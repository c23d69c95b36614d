"""The pages a commenter reaches from our mails, and "my comments".

None of them is cached (none has a policy in newsportal/cache_policies.py) and each
answers ``Cache-Control: private, no-store``: they show one reader's own data. A link
opened from a mail changes nothing by itself (mail programs and scanners fetch links):
a button on the page does, by POST.
"""

from __future__ import annotations

import json
import logging

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from comments import (
    commenter_mail,
    confirmation,
    my_comments,
    network,
    notices,
    ratelimit,
    subscriptions,
)
from comments.views import _after_article, _method_not_allowed, error_page

logger = logging.getLogger(__name__)

MINE_SCOPE = "mine"


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _link_problem(request, error: commenter_mail.LinkInvalid) -> HttpResponse:
    if isinstance(error, commenter_mail.LinkExpired):
        message = _("The link has expired. You can ask for a new one.")
    else:
        message = _("The link is not valid, or it was already used.")
    return error_page(request, status=404, title=_("The link does not work"), message=message)


# RFC 8058: mail programs POST without a token; the signed link is the proof.
@csrf_exempt  # nosemgrep: csrf-exempt
def mute(request, token: str):
    """GET: a page with a button. POST (the button, or a mail program's one-click): mute."""
    subscription = subscriptions.read_mute_token(token)
    if subscription is None:
        return _link_problem(request, commenter_mail.LinkInvalid())
    if request.method == "POST":
        subscriptions.mute(subscription)
        return _page(request, "comments/mute_page.html", {"muted": True})
    if request.method != "GET":
        return _method_not_allowed(request, ["GET", "POST"])
    return _page(request, "comments/mute_page.html", {"muted": False, "token": token})


def confirm(request, token: str):
    """GET: the held comment and a button. POST (with Django's CSRF token): post it."""
    try:
        held = confirmation.find(token)
    except commenter_mail.LinkInvalid as error:
        return _link_problem(request, error)
    if request.method == "POST":
        try:
            comment = confirmation.confirm(held)
        except commenter_mail.LinkInvalid as error:
            return _link_problem(request, error)
        except ValidationError as error:
            return error_page(
                request,
                status=400,
                title=_("The comment could not be posted"),
                message=" ".join(error.messages),
            )
        code = notices.PUBLISHED if comment.status == "approved" else notices.HELD
        return _after_article(request, held.article, code)
    if request.method != "GET":
        return _method_not_allowed(request, ["GET", "POST"])
    return _page(request, "comments/confirm_page.html", {"held": held, "token": token})


class AddressForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Write the e-mail you gave with your comments."),
            "invalid": gettext_lazy("Enter a valid e-mail address."),
        },
    )


def my_comments_request(request):
    """Ask for the link: the same answer whatever the address (no one learns whose
    comments are here)."""
    if request.method == "POST":
        retry_after = ratelimit.hit(MINE_SCOPE, network.request_ip_hash(request))
        if retry_after:
            response = error_page(
                request,
                status=429,
                title=_("Too many requests"),
                message=_("Please wait a few minutes before asking again."),
                retry_after=retry_after,
            )
            return response
        form = AddressForm(request.POST)
        if form.is_valid():
            my_comments.request_link(form.cleaned_data["email"])
            return _page(request, "comments/my_comments_request.html", {"sent": True})
        return _page(request, "comments/my_comments_request.html", {"form": form}, status=400)
    if request.method != "GET":
        return _method_not_allowed(request, ["GET", "POST"])
    return _page(request, "comments/my_comments_request.html", {"form": AddressForm()})


def my_comments_page(request, token: str):
    try:
        email = my_comments.email_of(token)
    except commenter_mail.LinkInvalid as error:
        return _link_problem(request, error)
    if request.method != "GET":
        return _method_not_allowed(request, ["GET"])
    comments = list(my_comments.comments_of(email))
    return _page(request, "comments/my_comments_page.html", {"comments": comments, "token": token})


def my_comments_export(request, token: str):
    try:
        email = my_comments.email_of(token)
    except commenter_mail.LinkInvalid as error:
        return _link_problem(request, error)
    body = json.dumps({"comments": my_comments.export(email)}, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def my_comments_erase(request, token: str):
    """Erase them all (POST with Django's CSRF token and the box ticked)."""
    if request.method != "POST":
        return _method_not_allowed(request, ["POST"])
    try:
        email = my_comments.email_of(token)
    except commenter_mail.LinkInvalid as error:
        return _link_problem(request, error)
    if request.POST.get("sure") != "yes":
        comments = list(my_comments.comments_of(email))
        context = {"comments": comments, "token": token, "not_sure": True}
        return _page(request, "comments/my_comments_page.html", context, status=400)
    erased = my_comments.erase(email)
    return _page(request, "comments/my_comments_erased.html", {"erased": erased})
