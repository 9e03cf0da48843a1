"""No tables of its own: the libraries keep theirs (axes: attempts; knox: tokens; django-otp: devices).

The module exists so that Django treats the app as having models and tells it when `migrate` has run
(which makes the embedded cache's table).
"""
