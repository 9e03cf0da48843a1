from django.conf import settings
from django.http import HttpRequest


def two_factor(request: HttpRequest) -> dict[str, bool]:
    """Whether pages offer two-step sign-in at all (STAFF_TWO_FACTOR is not `off`)."""
    return {"two_factor_offered": settings.STAFF_TWO_FACTOR != "off"}
