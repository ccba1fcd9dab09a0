"""Public pages: the widget's script and the contact form. No login; nothing here shows desk data."""

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from unstuck.conversations import policy
from unstuck.conversations.selectors import find_conversation
from unstuck.core.clock import DEFAULT_CALENDAR
from unstuck.core.errors import DomainError

from . import expectation, ratelimit, services
from .forms import ContactForm

STATIC = Path(__file__).parent / "static" / "widget"
SENT_SALT = "unstuck.widget.contact-sent"
SENT_MAX_AGE = 7 * 24 * 3600


@require_GET
def embed_js(request: HttpRequest) -> HttpResponse:
    """The one file a site embeds: the widget's script with its stylesheet inlined (for its shadow DOM)."""
    script = (STATIC / "embed.js").read_text()
    css = (STATIC / "widget.css").read_text()
    body = script.replace('"__WIDGET_CSS__"', _js_string(css), 1)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _js_string(text: str) -> str:
    return json.dumps(text)


def contact(request: HttpRequest) -> HttpResponse:
    """The public contact form: name, email, subject, message and a few attachments."""
    form = ContactForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            # Looks like success to the bot; nothing is filed.
            return redirect("widget:contact-sent", ref=signing.dumps(0, salt=SENT_SALT))
        submission = services.ContactMessage(
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            subject=form.cleaned_data["subject"],
            message=form.cleaned_data["message"],
            files=form.cleaned_data["attachments"],
            ip=ratelimit.client_ip(request.META),
        )
        try:
            conversation = services.submit_contact_form(submission)
        except DomainError as error:
            form.add_error("attachments" if "file" in error.code else None, error.message)
            status = error.status_code
        else:
            return redirect("widget:contact-sent", ref=signing.dumps(conversation.pk, salt=SENT_SALT))
    if form.errors and status == 200:
        status = 400
    return render(request, "widget/contact.html", _contact_context(form), status=status)


def _contact_context(form: ContactForm) -> dict[str, object]:
    return {
        "form": form,
        # The help center's as-you-type suggestions hook onto data-help-suggest, once that script exists.
        "help_suggest_js": bool(finders.find("helpcenter/suggest.js")),
        "limits": services.attachment_limits(),
    }


def contact_sent(request: HttpRequest, ref: str) -> HttpResponse:
    """The confirmation: the reference and when we will reply, in the customer's terms."""
    try:
        conversation_id = signing.loads(ref, salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("Unknown confirmation") from error
    conversation = find_conversation(int(conversation_id)) if conversation_id else None
    context: dict[str, object] = {"conversation": conversation}
    if conversation is not None:
        now = timezone.now()
        due = expectation.first_reply_due(conversation)
        context["reply_by"] = expectation.due_phrase(due, now=now)
        context["reply_due"] = due
        context["zone"] = DEFAULT_CALENDAR.tz
        context["target"] = expectation.target_phrase(policy.first_reply_level(conversation))
    return render(request, "widget/contact_sent.html", context)
