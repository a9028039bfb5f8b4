"""What a user copies into CI: a validated [tool.specgen] config, this repository's
.pre-commit-hooks.yaml run for real by the `pre-commit` package in a throwaway git repo
(offline: `repo: local` hooks with the hook's own entry, run by the installed specgen), and
`git:REV:path` read as git reads it, every git failure one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support import ROOT, SEED_SPECS, run_specgen

from specgen.config import DIFF_KEYS, TARGET_KEYS, TOOL_KEYS, load_project
from specgen.diagnostics import UsageError

XAI = SEED_SPECS["xai-chat"]
GOOD_TARGET = 'name = "api"\nspec = "api.yaml"\n'


def _pyproject(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(body)
    shutil.copy(XAI, tmp_path / "api.yaml")
    return tmp_path


@pytest.mark.parametrize(
    "body, says",
    [
        ("[tool.specgen]\noutptu = 'gen'\n", ["unknown key `outptu`", "[tool.specgen]", "did you mean `output`?"]),
        (f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}pakage = 'x'\n", ["unknown key `pakage`", "[[tool.specgen.targets]] #1", "did you mean `package`?"]),
        (f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}formater = 'ruff'\n", ["unknown key `formater`", "did you mean `formatter`?"]),
        (f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}apikey_env = 'K'\n", ["unknown key `apikey_env`", "did you mean `api_key_env`?"]),
        ("[tool.specgen]\n[[tool.specgen.diffs]]\nname = 'd'\nold = 'a.yaml'\n", ["[[tool.specgen.diffs]] #1", "`new` is missing"]),
        ("[tool.specgen]\n[[tool.specgen.diffs]]\nname = 'd'\nold = 'a.yaml'\nnew = 'b.yaml'\ntittle = 'T'\n", ["unknown key `tittle`", "did you mean `title`?"]),
        ("[tool.specgen]\n[[tool.specgen.targets]]\nname = 'api'\n", ["`spec` is missing"]),
        (f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}formatter = 'yapf'\n", ["`formatter` must be one of black, ruff, none"]),
        (f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}package = 3\n", ["`package` must be a non-empty string"]),
        ("[tool.specgen]\ntargets = 'api'\n", ["`targets` must be an array of tables"]),
        (f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}[[tool.specgen.targets]]\n{GOOD_TARGET}", ["'api' is repeated"]),
        ("[tool.specgen]\n[[tool.specgen.targets]]\nname = 'x'\nspec = 'api.yaml'\nbogus_option_name = 1\n", ["unknown key `bogus_option_name`", "(valid keys: name, spec, package, formatter, api_key_env, tools_profile"]),
    ],
)
def test_each_config_mistake_gives_its_message(body: str, says: list[str], tmp_path: Path) -> None:
    root = _pyproject(tmp_path, body)
    with pytest.raises(UsageError) as err:
        load_project(root)
    for text in says:
        assert text in str(err.value), str(err.value)
    assert str(root / "pyproject.toml") in str(err.value)


def test_a_config_mistake_exits_2_in_one_line_for_every_command(tmp_path: Path) -> None:
    root = _pyproject(tmp_path, f"[tool.specgen]\n[[tool.specgen.targets]]\n{GOOD_TARGET}pakage = 'x'\n")
    for cmd in ("check", "regenerate"):
        res = run_specgen(cmd, cwd=root)
        assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert "did you mean `package`?" in res.stderr
    assert not (root / "generated").exists()


def test_every_config_key_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for table, keys in (("[tool.specgen]", TOOL_KEYS), ("[[tool.specgen.targets]]", TARGET_KEYS), ("[[tool.specgen.diffs]]", DIFF_KEYS)):
        for key, (required, _) in keys.items():
            row = f"| `{table}` | `{key}` | {'yes' if required else 'no'} |"
            assert row in readme, f"README's configuration table lacks {row}"


# ------------------------------------------------------------------ git:REV:path


def _git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    res = subprocess.run(["git", *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, check=True)
    return res.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    shutil.copy(XAI, root / "specs" / "api.yaml")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "first")
    return root


def test_git_paths_are_read_from_the_working_folder_as_git_reads_them(repo: Path) -> None:
    sub = repo / "specs"
    for old, cwd in (("git:HEAD:./api.yaml", sub), ("git:HEAD:specs/api.yaml", sub), ("git:HEAD:specs/api.yaml", repo), ("git:HEAD:../specs/api.yaml", sub)):
        res = run_specgen("diff", old, "api.yaml" if cwd == sub else "specs/api.yaml", "--fail-on", "info", cwd=cwd)
        assert res.returncode == 0, (old, cwd, res.stderr)


@pytest.mark.parametrize(
    "arg, cwd_kind, says",
    [
        ("git:HEAD~5:specs/api.yaml", "repo", "'HEAD~5' names no commit"),
        ("git:HEAD:specs/nope.yaml", "repo", "specs/nope.yaml does not exist at HEAD"),
        ("git:HEAD:specs/api.yaml", "outside", "is not inside a git repository"),
        ("git:HEAD", "repo", "write git:REV:path"),
        ("git:HEAD:../../etc/passwd", "repo", "outside the repository"),
    ],
)
def test_every_git_failure_is_one_specgen_line(repo: Path, tmp_path: Path, arg: str, cwd_kind: str, says: str) -> None:
    cwd = repo if cwd_kind == "repo" else tmp_path
    res = run_specgen("diff", arg, str(repo / "specs" / "api.yaml"), cwd=cwd)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"specgen: {arg}: ") and says in lines[0], res.stderr
    assert "fatal:" not in res.stderr


def _commit_tree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    """A commit whose specs/ folder holds crafted (mode, name, content) entries git itself
    would never check out; names may hold `..`."""
    lines = []
    for mode, name, content in entries:
        blob = _git(repo, "hash-object", "-w", "--stdin", stdin=content)
        if mode == "040000":  # a folder holding one file, evil.yaml, with `content`
            inner = _git(repo, "mktree", stdin=f"100644 blob {blob}\tevil.yaml\n")
            lines.append(f"040000 tree {inner}\t{name}\n")
            continue
        lines.append(f"{mode} blob {blob}\t{name}\n")
    specs = _git(repo, "mktree", stdin="".join(lines))
    root = _git(repo, "mktree", stdin=f"040000 tree {specs}\tspecs\n")
    return _git(repo, "commit-tree", root, "-m", "crafted")


@pytest.mark.parametrize(
    "entry, says",
    [
        (("120000", "evil.yaml", "../../../../../../tmp/specgen-escape"), "symbolic link"),
        (("120000", "abs.json", "/etc/hostname"), "symbolic link"),
        (("040000", "..", "x: 1\n"), "outside its folder"),
    ],
)
def test_git_extraction_refuses_entries_that_leave_the_temporary_folder(repo: Path, entry: tuple[str, str, str], says: str) -> None:
    api = (repo / "specs" / "api.yaml").read_text()
    commit = _commit_tree(repo, [("100644", "api.yaml", api), entry])
    escape = Path("/tmp/specgen-escape")
    escape.unlink(missing_ok=True)
    res = run_specgen("diff", f"git:{commit}:specs/api.yaml", "specs/api.yaml", cwd=repo)
    assert res.returncode == 2 and says in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not escape.exists()


def test_git_extraction_keeps_a_symlink_that_stays_inside(repo: Path) -> None:
    api = (repo / "specs" / "api.yaml").read_text()
    commit = _commit_tree(repo, [("100644", "real.yaml", api), ("120000", "api.yaml", "real.yaml")])
    res = run_specgen("diff", f"git:{commit}:specs/api.yaml", "specs/api.yaml", "--fail-on", "info", cwd=repo)
    assert res.returncode == 0, res.stderr


# ------------------------------------------------------------------ pre-commit, for real

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def _local_config(venv_bin: Path) -> str:
    """Our hooks as `repo: local` hooks, run by the specgen installed here (nothing to download)."""
    hooks = []
    for hook in HOOKS:
        local = {k: v for k, v in hook.items() if k != "description"}
        local["language"] = "system"
        local["entry"] = str(venv_bin / hook["entry"])
        if hook["id"] == "specgen-diff":
            local["files"] = "^specs/"
        hooks.append(local)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def test_pre_commit_hooks_file_declares_the_two_hooks() -> None:
    assert [h["id"] for h in HOOKS] == ["specgen-check", "specgen-diff"]
    assert HOOKS[0]["entry"] == "specgen check" and HOOKS[0]["pass_filenames"] is False
    assert HOOKS[1]["entry"].startswith("specgen diff --since HEAD --fail-on breaking")


def test_pre_commit_runs_both_hooks_for_real(repo: Path, tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("the pre-commit package is not installed (it is in the test extra)")
    (repo / "pyproject.toml").write_text('[tool.specgen]\n[[tool.specgen.targets]]\nname = "api"\nspec = "specs/api.yaml"\npackage = "api"\nformatter = "none"\n')
    (repo / ".pre-commit-config.yaml").write_text(_local_config(Path(sys.executable).parent))
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "SPECGEN_CACHE_DIR": str(tmp_path / "cache")}
    assert run_specgen("regenerate", "--quiet", cwd=repo, env=env).returncode == 0
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "generated")

    def run_hooks() -> subprocess.CompletedProcess[str]:
        _git(repo, "add", "-A")
        return subprocess.run([pre_commit, "run", "--color", "never"], cwd=repo, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)

    spec = repo / "specs" / "api.yaml"
    original = spec.read_text()
    # a harmless spec edit without regenerating: check fails naming stale files, diff passes
    spec.write_text(original.replace("operationId: tokenizeText", "operationId: tokenizeText\n      description: Tokenize some text.", 1))
    stale = run_hooks()
    assert stale.returncode == 1, stale.stdout
    assert "specgen check" in stale.stdout and "Failed" in stale.stdout and "generated/api/manifest.json: stale" in stale.stdout
    assert "Passed" in stale.stdout.split("specgen diff", 1)[1]
    # regenerated: both pass
    assert run_specgen("regenerate", "--quiet", cwd=repo, env=env).returncode == 0
    current = run_hooks()
    assert current.returncode == 0, current.stdout
    _git(repo, "commit", "-qm", "documented")
    # a breaking edit (an operation removed): the diff hook fails and says why
    doc = yaml.safe_load(spec.read_text())
    removed = sorted(doc["paths"])[0]
    del doc["paths"][removed]
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    assert run_specgen("regenerate", "--quiet", cwd=repo, env=env).returncode == 0
    breaking = run_hooks()
    assert breaking.returncode == 1
    diff_part = breaking.stdout.split("specgen diff", 1)[1]
    assert "Failed" in diff_part and "breaking" in diff_part.lower()
    assert "Passed" in breaking.stdout.split("specgen diff", 1)[0]  # check passed: output regenerated
