"""Offline checks of the Kubernetes manifests in deploy/kubernetes/.

    python -m devtools.kubernetes        # exit 1 on any finding

Every kustomization (the base and each overlay) is rendered with `kustomize build` (or `kubectl
kustomize`) when one is installed; the rendered objects are validated against the Kubernetes
OpenAPI schemas that kubernetes-validate ships (strict: unknown fields are errors), and then
checked for the properties the README promises: no root, no secret values in the files, probes
on the health endpoints, resource requests, exactly one beat, migrations before web. Without a
kustomize binary the base's files are checked one by one and the overlays are skipped, with a
note saying so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = ROOT / "deploy" / "kubernetes"
# The oldest Kubernetes minor version still supported by the big providers at the time of
# writing; manifests valid here are valid on the newer ones.
KUBERNETES_VERSION = "1.31.0"
WORKLOADS = {"Deployment", "Job"}


@dataclass
class Report:
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: int = 0

    def fail(self, where: str, message: str) -> None:
        self.findings.append(f"{where}: {message}")


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def kustomizations() -> list[Path]:
    return sorted(path.parent for path in MANIFESTS.rglob("kustomization.yaml"))


def render(directory: Path, command: list[str]) -> list[dict]:
    result = subprocess.run(
        [*command, str(directory)], capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"{command} failed")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def base_files(directory: Path) -> list[dict]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    documents = []
    for name in kustomization.get("resources", []):
        documents.extend(doc for doc in yaml.safe_load_all((directory / name).read_text()) if doc)
    return documents


def _name(doc: dict) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def check_objects(where: str, documents: list[dict], report: Report) -> None:
    by_kind: dict[str, list[dict]] = {}
    for doc in documents:
        report.checked += 1
        by_kind.setdefault(doc.get("kind", ""), []).append(doc)
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            report.fail(f"{where} {_name(doc)}", f"schema: {error.message}")
        if doc.get("kind") == "Secret":
            report.fail(
                f"{where} {_name(doc)}", "secret values belong in the environment, not here"
            )
        if doc.get("kind") in WORKLOADS:
            check_pod(f"{where} {_name(doc)}", doc["spec"]["template"]["spec"], report)
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    check_roles(where, deployments, by_kind, report)


def check_pod(where: str, pod: dict, report: Report) -> None:
    security = pod.get("securityContext", {})
    if not security.get("runAsNonRoot") or not security.get("runAsUser"):
        report.fail(where, "the pod must set runAsNonRoot and a numeric runAsUser")
    if pod.get("automountServiceAccountToken") is not False:
        report.fail(where, "no Kubernetes API token is needed: automountServiceAccountToken: false")
    for container in pod.get("initContainers", []) + pod.get("containers", []):
        here = f"{where} container {container['name']}"
        context = container.get("securityContext", {})
        if context.get("allowPrivilegeEscalation") is not False:
            report.fail(here, "allowPrivilegeEscalation must be false")
        if context.get("capabilities", {}).get("drop") != ["ALL"]:
            report.fail(here, "must drop all capabilities")
        requests = container.get("resources", {}).get("requests", {})
        if not {"cpu", "memory"} <= requests.keys():
            report.fail(here, "needs cpu and memory requests")
        for variable in container.get("env", []):
            if "value" in variable and any(
                word in variable["name"] for word in ("SECRET", "PASSWORD", "URL")
            ):
                report.fail(here, f"{variable['name']} must come from a Secret")


def _probe_path(container: dict, probe: str) -> str | None:
    return container.get(probe, {}).get("httpGet", {}).get("path")


def check_roles(where: str, deployments: dict, by_kind: dict, report: Report) -> None:
    web = deployments.get("kvp-sak-web")
    beat = deployments.get("kvp-sak-beat")
    if web is None or beat is None or "kvp-sak-worker" not in deployments:
        report.fail(where, "web, worker and beat Deployments are all needed")
        return
    container = web["spec"]["template"]["spec"]["containers"][0]
    if _probe_path(container, "readinessProbe") != "/helse/klar/":
        report.fail(where, "web readiness must probe /helse/klar/")
    if _probe_path(container, "livenessProbe") != "/helse/":
        report.fail(where, "web liveness must probe /helse/")
    waits = [c["command"] for c in web["spec"]["template"]["spec"].get("initContainers", [])]
    if not any("migrate --check" in " ".join(command) for command in waits):
        report.fail(where, "web must wait for the migrations (init container with migrate --check)")
    if (
        beat["spec"].get("replicas") != 1
        or beat["spec"].get("strategy", {}).get("type") != "Recreate"
    ):
        report.fail(where, "beat must run exactly once: replicas 1 and the Recreate strategy")
    if any(
        hpa["spec"]["scaleTargetRef"]["name"] == "kvp-sak-beat"
        for hpa in by_kind.get("HorizontalPodAutoscaler", [])
    ):
        report.fail(where, "beat must not be autoscaled")
    if not any(
        "migrate" in " ".join(c.get("command", []))
        for job in by_kind.get("Job", [])
        for c in job["spec"]["template"]["spec"]["containers"]
    ):
        report.fail(where, "a Job must run the migrations")
    if not by_kind.get("PodDisruptionBudget"):
        report.fail(where, "a PodDisruptionBudget must keep web serving during node drains")


def check_all() -> Report:
    report = Report()
    command = kustomize_command()
    for directory in kustomizations():
        where = str(directory.relative_to(ROOT))
        if command is None:
            kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
            if any(str(name).startswith("..") for name in kustomization.get("resources", [])):
                report.notes.append(f"{where}: skipped (no kustomize or kubectl to render it)")
                continue
            documents = base_files(directory)
        else:
            try:
                documents = render(directory, command)
            except RuntimeError as error:
                report.fail(where, f"kustomize: {error}")
                continue
        check_objects(where, documents, report)
    return report


def main() -> int:
    report = check_all()
    for note in report.notes:
        print(f"note: {note}")
    for finding in report.findings:
        print(f"FEIL: {finding}")
    print(
        f"{report.checked} Kubernetes objects checked against {KUBERNETES_VERSION}: "
        f"{len(report.findings)} findings"
    )
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
