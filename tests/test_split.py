"""Split renders (regviz/app/split.py): one clip's plays drawn by forked children give the serial clip."""
import av
import numpy as np
import pytest

import regviz.app.render
import regviz.app.split

from .conftest import child_processes, decode_frames
from .toy_scenes import DyingPartScene, FailingPartScene, SoundScene, TimingScene, ZoomScene

needs_fork = pytest.mark.skipif(not regviz.app.split.available(), reason="split renders fork (POSIX)")


@needs_fork
def test_a_split_render_gives_the_serial_frames_and_caption_times(tmp_path, monkeypatch):
    monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: TimingScene)
    made = []

    class Recording(regviz.app.split.ForkingRenderer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(regviz.app.split, "ForkingRenderer", Recording)
    serial, split = (
        regviz.app.render.render_scene("dropout", quality="low", out_dir=tmp_path / f"j{jobs}", cache_dir=tmp_path / "c",
                                   progress=False, jobs=jobs)
        for jobs in (1, 2)
    )
    assert [r.forked for r in made] == [4]  # five plays: the one with an updater was drawn by the parent
    frames_serial, frames_split = decode_frames(serial.path), decode_frames(split.path)
    assert len(frames_serial) == len(frames_split) == 36  # 6 + 10 + 9 + 7 + 4 frames at 15 fps
    assert all(np.array_equal(a, b) for a, b in zip(frames_serial, frames_split))  # exactly: see test_render
    captions = split.captions.read_text(encoding="utf-8")
    assert captions == serial.captions.read_text(encoding="utf-8")
    assert "00:00:01,066 --> 00:00:01,666\na ring follows it" in captions  # 16 frames in (not 0.35 + 0.7 s), 9 long


@needs_fork
@pytest.mark.parametrize("scene", [ZoomScene, SoundScene])
def test_a_split_render_keeps_the_scenes_camera_and_sound(tmp_path, monkeypatch, scene):
    import wave

    beep = tmp_path / "beep.wav"
    with wave.open(str(beep), "w") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes((8000 * np.sin(np.arange(4000) / 3)).astype("<i2").tobytes())
    monkeypatch.setattr(SoundScene, "beep", str(beep))
    monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: scene)
    serial, split = (
        regviz.app.render.render_scene("dropout", quality="low", out_dir=tmp_path / f"j{jobs}", cache_dir=tmp_path / "c",
                                   progress=False, jobs=jobs)
        for jobs in (1, 2)
    )
    assert split.path.read_bytes() == serial.path.read_bytes()  # the same frames and, for SoundScene, audio
    with av.open(str(split.path)) as container:
        assert len(container.streams.audio) == (scene is SoundScene)


@needs_fork
@pytest.mark.parametrize("scene, cause", [
    (FailingPartScene, "ValueError: a frame could not be drawn"),
    (DyingPartScene, "PlayFailed: the process drawing play 1 died (signal SIGKILL)"),
])
def test_a_failure_in_one_part_keeps_the_previous_clip(run, tmp_path, scene, cause):
    out = tmp_path / "out"
    out.mkdir()
    (out / "dropout.mp4").write_bytes(b"the previous good clip")
    before = child_processes()
    result = run(["render", "dropout", "-q", "low", "--jobs", "2"], scene=scene)
    assert result.exit_code == 1
    assert "scene dropout failed" in result.output and cause in result.output
    assert (out / "dropout.mp4").read_bytes() == b"the previous good clip"
    assert sorted(p.name for p in out.iterdir()) == ["dropout.mp4"]  # no partial file
    assert child_processes() <= before  # every part was reaped
