"""Read an action-link page the way a browser would: its title and forms, so scripts can press buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

LINK = re.compile(r"https?://\S+/a/[A-Za-z0-9_-]{22}")
"""An action link as it appears in an email or SMS."""


@dataclass
class PageForm:
    fields: dict[str, str] = field(default_factory=dict)
    """Hidden inputs, text inputs and textareas with their current values."""
    buttons: list[tuple[str, str]] = field(default_factory=list)
    """(name, value) of each submit button."""

    def submit(self, name: str, value: str, **changes: str) -> dict[str, str]:
        """The body a browser posts when this button is pressed (after typing `changes`)."""
        return {**self.fields, **changes, name: value}


@dataclass
class Page:
    title: str = ""
    forms: list[PageForm] = field(default_factory=list)

    @property
    def buttons(self) -> list[str]:
        """Every decision offered, once each."""
        seen: list[str] = []
        for form in self.forms:
            for name, value in form.buttons:
                if name == "decision" and value not in seen:
                    seen.append(value)
        return seen

    @property
    def fields(self) -> dict[str, str]:
        """The first form's fields (the form token is the same in every form)."""
        return dict(self.forms[0].fields) if self.forms else {}

    @property
    def statements(self) -> list[str]:
        return list(dict.fromkeys(f.fields["statement"] for f in self.forms if "statement" in f.fields))

    def form_for(self, name: str, value: str, statement: str | None = None) -> PageForm:
        for form in self.forms:
            chosen = statement is None or form.fields.get("statement") == statement
            if (name, value) in form.buttons and chosen:
                return form
        raise LookupError(f"no button {name}={value} (statement {statement}) on the page {self.title!r}")

    def press(
        self, value: str, statement: str | None = None, name: str = "decision", **typed: str
    ) -> dict[str, str]:
        return self.form_for(name, value, statement).submit(name, value, **typed)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._form: PageForm | None = None
        self._textarea: str | None = None
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = PageForm()
            self.page.forms.append(self._form)
        elif tag == "input" and self._form is not None and values.get("name"):
            self._form.fields[values["name"]] = values.get("value", "")
        elif tag == "textarea" and self._form is not None and values.get("name"):
            self._textarea = values["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "button" and self._form is not None and values.get("name"):
            self._form.buttons.append((values["name"], values.get("value", "")))
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.page.title += data
        if self._textarea is not None and self._form is not None:
            self._form.fields[self._textarea] += data


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.page.title = " ".join(reader.page.title.split())
    return reader.page
