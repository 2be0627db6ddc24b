"""Storage: the schema, the engine and the queries. Sessions are passed in."""
