"""Two factors for those who decide (issue 11 §2): TOTP devices with recovery codes, through django-otp.

Sign-in is two steps. The password form logs the session in (django.contrib.auth.login); when a second factor
applies to the person (services.stage_after_password), the session is marked pending and stays fenced on the
code or enrolment page (middleware.TwoFactorFenceMiddleware) until a code verifies it (django_otp.login).
"""
