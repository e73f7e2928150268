"""The customer's side on the web: the survey page a signed link opens (`/s/{token}`), served
by the HTTP server every platform runs (adapters/health.py). The core (`SurveyDesk`) decides
everything; this package reads requests and renders the page."""

from adapters.web.routes import DUE_AT_ONCE, add_survey_routes

__all__ = ["DUE_AT_ONCE", "add_survey_routes"]
