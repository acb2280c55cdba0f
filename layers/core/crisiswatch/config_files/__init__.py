"""The configuration files at the edge: TOML read, validated with pydantic, turned into domain objects.

`watchlist.py` and `policy.py` each hold a file's schema (pydantic models named like the domain's
dataclasses, so pydantic's messages read the same) and its loader, which reports every problem at once
with its place in the file. The domain (`domain/listening/watchlist.py`, `domain/response/policy.py`)
gets frozen dataclasses and never imports pydantic.

`locales.py` reads only the language fields of the same two files with the standard library, for the
functions that write to people and should not pay for pydantic at their first request.

Adding a field: add it to the domain dataclass and, under the same name, to the schema; `to_domain`
(`convert.py`) copies it. `tests/unit/test_config_files.py` fails when the two disagree.
"""
