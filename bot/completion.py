"""Completing a typed command from the command tree: what a terminal offers on Tab.

Pure and platform-neutral: given the commands, the line up to the cursor and the word being
completed, the words that may come next. The tree is the same for everyone, so completion
offers every command whatever the person's role; running one is what checks who may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.tree import Arg, ArgKind, Command

HELP = "help"  # `/complaint help`: a group's own help (see bot.tree.resolve)


def complete(
    commands: Mapping[str, Command], line: str, text: str, own: Sequence[str] = ()
) -> list[str]:
    """The words that complete `text`, the last word of `line` (the line up to the cursor).

    A command is offered with its "/"; `own` are an adapter's own words (`as`, `clock`),
    offered beside the top-level commands. Matching ignores case, as the commands do."""
    before = line[: len(line) - len(text)] if line.endswith(text) else line
    typed = before.split()
    if not typed:
        names = [*commands, *own]
        return _matching((f"/{name}" for name in names), text if text[:1] == "/" else f"/{text}")
    top = commands.get(typed[0].lstrip("/").lower())
    if top is None:
        return []  # an adapter's own word or an unknown one: nothing follows from the tree
    return _matching(_next_words(top, typed[1:]), text)


def _next_words(top: Command, typed: Sequence[str]) -> list[str]:
    """Down the tree as `bot.tree.resolve` goes: a subcommand's name leads to it, other words
    are the group's default's; then the words the command reached takes next."""
    command = top
    at = 0
    while command.subcommands:
        if at == len(typed):  # the word being typed chooses here
            words = [sub.name for sub in command.subcommands] + [HELP]
            default = command.sub(command.default) if command.default else None
            if default is not None and not default.subcommands:
                words += _argument_words(default.args, ())  # `/language hi`
            return words
        sub = command.sub(typed[at].lower())
        if sub is not None:
            command, at = sub, at + 1
            continue
        default = command.sub(command.default) if command.default else None
        if default is None:
            return []  # `… help`, or a word that names no subcommand
        command = default  # the words are the default's
    return _argument_words(command.args, typed[at:])


def _argument_words(args: Sequence[Arg], typed: Sequence[str]) -> list[str]:
    """The next positional argument's choices and the keywords not used yet, after `typed`."""
    positional = [a for a in args if not a.keyword]
    keywords = {a.name: a for a in args if a.keyword}
    used: set[str] = set()
    filled = 0  # positional arguments begun
    words = iter(typed)
    for word in words:
        keyword = keywords.get(word.lower())
        if keyword is not None and keyword.name not in used:
            used.add(keyword.name)
            if next(words, None) is None:  # the keyword's value is what is typed now
                return list(keyword.choices)
            continue
        if filled and positional[filled - 1].kind is ArgKind.TEXT:
            continue  # free text goes on until a keyword
        filled += 1
        if filled > len(positional):
            return []  # more words than the command takes
    offered = list(positional[filled].choices) if filled < len(positional) else []
    return offered + [name for name in keywords if name not in used]


def _matching(words: Iterable[str], text: str) -> list[str]:
    start = text.lower()
    seen: dict[str, None] = {}
    for word in words:
        if word.lower().startswith(start):
            seen.setdefault(word)
    return list(seen)
