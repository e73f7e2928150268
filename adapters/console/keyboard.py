"""Tab completion in an interactive terminal, through the standard library's readline.

What completes what is the core's (`bot.completion`); this only hands readline the line.
"""

from __future__ import annotations

from collections.abc import Callable

Complete = Callable[[str, str], list[str]]  # (the line up to the cursor, the word) → words


def install(complete: Complete) -> bool:
    """Tab completes through `complete` from now on; False where there is no readline (the
    shell then reads plain lines)."""
    try:
        import readline  # not on every platform (Windows has none)
    except ImportError:
        return False
    offered: list[str] = []

    def completer(text: str, state: int) -> str | None:
        nonlocal offered
        if state == 0:  # readline asks again for each match: compute them once
            offered = complete(readline.get_line_buffer()[: readline.get_endidx()], text)
            if len(offered) == 1:  # the one word, and a space for the next (Python's readline
                offered = [offered[0] + " "]  # adds none of its own)
        return offered[state] if state < len(offered) else None

    readline.set_completer_delims(" \t\n")  # "/complaint", "one-month" and "@asha" are words
    readline.set_completer(completer)
    if "libedit" in (readline.__doc__ or ""):  # macOS's readline speaks another dialect
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    return True
