"""The console that progress bars, status spinners and notes go to: one for the whole package, on stderr, so
that a command's results on stdout stay clean and the bars and the lines between them share one live display."""

from rich.console import Console

console = Console(stderr=True)
