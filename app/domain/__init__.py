"""Pure domain logic of Resonanz: questionnaires, answers, anonymisation, statistics.

Nothing in this package imports Flask (tests/domain/test_layering.py enforces it),
so every rule here can be tested without a request.
"""
