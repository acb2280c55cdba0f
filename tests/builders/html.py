"""Pages read back as a browser reads them: elements, text, and whether anything from people became markup."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {"blockquote", "dd", "div", "dt", "h1", "h2", "h3", "li", "p", "section", "td", "th", "tr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    start: int
    """Its place among the document's elements; those up to `end` are inside it."""
    end: int = 0
    text: str = ""
    """Every text inside it, as displayed (entities decoded)."""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class Document(HTMLParser):
    """The elements of a page in document order."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, len(self.elements))
        element.end = element.start + 1
        if tag in BLOCKS:
            self.handle_data(" ")
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            element = self._open.pop()
            element.end = len(self.elements)
            if element.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def by_id(self, element_id: str) -> Element:
        found = [element for element in self.elements if element.attrs.get("id") == element_id]
        assert len(found) == 1, f"#{element_id}: {len(found)} elements"
        return found[0]

    def find(self, tag: str = "", css: str = "", inside: Element | None = None) -> list[Element]:
        elements = self.elements[inside.start + 1 : inside.end] if inside else self.elements
        return [
            element
            for element in elements
            if (not tag or element.tag == tag) and (not css or css in element.classes)
        ]

    def rows(self, element_id: str) -> list[str]:
        """The text of each body row of the tables in an element, whitespace collapsed."""
        container = self.by_id(element_id)
        return [
            " ".join(row.text.split())
            for row in self.find("tr", inside=container)
            if self.find("td", inside=row)
        ]

    @property
    def text(self) -> str:
        return self.find("body")[0].text


def assert_inert(page: Document, images: tuple[str, ...] = ()) -> None:
    """Nothing from people became markup: no scripts, handlers or script links, no images but `images`."""
    assert not page.find("script")
    assert [image.attrs.get("src") for image in page.find("img")] == list(images)
    assert not [name for element in page.elements for name in element.attrs if name.startswith("on")]
    assert not [element for element in page.elements if "javascript:" in element.attrs.get("href", "")]
