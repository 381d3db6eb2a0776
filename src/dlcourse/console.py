"""The console that progress bars, status spinners and notes go to: one for the whole package, on stderr, so
that a command's results on stdout stay clean and the bars and the lines between them share one live display."""

import sys

from rich.console import Console

console = Console(stderr=True)


def plain_lines() -> None:
    """From here on, the shared console writes plain lines to stdout: no colour codes and no live display,
    which a notebook would need ipywidgets for and could not keep when saved. Each epoch still ends with a line
    that gives its time left."""
    plain = Console(file=sys.stdout, force_jupyter=False, force_terminal=False, no_color=True, width=120)
    console.__dict__.update(plain.__dict__)
