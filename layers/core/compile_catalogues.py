"""Compile the gettext catalogues (`crisiswatch/locale/<lang>/LC_MESSAGES/messages.po`) to `.mo`.

Run by the core layer's build (Makefile) and by the tests. A catalogue that would ship a wrong message
fails the build, each problem named by file and line: a placeholder missing, renamed or of another type
(Babel's checkers), a message of `messages.pot` with no translation or still fuzzy, or a translation of
a message the code no longer has.

    python compile_catalogues.py <package folder> [<output package folder>]
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def problems_of(po: Path, template: Catalog) -> list[str]:
    with po.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    found = [f"{po}:{message.lineno}: {error}" for message, errors in catalog.check() for error in errors]
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"{po}:{message.lineno}: {message.id!r} has no translation")
        if message.fuzzy:
            found.append(f"{po}:{message.lineno}: {message.id!r} is fuzzy (check it, then drop the flag)")
        if message.id not in template:
            found.append(f"{po}:{message.lineno}: {message.id!r} is not in messages.pot (run pybabel update)")
    for message in template:
        if message.id and message.id not in catalog:
            found.append(f"{po}: {message.id!r} is missing (run pybabel update, then translate it)")
    return found


def compile_all(package: Path, output: Path) -> list[str]:
    """Every problem of every catalogue; the `.mo` files are written only when there is none."""
    locale = package / "locale"
    with (locale / f"{DOMAIN}.pot").open("rb") as handle:
        template = read_po(handle, domain=DOMAIN)
    catalogues = sorted(locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    found = [problem for po in catalogues for problem in problems_of(po, template)]
    if found:
        return found
    for po in catalogues:
        with po.open("rb") as handle:
            catalog = read_po(handle, domain=DOMAIN)
        target = output / po.relative_to(package).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog)
    return []


def main(argv: list[str]) -> int:
    package = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "crisiswatch"
    output = Path(argv[2]) if len(argv) > 2 else package
    found = compile_all(package, output)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
