"""`python -m bot` runs the `perceptions` command line."""

from bot.cli import main

main()
