"""One small pure module per publisher file: raw file -> tidy rows.

Every module exposes:
- ``SOURCE_ID``: the id used in the ``source_id`` column and in the catalogue's ``sources``;
- ``FILES``: the raw files it reads, relative to ``data/raw`` (the pipeline hashes them);
- ``read(raw_dir) -> DataFrame`` with columns ``territory_level, territory_code,
  indicator_id, year, value`` (observed counts or published rates, no derived ratios).
"""
