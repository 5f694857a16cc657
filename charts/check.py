"""Offline checks of charts/loom-gateway, run by `nox -s chart` (which then validates what this writes
against Kubernetes' schemas with kubernetes-validate and the values files with check-jsonschema).

With Helm 4's library (helm-python-sdk; no helm binary, no cluster, no network):

1. ``helm lint --strict`` against Kubernetes KUBE_VERSION, with the defaults and with each scenario;
2. render the defaults, each ``ci/*-values.yaml`` scenario and a longest-allowed release name, and
   write every manifest to ``OUT/<scenario>/<template>.yaml``;
3. check what neither Helm nor the Kubernetes schemas know: no duplicate keys in rendered YAML; names
   and labels within 63 characters; every LOOM_* variable is a real setting and the rendered
   environment loads with the gateway's own ``load_settings``; the topic Job gets the very settings
   the ConfigMap holds; ``checksum/config`` is the ConfigMap's hash and ``checksum/catalog`` the
   catalog's (recomputed here from generated/); the grace period covers the drain; hardened pods;
   selectors that select the gateway's pods; the PrometheusRule and the dashboard ConfigMap are
   rendered iff enabled, every alert has a summary, a description and a runbook_url to its anchor,
   and the ConfigMap holds the committed dashboard (promtool checks the rules themselves:
   charts/monitoring/rules.py);
4. values.yaml documents every key, values.schema.json describes every property and closes every
   object; values that must be refused (unknown keys, bad enums, contradictions) are refused; a
   changed schema changes the catalog checksum.

Exits 1 with every problem listed; ``python charts/check.py --help`` for options.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import json
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml
from catalog_digest import catalog_digest  # beside this file: the checksum the deploy computes
from yamllint import linter
from yamllint.config import YamlLintConfig

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "charts" / "loom-gateway"
CATALOG_SOURCE = ROOT / "generated" / "loom_catalog" / "schemas"
KUBE_VERSION = "v1.32.0"
NAMESPACE = "loom"
LONGEST_RELEASE = "r" * 53  # Helm's limit for release names
REPORT_GRACE_S = 5
"""_REPORT_GRACE_S of src/loom_gateway/kafka/producer.py: checked against it, as the drain depends on it."""

infos: set[str] = set()  # lint's informational findings, shown once
YAMLLINT = YamlLintConfig(
    "rules: {key-duplicates: enable, anchors: enable, truthy: {allowed-values: ['true', 'false'],"
    " check-keys: false}, new-line-at-end-of-file: disable}"
)
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_VAR_REFERENCE = re.compile(r"\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)")


class Problems(list[str]):
    def add(self, where: str, what: str) -> None:
        self.append(f"{where}: {what}")


# -- values and schema ---------------------------------------------------------------------------------


def scenarios() -> dict[str, dict[str, Any]]:
    """Scenario name → user values; "defaults" is no values at all."""
    found: dict[str, dict[str, Any]] = {"defaults": {}}
    for path in sorted((CHART / "ci").glob("*-values.yaml")):
        found[path.name.removesuffix("-values.yaml")] = yaml.safe_load(path.read_text()) or {}
    return found


def check_values_documented(problems: Problems) -> None:
    """The first line names the schema, and a comment stands right above every key."""
    lines = (CHART / "values.yaml").read_text().splitlines()
    if not lines or not lines[0].startswith("# yaml-language-server: $schema=values.schema.json"):
        problems.add(
            "values.yaml", "the first line must be '# yaml-language-server: $schema=values.schema.json'"
        )
    key = re.compile(r"^(\s*)([A-Za-z][\w.-]*):(\s|$)")
    for number, line in enumerate(lines, 1):
        if not key.match(line):
            continue
        above = lines[number - 2].strip() if number > 1 else ""
        if not above.startswith("#"):
            problems.add(f"values.yaml:{number}", f"no comment right above {line.strip()!r}")


def check_schema_closed(problems: Problems) -> None:
    """Every object level refuses unknown keys or types its map values; every property is described."""
    schema = json.loads((CHART / "values.schema.json").read_text())

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and "additionalProperties" not in node
                and where != "/properties/global"
            ):
                problems.add("values.schema.json", f"{where or '/'} does not say additionalProperties")
            for name, sub in (node.get("properties") or {}).items():
                # Conditions (allOf/if/then) only restate properties described where they are declared.
                if isinstance(sub, dict) and not sub.get("description") and "/allOf/" not in where:
                    problems.add("values.schema.json", f"{where}/properties/{name} has no description")
            for name, sub in node.items():
                walk(sub, f"{where}/{name}")
        elif isinstance(node, list):
            for index, sub in enumerate(node):
                walk(sub, f"{where}/{index}")

    if schema.get("additionalProperties") is not False:
        problems.add("values.schema.json", "the root must have additionalProperties: false")
    walk(schema, "")


# Values Helm must refuse (schema or template), each with a word its message must contain.
MUST_FAIL: dict[str, tuple[dict[str, Any], str]] = {
    "an unknown top-level key": ({"replicas": 3}, "replicas"),
    "an unknown nested key": ({"kafka": {"bootstrapServer": "kafka:9092"}}, "bootstrapServer"),
    "a log level outside the enum": ({"gateway": {"logLevel": "TRACE"}}, "logLevel"),
    "a SASL mechanism outside the enum": ({"kafka": {"sasl": {"mechanism": "GSSAPI"}}}, "mechanism"),
    "a delivery timeout below the gateway's minimum": (
        {"kafka": {"deliveryTimeoutMs": 500}},
        "deliveryTimeoutMs",
    ),
    "too many workers": ({"gateway": {"workers": 65}}, "workers"),
    "a bootstrap server without a port": ({"kafka": {"bootstrapServers": "kafka"}}, "bootstrapServers"),
    "SASL without a Secret": ({"kafka": {"sasl": {"enabled": True}}}, "existingSecret"),
    "a chart-made key Secret without keys": ({"auth": {"create": True}}, "apiKeys"),
    "keys in values without auth.create": ({"auth": {"apiKeys": {"k" * 24: "*"}}}, "auth.create"),
    "a listed key the gateway would refuse": (
        {"auth": {"create": True, "apiKeys": ["k" * 24 + "=*"]}},
        "apiKeys",
    ),
    "an empty key list": ({"auth": {"create": True, "apiKeys": []}}, "apiKeys"),
    "both PDB bounds": ({"podDisruptionBudget": {"minAvailable": 1}}, "podDisruptionBudget"),
    "root as the user": ({"securityContext": {"runAsUser": 0}}, "runAsUser"),
    "an alert severity outside the enum": (
        {"prometheusRule": {"alerts": {"notReady": {"severity": "page"}}}},
        "severity",
    ),
    "both a state store Secret and the trial store": (
        {"state": {"existingSecret": "loom-state", "trial": {"enabled": True}}},
        "state.existingSecret",
    ),
    "a state store timeout above the gateway's maximum": ({"state": {"timeoutMs": 60000}}, "timeoutMs"),
    "an alert window that is no duration": (
        {"prometheusRule": {"alerts": {"errorRatio": {"window": "5 minutes"}}}},
        "window",
    ),
}


def check_refusals(chart: helm.Chart, problems: Problems) -> int:
    for what, (values, word) in MUST_FAIL.items():
        try:
            chart.render(values, name="refused", namespace=NAMESPACE, is_install=True)
        except helm.HelmError as error:
            if word not in str(error):
                problems.add(
                    "refusals", f"{what} was refused, but the message does not name {word!r}: {error}"
                )
        else:
            problems.add("refusals", f"{what} was accepted: {values}")
    return len(MUST_FAIL)


# Chart-made key Secrets in either form (auth.apiKeys as a list or an object) → the keys the gateway reads.
KEY_FORMS: dict[str, tuple[Any, dict[str, frozenset[str] | None]]] = {
    "a key list": (
        ["list-key-0123456789abcdef", "list-key-fedcba9876543210=="],
        {
            "list-key-0123456789abcdef": None,
            "list-key-fedcba9876543210==": None,
        },
    ),
    "a key object": (
        {"object-key-0123456789abcd": "*", "phone-key-0123456789abcd": ["phone-1"]},
        {
            "object-key-0123456789abcd": None,
            "phone-key-0123456789abcd": frozenset({"phone-1"}),
        },
    ),
}


def check_key_forms(chart: helm.Chart, problems: Problems) -> int:
    """The Secret the chart makes from auth.apiKeys holds what the gateway's own parser reads back."""
    from loom_gateway.auth import parse_keys
    from loom_gateway.errors import LoomError

    for what, (api_keys, expected) in KEY_FORMS.items():
        for mode in ("file", "env"):
            values = {"auth": {"create": True, "mode": mode, "apiKeys": api_keys}}
            manifests = chart.render(values, name="loom", namespace=NAMESPACE, is_install=True)
            secret = yaml.safe_load(manifests["loom-gateway/templates/secret.yaml"])
            text = secret["stringData"]["api-keys.json"]
            try:
                read = parse_keys(text, f"{what} ({mode})")
            except LoomError as error:
                problems.add("auth.apiKeys", f"the gateway refuses the chart-made Secret: {error.detail}")
                continue
            if read != expected:
                problems.add("auth.apiKeys", f"{what} ({mode}) became a Secret the gateway reads otherwise")
    return len(KEY_FORMS)


# -- the catalog checksum -----------------------------------------------------------------------------


def check_catalog_link(problems: Problems) -> None:
    link = CHART / "catalog"
    if not link.is_symlink() or link.resolve() != CATALOG_SOURCE.resolve():
        problems.add(
            "catalog", f"charts/loom-gateway/catalog must be a link to {CATALOG_SOURCE.relative_to(ROOT)}"
        )
    elif not any(CATALOG_SOURCE.glob("*.json")):
        problems.add("catalog", f"{CATALOG_SOURCE.relative_to(ROOT)} holds no schemas")


def check_catalog_digest_follows_schemas(problems: Problems) -> None:
    """Render a copy of the chart whose catalog has one schema changed: the checksum must change."""
    with tempfile.TemporaryDirectory() as scratch:
        copy_dir = Path(scratch) / "loom-gateway"
        shutil.copytree(CHART, copy_dir, symlinks=False)
        before = _rendered_catalog_annotation(copy_dir)
        first = sorted((copy_dir / "catalog").glob("*.json"))[0]
        first.write_text(first.read_text().replace('"description"', '"description" ', 1))
        after = _rendered_catalog_annotation(copy_dir)
    if before == after:
        problems.add("checksum/catalog", "did not change when a schema changed")
    if before != catalog_digest(CATALOG_SOURCE):
        problems.add("checksum/catalog", "the copied chart's checksum differs from generated/'s")


def _rendered_catalog_annotation(chart_dir: Path) -> str:
    with helm.Chart.load(chart_dir) as chart:
        manifests = chart.render({}, name="loom", namespace=NAMESPACE, is_install=True)
    deployment = yaml.safe_load(manifests["loom-gateway/templates/deployment.yaml"])
    return str(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/catalog"])


# -- rendered manifests -------------------------------------------------------------------------------


def lint(package: Path, values: dict[str, Any], where: str, problems: Problems) -> None:
    report = helm.lint(package, values, strict=True, kube_version=KUBE_VERSION)
    for error in report.get("errors") or []:
        problems.add(f"lint {where}", str(error))
    for message in report.get("messages") or []:
        severity = ("UNKNOWN", "INFO", "WARNING", "ERROR")[message["severity"]]
        line = f"[{severity}] {message['path']}: {message['error']}"
        if message["severity"] >= 2:  # --strict: warnings fail too
            problems.add(f"lint {where}", line)
        elif message["severity"] == 1:
            infos.add(line)


def render(chart: helm.Chart, values: dict[str, Any], release: str, out: Path) -> dict[str, str]:
    """Template path → manifest text, for the templates that rendered to something; written under out."""
    manifests = chart.render(values, name=release, namespace=NAMESPACE, is_install=True)
    kept = {}
    for template, text in sorted(manifests.items()):
        if template.endswith("NOTES.txt") or not text.strip():
            continue
        kept[template] = text
        target = out / Path(template).relative_to(f"{chart.name}/templates")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return kept


def documents(manifests: dict[str, str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for template, text in manifests.items():
        for document in yaml.safe_load_all(text):
            if document:
                yield template, document


def check_manifests(
    scenario: str, merged: dict[str, Any], manifests: dict[str, str], problems: Problems
) -> list[str]:
    """Problems with the rendered manifests of one scenario; returns the kinds rendered."""
    for template, text in manifests.items():
        for found in linter.run(text, YAMLLINT):
            problems.add(f"{scenario} {template}:{found.line}", f"yamllint: {found.desc}")
    objects = {(doc["kind"], doc["metadata"]["name"]): doc for _, doc in documents(manifests)}
    _check_names(scenario, objects, problems)
    # The dashboard's ConfigMap is checked on its own (_check_monitoring), not as the gateway's.
    by_kind = {
        kind: doc
        for template, doc in documents(manifests)
        if not template.endswith((DASHBOARD_TEMPLATE, STATE_STORE_TEMPLATE))
        for kind in [doc["kind"]]
    }
    _check_monitoring(scenario, merged, manifests, problems)
    _check_state_store(scenario, merged, manifests, problems)
    if not {"Deployment", "ConfigMap", "Service"} <= by_kind.keys():
        problems.add(scenario, "no Deployment, ConfigMap or Service")
        return sorted(by_kind)
    configmap_text = manifests["loom-gateway/templates/configmap.yaml"]
    _check_pod_annotations(scenario, merged, by_kind["Deployment"], configmap_text, problems)
    _check_grace_period(scenario, merged, by_kind["Deployment"], problems)
    _check_selectors(scenario, by_kind, problems)
    gateway_env = _check_gateway(scenario, by_kind["Deployment"], by_kind["ConfigMap"]["data"], problems)
    job = by_kind.get("Job")
    if merged["topicJob"]["enabled"] != (job is not None):
        problems.add(scenario, "the topic Job is rendered iff topicJob.enabled")
    if job is not None:
        _check_topic_job(scenario, job, gateway_env, problems)
    return sorted(by_kind)


DASHBOARD_TEMPLATE = "templates/grafana-dashboard.yaml"
STATE_STORE_TEMPLATE = "templates/state-store.yaml"
RULE_TEMPLATE = "templates/prometheusrule.yaml"
DASHBOARD = CHART / "dashboards" / "loom-gateway.json"
"""Generated by charts/monitoring/dashboard.py (its --check runs in `nox -s chart` too)."""


def _check_monitoring(
    scenario: str, merged: dict[str, Any], manifests: dict[str, str], problems: Problems
) -> None:
    """The dashboard ConfigMap and the PrometheusRule: rendered iff enabled; the ConfigMap carries the
    sidecar's label and the committed dashboard; every alert has its annotations and a runbook link.
    (promtool checks and tests the rules themselves: charts/monitoring/rules.py.)"""
    dashboards = [doc for template, doc in documents(manifests) if template.endswith(DASHBOARD_TEMPLATE)]
    wanted = merged["grafanaDashboard"]
    if wanted["enabled"] != bool(dashboards):
        problems.add(scenario, "the dashboard ConfigMap is rendered iff grafanaDashboard.enabled")
    for configmap in dashboards:
        labels = configmap["metadata"]["labels"]
        if labels.get(wanted["label"]) != wanted["labelValue"]:
            problems.add(scenario, f"the dashboard ConfigMap lacks the label {wanted['label']}")
        if configmap["data"].get("loom-gateway.json") != DASHBOARD.read_text().rstrip("\n"):
            problems.add(scenario, f"the dashboard ConfigMap does not hold {DASHBOARD.relative_to(ROOT)}")
    rules = [doc for template, doc in documents(manifests) if template.endswith(RULE_TEMPLATE)]
    if merged["prometheusRule"]["enabled"] != bool(rules):
        problems.add(scenario, "the PrometheusRule is rendered iff prometheusRule.enabled")
    for rule_set in rules:
        for group in rule_set["spec"]["groups"]:
            for rule in group["rules"]:
                annotations = rule.get("annotations") or {}
                missing = {"summary", "description", "runbook_url"} - annotations.keys()
                if missing:
                    problems.add(scenario, f"alert {rule.get('alert')} has no {sorted(missing)}")
                anchor = "#" + str(rule.get("alert")).lower()
                if not str(annotations.get("runbook_url", "")).endswith(anchor):
                    problems.add(
                        scenario, f"alert {rule.get('alert')}'s runbook_url does not end in {anchor}"
                    )


def _check_state_store(
    scenario: str, merged: dict[str, Any], manifests: dict[str, str], problems: Problems
) -> None:
    """The trial state store: rendered iff state.trial.enabled, hardened like the gateway, its Service
    selecting its pod and named by the gateway's LOOM_STATE_URL."""
    objects = {
        doc["kind"]: doc for template, doc in documents(manifests) if template.endswith(STATE_STORE_TEMPLATE)
    }
    if merged["state"]["trial"]["enabled"] != bool(objects):
        problems.add(scenario, "the trial state store is rendered iff state.trial.enabled")
    if not objects:
        return
    deployment, service = objects["Deployment"], objects["Service"]
    _check_hardened(f"{scenario} state store", deployment["spec"]["template"], problems)
    if (
        not service["spec"]["selector"].items()
        <= deployment["spec"]["template"]["metadata"]["labels"].items()
    ):
        problems.add(scenario, "the trial state store's Service does not select its pod")
    gateway = next(
        doc for template, doc in documents(manifests) if template.endswith("templates/deployment.yaml")
    )
    urls = [
        e.get("value")
        for e in _container(gateway["spec"]["template"], "gateway")["env"]
        if e["name"] == "LOOM_STATE_URL"
    ]
    if urls != [f"redis://{service['metadata']['name']}:6379/0"]:
        problems.add(scenario, f"the gateway's LOOM_STATE_URL is {urls}, not the trial store's Service")


def _check_names(scenario: str, objects: dict[tuple[str, str], dict[str, Any]], problems: Problems) -> None:
    for (kind, name), doc in objects.items():
        where = f"{scenario} {kind}/{name}"
        if len(name) > 63 or not _DNS_LABEL.match(name):
            problems.add(where, "the name is not a DNS label of at most 63 characters")
        for label, value in (doc["metadata"].get("labels") or {}).items():
            if len(str(value)) > 63 or not _LABEL_VALUE.match(str(value)):
                problems.add(where, f"label {label}={value!r} is not a valid label value")


def check_report_grace(problems: Problems) -> None:
    from loom_gateway.kafka import producer

    if producer._REPORT_GRACE_S != REPORT_GRACE_S:
        problems.add(
            "drain",
            f"the producer's report grace is {producer._REPORT_GRACE_S} s, the chart counts"
            f" {REPORT_GRACE_S} s: update loom-gateway.drainSeconds in _helpers.tpl and REPORT_GRACE_S here",
        )


def _check_pod_annotations(
    scenario: str, merged: dict[str, Any], deployment: dict[str, Any], configmap_text: str, problems: Problems
) -> None:
    annotations = deployment["spec"]["template"]["metadata"].get("annotations") or {}
    if annotations.get("checksum/config") != hashlib.sha256(configmap_text.encode()).hexdigest():
        problems.add(scenario, "checksum/config is not the sha256 of the rendered ConfigMap")
    wanted = merged["catalog"]["digest"] or catalog_digest(CATALOG_SOURCE)
    if annotations.get("checksum/catalog") != wanted:
        problems.add(scenario, f"checksum/catalog is {annotations.get('checksum/catalog')}, not {wanted}")


def _check_grace_period(
    scenario: str, merged: dict[str, Any], deployment: dict[str, Any], problems: Problems
) -> None:
    """preStop sleep + the drain + margin. The drain: requests answered within the delivery timeout
    + the producer's report grace, then the device registry's last write and the producers' flush,
    the delivery timeout each (tests/integration/test_shutdown_drain.py measures the same bound)."""
    delivery_s = math.ceil(merged["kafka"]["deliveryTimeoutMs"] / 1000)
    drain_s = 3 * delivery_s + REPORT_GRACE_S
    shutdown = merged["shutdown"]
    wanted = shutdown["preStopSleepSeconds"] + drain_s + shutdown["marginSeconds"]
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    if grace != wanted or grace <= drain_s:
        problems.add(scenario, f"terminationGracePeriodSeconds is {grace}, not {wanted}")


def _check_selectors(scenario: str, by_kind: dict[str, dict[str, Any]], problems: Problems) -> None:
    deployment, service = by_kind["Deployment"], by_kind["Service"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    if not selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items():
        problems.add(scenario, "the Deployment's selector does not select its pods")
    selecting = {
        "Service": lambda doc: doc["spec"]["selector"],
        "PodDisruptionBudget": lambda doc: doc["spec"]["selector"]["matchLabels"],
        "NetworkPolicy": lambda doc: doc["spec"]["podSelector"]["matchLabels"],
    }
    for kind, get in selecting.items():
        if kind in by_kind and get(by_kind[kind]) != selector:
            problems.add(scenario, f"the {kind} does not select the gateway's pods")
    if "ServiceMonitor" in by_kind:
        monitor = by_kind["ServiceMonitor"]["spec"]
        if not monitor["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items():
            problems.add(scenario, "the ServiceMonitor does not select the Service")
        if {endpoint["port"] for endpoint in monitor["endpoints"]} != {"http"}:
            problems.add(scenario, "the ServiceMonitor does not scrape the http port")
    if "HorizontalPodAutoscaler" in by_kind:
        target = by_kind["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"]
        if target != deployment["metadata"]["name"]:
            problems.add(scenario, "the HPA does not scale the Deployment")
        if "replicas" in deployment["spec"]:
            problems.add(scenario, "the Deployment sets replicas although the HPA owns them")


def _check_gateway(
    scenario: str, deployment: dict[str, Any], configmap: dict[str, str], problems: Problems
) -> dict[str, str]:
    """The gateway container; returns its environment."""
    pod = deployment["spec"]["template"]
    gateway = _container(pod, "gateway")
    if gateway["command"] != ["loom-gateway", "serve"]:
        problems.add(scenario, f"the gateway runs {gateway['command']}, not loom-gateway serve")
    probes = {
        name: gateway.get(name, {}).get("httpGet", {}).get("path")
        for name in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    if probes != {"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"}:
        problems.add(scenario, f"probes are {probes}")
    if not gateway.get("resources", {}).get("requests"):
        problems.add(scenario, "the gateway has no resource requests")
    _check_hardened(f"{scenario} Deployment", pod, problems)
    environment = _environment(gateway, configmap, f"{scenario} gateway", problems)
    _check_settings(f"{scenario} gateway", environment, problems)
    return environment


def _check_topic_job(
    scenario: str, job: dict[str, Any], gateway_env: dict[str, str], problems: Problems
) -> None:
    hooks = set(job["metadata"]["annotations"]["helm.sh/hook"].split(","))
    if hooks != {"pre-install", "pre-upgrade"}:
        problems.add(scenario, f"the topic Job's hooks are {hooks}")
    pod = job["spec"]["template"]
    topics = _container(pod, "topics")
    if topics["command"] != ["loom-gateway", "topics", "apply"]:
        problems.add(scenario, f"the topic Job runs {topics['command']}")
    _check_hardened(f"{scenario} Job", pod, problems)
    environment = _environment(topics, {}, f"{scenario} topic Job", problems)
    # The same settings as the gateway's, but for the API keys and the state store, which topics apply
    # never reads.
    unread = {"LOOM_API_KEYS", "LOOM_STATE_URL"}
    if _loom(environment) != {k: v for k, v in _loom(gateway_env).items() if k not in unread}:
        problems.add(scenario, "the topic Job's LOOM_* settings differ from the gateway's")
    _check_settings(f"{scenario} topic Job", environment, problems)


def _loom(environment: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in environment.items() if name.startswith("LOOM_")}


def _container(pod: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in pod["spec"]["containers"] if c["name"] == name)


def _check_hardened(where: str, pod: dict[str, Any], problems: Problems) -> None:
    spec = pod["spec"]
    if spec.get("securityContext", {}).get("runAsNonRoot") is not True:
        problems.add(where, "the pod may run as root")
    if spec.get("securityContext", {}).get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.add(where, "the pod's seccomp profile is not RuntimeDefault")
    if spec.get("automountServiceAccountToken") is not False:
        problems.add(where, "the pod mounts a ServiceAccount token")
    tmp = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
    for container in spec["containers"]:
        context = container.get("securityContext", {})
        wanted = {"runAsNonRoot": True, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False}
        if any(context.get(key) != value for key, value in wanted.items()):
            problems.add(where, f"container {container['name']} is not {wanted}")
        if context.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.add(where, f"container {container['name']} keeps capabilities")
        if not any(m["mountPath"] == "/tmp" and m["name"] in tmp for m in container.get("volumeMounts", [])):
            problems.add(where, f"container {container['name']} has no emptyDir on /tmp")


def _environment(
    container: dict[str, Any], configmap: dict[str, str], where: str, problems: Problems
) -> dict[str, str]:
    """The container's environment as the kubelet builds it: envFrom, then env with $(VAR) expanded;
    Secret values are stand-ins."""
    environment = dict(configmap) if container.get("envFrom") else {}
    for entry in container.get("env", []):
        name = entry["name"]
        if name in environment:
            problems.add(where, f"{name} is set twice (in env, or in env and the ConfigMap)")
        if "value" in entry:
            environment[name] = _VAR_REFERENCE.sub(
                lambda m: environment.get(m.group(1), m.group(0)), entry["value"]
            )
        elif "secretKeyRef" in entry.get("valueFrom", {}):
            environment[name] = _SECRET_STAND_INS.get(name, "stand-in")
        else:
            environment[name] = "stand-in"
    return environment


_SECRET_STAND_INS = {
    "LOOM_API_KEYS": '{"stand-in-key-0123456789": "*"}',
    "LOOM_STATE_URL": "redis://:stand-in@valkey:6379/0",
}
"""What a Secret holds in the form the gateway reads, for the settings check."""


def _check_settings(where: str, environment: dict[str, str], problems: Problems) -> None:
    """Every LOOM_* variable is a setting, and the gateway's own loader accepts them all."""
    from loom_gateway.errors import LoomError
    from loom_gateway.settings import Settings, load_settings

    known = {f"LOOM_{name.upper()}" for name in Settings.model_fields}
    for name in sorted(environment):
        if name.startswith("LOOM_") and name not in known:
            problems.add(where, f"{name} is not a setting of src/loom_gateway/settings.py")
    if any(re.search(r"\$\([^)]*\)", value) for value in environment.values()):
        problems.add(where, "a $(VAR) reference is left unexpanded")
    with _only_environment(_loom(environment)):
        try:
            load_settings()
        except LoomError as error:
            problems.add(where, f"the gateway refuses its settings: {error.detail}")


@contextlib.contextmanager
def _only_environment(loom: dict[str, str]) -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("LOOM_")}
    for name in saved:
        del os.environ[name]
    os.environ.update(loom)
    try:
        yield
    finally:
        for name in loom:
            del os.environ[name]
        os.environ.update(saved)


# -- main ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, help="where to write the rendered manifests (default: a temporary directory)"
    )
    args = parser.parse_args()
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="loom-chart-"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    problems = Problems()
    check_catalog_link(problems)
    check_values_documented(problems)
    check_schema_closed(problems)
    check_report_grace(problems)
    cases = scenarios()
    # Everything below runs on the packaged chart, as a user would install it; packaging follows the
    # catalog/ link (Helm logs "found symbolic link in path" once, here).
    package = Path(helm.package(CHART, destination=out / "package"))
    sys.stderr.flush()
    with helm.Chart.load(package) as chart:
        app = chart.metadata.get("appVersion")
        print(
            f"chart {chart.name} {chart.version} (app {app}), Helm {helm.helm_sdk_version()}, {KUBE_VERSION}"
        )
        catalog_files = sum(f["name"].startswith("catalog/") for f in chart.files)
        print(f"  packaged as {package.relative_to(out)}, with {catalog_files} catalog files")
        runs = [(name, values, "loom") for name, values in cases.items()]
        runs.append(("defaults-longest-release-name", {}, LONGEST_RELEASE))
        for name, values, release in runs:
            before = len(problems)
            lint(package, values, name, problems)
            try:
                chart.validate_schema(values)
                merged = chart.merge_values(copy.deepcopy(values))
                manifests = render(chart, values, release, out / name)
            except helm.HelmError as error:
                problems.add(name, f"does not render: {error}")
                continue
            kinds = check_manifests(name, merged, manifests, problems)
            status = "ok" if len(problems) == before else f"{len(problems) - before} problem(s)"
            print(f"  {name:32} {status:14} {', '.join(kinds)}")
        refused = check_refusals(chart, problems)
        print(f"  {'refusals':32} {refused} bad values files, each refused")
        forms = check_key_forms(chart, problems)
        print(f"  {'auth.apiKeys':32} {forms} forms, each read back by the gateway's parser")
    check_catalog_digest_follows_schemas(problems)
    print(f"  catalog checksum               {catalog_digest(CATALOG_SOURCE)} (changes with a schema)")
    print(f"rendered manifests: {out}")
    for info in sorted(infos):
        print(f"lint, for information: {info}")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
