"""Reading report files back in tests: the headings of the HTML and of the Word document, in order."""

from html.parser import HTMLParser


class HeadingParser(HTMLParser):
    """(level, text) of every h1 to h4, in order."""

    def __init__(self):
        super().__init__()
        self.headings, self._level, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self._level, self._text = int(tag[1]), []

    def handle_endtag(self, tag):
        if self._level and tag == f"h{self._level}":
            self.headings.append((self._level, " ".join("".join(self._text).split())))
            self._level = None

    def handle_data(self, data):
        if self._level:
            self._text.append(data)


def html_headings(html: bytes) -> list[tuple[int, str]]:
    parser = HeadingParser()
    parser.feed(html.decode("utf-8"))
    return parser.headings


def word_headings(word) -> list[tuple[int, str]]:
    """(level, text) of every paragraph in a Heading 1 to 9 style, in order."""
    return [(int(p.style.name.removeprefix("Heading ")), " ".join(p.text.split())) for p in word.paragraphs
            if p.style.name.startswith("Heading ")]
