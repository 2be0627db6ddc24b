"""The network's actor groups: one list that questionnaires, the partner register and reports use."""
