"""What the pages show: view models, charts, maps, PDF fiches and the app's caches. Imports core, storage and
models.
"""
