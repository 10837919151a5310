"""Synthetic data generators for the benchmarks (not part of the installed kintrace package).

`generators.second` is the second, independent generator of tracing lists: written from its
own description of the problem, it imports nothing from kintrace and is used to CHECK linkage
rules chosen on the demo generator, never to choose them. Put bench/ on sys.path to import it.
"""
