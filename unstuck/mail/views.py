"""Mail settings and problem mail for leads and agents; the retry button on a reply that was not delivered."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from unstuck.accounts.models import Role
from unstuck.accounts.permissions import require_role
from unstuck.conversations import selectors as conversation_selectors
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError
from unstuck.core.htmx import toast

from . import selectors, services, tasks
from .forms import MailboxForm
from .models import InboundStatus, Mailbox
from .services import MAILBOX_FIELDS


def _denied(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {"message": error.message, "section": "mailboxes"}
    return render(request, "accounts/denied.html", context, status=403)


@agent_required
def mailboxes(request: HttpRequest, mailbox_id: int | None = None) -> HttpResponse:
    """List the mailboxes and add or edit one (leads and admins)."""
    agent = request.agent  # type: ignore[attr-defined]
    try:
        require_role(agent, Role.LEAD, "configure mailboxes")
        editing = selectors.get_mailbox(mailbox_id) if mailbox_id else None
    except DomainError as error:
        return _denied(request, error)
    initial = {key: getattr(editing, key) for key in MAILBOX_FIELDS} if editing else None
    form = MailboxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in MAILBOX_FIELDS}
        try:
            saved = services.save_mailbox(editing, data=data, password=form.cleaned_data["password"], actor=agent)
            messages.success(request, f"Saved {saved.address}.")
            return redirect("mail:mailboxes")
        except DomainError as error:
            form.add_error(None, error.message)
    context = {"form": form, "editing": editing, "mailboxes": selectors.list_mailboxes(), "section": "mailboxes"}
    return render(request, "mail/mailboxes.html", context)


@agent_required
@require_POST
def poll_now(request: HttpRequest, mailbox_id: int) -> HttpResponse:
    try:
        require_role(request.agent, Role.LEAD, "poll mailboxes")  # type: ignore[attr-defined]
        mailbox: Mailbox = selectors.get_mailbox(mailbox_id)
    except DomainError as error:
        return _denied(request, error)
    tasks.poll_mailbox.enqueue(mailbox_id=mailbox.pk)
    messages.success(request, f"Checking {mailbox.address} for new mail now.")
    return redirect("mail:mailboxes")


@agent_required
def problems(request: HttpRequest) -> HttpResponse:
    """Mail that could not be filed (with the reason), and machine mail kept aside, so nothing is lost."""
    status = request.GET.get("status") or InboundStatus.FAILED
    context = {
        "items": selectors.list_problem_mail(status)[:200],
        "status": status,
        "tabs": [(s, s.label) for s in selectors.PROBLEM_STATUSES],
        "section": "mail-problems",
    }
    return render(request, "mail/problems.html", context)


@agent_required
def raw(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """The mail exactly as received, to open in a mail client or forward."""
    inbound = selectors.get_inbound(inbound_id)
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="received-{inbound.pk}.eml"'
    return response


@agent_required
@require_POST
def resolve(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = selectors.get_inbound(inbound_id)
    services.resolve_problem(inbound, actor=request.agent)  # type: ignore[attr-defined]
    messages.success(request, "Taken off the list; the raw mail stays stored.")
    return redirect(f"{reverse('mail:problems')}?status={inbound.status}")


@agent_required
@require_POST
def retry_delivery(request: HttpRequest, message_id: int) -> HttpResponse:
    """The "Send again" control on a reply that was not delivered."""
    message = conversation_selectors.get_message(message_id)
    try:
        message = services.retry_delivery(message, actor=request.agent)  # type: ignore[attr-defined]
        note, level = "Sending again.", "success"
    except DomainError as error:
        note, level = error.message, "error"
    if not getattr(request, "htmx", False):
        (messages.success if level == "success" else messages.error)(request, note)
        return redirect(f"{reverse('conversations:detail', args=[message.conversation_id])}#m{message.pk}")
    message = conversation_selectors.get_message(message.pk)
    context = {"item": message, "conversation": message.conversation}
    return toast(render(request, "conversations/_message.html", context), note, level)
