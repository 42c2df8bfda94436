"""The partners service's domain exceptions as problem+json, in one place for every blueprint."""

from __future__ import annotations

import contextlib

from portal_partners.domain.invitations import InvitationInvalid, InvitationNotOpen
from portal_partners.domain.profiles import InvalidProfile
from portal_partners.service_layer import handlers
from portalkit.problems import Problem, field_problem


@contextlib.contextmanager
def answered_as_problems():
    try:
        yield
    except InvalidProfile as error:
        too_large = any(key == "logo.too_large" for _, key, _ in error.violations)  # RFC 9110: 413, as for bodies
        raise field_problem("profile.invalid", error.violations, status=413 if too_large else 422) from None
    except handlers.NoProfile:
        raise Problem(404, "profile.none") from None
    except handlers.ProfileInactive:
        raise Problem(403, "profile.inactive") from None
    except handlers.AlreadyLinked:
        raise Problem(409, "profile.already_linked") from None
    except handlers.NameTaken as error:
        raise Problem(
            409, "profile.name_taken", name=error.name, errors=[{"field": "name", "pointer": "#/name"}]
        ) from None
    except InvitationInvalid as error:
        raise Problem(400, f"invitation.{error.reason}", errors=[{"field": "code", "pointer": "#/code"}]) from None
    except InvitationNotOpen:
        raise Problem(409, "invitation.not_open") from None
    except handlers.TooManyGuesses:
        raise Problem(429, "invitation.too_many", headers={"Retry-After": "900"}) from None
    except handlers.NotFound:
        raise Problem(404, "problem.not_found") from None
