"""The labelling model on a Dask worker: loaded once per worker process.

:class:`StanceModelPlugin` is a ``distributed`` worker plugin that carries the bytes of
a model file. Registered with a client, it is sent to every worker (and to each worker
that joins or restarts later) and loads the model there once; tasks then find the
loaded classifier by the plugin's name instead of receiving the model with each task.
This module imports ``distributed``: import it only where Dask is installed.
"""

import os
import tempfile

from distributed import WorkerPlugin


class StanceModelPlugin(WorkerPlugin):
    """Load a stance model file on each worker.

    Parameters
    ----------
    model_bytes : bytes
        The content of a model file (``model.skops``).
    name : str
        The plugin's name on the workers (one per model: a digest of its bytes).
    """

    def __init__(self, model_bytes, name):
        self.model_bytes = model_bytes
        self.name = name
        self.classifier = None

    def __getstate__(self):
        return {"model_bytes": self.model_bytes, "name": self.name, "classifier": None}

    def setup(self, worker):
        """Write the model to a temporary file and load it with :func:`stance.load_classifier`."""
        from .models.persistence import load_classifier

        fd, path = tempfile.mkstemp(suffix=".skops")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(self.model_bytes)
            self.classifier = load_classifier(path)
        finally:
            os.unlink(path)
        self.model_bytes = None  # the loaded classifier is what tasks use
