"""Builders of synthetic test data shared by the tests and the benchmarks.

Why a plain package under tests/ (imported as `support`): pytest already puts tests/ on
sys.path (the root tests/conftest.py, rootdir-style, no __init__.py in tests/), as it does for
`review_fixtures`; the benchmarks under bench/ add tests/ to sys.path themselves. Nothing here
ships with kintrace, so there is no `kintrace.testing` in the installed package.

All names, keys and secrets built here are synthetic.
"""
