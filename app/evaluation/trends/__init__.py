"""Trends and change: each indicator over meetings and years, across the
versions of its questionnaire, and the comparison of two periods or meetings."""
