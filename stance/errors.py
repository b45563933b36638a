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
