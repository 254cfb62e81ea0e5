"""``python -m hybridai.api.cli``: the ``hybridai`` command."""

from . import main

main()
