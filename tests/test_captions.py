"""Captions are a subtitle track: in the mp4 (mov_text) and webm (WebVTT), marked default, the .srt beside
the clip, the picture clean; --burn-captions (and gif) draws them into the picture instead."""
import os

import av
import numpy as np
import pytest
from manim import Circle, FadeIn, Square, tempconfig

import regviz.app.captions
import regviz.app.render
from regviz.app.render import render_scene
from regviz.app.syllabus import SCENE_NAMES
from scenes.common import CAPTION_LINE, CAPTION_LINES, CHARS_PER_SECOND, RegvizScene

from .conftest import TINY, clips, decode_frames
from .toy_scenes import TinyScene


def render_tiny(tmp_path, monkeypatch, fmt="mp4", burn=False, out="out"):
    monkeypatch.setattr(regviz.app.render, "load_scene", lambda name: TinyScene)
    return render_scene("dropout", quality="low", fmt=fmt, out_dir=tmp_path / out, cache_dir=tmp_path / "cache",
                        progress=False, overrides=TINY, burn_captions=burn)


def subtitle_cues(path):
    """[(codec, disposition, [cue text, ...])] for each subtitle stream of the clip, decoded by PyAV."""
    with av.open(str(path)) as container:
        found = []
        for stream in container.streams.subtitles:
            texts = [sub.dialogue.decode() for packet in container.demux(stream) for sub in packet.decode()]
            found.append((stream.codec_context.name, stream.disposition, texts))
        return found


@pytest.mark.parametrize("fmt, codec", [("mp4", "mov_text"), ("webm", "webvtt")])
def test_the_clip_carries_its_captions_as_the_default_subtitle_track(tmp_path, monkeypatch, fmt, codec):
    result = render_tiny(tmp_path, monkeypatch, fmt=fmt)
    assert result.path.name == f"dropout.{fmt}" and result.captions == tmp_path / "out" / "dropout.srt"
    assert "a circle" in result.captions.read_text(encoding="utf-8")
    [(name, disposition, texts)] = subtitle_cues(result.path)
    assert name == codec
    assert disposition & av.stream.Disposition.default  # players show it without being asked
    assert texts == ["a circle"]


def test_the_picture_stays_clean(tmp_path, monkeypatch):
    """The published frames are Manim's, exactly: the captions are only a stream (copied, not re-encoded)."""
    result = render_tiny(tmp_path, monkeypatch)
    [manims] = [p for p in (tmp_path / "cache").rglob("dropout.mp4")]
    published, drawn = decode_frames(result.path), decode_frames(manims)
    assert len(published) == len(drawn) > 0
    assert all(np.array_equal(a, b) for a, b in zip(published, drawn))


def changed_pixels(clean, burned):
    """Pixels that change by more than a quarter of the range (letters, not codec noise) between two renders of
    the same frames, most in any one frame: (in the lower fifth of the picture, where cues go; in the upper half)."""
    def changed(a, b):
        return (np.abs(a.astype(int) - b.astype(int)).max(axis=-1) > 64).sum()

    low = max(changed(a[-a.shape[0] // 5:], b[-b.shape[0] // 5:]) for a, b in zip(clean, burned))
    high = max(changed(a[: a.shape[0] // 2], b[: b.shape[0] // 2]) for a, b in zip(clean, burned))
    return low, high


def test_burn_captions_draws_them_into_the_picture_instead(run, tmp_path):
    clean = run(["render", "dropout", "-q", "low"])
    assert clean.exit_code == 0, clean.output
    clean_frames = decode_frames(tmp_path / "out" / "dropout.mp4")
    burned = run(["render", "dropout", "-q", "low", "--burn-captions"])
    assert burned.exit_code == 0, burned.output
    clip = tmp_path / "out" / "dropout.mp4"
    assert subtitle_cues(clip) == []  # no second copy of the captions
    assert (tmp_path / "out" / "dropout.srt").read_text().count("a circle") == 1  # the .srt still sits beside it
    low, high = changed_pixels(clean_frames, decode_frames(clip))
    assert low > 100 and high < 10


def test_a_gif_always_has_its_captions_burned_in(tmp_path, monkeypatch):
    gif = render_tiny(tmp_path, monkeypatch, fmt="gif")
    [manims] = [p for p in (tmp_path / "cache").rglob("dropout.gif")]  # the same frames, no captions
    low, high = changed_pixels(decode_frames(manims), decode_frames(gif.path))
    assert low > 20 and high < 10
    assert gif.captions.is_file()


def test_clip_and_captions_are_published_together_or_not_at_all(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "dropout.mp4").write_bytes(b"the previous good clip")
    (out / "dropout.srt").write_text("the previous captions")

    def half_written_then_fail(clip, srt, dest, fmt, burn=False):
        dest.write_bytes(b"half a clip")
        raise RuntimeError("ffmpeg could not add the captions")

    monkeypatch.setattr(regviz.app.captions, "attach", half_written_then_fail)
    with pytest.raises(RuntimeError, match="could not add the captions"):
        render_tiny(tmp_path, monkeypatch)
    assert (out / "dropout.mp4").read_bytes() == b"the previous good clip"
    assert (out / "dropout.srt").read_text() == "the previous captions"  # not the new captions of the old clip
    assert sorted(os.listdir(out)) == ["dropout.mp4", "dropout.srt"]  # no partial file left


def test_the_study_page_shows_the_captions_by_default(tmp_path, monkeypatch):
    import re

    from regviz.app.page import build_page

    result = render_tiny(tmp_path, monkeypatch)
    html = build_page(result.path.parent).read_text(encoding="utf-8")
    tracks = re.findall(r"<track[^>]*>", html)
    assert tracks and all(re.search(r"\sdefault[\s>]", track) for track in tracks)


def reading_slack(path):
    """Seconds a cue may lose to the clip's frames: Manim floors a still wait to whole frames
    (freeze_current_frame adds int(duration / dt) frames), so a scene that starts its next caption when the
    reading time is up can start it up to one frame early, and the cues are tidied to end where the next
    begins; plus SRT's millisecond rounding at each end. One frame is 1/3 s in the tiny renders (3 fps)
    and 1/30 s in the published clips."""
    with av.open(str(path)) as container:
        return 1 / float(container.streams.video[0].average_rate) + 0.002


@pytest.mark.render
@pytest.mark.parametrize("name", clips(SCENE_NAMES))  # the clips not re-cut yet: strict xfail
def test_every_cue_is_two_short_lines_on_screen_long_enough_to_read(tiny_renders, name):
    import srt

    result, error = tiny_renders[name]
    assert error is None, error
    cues = list(srt.parse(result.captions.read_text(encoding="utf-8")))
    assert cues
    slack, problems = reading_slack(result.path), []
    for cue, following in zip(cues, [*cues[1:], None]):
        start, end = cue.start.total_seconds(), min(cue.end.total_seconds(), result.duration)
        lines = cue.content.splitlines()
        text = " ".join(lines)
        where = f"{name} {start:.2f}-{end:.2f} s {text!r}"
        if len(lines) > CAPTION_LINES or max(map(len, lines)) > CAPTION_LINE:
            problems.append(f"{where}: {len(lines)} lines of up to {max(map(len, lines))} characters")
        if len(text) > CHARS_PER_SECOND * (end - start + slack):
            problems.append(f"{where}: {len(text)} characters in {end - start:.2f} s "
                            f"({len(text) / max(end - start, 1e-9):.1f} per second)")
        if following is not None and following.start < cue.end:
            problems.append(f"{where}: overlaps the next cue, at {following.start.total_seconds():.2f} s")
    assert not problems, "\n".join(problems)
    # and the clip carries them all as its default subtitle track
    [(codec, disposition, texts)] = subtitle_cues(result.path)
    assert codec == "mov_text" and disposition & av.stream.Disposition.default
    assert texts == [cue.content for cue in cues]


class ClearingScene(RegvizScene):
    """A part whose plays end before its caption has been read, then the stage clears."""

    def construct(self):
        self.add(Square())
        self.said = self.say("Each feature is normalised over the batch, then scaled and shifted.", wait=0)
        self.play(FadeIn(Circle()), run_time=0.5)
        self.clear_stage()
        self.cleared = self.renderer.time


def test_the_stage_clears_only_once_its_caption_has_been_read(tmp_path):
    scene = ClearingScene()
    with tempconfig({"dry_run": True, "media_dir": str(tmp_path), "verbosity": "ERROR", "progress_bar": "none",
                     "disable_caching": True}):
        scene.render()
    fade = 1.0  # FadeOut's run time
    assert scene.said > 2.0  # the caption outlasts the 0.5 s play under it
    assert scene.cleared - fade >= scene.said - 1e-6  # the picture the caption names stays while it is up
    assert scene.cleared - fade < scene.said + 0.5  # ... and no longer than a frame or so after
