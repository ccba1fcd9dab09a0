from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; sizes and types are the service's call."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254)
    subject = forms.CharField(max_length=200)
    message = forms.CharField(max_length=20_000, widget=forms.Textarea)
    attachments = MultipleFileField(required=False)
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by bots that fill in everything.
    website = forms.CharField(required=False, max_length=200)

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
