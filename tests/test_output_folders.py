"""Unusable output folders: one clean line that names the path and what to do, before any work starts
(render, verify and page alike); a disk that fills up at the end never shows a traceback or a temporary
file's name. Real folders: a path through a file, a read-only folder (as root: run without the capability
that overrides permissions), a full disk (a tiny tmpfs in a mount namespace of its own)."""
import errno
import os
import shutil
import subprocess
import sys

import pytest

import regviz.app.captions
import regviz.app.page
import regviz.app.render


def commands(out, tmp_path):
    return {
        "render": ["render", "dropout", "-q", "low", "--out", str(out), "--cache", str(tmp_path / "cache")],
        "verify": ["verify", "--question", "Q5", "--out", str(out), "--cache", str(tmp_path / "cache")],
        "page": ["page", "--out", str(out)],
    }


def run_regviz(args, prefix=()):
    return subprocess.run([*prefix, sys.executable, "-m", "regviz", *args], capture_output=True, text=True, timeout=600)


def check_clean_refusal(proc, tmp_path, status, *phrases):
    assert proc.returncode == status, proc.stdout + proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("Error")]
    assert len(error) == 1 and all(p in error[0] for p in phrases), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr and ".partial" not in proc.stderr
    assert "Running the claim properties" not in proc.stdout  # refused before any work
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("command", ["render", "verify", "page"])
def test_an_out_folder_under_a_file_is_a_usage_error(tmp_path, command):
    (tmp_path / "notes.txt").write_text("a file")
    out = tmp_path / "notes.txt" / "renders"
    proc = run_regviz(commands(out, tmp_path)[command])
    check_clean_refusal(proc, tmp_path, 2, str(out), "notes.txt is a file, not a folder")


def without_override():
    """A command prefix that makes file permissions bind: as root, drop the capabilities that bypass them."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to bind")
    caps = "-dac_override,-dac_read_search"
    return ("setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}")


@pytest.mark.parametrize("command", ["render", "verify", "page"])
def test_a_read_only_out_folder_is_refused_in_one_line(tmp_path, command):
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = run_regviz(commands(out, tmp_path)[command], prefix=without_override())
    finally:
        out.chmod(0o755)
    check_clean_refusal(proc, tmp_path, 1, str(out), "permission denied", "choose a folder you can write to")
    assert list(out.iterdir()) == []


def in_a_full_disk(folder):
    """A command prefix that runs it with a 64 KiB tmpfs mounted on folder, in a mount namespace of its own."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"]).returncode != 0:
        pytest.skip("no mount namespaces here: a small tmpfs cannot be mounted")
    return ("unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0" && exec "$@"', str(folder))


@pytest.mark.parametrize("command", ["render", "verify", "page"])
def test_a_full_disk_is_refused_in_one_line(tmp_path, command):
    out = tmp_path / "small-disk"
    out.mkdir()
    proc = run_regviz(commands(out, tmp_path)[command], prefix=in_a_full_disk(out))
    check_clean_refusal(proc, tmp_path, 1, str(out), "no space left on device", "free some space")


def test_a_disk_that_fills_at_the_end_names_the_clip_and_keeps_both_previous_files(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "dropout.mp4").write_bytes(b"the previous clip")
    (out / "dropout.srt").write_text("the previous captions")

    def full(clip, srt, dest, fmt, burn=False):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))  # dest: the temporary name

    monkeypatch.setattr(regviz.app.captions, "attach", full)
    result = run(["render", "dropout", "-q", "low"])
    assert result.exit_code == 1
    assert f"cannot write to {out / 'dropout.mp4'}: no space left on device" in result.output
    assert ".partial" not in result.output and "Traceback" not in result.output
    assert (out / "dropout.mp4").read_bytes() == b"the previous clip"
    assert (out / "dropout.srt").read_text() == "the previous captions"
    assert sorted(p.name for p in out.iterdir()) == ["dropout.mp4", "dropout.srt"]


def test_a_poster_that_cannot_be_written_leaves_the_render_a_success(run, tmp_path, monkeypatch):
    def full(clip, dest, samples=12):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(regviz.app.page, "poster", full)
    result = run(["render", "dropout", "-q", "low"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "dropout.mp4").is_file() and (tmp_path / "out" / "index.html").is_file()
    assert "poster=" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
