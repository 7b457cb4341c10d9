"""Bad-input corpus for ``xuncha ingest``/``export``: cases built in code, run in a child.

``cases`` holds the corpus (``CASES``), ``runner`` the limited child process and the store
readers, ``check`` plays one case and lists every invariant it broke. Used by
``tests/test_bad_input.py`` and ``scripts/bench_bad_input.py``.
"""
