from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from unstuck.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="conversations:inbox", permanent=False)),
    path("api/v1/", api.urls),
    path("accounts/", include("unstuck.accounts.urls")),
    path("settings/", include("unstuck.accounts.settings_urls")),
    path("customers/", include("unstuck.customers.urls")),
    path("", include("unstuck.conversations.urls")),
    path("", include("unstuck.triage.urls")),
    path("", include("unstuck.momentum.urls")),
    path("", include("unstuck.mail.urls")),
    path("", include("unstuck.widget.urls")),
    path("", include("unstuck.helpcenter.urls")),
    path("", include("unstuck.core.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
