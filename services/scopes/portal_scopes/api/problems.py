"""The scopes service's domain exceptions as problem+json, in one place for every blueprint."""

from __future__ import annotations

import contextlib

from portal_scopes.domain.access import DailyLimitReached, GrantRefused, InvalidRequest
from portal_scopes.service_layer import handlers
from portalkit.problems import Problem, field_problem


@contextlib.contextmanager
def answered_as_problems():
    try:
        yield
    except InvalidRequest as error:
        raise field_problem("problem.validation", error.violations) from None
    except handlers.NotFound:
        raise Problem(404, "problem.not_found") from None
    except handlers.LinkInvalid as error:
        raise Problem(410 if error.reason in ("expired", "answered") else 403, f"link.{error.reason}") from None
    except DailyLimitReached as error:
        raise Problem(
            429,
            f"requests.daily_limit_{error.scope}",
            limit=error.limit,
            headers={"Retry-After": str(error.retry_after)},
            extra={"limit": error.limit, "left": error.left},
        ) from None
    except GrantRefused as error:
        status = 409 if error.reason.endswith("not_approved") else 403
        raise Problem(status, error.reason, **error.params) from None
