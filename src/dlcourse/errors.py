"""Every expected failure is a `DlcourseError` with one clear sentence.

The CLI prints `error: <message>` and exits with code 2; library users catch the subclass they care about.
"""


class DlcourseError(Exception):
    """Base class of the errors a user can cause and fix."""


class DataNotFound(DlcourseError):
    """A dataset is on none of the searched paths and could not be downloaded."""


class CorruptFile(DlcourseError):
    """A data file exists but is truncated, malformed or of the wrong kind."""


class ChecksumMismatch(CorruptFile):
    """A downloaded file's sha256 differs from the published one."""


class UnknownName(DlcourseError):
    """A task, dataset, model or setting name that no registry knows."""


class InvalidName(DlcourseError):
    """A name that cannot be registered: one the registry holds already, or not of the form it needs."""


class InvalidSetting(DlcourseError):
    """A setting value of the wrong type or outside its allowed range."""


class DeviceUnavailable(DlcourseError):
    """The requested device (e.g. CUDA) is not present."""


class TrainingDiverged(DlcourseError):
    """The loss became NaN or infinite."""


class RunFolderError(DlcourseError):
    """The run folder cannot be created, written or swapped into place (permissions, a file in the way)."""


class InvalidInput(DlcourseError):
    """Arrays passed to a library function with the wrong shape or values."""


class InvalidNetwork(DlcourseError):
    """A network given to the theory calculator is missing, malformed, or its shapes do not fit together."""


class ToolMissing(DlcourseError):
    """An outside program a command needs (a browser to print a PDF, a Jupyter kernel) is missing or failed."""


class DamagedRun(DlcourseError):
    """A finished run's folder lost or garbled a file after its run, so a report cannot use it."""
