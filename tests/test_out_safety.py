"""Hostile output folders and file systems: specgen replaces only what it can prove it wrote,
follows (never replaces) a symlinked OUT, takes only safe package names, and reports what the
operating system refuses as such (with the path, exit 1), never as a bug in specgen."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from support import SEED_SPECS, openapi, run_specgen, specgen_in_process, write_spec

XAI = SEED_SPECS["xai-chat"]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_symlink() or p.is_file()}


def _generate(spec: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_specgen("generate", str(spec), "-o", str(out), "--formatter", "none", "--quiet", "--package", "xai", *extra)


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A good earlier generation (setup, in process: the tests judge the runs that follow)."""
    out = tmp_path / "out"
    assert specgen_in_process("generate", str(XAI), "-o", str(out), "--formatter", "none", "--quiet", "--package", "xai").returncode == 0
    return out


@pytest.mark.parametrize("forged", [{"generator": "specgen"}, {"generator": "specgen", "files": {"notes.txt": "0" * 64}}], ids=["bare", "hashes"])
def test_a_forged_manifest_does_not_hand_over_a_folder_of_user_files(tmp_path: Path, forged: dict[str, object]) -> None:
    out = tmp_path / "mine"
    (out / "src").mkdir(parents=True)
    (out / "src" / "app.py").write_text("print('mine')\n")
    (out / "notes.txt").write_text("precious")
    (out / "manifest.json").write_text(json.dumps(forged))
    before = _snapshot(tmp_path)
    res = _generate(XAI, out)
    assert res.returncode == 2, res.stderr
    assert "notes.txt" in res.stderr and "src/" in res.stderr and "refusing" in res.stderr and "no proof" in res.stderr
    assert _snapshot(tmp_path) == before


def test_user_files_added_to_a_generated_folder_stop_the_run_and_survive(generated: Path) -> None:
    (generated / ".git").mkdir()
    (generated / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (generated / "NOTES.md").write_text("my notes")
    (generated / "xai" / "custom.py").write_text("# mine\n")
    before = _snapshot(generated)
    res = _generate(XAI, generated)
    assert res.returncode == 2
    line = res.stderr.strip().splitlines()[-1]
    assert ".git/" in line and "NOTES.md" in line and "xai/custom.py" in line and "Move them out" in line
    assert _snapshot(generated) == before
    check = run_specgen("check", "--spec", str(XAI), "-o", str(generated))
    assert "NOTES.md: extra, not written by specgen" in check.stdout and check.returncode == 1


def test_caches_that_tools_write_beside_generated_code_do_not_block_regeneration(generated: Path) -> None:
    (generated / "xai" / "__pycache__").mkdir()
    (generated / "xai" / "__pycache__" / "_client.cpython-311.pyc").write_bytes(b"\0")
    (generated / ".pytest_cache").mkdir()
    (generated / ".pytest_cache" / "README.md").write_text("cache")
    assert run_specgen("check", "--spec", str(XAI), "-o", str(generated)).returncode == 0
    assert _generate(XAI, generated).returncode == 0


def test_a_hand_edited_generated_file_is_repaired_not_treated_as_foreign(generated: Path) -> None:
    target = generated / "xai" / "_client.py"
    original = target.read_bytes()
    target.write_bytes(original + b"# edit\n")
    assert _generate(XAI, generated).returncode == 0
    assert target.read_bytes() == original


def test_a_symlinked_out_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert _generate(XAI, link).returncode == 0
    assert link.is_symlink() and (real / "manifest.json").is_file()
    assert _generate(XAI, link).returncode == 0  # regenerating through the link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert run_specgen("check", "--spec", str(XAI), "-o", str(link)).returncode == 0


def test_a_dangling_symlink_out_is_refused_and_left_alone(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "missing" / "deeper")
    res = _generate(XAI, link)
    assert res.returncode == 2 and "does not exist" in res.stderr and "internal error" not in res.stderr
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_a_symlink_inside_out_is_never_followed_or_removed(generated: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("s3cret")
    (generated / "docs" / "linked").symlink_to(secret, target_is_directory=True)
    res = _generate(XAI, generated)
    assert res.returncode == 2 and "docs/linked" in res.stderr
    assert (generated / "docs" / "linked").is_symlink() and (secret / "key.txt").read_text() == "s3cret"
    check = run_specgen("check", "--spec", str(XAI), "-o", str(generated))
    assert check.returncode == 1 and "docs/linked: a symbolic link" in check.stdout and "s3cret" not in check.stdout


@pytest.mark.parametrize("name", ["class", "tests", "docs", "fixtures", "tools", "json", "typing", "httpx", "pydantic", "__main__", "Upper", "two words"])
def test_unsafe_package_names_are_refused(name: str, tmp_path: Path) -> None:
    res = run_specgen("generate", str(XAI), "-o", str(tmp_path / "out"), "--package", name, "--formatter", "none")
    assert res.returncode == 2 and "--package" in res.stderr, res.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("title, package", [("Tests", "tests_client"), ("JSON", "json_client"), ("Docs", "docs_client"), ("Pet Store", "pet_store")])
def test_a_package_name_from_the_title_never_collides(title: str, package: str, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, openapi({"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok"}}}}}, info={"title": title, "version": "1"}))
    out = tmp_path / "out"
    res = specgen_in_process("generate", str(spec), "-o", str(out), "--formatter", "none", "--quiet", "--no-validate")
    assert res.returncode == 0, res.stderr
    assert json.loads((out / "manifest.json").read_text())["options"]["package"] == package
    assert (out / package / "__init__.py").is_file()


def test_a_ref_through_a_symlink_leaving_the_spec_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("type: object\ndescription: TOP-SECRET-TEXT\n")
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "schemas.yaml").symlink_to(outside / "secret.yaml")
    spec = write_spec(folder, openapi({"/x": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "schemas.yaml"}}}}}}}}))
    out = tmp_path / "out"
    res = run_specgen("generate", str(spec), "-o", str(out), "--formatter", "none")
    assert res.returncode == 1 and "[ref-outside]" in res.stderr and "symbolic link" in res.stderr
    assert "TOP-SECRET-TEXT" not in res.stderr + res.stdout and not out.exists()
    # a link that stays inside the folder is fine
    (folder / "schemas.yaml").unlink()
    (folder / "real.yaml").write_text("type: object\ndescription: inside\n")
    (folder / "schemas.yaml").symlink_to(folder / "real.yaml")
    assert run_specgen("generate", str(spec), "-o", str(out), "--formatter", "none", "--quiet").returncode == 0


def test_a_url_as_spec_is_refused_with_how_to_download_it(tmp_path: Path) -> None:
    for cmd in (["generate", "https://example.com/openapi.yaml", "-o", str(tmp_path / "o")], ["validate", "http://example.com/a.json"], ["diff", "https://example.com/a.yaml", str(XAI)]):
        res = run_specgen(*cmd)
        assert res.returncode == 2, res.stderr
        assert "never fetches" in res.stderr and "curl -fsSL" in res.stderr and len(res.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ what the OS refuses


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (root may mount one here; elsewhere the tests skip)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {res.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_is_reported_with_the_path_and_exit_1(small_fs: Path) -> None:
    out = small_fs / "out"
    res = _generate(SEED_SPECS["openai-chat-2025"], out)
    assert res.returncode == 1
    assert "No space left on device" in res.stderr and str(small_fs) in res.stderr and "disk is full" in res.stderr
    assert "internal error" not in res.stderr and "bug" not in res.stderr
    assert not out.exists() and [p.name for p in small_fs.iterdir()] == []


def test_a_read_only_folder_is_reported_with_the_path_and_exit_1(small_fs: Path) -> None:
    out = small_fs / "out"
    (small_fs / "keep.txt").write_text("x")
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    res = _generate(XAI, out)
    assert res.returncode == 1
    assert "Read-only file system" in res.stderr and str(small_fs) in res.stderr and "read-only" in res.stderr
    assert "internal error" not in res.stderr and "bug" not in res.stderr


def test_an_immutable_out_is_reported_as_not_permitted(generated: Path) -> None:
    res = subprocess.run(["chattr", "+i", str(generated.parent)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {res.stderr.strip()}")
    try:
        before = hashlib.sha256(b"".join(_snapshot(generated).values())).hexdigest()
        out = _generate(SEED_SPECS["openai-chat-2025"], generated)
        assert out.returncode == 1 and "Operation not permitted" in out.stderr and str(generated.parent) in out.stderr
        assert "bug" not in out.stderr
        assert hashlib.sha256(b"".join(_snapshot(generated).values())).hexdigest() == before
    finally:
        subprocess.run(["chattr", "-i", str(generated.parent)], capture_output=True)
    shutil.rmtree(generated)
