"""Every interface string is translated into every enabled language, with its placeholders intact."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from consult.config import KNOWN_LOCALES

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif%]")


def catalogue(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", [code for code in KNOWN_LOCALES if code != "en"])
def test_catalogue_is_complete_without_fuzzy_entries(locale):
    template = {m.id for m in read_po(open(ROOT / "translations" / "messages.pot", "rb")) if m.id}
    messages = [m for m in catalogue(locale) if m.id]
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in messages} >= {
        i if isinstance(i, str) else i[0] for i in template}, "run `make i18n-update`"
    untranslated = [m.id for m in messages if not m.string or (isinstance(m.string, tuple) and not all(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{locale}: fuzzy entries {fuzzy[:5]}"


@pytest.mark.parametrize("locale", [code for code in KNOWN_LOCALES if code != "en"])
def test_placeholders_survive_translation(locale):
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, f"{locale}: {message.id!r} -> {string!r}"


def test_every_string_in_the_code_is_in_the_template():
    """The .pot is up to date: extracting again finds nothing new."""
    from babel.messages.extract import extract_from_dir

    template = {m.id if isinstance(m.id, str) else m.id[0]
                for m in read_po(open(ROOT / "translations" / "messages.pot", "rb")) if m.id}
    method_map = [("consult/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                                             "lazy_gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    missing = sorted(found - template)
    assert not missing, f"not extracted yet (run `make i18n-update`): {missing[:10]}"
