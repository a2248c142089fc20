"""``python -m tickertape``: the same as the ``tickertape`` command."""

from __future__ import annotations

from tickertape.cli import main

raise SystemExit(main())
