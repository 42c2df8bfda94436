# One image per service, from this one file (build from the repository root):
#   docker build --build-arg SERVICE=identity -t partner-portal/identity .
# SERVICE picks the service; PYTHON_IMAGE the base (the real upstream image by default; the compose test
# builds on a local Debian equivalent, deploy/local-images/). Every Python dependency comes from
# requirements.lock, pinned with hashes; the final stage has no compilers, build tools or pip cache.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
RUN python -m venv /opt/portal
COPY requirements.lock /tmp/requirements.lock
# Wheels only: nothing is compiled here either.
RUN /opt/portal/bin/pip install --quiet --require-hashes --only-binary=:all: -r /tmp/requirements.lock
# Up to here the layers are the same for every service (SERVICE is declared below), so they are built once.
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=identity|partners|apps|scopes|notifier|webhooks" >&2; exit 1; }
COPY libs/portalkit /src/libs/portalkit
COPY services/${SERVICE} /src/services/${SERVICE}
RUN /opt/portal/bin/pip install --quiet --no-deps --no-build-isolation /src/libs/portalkit "/src/services/${SERVICE}" \
    && /opt/portal/bin/pip uninstall --quiet --yes pip setuptools wheel \
    && /opt/portal/bin/python -m compileall -q /opt/portal/lib

FROM ${PYTHON_IMAGE}
ARG SERVICE
ENV PATH=/opt/portal/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CONTRACTS_DIR=/opt/portal/contracts PORTAL_SERVICE=${SERVICE}
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin portal
COPY --from=build /opt/portal /opt/portal
COPY contracts /opt/portal/contracts
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
# Web: migrate, then serve (on Kubernetes the migration is a Job and the Deployment runs only the serve).
# Worker, from the same image: portalctl worker <service>
CMD ["sh", "-c", "portalctl db upgrade \"$PORTAL_SERVICE\" && exec portalctl serve \"$PORTAL_SERVICE\" --host 0.0.0.0 --port 8000"]
