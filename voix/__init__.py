"""The ``voix`` command itself: the command-line root, the deployment's settings, logging."""
