"""Masked spans (``extract/quantities/exclusions.py``): the e-mail scan equals the plain regex.

Why a property test: ``_emails`` replaces ``_WEB.finditer`` on texts with an "@" (the regex is
quadratic on Chinese text, whose characters are all ``\\w``), and must find the very same
matches, including addresses that touch, share characters or follow a failed "@".
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.quantities.exclusions import _WEB, _emails, masked_spans

_ALPHABET = st.sampled_from([*"ab1中文@.+-_ ,", "@x.cn", "a@b.c"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_email_scan_equals_the_regex(text: str) -> None:
    assert [m.span() for m in _emails(text)] == [m.span() for m in _WEB.finditer(text)]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("来信请寄jb@x.gov.cn,共收到5件", "来信请寄jb@x.gov.cn"),  # \w includes the Chinese before
        ("a@b.c+x@y.z", "a@b.c+x@y.z"),  # a second address right after the first
        ("邮箱@不是地址", ""),  # an "@" without a local part or a domain
        ("访问www.x.cn,共3次", "www.x.cn"),  # with "www" the plain regex runs: a URL
        ("访问www.x.cn或a@b.cn", "访问www.x.cn或a@b.cn"),  # \w runs through: one address
    ],
    ids=["chinese_before", "touching", "bare_at", "url", "url_and_mail"],
)
def test_masked_addresses(text: str, masked: str) -> None:
    starts, ends = masked_spans(text)
    assert "|".join(text[s:e] for s, e in zip(starts, ends, strict=True)) == masked
