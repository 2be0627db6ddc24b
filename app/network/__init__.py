"""The network's own settings (name, operator, languages, time zone, k), the
pages participants read of it (privacy notice, imprint), ``flask network init``."""
