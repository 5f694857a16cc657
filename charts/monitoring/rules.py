"""Turn a rendered PrometheusRule into what promtool reads, for `nox -s chart`:

    python charts/monitoring/rules.py RENDERED_PROMETHEUSRULE OUT_DIR

writes OUT_DIR/loom-gateway.rules.yaml (the custom resource's ``spec``: a plain ``groups:`` document)
and OUT_DIR/rules-test.yaml (charts/monitoring/rules-test.yaml, pointed at those rules), then prints
the two promtool commands to run. Exits 1 when an alert's runbook_url names an anchor that the
README's Runbook section does not have.

The unit tests in rules-test.yaml are written against ci/monitoring-values.yaml rendered as
release "loom" in namespace "loom" (what charts/check.py renders).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TESTS = HERE / "rules-test.yaml"
RULES_NAME = "loom-gateway.rules.yaml"


def readme_anchors() -> set[str]:
    """GitHub's anchors of the README's headings under "## Runbook" (lower case, spaces to hyphens)."""
    text = (ROOT / "README.md").read_text()
    runbook = text.partition("\n## Runbook\n")[2].split("\n## ", 1)[0]
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^###+ (.+)$", runbook, flags=re.MULTILINE)
    }


def extract(rendered: Path) -> tuple[dict[str, Any], list[str]]:
    """The rule groups of a rendered PrometheusRule, and the problems found in their runbook links."""
    documents = [doc for doc in yaml.safe_load_all(rendered.read_text()) if doc]
    (resource,) = [doc for doc in documents if doc.get("kind") == "PrometheusRule"]
    spec: dict[str, Any] = resource["spec"]
    anchors = readme_anchors()
    problems = []
    for group in spec["groups"]:
        for rule in group["rules"]:
            anchor = str(rule["annotations"]["runbook_url"]).rpartition("#")[2]
            if anchor not in anchors:
                problems.append(f"{rule['alert']}: README.md has no Runbook heading #{anchor}")
    return spec, problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rendered, out = Path(argv[0]), Path(argv[1])
    spec, problems = extract(rendered)
    out.mkdir(parents=True, exist_ok=True)
    rules = out / RULES_NAME
    rules.write_text(yaml.safe_dump(spec, sort_keys=False, width=1000))
    tests = yaml.safe_load(TESTS.read_text())
    tests["rule_files"] = [RULES_NAME]
    (out / "rules-test.yaml").write_text(yaml.safe_dump(tests, sort_keys=False, width=1000))
    alerts = [rule["alert"] for group in spec["groups"] for rule in group["rules"]]
    print(f"{len(alerts)} alerts in {rules}: {', '.join(alerts)}")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
