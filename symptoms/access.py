"""Role checks for pages: who may open the patient diary or the clinician pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from accounts.services import care_team_patient


def role_required(role: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role != role:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


patient_required = role_required("patient")
clinician_required = role_required("clinician")


def own_patient_required(view):
    """A page about one patient, for a clinician on that patient's care team; anyone else signed in gets a 404.

    A 404, never a 403, so the page does not confirm the patient exists.
    """
    @login_required
    @wraps(view)
    def wrapped(request, patient_id: int, *args, **kwargs):
        return view(request, own_patient_or_404(request.user, patient_id), *args, **kwargs)

    return wrapped


def own_patient_or_404(user: User, patient_id: int) -> User:
    """One of the user's own patients (they must be a clinician on the care team), or a 404 for pages and API."""
    try:
        return care_team_patient(user, patient_id)
    except User.DoesNotExist:
        raise Http404 from None
