"""Entry point for ``python -m bailleurs_cli``."""

from bailleurs_cli.cli import main

main()
