"""Check the regenerate-and-deploy recipe (examples/ci/regenerate-and-deploy.yml) where it can be checked
without GitHub, a registry or a cluster. ``nox -s predeploy`` runs it after ``python -m codegen check``
(generated/ is current; the compatibility gate), passing the noxfile's session names:

    python examples/ci/check_recipe.py --sessions predeploy,chart,tests,...

1. The workflow is YAML that reads as a GitHub Actions workflow: schema changes trigger it, a check
   job runs on pull requests, a deploy job needs it.
2. Every ``nox -s <session>`` it runs is a session of noxfile.py; every ``python <file>`` it runs exists.
3. Its ``helm upgrade`` targets charts/loom-gateway and sets image.tag and catalog.digest; with the
   values it sets, the chart renders (so each key exists in values.schema.json), and the checksum
   charts/catalog_digest.py prints is what the chart's checksum/catalog annotation holds, with
   the override and without it (charts/check.py checks that a changed schema changes it).

Exits 1 with every problem listed.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "ci" / "regenerate-and-deploy.yml"
CHART = ROOT / "charts" / "loom-gateway"
sys.path.insert(0, str(CHART.parent))

from catalog_digest import catalog_digest  # noqa: E402 (charts/catalog_digest.py, not a package)

_SET = re.compile(r"--set ([A-Za-z0-9_.]+)=")
_PYTHON_FILE = re.compile(r"\bpython3? ([\w./-]+\.py)\b")


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec.get("steps", [])]


def check_shape(workflow: dict[str, Any], problems: list[str]) -> None:
    # PyYAML reads the bare key `on` as the boolean true (YAML 1.1); GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True)) or {}
    for event in ("pull_request", "push"):
        if "schemas/**" not in (triggers.get(event) or {}).get("paths", []):
            problems.append(f"a schema change does not trigger the workflow on {event}")
    jobs = workflow.get("jobs", {})
    if set(jobs) != {"check", "deploy"}:
        problems.append(f"the jobs are {sorted(jobs)}, not check and deploy")
    elif jobs["deploy"].get("needs") != "check":
        problems.append("the deploy job does not wait for the check job")
    elif "pull_request" not in str(jobs["deploy"].get("if", "")):
        problems.append("the deploy job does not exclude pull requests")


def check_commands(workflow: dict[str, Any], sessions: set[str], problems: list[str]) -> list[str]:
    """Every nox session and Python file the workflow runs; returns the sessions, in order."""
    named: list[str] = []
    scripts: list[str] = []
    for job, step in steps(workflow):
        for line in str(step.get("run", "")).splitlines():
            words = shlex.split(line)
            if words[:2] == ["nox", "-s"]:
                for session in words[2:]:
                    named.append(session)
                    if session not in sessions:
                        problems.append(f"{job}: `{line.strip()}` names no session of noxfile.py")
            for script in _PYTHON_FILE.findall(line):
                scripts.append(script)
                if not (ROOT / script).is_file():
                    problems.append(f"{job}: `{line.strip()}` runs {script}, which does not exist")
    if "charts/catalog_digest.py" not in scripts:
        problems.append("no step runs charts/catalog_digest.py for the catalog checksum")
    return named


def check_upgrade(workflow: dict[str, Any], problems: list[str]) -> str:
    """The helm upgrade step, rendered with what it sets; returns the catalog checksum."""
    upgrades = [str(step["run"]) for _, step in steps(workflow) if "helm upgrade" in str(step.get("run", ""))]
    if len(upgrades) != 1:
        problems.append(f"{len(upgrades)} helm upgrade steps, not one")
        return ""
    command = upgrades[0]
    if "charts/loom-gateway" not in command.split():
        problems.append("the helm upgrade step does not install charts/loom-gateway")
    settings = _SET.findall(command)
    for wanted in ("image.tag", "catalog.digest"):
        if wanted not in settings:
            problems.append(f"the helm upgrade step does not set {wanted}")
    digest = catalog_digest()
    values: dict[str, Any] = {}
    for key in settings:
        *parents, leaf = key.split(".")
        node = values
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = digest if key == "catalog.digest" else "stand-in"
    with helm.Chart.load(CHART) as chart:
        for what, given in (("with the workflow's --set values", values), ("with no values", {})):
            try:
                manifests = chart.render(given, name="loom-gateway", namespace="loom", is_install=False)
            except helm.HelmError as error:
                problems.append(f"the chart does not render {what}: {error}")
                continue
            deployment = yaml.safe_load(manifests["loom-gateway/templates/deployment.yaml"])
            annotation = deployment["spec"]["template"]["metadata"]["annotations"]["checksum/catalog"]
            if annotation != digest:
                problems.append(f"{what}, checksum/catalog is {annotation}, catalog_digest.py says {digest}")
    return digest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", required=True, help="noxfile.py's sessions, comma-separated")
    arguments = parser.parse_args()
    problems: list[str] = []
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    if not isinstance(workflow, dict):
        print(f"FAIL {WORKFLOW.relative_to(ROOT)} is not a YAML mapping", file=sys.stderr)
        return 1
    check_shape(workflow, problems)
    named = check_commands(workflow, set(arguments.sessions.split(",")), problems)
    digest = check_upgrade(workflow, problems)
    print(f"{WORKFLOW.relative_to(ROOT)}: jobs {', '.join(workflow.get('jobs', {}))}")
    print(f"  nox sessions it runs: {', '.join(named)}")
    print(f"  catalog checksum the deploy passes: {digest} (= the chart's checksum/catalog)")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
