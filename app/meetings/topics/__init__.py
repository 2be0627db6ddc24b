"""The network's topic list: topics brought in by members (proposals in a
meeting's survey) or entered by coordinators, and the meetings devoted to them."""
