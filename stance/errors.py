"""Errors that the package raises for bad input.

Every error names the file (or record) and the problem in one line, so the
command line can print it without a traceback.
"""


class StanceInputError(ValueError):
    """Bad input: a missing path, an unreadable file or a malformed record.

    Parameters
    ----------
    source : str or os.PathLike
        The file (or other input) the problem is in.
    problem : str
        What is wrong, in a few words.
    """

    def __init__(self, source, problem):
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")

    def __reduce__(self):
        # Pickled with its two arguments, so that an error raised in a worker process
        # (a Dask task) arrives whole in the client.
        return (type(self), (self.source, self.problem))


class MissingExtraError(ImportError):
    """An optional dependency is not installed: the message names the extra to install.

    Parameters
    ----------
    feature : str
        What was asked for (e.g. ``--engine dask``).
    extra : str
        The extra of the package that brings the dependency (e.g. ``dask``).
    """

    def __init__(self, feature, extra):
        self.feature, self.extra = feature, extra
        super().__init__(f"{feature} needs the optional '{extra}' dependencies: pip install 'stance[{extra}]'")

    def __reduce__(self):
        return (type(self), (self.feature, self.extra))
