"""A clip's captions (its .srt) as a subtitle track, or burned into the picture.

Manim writes the frames and, beside them, the subcaptions as an .srt file. Players show captions only
from a subtitle stream inside the file (or a <track> on a web page), so the published clip carries them:
  mp4   a mov_text stream (the subtitle codec MP4 knows), marked default so players show it unasked;
  webm  a WebVTT stream (the only subtitle codec WebM allows), also default;
  gif   no subtitle streams exist: the captions are always burned into the picture;
  burn  (`regviz render --burn-captions`) any video: burned in by ffmpeg's `subtitles` filter (libass),
        for players that ignore subtitle streams. The picture is re-encoded; the .srt still sits beside it.
The streams are copied, never re-encoded, when the captions are a track: the frames stay those Manim drew.
"""
import shutil
import subprocess
import tempfile
from pathlib import Path

from scenes.common import FONT

# libass draws SRT cues on a 384 x 288 canvas scaled to the video: 16 is 5.6% of the height (40 px at
# 720p), two lines of 42 characters fit across a 16:9 frame; a dark outline keeps them readable on any
# colour, and they sit low, under the clips' content
BURN_STYLE = f"FontName={FONT},FontSize=16,PrimaryColour=&H00FFFFFF,OutlineColour=&H00000000,BorderStyle=1," \
             "Outline=1.2,Shadow=0,MarginV=10"

SUBTITLE_CODEC = {"mp4": "mov_text", "webm": "webvtt"}
VIDEO_CODEC = {"mp4": ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "23"],  # Manim's own settings
               "webm": ["-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", "23", "-b:v", "0"]}
# the palette step Manim uses for its own GIFs, after the captions are drawn
GIF_PALETTE = "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"


def ffmpeg():
    """The ffmpeg program (installed by `make` with the Debian ffmpeg, built with libass)."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise RuntimeError("ffmpeg is not installed: it puts the captions into the clip (apt-get install ffmpeg)")
    return path


def attach(clip, srt, dest, fmt, burn=False):
    """Write `clip` with the captions of `srt` to `dest` (format `fmt`): as a default subtitle stream
    (mp4, webm), or burned into the picture (burn=True, and always for gif). Other formats: a plain copy."""
    clip, srt, dest = Path(clip).resolve(), Path(srt).resolve(), Path(dest).resolve()
    if fmt not in SUBTITLE_CODEC and fmt != "gif":
        shutil.copyfile(clip, dest)
        return
    with tempfile.TemporaryDirectory(prefix="regviz-captions-") as folder:
        # the subtitles filter reads the cues by name: a plain name in ffmpeg's working folder needs no escaping
        # in the filter graph's syntax (a path may hold ':', ',' or quotes)
        shutil.copyfile(srt, Path(folder) / "cues.srt")
        _run_ffmpeg(clip, dest, fmt, burn, cwd=folder)


def _run_ffmpeg(clip, dest, fmt, burn, cwd):
    command = [ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(clip)]
    if burn or fmt == "gif":
        draw = f"subtitles=filename=cues.srt:force_style='{BURN_STYLE}'"
        if fmt == "gif":
            command += ["-filter_complex", f"[0:v]{draw},{GIF_PALETTE}", "-f", "gif"]
        else:
            command += ["-map", "0", "-vf", draw, *VIDEO_CODEC[fmt], "-c:a", "copy", "-f", fmt]
    else:
        command += [
            "-i", "cues.srt", "-map", "0", "-map", "1:s", "-c", "copy", "-c:s", SUBTITLE_CODEC[fmt],
            "-disposition:s:0", "default", "-metadata:s:s:0", "language=eng", "-f", fmt,
        ]
    if fmt == "mp4":
        command += ["-movflags", "+faststart"]  # the index first: the study page starts playing at once
    done = subprocess.run([*command, str(dest)], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not add the captions to {clip.name}: {done.stderr.strip()[-600:]}")

