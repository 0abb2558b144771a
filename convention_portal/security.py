"""Response headers that the browser enforces, beyond those Django's SecurityMiddleware and django-csp set."""

# Powerful browser features the portal never uses: denied to its pages and to anything a page might embed.
# Only names Chromium recognises (it logs an error for any other, e.g. ambient-light-sensor or battery);
# browsing-topics is the successor of FLoC's interest-cohort.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy on every response, unless a view has set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
