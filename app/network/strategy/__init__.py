"""The network's strategy: its goal hierarchy and the indicators measured from meeting records."""
