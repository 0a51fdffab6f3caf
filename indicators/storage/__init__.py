"""The built store, read: typed queries, versions, geometry, codes. Imports core only."""
