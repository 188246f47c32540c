"""The workflows `sitegen init --publish` writes, and the repository's own: linted, pinned, run."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import sitegen
from sitegen.scaffold import PUBLISH

from .conftest import REPO, missing, run_cli, snapshot

KINDS = sorted(PUBLISH)


def actionlint(workflow: Path, *labels: str) -> subprocess.CompletedProcess[str]:
    """Run actionlint over one workflow; `labels` are runner labels it should know."""
    beside = Path(sys.executable).parent / "actionlint"
    tool = str(beside) if beside.exists() else shutil.which("actionlint")
    assert tool, "actionlint is part of the test tools: pip install -e '.[test]'"
    config = workflow.parent / "actionlint-test.yaml"
    config.write_text(yaml.safe_dump({"self-hosted-runner": {"labels": list(labels)}}))
    try:
        return subprocess.run(
            [tool, "-config-file", str(config), str(workflow)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        config.unlink()


def init(folder: Path, *options: str) -> Path:
    result = run_cli("init", folder, *options, env={"TZ": "UTC"})
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize("kind", KINDS)
def test_init_writes_a_workflow_that_passes_actionlint(tmp_path: Path, kind: str) -> None:
    site = init(tmp_path / "blog", "--publish", kind)
    workflow = site / PUBLISH[kind]
    # Forgejo's runners are chosen by labels its admins give them; `docker` is the usual one.
    result = actionlint(workflow, "docker")
    assert result.returncode == 0, result.stdout + result.stderr
    others = {p.relative_to(site).as_posix() for p in site.glob(".*/workflows/*")}
    assert others == {PUBLISH[kind]}  # one workflow, in the folder its forge reads


def test_the_repositorys_own_workflows_pass_actionlint() -> None:
    workflows = sorted((REPO / ".github/workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"ci.yml", "release.yml"}
    for workflow in workflows:
        result = actionlint(workflow)
        assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_ci_script_on_every_push_and_pull_request() -> None:
    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    assert set(ci[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as true
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert "bash .ci/run" in runs


def test_a_release_builds_installs_tries_and_publishes_without_a_token() -> None:
    release = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text())
    assert release[True] == {"push": {"tags": ["v*"]}}
    build, publish = release["jobs"]["build"], release["jobs"]["publish"]
    script = "\n".join(step.get("run", "") for step in build["steps"])
    assert "python -m build" in script and 'pip" install dist/*.whl' in script
    for command in ("init", "new", "build", "check"):
        assert f"clean/bin/sitegen {command}" in script
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert "pypa/gh-action-pypi-publish@release/v1" in uses
    assert "password" not in str(publish) and "secrets." not in str(publish)


def _project() -> tuple[str, str]:
    """This repository's distribution name and version, read as the build backend reads them."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["project"]["dynamic"] == ["version"]  # one source: hatch reads it
    path = REPO / pyproject["tool"]["hatch"]["version"]["path"]
    found = re.search(r'^__version__ = "([^"]+)"$', path.read_text(), re.M)
    assert found
    return pyproject["project"]["name"], found.group(1)


@pytest.mark.parametrize("kind", KINDS)
def test_the_workflow_installs_the_distribution_and_version_that_wrote_it(
    tmp_path: Path, kind: str
) -> None:
    name, version = _project()
    assert (sitegen.DISTRIBUTION, sitegen.__version__) == (name, version)
    assert name != "sitegen"  # that name on the package index is somebody else's project
    site = init(tmp_path / "blog", "--publish", kind)
    steps = _steps(site / PUBLISH[kind])
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == [f'pip install "{name}=={version}"']


def _steps(workflow: Path) -> list[dict[str, Any]]:
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    return [step for job in jobs.values() for step in job.get("steps", [])]


def _deploy_step(workflow: Path) -> dict[str, Any]:
    (step,) = [s for s in _steps(workflow) if s.get("id") == "deploy"]
    return step


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A real OpenSSH server on 127.0.0.1 that admits one new key; yields the deploy secrets."""
    server = Path("/usr/sbin/sshd")
    if not server.exists():
        missing("the OpenSSH server", "apt-get install openssh-server")
    for tool in ("rsync", "ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            missing(tool, "apt-get install rsync openssh-client")
    if os.geteuid() == 0 and not Path("/run/sshd").is_dir():
        missing("sshd's folder /run/sshd", "mkdir -p /run/sshd")
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True
        )
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
    port = _free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"PidFile {keys / 'sshd.pid'}\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\nPermitRootLogin prohibit-password\n"
    )
    process = subprocess.Popen(
        [str(server), "-D", "-e", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "sshd did not start listening"
                time.sleep(0.1)
        host_key = (keys / "host.pub").read_text().split()
        yield {
            "DEPLOY_HOST": "127.0.0.1",
            "DEPLOY_USER": getpass.getuser(),
            "DEPLOY_PATH": str(tmp_path / "www"),
            "DEPLOY_PORT": str(port),
            "DEPLOY_SSH_KEY": (keys / "client").read_text(),
            "DEPLOY_KNOWN_HOSTS": f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}",
        }
    finally:
        process.terminate()
        process.wait(timeout=20)


def _run_deploy(
    site: Path, secrets: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run the deploy step's own commands as the runner would, with these secrets."""
    step = _deploy_step(site / PUBLISH["ssh"])
    assert set(step["env"]) == set(secrets)  # every secret it reads, and only those
    for name, value in step["env"].items():
        assert value == f"${{{{ secrets.{name} }}}}"
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    # GitHub runs a `run` block with bash -e -o pipefail; RUNNER_TEMP is the job's own folder.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RUNNER_TEMP": str(runner)}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=site,
        env={**env, **secrets},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_ssh_workflow_deploys_with_rsync_to_a_real_ssh_server(
    tmp_path: Path, sshd: dict[str, str]
) -> None:
    site = init(tmp_path / "blog", "--publish", "ssh")
    assert run_cli("new", "Καλημέρα κόσμε", "--site", site).returncode == 0
    assert run_cli("build", "--site", site, "--base-url", "https://example.org/").returncode == 0
    www = Path(sshd["DEPLOY_PATH"])
    www.mkdir()
    (www / "left-over.html").write_text("from an older site")

    first = _run_deploy(site, sshd, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert snapshot(www) == snapshot(site / "output")  # an exact copy; the left-over is gone
    assert not (tmp_path / "runner/deploy_key").exists()  # the private key did not stay behind

    # Same size, same time, other bytes: only a comparison of contents finds it.
    page = www / "index.html"
    built = (site / "output/index.html").stat()
    page.write_bytes(b"x" * built.st_size)
    os.utime(page, ns=(built.st_atime_ns, built.st_mtime_ns))
    again = _run_deploy(site, sshd, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert snapshot(www) == snapshot(site / "output")


def test_the_ssh_workflow_refuses_a_server_whose_key_is_not_pinned(
    tmp_path: Path, sshd: dict[str, str]
) -> None:
    site = init(tmp_path / "blog", "--publish", "ssh")
    assert run_cli("build", "--site", site).returncode == 0
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "impostor")],
        check=True,
    )
    kind, key = (tmp_path / "impostor.pub").read_text().split()[:2]
    secrets = {**sshd, "DEPLOY_KNOWN_HOSTS": f"[127.0.0.1]:{sshd['DEPLOY_PORT']} {kind} {key}"}
    result = _run_deploy(site, secrets, tmp_path)
    assert result.returncode != 0
    assert "host key" in result.stderr.lower()
    assert not Path(sshd["DEPLOY_PATH"]).exists()
    assert not (tmp_path / "runner/deploy_key").exists()


def test_workflows_that_publish_from_site_toml_refuse_the_placeholder(tmp_path: Path) -> None:
    for kind in ("ssh", "forgejo"):
        site = init(tmp_path / kind, "--publish", kind)
        (guard,) = [s for s in _steps(site / PUBLISH[kind]) if "placeholder" in s.get("name", "")]
        refused = subprocess.run(["bash", "-e", "-c", guard["run"]], cwd=site, capture_output=True)
        assert refused.returncode == 1
        toml = site / "site.toml"
        toml.write_text(toml.read_text().replace("https://example.invalid/", "https://a.example/"))
        allowed = subprocess.run(["bash", "-e", "-c", guard["run"]], cwd=site, capture_output=True)
        assert allowed.returncode == 0


def test_the_forgejo_workflow_pushes_exactly_the_built_site_to_the_pages_branch(
    tmp_path: Path,
) -> None:
    site = init(tmp_path / "blog", "--publish", "forgejo")
    assert run_cli("build", "--site", site, "--base-url", "https://grete.example/").returncode == 0
    step = _deploy_step(site / PUBLISH["forgejo"])
    forge = tmp_path / "forge"
    remote = forge / "grete/tagebuch.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GITHUB_ACTOR": "grete",
        "GITHUB_SHA": "0123abc",
        "PAGES_TOKEN": "t0ken",
        "SERVER": "https://forge.example",
        "REPOSITORY": "grete/tagebuch",
        # The forge is a folder here: git sends what would go to the forge's address there,
        # with the very URL (token and all) that the step builds.
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{forge.as_uri()}/.insteadOf",
        "GIT_CONFIG_VALUE_0": "https://grete:t0ken@forge.example/",
    }
    assert set(step["env"]) == {"PAGES_TOKEN", "SERVER", "REPOSITORY"}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    published = tmp_path / "published"
    subprocess.run(
        ["git", "clone", "-q", "--branch", "pages", str(remote), str(published)],
        check=True,
        env=env,
    )
    shutil.rmtree(published / ".git")
    built = {k: v for k, v in snapshot(site / "output").items() if not k.startswith(".git/")}
    assert snapshot(published) == built
