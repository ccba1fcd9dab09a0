from django import forms

from .models import Security


class MailboxForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Shown as the sender name, e.g. “Fernhill Support”.")
    address = forms.EmailField(label="Reply-from address", help_text="Replies go out from this address.")
    imap_host = forms.CharField(max_length=200, required=False, label="IMAP server", help_text="e.g. imap.gmail.com")
    imap_port = forms.IntegerField(min_value=1, max_value=65535, initial=993, label="Port")
    security = forms.ChoiceField(choices=Security.choices, initial=Security.SSL)
    username = forms.CharField(max_length=200, required=False)
    password = forms.CharField(
        max_length=500,
        required=False,
        label="Password or app password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored for the poller and never shown again; leave blank to keep the current one.",
    )
    folder = forms.CharField(max_length=200, initial="INBOX")
    is_active = forms.BooleanField(required=False, initial=True, label="Poll this mailbox")
