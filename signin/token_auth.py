"""The API's token check (settings: REST_FRAMEWORK's authentication classes). Web layer: it is DRF's.

It imports nothing of DRF's views, which read the authentication classes while they load.
"""

from django.utils import timezone
from knox import auth
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(auth.TokenAuthentication):
    """knox's token check, reading only the token presented.

    knox also reads every other token of the person on every request, to delete the expired ones;
    an expired token is refused (and deleted) when it is itself presented, so that second read
    bought nothing but a statement per API call. The others go when the person next signs in.
    """

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False
