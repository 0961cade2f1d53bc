"""Stopping when asked: Ctrl-C (SIGINT) or SIGTERM end a command promptly, with the shell's exit status.

While `stop_on_signals()` is active, the first SIGINT or SIGTERM raises `Stopped` in the main thread.
Stopped is a KeyboardInterrupt, so what already handles Ctrl-C (pytest ends its session, Manim abandons
the play, atomic writes leave the previous file) handles SIGTERM the same way. A second signal while
the command tidies up is noted, not raised: the tidying (killing and reaping workers) must finish.
"""
import signal
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by signal `signum`; it should exit with status 128 + signum."""

    def __init__(self, signum):
        self.signum = signal.Signals(signum)
        super().__init__(self.signum.name)

    @property
    def exit_code(self):
        return 128 + int(self.signum)  # 130 for SIGINT, 143 for SIGTERM, as a shell reports them


@contextmanager
def stop_on_signals():
    """Raise Stopped at the first SIGINT/SIGTERM while the block runs; yields the list of signals received
    (code that catches and swallows a KeyboardInterrupt, as some libraries do, can still be told)."""
    received = []

    def handler(signum, frame):
        received.append(signum)
        if len(received) == 1:
            raise Stopped(signum)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield received
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def signal_name(exc):
    """SIGINT or SIGTERM: what stopped the command (a bare KeyboardInterrupt is Ctrl-C)."""
    return exc.signum.name if isinstance(exc, Stopped) else "SIGINT"


def exit_code(exc):
    """The exit status for an interruption: Stopped knows its signal; a bare KeyboardInterrupt is SIGINT."""
    return exc.exit_code if isinstance(exc, Stopped) else 128 + int(signal.SIGINT)
