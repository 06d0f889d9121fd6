"""One shape each for web-address names and reference codes (consult/core/patterns.py)."""

import pytest

from consult.core.patterns import is_code, is_question_name, is_slug


@pytest.mark.parametrize("slug", ["a", "7", "older-people-2027", "a" * 64, "x-1-y"])
def test_slugs_people_may_choose(slug):
    assert is_slug(slug)


@pytest.mark.parametrize("slug", ["", "-a", "a-", "Older", "older people", "a" * 65, "a_b", "ü", "a\x00", None, 7,
                                  "a\n"])
def test_slugs_refused(slug):
    assert not is_slug(slug)


@pytest.mark.parametrize("code", ["P", "P01", "service_user", "SEA-2", "a" * 32, "9"])
def test_codes_people_may_choose(code):
    assert is_code(code)


@pytest.mark.parametrize("code", ["", "_P", "-P", "P 01", "a" * 33, "P.01", "P\x00", None, 1, "P\n"])
def test_codes_refused(code):
    assert not is_code(code)


@pytest.mark.parametrize("name", ["q1", "_private", "Q.2-b_c", "a" * 64, "age"])
def test_question_names_people_may_choose(name):
    assert is_question_name(name)


@pytest.mark.parametrize("name", ["", "1q", "-q", ".q", "q 1", "a" * 65, "q/1", "q\x00", None, 3, "q1\n"])
def test_question_names_refused(name):
    assert not is_question_name(name)
