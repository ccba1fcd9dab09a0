from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from unstuck.conversations.selectors import list_customer_timeline
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError

from . import selectors, services


class MergeCustomerForm(forms.Form):
    into = forms.CharField(max_length=254, label="Merge into", help_text="The other customer's email address or id.")


@agent_required
def customer(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: every identity, every conversation on every channel."""
    person = selectors.get_customer(pk)
    timeline = list(list_customer_timeline(person, limit=200))
    identities = list(person.identities.all())
    context = {
        "customer": person,
        "timeline": timeline,
        "channels": selectors.count_channels(timeline),
        "form": MergeCustomerForm(),
        # What a split would take along, shown before a lead presses the button.
        "splits": [
            (identity, selectors.list_conversation_ids_from_identity(person, identity)) for identity in identities
        ]
        if len(identities) > 1
        else [],
    }
    return render(request, "customers/detail.html", context)


@agent_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.get_customer(pk)
    form = MergeCustomerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say which customer to merge into.")
        return redirect("customers:detail", pk=pk)
    try:
        target_ref = form.cleaned_data["into"].strip()
        if target_ref.isdigit():
            into = selectors.get_customer(int(target_ref))
        else:
            into = selectors.get_customer_by_identity("email", target_ref)
        services.merge_customers(source, into=into, actor=request.agent)  # type: ignore[attr-defined]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("customers:detail", pk=pk)
    messages.success(request, f"Merged into {into}: one person, one timeline.")
    return redirect("customers:detail", pk=into.pk)


@agent_required
@require_POST
def split(request: HttpRequest, pk: int) -> HttpResponse:
    """Split off a wrongly merged identity into a customer of its own (leads and admins)."""
    person = selectors.get_customer(pk)
    identity_id = request.POST.get("identity", "")
    try:
        identity = selectors.get_identity(person, int(identity_id) if identity_id.isdigit() else 0)
        new = services.split_identity(person, identity=identity, actor=request.agent)  # type: ignore[attr-defined]
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("customers:detail", pk=pk)
    moved = new.conversations.count()
    messages.success(
        request, f"Split {identity.value} off into a customer of its own, with {moved} conversation{pluralize(moved)}."
    )
    return redirect("customers:detail", pk=new.pk)
