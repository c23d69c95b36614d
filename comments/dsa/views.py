"""The reader's side of the DSA: the comment rules page, the receipt of a notice, and the
poster's appeal form behind the signed link of a statement of reasons.

The appeal page is one visitor's own (never cached, Django's CSRF token in its form); the
rules page is the same for everyone and cached like any page of the site.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from comments import network, ratelimit
from comments.dsa import cases, rules, statements
from comments.dsa.forms import AppealForm
from comments.models import Appeal, IllegalContentNotice, StatementOfReasons

APPEAL_SCOPE = "appeal"


def rules_page(request):
    return render(request, "comments/rules_page.html", {"clauses": rules.CLAUSES})


def notice_receipt(request, notice: IllegalContentNotice):
    """What the reader sees at once: the case's reference and what happens next."""
    response = render(
        request,
        "comments/notice_receipt.html",
        {"notice": notice, "article": notice.comment.article},
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _link_problem(request, expired: bool):
    return _private(
        render(
            request,
            "comments/error.html",
            {
                "status_code": 410 if expired else 404,
                "title": _("This link has expired") if expired else _("This link is not valid"),
                "message": _(
                    "Decisions can be contested for six months, through the link in the "
                    "message that announced them."
                )
                if expired
                else _("Check that the whole link from the message was copied."),
            },
            status=410 if expired else 404,
        )
    )


@never_cache
def appeal(request, token: str):
    """Contest a decision: the statement it answers, then the poster's reasons (once)."""
    try:
        pk = statements.read_appeal_token(token)
    except statements.AppealLinkExpired:
        return _link_problem(request, expired=True)
    except statements.AppealLinkInvalid:
        return _link_problem(request, expired=False)
    statement = StatementOfReasons.objects.select_related("comment__article").filter(pk=pk).first()
    if statement is None:
        raise Http404
    existing = Appeal.objects.filter(statement=statement).first()
    form = AppealForm()
    status = 200
    if request.method == "POST" and existing is None:
        retry_after = ratelimit.hit(APPEAL_SCOPE, network.request_ip_hash(request))
        form = AppealForm(request.POST)
        if retry_after:
            form.add_error(None, _("Please wait a few minutes and send it again."))
            status = 429
        elif form.is_valid():
            existing, _created = cases.file_appeal(
                statement=statement, explanation=form.cleaned_data["explanation"]
            )
        else:
            status = 400
    response = render(
        request,
        "comments/appeal_page.html",
        {
            "statement": statement,
            "ground": statements.ground_text(statement),
            "automation": statements.automation_text(statement),
            "appeal": existing,
            "form": form,
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "60"
    return _private(response)
