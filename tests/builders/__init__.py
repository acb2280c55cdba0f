"""What tests of every layer build from: scenes, sample reports, events, tables, runtimes, pages.

Tests import these, `tests.fakes` and nothing else of `tests`: never another test module or another
layer's conftest (tests/unit/test_architecture.py checks it).
"""
