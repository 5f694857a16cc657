"""Tasks: `nox -s tests`, `lint`, `typecheck`, `codegen`, `codegen-check`, `bench`, `chart`, `predeploy`. Each
installs from the lock."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

LOCK = "constraints.txt"
"""Pinned versions of every dependency (regenerate: uv pip compile pyproject.toml --all-extras --universal
--python-version 3.11 -o constraints.txt --no-header)."""


def debian_tools(session: nox.Session, package: str, *commands: str) -> None:
    """Debian's ``package``, for ``commands``, installed when one is missing: as root directly, else
    with ``sudo -n`` where sudo needs no password (hosted CI runners, e.g. GitHub's ubuntu-24.04, run
    as an unprivileged user with passwordless sudo); otherwise the session stops with the command to run."""
    import os
    import shutil
    import subprocess

    if all(shutil.which(command) for command in commands):
        return
    if os.geteuid() == 0:
        sudo: list[str] = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], check=False).returncode == 0:
        sudo = ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    else:
        session.error(
            f"{' and '.join(commands)} missing: sudo apt-get update && sudo apt-get install -y {package}"
        )
    session.run(*sudo, "apt-get", "update", "-q", external=True)
    session.run(
        *sudo,
        "apt-get",
        "install",
        "-y",
        "-q",
        package,
        external=True,
        env={"DEBIAN_FRONTEND": "noninteractive"},
    )


def install(session: nox.Session, *extras: str, editable: bool = False) -> None:
    """Install the project with ``extras``, every version pinned by the lock."""
    target = f".[{','.join(extras)}]" if extras else "."
    session.install("-c", LOCK, *(["-e"] if editable else []), target)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, against an embedded broker (or LOOM_KAFKA_BOOTSTRAP_SERVERS). Args go to pytest.
    The monitoring tests render the chart's rules (Helm's library: the chart extra) and run Prometheus;
    the shared state store's run redis-server, and the fleet test HAProxy in front of two replicas."""
    install(session, "test", "chart")
    debian_tools(session, "prometheus", "promtool", "prometheus")
    debian_tools(session, "redis-server", "redis-server")
    debian_tools(session, "haproxy", "haproxy")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    install(session, "lint", editable=True)
    session.run("ruff", "check", *session.posargs, ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy, strict on src/, codegen/ and the generated package."""
    install(session, "lint", editable=True)
    session.run("mypy", *session.posargs)


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate generated/ from schemas/."""
    install(session, "codegen", editable=True)
    session.run("python", "-m", "codegen", "generate", *session.posargs)


@nox.session(name="codegen-check")
def codegen_check(session: nox.Session) -> None:
    """Fail with a diff when generated/ is stale."""
    install(session, "codegen", editable=True)
    session.run("python", "-m", "codegen", "check", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Throughput benchmark against an embedded broker (wrk is installed when missing, as promtool is;
    redis-server too, for the rows with the shared state store). Args go to benchmarks/run.py."""
    install(session, "test")
    debian_tools(session, "wrk", "wrk")
    debian_tools(session, "redis-server", "redis-server")
    session.run("python", "-m", "benchmarks.run", *session.posargs)


@nox.session
def chart(session: nox.Session) -> None:
    """The Helm chart and the Dockerfile, offline: lint, render every ci/ scenario, validate the manifests
    against Kubernetes' schemas and the values files against values.schema.json, hadolint; the Grafana
    dashboard is current; promtool checks the alert rules and runs their unit tests."""
    from pathlib import Path

    install(session, "chart")
    debian_tools(session, "prometheus", "promtool", "prometheus")
    rendered = Path(session.create_tmp()) / "chart"
    # helm lint --strict, render, and the chart's own checks (charts/check.py says which).
    session.run("python", "charts/check.py", "--out", str(rendered))
    manifests = sorted(str(path) for path in rendered.glob("*/*.yaml"))
    # Custom resources (the ServiceMonitor) have no schema here: a warning, not a failure.
    session.run("kubernetes-validate", "--strict", "--quiet", "-k", "1.32.0", *manifests)
    chart_dir = Path("charts/loom-gateway")
    values = [
        str(chart_dir / "values.yaml"),
        *sorted(str(path) for path in chart_dir.glob("ci/*-values.yaml")),
    ]
    session.run("check-jsonschema", "--schemafile", str(chart_dir / "values.schema.json"), *values)
    session.run("hadolint", "Dockerfile")
    # The monitoring: the committed dashboard is what charts/monitoring/dashboard.py writes, and the
    # rendered alert rules (ci/monitoring-values.yaml) pass promtool's checks and unit tests.
    session.run("python", "charts/monitoring/dashboard.py", "--check")
    promtool = Path(session.create_tmp()) / "promtool"
    session.run(
        "python",
        "charts/monitoring/rules.py",
        str(rendered / "monitoring" / "prometheusrule.yaml"),
        str(promtool),
    )
    session.run("promtool", "check", "rules", str(promtool / "loom-gateway.rules.yaml"), external=True)
    session.run("promtool", "test", "rules", str(promtool / "rules-test.yaml"), external=True)


@nox.session
def predeploy(session: nox.Session) -> None:
    """The pre-deploy steps of examples/ci/regenerate-and-deploy.yml, locally: codegen check (generated/ is
    current; released schemas changed by additions only; and, in the log, the rollout order of every
    schema version newer than the one its unversioned paths serve), then the workflow itself: it parses, the
    sessions and files it runs exist, and its helm upgrade renders the chart with the catalog checksum
    the deploy passes (examples/ci/check_recipe.py)."""
    if session.posargs:
        session.error("Usage: nox -s predeploy (takes no arguments)")
    install(session, "codegen", "chart", editable=True)
    session.run("python", "-m", "codegen", "check")
    sessions = ",".join(sorted(nox.registry.get()))
    session.run("python", "examples/ci/check_recipe.py", "--sessions", sessions)
