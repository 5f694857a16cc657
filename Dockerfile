# The Loom Gateway image: the gateway, its dependencies pinned by constraints.txt, and the generated
# catalog (generated/loom_catalog, installed as a package) baked in. One image per catalog: after
# `nox -s codegen`, build and tag a new image; the Helm chart's checksum/catalog rolls the pods.
#
#   docker build -t loom-gateway:0.1.0 .
#   docker run --rm -p 8000:8000 -e LOOM_KAFKA_BOOTSTRAP_SERVERS=kafka:9092 \
#     -e LOOM_API_KEYS='<key1>,<key2>' loom-gateway:0.1.0    # or the JSON object form
#
# The default command is `loom-gateway serve`; `docker run … loom-gateway:0.1.0 topics plan` runs
# another subcommand. It runs as 10001:10001, never root, and needs nothing writable but /tmp.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/loom/bin:$PATH
RUN python -m venv /opt/loom
WORKDIR /src
# Dependencies first, pinned by the lock: this layer is reused until pyproject.toml or the lock changes.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install --no-cache-dir --constraint constraints.txt --requirement requirements.txt
# Then the gateway and the generated catalog (both packages of the one wheel; see pyproject.toml).
COPY README.md ./
COPY src/ src/
COPY generated/ generated/
RUN pip install --no-cache-dir --no-deps --constraint constraints.txt . \
    && pip check \
    && python -c "import loom_catalog, loom_gateway.cli"

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="loom-gateway" \
      org.opencontainers.image.description="Schema-first HTTP ingestion gateway publishing device readings to Kafka" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 loom \
    && useradd --system --uid 10001 --gid loom --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin loom
COPY --from=builder /opt/loom /opt/loom
# Bytecode is compiled at install time: nothing is written beside the code (the root filesystem may be
# read-only). Bind to every address inside the container; Kubernetes and Docker publish the port.
ENV PATH=/opt/loom/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOOM_HOST=0.0.0.0 \
    LOOM_PORT=8000
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
# Liveness only (/healthz); Kubernetes uses its own probes, and /readyz for readiness.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["loom-gateway"]
CMD ["serve"]
