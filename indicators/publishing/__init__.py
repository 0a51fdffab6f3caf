"""Analysts' imports: bounded reading, validation, meaning checks, publication as a new version. Imports core,
storage and models.
"""
