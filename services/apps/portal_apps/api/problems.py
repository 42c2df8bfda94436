"""The apps service's domain exceptions as problem+json, in one place for both blueprints."""

from __future__ import annotations

import contextlib

from portal_apps.adapters import identity
from portal_apps.domain.model import ChangeNotPending, InvalidApplication, RemovalNotConfirmed, TransitionRefused
from portal_apps.service_layer import handlers
from portalkit.problems import Problem, field_problem


@contextlib.contextmanager
def answered_as_problems():
    try:
        yield
    except InvalidApplication as error:
        raise field_problem("apps.invalid", error.violations) from None
    except handlers.NotFound:
        raise Problem(404, "apps.not_found") from None
    except TransitionRefused as error:
        raise Problem(409, "apps.transition_refused", current=error.current, wanted=error.wanted) from None
    except RemovalNotConfirmed as error:
        raise Problem(
            409, "apps.removal_unconfirmed", apis=", ".join(error.apis), extra={"removed_apis": error.apis}
        ) from None
    except ChangeNotPending:
        raise Problem(409, "apps.change_not_pending") from None
    except handlers.SelfModeration:
        raise Problem(403, "apps.self_moderation") from None
    except identity.InvalidClientCredentials:
        raise Problem(
            422, "apps.client_invalid", errors=[{"field": "client_secret", "pointer": "#/client_secret"}]
        ) from None
    except identity.ClientAlreadyLinked:
        raise Problem(409, "apps.client_linked", errors=[{"field": "client_id", "pointer": "#/client_id"}]) from None
    except identity.IdentityUnavailable:
        raise Problem(503, "apps.identity_unavailable", headers={"Retry-After": "5"}) from None
