"""The Kubernetes manifests validate offline and keep the properties the README promises."""

import shutil

import pytest
import yaml

from devtools import kubernetes


def test_the_manifests_validate_and_keep_their_promises():
    report = kubernetes.check_all()

    assert report.findings == []
    # base + the example overlay, rendered when a kustomize is installed; the base alone if not.
    assert report.checked >= 10


@pytest.fixture
def manifests(tmp_path, monkeypatch):
    copy = tmp_path / "deploy" / "kubernetes"
    shutil.copytree(kubernetes.MANIFESTS, copy)
    monkeypatch.setattr(kubernetes, "ROOT", tmp_path)
    monkeypatch.setattr(kubernetes, "MANIFESTS", copy)
    return copy


def _edit(path, change):
    documents = list(yaml.safe_load_all(path.read_text()))
    change(documents[0])
    path.write_text(yaml.safe_dump_all(documents))


def test_a_second_beat_a_root_pod_and_a_misspelt_field_are_found(manifests):
    base = manifests / "base"
    _edit(base / "beat-deployment.yaml", lambda beat: beat["spec"].update(replicas=2))
    _edit(
        base / "worker-deployment.yaml",
        lambda worker: worker["spec"]["template"]["spec"]["securityContext"].pop("runAsNonRoot"),
    )
    _edit(base / "web-service.yaml", lambda service: service["spec"].update(portz=[]))

    findings = "\n".join(kubernetes.check_all().findings)

    assert "beat must run exactly once" in findings
    assert "Deployment/kvp-sak-worker: the pod must set runAsNonRoot" in findings
    assert "'portz' was unexpected" in findings


def test_a_secret_value_in_the_files_is_found(manifests):
    def put_password_in_env(job):
        container = job["spec"]["template"]["spec"]["containers"][0]
        container["env"] = [{"name": "DATABASE_URL", "value": "postgres://kvp:hemmelig@db/kvp"}]

    _edit(manifests / "base" / "migrate-job.yaml", put_password_in_env)

    findings = "\n".join(kubernetes.check_all().findings)

    assert "DATABASE_URL must come from a Secret" in findings
