"""The book's task graph on Dask: the same bytes in this process, on local worker processes and
on a cluster reached by address; a worker killed in the middle of a build leaves dist/ intact and
the build either completes or ends with a clear error; a chapter's part is not laid out again when
nothing in it changed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from bench.book import make_book
from tests.support import ROOT, run_build


@pytest.fixture(scope="module")
def book_source(tmp_path_factory):
    return make_book(tmp_path_factory.mktemp("graph") / "book", chapters=2, paragraphs=4)


def _fresh_copy(source, target):
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", "dist"))
    return target


def _outputs(root) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "dist").iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def in_process(book_source, tmp_path_factory):
    root = _fresh_copy(book_source, tmp_path_factory.mktemp("in-process") / "book")
    result = run_build(root, "build", "--in-process")
    assert result.returncode == 0, result.stderr
    return root


def test_two_worker_processes_give_the_bytes_of_the_in_process_build(book_source, in_process, tmp_path):
    root = _fresh_copy(book_source, tmp_path / "book")
    result = run_build(root, "build", "--processes", env={**os.environ, "EDITION_JOBS": "2"})
    assert result.returncode == 0, result.stderr
    mine, reference = _outputs(root), _outputs(in_process)
    assert sorted(mine) == sorted(reference) and len(mine) >= 5
    assert [name for name in mine if mine[name] != reference[name] and name != ".build-manifest.json"] == []


def _cluster():
    from distributed import LocalCluster

    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)


def test_a_cluster_reached_by_address_gives_the_same_bytes_and_a_killed_worker_harms_nothing(
        book_source, in_process, tmp_path):
    """Built on a LocalCluster reached through --scheduler, like a remote one; one of its two worker
    processes is killed while the build runs (its nanny starts another). The build completes with
    the in-process bytes, or fails with a clear message and dist/ as it was."""
    from distributed import Client

    root = _fresh_copy(book_source, tmp_path / "book")
    cluster = _cluster()
    killed = []
    try:
        with Client(cluster) as client:
            address = cluster.scheduler_address
            pids = client.run(os.getpid)
            build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root), "build",
                                      "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)

            def kill_when_busy():
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and build.poll() is None:
                    busy = [w for w, keys in client.processing().items() if any("lay-out" in k for k in keys)]
                    if busy:
                        os.kill(pids[busy[0]], 9)
                        killed.append(busy[0])
                        return
                    time.sleep(0.05)

            watcher = threading.Thread(target=kill_when_busy)
            watcher.start()
            out, err = build.communicate(timeout=600)
            watcher.join()
    finally:
        cluster.close()
    assert killed, "no layout ran on the cluster: nothing was killed"
    if build.returncode == 0:
        mine, reference = _outputs(root), _outputs(in_process)
        assert [n for n in mine if mine[n] != reference.get(n) and n != ".build-manifest.json"] == []
    else:
        assert "Traceback" not in err and ("worker" in err.lower() or "killed" in err.lower()), err
        assert not (root / "dist").exists() or not list((root / "dist").iterdir())
    assert not list(root.glob(".dist-staging-*"))


def test_an_unchanged_chapter_is_not_laid_out_again(book_source, tmp_path):
    """After a note of chapter 2 is edited, chapter 1 comes from the cache (its part, at its page),
    chapter 2 is laid out again."""
    root = _fresh_copy(book_source, tmp_path / "book")
    assert run_build(root, "build", "--in-process").returncode == 0
    import yaml

    notes = root / "annotations" / "editorial-notes.yaml"
    data = yaml.safe_load(notes.read_text(encoding="utf-8"))
    note = next(a for a in data["annotations"] if a["id"].endswith("-ch2") and a["type"] == "footnote")
    note["body"] = "แก้ไข" + note["body"]
    notes.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_build(root, "build", "--in-process", "--timings")
    assert result.returncode == 0, result.stderr
    laid = re.search(r"laid out \d+ of \d+ parts: (.*) \(the others", result.stderr)
    assert laid, result.stderr
    assert "ch2" in laid.group(1).split(", ") and "ch1" not in laid.group(1).split(", "), result.stderr


def test_a_tls_scheduler_is_reached_with_the_certificates_book_yaml_names(book_source, in_process, tmp_path):
    """A scheduler that speaks only TLS: the build reaches it with the files book.yaml names and
    gives the in-process bytes; without them it stops with a clear message, before any work."""
    import yaml
    from distributed import LocalCluster
    from distributed.security import Security

    root = _fresh_copy(book_source, tmp_path / "book")
    security = Security.temporary()
    certs = root / "certs"
    certs.mkdir()
    for name, pem in (("ca.pem", security.tls_ca_file), ("client.pem", security.tls_client_cert),
                      ("client-key.pem", security.tls_client_key)):
        (certs / name).write_text(pem, encoding="utf-8")
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                           protocol="tls://", security=security, dashboard_address=None)
    try:
        address = cluster.scheduler_address
        assert address.startswith("tls://")
        refused = run_build(root, "build", "--scheduler", address)
        assert refused.returncode == 1 and "names no certificates" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
        manifest = yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8"))
        manifest["cluster"] = {"tls": {"ca": "certs/ca.pem", "cert": "certs/client.pem", "key": "certs/client-key.pem"}}
        (root / "book.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
        result = run_build(root, "build", "--scheduler", address)
    finally:
        cluster.close()
    assert result.returncode == 0, result.stderr
    mine, reference = _outputs(root), _outputs(in_process)
    assert [n for n in mine if mine[n] != reference.get(n) and n != ".build-manifest.json"] == []
