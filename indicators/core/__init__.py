"""Foundation: paths, errors, schema, the catalogue, formatting, territory codes. Imports nothing above it."""
